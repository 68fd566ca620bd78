// Reading the forms of social prescribing: each field checked, each problem named with what to
// do, in the words the person filling it in would use. Pure: no I/O.
import { isCalendarDate, formatCalendarDate } from '../../domain/calendar-date.ts';
import {
  DECLINE_REASONS, DROP_OUT_REASONS, isDeclineReason, isDropOutReason, isWithdrawReason, WITHDRAW_REASONS,
  type DeclineReason, type DropOutReason, type WithdrawReason,
} from '../../domain/prescription-states.ts';
import type { FieldError } from '../../platform/errors.ts';
import { formatDate } from '../../platform/views.ts';
import { ATTENDANCE_NOTE_MAX, NOTE_MAX } from './model.ts';

/** The forms that change a prescription after it is sent. */
export const ACTION_FORMS = ['accept', 'decline', 'start', 'attendance', 'complete', 'drop_out', 'withdraw'] as const;
export type ActionForm = (typeof ACTION_FORMS)[number];

export type ActionInput =
  | { action: 'accept'; note: string }
  | { action: 'decline'; reason: DeclineReason; note: string }
  | { action: 'start'; date: string }
  | { action: 'attendance'; date: string; attended: boolean; note: string }
  | { action: 'complete'; date: string; note: string }
  | { action: 'drop_out'; date: string; reason: DropOutReason; note: string }
  | { action: 'withdraw'; reason: WithdrawReason; note: string };

/** The dates a form's date must fall between. */
export interface DateBounds {
  /** today, on UK clocks */
  today: string;
  /** the earliest allowed date, and why ("when the prescription was sent") */
  earliest: string;
  earliestReason: string;
}

/** What each form's date is called in messages. */
const DATE_NAMES: Partial<Record<ActionForm, string>> = {
  start: 'the date of the first session',
  attendance: 'the date of the session',
  complete: 'the date of their last session',
  drop_out: 'the date of their last session',
};

/** The first field of each form: where a message about the whole form (someone else changed it) is shown. */
export const FIRST_FIELD: Record<ActionForm, string> = {
  accept: 'note',
  decline: 'reason',
  start: 'date-day',
  attendance: 'date-day',
  complete: 'date-day',
  drop_out: 'date-day',
  withdraw: 'reason',
};

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A date from the day, month and year boxes, checked against the bounds. */
export function readDate(form: Record<string, string>, name: string, bounds: DateBounds): { date: string | null; problem: FieldError | null } {
  const day = (form.day ?? '').trim();
  const month = (form.month ?? '').trim();
  const year = (form.year ?? '').trim();
  const field = 'date-day';
  if (!day && !month && !year) return { date: null, problem: { field, message: `Enter ${name}` } };
  const parts = [day, month, year];
  const date = parts.every((p) => /^\d{1,4}$/.test(p)) && year.length === 4 ? formatCalendarDate(Number(year), Number(month), Number(day)) : '';
  if (!isCalendarDate(date)) return { date: null, problem: { field, message: `${capitalise(name)} must be a real date, like 14 3 2025` } };
  if (date > bounds.today) return { date: null, problem: { field, message: `${capitalise(name)} must be today or in the past` } };
  if (date < bounds.earliest) {
    return { date: null, problem: { field, message: `${capitalise(name)} must be on or after ${formatDate(bounds.earliest)}, ${bounds.earliestReason}` } };
  }
  return { date, problem: null };
}

function readNote(form: Record<string, string>, max: number, required: string | null, problems: FieldError[]): string {
  const note = (form.note ?? '').trim();
  if (!note && required) problems.push({ field: 'note', message: required });
  else if (note.length > max) problems.push({ field: 'note', message: `Keep it to ${max.toLocaleString('en-GB')} characters or fewer (it has ${note.length.toLocaleString('en-GB')})` });
  return note;
}

/** Reads and checks one action's form. `bounds` is needed by the forms with a date. */
export function readActionForm(action: ActionForm, form: Record<string, string>, bounds: DateBounds): { input: ActionInput | null; problems: FieldError[] } {
  const problems: FieldError[] = [];
  const date = () => {
    const read = readDate(form, DATE_NAMES[action]!, bounds);
    if (read.problem) problems.push(read.problem);
    return read.date ?? '';
  };
  const done = (input: ActionInput) => ({ input: problems.length ? null : input, problems });
  switch (action) {
    case 'accept':
      return done({ action, note: readNote(form, NOTE_MAX, null, problems) });
    case 'decline': {
      const reason = form.reason;
      if (!isDeclineReason(reason)) problems.push({ field: 'reason', message: 'Choose why you cannot take this prescription' });
      const note = readNote(form, NOTE_MAX, reason === 'other' ? 'Say why you cannot take this prescription' : null, problems);
      return done({ action, reason: reason as DeclineReason, note });
    }
    case 'start':
      return done({ action, date: date() });
    case 'attendance': {
      const sessionOn = date();
      const attended = form.attended;
      if (attended !== 'yes' && attended !== 'no') problems.push({ field: 'attended', message: 'Say whether they came to the session' });
      const note = readNote(form, ATTENDANCE_NOTE_MAX, null, problems);
      return done({ action, date: sessionOn, attended: attended === 'yes', note });
    }
    case 'complete': {
      const endedOn = date();
      return done({ action, date: endedOn, note: readNote(form, NOTE_MAX, null, problems) });
    }
    case 'drop_out': {
      const endedOn = date();
      const reason = form.reason;
      if (!isDropOutReason(reason)) problems.push({ field: 'reason', message: 'Choose why they stopped' });
      const note = readNote(form, NOTE_MAX, reason === 'other' ? 'Say why they stopped' : null, problems);
      return done({ action, date: endedOn, reason: reason as DropOutReason, note });
    }
    case 'withdraw': {
      const reason = form.reason;
      if (!isWithdrawReason(reason)) problems.push({ field: 'reason', message: 'Choose why you are withdrawing it' });
      const note = readNote(form, NOTE_MAX, reason === 'other' ? 'Say why you are withdrawing it' : null, problems);
      return done({ action, reason: reason as WithdrawReason, note });
    }
  }
}

/** The reasons a form offers, as radio items. */
export function reasonItems(action: ActionForm, chosen: string | undefined): { value: string; text: string; checked: boolean }[] {
  const reasons: Record<string, string> =
    action === 'decline' ? DECLINE_REASONS : action === 'drop_out' ? DROP_OUT_REASONS : action === 'withdraw' ? WITHDRAW_REASONS : {};
  return Object.entries(reasons).map(([value, text]) => ({ value, text, checked: value === chosen }));
}
