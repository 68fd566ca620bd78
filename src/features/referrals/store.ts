// Referrals in SQL: reading whole referrals with the names they point at, and the columns a state
// change may set. Every query is scoped by tenant; access is decided in service.ts.
import type { Queryable } from '../../db/database.ts';
import { contactPreferencesFrom } from '../../domain/contact-preferences.ts';
import type { CloseReason, EligibilityResult, MatchStatus, MentalHealthNeed, Referral, ReferralChannel, ReferralSource } from './model.ts';
import type { ReferralState } from '../../domain/referral-states.ts';
import type { Urgency } from '../../domain/working-days.ts';
import { assignments } from '../../db/assignments.ts';

export const REFERRAL_COLUMNS = `
  r.id, r.tenant_id, r.reference, r.person_id, r.match_status, r.source, r.channel, r.received_at, r.original_received_at,
  r.redirected_from_id, r.fast_track, r.referrer_organisation_id, ro.name AS referrer_organisation_name, r.referrer_user_id,
  r.referrer_name, r.referrer_role, r.referrer_relationship, r.referrer_email, r.referrer_phone,
  r.given_name, r.family_name, r.date_of_birth, r.nhs_number, r.postcode, r.district, r.phone, r.email,
  r.gp_organisation_id, coalesce(gp.name, r.gp_practice_name) AS gp_practice_name, r.contact_preferences, r.consent_gp_share,
  r.person_consents, r.reason, r.needs, r.crisis_flag, r.eligibility, r.urgency, r.due_at, r.state, r.triaged_at, r.triaged_by,
  r.triage_reasons, r.mental_health_need, r.dual_diagnosis, r.offending_history, r.area_id, a.name AS area_name,
  r.routed_organisation_id, rt.name AS routed_organisation_name, r.responsible_user_id, u.name AS responsible_user_name,
  r.redirect_service_id, r.redirect_service_name, r.redirect_note, r.redirected_to_id, r.first_reached_at, r.last_contact_at,
  r.contact_attempts, r.closed_at, r.close_reason, r.close_note, r.signed_up_at, r.episode_id, r.created_at, r.updated_at, r.version`;

export const REFERRAL_FROM = `
  referrals r
  LEFT JOIN organisations ro ON ro.tenant_id = r.tenant_id AND ro.id = r.referrer_organisation_id
  LEFT JOIN organisations gp ON gp.tenant_id = r.tenant_id AND gp.id = r.gp_organisation_id
  LEFT JOIN organisations rt ON rt.tenant_id = r.tenant_id AND rt.id = r.routed_organisation_id
  LEFT JOIN areas a ON a.tenant_id = r.tenant_id AND a.id = r.area_id
  LEFT JOIN staff_users u ON u.tenant_id = r.tenant_id AND u.id = r.responsible_user_id`;

export type ReferralRow = {
  id: string; tenant_id: string; reference: string; person_id: string | null; match_status: MatchStatus; source: ReferralSource;
  channel: ReferralChannel; received_at: Date; original_received_at: Date; redirected_from_id: string | null; fast_track: boolean;
  referrer_organisation_id: string | null; referrer_organisation_name: string | null; referrer_user_id: string | null;
  referrer_name: string | null; referrer_role: string | null; referrer_relationship: string | null; referrer_email: string | null;
  referrer_phone: string | null; given_name: string; family_name: string; date_of_birth: string | null; nhs_number: string | null;
  postcode: string | null; district: string | null; phone: string | null; email: string | null; gp_organisation_id: string | null;
  gp_practice_name: string | null; contact_preferences: unknown; consent_gp_share: boolean | null; person_consents: boolean | null;
  reason: string; needs: string[]; crisis_flag: boolean; eligibility: EligibilityResult; urgency: Urgency; due_at: Date;
  state: ReferralState; triaged_at: Date | null; triaged_by: string | null; triage_reasons: string | null;
  mental_health_need: MentalHealthNeed | null; dual_diagnosis: boolean | null; offending_history: boolean | null;
  area_id: string | null; area_name: string | null; routed_organisation_id: string | null; routed_organisation_name: string | null;
  responsible_user_id: string | null; responsible_user_name: string | null; redirect_service_id: string | null;
  redirect_service_name: string | null; redirect_note: string | null; redirected_to_id: string | null;
  first_reached_at: Date | null; last_contact_at: Date | null; contact_attempts: number; closed_at: Date | null;
  close_reason: CloseReason | null; close_note: string | null; signed_up_at: Date | null; episode_id: string | null;
  created_at: Date; updated_at: Date; version: number;
};

