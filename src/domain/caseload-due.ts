// What is due for one person on a navigator's caseload: plan and goal reviews, follow-ups (steps
// with a date), and contact that has lapsed for longer than the tenant allows. The caseload's SQL
// filters use the same rules (a date before today is overdue; no contact for more than N days is
// `last contact date < today - N`), and the tests hold the two to each other. Pure: no I/O.
import { addDays, daysBetween, isoWeekday } from './calendar-date.ts';

export type DueLevel = 'overdue' | 'today' | 'this_week' | 'later';

/** The last day (Sunday) of the ISO week `today` is in. */
export function endOfWeek(today: string): string {
  return addDays(today, 7 - isoWeekday(today));
}

/** How soon a date is: before today is overdue; null when there is no date. */
export function dueLevel(dueOn: string | null, today: string): DueLevel | null {
  if (!dueOn) return null;
  if (dueOn < today) return 'overdue';
  if (dueOn === today) return 'today';
  return dueOn <= endOfWeek(today) ? 'this_week' : 'later';
}

export interface EpisodeDueFacts {
  /** the plan's next review ('YYYY-MM-DD') */
  planReviewOn: string | null;
  /** the soonest review of a goal being worked on */
  goalReviewOn: string | null;
  /** the soonest date of a step not yet done, on a goal being worked on */
  stepDueOn: string | null;
  /** the UK date of the last recorded contact, or null when there has been none */
  lastContactOn: string | null;
  /** the UK date support started: contact is counted from here until the first one */
  startedOn: string;
}

export interface DueOptions {
  today: string;
  /** no contact for more than this many days is overdue (tenant setting) */
  contactOverdueDays: number;
}

export type DueKind = 'plan_review' | 'goal_review' | 'step' | 'contact';

export interface DueItem {
  kind: DueKind;
  level: Exclude<DueLevel, 'later'>;
  /** the date it is due, or for contact the date counted from */
  on: string;
  /** in words, for the page: "Plan review overdue: was due 3 March 2026" */
  text: string;
}

const KIND_LABELS: Record<Exclude<DueKind, 'contact'>, string> = {
  plan_review: 'Plan review',
  goal_review: 'Goal review',
  step: 'Follow-up',
};

const LONG_DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const WEEKDAY_DATE = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });
const asUtcNoon = (date: string) => new Date(`${date}T12:00:00Z`);

/** Days since contact (or since support started, before the first contact). */
export function daysWithoutContact(facts: Pick<EpisodeDueFacts, 'lastContactOn' | 'startedOn'>, today: string): number {
  return Math.max(0, daysBetween(facts.lastContactOn ?? facts.startedOn, today));
}

/** No contact for more than the tenant's number of days: the same test as `from < today - days`. */
export function isContactOverdue(facts: Pick<EpisodeDueFacts, 'lastContactOn' | 'startedOn'>, today: string, days: number): boolean {
  return (facts.lastContactOn ?? facts.startedOn) < addDays(today, -days);
}

/** Everything due today, this week or overdue, most pressing first. */
export function whatIsDue(facts: EpisodeDueFacts, options: DueOptions): DueItem[] {
  const items: DueItem[] = [];
  if (isContactOverdue(facts, options.today, options.contactOverdueDays)) {
    const days = daysWithoutContact(facts, options.today);
    items.push({
      kind: 'contact',
      level: 'overdue',
      on: facts.lastContactOn ?? facts.startedOn,
      text: facts.lastContactOn ? `No contact for ${days} days` : `No contact since support started ${days} days ago`,
    });
  }
  const dated: [Exclude<DueKind, 'contact'>, string | null][] = [
    ['plan_review', facts.planReviewOn],
    ['goal_review', facts.goalReviewOn],
    ['step', facts.stepDueOn],
  ];
  for (const [kind, on] of dated) {
    const level = dueLevel(on, options.today);
    if (!on || !level || level === 'later') continue;
    const label = KIND_LABELS[kind];
    const text = level === 'overdue'
      ? `${label} overdue: was due ${LONG_DATE.format(asUtcNoon(on))}`
      : level === 'today' ? `${label} due today` : `${label} due ${WEEKDAY_DATE.format(asUtcNoon(on))}`;
    items.push({ kind, level, on, text });
  }
  const rank: Record<DueItem['level'], number> = { overdue: 0, today: 1, this_week: 2 };
  return items.sort((a, b) => rank[a.level] - rank[b.level] || (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
}

/** Anything overdue: a review or follow-up dated before today, or contact lapsed. */
export function isSomethingOverdue(facts: EpisodeDueFacts, options: DueOptions): boolean {
  const dates = [facts.planReviewOn, facts.goalReviewOn, facts.stepDueOn].filter((d): d is string => d !== null);
  return dates.some((d) => d < options.today) || isContactOverdue(facts, options.today, options.contactOverdueDays);
}

/** The plan's or a goal's review falls by the end of this week (overdue ones included). */
export function isReviewDueThisWeek(facts: Pick<EpisodeDueFacts, 'planReviewOn' | 'goalReviewOn'>, today: string): boolean {
  const week = endOfWeek(today);
  return [facts.planReviewOn, facts.goalReviewOn].some((d) => d !== null && d <= week);
}

/** The sooner of two optional dates (SQL's least(), which ignores nulls). */
export function soonest(...dates: (string | null)[]): string | null {
  return dates.reduce<string | null>((min, d) => (d !== null && (min === null || d < min) ? d : min), null);
}
