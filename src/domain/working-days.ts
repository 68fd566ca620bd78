// Bank holidays, working days and first-response deadlines, on UK dates and clocks
// (Europe/London, so GMT in winter and BST in summer). Pure: no I/O, and every function that
// depends on the time is given `now`.
//
// Bank holidays are computed rather than listed, so the clocks keep working in years nobody
// typed in. GOV.UK announces one-off days (jubilees, coronations, state funerals) a few months
// ahead: add them to ONE_OFF_DAYS or MOVED_DAYS when they are announced. A service's own
// closures (a training day, the office shut for snow) are passed in as `extraClosures`.

import { addDays, calendarDateParts, formatCalendarDate, isoWeekday } from './calendar-date.ts';

export const FIRST_BANK_HOLIDAY_YEAR = 1995;
export const LAST_BANK_HOLIDAY_YEAR = 2099;

/** Fixed-rule days that were moved by proclamation, by year. */
const MOVED_DAYS: Readonly<Record<number, { earlyMay?: string; spring?: string }>> = {
  1995: { earlyMay: '1995-05-08' }, // 50th anniversary of VE Day
  2002: { spring: '2002-06-04' }, // Golden Jubilee
  2012: { spring: '2012-06-04' }, // Diamond Jubilee
  2020: { earlyMay: '2020-05-08' }, // 75th anniversary of VE Day
  2022: { spring: '2022-06-02' }, // Platinum Jubilee
};

/** Extra bank holidays proclaimed for one year only. */
const ONE_OFF_DAYS: readonly string[] = [
  '1999-12-31', // Millennium
  '2002-06-03', // Golden Jubilee
  '2011-04-29', // Royal Wedding
  '2012-06-05', // Diamond Jubilee
  '2022-06-03', // Platinum Jubilee
  '2022-09-19', // State Funeral of Queen Elizabeth II
  '2023-05-08', // Coronation of King Charles III
];

/** Easter Sunday in the Gregorian calendar (the anonymous "Meeus/Jones/Butcher" computus). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return formatCalendarDate(year, month, day);
}

/** The first weekday (Monday to Friday) on or after a date. */
function weekdayFrom(date: string): string {
  return isoWeekday(date) <= 5 ? date : addDays(date, 8 - isoWeekday(date));
}

/** The first Monday on or after a date. */
function mondayFrom(date: string): string {
  return addDays(date, (8 - isoWeekday(date)) % 7);
}

/** The last Monday on or before a date. */
function mondayBefore(date: string): string {
  return addDays(date, -((isoWeekday(date) + 6) % 7));
}

function computeBankHolidays(year: number): string[] {
  const date = (month: number, day: number) => formatCalendarDate(year, month, day);
  const easter = easterSunday(year);
  const days = [
    weekdayFrom(date(1, 1)), // New Year's Day, or the Monday after when it falls at a weekend
    addDays(easter, -2), // Good Friday
    addDays(easter, 1), // Easter Monday
    MOVED_DAYS[year]?.earlyMay ?? mondayFrom(date(5, 1)),
    MOVED_DAYS[year]?.spring ?? mondayBefore(date(5, 31)),
    mondayBefore(date(8, 31)), // Summer bank holiday
    ...christmas(year),
    ...ONE_OFF_DAYS.filter((d) => d.startsWith(`${year}-`)),
  ];
  return [...new Set(days)].sort();
}

/**
 * Christmas Day and Boxing Day: each on its own date when that is a weekday not already taken,
 * else on the next one that is. Sat 25th gives Mon 27th and Tue 28th; Sun 25th gives Mon 26th and
 * Tue 27th; Fri 25th gives Fri 25th and Mon 28th.
 */
function christmas(year: number): string[] {
  const taken: string[] = [];
  for (const day of [25, 26]) {
    let date = formatCalendarDate(year, 12, day);
    while (isoWeekday(date) > 5 || taken.includes(date)) date = addDays(date, 1);
    taken.push(date);
  }
  return taken;
}

