// A person's crisis plan as the form sends it and as it is kept: warning signs, what helps, what to
// avoid, and who to call (named people and services with numbers; the national options are shown
// beside them on every plan). Checked the same way for every form, with messages that say what to
// do. Pure: no I/O.
import { parseDateParts, parseText } from './person-fields.ts';

export interface CrisisContact {
  /** "Jo Smith", "Release the Pressure" */
  name: string;
  /** who they are: "My sister", "Kent and Medway 24-hour mental health line" */
  role: string;
  phone: string;
}

export interface CrisisPlanContent {
  warningSigns: string;
  whatHelps: string;
  whatToAvoid: string;
  contacts: CrisisContact[];
}

export interface CrisisPlanInput extends CrisisPlanContent {
  /** 'YYYY-MM-DD': when the plan was last gone through with the person */
  reviewedOn: string;
}

export const MAX_CONTACTS = 6;
/** Blank rows offered below the filled ones, so another contact can be added without JavaScript. */
export const BLANK_CONTACT_ROWS = 2;
export const TEXT_MAX = 4000;

export interface PlanProblem {
  field: string;
  message: string;
}

export type PlanResult = { ok: true; value: CrisisPlanInput } | { ok: false; problems: PlanProblem[] };

/** A UK number (landline or mobile, 0 or +44) or a short number like 111 or 116 123. */
const UK_PHONE = /^(?:\+44|0)\d{9,10}$/;
const SHORT_NUMBER = /^\d{3,6}$/;

export function isCallableNumber(phone: string): boolean {
  const compact = phone.replace(/[\s()-]/g, '');
  return UK_PHONE.test(compact) || SHORT_NUMBER.test(compact);
}

/** A tel: link for a number that passed isCallableNumber: digits (and a leading +) only. */
export function telHref(phone: string): string {
  const compact = phone.replace(/[^\d+]/g, '');
  return `tel:${compact.startsWith('+') ? `+${compact.slice(1).replace(/\+/g, '')}` : compact.replace(/\+/g, '')}`;
}

const tidy = (value: string | undefined) => String(value ?? '').trim().replace(/[ \t]+/g, ' ');

/** The form's name for a contact row's field: contact-1-name, contact-1-role, contact-1-phone. */
export const contactField = (row: number, part: 'name' | 'role' | 'phone') => `contact-${row}-${part}`;

/**
 * Reads the crisis plan form. Rows of who to call that are left blank are ignored; a row with
 * anything in it needs a name and a number. `today` ('YYYY-MM-DD') is for "not in the future".
 */
export function parseCrisisPlanForm(form: Record<string, string | undefined>, today: string): PlanResult {
  const problems: PlanProblem[] = [];
  const text = (field: string, label: string) => {
    const result = parseText(form[field] ?? '', { label, max: TEXT_MAX });
    if (!result.ok) problems.push({ field, message: result.message });
    return result.ok ? result.value : '';
  };
  const warningSigns = text('warningSigns', 'the warning signs');
  const whatHelps = text('whatHelps', 'what helps');
  const whatToAvoid = text('whatToAvoid', 'what to avoid');

  const contacts: CrisisContact[] = [];
  for (let row = 1; row <= MAX_CONTACTS; row++) {
    const name = tidy(form[contactField(row, 'name')]);
    const role = tidy(form[contactField(row, 'role')]);
    const phone = tidy(form[contactField(row, 'phone')]);
    if (!name && !role && !phone) continue;
    if (!name) problems.push({ field: contactField(row, 'name'), message: `Enter the name of contact ${row}` });
    else if (name.length > 100) problems.push({ field: contactField(row, 'name'), message: `The name of contact ${row} must be 100 characters or fewer` });
    if (role.length > 100) problems.push({ field: contactField(row, 'role'), message: `Who contact ${row} is must be 100 characters or fewer` });
    if (!phone) problems.push({ field: contactField(row, 'phone'), message: `Enter a phone number for contact ${row}` });
    else if (!isCallableNumber(phone)) {
      problems.push({ field: contactField(row, 'phone'), message: `Enter a phone number for contact ${row} like 01632 960 001, 07700 900 982 or 111` });
    }
    contacts.push({ name, role, phone });
  }

  if (!warningSigns && !whatHelps && !whatToAvoid && contacts.length === 0 && !problems.length) {
    problems.push({ field: 'warningSigns', message: 'Enter the warning signs, what helps, what to avoid or someone to call. A crisis plan needs at least one of them' });
  }

  const reviewed = parseDateParts(
    { day: form.reviewedDay ?? '', month: form.reviewedMonth ?? '', year: form.reviewedYear ?? '' },
    { label: 'the date you went through the plan with them', today, past: false },
  );
  let reviewedOn = '';
  if (!reviewed.ok) problems.push({ field: `reviewed-${reviewed.part ?? 'day'}`, message: reviewed.message });
  else if (reviewed.value && reviewed.value > today) problems.push({ field: 'reviewed-day', message: 'The date you went through the plan with them must be today or in the past' });
  else reviewedOn = reviewed.value ?? '';

  if (problems.length) return { ok: false, problems };
  return { ok: true, value: { warningSigns, whatHelps, whatToAvoid, contacts, reviewedOn } };
}

/** The form's fields for a plan (what the form shows when it opens), with blank rows to add more contacts. */
export function crisisPlanFormValues(plan: CrisisPlanContent | null, reviewedOn: string): Record<string, string> {
  const values: Record<string, string> = {
    warningSigns: plan?.warningSigns ?? '',
    whatHelps: plan?.whatHelps ?? '',
    whatToAvoid: plan?.whatToAvoid ?? '',
  };
  (plan?.contacts ?? []).slice(0, MAX_CONTACTS).forEach((c, i) => {
    values[contactField(i + 1, 'name')] = c.name;
    values[contactField(i + 1, 'role')] = c.role;
    values[contactField(i + 1, 'phone')] = c.phone;
  });
  const [year = '', month = '', day = ''] = reviewedOn.split('-');
  values.reviewedDay = day.replace(/^0/, '');
  values.reviewedMonth = month.replace(/^0/, '');
  values.reviewedYear = year;
  return values;
}

/** How many contact rows the form shows: the filled ones (or typed ones) and some blank, up to the maximum. */
export function contactRowCount(values: Record<string, string | undefined>): number {
  let last = 0;
  for (let row = 1; row <= MAX_CONTACTS; row++) {
    if ((['name', 'role', 'phone'] as const).some((part) => tidy(values[contactField(row, part)]))) last = row;
  }
  return Math.min(MAX_CONTACTS, last + BLANK_CONTACT_ROWS);
}

/** Stored JSON as contacts: anything malformed is dropped rather than shown wrong. */
export function contactsFrom(value: unknown): CrisisContact[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((c): c is Record<string, unknown> => Boolean(c) && typeof c === 'object')
    .map((c) => ({ name: String(c.name ?? ''), role: String(c.role ?? ''), phone: String(c.phone ?? '') }))
    .filter((c) => c.name !== '' && c.phone !== '')
    .slice(0, MAX_CONTACTS);
}

/** Which parts of the plan differ (for the audit row: the names of the parts, never the words). */
export function changedParts(before: CrisisPlanContent | null, after: CrisisPlanContent): string[] {
  const parts: (keyof CrisisPlanContent)[] = ['warningSigns', 'whatHelps', 'whatToAvoid', 'contacts'];
  if (!before) return parts.filter((p) => (p === 'contacts' ? after.contacts.length > 0 : after[p] !== ''));
  return parts.filter((p) => JSON.stringify(before[p]) !== JSON.stringify(after[p]));
}
