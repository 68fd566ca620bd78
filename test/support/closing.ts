// Support episodes for the budget, handover, discharge and come-back tests: a person with an open
// episode held by a demo worker's organisation, opened the way sign-up opens one (openEpisode).
import crypto from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import { staffContextFor, type StaffActor } from '../../src/platform/context.ts';
import { createPersonRecord } from '../../src/features/people/service.ts';
import { openEpisode } from '../../src/features/episodes/service.ts';
import { NO_PREFERENCES } from '../../src/domain/contact-preferences.ts';

export interface StaffMember {
  id: string;
  tenantId: string;
  organisationId: string;
  role: StaffActor['role'];
  name: string;
  email: string;
  teamLead: boolean;
}

export async function staffMember(db: Database, email: string): Promise<StaffMember> {
  const { rows } = await db.query<{ id: string; tenant_id: string; organisation_id: string; role: StaffActor['role']; name: string; email: string; team_lead: boolean }>(
    'SELECT id, tenant_id, organisation_id, role, name, email, team_lead FROM staff_users WHERE email = $1',
    [email],
  );
  const u = rows[0];
  if (!u) throw new Error(`no demo staff member ${email}`);
  return { id: u.id, tenantId: u.tenant_id, organisationId: u.organisation_id, role: u.role, name: u.name, email: u.email, teamLead: u.team_lead };
}

/** A service-level context for a demo staff member, as a signed-in request would have. */
export { staffContextFor };

export interface TestEpisode {
  episodeId: string;
  personId: string;
  givenName: string;
  familyName: string;
}

/**
 * A new person with an open support episode, its worker the demo staff member `workerEmail`
 * (default the Kent navigator, a team lead at Porchlight), started `startedAt` (default now).
 */
export async function openTestEpisode(db: Database, options: { workerEmail: string; startedAt?: Date; personId?: string; previousEpisodeId?: string }): Promise<TestEpisode> {
  const worker = await staffMember(db, options.workerEmail);
  const ctx = await staffContextFor(db, options.workerEmail);
  const givenName = 'Jordan';
  const familyName = `Closingtest${crypto.randomInt(1e9)}`;
  return db.transaction(async (tx) => {
    const personId = options.personId ?? await createPersonRecord(tx, worker.tenantId, {
      givenName, familyName, dateOfBirth: '1988-06-02', nhsNumber: null, postcode: 'DA1 1AA', district: 'DA1', phone: '07700 900456',
      email: 'jordan@example.com', gpOrganisationId: null, gpPracticeName: null, contactPreferences: { ...NO_PREFERENCES, call: true }, consentGpShare: null, needs: [],
    });
    const episodeId = await openEpisode(tx, ctx, {
      tenantId: worker.tenantId, personId, referralId: null, organisationId: worker.organisationId, workerId: worker.id,
      startedAt: options.startedAt, previousEpisodeId: options.previousEpisodeId ?? null, basis: 'test set-up',
    });
    return { episodeId, personId, givenName, familyName };
  });
}

/** The audit rows for a record, oldest first. */
export async function auditRows(db: Database, where: { recordId?: string; personId?: string; action?: string }): Promise<{ action: string; outcome: string; basis: string | null; actor_role: string | null; record_id: string | null; detail: Record<string, unknown> | null }[]> {
  const { rows } = await db.query<{ action: string; outcome: string; basis: string | null; actor_role: string | null; record_id: string | null; detail: Record<string, unknown> | null }>(
    `SELECT action, outcome, basis, actor_role, record_id, detail FROM audit_events
      WHERE ($1::text IS NULL OR record_id = $1) AND ($2::uuid IS NULL OR person_id = $2) AND ($3::text IS NULL OR action = $3)
      ORDER BY id`,
    [where.recordId ?? null, where.personId ?? null, where.action ?? null],
  );
  return rows;
}
