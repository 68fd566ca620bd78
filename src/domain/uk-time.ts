// Times of day as people in the UK say them ("2:30pm", "14:30"), and the instant a UK wall-clock
// time stands for on a given date, clock changes included. Staff type when a phone message or
// letter reached the service in UK time; the referral keeps the instant. Pure: no I/O.
import { isCalendarDate } from './calendar-date.ts';

export interface TimeOfDay {
  /** 0 to 23 */
  hour: number;
  /** 0 to 59 */
  minute: number;
}

export type TimeResult = { ok: true; value: TimeOfDay } | { ok: false; message: string };

const TIME_MESSAGE = 'Enter a time, like 14:30 or 2:30pm';

/**
 * A time of day from what someone typed: 24-hour ("14:30", "9:05", "1430", "14.30") or 12-hour
 * ("2:30pm", "2pm", "9.15 am"), "midday", "noon" and "midnight".
 */
export function parseTimeOfDay(input: string): TimeResult {
  const text = String(input ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (!text) return { ok: false, message: 'Enter the time' };
  if (text === 'midday' || text === 'noon' || text === '12 noon') return { ok: true, value: { hour: 12, minute: 0 } };
  if (text === 'midnight') return { ok: true, value: { hour: 0, minute: 0 } };
  const twelve = /^(\d{1,2})(?:[:.](\d{2}))? ?([ap])\.?m\.?$/.exec(text);
  if (twelve) {
    const hour = Number(twelve[1]);
    const minute = twelve[2] === undefined ? 0 : Number(twelve[2]);
    if (hour < 1 || hour > 12 || minute > 59) return { ok: false, message: TIME_MESSAGE };
    return { ok: true, value: { hour: (hour % 12) + (twelve[3] === 'p' ? 12 : 0), minute } };
  }
  const twentyFour = /^(\d{1,2})[:.](\d{2})$/.exec(text) ?? /^(\d{2})(\d{2})$/.exec(text);
  if (twentyFour) {
    const hour = Number(twentyFour[1]);
    const minute = Number(twentyFour[2]);
    if (hour > 23 || minute > 59) return { ok: false, message: TIME_MESSAGE };
    return { ok: true, value: { hour, minute } };
  }
  return { ok: false, message: TIME_MESSAGE };
}

/** "14:30" */
export function formatTimeOfDay(time: TimeOfDay): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** What a clock in the UK showed at an instant: the date and the time to the minute. */
export function londonWallClock(instant: Date): { date: string; time: TimeOfDay } {
  const parts: Record<string, string> = {};
  for (const part of LONDON.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = part.value;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: { hour: Number(parts.hour), minute: Number(parts.minute) } };
}

const HOUR_MS = 3_600_000;

/**
 * The instant a UK clock showed `time` on `date`. UK clocks are GMT or an hour ahead, so the
 * instant is the same wall time in UTC or an hour before it. When the clocks go back, a time
 * between 1am and 2am happens twice: the earlier is given. When they go forward, a time between
 * 1am and 2am never happens: null.
 */
export function londonInstant(date: string, time: TimeOfDay): Date | null {
  if (!isCalendarDate(date) || !Number.isInteger(time.hour) || !Number.isInteger(time.minute) ||
      time.hour < 0 || time.hour > 23 || time.minute < 0 || time.minute > 59) {
    throw new Error(`londonInstant needs a 'YYYY-MM-DD' date and a time of day, not ${date} ${JSON.stringify(time)}`);
  }
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallAsUtc = new Date(0);
  wallAsUtc.setUTCFullYear(year, month - 1, day);
  wallAsUtc.setUTCHours(time.hour, time.minute, 0, 0);
  for (const offset of [HOUR_MS, 0]) {
    const candidate = new Date(wallAsUtc.getTime() - offset);
    const shown = londonWallClock(candidate);
    if (shown.date === date && shown.time.hour === time.hour && shown.time.minute === time.minute) return candidate;
  }
  return null;
}
