// The questions every way in asks about the person (name, date of birth, where they live, GP,
// NHS number, how it is safe to contact them, what they would like help with), read the same way
// on every form with the shared checks in src/domain/person-fields.ts. Each reader takes the
// form's answers as strings, adds any problem to `problems` with the id of the input it is about
// (so the error summary links to it), and gives back what it read. Pure: no I/O.
import { NO_PREFERENCES, type ContactPreferences } from '../../../domain/contact-preferences.ts';
import {
  parseDateParts, parseEmail, parseFullPostcode, parseName, parseNhsNumberField, parsePhone, parseText,
} from '../../../domain/person-fields.ts';
import type { FieldError } from '../../../platform/errors.ts';
import { NEEDS_TERMS } from '../../../seed/taxonomy.ts';
import type { ReferredPerson } from '../model.ts';

/** A form's answers: every value a string; a group of checkboxes is a comma-separated list. */
export type Answers = Record<string, string>;

/** What the readers need to know beyond the answers. */
export interface IntakeEnv {
  /** today in the UK, 'YYYY-MM-DD' */
  today: string;
  /** the tenant's GP practices, to choose from */
  gpPractices: readonly { id: string; name: string }[];
}

/** Whose details the questions are about: "your" on a self-referral, "their" for anyone else. */
export type Voice = 'your' | 'their';

/** Answers longer than this are cut before anything reads or keeps them. */
const MAX_ANSWER_LENGTH = 6000;

/**
 * The answers from a posted form: only the named keys, trimmed, a repeated key (a group of
 * checkboxes) joined with commas, and nothing longer than any question allows.
 */
export function answersFrom(body: unknown, keys: readonly string[], multi: ReadonlySet<string>): Answers {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const out: Answers = {};
  for (const key of keys) {
    const value = raw[key];
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) continue;
    const text = multi.has(key)
      ? values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v, i, all) => v && all.indexOf(v) === i).join(',')
      : values[0]!.trim();
    if (text) out[key] = text.slice(0, MAX_ANSWER_LENGTH);
  }
  return out;
}

/** The values of a checkbox group's answer. */
export function listOf(value: string | undefined): string[] {
  return (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);
}

/** "yes" -> true, "no" -> false, anything else -> null. */
export function yesNo(value: string | undefined): boolean | null {
  return value === 'yes' ? true : value === 'no' ? false : null;
}

// ---------------------------------------------------------------------------------------------
// Needs

/**
 * The needs a self-referral offers, in everyday words: the ten people ask for most, from the
 * directory's taxonomy. Staff and professionals can choose from the whole taxonomy.
 */
export const COMMON_NEEDS: readonly { id: string; label: string }[] = [
  { id: 'lantern-needs:depression', label: 'Feeling low or sad' },
  { id: 'lantern-needs:anxiety', label: 'Worry, stress or panic' },
  { id: 'lantern-needs:talking-therapies', label: 'Someone to talk to, like counselling' },
  { id: 'lantern-needs:loneliness', label: 'Feeling lonely' },
  { id: 'lantern-needs:debt-money', label: 'Money or debt' },
  { id: 'lantern-needs:housing', label: 'Housing, or nowhere to live' },
  { id: 'lantern-needs:employment', label: 'Work, or finding a job' },
  { id: 'lantern-needs:drugs-alcohol', label: 'Drinking or drugs' },
  { id: 'lantern-needs:bereavement', label: 'Grief after someone died' },
  { id: 'lantern-needs:carers', label: 'Looking after someone else' },
];

const COMMON_IDS = new Set(COMMON_NEEDS.map((n) => n.id));
/** The rest of the taxonomy's needs, for staff and professionals ("crisis" is asked as its own question). */
export const OTHER_NEEDS: readonly { id: string; label: string }[] = NEEDS_TERMS
  .filter((t) => !COMMON_IDS.has(t.id) && t.id !== 'lantern-needs:crisis')
  .map((t) => ({ id: t.id, label: t.name }));
const ALL_NEED_IDS = new Set([...COMMON_IDS, ...OTHER_NEEDS.map((n) => n.id)]);

/** The everyday words for a need, or the taxonomy's name. */
export function needLabel(id: string): string {
  return COMMON_NEEDS.find((n) => n.id === id)?.label ?? NEEDS_TERMS.find((t) => t.id === id)?.name ?? id;
}

export const NEED_OTHER = 'other';
export const NEED_UNSURE = 'unsure';

/**
 * What the person would like help with: taxonomy ids from `offered`, and "something else" in
 * their words. With `required`, at least one answer (or "I am not sure") must be chosen.
 */