const cache = new Map<number, ReadonlySet<string>>();

function bankHolidaySet(year: number): ReadonlySet<string> {
  if (!Number.isInteger(year) || year < FIRST_BANK_HOLIDAY_YEAR || year > LAST_BANK_HOLIDAY_YEAR) {
    throw new Error(
      `Bank holidays are only known for ${FIRST_BANK_HOLIDAY_YEAR} to ${LAST_BANK_HOLIDAY_YEAR}, not ${year}`,
    );
  }
  let set = cache.get(year);
  if (!set) {
    set = new Set(computeBankHolidays(year));
    cache.set(year, set);
  }
  return set;
}

/**
 * England and Wales bank holidays in a year (1995 to 2099), sorted, as 'YYYY-MM-DD'.
 * Throws a plain Error for other years.
 */
export function bankHolidays(year: number): string[] {
  return [...bankHolidaySet(year)];
}

export function isBankHoliday(date: string): boolean {
  return bankHolidaySet(calendarDateParts(date).year).has(date);
}

/**
 * True for Monday to Friday when the day is neither an England and Wales bank holiday nor one
 * of `extraClosures` ('YYYY-MM-DD'). Throws for dates outside 1995 to 2099.
 */
export function isWorkingDay(date: string, extraClosures?: ReadonlySet<string>): boolean {
  return isoWeekday(date) <= 5 && !isBankHoliday(date) && !(extraClosures?.has(date) ?? false);
}

/**
 * The date `days` working days after `date`; `date` itself never counts. With `days` 0, the date
 * itself when it is a working day, else the next working day.
 */
