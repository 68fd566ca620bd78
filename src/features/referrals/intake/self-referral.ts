// The public self-referral, one question a page (GOV.UK question pages), for someone asking for
// themselves or for someone they care for. Nothing is kept on the server until the end: every
// answer so far travels in the form as hidden fields, so each step, Back and Change work without
// JavaScript. This module is the flow (which pages, in which order), the checks of each page, the
// reader that turns all the answers into one ReferralSubmission, and the rows of "Check your
// answers". Pure: no I/O.
import type { FieldError } from '../../../platform/errors.ts';
import { CONTACT_METHOD_NAMES } from '../../../domain/contact-preferences.ts';
import { formatNhsNumber } from '../../../domain/nhs-number.ts';
import { formatDate } from '../../../platform/views.ts';
import type { ReferralSubmission } from '../model.ts';
import {
  composeReason, contactPreferences, listOf, needLabel, readAddress, readContact, readContactSafety, readDateOfBirth, readGp,
  readNames, readNeeds, readNhsNumber, readRequiredYesNo, referredPerson, NEED_OTHER, NEED_UNSURE,
  type Answers, type IntakeEnv, type Voice,
} from './fields.ts';
import { parseEmail, parseName, parsePhone, parseText } from '../../../domain/person-fields.ts';

export const SELF_STEPS = [
  'who', 'danger', 'crisis', 'agreement', 'not-agreed', 'name', 'date-of-birth', 'address', 'gp', 'nhs-number', 'contact',
  'contact-safety', 'needs', 'your-words', 'gp-consent', 'about-you', 'check',
] as const;
export type SelfStep = (typeof SELF_STEPS)[number];

export function isSelfStep(value: unknown): value is SelfStep {
  return typeof value === 'string' && (SELF_STEPS as readonly string[]).includes(value);
}

/** The answers each page asks for (its inputs); every other answer rides along hidden. */
export const STEP_FIELDS: Record<SelfStep, readonly string[]> = {
  who: ['who'],
  danger: ['danger'],
  crisis: [],
  agreement: ['agrees'],
  'not-agreed': [],
  name: ['givenName', 'familyName'],
  'date-of-birth': ['dob-day', 'dob-month', 'dob-year', 'dobUnknown'],
  address: ['postcode', 'noFixedAddress'],
  gp: ['gpChoice', 'gpPractice', 'gpName'],
  'nhs-number': ['nhsNumber'],
  contact: ['contactMethods', 'phone', 'email'],
  'contact-safety': ['voicemail', 'contactTimes', 'contactNotes'],
  needs: ['needs', 'otherNeed'],
  'your-words': ['story'],
  'gp-consent': ['gpConsent'],
  'about-you': ['carerName', 'carerRelationship', 'carerPhone', 'carerEmail'],
  check: [],
};

/**
 * Every answer the flow knows, plus `key` (the idempotency key made when the flow starts),
 * `draft` (a saved draft's token, when resumed) and `returnTo` ('check' while changing an answer).
 */
export const SELF_KEYS: readonly string[] = ['key', 'draft', 'returnTo', ...new Set(Object.values(STEP_FIELDS).flat())];
export const SELF_MULTI: ReadonlySet<string> = new Set(['contactMethods', 'needs']);

/** The carer's "not known" box on the date of birth page. */
export const DOB_UNKNOWN = 'I do not know their date of birth';

const KEY = /^web:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const isWebKey = (value: string | undefined): boolean => KEY.test(value ?? '');

export const forSomeoneElse = (a: Answers): boolean => a.who === 'someone';
export const voiceOf = (a: Answers): Voice => (forSomeoneElse(a) ? 'their' : 'your');
const inDanger = (a: Answers): boolean => a.danger === 'yes';
/** A carer said the person does not know about or agree to the referral, and they are not in danger: it cannot be sent. */
export const blockedForAgreement = (a: Answers): boolean => forSomeoneElse(a) && a.agrees === 'no' && !inDanger(a);

/** The pages this person goes through, in order, given their answers so far. */
export function stepsFor(a: Answers): SelfStep[] {
  const steps: SelfStep[] = ['who', 'danger'];
  if (inDanger(a)) steps.push('crisis');
  if (forSomeoneElse(a)) steps.push('agreement');
  if (blockedForAgreement(a)) steps.push('not-agreed');
  steps.push('name', 'date-of-birth', 'address', 'gp', 'nhs-number', 'contact', 'contact-safety', 'needs', 'your-words', 'gp-consent');
  if (forSomeoneElse(a)) steps.push('about-you');
  steps.push('check');
  return steps;
}

