// A person's support for their one summary page: the latest episode (open, or the most recent),
// its plan, goals with their latest progress, recent contacts and the latest status commissioners
// count; and their other episodes. Access is decided for each episode as on the episode's own
// page (an organisation sees the support it gives), and each one read is audited.
import type { Queryable, Transaction } from '../../db/database.ts';
import type { DueItem } from '../../domain/caseload-due.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { episodeAccess, mayAccessEpisode, readPersonEpisodes, type Episode } from './access.ts';
import { dueFor, type Clock } from './plan.ts';
import { readContacts, readGoals, readPlan, readStatusHistory, type Contact, type Goal, type Plan, type StatusRecord } from './store.ts';

export interface EpisodeDetail {
  plan: Plan;
  goals: Goal[];
  recentContacts: Contact[];
  status: StatusRecord | null;
  due: DueItem[];
}

export interface PersonSupport {
  /** the open episode, or else the most recent; null when they have never had support */
  latest: { episode: Episode; canRead: boolean; canEdit: boolean; detail: EpisodeDetail | null } | null;
  /** their other episodes, newest first */
  others: { episode: Episode; canRead: boolean }[];
}

export const SUMMARY_CONTACTS = 3;

/**
 * The person's support, in the caller's transaction (which has decided access to the person).
 * Details of an episode are read only when the actor may read that episode; each read is audited.
 */
export async function supportForPerson(tx: Transaction, ctx: StaffContext, personId: string, clock: Clock = {}): Promise<PersonSupport> {
  const episodes = await readPersonEpisodes(tx, ctx.actor.tenantId, personId);
  const latestEpisode = episodes.find((e) => e.state === 'open') ?? episodes[0];
  if (!latestEpisode) return { latest: null, others: [] };
  const others = episodes.filter((e) => e.id !== latestEpisode.id).map((episode) => ({ episode, canRead: mayAccessEpisode(ctx.actor, episode, 'read') }));
  const decision = episodeAccess(ctx.actor, latestEpisode, 'read');
  if (!('basis' in decision)) {
    return { latest: { episode: latestEpisode, canRead: false, canEdit: false, detail: null }, others };
  }
  const tenantId = ctx.actor.tenantId;
  const id = latestEpisode.id;
  const plan = await readPlan(tx, tenantId, id);
  const goals = await readGoals(tx, tenantId, id);
  const recentContacts = await readContacts(tx, tenantId, id, SUMMARY_CONTACTS);
  const status = (await readStatusHistory(tx, tenantId, id, 1))[0] ?? null;
  const settings = await getTenantSettings(tx, tenantId);
  const due = dueFor(latestEpisode, plan, goals, recentContacts[0]?.contactAt ?? null, settings.contactOverdueDays, clock);
  await audit(tx, ctx, {
    action: 'episode.read', recordType: 'episode', recordId: id, personId, basis: decision.basis, outcome: 'success',
    detail: { view: 'person page', goals: goals.map((g) => g.id), contacts: recentContacts.map((c) => c.id) },
  });
  return {
    latest: {
      episode: latestEpisode, canRead: true,
      canEdit: latestEpisode.state === 'open' && mayAccessEpisode(ctx.actor, latestEpisode, 'update'),
      detail: { plan, goals, recentContacts, status, due },
    },
    others,
  };
}

// ---------------------------------------------------------------------------------------------
// What other features may know about a support episode, without reading its table: who it is for,
// which organisation holds it, its responsible worker and whether it is still open. No access
// check: the caller decides access on its own record (a social prescription on the episode) and
// writes the audit row.

export interface EpisodeSummary {
  id: string;
  tenantId: string;
  personId: string;
  /** the strategic partner or delivery network provider giving the support */
  organisationId: string;
  organisationName: string;
  /** the responsible worker, if one is named */
  workerId: string | null;
  state: 'open' | 'discharged';
  startedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One episode in the tenant, or null (also for an id that is not a UUID). */
export async function episodeSummary(tx: Queryable, tenantId: string, episodeId: string): Promise<EpisodeSummary | null> {
  if (!UUID.test(episodeId)) return null;
  const { rows } = await tx.query<{
    id: string; tenant_id: string; person_id: string; organisation_id: string; organisation_name: string; worker_id: string | null;
    state: 'open' | 'discharged'; started_at: Date;
  }>(
    `SELECT e.id, e.tenant_id, e.person_id, e.organisation_id, o.name AS organisation_name, e.worker_id, e.state, e.started_at
       FROM episodes e JOIN organisations o ON o.tenant_id = e.tenant_id AND o.id = e.organisation_id
      WHERE e.tenant_id = $1 AND e.id = $2`,
    [tenantId, episodeId],
  );
  const r = rows[0];
  return r
    ? { id: r.id, tenantId: r.tenant_id, personId: r.person_id, organisationId: r.organisation_id, organisationName: r.organisation_name, workerId: r.worker_id, state: r.state, startedAt: r.started_at }
    : null;
}

/** The person's current episode (the open one, else the latest), or null: for features showing what hangs from it. */
export async function currentEpisodeIdOf(tx: Queryable, tenantId: string, personId: string): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM episodes WHERE tenant_id = $1 AND person_id = $2 ORDER BY (state = 'open') DESC, started_at DESC LIMIT 1`,
    [tenantId, personId],
  );
  return rows[0]?.id ?? null;
}
