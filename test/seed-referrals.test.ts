// The demo and benchmark referrals: the same seed gives the same rows; the mix looks like a real
// service's (Live Well Kent's quarterly table); every referral's history agrees with its state;
// deadlines come from the domain's clocks; organisations can reach the people routed to them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { seedDatabase } from '../src/seed/generate.ts';
import { seedReferrals } from '../src/seed/referrals.ts';
import { firstResponseDue } from '../src/domain/working-days.ts';
import { getTenantSettings } from '../src/platform/tenant-settings.ts';
import { clockSettings } from '../src/features/referrals/service.ts';

const AS_OF = new Date('2026-03-02T10:00:00Z');
let a: TestDatabase;
let b: TestDatabase;

before(async () => {
  [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
  for (const d of [a, b]) await seedDatabase(d.db, { tenants: ['kent'], people: 600, seed: 'referral-seed-test' });
  await seedReferrals(a.db, { tenant: 'kent', count: 800, seed: 'referral-seed-test', asOf: AS_OF, batchSize: 300 });
  await seedReferrals(b.db, { tenant: 'kent', count: 800, seed: 'referral-seed-test', asOf: AS_OF });
});
after(async () => {
  await a.drop();
  await b.drop();
});

const count = async (sql: string, params: unknown[] = []) => Number((await a.db.query<{ n: number }>(sql, params)).rows[0]!.n);

describe('seeded referrals', () => {
  test('the same seed and date give the same referrals, events and contact attempts, whatever the batch size', async () => {
    for (const sql of [
      `SELECT id, reference, person_id, source, channel, state, urgency, due_at, received_at, routed_organisation_id, closed_at, version FROM referrals ORDER BY id`,
      `SELECT referral_id, at, kind, from_state, to_state, note FROM referral_events ORDER BY referral_id, at, kind`,
      `SELECT id, referral_id, at, outcome FROM referral_contact_attempts ORDER BY id`,
    ]) {
      assert.deepEqual((await a.db.query(sql)).rows, (await b.db.query(sql)).rows, sql);
    }
  });

  test('self-referrals and other statutory services are the largest sources, as in Live Well Kent’s report', async () => {
    const { rows } = await a.db.query<{ source: string; n: number }>(`SELECT source, count(*) AS n FROM referrals GROUP BY source ORDER BY count(*) DESC, source`);
    assert.deepEqual(rows.slice(0, 2).map((r) => r.source), ['self', 'other_statutory']);
    assert.equal(new Set(rows.map((r) => r.source)).size >= 9, true, 'referrals come from many places');
  });

  test('old referrals are closed (mostly signed up, about a third unable to sign up); recent ones wait', async () => {
    const closed = await a.db.query<{ state: string; n: number }>(
      `SELECT state, count(*) AS n FROM referrals WHERE received_at < $1::timestamptz - interval '60 days' GROUP BY state`, [AS_OF],
    );
    const by = Object.fromEntries(closed.rows.map((r) => [r.state, Number(r.n)]));
    assert.equal(by.received ?? 0, 0);
    assert.equal(by.waiting ?? 0, 0);
    const signedUp = by.signed_up ?? 0;
    const unable = by.unable_to_sign_up ?? 0;
    assert.ok(signedUp > unable && unable > 0, JSON.stringify(by));
    const unableShare = unable / (signedUp + unable);
    assert.ok(unableShare > 0.2 && unableShare < 0.45, `unable to sign up: ${unableShare}`);
    assert.ok(await count(`SELECT count(*) AS n FROM referrals WHERE state = 'received' AND received_at > $1::timestamptz - interval '10 days'`, [AS_OF]) > 10);
    assert.ok(await count(`SELECT count(*) AS n FROM referrals WHERE state = 'waiting'`) > 50);
    assert.ok(await count(`SELECT count(*) AS n FROM referrals WHERE state = 'received' AND due_at < $1`, [AS_OF]) > 0, 'some of the queue is overdue');
    assert.ok(await count(`SELECT count(*) AS n FROM referrals WHERE state = 'received' AND match_status = 'needs_review' AND person_id IS NULL`) > 0);
    assert.equal(await count(`SELECT count(*) AS n FROM referrals WHERE received_at > $1`, [AS_OF]), 0, 'nothing from the future');
  });

  test('deadlines are the domain’s clock from the original date, for every referral', async () => {
    const settings = clockSettings(await getTenantSettings(a.db, 'kent'));
    const { rows } = await a.db.query<{ original_received_at: Date; urgency: 'crisis' | 'urgent' | 'routine'; due_at: Date }>(
      'SELECT original_received_at, urgency, due_at FROM referrals',
    );
    for (const r of rows) assert.equal(r.due_at.getTime(), firstResponseDue(r.original_received_at, r.urgency, settings).getTime());
  });

  test('each referral’s history starts when it came in and ends in the state it is in', async () => {
    const mismatched = await count(`
      SELECT count(*) AS n FROM referrals r
       WHERE NOT EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id AND e.kind = 'received' AND e.at = r.received_at)
          OR r.state <> (SELECT e.to_state FROM referral_events e WHERE e.referral_id = r.id AND e.to_state IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1)
          OR r.version <> (SELECT count(*) FROM referral_events e WHERE e.referral_id = r.id)`);
    assert.equal(mismatched, 0);
    assert.equal(await count(`SELECT count(*) AS n FROM referrals WHERE state = 'unable_to_sign_up' AND close_reason IS NULL`), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM referrals r WHERE contact_attempts <> (SELECT count(*) FROM referral_contact_attempts c WHERE c.referral_id = r.id)`), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM referrals WHERE close_reason = 'no_response' AND contact_attempts < 3`), 0);
  });

  test('signed up referrals have a support episode, and organisations can reach the people routed to them', async () => {
    assert.equal(await count(`SELECT count(*) AS n FROM referrals r WHERE state = 'signed_up' AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.id = r.episode_id AND e.person_id = r.person_id)`), 0);
    assert.equal(await count(`
      SELECT count(*) AS n FROM referrals r WHERE state = 'waiting'
         AND NOT EXISTS (SELECT 1 FROM person_access pa WHERE pa.person_id = r.person_id AND pa.organisation_id = r.routed_organisation_id AND pa.source_id = r.id AND pa.ended_at IS NULL)`), 0);
    assert.equal(await count(`SELECT count(*) AS n FROM (SELECT person_id FROM episodes WHERE state = 'open' GROUP BY person_id HAVING count(*) > 1) x`), 0);
  });

  test('the open mix is all waiting for triage, and adding the same referrals twice is refused', async () => {
    await seedReferrals(a.db, { tenant: 'kent', count: 300, seed: 'open-test', mix: 'open', asOf: AS_OF });
    assert.equal(await count(`SELECT count(*) AS n FROM referrals WHERE received_at > $1::timestamptz - interval '15 days' AND state = 'received'`, [AS_OF]) >= 300, true);
    await assert.rejects(seedReferrals(a.db, { tenant: 'kent', count: 5, seed: 'open-test', mix: 'open', asOf: AS_OF }), /already has the referrals of seed "open-test"/);
  });
});
