// A navigator's caseload: the people whose open support episode they are the worker for, with
// what is due (plan and goal reviews, follow-ups, contact that has lapsed) and risk flags; sorted
// and filtered in SQL over one row per episode (episode_summaries, kept up to date by every
// change to a plan, goal, step or contact), so 40 people are instant and a 5,000-person
// organisation's team view is still one indexed read. Team leads see their whole organisation,
// worker by worker.
//
// Other features add columns (like social prescriptions waiting for a provider) with
// addCaseloadColumn: each column is given the page's rows and returns a cell for each episode.
import type { Queryable, Transaction } from '../../db/database.ts';
import { endOfWeek, whatIsDue, type DueItem } from '../../domain/caseload-due.ts';
import { isRiskFlag, normaliseRiskFlags, RISK_FLAG_NAMES, RISK_FLAGS, type RiskFlag } from '../../domain/risk-flags.ts';
import { londonDate, startOfLondonDay } from '../../domain/working-days.ts';
import { addDays } from '../../domain/calendar-date.ts';
import { audit } from '../../platform/audit.ts';
import { requireRole } from '../../platform/access.ts';
import type { StaffContext } from '../../platform/context.ts';
import { forbidden } from '../../platform/errors.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { isUuid } from './access.ts';
import type { Clock } from './plan.ts';

export const CASELOAD_SORTS = {
  name: 'Name',
  last_contact: 'Longest since last contact',
  next_review: 'Next review',
  risk: 'Risk flags',
} as const;
export type CaseloadSort = keyof typeof CASELOAD_SORTS;

export interface CaseloadQuery {
  /** the whole organisation's caseload (team leads only) */
  team: boolean;
  /** team view: '' everyone, 'unallocated', or a worker's id */
  worker: string;
  sort: CaseloadSort;
  /** '' any or none, 'any' any flag, or one flag */
  risk: '' | 'any' | RiskFlag;
  overdue: boolean;
  reviewWeek: boolean;
  page: number;
}

/** The query string as a caseload query; anything unknown falls back to the default. */
export function caseloadQueryFrom(params: Record<string, string | undefined>): CaseloadQuery {
  const sort = params.sort && Object.hasOwn(CASELOAD_SORTS, params.sort) ? (params.sort as CaseloadSort) : 'name';
  const risk = params.risk === 'any' || (params.risk && isRiskFlag(params.risk)) ? (params.risk as CaseloadQuery['risk']) : '';
  const worker = params.worker === 'unallocated' || (params.worker && isUuid(params.worker)) ? params.worker : '';
  return {
    team: params.team === '1',
    worker,
    sort,
    risk,
    overdue: params.overdue === '1',
    reviewWeek: params.review === 'week',
    page: Math.max(1, Math.trunc(Number(params.page)) || 1),
  };
}

/** The query as a query string, for links that keep the filters (without the page). */
export function caseloadSearch(query: CaseloadQuery): string {
  const pairs: [string, string][] = [];
  if (query.team) pairs.push(['team', '1']);
  if (query.team && query.worker) pairs.push(['worker', query.worker]);
  if (query.sort !== 'name') pairs.push(['sort', query.sort]);
  if (query.risk) pairs.push(['risk', query.risk]);
  if (query.overdue) pairs.push(['overdue', '1']);
  if (query.reviewWeek) pairs.push(['review', 'week']);
  return new URLSearchParams(pairs).toString();
}

export interface CaseloadCell {
  text: string;
  /** shown as an NHS tag of this colour, with the text as its words */
  tag?: 'red' | 'orange' | 'yellow' | 'blue' | 'green' | 'grey';
  href?: string;
}

