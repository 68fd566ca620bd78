// People with an open support episode, made directly (as sign-up would) for the episode tests:
// a new person record, an episode held by the worker's organisation, with that worker.
import type { Database } from '../../src/db/database.ts';
import { staffContextFor, type StaffContext } from '../../src/platform/context.ts';
import { openEpisode } from '../../src/features/episodes/service.ts';
import { createPersonRecord } from '../../src/features/people/service.ts';

export interface SupportedPerson {
  personId: string;
  episodeId: string;
  workerId: string | null;
  organisationId: string;
  givenName: string;
  familyName: string;
}

export interface SupportOptions {
  /** the demo login of the worker ('navigator', 'navigator3', 'provider' ...); null for no worker */
  worker: string | null;
  tenant?: 'kent' | 'kingston';
  /** the organisation holding the episode when there is no worker (default: the navigator's) */
  organisationOf?: string;
  givenName?: string;
  familyName?: string;
  startedAt?: Date;
}

let made = 0;

export async function staffMember(db: Database, login: string, tenant = 'kent'): Promise<{ id: string; organisationId: string; tenantId: string }> {
  const { rows } = await db.query<{ id: string; organisation_id: string; tenant_id: string }>(
    'SELECT id, organisation_id, tenant_id FROM staff_users WHERE email = $1', [`${login}@${tenant}.demo.lantern.test`],
  );
  if (!rows[0]) throw new Error(`no demo staff member ${login} in ${tenant}`);
  return { id: rows[0].id, organisationId: rows[0].organisation_id, tenantId: rows[0].tenant_id };
}

/** A new person with an open support episode held by the worker's organisation. */
export async function personWithEpisode(db: Database, options: SupportOptions): Promise<SupportedPerson> {
  const tenant = options.tenant ?? 'kent';
  const worker = options.worker ? await staffMember(db, options.worker, tenant) : null;
  const organisationId = worker?.organisationId ?? (await staffMember(db, options.organisationOf ?? 'navigator', tenant)).organisationId;
  made += 1;
  const givenName = options.givenName ?? 'Alex';
  const familyName = options.familyName ?? `Supported${String(made).padStart(4, '0')}`;
  return db.transaction(async (tx) => {
    const personId = await createPersonRecord(tx, tenant, {
      givenName, familyName, dateOfBirth: '1985-06-15', nhsNumber: null, postcode: 'DA1 1AA', district: 'DA1', phone: '07700 900123',
      email: null, gpOrganisationId: null, gpPracticeName: null, contactPreferences: null, consentGpShare: null, needs: [],
    });
    const episodeId = await openEpisode(tx, { db, actor: null, requestId: `test-episode-${made}`, ip: '127.0.0.1' }, {
      tenantId: tenant, personId, referralId: null, organisationId, workerId: worker?.id ?? null, startedAt: options.startedAt, basis: 'test set-up',
    });
    return { personId, episodeId, workerId: worker?.id ?? null, organisationId, givenName, familyName };
  });
}

/** A request context for a demo staff member, to call services directly (with a moved clock). */
export const staffContextOf = (db: Database, login: string, tenant = 'kent'): Promise<StaffContext> => staffContextFor(db, `${login}@${tenant}.demo.lantern.test`);

/** A date as the three boxes of a date field named `name`. */
export function dateFields(name: string, date: string): Record<string, string> {
  const [year, month, day] = date.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year! };
}
