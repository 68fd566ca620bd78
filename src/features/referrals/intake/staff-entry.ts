// Referrals that came by phone, email, text, letter or in person, entered by the single point of
// access (or a navigator) at /referrals/new: how it came in, who made it, and when it reached the
// service, in UK time, so every clock runs from then and not from when it was typed in. Pure: no I/O.
import { parseDateParts, parseEmail, parseName, parsePhone, parseText } from '../../../domain/person-fields.ts';
import { londonInstant, parseTimeOfDay } from '../../../domain/uk-time.ts';
import type { FieldError } from '../../../platform/errors.ts';
import { REFERRAL_SOURCES, type ReferralChannel, type ReferralSource, type ReferralSubmission } from '../model.ts';
import {
  composeReason, contactPreferences, readAddress, readContact, readContactSafety, readDateOfBirth, readGp, readNames,
  readNeeds, readNhsNumber, readRequiredYesNo, referredPerson, yesNo, type Answers, type IntakeEnv,
} from './fields.ts';
import { formKey, PERSON_KEYS, readUrgencyAndReason } from './professional.ts';

/** The ways a referral reaches staff (the web form and the API enter themselves). */
export const STAFF_CHANNELS = ['phone', 'email', 'text', 'face_to_face', 'letter'] as const satisfies readonly ReferralChannel[];

export const STAFF_KEYS: readonly string[] = [
  'key', 'channel', 'source', 'received-day', 'received-month', 'received-year', 'receivedTime',
  'referrerName', 'referrerOrganisation', 'referrerRole', 'referrerPhone', 'referrerEmail',
  ...PERSON_KEYS, 'crisis', 'urgency', 'urgentReason', 'reason', 'personConsents', 'gpConsent',
];

/** How far back a referral may be entered: older ones belong in the record they came with. */
export const MAX_DAYS_AGO = 30;
const DAY_MS = 86_400_000;

export interface StaffEnv extends IntakeEnv {
  /** the time now (received times are checked against it) */
  now: Date;
  /** the tenant's organisations a referrer may belong to */
  organisations: readonly { id: string; name: string }[];
}

/** When it reached the service: a UK date and time, not in the future and not more than 30 days ago. */
export function readReceivedAt(a: Answers, env: StaffEnv, problems: FieldError[]): Date | null {
  const date = parseDateParts(
    { day: a['received-day'] ?? '', month: a['received-month'] ?? '', year: a['received-year'] ?? '' },
    { label: 'the date it was received', today: env.today, past: false },
  );
  if (!date.ok) {
    problems.push({ field: `received-${date.part ?? 'day'}`, message: date.message });
    return null;
  }
  const time = parseTimeOfDay(a.receivedTime ?? '');
  if (!time.ok) {
    problems.push({ field: 'receivedTime', message: time.message === 'Enter the time' ? 'Enter the time it was received, like 14:30' : time.message });
    return null;
  }
  const at = londonInstant(date.value!, time.value);
  if (!at) {
    problems.push({ field: 'receivedTime', message: 'That time did not happen on that day, because the clocks went forward. Enter the time again' });
    return null;
  }
  if (at.getTime() > env.now.getTime()) {
    const field = date.value! > env.today ? 'received-day' : 'receivedTime';
    problems.push({ field, message: 'The date and time it was received must be now or in the past' });
    return null;
  }
  if (at.getTime() < env.now.getTime() - MAX_DAYS_AGO * DAY_MS) {
    problems.push({ field: 'received-day', message: `The date it was received must be within the last ${MAX_DAYS_AGO} days` });
    return null;
  }
  return at;
}