export interface CaseloadRow {
  episodeId: string;
  personId: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  workerId: string | null;
  workerName: string | null;
  startedAt: Date;
  riskFlags: { flag: RiskFlag; name: string }[];
  /** the flags in words, for tags */
  riskFlagNames: string[];
  lastContactAt: Date | null;
  planReviewOn: string | null;
  goalReviewOn: string | null;
  stepDueOn: string | null;
  /** the sooner of the plan's and the goals' reviews */
  nextReviewOn: string | null;
  due: DueItem[];
  /** cells of columns other features add, by column key */
  cells: Record<string, CaseloadCell>;
}

export interface CaseloadColumn {
  key: string;
  heading: string;
  /** a cell for each episode on the page that has something to show, by episode id */
  cells(tx: Queryable, ctx: StaffContext, rows: readonly CaseloadRow[]): Promise<Map<string, CaseloadCell>>;
}

const extraColumns = new Map<string, CaseloadColumn>();

/** Adds a column to every caseload (once per key: adding it again replaces it). */
export function addCaseloadColumn(column: CaseloadColumn): void {
  extraColumns.set(column.key, column);
}

/** Counting stops here: an organisation bigger than this is told "more than". */
export const COUNT_CAP = 10_000;
export const CASELOAD_PAGE_SIZE = 50;

export interface CaseloadCounts {
  total: number;
  overdue: number;
  reviewWeek: number;
  flagged: number;
  /** the caseload is bigger than COUNT_CAP, so these are counts of its first COUNT_CAP */
  capped: boolean;
}

export interface CaseloadPage {
  query: CaseloadQuery;
  rows: CaseloadRow[];
  columns: { key: string; heading: string }[];
  counts: CaseloadCounts;
  /** people matching the filters (capped) */
  matching: number;
  more: boolean;
  page: number;
  pages: number;
  /** team view: the organisation's workers, for the worker filter */
  workers: { id: string; name: string }[];
  today: string;
  contactOverdueDays: number;
}

const SORT_SQL: Record<CaseloadSort, string> = {
  name: 'lower(p.family_name), lower(p.given_name), e.id',
  last_contact: 'coalesce(s.last_contact_at, e.started_at), lower(p.family_name), lower(p.given_name), e.id',
  next_review: 'least(s.plan_review_on, s.goal_review_on) NULLS LAST, lower(p.family_name), lower(p.given_name), e.id',
  risk: 'coalesce(cardinality(r.flags), 0) DESC, lower(p.family_name), lower(p.given_name), e.id',
};

/** Positional parameters for one statement: each value gets the next $n as it is used. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

// The same rules as src/domain/caseload-due.ts (isSomethingOverdue, isReviewDueThisWeek), held to
// them by tests: a date before today is overdue; contact is overdue when the last one (or the
// start of support) is on a UK date before today minus the tenant's number of days, which is to
// say before the instant that UK date begins.
const overdueSql = (p: Params, today: string, days: number) => `(least(s.plan_review_on, s.goal_review_on, s.step_due_on) < ${p.add(today)}::date
  OR coalesce(s.last_contact_at, e.started_at) < ${p.add(startOfLondonDay(addDays(today, -days)).toISOString())}::timestamptz)`;
const reviewWeekSql = (p: Params, weekEnd: string) => `least(s.plan_review_on, s.goal_review_on) <= ${p.add(weekEnd)}::date`;
const FLAGGED_SQL = 'coalesce(cardinality(r.flags), 0) > 0';

// Counting needs only the episode, its summary and the person's risk flags; the page of rows also
// reads the person's name, in a join, because sorting an organisation's caseload by name cannot
// be done a page at a time any other way.
const COUNT_FROM_SQL = `
  FROM episodes e
  LEFT JOIN person_risks r ON r.tenant_id = e.tenant_id AND r.person_id = e.person_id
  LEFT JOIN episode_summaries s ON s.tenant_id = e.tenant_id AND s.episode_id = e.id`;
const ROWS_FROM_SQL = `${COUNT_FROM_SQL}
  JOIN people p ON p.tenant_id = e.tenant_id AND p.id = e.person_id`;

/**
 * The caseload page for the signed-in navigator or provider worker: their own people, or with
 * `team` (team leads) everyone their organisation supports. Audited with the people shown.
 */