/** Pages with questions (not the crisis interruption, the stop page or the check page). */
const QUESTION_STEPS = new Set<SelfStep>(SELF_STEPS.filter((s) => !['crisis', 'not-agreed', 'check'].includes(s)));

/** The problems with one page's answers, with the ids of its inputs. */
export function stepProblems(step: SelfStep, a: Answers, env: IntakeEnv): FieldError[] {
  const problems: FieldError[] = [];
  const voice = voiceOf(a);
  const you = voice === 'your' ? 'you' : 'they';
  switch (step) {
    case 'who':
      if (a.who !== 'me' && a.who !== 'someone') problems.push({ field: 'who', message: 'Select who needs support' });
      break;
    case 'danger':
      readRequiredYesNo(a, 'danger', voice === 'your'
        ? 'Select yes if you are in danger right now or thinking of ending your life'
        : 'Select yes if they are in danger right now or thinking of ending their life', problems);
      break;
    case 'agreement':
      readRequiredYesNo(a, 'agrees', 'Select yes if they know about this referral and agree to it', problems);
      break;
    case 'name':
      readNames(a, voice, problems);
      break;
    case 'date-of-birth':
      readDateOfBirth(a, env, voice, problems, { unknownLabel: voice === 'their' ? DOB_UNKNOWN : undefined });
      break;
    case 'address':
      readAddress(a, voice, problems);
      break;
    case 'gp':
      readGp(a, env, voice, problems);
      break;
    case 'nhs-number':
      readNhsNumber(a, problems);
      break;
    case 'contact':
      readContact(a, voice, problems, { required: true });
      break;
    case 'contact-safety':
      readContactSafety(a, problems, { askVoicemail: listOf(a.contactMethods).includes('call') });
      break;
    case 'needs':
      readNeeds(a, voice, problems, { offered: 'common', required: true });
      break;
    case 'your-words': {
      const story = parseText(a.story ?? '', { label: `what is happening`, max: 4000 });
      if (!story.ok) problems.push({ field: 'story', message: 'What is happening must be 4,000 characters or fewer' });
      break;
    }
    case 'gp-consent':
      readRequiredYesNo(a, 'gpConsent', `Select yes if we can tell ${voice} GP that ${you} asked us for support`, problems);
      break;
    case 'about-you':
      readCarer(a, problems);
      break;
    case 'crisis':
    case 'not-agreed':
    case 'check':
      break;
  }
  return problems;
}

function readCarer(a: Answers, problems: FieldError[]) {
  const name = parseName(a.carerName ?? '', 'your full name');
  if (!name.ok) problems.push({ field: 'carerName', message: name.message });
  const relationship = parseText(a.carerRelationship ?? '', { label: 'how you know them', max: 100, required: true });
  if (!relationship.ok) {
    problems.push({ field: 'carerRelationship', message: relationship.message.startsWith('Enter') ? relationship.message : 'How you know them must be 100 characters or fewer' });
  }
  const phone = parsePhone(a.carerPhone ?? '');
  const email = parseEmail(a.carerEmail ?? '');
  if (!phone.ok) problems.push({ field: 'carerPhone', message: phone.message });
  if (!email.ok) problems.push({ field: 'carerEmail', message: email.message });
  if (phone.ok && email.ok && !phone.value && !email.value) {
    problems.push({ field: 'carerPhone', message: 'Enter your phone number or email address, so we can contact you' });
  }
  return {
    name: name.ok ? name.value : '',
    relationship: relationship.ok ? relationship.value : '',
    phone: phone.ok ? phone.value : null,
    email: email.ok ? email.value : null,
  };
}

/** The first page of the flow whose answers have problems, or null when every page is complete. */
export function firstIncompleteStep(a: Answers, env: IntakeEnv): SelfStep | null {
  for (const step of stepsFor(a)) {
    if (QUESTION_STEPS.has(step) && stepProblems(step, a, env).length > 0) return step;
  }
  return null;
}

/**
 * Where "Continue" on `step` goes. The crisis options come at once after a yes to the danger
 * question, and the stop page when a carer says the person does not agree; while changing an
 * answer from "Check your answers", back there as soon as everything is answered.
 */
