// Waiting lists and contact attempts in SQL. Every query is scoped by tenant; who may see which
// rows is decided in service.ts and passed in as conditions.
import type { Queryable } from '../../../db/database.ts';
import type { AttemptChannel, AttemptOutcome, ContactAttempt } from '../../../domain/contact-attempts.ts';
import type { Urgency } from '../../../domain/working-days.ts';

export const WAITING_SORTS = ['waiting', 'contact', 'deadline'] as const;
export type WaitingSort = (typeof WAITING_SORTS)[number];

/**
 * How each sort orders the list, as parts that each an index can read in order: a part's rows
 * come before the next part's. Sorting by deadline puts those nobody has reached yet first,
 * nearest deadline first, then everyone else, longest waiting first.
 */
const ORDER: Record<WaitingSort, { where: string; key: string }[]> = {
  // Longest waiting first, from the day they first asked for help.
  waiting: [{ where: 'TRUE', key: 'r.original_received_at' }],
  // Longest since anyone tried to contact them.
  contact: [{ where: 'TRUE', key: 'coalesce(r.last_contact_at, r.original_received_at)' }],
  deadline: [
    { where: 'r.first_reached_at IS NULL', key: 'r.due_at' },
    { where: 'r.first_reached_at IS NOT NULL', key: 'r.original_received_at' },
  ],
};

export interface WaitingQuery {
  tenantId: string;
  /** only this organisation's list (a navigator's or provider's own, or a filter) */
  organisationId: string | null;
  areaId: string | null;
  /** a worker's id, 'none' for nobody allocated, or null for anyone */
  worker: string | null;
  /** nobody has tried to contact them since this instant */
  contactDueBefore: Date;
  sort: WaitingSort;
  limit: number;
  offset: number;
}

export interface WaitingRowData {
  id: string;
  reference: string;
  personId: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  urgency: Urgency;
  crisisFlag: boolean;
  originalReceivedAt: Date;
  dueAt: Date;
  firstReachedAt: Date | null;
  lastContactAt: Date | null;
  contactAttempts: number;
  responsibleUserId: string | null;
  responsibleUserName: string | null;
  routedOrganisationName: string | null;
  areaName: string | null;
}

function conditions(q: WaitingQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [q.tenantId];
  const parts = [`r.tenant_id = $1`, `r.state = 'waiting'`];
  if (q.organisationId) {
    params.push(q.organisationId);
    parts.push(`r.routed_organisation_id = $${params.length}`);
  }
  if (q.areaId) {
    params.push(q.areaId);
    parts.push(`r.area_id = $${params.length}`);
  }
  if (q.worker === 'none') parts.push('r.responsible_user_id IS NULL');
  else if (q.worker) {
    params.push(q.worker);
    parts.push(`r.responsible_user_id = $${params.length}`);
  }
  return { where: parts.join(' AND '), params };
}

/** Counts that stop at `cap` + 1: "more than 1,000" is all anyone needs, and they stay fast at any size. */
async function cappedCounts(tx: Queryable, wheres: string[], params: unknown[], cap: number): Promise<number[]> {
  const counts = wheres.map((where, i) => `(SELECT count(*) FROM (SELECT 1 FROM referrals r WHERE ${where} LIMIT ${cap + 1}) AS capped) AS n${i}`);
  const { rows } = await tx.query<Record<string, number>>(`SELECT ${counts.join(', ')}`, params);
  return wheres.map((_, i) => Number(rows[0]?.[`n${i}`] ?? 0));
}

