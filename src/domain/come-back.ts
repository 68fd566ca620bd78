// Coming back: someone discharged can return by the fast route, skipping the triage queue, for a
// tenant-set number of months (Live Well Kent: 12). Pure: no I/O; dates are UK calendar dates
// ('YYYY-MM-DD'), because "within 12 months" is a question about the calendar on the wall.
import { calendarDateParts, daysInMonth, formatCalendarDate } from './calendar-date.ts';

/**
 * The date `months` calendar months after `date`. A day that the later month does not have
 * becomes its last day: one month after 31 January is 28 (or 29) February.
 */
export function addCalendarMonths(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new Error(`addCalendarMonths needs a whole number of months, not ${months}`);
  const { year, month, day } = calendarDateParts(date);
  const index = year * 12 + (month - 1) + months;
  const toYear = Math.floor(index / 12);
  const toMonth = (index % 12) + 1;
  return formatCalendarDate(toYear, toMonth, Math.min(day, daysInMonth(toYear, toMonth)));
}

/** The last day someone discharged on `dischargeDate` can come back by the fast route (that day included). */
export function comeBackUntil(dischargeDate: string, months: number): string {
  return addCalendarMonths(dischargeDate, months);
}

export type ComeBackDecision =
  | { ok: true; until: string }
  | { ok: false; reason: 'period_over'; until: string };

/** Whether someone discharged on `dischargeDate` may come back by the fast route on `today`. */
export function comeBackDecision(dischargeDate: string, months: number, today: string): ComeBackDecision {
  const until = comeBackUntil(dischargeDate, months);
  return today <= until ? { ok: true, until } : { ok: false, reason: 'period_over', until };
}
