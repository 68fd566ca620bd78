// What staff type about a carer (who they are, how to reach them, how they want to be contacted),
// the person's consent for them, a carer's assessment, and the contact preferences form the person
// and the carer fill in on their own pages. Checked the same way everywhere, with messages that
// say what to do. Pure: no I/O.
import { CONTACT_METHODS, contactPreferencesFrom, type ContactPreferences } from './contact-preferences.ts';
import { isStaffConsentMethod, normaliseScope, type ConsentMethod, type ConsentScope } from './carer-consent.ts';
import { parseDateParts, parseEmail, parseName, parsePhone, parseText } from './person-fields.ts';

export interface Problem {
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export interface PreferencesForm {
  /** the ticked boxes: call, voicemail, text, email, letter */
  methods: readonly string[];
  times: string;
  notes: string;
}

/** The contact preferences form: the ticked ways, and the times and notes in the person's own words. */
export function parsePreferencesForm(form: PreferencesForm): Parsed<ContactPreferences> {
  const problems: Problem[] = [];
  const times = parseText(form.times, { label: 'the best times', max: 200 });
  if (!times.ok) problems.push({ field: 'contactTimes', message: times.message });
  const notes = parseText(form.notes, { label: 'anything else we should know', max: 500 });
  if (!notes.ok) problems.push({ field: 'contactNotes', message: 'What else we should know must be 500 characters or fewer' });
  if (problems.length) return { ok: false, problems };
  const ticked = new Set(form.methods);
  const raw: Record<string, unknown> = { times: times.ok ? times.value : '', notes: notes.ok ? notes.value : '' };
  for (const method of CONTACT_METHODS) raw[method] = ticked.has(method);
  return { ok: true, value: contactPreferencesFrom(raw) };
}

export interface CarerDetails {
  givenName: string;
  familyName: string;
  phone: string | null;
  email: string | null;
  contactPreferences: ContactPreferences;
}

export interface CarerDetailsForm extends PreferencesForm {
  givenName: string;
  familyName: string;
  phone: string;
  email: string;
}

/** A carer's own record: a name, at least one way to reach them, and how they want to be contacted. */
export function parseCarerDetails(form: CarerDetailsForm): Parsed<CarerDetails> {
  const problems: Problem[] = [];
  const given = parseName(form.givenName, 'their first name');
  if (!given.ok) problems.push({ field: 'givenName', message: given.message });
  const family = parseName(form.familyName, 'their last name');
  if (!family.ok) problems.push({ field: 'familyName', message: family.message });
  const phone = parsePhone(form.phone);
  if (!phone.ok) problems.push({ field: 'phone', message: phone.message });
  const email = parseEmail(form.email);
  if (!email.ok) problems.push({ field: 'email', message: email.message });
  if (phone.ok && email.ok && !phone.value && !email.value) {
    problems.push({ field: 'phone', message: 'Enter a phone number or an email address, so we can reach the carer' });
  }
  const preferences = parsePreferencesForm(form);
  if (!preferences.ok) problems.push(...preferences.problems);
  if (problems.length || !given.ok || !family.ok || !phone.ok || !email.ok || !preferences.ok) return { ok: false, problems };
  return { ok: true, value: { givenName: given.value, familyName: family.value, phone: phone.value, email: email.value, contactPreferences: preferences.value } };
}

export interface ConsentDecision {
  scope: ConsentScope[];
  how: ConsentMethod;
  note: string;
}

/** The person's consent as a staff member records it: what is shared (maybe nothing), how they said so, and a note. */
export function parseConsentDecision(form: { scope: readonly string[]; how: string; note: string }): Parsed<ConsentDecision> {
  const problems: Problem[] = [];
  const unknown = form.scope.filter((s) => !normaliseScope([s]).length);
  if (unknown.length) problems.push({ field: 'scope', message: 'Select what the carer may see or be told from the list' });
  if (!isStaffConsentMethod(form.how)) problems.push({ field: 'consentHow', message: 'Select how the person told you' });
  const note = parseText(form.note, { label: 'a note', max: 1000 });
  if (!note.ok) problems.push({ field: 'consentNote', message: note.message });
  if (problems.length || !note.ok) return { ok: false, problems };
  return { ok: true, value: { scope: normaliseScope(form.scope), how: form.how as ConsentMethod, note: note.value } };
}

/** Who the carer is to the person, in words: "mother", "partner", "friend". */
export function parseRelationship(input: string): Parsed<string> {
  const value = String(input ?? '').trim().replace(/\s+/g, ' ');
  if (!value) return { ok: false, problems: [{ field: 'relationship', message: 'Enter who the carer is to the person, like mother, partner or friend' }] };
  if (value.length > 100) return { ok: false, problems: [{ field: 'relationship', message: 'Who the carer is must be 100 characters or fewer' }] };
  return { ok: true, value };
}

export const ASSESSMENT_OUTCOMES = ['accepted', 'declined', 'completed', 'referred'] as const;
export type AssessmentOutcome = (typeof ASSESSMENT_OUTCOMES)[number];

export const ASSESSMENT_OUTCOME_NAMES: Record<AssessmentOutcome, string> = {
  accepted: 'Accepted: the carer wants an assessment',
  declined: 'Declined',
  completed: 'Completed',
  referred: "Referred to the council's carers' service",
};

export interface AssessmentInput {
  offeredOn: string;
  outcome: AssessmentOutcome | null;
  outcomeOn: string | null;
  notes: string;
}

export interface AssessmentForm {
  offeredDay: string; offeredMonth: string; offeredYear: string;
  /** '' while the carer has not answered */
  outcome: string;
  outcomeDay: string; outcomeMonth: string; outcomeYear: string;
  notes: string;
}

/** A carer's assessment: when it was offered, and (once known) the outcome and its date. Dates are today or earlier. */
export function parseAssessment(form: AssessmentForm, today: string): Parsed<AssessmentInput> {
  const problems: Problem[] = [];
  const date = (prefix: 'offered' | 'outcome', label: string, required: boolean): string | null => {
    const parts = { day: form[`${prefix}Day`], month: form[`${prefix}Month`], year: form[`${prefix}Year`] };
    const result = parseDateParts(parts, { label, today, past: false, required });
    if (!result.ok) {
      problems.push({ field: `${prefix}-${result.part ?? 'day'}`, message: result.message });
      return null;
    }
    if (result.value && result.value > today) {
      problems.push({ field: `${prefix}-day`, message: `${label.charAt(0).toUpperCase()}${label.slice(1)} must be today or in the past` });
      return null;
    }
    return result.value;
  };
  const offeredOn = date('offered', 'the date the assessment was offered', true);
  const outcome = form.outcome === '' ? null : (ASSESSMENT_OUTCOMES as readonly string[]).includes(form.outcome) ? (form.outcome as AssessmentOutcome) : undefined;
  if (outcome === undefined) problems.push({ field: 'outcome', message: 'Select the outcome from the list' });
  const outcomeOn = date('outcome', 'the date of the outcome', outcome != null);
  if (outcome === null && outcomeOn) problems.push({ field: 'outcome', message: 'Select the outcome, or leave its date empty' });
  if (offeredOn && outcomeOn && outcomeOn < offeredOn) problems.push({ field: 'outcome-day', message: 'The date of the outcome must be on or after the date it was offered' });
  const notes = parseText(form.notes, { label: 'notes', max: 4000 });
  if (!notes.ok) problems.push({ field: 'notes', message: notes.message });
  if (problems.length || !offeredOn || outcome === undefined || !notes.ok) return { ok: false, problems };
  return { ok: true, value: { offeredOn, outcome, outcomeOn: outcome ? outcomeOn : null, notes: notes.value } };
}