export function readNeeds(
  a: Answers,
  voice: Voice,
  problems: FieldError[],
  options: { offered: 'common' | 'all'; required: boolean },
): { needs: string[]; otherNeed: string } {
  const chosen = listOf(a.needs);
  const allowed = options.offered === 'common' ? COMMON_IDS : ALL_NEED_IDS;
  const needs = chosen.filter((id) => allowed.has(id));
  const wantsOther = chosen.includes(NEED_OTHER);
  const you = voice === 'your' ? 'you' : 'they';
  if (options.required && needs.length === 0 && !wantsOther && !chosen.includes(NEED_UNSURE)) {
    problems.push({ field: 'needs', message: `Select what ${you} would like help with, or select ‘I am not sure’` });
  }
  let otherNeed = '';
  if (wantsOther) {
    const other = parseText(a.otherNeed ?? '', { label: `what else ${you} would like help with`, max: 200, required: true });
    if (other.ok) otherNeed = other.value;
    else problems.push({ field: 'otherNeed', message: other.message });
  }
  return { needs, otherNeed };
}

// ---------------------------------------------------------------------------------------------
// The person

export function readNames(a: Answers, voice: Voice, problems: FieldError[]): { givenName: string; familyName: string } {
  const given = parseName(a.givenName ?? '', `${voice} first name`);
  const family = parseName(a.familyName ?? '', `${voice} last name`);
  if (!given.ok) problems.push({ field: 'givenName', message: given.message });
  if (!family.ok) problems.push({ field: 'familyName', message: family.message });
  return { givenName: given.ok ? given.value : '', familyName: family.ok ? family.value : '' };
}

/**
 * A date of birth in three boxes (ids dob-day, dob-month, dob-year). With `unknownLabel` (the
 * words of a "not known" box), ticking `dobUnknown` leaves it unknown.
 */
export function readDateOfBirth(a: Answers, env: IntakeEnv, voice: Voice, problems: FieldError[], options: { unknownLabel?: string }): string | null {
  if (options.unknownLabel && a.dobUnknown === 'yes') return null;
  const parsed = parseDateParts(
    { day: a['dob-day'] ?? '', month: a['dob-month'] ?? '', year: a['dob-year'] ?? '' },
    { label: `${voice} date of birth`, today: env.today },
  );
  if (!parsed.ok) {
    const message = !a['dob-day'] && !a['dob-month'] && !a['dob-year'] && options.unknownLabel
      ? `Enter ${voice} date of birth, or select ‘${options.unknownLabel}’`
      : parsed.message;
    problems.push({ field: `dob-${parsed.part ?? 'day'}`, message });
    return null;
  }
  return parsed.value;
}

/** Where they live: a full postcode, or "no fixed address" (noFixedAddress = yes). */
export function readAddress(a: Answers, voice: Voice, problems: FieldError[]): { postcode: string | null; district: string | null } {
  if (a.noFixedAddress === 'yes') return { postcode: null, district: null };
  if (!a.postcode) {
    problems.push({
      field: 'postcode',
      message: voice === 'your'
        ? 'Enter your postcode, or select ‘I do not have a fixed address’'
        : 'Enter their postcode, or select ‘They do not have a fixed address’',
    });
    return { postcode: null, district: null };
  }
  const parsed = parseFullPostcode(a.postcode);
  if (!parsed.ok) {
    problems.push({ field: 'postcode', message: parsed.message });
    return { postcode: null, district: null };
  }
  return { postcode: parsed.value?.postcode ?? null, district: parsed.value?.district ?? null };
}

export const GP_CHOICES = ['list', 'other', 'unknown'] as const;

/**
 * Their GP practice: one of the tenant's (gpChoice = list, gpPractice = its id), a name typed in,
 * or not known (`unknownLabel` is that answer's words, for the message).
 */
export function readGp(
  a: Answers,
  env: IntakeEnv,
  voice: Voice,
  problems: FieldError[],
  unknownLabel = 'I do not know',
): { gpOrganisationId: string | null; gpPracticeName: string | null } {
  const none = { gpOrganisationId: null, gpPracticeName: null };
  switch (a.gpChoice) {
    case 'list': {
      const practice = env.gpPractices.find((p) => p.id === a.gpPractice);
      if (!practice) {
        problems.push({ field: 'gpPractice', message: `Select ${voice} GP surgery from the list` });
        return none;
      }
      return { gpOrganisationId: practice.id, gpPracticeName: null };
    }
    case 'other': {
      const name = parseText(a.gpName ?? '', { label: `the name of ${voice} GP surgery`, max: 200, required: true });
      if (!name.ok) {
        problems.push({ field: 'gpName', message: name.message });
        return none;
      }
      return { gpOrganisationId: null, gpPracticeName: name.value };
    }
    case 'unknown':
      return none;
    default:
      problems.push({ field: 'gpChoice', message: `Select ${voice} GP surgery, or select ‘${unknownLabel}’` });
      return none;
  }
}

export function readNhsNumber(a: Answers, problems: FieldError[]): string | null {
  const parsed = parseNhsNumberField(a.nhsNumber ?? '');
  if (!parsed.ok) {
    problems.push({ field: 'nhsNumber', message: parsed.message });
    return null;
  }
  return parsed.value;
}

