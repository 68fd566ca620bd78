// The rules of a waiting list that loses no one: when someone is due a contact, when their
// worker is reminded, and what closing a referral as "unable to sign up" needs. Pure: no I/O.
import { isUnableReason, type UnableReason } from './referral-states.ts';
import { isWorkingDay, londonDate } from './working-days.ts';
import { londonDateTime } from './london-time.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The instant before which a last contact makes someone due another: `days` whole days before `now`. */
export function contactDueBefore(now: Date, days: number): Date {
  if (!Number.isInteger(days) || days < 1) throw new Error(`The no-contact reminder needs a whole number of days, 1 or more, not ${days}`);
  return new Date(now.getTime() - days * DAY_MS);
}

/**
 * Nobody has tried to contact them for `days` days: counted from the last attempt, or from when
 * they first asked for help if nobody ever has.
 */
export function isContactDue(waiting: { lastContactAt: Date | null; originalReceivedAt: Date }, now: Date, days: number): boolean {
  const since = waiting.lastContactAt ?? waiting.originalReceivedAt;
  return since.getTime() <= contactDueBefore(now, days).getTime();
}

/**
 * Their worker should be reminded now: they are due a contact, and nobody has been reminded
 * about them in the last `days` days (at most one reminder per referral per reminder period).
 */
export function isReminderDue(
  waiting: { lastContactAt: Date | null; originalReceivedAt: Date; lastReminderAt: Date | null },
  now: Date,
  days: number,
): boolean {
  if (!isContactDue(waiting, now, days)) return false;
  return waiting.lastReminderAt === null || waiting.lastReminderAt.getTime() <= contactDueBefore(now, days).getTime();
}

/** Reminders go out on working days, when someone is there to read them: never at a weekend or on a bank holiday. */
export function isReminderDay(date: string): boolean {
  return isWorkingDay(date);
}

/** The UK time the daily reminder sweep runs. */
export const REMINDER_TIME = '08:00';

/** When a day's reminder sweep runs: 8am UK time on a working day, or now if that has passed; null on other days. */
export function reminderRunAt(now: Date): { day: string; runAt: Date } | null {
  const day = londonDate(now);
  if (!isReminderDay(day)) return null;
  const eight = londonDateTime(day, REMINDER_TIME);
  return { day, runAt: eight > now ? eight : now };
}

// ---------------------------------------------------------------------------------------------
// Unable to sign up

export interface UnableForm {
  reason: string;
  note: string;
  signposting: string;
}

export interface UnableDecision {
  reason: UnableReason;
  note: string;
  /** where someone not eligible was signposted (only for not_eligible) */
  signposting: string | null;
}

export const UNABLE_NOTE_MAX = 2000;
export const SIGNPOSTING_MAX = 500;

/** Reasons that need a note to say what happened. */
export const NOTE_REQUIRED: readonly UnableReason[] = ['other', 'not_eligible'];

/**
 * Reads the "unable to sign up" form. "No response" needs the tenant's number of recorded
 * attempts first; "not eligible" needs where they were signposted (no one is turned away with
 * nothing); "not eligible" and "another reason" need a note.
 */
export function readUnableForm(
  form: UnableForm,
  context: { attempts: number; attemptsNeeded: number },
): { ok: true; value: UnableDecision } | { ok: false; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const reason = isUnableReason(form.reason) ? form.reason : null;
  const note = String(form.note ?? '').trim();
  const signposting = String(form.signposting ?? '').trim();
  if (!reason) problems.push({ field: 'reason', message: 'Select why they cannot be signed up' });
  if (reason === 'no_response' && context.attempts < context.attemptsNeeded) {
    const recorded = context.attempts === 0 ? 'No attempts have been recorded yet' : `Only ${context.attempts} ${context.attempts === 1 ? 'attempt has' : 'attempts have'} been recorded`;
    problems.push({
      field: 'reason',
      message: `You can close a referral as “no response” only after ${context.attemptsNeeded} recorded ${context.attemptsNeeded === 1 ? 'attempt' : 'attempts'} to contact them. ${recorded}. Record each attempt first.`,
    });
  }
  if (reason === 'not_eligible') {
    if (!signposting) problems.push({ field: 'signposting', message: 'Enter where you signposted them, so they are not left with nothing' });
    else if (signposting.length > SIGNPOSTING_MAX) problems.push({ field: 'signposting', message: `Where you signposted them must be ${SIGNPOSTING_MAX} characters or fewer` });
  }
  if (reason && NOTE_REQUIRED.includes(reason) && !note) {
    problems.push({ field: 'note', message: reason === 'not_eligible' ? 'Enter why they are not eligible' : 'Enter the reason they cannot be signed up' });
  }
  if (note.length > UNABLE_NOTE_MAX) problems.push({ field: 'note', message: `The note must be ${UNABLE_NOTE_MAX.toLocaleString('en-GB')} characters or fewer` });
  if (problems.length > 0 || !reason) return { ok: false, problems };
  return { ok: true, value: { reason, note, signposting: reason === 'not_eligible' ? signposting : null } };
}

/** The close note as kept on the referral: the note, and where someone not eligible was signposted. */
export function closeNoteOf(decision: UnableDecision): string | null {
  const parts = [decision.signposting ? `Signposted to: ${decision.signposting}` : '', decision.note].filter(Boolean);
  return parts.length ? parts.join('\n') : null;
}

/** A note a hand-back or reopening must carry: required, at most `max` characters. */
export function readRequiredNote(input: string, what: string, max = UNABLE_NOTE_MAX): { ok: true; value: string } | { ok: false; message: string } {
  const note = String(input ?? '').trim();
  if (!note) return { ok: false, message: `Enter ${what}` };
  if (note.length > max) return { ok: false, message: `The note must be ${max.toLocaleString('en-GB')} characters or fewer` };
  return { ok: true, value: note };
}
