// Attempts to reach someone on a waiting list: how (channel), what happened (outcome), whether it
// reached them (which stops the first-response clock), and whether it kept to what the person
// said is safe. A voicemail or a letter can be heard or read by the person someone is afraid of,
// so an attempt that breaks their preferences is refused, with what to do instead. Pure: no I/O.
import { parseDateParts, type DateParts } from './person-fields.ts';
import { CONTACT_METHOD_NAMES, CONTACT_METHODS, hasPreferences, type ContactMethod, type ContactPreferences } from './contact-preferences.ts';
import { londonDateTime, parseTimeOfDay } from './london-time.ts';
import { londonDate } from './working-days.ts';

export const ATTEMPT_CHANNELS = ['phone', 'text', 'email', 'letter', 'face_to_face', 'video'] as const;
export type AttemptChannel = (typeof ATTEMPT_CHANNELS)[number];

export const ATTEMPT_CHANNEL_NAMES: Readonly<Record<AttemptChannel, string>> = {
  phone: 'Phone call',
  text: 'Text message',
  email: 'Email',
  letter: 'Letter',
  face_to_face: 'Face to face',
  video: 'Video call',
};

export const ATTEMPT_OUTCOMES = ['spoke', 'no_answer', 'left_voicemail', 'message_sent', 'wrong_number', 'declined', 'met'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const ATTEMPT_OUTCOME_NAMES: Readonly<Record<AttemptOutcome, string>> = {
  spoke: 'Spoke with them',
  no_answer: 'No answer',
  left_voicemail: 'Left a voicemail',
  message_sent: 'Message sent',
  wrong_number: 'Wrong number or address',
  declined: 'They said they do not want support',
  met: 'Met them',
};

export const ATTEMPT_OUTCOME_HINTS: Readonly<Partial<Record<AttemptOutcome, string>>> = {
  spoke: 'On a phone or video call, or they replied to a text or email',
  no_answer: 'Nobody answered the call, or nobody was there',
  declined: 'Record why in the note. To close the referral, use “Close as unable to sign up” afterwards.',
};

export function isAttemptChannel(value: unknown): value is AttemptChannel {
  return typeof value === 'string' && (ATTEMPT_CHANNELS as readonly string[]).includes(value);
}

export function isAttemptOutcome(value: unknown): value is AttemptOutcome {
  return typeof value === 'string' && (ATTEMPT_OUTCOMES as readonly string[]).includes(value);
}

/** Outcomes that mean the person was reached: the first of these stops the first-response clock. */
export const REACHED_OUTCOMES: readonly AttemptOutcome[] = ['spoke', 'met', 'declined'];

export function reachedPerson(outcome: AttemptOutcome): boolean {
  return REACHED_OUTCOMES.includes(outcome);
}

/** The channels each outcome can happen on. */
const OUTCOME_CHANNELS: Readonly<Record<AttemptOutcome, readonly AttemptChannel[]>> = {
  spoke: ['phone', 'video', 'text', 'email'],
  no_answer: ['phone', 'video', 'face_to_face'],
  left_voicemail: ['phone'],
  message_sent: ['text', 'email', 'letter'],
  wrong_number: ['phone', 'text', 'email', 'letter'],
  declined: ['phone', 'text', 'email', 'letter', 'face_to_face', 'video'],
  met: ['face_to_face', 'video'],
};

const MISFIT: Readonly<Record<AttemptOutcome, string>> = {
  spoke: '“Spoke with them” is for a phone or video call, or a reply to a text or email. Face to face, choose “Met them”; for a letter, choose “Message sent”.',
  no_answer: '“No answer” is for a call or a visit. For a text message, email or letter, choose “Message sent”.',
  left_voicemail: 'A voicemail can only be left on a phone call. Choose “Phone call”, or choose what happened instead.',
  message_sent: '“Message sent” is for a text message, email or letter. For a call, choose “No answer” or “Left a voicemail”.',
  wrong_number: '“Wrong number or address” is for a phone call, text message, email or letter.',
  declined: '',
  met: '“Met them” is for face to face or a video call. On the phone, choose “Spoke with them”.',
};

/** Whether the outcome can happen on the channel; a message saying what fits when it cannot. */
export function outcomeFitsChannel(channel: AttemptChannel, outcome: AttemptOutcome): string | null {
  return OUTCOME_CHANNELS[outcome].includes(channel) ? null : MISFIT[outcome];
}

/** What the person must have said is safe for this attempt, if anything. */
export function methodNeeded(channel: AttemptChannel, outcome: AttemptOutcome): ContactMethod[] {
  switch (channel) {
    case 'phone':
      return outcome === 'left_voicemail' ? ['call', 'voicemail'] : ['call'];
    case 'text':
      return ['text'];
    case 'email':
      return ['email'];
    case 'letter':
      return ['letter'];
    case 'face_to_face':
    case 'video':
      // Arranged with the person, or they came to us: nothing is left for someone else to find.
      return [];
  }
}

/** A problem with one field of a form, for the error summary. */
export interface AttemptProblem {
  field: 'channel' | 'outcome';
  message: string;
}

/** The safe ways to contact them, for a refusal: "They said these are safe: Text message, Email." */
function alternatives(prefs: ContactPreferences): string {
  const safe = CONTACT_METHODS.filter((m) => prefs[m] && m !== 'voicemail').map((m) => CONTACT_METHOD_NAMES[m]);
  return safe.length ? `They said these are safe: ${safe.join(', ')}.` : 'Meet them face to face, or ask the referrer how to reach them safely.';
}

const REFUSALS: Readonly<Record<ContactMethod, { known: string; unknown: string }>> = {
  call: {
    known: 'They said phone calls are not safe for them, so this call cannot be recorded. Do not phone them.',
    unknown: '',
  },
  voicemail: {
    known: 'They said voicemails are not safe for them: someone else may hear it. Do not leave one. If nobody answered, record “No answer”.',
    unknown: 'We do not know whether a voicemail is safe for them: someone else may hear it. Do not leave one until they say it is safe. If nobody answered, record “No answer”.',
  },
  text: {
    known: 'They said text messages are not safe for them: someone else may read it. Do not text them.',
    unknown: 'We do not know whether text messages are safe for them: someone else may read it. Phone them and ask first.',
  },
  email: {
    known: 'They said emails are not safe for them: someone else may read it. Do not email them.',
    unknown: 'We do not know whether emails are safe for them: someone else may read it. Phone them and ask first.',
  },
  letter: {
    known: 'They said letters are not safe for them: someone else may open it. Do not write to them.',
    unknown: 'We do not know whether letters are safe for them: someone else may open it. Phone them and ask first.',
  },
};

/**
 * Whether an attempt keeps to what the person said is safe. Until they have said anything, a call
 * (to ask) or meeting is fine, but nothing may be left for someone else to hear or read.
 */
export function checkSafeContact(prefs: ContactPreferences, channel: AttemptChannel, outcome: AttemptOutcome): AttemptProblem | null {
  const known = hasPreferences(prefs);
  for (const method of methodNeeded(channel, outcome)) {
    if (method === 'call' && !known) continue;
    if (prefs[method]) continue;
    const refusal = REFUSALS[method];
    const message = known ? `${refusal.known} ${alternatives(prefs)}` : refusal.unknown;
    return { field: method === 'voicemail' ? 'outcome' : 'channel', message };
  }
  return null;
}

/** One line per thing to know before contacting them, for the top of the form. */
export function safeContactSummary(prefs: ContactPreferences): { known: boolean; allowed: string[]; notAllowed: string[] } {
  const known = hasPreferences(prefs);
  return {
    known,
    allowed: CONTACT_METHODS.filter((m) => prefs[m]).map((m) => CONTACT_METHOD_NAMES[m]),
    notAllowed: known ? CONTACT_METHODS.filter((m) => !prefs[m]).map((m) => CONTACT_METHOD_NAMES[m]) : [],
  };
}

// ---------------------------------------------------------------------------------------------
// The form

export interface AttemptForm extends DateParts {
  time: string;
  channel: string;
  outcome: string;
  note: string;
}

export interface ContactAttempt {
  at: Date;
  channel: AttemptChannel;
  outcome: AttemptOutcome;
  reached: boolean;
  note: string;
}

export const ATTEMPT_NOTE_MAX = 2000;

/** A minute's grace for clocks and typing: "now" entered a few seconds after it was shown. */
const FUTURE_GRACE_MS = 60_000;

/**
 * Reads the form: a date and time on UK clocks (not in the future, not before the referral came
 * in), a channel and an outcome that fit each other and what the person said is safe, a note.
 */
export function readAttemptForm(
  form: AttemptForm,
  context: { now: Date; receivedAt: Date; preferences: ContactPreferences },
): { ok: true; value: ContactAttempt } | { ok: false; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const today = londonDate(context.now);
  let at: Date | null = null;
  const date = parseDateParts(form, { label: 'the date of the attempt', today, past: false });
  const time = parseTimeOfDay(form.time, 'the time of the attempt');
  if (!date.ok) problems.push({ field: `when-${date.part ?? 'day'}`, message: date.message });
  else if (date.value && date.value > today) problems.push({ field: 'when-day', message: 'The date of the attempt must be today or in the past' });
  if (!time.ok) problems.push({ field: 'time', message: time.message });
  if (date.ok && date.value && date.value <= today && time.ok) {
    at = londonDateTime(date.value, time.value);
    if (at.getTime() > context.now.getTime() + FUTURE_GRACE_MS) {
      problems.push({ field: 'time', message: 'The time of the attempt must be now or in the past' });
    } else if (at.getTime() < Math.floor(context.receivedAt.getTime() / 60_000) * 60_000) {
      // Times are typed to the minute: the minute the referral came in counts as after it.
      problems.push({ field: 'when-day', message: 'The attempt must be after the referral came in. Check the date and time.' });
    }
  }
  const channel = isAttemptChannel(form.channel) ? form.channel : null;
  const outcome = isAttemptOutcome(form.outcome) ? form.outcome : null;
  if (!channel) problems.push({ field: 'channel', message: 'Select how you tried to contact them' });
  if (!outcome) problems.push({ field: 'outcome', message: 'Select what happened' });
  if (channel && outcome) {
    const misfit = outcomeFitsChannel(channel, outcome);
    if (misfit) problems.push({ field: 'outcome', message: misfit });
    else {
      const unsafe = checkSafeContact(context.preferences, channel, outcome);
      if (unsafe) problems.push(unsafe);
    }
  }
  const note = String(form.note ?? '').trim();
  if (note.length > ATTEMPT_NOTE_MAX) problems.push({ field: 'note', message: `The note must be ${ATTEMPT_NOTE_MAX.toLocaleString('en-GB')} characters or fewer` });
  if (problems.length > 0 || !at || !channel || !outcome) return { ok: false, problems };
  return { ok: true, value: { at, channel, outcome, reached: reachedPerson(outcome), note } };
}
