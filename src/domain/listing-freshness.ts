// How fresh a directory listing is: whole calendar months since its provider last confirmed it,
// counted on UK calendar dates and clock times (Europe/London). A month after 31 January is the
// end of February (the day is clamped to the month's length), as PostgreSQL's
// `timestamp + interval '1 month'` counts it, so the staleness sweep in SQL and the public page
// agree on the day a listing turns.

/** Provider staff are asked to confirm a listing after this many months without confirmation. */
export const CONFIRM_REMINDER_MONTHS = 6;
/** After this many months the public page says the information may be out of date, and admins are told. */
export const OUT_OF_DATE_MONTHS = 12;

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  fractionalSecondDigits: 3,
  hourCycle: 'h23',
});

interface WallClock {
  year: number;
  /** 1 to 12 */
  month: number;
  day: number;
  /** milliseconds since local midnight */
  time: number;
}

function londonWallClock(at: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const part of LONDON.formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    time: ((parts.hour! * 60 + parts.minute!) * 60 + parts.second!) * 1000 + (parts.fractionalSecond ?? 0),
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Whole months from `from` to `to`: the largest n for which `from` plus n calendar months (day
 * clamped to the end of a shorter month) is at or before `to`. 0 when `to` is before `from`.
 */
export function monthsSince(from: Date, to: Date): number {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to.getTime() <= from.getTime()) return 0;
  const f = londonWallClock(from);
  const t = londonWallClock(to);
  let months = (t.year - f.year) * 12 + (t.month - f.month);
  // The monthly anniversary in `to`'s month, clamped to that month's last day.
  const anniversaryDay = Math.min(f.day, daysInMonth(t.year, t.month));
  if (t.day < anniversaryDay || (t.day === anniversaryDay && t.time < f.time)) months -= 1;
  return Math.max(0, months);
}

/** True when a listing last confirmed at `lastConfirmedAt` may be out of date at `now` (12 months). */
export function isOutOfDate(lastConfirmedAt: Date, now: Date = new Date()): boolean {
  return monthsSince(lastConfirmedAt, now) >= OUT_OF_DATE_MONTHS;
}

/** True when the provider should be asked to confirm the listing (6 months). */
export function isDueForConfirmation(lastConfirmedAt: Date, now: Date = new Date()): boolean {
  return monthsSince(lastConfirmedAt, now) >= CONFIRM_REMINDER_MONTHS;
}
