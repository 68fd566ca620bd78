// How quickly providers answer social prescriptions, and how often they accept: the numbers a
// navigator uses to choose where to send someone, and an administrator uses to talk to a
// provider. Pure: no I/O.
//
// - Time to answer is counted in working days: the time between sending and the provider's answer
//   that falls on UK working days (weekends and England and Wales bank holidays do not count), in
//   units of 24 hours. A prescription sent on Friday afternoon and answered on Monday morning took
//   well under a working day, not three days.
// - Acceptance rate is accepted / answered, with its Wilson score 95% interval. With fewer than 5
//   answered there is no rate: "fewer than 5" is shown instead, because a rate from 1 or 2
//   answers says little and can point at a single person.

import { addDays, calendarDateParts, daysInMonth, formatCalendarDate } from './calendar-date.ts';
import { wilsonInterval } from './wilson-interval.ts';
import { isWorkingDay, startOfLondonDay } from './working-days.ts';
import { disclosedCount, isSuppressed } from './disclosure.ts';

const DAY_MS = 86_400_000;

/** Below this many answers, no rate is shown. */
export const SMALL_NUMBER = 5;

/** A UK date's start and end instants and whether it is a working day, remembered: a report asks about the same few hundred days tens of thousands of times. */
interface UkDay { start: number; end: number; working: boolean; next: string }
const DAYS = new Map<string, UkDay>();
const DAYS_KEPT = 50_000;

function ukDay(date: string, extraClosures?: ReadonlySet<string>): UkDay {
  let day = DAYS.get(date);
  if (!day) {
    if (DAYS.size >= DAYS_KEPT) DAYS.clear();
    const next = addDays(date, 1);
    day = { start: startOfLondonDay(date).getTime(), end: startOfLondonDay(next).getTime(), working: isWorkingDay(date), next };
    DAYS.set(date, day);
  }
  return extraClosures?.has(date) ? { ...day, working: false } : day;
}

/** The UK date of an instant (as londonDate in working-days.ts), found from the remembered days rather than by formatting. */
function ukDateOf(ms: number): string {
  // UK clocks are never behind UTC and at most an hour ahead, so the UK date is the UTC date or the day after.
  const utc = new Date(ms).toISOString().slice(0, 10);
  return ms >= ukDay(utc).end ? addDays(utc, 1) : utc;
}

/**
 * The part of [from, to) that falls on UK working days, in milliseconds. 0 when `to` is not after
 * `from`. Additive: splitting the span at any instant and adding the parts gives the same total.
 */
export function workingTimeMs(from: Date, to: Date, extraClosures?: ReadonlySet<string>): number {
  const start = from.getTime();
  const end = to.getTime();
  if (Number.isNaN(start) || Number.isNaN(end)) throw new Error('workingTimeMs needs two valid instants');
  if (end <= start) return 0;
  let total = 0;
  for (let day = ukDay(ukDateOf(start), extraClosures); day.start < end; day = ukDay(day.next, extraClosures)) {
    if (day.working) total += Math.max(0, Math.min(end, day.end) - Math.max(start, day.start));
  }
  return total;
}

/** workingTimeMs in working days of 24 hours. */
export function workingDaysBetween(from: Date, to: Date, extraClosures?: ReadonlySet<string>): number {
  return workingTimeMs(from, to, extraClosures) / DAY_MS;
}

/** The median (the mean of the middle two for an even count), or null for no values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** '1.5 working days', '1 working day', 'less than 0.1 working days'. */
export function describeWorkingDays(days: number): string {
  if (days < 0.05) return 'less than 0.1 working days';
  const rounded = Math.round(days * 10) / 10;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return `${text} working ${rounded === 1 ? 'day' : 'days'}`;
}

// ---------------------------------------------------------------------------------------------
// One provider's numbers

export interface PrescriptionOutcome {
  sentAt: Date;
  /** when the provider accepted or declined; null when it has not (yet) */
  answeredAt: Date | null;
  answer: 'accepted' | 'declined' | null;
}

export type AcceptanceRate =
  | { shown: true; accepted: number; answered: number; rate: number; lower: number; upper: number }
  | { shown: false; answered: number; reason: 'none answered' | 'fewer than 5' | 'small numbers' };

export interface ResponseSummary {
  /** prescriptions sent to the provider */
  received: number;
  /** accepted or declined */
  answered: number;
  accepted: number;
  /** not answered (waiting, or withdrawn before an answer) */
  unanswered: number;
  /** median working days from sending to answer, over the answered ones; null when none */
  medianWorkingDays: number | null;
  acceptance: AcceptanceRate;
}

