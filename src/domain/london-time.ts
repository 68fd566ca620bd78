// Wall-clock times on UK clocks (Europe/London), for forms that ask "when" as a date and a time
// ("14:30 on 3 March"), and back again to fill those forms. Pure: no I/O.
//
// UK clocks go forward at 01:00 GMT on the last Sunday of March (01:00 to 01:59 never happens)
// and back at 01:00 GMT on the last Sunday of October (01:00 to 01:59 happens twice). A time in
// the gap is read as the same time after the clocks went forward; a time that happens twice is
// read as the first (BST) one.
import { calendarDateParts } from './calendar-date.ts';
import { londonDate } from './working-days.ts';

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** 'HH:MM' on UK clocks at an instant. */
export function londonTime(instant: Date): string {
  const parts = Object.fromEntries(LONDON.formatToParts(instant).filter((p) => p.type !== 'literal').map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute}`;
}

/** Minutes since midnight of an 'HH:MM' time. */
function minutesOf(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return h! * 60 + m!;
}

/**
 * The instant a UK date and wall-clock time name. `time` is 'HH:MM' on the 24-hour clock
 * (00:00 to 23:59); throws for anything else, and for dates that are not 'YYYY-MM-DD'.
 */
export function londonDateTime(date: string, time: string): Date {
  const { year, month, day } = calendarDateParts(date);
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw new Error(`Not a time in the form HH:MM: '${time}'`);
  const wanted = minutesOf(time);
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(year, month - 1, day);
  asUtc.setUTCHours(0, wanted, 0, 0);
  // UK clocks are UTC or UTC+1: the instant is one of these two, tried BST first so a time that
  // happens twice reads as the first.
  for (const offsetMinutes of [60, 0]) {
    const candidate = new Date(asUtc.getTime() - offsetMinutes * 60_000);
    if (londonDate(candidate) === date && londonTime(candidate) === time) return candidate;
  }
  // In the hour the clocks skip: the same time an hour on.
  return new Date(asUtc.getTime());
}

export type TimeResult = { ok: true; value: string } | { ok: false; message: string };

/**
 * A time of day as typed ('9', '9:05', '09.05', '14:30', '2:30pm', '2pm'), as 'HH:MM', or a
 * message that says how to write it. `label` names the time in messages ("the time").
 */
export function parseTimeOfDay(input: string, label = 'the time'): TimeResult {
  const text = String(input ?? '').trim().toLowerCase().replace(/\s+/g, '');
  if (!text) return { ok: false, message: `Enter ${label}` };
  const match = /^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$/.exec(text);
  const example = `Enter ${label} on the 24-hour clock, like 09:30 or 14:05`;
  if (!match) return { ok: false, message: example };
  let hours = Number(match[1]);
  const minutes = match[2] === undefined ? 0 : Number(match[2]);
  const half = match[3];
  if (half) {
    if (hours < 1 || hours > 12) return { ok: false, message: example };
    hours = (hours % 12) + (half === 'pm' ? 12 : 0);
  }
  if (hours > 23 || minutes > 59) return { ok: false, message: example };
  return { ok: true, value: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` };
}