export function toReferral(r: ReferralRow): Referral {
  return {
    id: r.id, tenantId: r.tenant_id, reference: r.reference, personId: r.person_id, matchStatus: r.match_status,
    source: r.source, channel: r.channel, receivedAt: r.received_at, originalReceivedAt: r.original_received_at,
    redirectedFromId: r.redirected_from_id, fastTrack: r.fast_track,
    referrer: {
      organisationId: r.referrer_organisation_id, organisationName: r.referrer_organisation_name, userId: r.referrer_user_id,
      name: r.referrer_name, role: r.referrer_role, relationship: r.referrer_relationship, email: r.referrer_email, phone: r.referrer_phone,
    },
    subject: {
      givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth, nhsNumber: r.nhs_number, postcode: r.postcode,
      district: r.district, phone: r.phone, email: r.email, gpOrganisationId: r.gp_organisation_id, gpPracticeName: r.gp_practice_name,
    },
    contactPreferences: contactPreferencesFrom(r.contact_preferences), consentGpShare: r.consent_gp_share,
    personConsents: r.person_consents, reason: r.reason, needs: r.needs ?? [], crisisFlag: r.crisis_flag,
    eligibility: r.eligibility ?? { eligible: true, reasons: [] }, urgency: r.urgency, dueAt: r.due_at, state: r.state,
    triagedAt: r.triaged_at, triagedBy: r.triaged_by, triageReasons: r.triage_reasons, mentalHealthNeed: r.mental_health_need,
    dualDiagnosis: r.dual_diagnosis, offendingHistory: r.offending_history, areaId: r.area_id, areaName: r.area_name,
    routedOrganisationId: r.routed_organisation_id, routedOrganisationName: r.routed_organisation_name,
    responsibleUserId: r.responsible_user_id, responsibleUserName: r.responsible_user_name,
    redirectServiceId: r.redirect_service_id, redirectServiceName: r.redirect_service_name, redirectNote: r.redirect_note,
    redirectedToId: r.redirected_to_id, firstReachedAt: r.first_reached_at, lastContactAt: r.last_contact_at,
    contactAttempts: r.contact_attempts, closedAt: r.closed_at, closeReason: r.close_reason, closeNote: r.close_note,
    signedUpAt: r.signed_up_at, episodeId: r.episode_id, createdAt: r.created_at, updatedAt: r.updated_at, version: r.version,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One referral by id in the tenant, or null; `lock` holds it for the rest of the transaction. */
export async function readReferral(tx: Queryable, tenantId: string, id: string, lock = false): Promise<Referral | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await tx.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS} FROM ${REFERRAL_FROM} WHERE r.tenant_id = $1 AND r.id = $2${lock ? ' FOR UPDATE OF r' : ''}`,
    [tenantId, id],
  );
  return rows[0] ? toReferral(rows[0]) : null;
}

/** One referral by its reference (any case, with or without the hyphen), or null. */
export async function readReferralByReference(tx: Queryable, tenantId: string, reference: string): Promise<Referral | null> {
  const { rows } = await tx.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS} FROM ${REFERRAL_FROM} WHERE r.tenant_id = $1 AND r.reference = $2`,
    [tenantId, reference],
  );
  return rows[0] ? toReferral(rows[0]) : null;
}