// ---------------------------------------------------------------------------------------------
// Contact

/** Ways of contact a form can offer as checkboxes (a self-referral asks about voicemail separately). */
export const CONTACT_CHOICES = ['call', 'voicemail', 'text', 'email', 'letter'] as const;

/**
 * How it is safe to contact them and the details to do it with. `required`: at least one of a
 * call, a text or an email must be chosen (a self-referral, so we can reach them). A phone number
 * is needed for calls and texts, an email address for emails.
 */
export function readContact(
  a: Answers,
  voice: Voice,
  problems: FieldError[],
  options: { required: boolean },
): { methods: Set<string>; phone: string | null; email: string | null } {
  const methods = new Set(listOf(a.contactMethods).filter((m) => (CONTACT_CHOICES as readonly string[]).includes(m)));
  const you = voice === 'your' ? 'you' : 'them';
  if (options.required && !methods.has('call') && !methods.has('text') && !methods.has('email')) {
    problems.push({ field: 'contactMethods', message: `Select how we can contact ${you}: a phone call, a text message or an email` });
  }
  const phone = parsePhone(a.phone ?? '');
  const email = parseEmail(a.email ?? '');
  if (!phone.ok) problems.push({ field: 'phone', message: phone.message });
  else if (!phone.value && (methods.has('call') || methods.has('text') || methods.has('voicemail'))) {
    problems.push({ field: 'phone', message: `Enter ${voice} phone number, so we can call or text ${you}` });
  }
  if (!email.ok) problems.push({ field: 'email', message: email.message });
  else if (!email.value && methods.has('email')) problems.push({ field: 'email', message: `Enter ${voice} email address, so we can email ${you}` });
  return { methods, phone: phone.ok ? phone.value : null, email: email.ok ? email.value : null };
}

/**
 * When to contact and anything to know first (contactTimes, contactNotes). With `askVoicemail`
 * (a self-referral that said we may call), the voicemail question must be answered.
 */
export function readContactSafety(
  a: Answers,
  problems: FieldError[],
  options: { askVoicemail: boolean },
): { voicemail: boolean; times: string; notes: string } {
  let voicemail = false;
  if (options.askVoicemail) {
    const answer = yesNo(a.voicemail);
    if (answer === null) problems.push({ field: 'voicemail', message: 'Select yes if we can leave a voicemail message' });
    voicemail = answer === true;
  }
  const times = parseText(a.contactTimes ?? '', { label: 'the best times to contact', max: 200 });
  const notes = parseText(a.contactNotes ?? '', { label: 'what we should know before we contact', max: 500 });
  if (!times.ok) problems.push({ field: 'contactTimes', message: 'Best times must be 200 characters or fewer' });
  if (!notes.ok) problems.push({ field: 'contactNotes', message: 'What we should know must be 500 characters or fewer' });
  return { voicemail, times: times.ok ? times.value : '', notes: notes.ok ? notes.value : '' };
}

/** The contact preferences to keep, or null when the form said nothing at all about contact. */
export function contactPreferences(methods: Set<string>, safety: { voicemail: boolean; times: string; notes: string }): ContactPreferences | null {
  const prefs: ContactPreferences = {
    ...NO_PREFERENCES,
    call: methods.has('call'),
    voicemail: methods.has('voicemail') || safety.voicemail,
    text: methods.has('text'),
    email: methods.has('email'),
    letter: methods.has('letter'),
    times: safety.times,
    notes: safety.notes,
  };
  const said = prefs.call || prefs.voicemail || prefs.text || prefs.email || prefs.letter || prefs.times !== '' || prefs.notes !== '';
  return said ? prefs : null;
}

/** A yes or no question that must be answered. */
export function readRequiredYesNo(a: Answers, field: string, message: string, problems: FieldError[]): boolean | null {
  const answer = yesNo(a[field]);
  if (answer === null) problems.push({ field, message });
  return answer;
}

/** The person as a referral describes them. */
export function referredPerson(parts: {
  names: { givenName: string; familyName: string };
  dateOfBirth: string | null;
  nhsNumber: string | null;
  address: { postcode: string | null; district: string | null };
  contact: { phone: string | null; email: string | null };
  gp: { gpOrganisationId: string | null; gpPracticeName: string | null };
}): ReferredPerson {
  return {
    ...parts.names,
    dateOfBirth: parts.dateOfBirth,
    nhsNumber: parts.nhsNumber,
    ...parts.address,
    phone: parts.contact.phone,
    email: parts.contact.email,
    ...parts.gp,
  };
}

/** The reason as kept: what else they want help with, then what is happening in their words. */
export function composeReason(parts: { urgentBecause?: string; otherNeed?: string; text: string }): string {
  return [
    parts.urgentBecause ? `Urgent because: ${parts.urgentBecause}` : '',
    parts.otherNeed ? `Also wants help with: ${parts.otherNeed}` : '',
    parts.text,
  ].filter(Boolean).join('\n\n');
}