export async function caseload(ctx: StaffContext, query: CaseloadQuery, clock: Clock = {}): Promise<CaseloadPage> {
  requireRole(ctx.actor, ['navigator', 'provider']);
  if (query.team && !ctx.actor.teamLead) throw forbidden('Only team leads see the whole team’s caseload. Your own caseload is below “Caseload”.');
  const today = londonDate(clock.now ?? new Date());

  return ctx.db.transaction(async (tx) => {
    const settings = await getTenantSettings(tx, ctx.actor.tenantId);
    const days = settings.contactOverdueDays;
    const weekEnd = endOfWeek(today);
    const scope = (p: Params) => {
      let sql = `WHERE e.tenant_id = ${p.add(ctx.actor.tenantId)} AND e.state = 'open' AND `;
      sql += query.team ? `e.organisation_id = ${p.add(ctx.actor.organisationId)}` : `e.worker_id = ${p.add(ctx.actor.userId)}`;
      if (query.team && query.worker === 'unallocated') sql += ' AND e.worker_id IS NULL';
      else if (query.team && query.worker) sql += ` AND e.worker_id = ${p.add(query.worker)}`;
      return sql;
    };
    const filtered = (p: Params) => {
      const filters = [scope(p)];
      if (query.risk === 'any') filters.push(FLAGGED_SQL);
      else if (query.risk) filters.push(`${p.add(query.risk)} = ANY(r.flags)`);
      if (query.overdue) filters.push(overdueSql(p, today, days));
      if (query.reviewWeek) filters.push(reviewWeekSql(p, weekEnd));
      return filters.join(' AND ');
    };
    const anyFilter = Boolean(query.risk || query.overdue || query.reviewWeek);

    // Counts of the whole caseload (not the filters), stopping at COUNT_CAP.
    const cp = new Params();
    const counted = await tx.query<{ total: number; overdue: number; review_week: number; flagged: number }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE overdue) AS overdue, count(*) FILTER (WHERE review_week) AS review_week,
              count(*) FILTER (WHERE flagged) AS flagged
         FROM (SELECT coalesce(${overdueSql(cp, today, days)}, false) AS overdue, coalesce(${reviewWeekSql(cp, weekEnd)}, false) AS review_week,
                      ${FLAGGED_SQL} AS flagged
                 ${COUNT_FROM_SQL} ${scope(cp)} LIMIT ${COUNT_CAP + 1}) AS capped`,
      cp.values,
    );
    const c = counted.rows[0]!;
    const counts: CaseloadCounts = {
      total: Math.min(Number(c.total), COUNT_CAP), overdue: Number(c.overdue), reviewWeek: Number(c.review_week), flagged: Number(c.flagged),
      capped: Number(c.total) > COUNT_CAP,
    };

    const mp = new Params();
    const matched = anyFilter
      ? Number((await tx.query<{ n: number }>(`SELECT count(*) AS n FROM (SELECT 1 ${COUNT_FROM_SQL} ${filtered(mp)} LIMIT ${COUNT_CAP + 1}) AS capped`, mp.values)).rows[0]!.n)
      : Number(c.total);
    const more = matched > COUNT_CAP;
    const matching = Math.min(matched, COUNT_CAP);
    const pages = Math.max(1, Math.ceil(matching / CASELOAD_PAGE_SIZE));
    const page = Math.min(query.page, pages);

    const rp = new Params();
    const { rows } = await tx.query<{
      id: string; person_id: string; worker_id: string | null; worker_name: string | null; started_at: Date; given_name: string;
      family_name: string; date_of_birth: string | null; flags: string[]; plan_review_on: string | null; goal_review_on: string | null;
      step_due_on: string | null; last_contact_at: Date | null;
    }>(
      `SELECT e.id, e.person_id, e.worker_id, w.name AS worker_name, e.started_at, p.given_name, p.family_name, p.date_of_birth,
              coalesce(r.flags, '{}') AS flags, s.plan_review_on, s.goal_review_on, s.step_due_on, s.last_contact_at
         ${ROWS_FROM_SQL}
         LEFT JOIN staff_users w ON w.tenant_id = e.tenant_id AND w.id = e.worker_id
         ${filtered(rp)}
        ORDER BY ${SORT_SQL[query.sort]}
        LIMIT ${CASELOAD_PAGE_SIZE} OFFSET ${(page - 1) * CASELOAD_PAGE_SIZE}`,
      rp.values,
    );
    const due = { today, contactOverdueDays: days };
    const caseloadRows: CaseloadRow[] = rows.map((r) => {
      const flags = normaliseRiskFlags(r.flags ?? []);
      const nextReviewOn = [r.plan_review_on, r.goal_review_on].filter((d): d is string => d !== null).sort()[0] ?? null;
      return {
        episodeId: r.id, personId: r.person_id, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth,
        workerId: r.worker_id, workerName: r.worker_name, startedAt: r.started_at,
        riskFlags: flags.map((flag) => ({ flag, name: RISK_FLAG_NAMES[flag] })),
        riskFlagNames: flags.map((flag) => RISK_FLAG_NAMES[flag]),
        lastContactAt: r.last_contact_at, planReviewOn: r.plan_review_on, goalReviewOn: r.goal_review_on, stepDueOn: r.step_due_on, nextReviewOn,
        due: whatIsDue({
          planReviewOn: r.plan_review_on, goalReviewOn: r.goal_review_on, stepDueOn: r.step_due_on,
          lastContactOn: r.last_contact_at ? londonDate(r.last_contact_at) : null, startedOn: londonDate(r.started_at),
        }, due),
        cells: {},
      };
    });
    const columns = [...extraColumns.values()];
    for (const column of columns) {
      const cells = await column.cells(tx, ctx, caseloadRows);
      for (const row of caseloadRows) {
        const cell = cells.get(row.episodeId);
        if (cell) row.cells[column.key] = cell;
      }
    }
    const workers = query.team ? await organisationWorkers(tx, ctx) : [];
    await audit(tx, ctx, {
      action: 'caseload.read', recordType: 'caseload', recordId: query.team ? ctx.actor.organisationId : ctx.actor.userId, outcome: 'success',
      basis: query.team ? 'team lead: the organisation’s caseload' : 'own caseload',
      detail: { team: query.team, worker: query.worker || null, sort: query.sort, page, personIds: caseloadRows.map((r) => r.personId) },
    });
    return {
      query: { ...query, page }, rows: caseloadRows, columns: columns.map((col) => ({ key: col.key, heading: col.heading })), counts,
      matching, more, page, pages, workers, today, contactOverdueDays: days,
    };
  });
}

/** The organisation's workers who can hold a caseload, for the team view's filter. */
async function organisationWorkers(tx: Transaction, ctx: StaffContext): Promise<{ id: string; name: string }[]> {
  const { rows } = await tx.query<{ id: string; name: string }>(
    `SELECT id, name FROM staff_users
      WHERE tenant_id = $1 AND organisation_id = $2 AND role IN ('navigator', 'provider') AND disabled_at IS NULL
      ORDER BY lower(name), id`,
    [ctx.actor.tenantId, ctx.actor.organisationId],
  );
  return rows;
}

/** The risk filter's choices. */
export const RISK_FILTERS: { value: CaseloadQuery['risk']; text: string }[] = [
  { value: '', text: 'Anyone' },
  { value: 'any', text: 'Any risk flag' },
  ...RISK_FLAGS.map((flag) => ({ value: flag, text: RISK_FLAG_NAMES[flag] })),
];