/** The columns a state change or decision may set, by name: the only way values reach the UPDATE. */
export const SETTABLE = {
  personId: 'person_id',
  matchStatus: 'match_status',
  urgency: 'urgency',
  crisisFlag: 'crisis_flag',
  dueAt: 'due_at',
  triagedAt: 'triaged_at',
  triagedBy: 'triaged_by',
  triageReasons: 'triage_reasons',
  mentalHealthNeed: 'mental_health_need',
  dualDiagnosis: 'dual_diagnosis',
  offendingHistory: 'offending_history',
  areaId: 'area_id',
  routedOrganisationId: 'routed_organisation_id',
  responsibleUserId: 'responsible_user_id',
  redirectServiceId: 'redirect_service_id',
  redirectServiceName: 'redirect_service_name',
  redirectNote: 'redirect_note',
  redirectedToId: 'redirected_to_id',
  firstReachedAt: 'first_reached_at',
  lastContactAt: 'last_contact_at',
  contactAttempts: 'contact_attempts',
  closedAt: 'closed_at',
  closeReason: 'close_reason',
  closeNote: 'close_note',
  signedUpAt: 'signed_up_at',
  episodeId: 'episode_id',
} as const;
export type ReferralChanges = Partial<Record<keyof typeof SETTABLE, unknown>>;

/** Writes changes (and the new state, if any) and moves the version on; returns the new version. */
export async function writeReferral(tx: Queryable, tenantId: string, id: string, changes: ReferralChanges, state?: ReferralState): Promise<number> {
  const params: unknown[] = [tenantId, id];
  const sets = assignments(SETTABLE, changes, params, state);
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE referrals SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
      WHERE tenant_id = $1 AND id = $2 RETURNING version`,
    params,
  );
  return rows[0]!.version;
}

export interface ReferralEvent {
  id: number;
  at: Date;
  actorUserId: string | null;
  actorName: string | null;
  kind: string;
  fromState: ReferralState | null;
  toState: ReferralState | null;
  note: string | null;
  detail: Record<string, unknown> | null;
}

export async function insertEvent(
  tx: Queryable,
  tenantId: string,
  referralId: string,
  event: {
    actorUserId: string | null; kind: string; fromState?: ReferralState | null; toState?: ReferralState | null; note?: string | null;
    detail?: Record<string, unknown> | null;
    /** when it happened, if not now: a background job's clock */
    at?: Date;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO referral_events (tenant_id, referral_id, actor_user_id, kind, from_state, to_state, note, detail, at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::timestamptz, now()))`,
    [tenantId, referralId, event.actorUserId, event.kind, event.fromState ?? null, event.toState ?? null, event.note ?? null,
      event.detail ? JSON.stringify(event.detail) : null, event.at ? event.at.toISOString() : null],
  );
}

export async function readEvents(tx: Queryable, tenantId: string, referralId: string): Promise<ReferralEvent[]> {
  const { rows } = await tx.query<{
    id: number; at: Date; actor_user_id: string | null; actor_name: string | null; kind: string; from_state: ReferralState | null;
    to_state: ReferralState | null; note: string | null; detail: Record<string, unknown> | null;
  }>(
    `SELECT e.id, e.at, e.actor_user_id, u.name AS actor_name, e.kind, e.from_state, e.to_state, e.note, e.detail
       FROM referral_events e LEFT JOIN staff_users u ON u.tenant_id = e.tenant_id AND u.id = e.actor_user_id
      WHERE e.tenant_id = $1 AND e.referral_id = $2 ORDER BY e.id`,
    [tenantId, referralId],
  );
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, actorUserId: r.actor_user_id, actorName: r.actor_name, kind: r.kind, fromState: r.from_state,
    toState: r.to_state, note: r.note, detail: r.detail,
  }));
}
