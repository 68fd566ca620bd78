// Reading one support episode for a staff member, deciding access, auditing, and running work on
// it in the same transaction: the rule that counts for every page about an episode's budget,
// handover and discharge.
//
// Who may do what with an episode:
// - the episode's organisation's staff (its navigators, or a delivery network provider's staff
//   when the episode is the provider's) read and change it; team leads see the whole team's;
// - administrators, for their tenant;
// - the single point of access (triage) reads only;
// - commissioners and referrers never (403); another organisation or tenant is told "not found".
import type { Queryable, Transaction } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import type { Role, StaffActor, StaffContext } from '../../platform/context.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { formatDate } from '../../platform/views.ts';
import { personNames } from '../people/service.ts';
import { refusable } from '../../platform/refusable.ts';

/** The roles that hold caseloads: a support episode's worker is one of these. */
export const WORKER_ROLES: readonly Role[] = ['navigator', 'provider'];

export type EpisodeState = 'open' | 'discharged';

export interface Episode {
  id: string;
  tenantId: string;
  personId: string;
  referralId: string | null;
  organisationId: string;
  organisationName: string;
  workerId: string | null;
  workerName: string | null;
  state: EpisodeState;
  startedAt: Date;
  dischargedAt: Date | null;
  dischargedBy: string | null;
  dischargedByName: string | null;
  dischargeDate: string | null;
  dischargeReason: string | null;
  dischargeReasonOther: string | null;
  closingSummary: string | null;
  previousEpisodeId: string | null;
  version: number;
}

type EpisodeRow = {
  id: string; tenant_id: string; person_id: string; referral_id: string | null; organisation_id: string; organisation_name: string;
  worker_id: string | null; worker_name: string | null; state: EpisodeState; started_at: Date; discharged_at: Date | null;
  discharged_by: string | null; discharged_by_name: string | null; discharge_date: string | null; discharge_reason: string | null;
  discharge_reason_other: string | null; closing_summary: string | null; previous_episode_id: string | null; version: number;
};

export const EPISODE_SELECT = `
  SELECT e.id, e.tenant_id, e.person_id, e.referral_id, e.organisation_id, o.name AS organisation_name, e.worker_id,
         w.name AS worker_name, e.state, e.started_at, e.discharged_at, e.discharged_by, d.name AS discharged_by_name,
         e.discharge_date, e.discharge_reason, e.discharge_reason_other, e.closing_summary, e.previous_episode_id, e.version
    FROM episodes e
    JOIN organisations o ON o.tenant_id = e.tenant_id AND o.id = e.organisation_id
    LEFT JOIN staff_users w ON w.tenant_id = e.tenant_id AND w.id = e.worker_id
    LEFT JOIN staff_users d ON d.tenant_id = e.tenant_id AND d.id = e.discharged_by`;

