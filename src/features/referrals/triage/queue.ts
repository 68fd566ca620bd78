// The triage queue: the tenant's referrals waiting for triage, crisis first, then urgent, then
// routine, each by its first-response deadline (src/domain/triage-queue.ts), read a page at a
// time from a bookmark along the referrals_triage_queue index. It stays as fast with 100,000
// referrals waiting as with ten: no query reads more of the queue than one page, and the counts
// at the top stop counting at COUNT_CAP.
//
// A queue shows names, so the listing is one audited search: which referrals (and people) the
// triage worker was shown.
import { audit } from '../../../platform/audit.ts';
import { requireRole } from '../../../platform/access.ts';
import type { StaffContext } from '../../../platform/context.ts';
import { forbidden } from '../../../platform/errors.ts';
import { ageOn } from '../../../domain/eligibility.ts';
import { isCalendarDate, addDays } from '../../../domain/calendar-date.ts';
import { formatQueueCursor, parseQueueCursor, URGENCY_RANK, type QueueCursor } from '../../../domain/triage-queue.ts';
import { londonDate, startOfLondonDay, type Urgency } from '../../../domain/working-days.ts';
import type { MatchStatus, ReferralChannel, ReferralSource } from '../model.ts';

export const QUEUE_PAGE_SIZE = 25;
/**
 * Counting stops here: "more than 1,000" is all a person needs (a single point of access with that
 * many waiting for triage needs help, not a number), and each count then reads at most 1,001 index
 * entries however long the queue grows.
 */
export const COUNT_CAP = 1_000;