/** One page of a waiting list, with capped counts of everyone on it and of those due a contact. */
export async function queryWaitingList(tx: Queryable, q: WaitingQuery, cap: number): Promise<{ rows: WaitingRowData[]; total: number; contactDue: number }> {
  const { where, params } = conditions(q);
  const dueParams = [...params, q.contactDueBefore.toISOString()];
  const [total = 0, contactDue = 0] = await cappedCounts(tx, [where, `${where} AND coalesce(r.last_contact_at, r.original_received_at) <= $${dueParams.length}`], dueParams, cap);
  // Each part takes only the rows the page could need (offset + limit), read in index order;
  // the page is then cut from the parts in turn.
  const parts = ORDER[q.sort].map((part, i) =>
    `(SELECT r.id, ${i} AS part, ${part.key} AS sort_key FROM referrals r WHERE ${where} AND ${part.where}
       ORDER BY ${part.key}, r.id LIMIT ${q.offset + q.limit})`);
  const { rows } = await tx.query<{
    id: string; reference: string; person_id: string | null; given_name: string; family_name: string; date_of_birth: string | null;
    urgency: Urgency; crisis_flag: boolean; original_received_at: Date; due_at: Date; first_reached_at: Date | null;
    last_contact_at: Date | null; contact_attempts: number; responsible_user_id: string | null; responsible_user_name: string | null;
    routed_organisation_name: string | null; area_name: string | null;
  }>(
    `WITH page AS (
       SELECT id, part, sort_key FROM (${parts.join(' UNION ALL ')}) AS parts
        ORDER BY part, sort_key, id LIMIT ${q.limit} OFFSET ${q.offset})
     SELECT r.id, r.reference, r.person_id, r.given_name, r.family_name, r.date_of_birth, r.urgency, r.crisis_flag,
            r.original_received_at, r.due_at, r.first_reached_at, r.last_contact_at, r.contact_attempts,
            r.responsible_user_id, u.name AS responsible_user_name, o.name AS routed_organisation_name, a.name AS area_name
       FROM page JOIN referrals r ON r.tenant_id = $1 AND r.id = page.id
       LEFT JOIN staff_users u ON u.tenant_id = r.tenant_id AND u.id = r.responsible_user_id
       LEFT JOIN organisations o ON o.tenant_id = r.tenant_id AND o.id = r.routed_organisation_id
       LEFT JOIN areas a ON a.tenant_id = r.tenant_id AND a.id = r.area_id
      ORDER BY page.part, page.sort_key, page.id`,
    params,
  );
  return {
    total,
    contactDue,
    rows: rows.map((r) => ({
      id: r.id, reference: r.reference, personId: r.person_id, givenName: r.given_name, familyName: r.family_name,
      dateOfBirth: r.date_of_birth, urgency: r.urgency, crisisFlag: r.crisis_flag, originalReceivedAt: r.original_received_at,
      dueAt: r.due_at, firstReachedAt: r.first_reached_at, lastContactAt: r.last_contact_at, contactAttempts: r.contact_attempts,
      responsibleUserId: r.responsible_user_id, responsibleUserName: r.responsible_user_name,
      routedOrganisationName: r.routed_organisation_name, areaName: r.area_name,
    })),
  };
}

export interface Option {
  id: string;
  name: string;
}

/** Organisations a referral can be routed to (strategic partners and delivery network providers). */
export async function routableOrganisations(tx: Queryable, tenantId: string): Promise<Option[]> {
  const { rows } = await tx.query<Option>(
    `SELECT id, name FROM organisations WHERE tenant_id = $1 AND kind IN ('strategic_partner', 'delivery_provider') ORDER BY name, id`,
    [tenantId],
  );
  return rows;
}

export async function tenantAreas(tx: Queryable, tenantId: string): Promise<Option[]> {
  const { rows } = await tx.query<Option>('SELECT id, name FROM areas WHERE tenant_id = $1 ORDER BY name, id', [tenantId]);
  return rows;
}

/** Workers responsible for someone on the waiting list (of one organisation, or all). */
export async function waitingWorkers(tx: Queryable, tenantId: string, organisationId: string | null): Promise<Option[]> {
  const { rows } = await tx.query<Option>(
    `SELECT u.id, u.name FROM staff_users u
      WHERE u.tenant_id = $1 AND EXISTS (
              SELECT 1 FROM referrals r
               WHERE r.tenant_id = u.tenant_id AND r.responsible_user_id = u.id AND r.state = 'waiting'
                 AND ($2::uuid IS NULL OR r.routed_organisation_id = $2))
      ORDER BY u.name, u.id`,
    [tenantId, organisationId],
  );
  return rows;
}

export interface Worker {
  id: string;
  name: string;
  organisationId: string;
  organisationName: string;
}

/**
 * Who can hold someone's support: navigators and provider staff of the organisation (or, for a
 * referral not yet routed anywhere, of every organisation that gives support), not disabled.
 */
