// Checking what people type about a person (names, dates of birth, NHS numbers, phone numbers,
// emails, postcodes) the same way on every form and in the partner API, with the messages the
// NHS service manual uses: say what is wrong and how to put it right. Pure: no I/O.
import { normaliseNhsNumber } from './nhs-number.ts';
import { parsePostcode } from './postcode.ts';

export type FieldResult<T> = { ok: true; value: T } | { ok: false; message: string; part?: 'day' | 'month' | 'year' };

const fail = (message: string, part?: 'day' | 'month' | 'year'): FieldResult<never> => (part ? { ok: false, message, part } : { ok: false, message });

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Letters in any alphabet, and the marks, spaces, hyphens, apostrophes and full stops names use. */
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}' .\u2019-]*$/u;

/** A given or family name: required, at most 100 characters, letters and the usual marks. */
export function parseName(input: string, label: string): FieldResult<string> {
  const value = String(input ?? '').trim().replace(/\s+/g, ' ');
  if (!value) return fail(`Enter ${label}`);
  if (value.length > 100) return fail(`${capitalise(label)} must be 100 characters or fewer`);
  if (!NAME.test(value)) return fail(`${capitalise(label)} must only include letters, spaces, hyphens and apostrophes`);
  return { ok: true, value };
}

export interface DateParts {
  day: string;
  month: string;
  year: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A month as a number 1 to 12, from "3", "03", "March" or "mar"; NaN otherwise. */
function monthNumber(text: string): number {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const index = MONTHS.indexOf(text.toLowerCase().slice(0, 3));
  return index >= 0 && text.length >= 3 ? index + 1 : Number.NaN;
}

/**
 * A date entered in three boxes, as 'YYYY-MM-DD'. `label` is how the date is named in messages
 * ("your date of birth"); `today` ('YYYY-MM-DD') is for "must be in the past".
 */
export function parseDateParts(parts: DateParts, options: { label: string; today: string; past?: boolean; required?: boolean }): FieldResult<string | null> {
  const day = String(parts.day ?? '').trim();
  const month = String(parts.month ?? '').trim();
  const year = String(parts.year ?? '').trim();
  const Label = capitalise(options.label.replace(/^(your|their) /, ''));
  if (!day && !month && !year) return options.required === false ? { ok: true, value: null } : fail(`Enter ${options.label}`, 'day');
  const missing = (['day', 'month', 'year'] as const).filter((p) => !{ day, month, year }[p]);
  if (missing.length === 2) return fail(`${Label} must include a ${missing[0]} and a ${missing[1]}`, missing[0]);
  if (missing.length === 1) return fail(`${Label} must include a ${missing[0]}`, missing[0]);
  if (!/^\d{1,2}$/.test(day)) return fail(`${Label} must be a real date`, 'day');
  const m = monthNumber(month);
  if (!Number.isInteger(m) || m < 1 || m > 12) return fail(`${Label} must be a real date`, 'month');
  if (!/^\d{4}$/.test(year)) return fail('Year must include 4 numbers', 'year');
  const d = Number(day);
  const y = Number(year);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (d < 1 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return fail(`${Label} must be a real date`, 'day');
  const iso = `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (options.past !== false && iso >= options.today) return fail(`${Label} must be in the past`, 'day');
  if (y < 1900) return fail(`${Label} must be after 1900`, 'year');
  return { ok: true, value: iso };
}

/** An optional NHS number: 10 digits with a valid check digit, spaces allowed; '' is "not given". */
export function parseNhsNumberField(input: string): FieldResult<string | null> {
  const value = String(input ?? '').trim();
  if (!value) return { ok: true, value: null };
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\d+$/.test(digits)) return fail('NHS number must only include numbers, like 943 476 5919');
  if (digits.length !== 10) return fail('NHS number must be 10 numbers, like 943 476 5919');
  const normalised = normaliseNhsNumber(digits);
  return normalised ? { ok: true, value: normalised } : fail('Enter a valid NHS number. Check it against a letter from the NHS or the NHS App');
}

/** An optional UK phone number (landline or mobile, with 0 or +44), kept as typed with spaces tidied. */
export function parsePhone(input: string): FieldResult<string | null> {
  const value = String(input ?? '').trim().replace(/\s+/g, ' ');
  if (!value) return { ok: true, value: null };
  const compact = value.replace(/[\s()-]/g, '');
  if (!/^(?:\+44|0)\d{9,10}$/.test(compact)) return fail('Enter a UK phone number, like 01632 960 001 or 07700 900 982');
  return { ok: true, value };
}

/** An optional email address, lower-cased. */
export function parseEmail(input: string): FieldResult<string | null> {
  const value = String(input ?? '').trim();
  if (!value) return { ok: true, value: null };
  if (value.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return fail('Enter an email address in the correct format, like name@example.com');
  return { ok: true, value: value.toLowerCase() };
}

/** An optional full postcode, normalised ('me44qf' gives 'ME4 4QF'), with its district. */
export function parseFullPostcode(input: string): FieldResult<{ postcode: string; district: string } | null> {
  const value = String(input ?? '').trim();
  if (!value) return { ok: true, value: null };
  const parsed = parsePostcode(value);
  if (!parsed.ok || parsed.kind !== 'full') return fail('Enter a full postcode, like ME4 4QF');
  return { ok: true, value: { postcode: parsed.postcode, district: parsed.district } };
}

/** Free text with a length limit: trimmed, required or not. */
export function parseText(input: string, options: { label: string; max: number; required?: boolean }): FieldResult<string> {
  const value = String(input ?? '').trim();
  if (!value && options.required) return fail(`Enter ${options.label}`);
  if (value.length > options.max) return fail(`${capitalise(options.label.replace(/^(your|their|a|an|the) /, ''))} must be ${options.max.toLocaleString('en-GB')} characters or fewer`);
  return { ok: true, value };
}
