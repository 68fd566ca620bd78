// Who may read or change a support episode and everything hanging from it (plan, goals, steps,
// progress, contacts, status), decided here for every object, with an audit row in the same
// transaction as the work:
//
// - navigators and providers: when their organisation holds the episode (any worker of it; team
//   leads see the whole team's caseload on /caseload, not more records);
// - administrators: the whole tenant;
// - triage workers: may read (they hand people over at sign-up) but not change a plan;
// - commissioners and referrers: never (403);
// - another tenant's episode, or an unrelated organisation's: "not found" (404).
import type { Queryable, Transaction } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffActor, StaffContext } from '../../platform/context.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';

export type EpisodePurpose = 'read' | 'update';

export interface Episode {
  id: string;
  tenantId: string;
  personId: string;
  referralId: string | null;
  organisationId: string;
  organisationName: string;
  workerId: string | null;
  workerName: string | null;
  state: 'open' | 'discharged';
  startedAt: Date;
  dischargedAt: Date | null;
  version: number;
}

export type EpisodeDecision =
  | { allowed: true; basis: string }
  | { allowed: false; status: 403 | 404; reason: string; message?: string };

const ROLE_REFUSALS: Partial<Record<StaffActor['role'], string>> = {
  commissioner: 'Commissioners see reports, not support plans about named people.',
  referrer: 'Referrers see the progress of the referrals they made, not support plans.',
};

/** The refusal for a role that never reaches episodes, or null. Decided before anything is read. */
export function roleRefusal(actor: StaffActor): string | null {
  return ROLE_REFUSALS[actor.role] ?? null;
}