const URGENCIES: readonly Urgency[] = ['crisis', 'urgent', 'routine'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface QueueFilters {
  urgency: Urgency | null;
  areaId: string | null;
  overdueOnly: boolean;
  needsMatch: boolean;
}

export interface QueueRequest extends QueueFilters {
  /** the page after this bookmark, or */
  after: QueueCursor | null;
  /** the page before this one */
  before: QueueCursor | null;
}

/** Reads the queue's query string; anything unusable is ignored (the whole queue is shown), never an error. */
export function readQueueRequest(query: Record<string, string>): QueueRequest {
  const urgency = (URGENCIES as readonly string[]).includes(query.urgency ?? '') ? (query.urgency as Urgency) : null;
  const after = parseQueueCursor(query.after);
  return {
    urgency,
    areaId: UUID.test(query.area ?? '') ? query.area!.toLowerCase() : null,
    overdueOnly: query.overdue === 'yes',
    needsMatch: query.match === 'yes',
    after,
    before: after ? null : parseQueueCursor(query.before),
  };
}

/** The filters as a query string (without the bookmark), for links that keep them. */
export function filterQuery(filters: QueueFilters): string {
  const params = new URLSearchParams();
  if (filters.urgency) params.set('urgency', filters.urgency);
  if (filters.areaId) params.set('area', filters.areaId);
  if (filters.overdueOnly) params.set('overdue', 'yes');
  if (filters.needsMatch) params.set('match', 'yes');
  return params.toString();
}

export interface QueueRow {
  id: string;
  reference: string;
  personId: string | null;
  givenName: string;
  familyName: string;
  /** the person is not yet known for sure: a triage worker must check who this is */
  needsMatchCheck: boolean;
  matchStatus: MatchStatus;
  age: number | null;
  district: string | null;
  areaName: string | null;
  source: ReferralSource;
  channel: ReferralChannel;
  originalReceivedAt: Date;
  dueAt: Date;
  urgency: Urgency;
  crisisFlag: boolean;
  eligible: boolean;
  fastTrack: boolean;
}

/** A count that stopped at COUNT_CAP: `more` when there were more than that. */
export interface CappedCount {
  n: number;
  more: boolean;
}

export interface QueueCounts {
  crisis: CappedCount;
  overdue: CappedCount;
  dueToday: CappedCount;
  all: CappedCount;
}

export interface QueuePage {
  rows: QueueRow[];
  counts: QueueCounts;
  /** how many match the filters, when any filter is on */
  matching: CappedCount | null;
  filters: QueueFilters;
  areas: { id: string; name: string }[];
  /** bookmarks for the next and previous pages, when there are such pages */
  next: string | null;
  previous: string | null;
  /** this is the first page (nothing comes before it) */
  first: boolean;
}

type Row = {
  id: string; reference: string; person_id: string | null; given_name: string; family_name: string; match_status: MatchStatus;
  date_of_birth: string | null; district: string | null; area_name: string | null; source: ReferralSource; channel: ReferralChannel;
  original_received_at: Date; due_at: Date; due_text: string; urgency: Urgency; urgency_rank: number; crisis_flag: boolean;
  eligible: boolean | null; fast_track: boolean;
};

/** The filters as SQL conditions on alias r, each starting ' AND ', with their parameters appended to `params`. */
function filterConditions(filters: QueueFilters, now: Date, params: unknown[]): string {
  const where: string[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filters.urgency) where.push(`r.urgency_rank = ${p(URGENCY_RANK[filters.urgency])}`);
  if (filters.areaId) where.push(`r.area_id = ${p(filters.areaId)}::uuid`);
  if (filters.overdueOnly) where.push(`r.due_at < ${p(now.toISOString())}::timestamptz`);
  if (filters.needsMatch) where.push(`r.match_status = 'needs_review'`);
  return where.map((w) => ` AND ${w}`).join('');
}

const capped = (n: unknown): CappedCount => ({ n: Math.min(Number(n ?? 0), COUNT_CAP), more: Number(n ?? 0) > COUNT_CAP });

/**
 * One page of the tenant's triage queue for a triage worker or administrator. The listing is
 * audited as one search, naming the referrals (and people) shown.
 */
export async function triageQueue(ctx: StaffContext, request: QueueRequest, now = new Date()): Promise<QueuePage> {
  if (ctx.actor.role === 'navigator' || ctx.actor.role === 'provider') {
    throw forbidden('The triage queue is for the single point of access. The referrals routed to your organisation are on your waiting list.');
  }
  requireRole(ctx.actor, ['triage', 'admin']);
  const tenantId = ctx.actor.tenantId;
  const filters: QueueFilters = { urgency: request.urgency, areaId: request.areaId, overdueOnly: request.overdueOnly, needsMatch: request.needsMatch };
  const filtered = Boolean(filters.urgency || filters.areaId || filters.overdueOnly || filters.needsMatch);

  const params: unknown[] = [tenantId];
  const where = `r.tenant_id = $1 AND r.state = 'received'${filterConditions(filters, now, params)}`;
  const bookmark = request.after ?? request.before;
  const backwards = request.before !== null && request.after === null;
  let keyset = '';
  if (bookmark) {
    params.push(bookmark.rank, bookmark.due, bookmark.id);
    const n = params.length;
    keyset = ` AND (r.urgency_rank, r.due_at, r.id) ${backwards ? '<' : '>'} ($${n - 2}::smallint, $${n - 1}::timestamptz, $${n}::uuid)`;
  }
  const direction = backwards ? 'DESC' : 'ASC';

  const endOfToday = startOfLondonDay(addDays(londonDate(now), 1));
  return ctx.db.transaction(async (tx) => {
    // One page and one more row, to know whether there is a next (or previous) page.
    const { rows } = await tx.query<Row>(
      `SELECT r.id, r.reference, r.person_id, r.given_name, r.family_name, r.match_status, r.date_of_birth, r.district,
              a.name AS area_name, r.source, r.channel, r.original_received_at, r.due_at,
              to_char(r.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due_text,
              r.urgency, r.urgency_rank, r.crisis_flag, (r.eligibility->>'eligible')::boolean AS eligible, r.fast_track
         FROM referrals r
         LEFT JOIN areas a ON a.tenant_id = r.tenant_id AND a.id = r.area_id
        WHERE ${where}${keyset}
        ORDER BY r.urgency_rank ${direction}, r.due_at ${direction}, r.id ${direction}
        LIMIT ${QUEUE_PAGE_SIZE + 1}`,
      params,
    );
    const more = rows.length > QUEUE_PAGE_SIZE;
    const page = rows.slice(0, QUEUE_PAGE_SIZE);
    if (backwards) page.reverse();

    // The counts at the top, how many match the filters, and the areas to filter by: one round trip.
    const countParams: unknown[] = [tenantId, now.toISOString(), endOfToday.toISOString()];
    const count = (conditions: string) =>
      `(SELECT count(*) FROM (SELECT 1 FROM referrals r WHERE r.tenant_id = $1 AND r.state = 'received'${conditions} LIMIT ${COUNT_CAP + 1}) AS c)`;
    const matchConditions = filtered ? filterConditions(filters, now, countParams) : '';
    const summary = await tx.query<{ crisis: number; overdue: number; due_today: number; all: number; matching: number | null; areas: { id: string; name: string }[] | string }>(
      `SELECT ${count(' AND r.urgency_rank = 0')} AS crisis,
              ${count(' AND r.due_at < $2::timestamptz')} AS overdue,
              ${count(' AND r.due_at >= $2::timestamptz AND r.due_at <= $3::timestamptz')} AS due_today,
              ${count('')} AS all,
              ${filtered ? count(matchConditions) : 'NULL'} AS matching,
              coalesce((SELECT json_agg(json_build_object('id', id, 'name', name) ORDER BY name) FROM areas WHERE tenant_id = $1), '[]') AS areas`,
      countParams,
    );
    const c = summary.rows[0]!;
    const matching: CappedCount | null = filtered ? capped(c.matching) : null;
    // Both drivers hand json back parsed; PGlite may give a json string for an empty set.
    const areas = typeof c.areas === 'string' ? (JSON.parse(c.areas) as { id: string; name: string }[]) : c.areas;

    const today = londonDate(now);
    const queueRows = page.map((r): QueueRow => ({
      id: r.id, reference: r.reference, personId: r.person_id, givenName: r.given_name, familyName: r.family_name,
      needsMatchCheck: r.match_status === 'needs_review', matchStatus: r.match_status, age: ageOrNull(r.date_of_birth, today),
      district: r.district, areaName: r.area_name, source: r.source, channel: r.channel, originalReceivedAt: r.original_received_at,
      dueAt: r.due_at, urgency: r.urgency, crisisFlag: r.crisis_flag, eligible: r.eligible !== false, fastTrack: r.fast_track,
    }));

    await audit(tx, ctx, {
      action: 'referral.list', recordType: 'referral', outcome: 'success', basis: ctx.actor.role === 'admin' ? 'tenant administrator' : 'single point of access',
      detail: {
        view: 'triage queue', filters: { ...filters }, after: request.after ? formatQueueCursor(request.after) : null,
        referralIds: queueRows.map((r) => r.id), personIds: queueRows.flatMap((r) => (r.personId ? [r.personId] : [])),
      },
    });

    const cursorOf = (r: Row): string => formatQueueCursor({ rank: r.urgency_rank as 0 | 1 | 2, due: r.due_text, id: r.id });
    const firstRow = page[0];
    const lastRow = page.at(-1);
    // Going forwards, there is a previous page whenever we started from a bookmark; going
    // backwards, there is one when the extra row was found.
    const hasPrevious = backwards ? more : request.after !== null;
    const hasNext = backwards ? true : more;
    return {
      rows: queueRows,
      counts: { crisis: capped(c.crisis), overdue: capped(c.overdue), dueToday: capped(c.due_today), all: capped(c.all) },
      matching,
      filters,
      areas,
      next: hasNext && lastRow ? cursorOf(lastRow) : null,
      previous: hasPrevious && firstRow ? cursorOf(firstRow) : null,
      first: !hasPrevious,
    };
  });
}

function ageOrNull(dateOfBirth: string | null, today: string): number | null {
  if (!dateOfBirth || !isCalendarDate(dateOfBirth) || dateOfBirth > today) return null;
  return ageOn(dateOfBirth, today);
}
