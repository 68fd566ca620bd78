// The professional referral form (/partner/referrals/new): partner staff at a GP practice, the
// police, probation, CAMHS ... refer someone who knows about it and agrees. One page in sections;
// this is its reader. Pure: no I/O.
import { parseEmail, parseName, parsePhone, parseText } from '../../../domain/person-fields.ts';
import type { FieldError } from '../../../platform/errors.ts';
import type { ReferralSource, ReferralSubmission } from '../model.ts';
import {
  composeReason, contactPreferences, readAddress, readContact, readContactSafety, readDateOfBirth, readGp, readNames,
  readNeeds, readNhsNumber, readRequiredYesNo, referredPerson, type Answers, type IntakeEnv,
} from './fields.ts';

/** Inputs of the person's details, shared by the professional and staff forms. */
export const PERSON_KEYS = [
  'givenName', 'familyName', 'dob-day', 'dob-month', 'dob-year', 'dobUnknown', 'nhsNumber', 'postcode', 'noFixedAddress',
  'gpChoice', 'gpPractice', 'gpName', 'phone', 'email', 'contactMethods', 'contactTimes', 'contactNotes', 'needs', 'otherNeed',
] as const;

export const PROFESSIONAL_KEYS: readonly string[] = [
  'key', 'referrerName', 'referrerRole', 'referrerPhone', 'referrerEmail', ...PERSON_KEYS,
  'urgency', 'urgentReason', 'reason', 'personConsents', 'gpConsent',
];
export const FORM_MULTI: ReadonlySet<string> = new Set(['contactMethods', 'needs']);

const KEY = /^(web|staff):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A form's idempotency key as made when the form was shown, or null when it is missing or altered. */
export const formKey = (value: string | undefined, scope: 'web' | 'staff'): string | null =>
  value && KEY.test(value) && value.startsWith(`${scope}:`) ? value : null;

/** Who is sending, from their account: the form cannot change these. */
export interface ProfessionalSender {
  organisationId: string;
  userId: string;
  /** the organisation's referral_source; 'other' when it has none */
  source: ReferralSource;
}

/** Why it is urgent, and the reason, as both forms ask them. */
export function readUrgencyAndReason(a: Answers, problems: FieldError[], options: { urgencyRequired: boolean; reasonLabel: string }) {
  const urgency: 'urgent' | 'routine' | null = a.urgency === 'urgent' || a.urgency === 'routine' ? a.urgency : null;
  if (!urgency && options.urgencyRequired) problems.push({ field: 'urgency', message: 'Select whether the referral is urgent or routine' });
  let urgentBecause = '';
  if (urgency === 'urgent') {
    const why = parseText(a.urgentReason ?? '', { label: 'why the referral is urgent', max: 500, required: true });
    if (why.ok) urgentBecause = why.value;
    else problems.push({ field: 'urgentReason', message: why.message.startsWith('Enter') ? why.message : 'Why it is urgent must be 500 characters or fewer' });
  }
  const reason = parseText(a.reason ?? '', { label: options.reasonLabel, max: 4000, required: true });
  if (!reason.ok) problems.push({ field: 'reason', message: reason.message.startsWith('Enter') ? reason.message : 'The reason must be 4,000 characters or fewer' });
  return { urgency, urgentBecause, reason: reason.ok ? reason.value : '' };
}

/** The professional referral form's answers as a submission, or the problems with them. */
export function readProfessionalReferral(
  a: Answers,
  env: IntakeEnv,
  sender: ProfessionalSender,
): { submission: ReferralSubmission | null; problems: FieldError[] } {
  const problems: FieldError[] = [];

  const referrerName = parseName(a.referrerName ?? '', 'your name');
  if (!referrerName.ok) problems.push({ field: 'referrerName', message: referrerName.message });
  const referrerRole = parseText(a.referrerRole ?? '', { label: 'your job title', max: 100 });
  if (!referrerRole.ok) problems.push({ field: 'referrerRole', message: referrerRole.message });
  const referrerPhone = parsePhone(a.referrerPhone ?? '');
  if (!referrerPhone.ok) problems.push({ field: 'referrerPhone', message: referrerPhone.message });
  const referrerEmail = parseEmail(a.referrerEmail ?? '');
  if (!referrerEmail.ok) problems.push({ field: 'referrerEmail', message: referrerEmail.message });
  else if (!referrerEmail.value) problems.push({ field: 'referrerEmail', message: 'Enter your email address, so we can send you the reference' });

  const names = readNames(a, 'their', problems);
  const dateOfBirth = readDateOfBirth(a, env, 'their', problems, {});
  const nhsNumber = readNhsNumber(a, problems);
  const address = readAddress(a, 'their', problems);
  const gp = readGp(a, env, 'their', problems, 'Not known');
  const contact = readContact(a, 'their', problems, { required: false });
  const safety = readContactSafety(a, problems, { askVoicemail: false });

  const { urgency, urgentBecause, reason } = readUrgencyAndReason(a, problems, { urgencyRequired: true, reasonLabel: 'why you are referring them' });
  const { needs, otherNeed } = readNeeds(a, 'their', problems, { offered: 'all', required: false });

  const agrees = readRequiredYesNo(a, 'personConsents', 'Select yes if the person knows about this referral and agrees to it', problems);
  if (agrees === false) {
    problems.push({
      field: 'personConsents',
      message: 'You can only refer someone who knows about the referral and agrees to it. If they are in danger now, call 999',
    });
  }
  const consentGpShare = readRequiredYesNo(a, 'gpConsent', 'Select yes if the person agrees to us telling their GP about the referral', problems);

  if (problems.length > 0) return { submission: null, problems };
  return {
    submission: {
      source: sender.source,
      channel: 'web',
      referrer: {
        organisationId: sender.organisationId,
        userId: sender.userId,
        name: referrerName.ok ? referrerName.value : null,
        role: referrerRole.ok && referrerRole.value ? referrerRole.value : null,
        relationship: null,
        email: referrerEmail.ok ? referrerEmail.value : null,
        phone: referrerPhone.ok ? referrerPhone.value : null,
      },
      person: referredPerson({ names, dateOfBirth, nhsNumber, address, contact, gp }),
      contactPreferences: contactPreferences(contact.methods, safety),
      consentGpShare,
      personConsents: true,
      reason: composeReason({ urgentBecause, otherNeed, text: reason }),
      needs,
      crisis: false,
      requestedUrgency: urgency,
      idempotencyKey: formKey(a.key, 'web') ?? formKey(a.key, 'staff'),
    },
    problems: [],
  };
}
