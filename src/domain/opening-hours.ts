// Weekly opening hours: is a service open at a given moment, is it open all the time. Hours are
// local to the UK (Europe/London), so "9am" means 9am whether it is GMT or BST.

export const WEEK_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

export interface DayHours {
  day: WeekDay;
  /** 'HH:MM' (24-hour) */
  opens: string;
  /** 'HH:MM'; '24:00' is the end of the day; at or before `opens` means it runs past midnight */
  closes: string;
}

const MINUTES_A_DAY = 24 * 60;
const MINUTES_A_WEEK = 7 * MINUTES_A_DAY;

/** Minutes since midnight for 'HH:MM' (or 'HH:MM:SS'), or null when it is not a time. */
export function parseTime(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) return null;
  return hours * 60 + minutes;
}

/** The intervals of the week (minutes from Monday 00:00) that these hours cover. */
export function weekIntervals(hours: readonly DayHours[]): [number, number][] {
  const intervals: [number, number][] = [];
  for (const h of hours) {
    const opens = parseTime(h.opens);
    const closes = parseTime(h.closes);
    const dayIndex = WEEK_DAYS.indexOf(h.day);
    if (opens === null || closes === null || dayIndex < 0) continue;
    const start = dayIndex * MINUTES_A_DAY + opens;
    // Closing at or before opening runs into the next day (a 24-hour day is 00:00 to 00:00 too).
    const length = closes > opens ? closes - opens : MINUTES_A_DAY - opens + closes;
    const end = start + length;
    if (end <= MINUTES_A_WEEK) intervals.push([start, end]);
    else intervals.push([start, MINUTES_A_WEEK], [0, end - MINUTES_A_WEEK]);
  }
  return intervals.sort((a, b) => a[0] - b[0]);
}

/** True when the hours cover every minute of the week. */
export function isAlwaysOpen(hours: readonly DayHours[]): boolean {
  let reached = 0;
  for (const [start, end] of weekIntervals(hours)) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached >= MINUTES_A_WEEK;
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const WEEKDAY_CODES: Record<string, WeekDay> = { Mon: 'MO', Tue: 'TU', Wed: 'WE', Thu: 'TH', Fri: 'FR', Sat: 'SA', Sun: 'SU' };

/** The UK day and minute of the day at this moment. */
export function ukDayAndMinute(at: Date): { day: WeekDay; minute: number } {
  const parts = Object.fromEntries(LONDON.formatToParts(at).map((p) => [p.type, p.value]));
  return { day: WEEKDAY_CODES[parts.weekday!]!, minute: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Is a service with these hours open at this moment (UK time)? */
export function isOpenAt(hours: readonly DayHours[], at: Date): boolean {
  const { day, minute } = ukDayAndMinute(at);
  const t = WEEK_DAYS.indexOf(day) * MINUTES_A_DAY + minute;
  return weekIntervals(hours).some(([start, end]) => t >= start && t < end);
}
