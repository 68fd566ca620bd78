// The words of a support plan, and how progress towards a goal is told. A plan is written with the
// person: what matters to them, their strengths, and goals in their own words, each in one of the
// outcome domains the service is commissioned for (Live Well Kent, 2016, section 6.2). Pure: no I/O.

/** The outcomes Live Well Kent is commissioned for, as a person would say them. */
export const OUTCOME_DOMAINS = ['community', 'choice_control', 'learning_work', 'social_leisure', 'healthy_living', 'recovery'] as const;
export type OutcomeDomain = (typeof OUTCOME_DOMAINS)[number];

export const OUTCOME_DOMAIN_NAMES: Record<OutcomeDomain, string> = {
  community: 'Connected to my community and less lonely',
  choice_control: 'More choice and control',
  learning_work: 'Learning, employment and volunteering',
  social_leisure: 'Social and leisure',
  healthy_living: 'Healthy living',
  recovery: 'Managing my recovery',
};

export const GOAL_STATUSES = ['working_on', 'achieved', 'stopped'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export const GOAL_STATUS_NAMES: Record<GoalStatus, string> = {
  working_on: 'Working on it',
  achieved: 'Achieved',
  stopped: 'Stopped',
};

/** Who does a step. "Someone else" is always named. */
export const STEP_OWNERS = ['person', 'navigator', 'carer', 'provider', 'other'] as const;
export type StepOwner = (typeof STEP_OWNERS)[number];

export const STEP_OWNER_NAMES: Record<StepOwner, string> = {
  person: 'The person',
  navigator: 'Their navigator',
  carer: 'A carer',
  provider: 'A provider',
  other: 'Someone else',
};

/** Who does a step, in words: "A carer (Sam, her sister)". */
export function describeStepOwner(owner: StepOwner, name: string | null): string {
  const base = STEP_OWNER_NAMES[owner];
  const named = (name ?? '').trim();
  if (owner === 'other') return named || base;
  return named ? `${base} (${named})` : base;
}

/** A "how close am I to this goal" rating: 0 is not started, 10 is there. */
export const RATING_MIN = 0;
export const RATING_MAX = 10;

export interface ProgressEntry {
  /** 'YYYY-MM-DD' */
  ratedOn: string;
  rating: number;
  /** the order it was recorded in, to tell apart two ratings on the same day */
  sequence: number;
}

export interface ProgressSummary {
  first: ProgressEntry;
  latest: ProgressEntry;
  /** latest rating minus first rating: from -10 to 10 */
  change: number;
  count: number;
}

/**
 * The first and latest rating (by date, then by the order they were recorded) and the change
 * between them, or null when there are none.
 */
export function summariseProgress(entries: readonly ProgressEntry[]): ProgressSummary | null {
  if (entries.length === 0) return null;
  const ordered = [...entries].sort(byDateThenSequence);
  const first = ordered[0]!;
  const latest = ordered[ordered.length - 1]!;
  return { first, latest, change: latest.rating - first.rating, count: ordered.length };
}

function byDateThenSequence(a: ProgressEntry, b: ProgressEntry): number {
  return a.ratedOn < b.ratedOn ? -1 : a.ratedOn > b.ratedOn ? 1 : a.sequence - b.sequence;
}

/** The change since the first rating, in words: "Up 3 since the first rating". */
export function describeChange(summary: ProgressSummary | null): string {
  if (!summary) return 'Not rated yet';
  if (summary.count === 1) return 'First rating';
  const { change } = summary;
  if (change === 0) return 'No change since the first rating';
  const points = Math.abs(change) === 1 ? 'point' : 'points';
  return `${change > 0 ? 'Up' : 'Down'} ${Math.abs(change)} ${points} since the first rating`;
}
