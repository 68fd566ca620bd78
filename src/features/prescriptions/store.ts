// Social prescriptions in SQL: whole prescriptions with the names they point at, the columns a
// change may set, their history and attendances, and the lists (a provider's inbox, an episode's
// prescriptions, a period's answers). Every query is scoped by tenant; access is decided in
// service.ts before anything here is returned to a person.
import type { Queryable } from '../../db/database.ts';
import type { PrescriptionState } from '../../domain/prescription-states.ts';
import type { Attendance, Prescription, PrescriptionEvent } from './model.ts';
import { assignments } from '../../db/assignments.ts';

const COLUMNS = `
  p.id, p.tenant_id, p.episode_id, p.person_id, p.prescriber_organisation_id, po.name AS prescriber_organisation_name,
  p.prescribed_by, u.name AS prescribed_by_name, u.email AS prescribed_by_email, p.service_id, p.service_name,
  p.provider_organisation_id, pr.name AS provider_organisation_name, p.note, p.state, p.sent_at, p.answered_at,
  p.decline_reason, p.started_on, p.ended_on, p.drop_out_reason, p.withdraw_reason, p.outcome_note, p.closed_at,
  p.chase_count, p.next_chase_at, p.unanswered_reported_at, p.created_at, p.updated_at, p.version`;

const FROM = `
  prescriptions p
  JOIN organisations po ON po.tenant_id = p.tenant_id AND po.id = p.prescriber_organisation_id
  JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.id = p.prescribed_by
  LEFT JOIN organisations pr ON pr.tenant_id = p.tenant_id AND pr.id = p.provider_organisation_id`;

type Row = {
  id: string; tenant_id: string; episode_id: string; person_id: string; prescriber_organisation_id: string;
  prescriber_organisation_name: string; prescribed_by: string; prescribed_by_name: string; prescribed_by_email: string;
  service_id: string | null; service_name: string; provider_organisation_id: string | null; provider_organisation_name: string | null;
  note: string; state: PrescriptionState; sent_at: Date; answered_at: Date | null; decline_reason: Prescription['declineReason'];
  started_on: string | null; ended_on: string | null; drop_out_reason: Prescription['dropOutReason'];
  withdraw_reason: Prescription['withdrawReason']; outcome_note: string | null; closed_at: Date | null; chase_count: number;
  next_chase_at: Date | null; unanswered_reported_at: Date | null; created_at: Date; updated_at: Date; version: number;
};

const toPrescription = (r: Row): Prescription => ({
  id: r.id, tenantId: r.tenant_id, episodeId: r.episode_id, personId: r.person_id,
  prescriberOrganisationId: r.prescriber_organisation_id, prescriberOrganisationName: r.prescriber_organisation_name,
  prescribedBy: r.prescribed_by, prescribedByName: r.prescribed_by_name, prescribedByEmail: r.prescribed_by_email,
  serviceId: r.service_id, serviceName: r.service_name, providerOrganisationId: r.provider_organisation_id,
  providerOrganisationName: r.provider_organisation_name, note: r.note, state: r.state, sentAt: r.sent_at,
  answeredAt: r.answered_at, declineReason: r.decline_reason, startedOn: r.started_on, endedOn: r.ended_on,
  dropOutReason: r.drop_out_reason, withdrawReason: r.withdraw_reason, outcomeNote: r.outcome_note, closedAt: r.closed_at,
  chaseCount: Number(r.chase_count), nextChaseAt: r.next_chase_at, unansweredReportedAt: r.unanswered_reported_at,
  createdAt: r.created_at, updatedAt: r.updated_at, version: r.version,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One prescription by id in the tenant, or null; `lock` holds it for the rest of the transaction.
 * With `receivedBy`, only one sent to that organisation is found: provider staff read through
 * this, so a prescription sent elsewhere is never even loaded for them.
 */
export async function readPrescription(tx: Queryable, tenantId: string, id: string, lock = false, receivedBy?: string): Promise<Prescription | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await tx.query<Row>(
    `SELECT ${COLUMNS} FROM ${FROM}
      WHERE p.tenant_id = $1 AND p.id = $2 AND ($3::uuid IS NULL OR p.provider_organisation_id = $3)${lock ? ' FOR UPDATE OF p' : ''}`,
    [tenantId, id, receivedBy ?? null],
  );
  return rows[0] ? toPrescription(rows[0]) : null;
}

export async function prescriptionIdByKey(tx: Queryable, tenantId: string, idempotencyKey: string): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>('SELECT id FROM prescriptions WHERE tenant_id = $1 AND idempotency_key = $2', [tenantId, idempotencyKey]);
  return rows[0]?.id ?? null;
}

