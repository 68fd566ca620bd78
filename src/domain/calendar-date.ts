// Calendar dates as 'YYYY-MM-DD' strings, with no time and no time zone. Pure: no I/O.
//
// Dates of birth, bank holidays and working days are days on a calendar, not instants, so they
// are kept as strings and counted in UTC arithmetic (which has no clock changes).

export interface CalendarDate {
  year: number;
  /** 1 to 12 */
  month: number;
  day: number;
}

/** The parts of a real 'YYYY-MM-DD' date, or null ('2025-02-29' and '2025-2-1' are not dates). */
export function parseCalendarDate(text: string): CalendarDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text ?? ''));
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

/** True when `text` is a real date written 'YYYY-MM-DD'. */
export function isCalendarDate(text: string): boolean {
  return parseCalendarDate(text) !== null;
}

/** The parts of a 'YYYY-MM-DD' date; throws a plain Error naming the text when it is not one. */
export function calendarDateParts(text: string): CalendarDate {
  const parts = parseCalendarDate(text);
  if (!parts) throw new Error(`Not a date in the form YYYY-MM-DD: '${text}'`);
  return parts;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month - 1]!;
}

/** 'YYYY-MM-DD' for a year, month (1 to 12) and day. */
export function formatCalendarDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toUtcMs(text: string): number {
  const { year, month, day } = calendarDateParts(text);
  // setUTCFullYear, not Date.UTC, which reads years 0 to 99 as 1900 to 1999.
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at.getTime();
}

function fromUtcMs(ms: number): string {
  const d = new Date(ms);
  return formatCalendarDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const DAY_MS = 86_400_000;

/** The date `days` calendar days after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new Error(`addDays needs a whole number of days, not ${days}`);
  return fromUtcMs(toUtcMs(date) + days * DAY_MS);
}

/** Calendar days from `from` to `to`: 1 from a day to the next, negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtcMs(to) - toUtcMs(from)) / DAY_MS);
}

/** Day of the week, ISO numbering: 1 is Monday, 7 is Sunday. */
export function isoWeekday(date: string): number {
  return ((new Date(toUtcMs(date)).getUTCDay() + 6) % 7) + 1;
}