/** Why the actor may take this action on the episode (for the audit row), or why not. */
export function decideEpisodeAccess(actor: StaffActor, episode: Pick<Episode, 'tenantId' | 'organisationId'> | null, purpose: EpisodePurpose): EpisodeDecision {
  const refusal = roleRefusal(actor);
  if (refusal) return { allowed: false, status: 403, reason: `role: ${actor.role}`, message: refusal };
  if (!episode || episode.tenantId !== actor.tenantId) return { allowed: false, status: 404, reason: 'not found in tenant' };
  switch (actor.role) {
    case 'admin':
      return { allowed: true, basis: 'tenant administrator' };
    case 'triage':
      return purpose === 'read'
        ? { allowed: true, basis: 'single point of access' }
        : { allowed: false, status: 403, reason: 'triage may read, not change', message: 'Triage workers can read support plans but not change them. The organisation giving the support keeps the plan.' };
    case 'navigator':
    case 'provider':
      return episode.organisationId === actor.organisationId
        ? { allowed: true, basis: 'support episode held by organisation' }
        : { allowed: false, status: 404, reason: 'no relationship' };
    default:
      return { allowed: false, status: 403, reason: `role: ${actor.role}` };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

type EpisodeRow = {
  id: string; tenant_id: string; person_id: string; referral_id: string | null; organisation_id: string; organisation_name: string;
  worker_id: string | null; worker_name: string | null; state: Episode['state']; started_at: Date; discharged_at: Date | null; version: number;
};

const toEpisode = (r: EpisodeRow): Episode => ({
  id: r.id, tenantId: r.tenant_id, personId: r.person_id, referralId: r.referral_id, organisationId: r.organisation_id,
  organisationName: r.organisation_name, workerId: r.worker_id, workerName: r.worker_name, state: r.state, startedAt: r.started_at,
  dischargedAt: r.discharged_at, version: r.version,
});

export const EPISODE_SELECT = `
  SELECT e.id, e.tenant_id, e.person_id, e.referral_id, e.organisation_id, o.name AS organisation_name, e.worker_id,
         w.name AS worker_name, e.state, e.started_at, e.discharged_at, e.version
    FROM episodes e
    JOIN organisations o ON o.tenant_id = e.tenant_id AND o.id = e.organisation_id
    LEFT JOIN staff_users w ON w.tenant_id = e.tenant_id AND w.id = e.worker_id`;

/** One episode in the tenant, or null; `lock` holds it (and so its plan's edits) until commit. */
export async function readEpisode(tx: Queryable, tenantId: string, id: string, lock = false): Promise<Episode | null> {
  if (!isUuid(id)) return null;
  const { rows } = await tx.query<EpisodeRow>(`${EPISODE_SELECT} WHERE e.tenant_id = $1 AND e.id = $2${lock ? ' FOR UPDATE OF e' : ''}`, [tenantId, id]);
  return rows[0] ? toEpisode(rows[0]) : null;
}

/** A person's episodes, newest first. No access check: the caller decides for each. */
export async function readEpisodesOfPerson(tx: Queryable, tenantId: string, personId: string): Promise<Episode[]> {
  const { rows } = await tx.query<EpisodeRow>(
    `${EPISODE_SELECT} WHERE e.tenant_id = $1 AND e.person_id = $2 ORDER BY e.started_at DESC, e.id LIMIT 50`,
    [tenantId, personId],
  );
  return rows.map(toEpisode);
}

export interface EpisodeAccess {
  episode: Episode;
  /** why access was allowed, for the audit rows the work writes */
  basis: string;
}

export interface EpisodeAudit {
  /** the audit action: 'episode.read', 'plan.update', 'goal.create' ... */
  action: string;
  /** what the action is about, when not the episode itself */
  recordType?: string;
  recordId?: string;
}

/**
 * Reads the episode (locked for an update), decides access, and runs `work` in the same
 * transaction. A role that never reaches episodes answers 403 and a missing or unrelated episode
 * 404, both audited as denied. A change to an episode that has ended is refused. When `work`
 * refuses with an AppError (bad input, a stale version, something not found), what it wrote is
 * rolled back to a savepoint, the refusal is audited as a failure, and the error is thrown after
 * the commit, so the audit of the refusal is kept.
 */
export async function withEpisode<T>(
  ctx: StaffContext,
  id: string,
  purpose: EpisodePurpose,
  what: EpisodeAudit,
  work: (tx: Transaction, access: EpisodeAccess) => Promise<T>,
): Promise<T> {
  type Outcome = { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const early = roleRefusal(ctx.actor);
    const episode = early ? null : await readEpisode(tx, ctx.actor.tenantId, id, purpose === 'update');
    const decision = decideEpisodeAccess(ctx.actor, episode, purpose);
    if (!decision.allowed) {
      await audit(tx, ctx, {
        action: what.action, recordType: what.recordType ?? 'episode', recordId: (what.recordId ?? id).slice(0, 64),
        personId: decision.status === 403 && episode ? episode.personId : null, outcome: 'denied', basis: decision.reason,
      });
      return { kind: 'refused', error: decision.status === 403 ? forbidden(decision.message) : notFound('support episode') };
    }
    const found = episode!;
    const record = { recordType: what.recordType ?? 'episode', recordId: (what.recordId ?? found.id).slice(0, 64), personId: found.personId };
    if (purpose === 'update' && found.state !== 'open') {
      const error = new AppError({ status: 409, code: 'episode_closed', message: 'This support episode has ended, so its plan and records can no longer be changed.' });
      await audit(tx, ctx, { action: what.action, ...record, basis: decision.basis, outcome: 'failure', detail: { code: error.code } });
      return { kind: 'refused', error };
    }
    await tx.query('SAVEPOINT episode_work');
    try {
      const value = await work(tx, { episode: found, basis: decision.basis });
      await tx.query('RELEASE SAVEPOINT episode_work');
      return { kind: 'done', value };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT episode_work');
      await audit(tx, ctx, {
        action: what.action, ...record, basis: decision.basis, outcome: 'failure',
        detail: { code: error.code, message: error.message, fields: error.fields.map((f) => f.field) },
      });
      return { kind: 'refused', error };
    }
  });
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}