/** The open prescription for this episode and target (a listing or a provider), if there is one. */
export async function openPrescriptionFor(tx: Queryable, tenantId: string, episodeId: string, targetKey: string): Promise<{ id: string; sentAt: Date } | null> {
  const { rows } = await tx.query<{ id: string; sent_at: Date }>(
    `SELECT id, sent_at FROM prescriptions
      WHERE tenant_id = $1 AND episode_id = $2 AND target_key = $3 AND state IN ('sent', 'accepted', 'started')`,
    [tenantId, episodeId, targetKey],
  );
  return rows[0] ? { id: rows[0].id, sentAt: rows[0].sent_at } : null;
}

export interface NewPrescription {
  tenantId: string;
  episodeId: string;
  personId: string;
  prescriberOrganisationId: string;
  prescribedBy: string;
  serviceId: string | null;
  serviceName: string;
  providerOrganisationId: string | null;
  targetKey: string;
  note: string;
  sentAt: Date;
  nextChaseAt: Date | null;
  idempotencyKey: string | null;
}

/**
 * Inserts a prescription; returns its id, or null when another open prescription for the same
 * target, or one made by the same form, got there first (the caller finds out which).
 */
export async function insertPrescription(tx: Queryable, p: NewPrescription): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO prescriptions (tenant_id, episode_id, person_id, prescriber_organisation_id, prescribed_by, service_id, service_name,
                                provider_organisation_id, target_key, note, sent_at, next_chase_at, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT DO NOTHING
     RETURNING id`,
    [p.tenantId, p.episodeId, p.personId, p.prescriberOrganisationId, p.prescribedBy, p.serviceId, p.serviceName,
      p.providerOrganisationId, p.targetKey, p.note, p.sentAt, p.nextChaseAt, p.idempotencyKey],
  );
  return rows[0]?.id ?? null;
}

/** The columns a change may set, by name: the only way values reach the UPDATE. */
const SETTABLE = {
  answeredAt: 'answered_at',
  declineReason: 'decline_reason',
  startedOn: 'started_on',
  endedOn: 'ended_on',
  dropOutReason: 'drop_out_reason',
  withdrawReason: 'withdraw_reason',
  outcomeNote: 'outcome_note',
  closedAt: 'closed_at',
  chaseCount: 'chase_count',
  nextChaseAt: 'next_chase_at',
  unansweredReportedAt: 'unanswered_reported_at',
} as const;
export type PrescriptionChanges = Partial<Record<keyof typeof SETTABLE, unknown>>;

/**
 * Writes changes (and the new state, if any) and moves the version on; returns the new version.
 * Lantern's own bookkeeping (counting reminders) passes `keepVersion`, so a reminder sent while
 * someone has a form open does not make their save stale.
 */
export async function writePrescription(
  tx: Queryable,
  tenantId: string,
  id: string,
  changes: PrescriptionChanges,
  state?: PrescriptionState,
  options: { keepVersion?: boolean } = {},
): Promise<number> {
  const params: unknown[] = [tenantId, id];
  const sets = assignments(SETTABLE, changes, params, state);
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE prescriptions SET ${[...sets, ...(options.keepVersion ? [] : ['version = version + 1', 'updated_at = now()'])].join(', ')}
      WHERE tenant_id = $1 AND id = $2 RETURNING version`,
    params,
  );
  return rows[0]!.version;
}

export interface NewEvent {
  actorUserId: string | null;
  kind: string;
  fromState?: PrescriptionState | null;
  toState?: PrescriptionState | null;
  note?: string | null;
  detail?: Record<string, unknown> | null;
  formKey?: string | null;
  at?: Date;
}