export function nextStep(step: SelfStep, a: Answers, env: IntakeEnv): SelfStep {
  if (step === 'danger' && inDanger(a)) return 'crisis';
  if (step === 'agreement' && blockedForAgreement(a)) return 'not-agreed';
  if (a.returnTo === 'check') return firstIncompleteStep(a, env) ?? 'check';
  const steps: SelfStep[] = stepsFor(a).filter((s) => s !== 'not-agreed');
  const index = steps.indexOf(step);
  return steps[index + 1] ?? 'check';
}

/** Where "Back" on `step` goes: the page before it (never the stop page), or the start. */
export function previousStep(step: SelfStep, a: Answers): SelfStep | 'start' {
  if (step === 'not-agreed') return 'agreement';
  if (a.returnTo === 'check' && step !== 'check' && step !== 'crisis') return 'check';
  const steps: SelfStep[] = stepsFor(a).filter((s) => s !== 'not-agreed');
  const index = steps.indexOf(step);
  return index > 0 ? steps[index - 1]! : 'start';
}

export interface SelfReading {
  submission: ReferralSubmission | null;
  problems: FieldError[];
  /** the first page with a problem, to show it again */
  step: SelfStep | null;
  /** a carer referral the person has not agreed to (and they are not in danger): never sent */
  blocked: boolean;
}

/**
 * Reads every answer of the flow into one submission. Hidden fields can be changed by anyone, so
 * every page is checked again here, not only as it was answered.
 */