/** The staff-entered referral form's answers as a submission, or the problems with them. */
export function readStaffReferral(a: Answers, env: StaffEnv): { submission: ReferralSubmission | null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const channel = (STAFF_CHANNELS as readonly string[]).includes(a.channel ?? '') ? (a.channel as ReferralChannel) : null;
  if (!channel) problems.push({ field: 'channel', message: 'Select how the referral came in' });
  const source = (REFERRAL_SOURCES as readonly string[]).includes(a.source ?? '') ? (a.source as ReferralSource) : null;
  if (!source) problems.push({ field: 'source', message: 'Select who made the referral' });
  const receivedAt = readReceivedAt(a, env, problems);

  // Who referred, when it was not the person themselves.
  const bySomeoneElse = source !== null && source !== 'self';
  let referrer: ReferralSubmission['referrer'] = { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null };
  if (bySomeoneElse) {
    const name = parseName(a.referrerName ?? '', 'the name of the person who made the referral');
    if (!name.ok) problems.push({ field: 'referrerName', message: name.message });
    let organisationId: string | null = null;
    if (a.referrerOrganisation) {
      organisationId = env.organisations.find((o) => o.id === a.referrerOrganisation)?.id ?? null;
      if (!organisationId) problems.push({ field: 'referrerOrganisation', message: 'Select their organisation from the list, or leave it empty' });
    }
    const role = parseText(a.referrerRole ?? '', { label: 'their job, or how they know the person', max: 100 });
    if (!role.ok) problems.push({ field: 'referrerRole', message: 'Their job, or how they know the person, must be 100 characters or fewer' });
    const phone = parsePhone(a.referrerPhone ?? '');
    if (!phone.ok) problems.push({ field: 'referrerPhone', message: phone.message });
    const email = parseEmail(a.referrerEmail ?? '');
    if (!email.ok) problems.push({ field: 'referrerEmail', message: email.message });
    const described = role.ok && role.value ? role.value : null;
    referrer = {
      organisationId,
      userId: null,
      name: name.ok ? name.value : null,
      role: source === 'carer' ? null : described,
      relationship: source === 'carer' ? described : null,
      email: email.ok ? email.value : null,
      phone: phone.ok ? phone.value : null,
    };
  }

  const names = readNames(a, 'their', problems);
  const dateOfBirth = readDateOfBirth(a, env, 'their', problems, { unknownLabel: 'Date of birth not known' });
  const nhsNumber = readNhsNumber(a, problems);
  const address = readAddress(a, 'their', problems);
  const gp = readGp(a, env, 'their', problems, 'Not known');
  const contact = readContact(a, 'their', problems, { required: false });
  const safety = readContactSafety(a, problems, { askVoicemail: false });

  const crisis = readRequiredYesNo(a, 'crisis', 'Select yes if they said they are in danger right now or thinking of ending their life', problems);
  const { urgency, urgentBecause, reason } = readUrgencyAndReason(a, problems, { urgencyRequired: crisis !== true, reasonLabel: 'why they are being referred' });
  const { needs, otherNeed } = readNeeds(a, 'their', problems, { offered: 'all', required: false });

  let personConsents: boolean | null = null;
  if (bySomeoneElse) {
    personConsents = readRequiredYesNo(a, 'personConsents', 'Select yes if the person knows about this referral and agrees to it', problems);
    if (personConsents === false && crisis === false) {
      problems.push({
        field: 'personConsents',
        message: 'Only enter a referral the person knows about and agrees to, unless they are in danger now',
      });
    }
  }
  const consentGpShare = a.gpConsent === 'not-asked' ? null : yesNo(a.gpConsent);
  if (consentGpShare === null && a.gpConsent !== 'not-asked') {
    problems.push({ field: 'gpConsent', message: 'Select yes if they agree to us telling their GP, or select ‘Not asked’' });
  }

  if (problems.length > 0 || !channel || !source || !receivedAt) return { submission: null, problems };
  return {
    submission: {
      source,
      channel,
      referrer,
      person: referredPerson({ names, dateOfBirth, nhsNumber, address, contact, gp }),
      contactPreferences: contactPreferences(contact.methods, safety),
      consentGpShare,
      personConsents,
      reason: composeReason({ urgentBecause, otherNeed, text: reason }),
      needs,
      crisis: crisis === true,
      requestedUrgency: crisis === true ? null : urgency,
      idempotencyKey: formKey(a.key, 'staff'),
      receivedAt,
    },
    problems: [],
  };
}
