// Reading the support plan's forms: dates typed in three boxes, text with limits, one-of choices,
// and the hidden keys that make a resubmitted form harmless. Each problem is a FieldError whose
// field is the id of the box to fix, so the error summary links straight to it.
import { addDays } from '../../domain/calendar-date.ts';
import { parseDateParts, type DateParts } from '../../domain/person-fields.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { isUuid } from './access.ts';

export type { DateParts };

export const NO_DATE: DateParts = { day: '', month: '', year: '' };

/** The three boxes of a date field named `name` ("reviewOn-day", "reviewOn-month", "reviewOn-year"). */
export function datePartsOf(form: Record<string, string | undefined>, name: string): DateParts {
  return { day: form[`${name}-day`] ?? '', month: form[`${name}-month`] ?? '', year: form[`${name}-year`] ?? '' };
}

/** A stored date as the three boxes, to fill a form. */
export function datePartsFrom(date: string | null): DateParts {
  if (!date) return NO_DATE;
  const [year = '', month = '', day = ''] = date.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

export interface DateRule {
  /** how the date is named in messages: "the review date" */
  label: string;
  required: boolean;
  /** the earliest allowed, with what to say when it is earlier */
  earliest?: { date: string; message: string };
  /** the latest allowed, with what to say when it is later */
  latest?: { date: string; message: string };
}

/** A date from its three boxes, or null when left empty (and not required); problems are added. */
export function checkDate(parts: DateParts, name: string, rule: DateRule, problems: FieldError[]): string | null {
  const parsed = parseDateParts(parts, { label: rule.label, today: '9999-12-31', past: false, required: rule.required });
  if (!parsed.ok) {
    problems.push({ field: `${name}-${parsed.part ?? 'day'}`, message: parsed.message });
    return null;
  }
  const value = parsed.value;
  if (value && rule.earliest && value < rule.earliest.date) {
    problems.push({ field: `${name}-day`, message: rule.earliest.message });
    return null;
  }
  if (value && rule.latest && value > rule.latest.date) {
    problems.push({ field: `${name}-day`, message: rule.latest.message });
    return null;
  }
  return value;
}

/**
 * A review or due date: optional, and not in the past unless it is the date already saved (a
 * goal whose review is overdue can still be changed in other ways), and within two years.
 */
export function checkFutureDate(parts: DateParts, name: string, label: string, today: string, saved: string | null, problems: FieldError[]): string | null {
  const Label = label.charAt(0).toUpperCase() + label.slice(1);
  const value = checkDate(parts, name, {
    label: `the ${label}`,
    required: false,
    latest: { date: addDays(today, 730), message: `${Label} must be within the next 2 years` },
  }, problems);
  if (value && value < today && value !== saved) {
    problems.push({ field: `${name}-day`, message: `${Label} must be today or in the future` });
    return null;
  }
  return value;
}

/** Trimmed text within a length limit; an empty required answer gets `requiredMessage`. */
export function checkText(value: string | undefined, field: string, rule: { label: string; max: number; requiredMessage?: string }, problems: FieldError[]): string {
  const text = String(value ?? '').trim().replace(/\r\n/g, '\n');
  if (!text && rule.requiredMessage) problems.push({ field, message: rule.requiredMessage });
  else if (text.length > rule.max) problems.push({ field, message: `${rule.label} must be ${rule.max.toLocaleString('en-GB')} characters or fewer` });
  return text;
}

/** One of a fixed set of answers, or null with a problem when nothing (or something else) was chosen. */
export function checkChoice<T extends string>(value: string | undefined, allowed: readonly T[], field: string, message: string, problems: FieldError[]): T | null {
  if (value && (allowed as readonly string[]).includes(value)) return value as T;
  problems.push({ field, message });
  return null;
}

/**
 * The key that makes a resubmitted form create nothing new: the form's random id, scoped by who
 * sent it so one person's key can never collide with another's. Anything else is ignored.
 */
export function submissionKeyOf(value: string | undefined, userId: string): string | null {
  return value && isUuid(value) ? `${userId}:${value.toLowerCase()}` : null;
}

/** Someone else saved first: refused, with a message for the form's error summary. */
export function staleSave(field: string, what: string, by: string | null, at: Date | null): AppError {
  const who = by ?? 'Someone else';
  const when = at ? ` at ${new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(at)}` : '';
  return new AppError({
    status: 409,
    code: 'stale',
    message: `${who} changed ${what} while you were editing it.`,
    fields: [{
      field,
      message: `${who} saved changes to ${what}${when}, after you opened it. Nothing you typed has been lost, and nothing has been saved yet. Compare your answers with what is saved now, shown above each one, then save again.`,
    }],
  });
}

/** Every value of a repeated form field (ticked checkboxes), as strings. */
export function listOf(body: unknown, name: string): string[] {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
}
