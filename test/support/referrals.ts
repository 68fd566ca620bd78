// Referrals in a given state for tests, made through the referral core (submitReferral, then
// changeState with the grant the routing gives), so tests start where a real referral would be.
import crypto from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import { NO_PREFERENCES, type ContactPreferences } from '../../src/domain/contact-preferences.ts';
import type { ReferralAction } from '../../src/domain/referral-states.ts';
import { grantPersonAccess } from '../../src/platform/access.ts';
import { staffContextFor, type RequestContext } from '../../src/platform/context.ts';
import type { Referral, ReferralSubmission } from '../../src/features/referrals/model.ts';
import { changeState, submitReferral, withReferral } from '../../src/features/referrals/service.ts';
import type { ReferralChanges } from '../../src/features/referrals/store.ts';

export const BASE_URL = 'http://lantern.test';

/**
 * A self-referral from someone nobody knows yet, safe to call and email. The family name, date of
 * birth, phone and email are made up afresh each time, so no two look like the same person.
 */
export function referralSubmission(
  overrides: Partial<ReferralSubmission> = {},
  person: Partial<ReferralSubmission['person']> = {},
  preferences: Partial<ContactPreferences> = { call: true, email: true },
): ReferralSubmission {
  const n = crypto.randomInt(1e9);
  // Random letters, not a shared prefix and a number: names alike enough make a likely match.
  const familyName = Array.from({ length: 9 }, (_, i) => String.fromCharCode((i === 0 ? 65 : 97) + crypto.randomInt(26))).join('');
  const born = new Date(Date.UTC(1950, 0, 1) + crypto.randomInt(18_000) * 86_400_000);
  const dateOfBirth = born.toISOString().slice(0, 10);
  return {
    source: 'self',
    channel: 'web',
    referrer: { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null },
    person: {
      givenName: 'Robin', familyName, dateOfBirth, nhsNumber: null,
      postcode: 'DA1 1AA', district: 'DA1', phone: `07700 900${String(n % 1000).padStart(3, '0')}`, email: `robin.${n}@example.com`,
      gpOrganisationId: null, gpPracticeName: null,
      ...person,
    },
    contactPreferences: { ...NO_PREFERENCES, ...preferences },
    consentGpShare: true,
    personConsents: null,
    reason: 'I have been feeling low for months.',
    needs: ['lantern-needs:depression'],
    crisis: false,
    requestedUrgency: null,
    idempotencyKey: `web:${crypto.randomUUID()}`,
    ...overrides,
  };
}

/** The context of a demo staff member, as a signed-in request would have it. */
export { staffContextFor };

export async function staffIdOf(db: Database, email: string): Promise<string> {
  return (await staffContextFor(db, email)).actor.userId;
}

export async function organisationOf(db: Database, email: string): Promise<string> {
  return (await staffContextFor(db, email)).actor.organisationId;
}

/** Submits a referral as the public form would; `now` sets when it came in. */
export async function submitTestReferral(
  db: Database,
  tenantId: string,
  submission: ReferralSubmission = referralSubmission(),
  now?: Date,
): Promise<Referral> {
  const publicCtx: RequestContext = { db, actor: null, requestId: `test-${crypto.randomUUID()}`, ip: '127.0.0.1' };
  const { referral } = await submitReferral(publicCtx, tenantId, submission, { baseUrl: BASE_URL, ...(now ? { now } : {}) });
  return referral;
}

/** Moves a referral on by `action` through the core, as the single point of access (or `by`). */
export async function moveReferral(db: Database, id: string, action: ReferralAction, changes: ReferralChanges = {}, by?: string): Promise<Referral> {
  const ctx = await staffContextFor(db, by ?? `triage@${await tenantOfReferral(db, id)}.demo.lantern.test`);
  return withReferral(ctx, id, 'update', async (tx, access) => {
    await changeState(tx, ctx, access, action, changes, { note: 'test setup' });
    return access.referral;
  });
}

async function tenantOfReferral(db: Database, id: string): Promise<string> {
  const { rows } = await db.query<{ tenant_id: string }>('SELECT tenant_id FROM referrals WHERE id = $1', [id]);
  if (!rows[0]) throw new Error(`no referral ${id}`);
  return rows[0].tenant_id;
}

/**
 * Routes a referral to an organisation's waiting list, with the access grant routing gives, as
 * triage would: the organisation is `organisationId`, or the organisation of `workerEmail`, who
 * becomes the responsible worker unless `allocate` is false.
 */
export async function routeToWaiting(
  db: Database,
  id: string,
  to: { workerEmail: string; allocate?: boolean; organisationId?: string },
): Promise<void> {
  const worker = await staffContextFor(db, to.workerEmail);
  const organisationId = to.organisationId ?? worker.actor.organisationId;
  const triage = await staffContextFor(db, `triage@${worker.actor.tenantId}.demo.lantern.test`);
  await withReferral(triage, id, 'update', async (tx, access) => {
    await changeState(tx, triage, access, 'route', {
      routedOrganisationId: organisationId,
      responsibleUserId: to.allocate === false ? null : worker.actor.userId,
      triagedAt: new Date(),
      triagedBy: triage.actor.userId,
    }, { note: 'test setup' });
    if (access.referral.personId) {
      await grantPersonAccess(tx, { tenantId: access.referral.tenantId, personId: access.referral.personId, organisationId, basis: 'referral routed to organisation', sourceId: id });
    }
  });
}

/** A referral on the waiting list of `workerEmail`'s organisation, that worker responsible (unless allocate is false). */
export async function waitingReferral(
  db: Database,
  workerEmail: string,
  options: { submission?: ReferralSubmission; allocate?: boolean; now?: Date } = {},
): Promise<Referral> {
  const tenantId = workerEmail.split('@')[1]!.split('.')[0]!;
  const referral = await submitTestReferral(db, tenantId, options.submission ?? referralSubmission(), options.now);
  await routeToWaiting(db, referral.id, { workerEmail, allocate: options.allocate });
  return referral;
}

/** The referral as stored now (state, version, clocks), for asserting what a request changed. */
export async function referralRow(db: Database, id: string): Promise<{
  state: string; version: number; contact_attempts: number; last_contact_at: Date | null; first_reached_at: Date | null;
  close_reason: string | null; close_note: string | null; closed_at: Date | null; episode_id: string | null; signed_up_at: Date | null;
  routed_organisation_id: string | null; responsible_user_id: string | null; person_id: string | null;
}> {
  const { rows } = await db.query<Awaited<ReturnType<typeof referralRow>>>(
    `SELECT state, version, contact_attempts, last_contact_at, first_reached_at, close_reason, close_note, closed_at, episode_id, signed_up_at,
            routed_organisation_id, responsible_user_id, person_id
       FROM referrals WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

/** Whether the organisation holds a current grant to the person through this referral. */
export async function hasReferralGrant(db: Database, referralId: string, organisationId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM person_access WHERE source_id = $1 AND organisation_id = $2 AND ended_at IS NULL', [referralId, organisationId]);
  return rows.length > 0;
}