export function summariseResponses(outcomes: readonly PrescriptionOutcome[], extraClosures?: ReadonlySet<string>): ResponseSummary {
  const answered = outcomes.filter((o): o is PrescriptionOutcome & { answeredAt: Date } => o.answeredAt !== null && o.answer !== null);
  const accepted = answered.filter((o) => o.answer === 'accepted').length;
  const times = answered.map((o) => workingDaysBetween(o.sentAt, o.answeredAt, extraClosures));
  let acceptance: AcceptanceRate;
  if (answered.length === 0) acceptance = { shown: false, answered: 0, reason: 'none answered' };
  else if (answered.length < SMALL_NUMBER) acceptance = { shown: false, answered: answered.length, reason: 'fewer than 5' };
  else {
    const interval = wilsonInterval(accepted, answered.length);
    acceptance = { shown: true, accepted, answered: answered.length, rate: interval.proportion, lower: interval.lower, upper: interval.upper };
  }
  return {
    received: outcomes.length,
    answered: answered.length,
    accepted,
    unanswered: outcomes.length - answered.length,
    medianWorkingDays: median(times),
    acceptance,
  };
}

/**
 * A summary as a commissioner may see it: every count rounded (disclosure.ts), and the acceptance
 * rate, worked out from the exact counts, withheld when the accepted or answered count is 1 to 7
 * (saying "fewer than 5" would itself tell a small number).
 */
export function disclosedSummary(summary: ResponseSummary): ResponseSummary {
  const { acceptance } = summary;
  const withheld = summary.answered > 0 && (isSuppressed(summary.answered) || isSuppressed(summary.accepted));
  return {
    received: disclosedCount(summary.received),
    answered: disclosedCount(summary.answered),
    accepted: disclosedCount(summary.accepted),
    unanswered: disclosedCount(summary.unanswered),
    medianWorkingDays: summary.medianWorkingDays,
    acceptance: withheld
      ? { shown: false, answered: disclosedCount(summary.answered), reason: 'small numbers' }
      : acceptance.shown
        ? { ...acceptance, accepted: disclosedCount(acceptance.accepted), answered: disclosedCount(acceptance.answered) }
        : { ...acceptance, answered: disclosedCount(acceptance.answered) },
  };
}

// ---------------------------------------------------------------------------------------------
// Periods: the last 3 months, or a quarter of the financial year (April to March)

export interface ReportingPeriod {
  key: string;
  label: string;
  /** first day, 'YYYY-MM-DD' */
  from: string;
  /** the day after the last day, 'YYYY-MM-DD' */
  to: string;
}

export const LAST_3_MONTHS = 'last-3-months';
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The same day `months` months earlier, or the month's last day when it has fewer days. */
function monthsBefore(date: string, months: number): string {
  const { year, month, day } = calendarDateParts(date);
  const index = year * 12 + (month - 1) - months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return formatCalendarDate(y, m, Math.min(day, daysInMonth(y, m)));
}

function dayMonth(date: string): string {
  const { month, day } = calendarDateParts(date);
  return `${day} ${MONTHS[month - 1]}`;
}

function lastThreeMonths(today: string): ReportingPeriod {
  const from = monthsBefore(today, 3);
  const year = calendarDateParts(today).year;
  const fromYear = calendarDateParts(from).year;
  return {
    key: LAST_3_MONTHS,
    label: `The last 3 months (${dayMonth(from)}${fromYear === year ? '' : ` ${fromYear}`} to ${dayMonth(today)} ${year})`,
    from,
    to: addDays(today, 1),
  };
}

/** The financial-year quarter starting on the first of `month` (4, 7, 10 or 1) of `year`. */
function quarter(year: number, month: number, today: string): ReportingPeriod {
  const from = formatCalendarDate(year, month, 1);
  const to = monthsBefore(from, -3);
  const financialYear = month >= 4 ? year : year - 1;
  const number = month >= 4 ? (month - 1) / 3 : 4;
  const lastMonth = MONTHS[month + 1]!;
  const soFar = today >= from && today < to ? ', so far' : '';
  return {
    key: `quarter-${from.slice(0, 7)}`,
    label: `${MONTHS[month - 1]} to ${lastMonth} ${year} (quarter ${number} of ${financialYear} to ${financialYear + 1}${soFar})`,
    from,
    to,
  };
}

/** The periods to choose from: the last 3 months, then this quarter and the `count - 1` before it, newest first. */
export function reportingPeriods(today: string, count = 8): ReportingPeriod[] {
  const { year, month } = calendarDateParts(today);
  const quarterStartMonth = month - ((month - 1) % 3);
  const periods = [lastThreeMonths(today)];
  let index = year * 12 + (quarterStartMonth - 1);
  for (let i = 0; i < count; i++, index -= 3) {
    periods.push(quarter(Math.floor(index / 12), (index % 12) + 1, today));
  }
  return periods;
}

/** The period a key names (among those offered for `today`), or the last 3 months for anything else. */
export function reportingPeriod(key: string | undefined, today: string): ReportingPeriod {
  const periods = reportingPeriods(today);
  return periods.find((p) => p.key === key) ?? periods[0]!;
}

/** The instants a period runs between, on UK clocks. */
export function periodInstants(period: ReportingPeriod): { from: Date; to: Date } {
  return { from: startOfLondonDay(period.from), to: startOfLondonDay(period.to) };
}