export function readSelfReferral(a: Answers, env: IntakeEnv): SelfReading {
  if (blockedForAgreement(a)) return { submission: null, problems: [], step: 'not-agreed', blocked: true };
  const step = firstIncompleteStep(a, env);
  if (step) return { submission: null, problems: stepProblems(step, a, env), step, blocked: false };

  const problems: FieldError[] = [];
  const voice = voiceOf(a);
  const carer = forSomeoneElse(a);
  const names = readNames(a, voice, problems);
  const dateOfBirth = readDateOfBirth(a, env, voice, problems, { unknownLabel: carer ? DOB_UNKNOWN : undefined });
  const address = readAddress(a, voice, problems);
  const gp = readGp(a, env, voice, problems);
  const nhsNumber = readNhsNumber(a, problems);
  const contact = readContact(a, voice, problems, { required: true });
  const safety = readContactSafety(a, problems, { askVoicemail: contact.methods.has('call') });
  const { needs, otherNeed } = readNeeds(a, voice, problems, { offered: 'common', required: true });
  const consentGpShare = readRequiredYesNo(a, 'gpConsent', 'Select yes or no', problems);
  const carerDetails = carer ? readCarer(a, problems) : null;
  if (problems.length > 0) return { submission: null, problems, step: 'check', blocked: false };

  return {
    submission: {
      source: carer ? 'carer' : 'self',
      channel: 'web',
      referrer: carerDetails
        ? { organisationId: null, userId: null, name: carerDetails.name, role: null, relationship: carerDetails.relationship, email: carerDetails.email, phone: carerDetails.phone }
        : { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null },
      person: referredPerson({ names, dateOfBirth, nhsNumber, address, contact, gp }),
      contactPreferences: contactPreferences(contact.methods, safety),
      consentGpShare,
      personConsents: carer ? a.agrees === 'yes' : null,
      reason: composeReason({ otherNeed, text: (a.story ?? '').trim() }),
      needs,
      crisis: inDanger(a),
      requestedUrgency: null,
      idempotencyKey: isWebKey(a.key) ? a.key! : null,
    },
    problems: [],
    step: null,
    blocked: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Check your answers

export interface CheckRow {
  key: string;
  /** lines of the answer */
  value: string[];
  /** the page that asks it */
  step: SelfStep;
  /** what "Change" changes, for screen readers */
  change: string;
}

export interface CheckSection {
  heading: string;
  rows: CheckRow[];
}

/** "Check your answers", in sections, each answer with the page to change it. */
export function checkSections(a: Answers, env: IntakeEnv): CheckSection[] {
  const carer = forSomeoneElse(a);
  const they = carer ? 'they' : 'you';
  const their = carer ? 'their' : 'your';
  const name = [a.givenName, a.familyName].filter(Boolean).join(' ');
  const yes = (v: string | undefined) => (v === 'yes' ? 'Yes' : v === 'no' ? 'No' : 'Not answered');
  const methods = listOf(a.contactMethods).filter((m) => m in CONTACT_METHOD_NAMES) as (keyof typeof CONTACT_METHOD_NAMES)[];
  const dob = a.dobUnknown === 'yes' && carer
    ? 'Not known'
    : formatDate(readDateOfBirth(a, env, carer ? 'their' : 'your', [], { unknownLabel: carer ? DOB_UNKNOWN : undefined }) ?? '') || 'Not answered';
  const gp = a.gpChoice === 'list'
    ? (env.gpPractices.find((p) => p.id === a.gpPractice)?.name ?? 'Not answered')
    : a.gpChoice === 'other' ? (a.gpName ?? '') : a.gpChoice === 'unknown' ? 'I do not know' : 'Not answered';
  const needs = listOf(a.needs).filter((n) => n !== NEED_OTHER && n !== NEED_UNSURE).map(needLabel);
  if (listOf(a.needs).includes(NEED_OTHER) && a.otherNeed) needs.push(`Something else: ${a.otherNeed}`);
  if (needs.length === 0 && listOf(a.needs).includes(NEED_UNSURE)) needs.push('I am not sure');

  const row = (key: string, value: string | string[], step: SelfStep, change: string): CheckRow => ({
    key, value: (Array.isArray(value) ? value : [value]).filter((v) => v !== ''), step, change,
  });
  const sections: CheckSection[] = [
    {
      heading: carer ? `About ${name || 'the person you care for'}` : 'About you',
      rows: [
        row('Who needs support', carer ? 'Someone I care for' : 'Me', 'who', 'who needs support'),
        row(carer ? 'In danger right now or thinking of ending their life' : 'In danger right now or thinking of ending your life', yes(a.danger), 'danger', 'your answer about danger'),
        ...(carer ? [row('They know about this referral and agree to it', yes(a.agrees), 'agreement', 'whether they agree')] : []),
        row('Name', name || 'Not answered', 'name', 'name'),
        row('Date of birth', dob, 'date-of-birth', 'date of birth'),
        row('Postcode', a.noFixedAddress === 'yes' ? 'No fixed address' : (a.postcode ?? 'Not answered').toUpperCase(), 'address', 'postcode'),
        row('GP surgery', gp, 'gp', 'GP surgery'),
        row('NHS number', a.nhsNumber ? (formatNhsNumber(a.nhsNumber.replace(/\D/g, '')) ?? a.nhsNumber) : 'Not given', 'nhs-number', 'NHS number'),
      ],
    },
    {
      heading: carer ? 'How to contact them' : 'How to contact you',
      rows: [
        row('Ways that are safe', methods.map((m) => CONTACT_METHOD_NAMES[m]).join(', ') || 'Not answered', 'contact', 'ways to contact'),
        row('Phone number', a.phone ?? 'Not given', 'contact', 'phone number'),
        row('Email address', a.email ?? 'Not given', 'contact', 'email address'),
        ...(methods.includes('call') ? [row('Leave a voicemail', yes(a.voicemail), 'contact-safety', 'voicemail')] : []),
        row('Best times', a.contactTimes ?? 'Not given', 'contact-safety', 'best times'),
        row('Anything we should know', a.contactNotes ?? 'Nothing', 'contact-safety', 'anything we should know'),
      ],
    },
    {
      heading: 'Support',
      rows: [
        row(`What ${they} would like help with`, needs.length ? needs : ['Not answered'], 'needs', 'what help is wanted'),
        row(carer ? 'What is happening' : 'In your own words', a.story ? a.story.split(/\r?\n/) : ['Nothing added'], 'your-words', 'what is happening'),
        row(`We can tell ${their} GP`, yes(a.gpConsent), 'gp-consent', 'telling the GP'),
      ],
    },
  ];
  if (carer) {
    sections.push({
      heading: 'About you',
      rows: [
        row('Your name', a.carerName ?? 'Not answered', 'about-you', 'your name'),
        row('How you know them', a.carerRelationship ?? 'Not answered', 'about-you', 'how you know them'),
        row('Your phone number', a.carerPhone ?? 'Not given', 'about-you', 'your phone number'),
        row('Your email address', a.carerEmail ?? 'Not given', 'about-you', 'your email address'),
      ],
    });
  }
  return sections;
}