export function toEpisode(r: EpisodeRow): Episode {
  return {
    id: r.id, tenantId: r.tenant_id, personId: r.person_id, referralId: r.referral_id, organisationId: r.organisation_id,
    organisationName: r.organisation_name, workerId: r.worker_id, workerName: r.worker_name, state: r.state, startedAt: r.started_at,
    dischargedAt: r.discharged_at, dischargedBy: r.discharged_by, dischargedByName: r.discharged_by_name, dischargeDate: r.discharge_date,
    dischargeReason: r.discharge_reason, dischargeReasonOther: r.discharge_reason_other, closingSummary: r.closing_summary,
    previousEpisodeId: r.previous_episode_id, version: r.version,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** One episode in the tenant, or null; `lock` holds it for the rest of the transaction. */
export async function readEpisode(tx: Queryable, tenantId: string, id: string, lock = false): Promise<Episode | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await tx.query<EpisodeRow>(`${EPISODE_SELECT} WHERE e.tenant_id = $1 AND e.id = $2${lock ? ' FOR UPDATE OF e' : ''}`, [tenantId, id]);
  return rows[0] ? toEpisode(rows[0]) : null;
}

/** A person's episodes, newest first. */
export async function readPersonEpisodes(tx: Queryable, tenantId: string, personId: string): Promise<Episode[]> {
  const { rows } = await tx.query<EpisodeRow>(`${EPISODE_SELECT} WHERE e.tenant_id = $1 AND e.person_id = $2 ORDER BY e.started_at DESC, e.id`, [tenantId, personId]);
  return rows.map(toEpisode);
}

export type EpisodePurpose = 'read' | 'update';

/**
 * Why the actor may do this with the episode (for the audit row), or why not: 'forbidden' for a
 * role that may never (403), 'unrelated' for another organisation or tenant (404).
 */
export function episodeAccess(actor: StaffActor, episode: Pick<Episode, 'tenantId' | 'organisationId' | 'workerId'>, purpose: EpisodePurpose): { basis: string } | { refused: 'forbidden' | 'unrelated' } {
  if (actor.role === 'commissioner' || actor.role === 'referrer') return { refused: 'forbidden' };
  if (episode.tenantId !== actor.tenantId) return { refused: 'unrelated' };
  switch (actor.role) {
    case 'admin':
      return { basis: 'tenant administrator' };
    case 'triage':
      return purpose === 'read' ? { basis: 'single point of access' } : { refused: 'forbidden' };
    case 'navigator':
    case 'provider':
      if (episode.organisationId !== actor.organisationId) return { refused: 'unrelated' };
      if (episode.workerId === actor.userId) return { basis: 'responsible worker' };
      return { basis: actor.teamLead ? 'team lead' : 'episode organisation' };
  }
}

/** Whether the actor may do this with the episode: for links and forms on pages. */
export function mayAccessEpisode(actor: StaffActor, episode: Pick<Episode, 'tenantId' | 'organisationId' | 'workerId'>, purpose: EpisodePurpose): boolean {
  return 'basis' in episodeAccess(actor, episode, purpose);
}

/** The message for a role refused outright. */
export function refusalFor(actor: StaffActor): AppError {
  if (actor.role === 'triage') {
    return forbidden('The single point of access can see support episodes but not change them. Ask the person’s worker, their team lead or an administrator.');
  }
  if (actor.role === 'commissioner') return forbidden('Commissioners see reports, not records about named people.');
  if (actor.role === 'referrer') return forbidden('Referrers see the progress of the referrals they made, not records about people.');
  return forbidden();
}

export interface EpisodeAccess {
  episode: Episode;
  /** why access was allowed, for the audit rows the work writes */
  basis: string;
  person: { givenName: string; familyName: string; dateOfBirth: string | null };
}

export interface EpisodeWork<T> {
  /** the audit action for a denial or refusal ('budget.read', 'handover.send') */
  action: string;
  purpose: EpisodePurpose;
  /** hold the episode row for the transaction (default: for an update) */
  lock?: boolean;
  /** what the audit row names when the work is about a record inside the episode (a handover) */
  record?: { type: string; id: string };
  work: (tx: Transaction, access: EpisodeAccess) => Promise<T>;
}

/**
 * Reads the episode (locked for an update), decides access, and runs `work` in one transaction.
 * A refusal by role answers 403 and an unrelated or missing episode 404; both are audited as
 * denied. When `work` refuses with an AppError (bad input, a stale version, an impossible step),
 * what it wrote is rolled back, the refusal is audited as a failure, and the error is thrown.
 * The work writes its own success audit row, with what it did.
 */
export async function withEpisode<T>(ctx: StaffContext, episodeId: string, spec: EpisodeWork<T>): Promise<T> {
  return ctx.db.transaction((tx) => runWithEpisode(tx, ctx, episodeId, spec)).then(unwrap);
}

type Outcome<T> = { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

/** withEpisode's work inside a transaction the caller already holds. */
export async function runWithEpisode<T>(tx: Transaction, ctx: StaffContext, episodeId: string, spec: EpisodeWork<T>): Promise<Outcome<T>> {
  const record = spec.record ?? { type: 'episode', id: episodeId.slice(0, 64) };
  const episode = await readEpisode(tx, ctx.actor.tenantId, episodeId, spec.lock ?? spec.purpose === 'update');
  const decision = episode ? episodeAccess(ctx.actor, episode, spec.purpose) : { refused: 'unrelated' as const };
  if (!episode || 'refused' in decision) {
    const forbiddenRole = 'refused' in decision && decision.refused === 'forbidden';
    await audit(tx, ctx, {
      action: spec.action, recordType: record.type, recordId: record.id, outcome: 'denied',
      personId: forbiddenRole && episode ? episode.personId : null,
      basis: !episode ? 'not found in tenant' : forbiddenRole ? `role ${ctx.actor.role} may not ${spec.purpose === 'read' ? 'read' : 'change'} support episodes` : 'no relationship',
    });
    return { kind: 'refused', error: forbiddenRole ? refusalFor(ctx.actor) : notFound(record.type === 'handover' ? 'handover' : 'support episode') };
  }
  const names = await personNames(tx, episode.tenantId, [episode.personId]);
  const person = names.get(episode.personId) ?? { givenName: '', familyName: '', dateOfBirth: null };
  return refusable(tx, () => spec.work(tx, { episode, basis: decision.basis, person }), async (error) => {
    await audit(tx, ctx, {
      action: spec.action, recordType: record.type, recordId: record.id, personId: episode.personId, basis: decision.basis,
      outcome: 'failure', detail: { code: error.code, message: error.message, fields: error.fields.map((f) => f.field) },
    });
  });
}

/** Refuses changes to an episode that has ended. */
export function expectOpen(episode: Episode, what: string): void {
  if (episode.state === 'open') return;
  throw new AppError({
    status: 409,
    code: 'episode_discharged',
    message: `Their support ended${episode.dischargeDate ? ` on ${formatDate(episode.dischargeDate)}` : ''}, so ${what}. If they need support again, bring them back from their person page.`,
  });
}

export interface Worker {
  id: string;
  name: string;
}

/** The organisation's staff who can hold a caseload and can still sign in, by name. */
export async function organisationWorkers(tx: Queryable, tenantId: string, organisationId: string): Promise<Worker[]> {
  const { rows } = await tx.query<{ id: string; name: string }>(
    `SELECT id, name FROM staff_users
      WHERE tenant_id = $1 AND organisation_id = $2 AND role = ANY($3::text[]) AND disabled_at IS NULL
      ORDER BY lower(name), id`,
    [tenantId, organisationId, WORKER_ROLES],
  );
  return rows;
}
