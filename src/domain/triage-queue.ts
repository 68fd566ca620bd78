// The order of the triage queue, and the bookmark that pages through it. Pure: no I/O.
//
// The queue is read in one fixed order: crisis first, then urgent, then routine; within each, the
// earliest deadline first; and the referral's id last, so two referrals due at the same moment
// always come in the same order and a page never shows one twice or skips one. Pages are read
// from a bookmark (the last row seen) rather than by counting rows from the top, so the tenth
// page costs what the first does, and a referral that leaves the queue while someone reads it
// does not shift the rest under them.

import type { Urgency } from './working-days.ts';

/** Where each urgency comes in the queue (the `urgency_rank` column computes the same). */
export const URGENCY_RANK: Readonly<Record<Urgency, 0 | 1 | 2>> = { crisis: 0, urgent: 1, routine: 2 };

export interface QueuePosition {
  urgency: Urgency;
  /** the first-response deadline, as an ISO 8601 instant with microseconds ('...T10:00:00.123456Z') */
  due: string;
  id: string;
}

/** Negative when `a` comes before `b` in the queue, positive after, 0 for the same referral. */
export function compareQueuePositions(a: QueuePosition, b: QueuePosition): number {
  return (
    URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
    compareText(a.due, b.due) ||
    compareText(a.id.toLowerCase(), b.id.toLowerCase())
  );
}

// Instants in the same fixed-width ISO form, and lower-case uuids, sort as text in time and byte
// order, which is how PostgreSQL orders timestamps and uuids.
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A bookmark in the queue: the position of the last (or first) row of a page. */
export interface QueueCursor {
  rank: 0 | 1 | 2;
  /** ISO 8601 instant in UTC with exactly six decimal places, as PostgreSQL keeps it */
  due: string;
  id: string;
}

const DUE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CURSOR = /^([012])_([0-9T:.Z-]{27})_([0-9a-f-]{36})$/;

/** True for an instant written 'YYYY-MM-DDTHH:MM:SS.ffffffZ' that exists on the calendar. */
export function isMicrosecondInstant(text: string): boolean {
  const m = DUE.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
}

/** The bookmark as it goes in a link: '1_2026-03-02T10:00:00.000000Z_<uuid>'. */
export function formatQueueCursor(cursor: QueueCursor): string {
  return `${cursor.rank}_${cursor.due}_${cursor.id.toLowerCase()}`;
}

/** A bookmark from a link, or null when it is not one (typed by hand, cut short, from elsewhere). */
export function parseQueueCursor(text: unknown): QueueCursor | null {
  if (typeof text !== 'string' || text.length > 80) return null;
  const m = CURSOR.exec(text);
  if (!m) return null;
  const [, rank, due, id] = m as unknown as [string, string, string, string];
  if (!isMicrosecondInstant(due) || !UUID.test(id)) return null;
  return { rank: Number(rank) as 0 | 1 | 2, due, id };
}