export async function insertEvent(tx: Queryable, tenantId: string, prescriptionId: string, e: NewEvent): Promise<void> {
  await tx.query(
    `INSERT INTO prescription_events (tenant_id, prescription_id, actor_user_id, kind, from_state, to_state, note, detail, form_key, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, coalesce($10::timestamptz, now()))`,
    [tenantId, prescriptionId, e.actorUserId, e.kind, e.fromState ?? null, e.toState ?? null, e.note ?? null,
      e.detail ? JSON.stringify(e.detail) : null, e.formKey ?? null, e.at ?? null],
  );
}

/** True when a change from this form was already made (a second click, a resent form). */
export async function formAlreadyUsed(tx: Queryable, tenantId: string, prescriptionId: string, formKey: string): Promise<boolean> {
  const { rows } = await tx.query('SELECT 1 FROM prescription_events WHERE tenant_id = $1 AND prescription_id = $2 AND form_key = $3', [tenantId, prescriptionId, formKey]);
  return rows.length > 0;
}

export async function readEvents(tx: Queryable, tenantId: string, prescriptionId: string): Promise<PrescriptionEvent[]> {
  const { rows } = await tx.query<{
    id: number; at: Date; actor_user_id: string | null; actor_name: string | null; actor_organisation_name: string | null; kind: string;
    from_state: PrescriptionState | null; to_state: PrescriptionState | null; note: string | null; detail: Record<string, unknown> | null;
  }>(
    `SELECT e.id, e.at, e.actor_user_id, u.name AS actor_name, o.name AS actor_organisation_name, e.kind, e.from_state, e.to_state, e.note, e.detail
       FROM prescription_events e
       LEFT JOIN staff_users u ON u.tenant_id = e.tenant_id AND u.id = e.actor_user_id
       LEFT JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id
      WHERE e.tenant_id = $1 AND e.prescription_id = $2 ORDER BY e.id`,
    [tenantId, prescriptionId],
  );
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, actorUserId: r.actor_user_id, actorName: r.actor_name, actorOrganisationName: r.actor_organisation_name,
    kind: r.kind, fromState: r.from_state, toState: r.to_state, note: r.note, detail: r.detail,
  }));
}

/** Adds an attendance; false when one is already recorded for that date. */
export async function insertAttendance(
  tx: Queryable,
  tenantId: string,
  prescriptionId: string,
  a: { sessionOn: string; attended: boolean; note: string; recordedBy: string },
): Promise<boolean> {
  const { rows } = await tx.query(
    `INSERT INTO prescription_attendances (tenant_id, prescription_id, session_on, attended, note, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant_id, prescription_id, session_on) DO NOTHING RETURNING id`,
    [tenantId, prescriptionId, a.sessionOn, a.attended, a.note, a.recordedBy],
  );
  return rows.length > 0;
}

export async function readAttendances(tx: Queryable, tenantId: string, prescriptionId: string): Promise<Attendance[]> {
  const { rows } = await tx.query<{ id: string; session_on: string; attended: boolean; note: string; recorded_by_name: string | null; recorded_at: Date }>(
    `SELECT a.id, a.session_on, a.attended, a.note, u.name AS recorded_by_name, a.recorded_at
       FROM prescription_attendances a LEFT JOIN staff_users u ON u.tenant_id = a.tenant_id AND u.id = a.recorded_by
      WHERE a.tenant_id = $1 AND a.prescription_id = $2 ORDER BY a.session_on DESC`,
    [tenantId, prescriptionId],
  );
  return rows.map((r) => ({ id: r.id, sessionOn: r.session_on, attended: r.attended, note: r.note, recordedByName: r.recorded_by_name, recordedAt: r.recorded_at }));
}

// ---------------------------------------------------------------------------------------------
// Lists

export interface InboxRow {
  id: string;
  personId: string;
  serviceName: string;
  state: PrescriptionState;
  sentAt: Date;
  updatedAt: Date;
  prescriberOrganisationName: string;
}

export const INBOX_PAGE_SIZE = 50;