export async function supportWorkers(tx: Queryable, tenantId: string, organisationId: string | null): Promise<Worker[]> {
  const { rows } = await tx.query<{ id: string; name: string; organisation_id: string; organisation_name: string }>(
    `SELECT u.id, u.name, u.organisation_id, o.name AS organisation_name
       FROM staff_users u JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id
      WHERE u.tenant_id = $1 AND u.role IN ('navigator', 'provider') AND u.disabled_at IS NULL
        AND o.kind IN ('strategic_partner', 'delivery_provider')
        AND ($2::uuid IS NULL OR u.organisation_id = $2)
      ORDER BY o.name, u.name, u.id`,
    [tenantId, organisationId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, organisationId: r.organisation_id, organisationName: r.organisation_name }));
}

export interface RecordedAttempt {
  id: string;
  at: Date;
  channel: AttemptChannel;
  outcome: AttemptOutcome;
  reached: boolean;
  note: string;
  byName: string | null;
}

export async function readAttempts(tx: Queryable, tenantId: string, referralId: string): Promise<RecordedAttempt[]> {
  const { rows } = await tx.query<{ id: string; at: Date; channel: AttemptChannel; outcome: AttemptOutcome; reached: boolean; note: string; by_name: string | null }>(
    `SELECT c.id, c.at, c.channel, c.outcome, c.reached, c.note, u.name AS by_name
       FROM referral_contact_attempts c LEFT JOIN staff_users u ON u.tenant_id = c.tenant_id AND u.id = c.by_user_id
      WHERE c.tenant_id = $1 AND c.referral_id = $2
      ORDER BY c.at DESC, c.created_at DESC`,
    [tenantId, referralId],
  );
  return rows.map((r) => ({ id: r.id, at: r.at, channel: r.channel, outcome: r.outcome, reached: r.reached, note: r.note, byName: r.by_name }));
}

/** The attempt a form with this key already recorded, if any (a double-submitted form). */
export async function attemptByFormKey(tx: Queryable, tenantId: string, formKey: string): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>('SELECT id FROM referral_contact_attempts WHERE tenant_id = $1 AND form_key = $2', [tenantId, formKey]);
  return rows[0]?.id ?? null;
}

/** Records an attempt; null when a form with the same key got there first. */
export async function insertAttempt(
  tx: Queryable,
  a: { tenantId: string; referralId: string; byUserId: string; formKey: string | null; attempt: ContactAttempt },
): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO referral_contact_attempts (tenant_id, referral_id, at, by_user_id, channel, outcome, reached, note, form_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (tenant_id, form_key) WHERE form_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [a.tenantId, a.referralId, a.attempt.at.toISOString(), a.byUserId, a.attempt.channel, a.attempt.outcome, a.attempt.reached, a.attempt.note, a.formKey],
  );
  return rows[0]?.id ?? null;
}

/** The sign-up a form with this key already made on the referral, if any (a double-submitted form). */
export async function signUpByFormKey(tx: Queryable, tenantId: string, referralId: string, formKey: string): Promise<boolean> {
  const { rows } = await tx.query(
    `SELECT 1 FROM referral_events WHERE tenant_id = $1 AND referral_id = $2 AND kind = 'sign_up' AND detail->>'formKey' = $3`,
    [tenantId, referralId, formKey],
  );
  return rows.length > 0;
}

/** The no-contact reminder's events, one per referral, in one statement (a sweep may remind thousands). */
export async function insertReminderEvents(
  tx: Queryable,
  tenantId: string,
  at: Date,
  events: { referralId: string; note: string; detail: Record<string, unknown> }[],
): Promise<void> {
  await tx.query(
    `INSERT INTO referral_events (tenant_id, referral_id, actor_user_id, kind, note, detail, at)
     SELECT $1, e.referral_id, NULL, 'reminder', e.note, e.detail, $5
       FROM unnest($2::uuid[], $3::text[], $4::jsonb[]) AS e (referral_id, note, detail)`,
    [tenantId, events.map((e) => e.referralId), events.map((e) => e.note), events.map((e) => JSON.stringify(e.detail)), at.toISOString()],
  );
}
