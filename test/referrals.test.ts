// The core of referrals: one referral per submission however often it is sent, the person known
// once, acknowledgements that respect how it is safe to contact someone, and state changes that
// are refused when impossible without writing anything but the audit of the refusal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, startTestApp, type TestApp } from './support/app.ts';
import { staffContextFor, type RequestContext, type StaffContext } from '../src/platform/context.ts';
import { changeState, submitReferral, withReferral } from '../src/features/referrals/service.ts';
import type { ReferralSubmission } from '../src/features/referrals/model.ts';
import { NO_PREFERENCES } from '../src/domain/contact-preferences.ts';
import { AppError } from '../src/platform/errors.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const publicCtx = (): RequestContext => ({ db: t.db, actor: null, requestId: `test-${Math.random()}`, ip: '127.0.0.1' });

const staffCtx = (role: string): Promise<StaffContext> => staffContextFor(t.db, demoEmail(role));

function submission(overrides: Partial<ReferralSubmission> = {}, person: Partial<ReferralSubmission['person']> = {}): ReferralSubmission {
  return {
    source: 'self',
    channel: 'web',
    referrer: { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null },
    person: {
      givenName: 'Robin', familyName: `Testperson${Math.floor(Math.random() * 1e9)}`, dateOfBirth: '1990-04-12', nhsNumber: null,
      postcode: 'DA1 1AA', district: 'DA1', phone: '07700 900123', email: 'robin@example.com', gpOrganisationId: null, gpPracticeName: null,
      ...person,
    },
    contactPreferences: { ...NO_PREFERENCES, call: true, email: true },
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

const options = { baseUrl: 'http://lantern.test' };

describe('submitting a referral', () => {
  test('creates one referral with a reference, a new person, a routine deadline and an acknowledgement by email', async () => {
    const { referral, replayed } = await submitReferral(publicCtx(), 'kent', submission(), options);
    assert.equal(replayed, false);
    assert.match(referral.reference, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.equal(referral.state, 'received');
    assert.equal(referral.urgency, 'routine');
    assert.equal(referral.matchStatus, 'created');
    assert.ok(referral.personId);
    assert.ok(referral.dueAt > referral.receivedAt);
    const person = await t.db.query<{ needs: string[]; consent_gp_share: boolean }>('SELECT needs, consent_gp_share FROM people WHERE id = $1', [referral.personId]);
    assert.deepEqual(person.rows[0]!.needs, ['lantern-needs:depression'], 'needs travel with the person');
    const acks = await t.db.query<{ channel: string; recipient: string; personalisation: { body: string } }>(
      `SELECT channel, recipient, personalisation FROM notifications WHERE reference = $1`, [`referral-ack:${referral.reference}`],
    );
    assert.equal(acks.rows.length, 1);
    assert.equal(acks.rows[0]!.channel, 'email');
    assert.match(acks.rows[0]!.personalisation.body, new RegExp(referral.reference));
    assert.doesNotMatch(acks.rows[0]!.personalisation.body, /Robin/, 'no names in messages that leave Lantern');
    const audit = await t.db.query<{ outcome: string; person_id: string }>(`SELECT outcome, person_id FROM audit_events WHERE action = 'referral.submit' AND record_id = $1`, [referral.id]);
    assert.equal(audit.rows[0]!.person_id, referral.personId);
  });

  test('the same submission sent again gives back the first referral; the same key with other content is refused', async () => {
    const first = submission();
    const a = await submitReferral(publicCtx(), 'kent', first, options);
    const b = await submitReferral(publicCtx(), 'kent', { ...first }, options);
    assert.equal(b.replayed, true);
    assert.equal(b.referral.id, a.referral.id);
    await assert.rejects(
      submitReferral(publicCtx(), 'kent', { ...first, reason: 'something else entirely' }, options),
      (error: AppError) => error.status === 422 && /already used for a different referral/.test(error.message),
    );
    const count = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM referrals WHERE idempotency_key = $1', [first.idempotencyKey]);
    assert.equal(Number(count.rows[0]!.n), 1);
  });

  test('no acknowledgement to the person unless they said email or texts are safe', async () => {
    const { referral } = await submitReferral(publicCtx(), 'kent', submission({ contactPreferences: { ...NO_PREFERENCES, call: true } }), options);
    const acks = await t.db.query('SELECT 1 FROM notifications WHERE reference = $1', [`referral-ack:${referral.reference}`]);
    assert.equal(acks.rows.length, 0);
    const texted = await submitReferral(publicCtx(), 'kent', submission({ contactPreferences: { ...NO_PREFERENCES, text: true } }), options);
    const sms = await t.db.query<{ channel: string }>('SELECT channel FROM notifications WHERE reference = $1', [`referral-ack:${texted.referral.reference}`]);
    assert.deepEqual(sms.rows.map((r) => r.channel), ['sms']);
  });

  test('a crisis answer makes it a crisis referral due within the hour and alerts the single point of access', async () => {
    const { referral } = await submitReferral(publicCtx(), 'kent', submission({ crisis: true }), options);
    assert.equal(referral.urgency, 'crisis');
    assert.equal(referral.dueAt.getTime() - referral.receivedAt.getTime(), 60 * 60 * 1000);
    const alert = await t.db.query<{ recipient: string; personalisation: { body: string } }>('SELECT recipient, personalisation FROM notifications WHERE reference = $1', [`referral:${referral.id}:crisis`]);
    assert.equal(alert.rows[0]!.recipient, 'livewellkent-spa@example.org');
    assert.match(alert.rows[0]!.personalisation.body, new RegExp(`http://lantern.test/referrals/${referral.id}`));
  });

  test('the same NHS number links to the known person and adds the new needs to theirs', async () => {
    const { rows } = await t.db.query<{ id: string; nhs_number: string; needs: string[] }>(
      `SELECT id, nhs_number, needs FROM people WHERE tenant_id = 'kent' AND nhs_number IS NOT NULL ORDER BY id LIMIT 1`,
    );
    const known = rows[0]!;
    const { referral } = await submitReferral(publicCtx(), 'kent', submission({ needs: ['lantern-needs:anxiety'] }, { nhsNumber: known.nhs_number, givenName: 'Someone', familyName: 'Different' }), options);
    assert.equal(referral.matchStatus, 'linked');
    assert.equal(referral.personId, known.id);
    const after = await t.db.query<{ needs: string[] }>('SELECT needs FROM people WHERE id = $1', [known.id]);
    assert.ok(after.rows[0]!.needs.includes('lantern-needs:anxiety'));
  });

  test('someone who looks like a known person waits for a triage worker to decide, with no new record made', async () => {
    const { rows } = await t.db.query<{ given_name: string; family_name: string; date_of_birth: string; postcode: string }>(
      `SELECT given_name, family_name, date_of_birth, postcode FROM people WHERE tenant_id = 'kent' AND postcode IS NOT NULL ORDER BY id LIMIT 1`,
    );
    const known = rows[0]!;
    const before = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM people WHERE tenant_id = 'kent'`);
    const { referral } = await submitReferral(publicCtx(), 'kent', submission({}, {
      givenName: known.given_name, familyName: known.family_name, dateOfBirth: known.date_of_birth, postcode: known.postcode, district: known.postcode.split(' ')[0]!, nhsNumber: null,
    }), options);
    assert.equal(referral.matchStatus, 'needs_review');
    assert.equal(referral.personId, null);
    const afterCount = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM people WHERE tenant_id = 'kent'`);
    assert.equal(Number(afterCount.rows[0]!.n), Number(before.rows[0]!.n));
  });

  test('someone under the minimum age is recorded, with the reason they may be outside the service', async () => {
    const { referral } = await submitReferral(publicCtx(), 'kent', submission({}, { dateOfBirth: '2015-01-01' }), options);
    assert.equal(referral.eligibility.eligible, false);
    assert.match(referral.eligibility.reasons[0]!.message, /17/);
  });
});

describe('changing state', () => {
  test('an impossible move is refused with the state machine’s message, nothing is written, and the refusal is audited', async () => {
    const { referral } = await submitReferral(publicCtx(), 'kent', submission(), options);
    const triage = await staffCtx('triage');
    await assert.rejects(
      withReferral(triage, referral.id, 'update', async (tx, access) => {
        await tx.query(`UPDATE referrals SET triage_reasons = 'half written' WHERE id = $1`, [referral.id]);
        await changeState(tx, triage, access, 'sign_up', {});
      }),
      (error: AppError) => error.status === 409 && error.code === 'invalid_transition' && error.message.length > 10,
    );
    const row = await t.db.query<{ state: string; triage_reasons: string | null; version: number }>('SELECT state, triage_reasons, version FROM referrals WHERE id = $1', [referral.id]);
    assert.deepEqual(row.rows[0], { state: 'received', triage_reasons: null, version: 1 });
    const audit = await t.db.query<{ outcome: string }>(`SELECT outcome FROM audit_events WHERE record_id = $1 ORDER BY id DESC LIMIT 1`, [referral.id]);
    assert.equal(audit.rows[0]!.outcome, 'failure');
  });

  test('the referral page is for staff with a relationship: other organisations and tenants get 404, referrers and commissioners 403', async () => {
    const { referral } = await submitReferral(publicCtx(), 'kent', submission(), options);
    const expected: Record<string, number> = { triage: 200, admin: 200, navigator: 404, provider: 404, commissioner: 403, referrer: 403 };
    for (const [role, status] of Object.entries(expected)) {
      const client = await t.signedIn(demoEmail(role));
      const page = await client.get(`/referrals/${referral.id}`);
      assert.equal(page.statusCode, status, role);
      if (status === 200) assert.match(page.body, new RegExp(referral.reference));
    }
    const kingston = await t.signedIn(demoEmail('triage', 'kingston'));
    assert.equal((await kingston.get(`/referrals/${referral.id}`)).statusCode, 404);
  });
});