/** One organisation's prescriptions: unanswered first, then newest first. */
export async function inboxRows(tx: Queryable, tenantId: string, organisationId: string, page: number): Promise<{ rows: InboxRow[]; total: number; waiting: number }> {
  const counts = await tx.query<{ total: number; waiting: number }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE state = 'sent') AS waiting
       FROM prescriptions WHERE tenant_id = $1 AND provider_organisation_id = $2`,
    [tenantId, organisationId],
  );
  const { rows } = await tx.query<{ id: string; person_id: string; service_name: string; state: PrescriptionState; sent_at: Date; updated_at: Date; prescriber_organisation_name: string }>(
    `SELECT p.id, p.person_id, p.service_name, p.state, p.sent_at, p.updated_at, po.name AS prescriber_organisation_name
       FROM prescriptions p JOIN organisations po ON po.tenant_id = p.tenant_id AND po.id = p.prescriber_organisation_id
      WHERE p.tenant_id = $1 AND p.provider_organisation_id = $2
      ORDER BY (p.state <> 'sent'), p.sent_at DESC, p.id
      LIMIT ${INBOX_PAGE_SIZE} OFFSET $3`,
    [tenantId, organisationId, (page - 1) * INBOX_PAGE_SIZE],
  );
  return {
    rows: rows.map((r) => ({
      id: r.id, personId: r.person_id, serviceName: r.service_name, state: r.state, sentAt: r.sent_at, updatedAt: r.updated_at,
      prescriberOrganisationName: r.prescriber_organisation_name,
    })),
    total: Number(counts.rows[0]?.total ?? 0),
    waiting: Number(counts.rows[0]?.waiting ?? 0),
  };
}

export interface EpisodeRow {
  id: string;
  serviceName: string;
  providerOrganisationName: string | null;
  selfRecorded: boolean;
  state: PrescriptionState;
  sentAt: Date;
  updatedAt: Date;
  chaseCount: number;
  unansweredReportedAt: Date | null;
  attended: number;
  missed: number;
  lastEvent: { kind: string; at: Date; toState: PrescriptionState | null; actorName: string | null } | null;
}

/** An episode's prescriptions, newest first, each with its latest change and attendance counts. */
export async function episodeRows(tx: Queryable, tenantId: string, episodeId: string): Promise<EpisodeRow[]> {
  const { rows } = await tx.query<{
    id: string; service_name: string; provider_organisation_name: string | null; provider_organisation_id: string | null; state: PrescriptionState;
    sent_at: Date; updated_at: Date; chase_count: number; unanswered_reported_at: Date | null; attended: number; missed: number;
    last_kind: string | null; last_at: Date | null; last_to_state: PrescriptionState | null; last_actor_name: string | null;
  }>(
    `SELECT p.id, p.service_name, pr.name AS provider_organisation_name, p.provider_organisation_id, p.state, p.sent_at, p.updated_at,
            p.chase_count, p.unanswered_reported_at,
            (SELECT count(*) FROM prescription_attendances a WHERE a.tenant_id = p.tenant_id AND a.prescription_id = p.id AND a.attended) AS attended,
            (SELECT count(*) FROM prescription_attendances a WHERE a.tenant_id = p.tenant_id AND a.prescription_id = p.id AND NOT a.attended) AS missed,
            e.kind AS last_kind, e.at AS last_at, e.to_state AS last_to_state, u.name AS last_actor_name
       FROM prescriptions p
       LEFT JOIN organisations pr ON pr.tenant_id = p.tenant_id AND pr.id = p.provider_organisation_id
       LEFT JOIN LATERAL (
         SELECT kind, at, to_state, actor_user_id FROM prescription_events e
          WHERE e.tenant_id = p.tenant_id AND e.prescription_id = p.id ORDER BY e.id DESC LIMIT 1
       ) e ON true
       LEFT JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.id = e.actor_user_id
      WHERE p.tenant_id = $1 AND p.episode_id = $2
      ORDER BY p.sent_at DESC, p.id`,
    [tenantId, episodeId],
  );
  return rows.map((r) => ({
    id: r.id, serviceName: r.service_name, providerOrganisationName: r.provider_organisation_name, selfRecorded: r.provider_organisation_id === null,
    state: r.state, sentAt: r.sent_at, updatedAt: r.updated_at, chaseCount: Number(r.chase_count), unansweredReportedAt: r.unanswered_reported_at,
    attended: Number(r.attended), missed: Number(r.missed),
    lastEvent: r.last_kind && r.last_at ? { kind: r.last_kind, at: r.last_at, toState: r.last_to_state, actorName: r.last_actor_name } : null,
  }));
}

/** For each episode, the number of its prescriptions still waiting for a provider's answer (0s left out). */
export async function awaitingAnswerCounts(tx: Queryable, tenantId: string, episodeIds: readonly string[]): Promise<Map<string, number>> {
  const ids = episodeIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ episode_id: string; n: number }>(
    `SELECT episode_id, count(*) AS n FROM prescriptions
      WHERE tenant_id = $1 AND episode_id = ANY($2::uuid[]) AND state = 'sent'
      GROUP BY episode_id`,
    [tenantId, ids],
  );
  return new Map(rows.map((r) => [r.episode_id, Number(r.n)]));
}

/** Every prescription sent to a Lantern organisation in [from, to), with how and when it was answered. */
export async function outcomesBetween(
  tx: Queryable,
  tenantId: string,
  from: Date,
  to: Date,
): Promise<{ organisationId: string; sentAt: Date; answeredAt: Date | null; answer: 'accepted' | 'declined' | null }[]> {
  const { rows } = await tx.query<{ provider_organisation_id: string; sent_at: Date; answered_at: Date | null; declined: boolean }>(
    `SELECT provider_organisation_id, sent_at, answered_at, decline_reason IS NOT NULL AS declined
       FROM prescriptions
      WHERE tenant_id = $1 AND sent_at >= $2 AND sent_at < $3 AND provider_organisation_id IS NOT NULL`,
    [tenantId, from, to],
  );
  return rows.map((r) => ({
    organisationId: r.provider_organisation_id, sentAt: r.sent_at, answeredAt: r.answered_at,
    answer: r.answered_at === null ? null : r.declined ? 'declined' : 'accepted',
  }));
}

export interface Organisation {
  id: string;
  name: string;
}

/** The tenant's delivery network providers, by name. */
export async function deliveryProviders(tx: Queryable, tenantId: string): Promise<Organisation[]> {
  const { rows } = await tx.query<Organisation>(
    `SELECT id, name FROM organisations WHERE tenant_id = $1 AND kind = 'delivery_provider' ORDER BY lower(name), id`,
    [tenantId],
  );
  return rows;
}

/** Organisations by id in the tenant (for names). */
export async function organisationsById(tx: Queryable, tenantId: string, ids: readonly string[]): Promise<Map<string, Organisation & { kind: string }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<Organisation & { kind: string }>('SELECT id, name, kind FROM organisations WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, ids]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** Active staff of an organisation with a role, for messages. */
export async function staffToTell(tx: Queryable, tenantId: string, organisationId: string, roles: readonly string[]): Promise<{ id: string; name: string; email: string }[]> {
  const { rows } = await tx.query<{ id: string; name: string; email: string }>(
    `SELECT id, name, email FROM staff_users
      WHERE tenant_id = $1 AND organisation_id = $2 AND role = ANY($3::text[]) AND disabled_at IS NULL ORDER BY email`,
    [tenantId, organisationId, roles],
  );
  return rows;
}

/** One active member of staff, or null. */
export async function activeStaff(tx: Queryable, tenantId: string, userId: string | null): Promise<{ id: string; name: string; email: string } | null> {
  if (!userId) return null;
  const { rows } = await tx.query<{ id: string; name: string; email: string }>(
    'SELECT id, name, email FROM staff_users WHERE tenant_id = $1 AND id = $2 AND disabled_at IS NULL',
    [tenantId, userId],
  );
  return rows[0] ?? null;
}

/** Team leads of an organisation (navigators), for when nobody else is left to tell. */
export async function teamLeads(tx: Queryable, tenantId: string, organisationId: string): Promise<{ id: string; name: string; email: string }[]> {
  const { rows } = await tx.query<{ id: string; name: string; email: string }>(
    `SELECT id, name, email FROM staff_users
      WHERE tenant_id = $1 AND organisation_id = $2 AND team_lead AND disabled_at IS NULL ORDER BY email`,
    [tenantId, organisationId],
  );
  return rows;
}