export function addWorkingDays(date: string, days: number, extraClosures?: ReadonlySet<string>): string {
  if (!Number.isInteger(days) || days < 0) throw new Error(`addWorkingDays needs a whole number of days, 0 or more, not ${days}`);
  let current = date;
  if (days === 0) {
    while (!isWorkingDay(current, extraClosures)) current = addDays(current, 1);
    return current;
  }
  for (let counted = 0; counted < days; ) {
    current = addDays(current, 1);
    if (isWorkingDay(current, extraClosures)) counted++;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------
// UK dates of instants

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

function requireInstant(instant: Date, name: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`${name} is not a valid date and time`);
  return ms;
}

function londonParts(ms: number): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of LONDON.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far UK clocks are ahead of UTC at an instant, in milliseconds (0 in GMT, an hour in BST). */
function londonOffsetMs(ms: number): number {
  const whole = Math.floor(ms / 1000) * 1000;
  const p = londonParts(whole);
  const wall = new Date(0);
  wall.setUTCFullYear(p.year, p.month - 1, p.day);
  wall.setUTCHours(p.hour, p.minute, p.second, 0);
  return wall.getTime() - whole;
}

/** The UK calendar date of an instant, 'YYYY-MM-DD' (23:30Z on 30 June is 1 July in BST). */
export function londonDate(instant: Date): string {
  const p = londonParts(requireInstant(instant, 'londonDate: instant'));
  return formatCalendarDate(p.year, p.month, p.day);
}

/**
 * The instant a UK date begins: 00:00Z in GMT, 23:00Z the day before in BST. UK clocks change at
 * 01:00Z, never at midnight, so every UK date has exactly one midnight.
 */
export function startOfLondonDay(date: string): Date {
  const { year, month, day } = calendarDateParts(date);
  const utcMidnight = new Date(0);
  utcMidnight.setUTCFullYear(year, month - 1, day);
  // At 00:00Z on a UK date the clocks already show that date's offset (changes come at 01:00Z).
  return new Date(utcMidnight.getTime() - londonOffsetMs(utcMidnight.getTime()));
}

// ---------------------------------------------------------------------------------------------
// First-response deadlines

export type Urgency = 'crisis' | 'urgent' | 'routine';

export interface ClockSettings {
  /** A crisis referral is answered within this many minutes, day or night. */
  crisisResponseMinutes: number;
  /** An urgent referral is answered within this many clock hours, weekends included. */
  urgentResponseHours: number;
  /** A routine referral is contacted by the end of this many working days after the day it came in. */
  routineContactWorkingDays: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * When the first response to a referral is due. Crisis and urgent clocks run in clock time, every
 * day, because those services never close. A routine clock runs to the end (UK midnight) of the
 * Nth working day after the UK date of receipt: the day of receipt never counts, so a referral
 * that comes in at 4:55pm is not due the same evening.
 */
export function firstResponseDue(
  receivedAt: Date,
  urgency: Urgency,
  settings: ClockSettings,
  extraClosures?: ReadonlySet<string>,
): Date {
  const received = requireInstant(receivedAt, 'firstResponseDue: receivedAt');
  switch (urgency) {
    case 'crisis':
      return new Date(received + nonNegative(settings.crisisResponseMinutes, 'crisisResponseMinutes') * MINUTE_MS);
    case 'urgent':
      return new Date(received + nonNegative(settings.urgentResponseHours, 'urgentResponseHours') * HOUR_MS);
    case 'routine': {
      const days = settings.routineContactWorkingDays;
      if (!Number.isInteger(days) || days < 1) {
        throw new Error(`routineContactWorkingDays must be a whole number of days, 1 or more, not ${days}`);
      }
      const lastDay = addWorkingDays(londonDate(receivedAt), days, extraClosures);
      return startOfLondonDay(addDays(lastDay, 1));
    }
    default:
      throw new Error(`Unknown urgency: ${String(urgency)}`);
  }
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number, 0 or more, not ${value}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Waits and deadlines in words

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * A length of time in words, rounded down to the largest unit that fits: '20 minutes', '5 hours',
 * '3 days', '2 weeks and 3 days'. Rounded down so a wait is never overstated and a deadline never
 * seems further off than it is. Days are 24 hours of elapsed time, not calendar days.
 * Under a minute gives 'less than a minute'.
 */
export function describeDuration(ms: number): string {
  const length = Math.max(0, ms);
  if (length < MINUTE_MS) return 'less than a minute';
  if (length < HOUR_MS) return plural(Math.floor(length / MINUTE_MS), 'minute');
  if (length < DAY_MS) return plural(Math.floor(length / HOUR_MS), 'hour');
  const days = Math.floor(length / DAY_MS);
  if (days < 14) return plural(days, 'day');
  const weeks = Math.floor(days / 7);
  const rest = days % 7;
  return rest === 0 ? plural(weeks, 'week') : `${plural(weeks, 'week')} and ${plural(rest, 'day')}`;
}

/**
 * How long someone has waited from `from` until `now`, in plain words ('3 days').
 * A `from` after `now` (a clock slightly ahead) gives 'less than a minute'.
 */
export function describeWait(from: Date, now: Date): string {
  return describeDuration(requireInstant(now, 'describeWait: now') - requireInstant(from, 'describeWait: from'));
}

export interface DeadlineDescription {
  /** 'Due in 3 hours', 'Due now', 'Overdue by 2 days' */
  text: string;
  /** A minute or more past the deadline. */
  overdue: boolean;
  /** Not overdue, and due within SOON_MS (4 hours). */
  soon: boolean;
}

/** A deadline this close or closer is flagged as due soon. */
export const SOON_MS = 4 * HOUR_MS;

/**
 * A deadline relative to `now`, in plain words. Within a minute either side it is 'Due now'
 * (not yet overdue, and soon), so the words and the overdue flag never disagree.
 */
export function describeDeadline(due: Date, now: Date): DeadlineDescription {
  const left = requireInstant(due, 'describeDeadline: due') - requireInstant(now, 'describeDeadline: now');
  if (Math.abs(left) < MINUTE_MS) return { text: 'Due now', overdue: false, soon: true };
  if (left < 0) return { text: `Overdue by ${describeDuration(-left)}`, overdue: true, soon: false };
  return { text: `Due in ${describeDuration(left)}`, overdue: false, soon: left <= SOON_MS };
}
