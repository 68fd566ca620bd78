// Support episodes, staff and listings for the social prescribing tests. Episodes are opened the
// way sign-up opens them (openEpisode), so the person's responsible organisation and access
// grant are what they would be in real use.
import type { Database } from '../../src/db/database.ts';
import type { ContactPreferences } from '../../src/domain/contact-preferences.ts';
import { openEpisode } from '../../src/features/episodes/service.ts';
import { staffContextFor, type StaffActor, type StaffContext } from '../../src/platform/context.ts';
import { saveListing } from '../../src/features/directory/store.ts';
import { listing } from './listings.ts';

export const demoEmail = (role: string, tenant = 'kent'): string => `${role}@${tenant}.demo.lantern.test`;

/** The request context of a demo (or test) member of staff, for calling services directly. */
export const staffContext = (db: Database, email: string): Promise<StaffContext> => staffContextFor(db, email);

export interface TestEpisode {
  episodeId: string;
  personId: string;
  personName: string;
  organisationId: string;
  workerId: string;
}

export const SAFE_CONTACT: ContactPreferences = { call: true, voicemail: false, text: true, email: false, letter: false, times: 'Weekday mornings', notes: 'Do not say where you are calling from if someone else answers' };

/**
 * Opens a support episode, held by the navigator's organisation with them as the responsible
 * worker, for a person in the tenant who has none open. The person gets a phone, an email and
 * the contact preferences given, so what a provider is shown can be checked.
 */
export async function openTestEpisode(
  db: Database,
  options: { navigator?: string; contact?: ContactPreferences; phone?: string; email?: string } = {},
): Promise<TestEpisode> {
  const ctx = await staffContext(db, options.navigator ?? demoEmail('navigator'));
  const { rows } = await db.query<{ id: string; given_name: string; family_name: string }>(
    `SELECT p.id, p.given_name, p.family_name FROM people p
      WHERE p.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.tenant_id = p.tenant_id AND e.person_id = p.id)
      ORDER BY p.id LIMIT 1`,
    [ctx.actor.tenantId],
  );
  const person = rows[0];
  if (!person) throw new Error(`no person without an episode left in ${ctx.actor.tenantId}: seed more people`);
  await db.query(
    'UPDATE people SET phone = $3, email = $4, contact_preferences = $5 WHERE tenant_id = $1 AND id = $2',
    [ctx.actor.tenantId, person.id, options.phone ?? '07700 900456', options.email ?? 'person@example.com', JSON.stringify(options.contact ?? SAFE_CONTACT)],
  );
  const episodeId = await db.transaction((tx) =>
    openEpisode(tx, ctx, {
      tenantId: ctx.actor.tenantId, personId: person.id, referralId: null, organisationId: ctx.actor.organisationId, workerId: ctx.actor.userId,
      basis: 'test sign-up',
    }),
  );
  return { episodeId, personId: person.id, personName: `${person.given_name} ${person.family_name}`, organisationId: ctx.actor.organisationId, workerId: ctx.actor.userId };
}

/** An organisation's id by the start of its name. */
export async function organisationId(db: Database, namePrefix: string, tenantId = 'kent'): Promise<string> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM organisations WHERE tenant_id = $1 AND name LIKE $2 ORDER BY name LIMIT 1', [tenantId, `${namePrefix}%`]);
  if (!rows[0]) throw new Error(`no organisation named ${namePrefix}... in ${tenantId}`);
  return rows[0].id;
}

/** Adds a member of staff (with the demo password) to an organisation; returns their email. */
export async function addStaff(db: Database, options: { email: string; name: string; role: StaffActor['role']; organisationId: string; tenantId?: string }): Promise<string> {
  await db.query(
    `INSERT INTO staff_users (tenant_id, organisation_id, email, name, role, password_hash)
     SELECT $1, $2, $3, $4, $5, password_hash FROM staff_users WHERE email = $6`,
    [options.tenantId ?? 'kent', options.organisationId, options.email, options.name, options.role, demoEmail('provider')],
  );
  return options.email;
}

export const SHED_LISTING = 'test-dartford-mens-shed';
export const WALK_LISTING = 'test-riverside-walk';

/**
 * Two listings: Dartford Men's Shed, run by the demo provider's organisation (so prescriptions go
 * to its inbox), and a community walk that nobody in Lantern runs (the navigator records it).
 */
export async function saveTestListings(db: Database): Promise<{ shedOrganisationId: string }> {
  const shedOrganisationId = await organisationId(db, 'Dartford Men');
  await db.transaction(async (tx) => {
    await saveListing(tx, listing({
      id: SHED_LISTING, name: "Dartford Men's Shed", organisationId: shedOrganisationId, organisationName: "Dartford Men's Shed (demo)",
      summary: 'A workshop where men make, mend and chat.',
    }));
    await saveListing(tx, listing({
      id: WALK_LISTING, name: 'Riverside Wellbeing Walk', organisationId: null, organisationName: 'Dartford Riverside Walkers',
      summary: 'A gentle walk by the river every Saturday, run by volunteers.',
    }));
  });
  return { shedOrganisationId };
}
