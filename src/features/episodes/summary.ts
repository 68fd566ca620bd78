// What other features may know about a support episode, without reading its table: who it is
// for, which organisation holds it, its responsible worker and whether it is still open. No access
// check: the caller decides access on its own record (a social prescription on the episode) or
// from these facts, and writes the audit row.
import type { Queryable } from '../../db/database.ts';

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
