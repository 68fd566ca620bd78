// The demo's support: a navigator who signs in to the demo finds people on their caseload with
// plans, goals, contacts and something due; the demo provider finds prescriptions in its inbox;
// and the same seed and date write the same plans, goals and contacts.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { staffContext } from './support/prescriptions.ts';
import { seedDatabase } from '../src/seed/generate.ts';
import { seedDirectory } from '../src/seed/directory.ts';
import { seedReferrals } from '../src/seed/referrals.ts';
import { seedSupport, type SupportSeedReport } from '../src/seed/support.ts';
import { caseload, caseloadQueryFrom } from '../src/features/episodes/caseload.ts';
import { providerInbox } from '../src/features/prescriptions/service.ts';

const AS_OF = new Date('2026-03-04T10:00:00Z');
let a: TestDatabase;
let b: TestDatabase;
let report: SupportSeedReport;

before(async () => {
  [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
  for (const d of [a, b]) {
    await seedDatabase(d.db, { tenants: ['kent'], people: 600, seed: 'support-seed-test' });
    await seedDirectory(d.db, ['kent']);
    await seedReferrals(d.db, { tenant: 'kent', count: 300, seed: 'support-seed-test', asOf: AS_OF });
  }
  report = await seedSupport(a.db, { tenant: 'kent', seed: 'support-seed-test', asOf: AS_OF });
  await seedSupport(b.db, { tenant: 'kent', seed: 'support-seed-test', asOf: AS_OF });
});
after(async () => {
  await a.drop();
  await b.drop();
});

describe('demo support', () => {
  test('the same seed and date give the same plans, goals, steps, progress and contacts', async () => {
    for (const sql of [
      'SELECT episode_id, what_matters, strengths, next_review_on FROM support_plans ORDER BY episode_id',
      'SELECT episode_id, description, domain, review_on, status FROM goals ORDER BY episode_id, created_at, description',
      `SELECT g.episode_id, s.description, s.owner, s.due_on, s.done_at FROM goal_steps s JOIN goals g ON g.tenant_id = s.tenant_id AND g.id = s.goal_id
        ORDER BY g.episode_id, g.created_at, g.description, s.description, s.due_on`,
      `SELECT g.episode_id, g.description, p.rated_on, p.rating FROM goal_progress p JOIN goals g ON g.tenant_id = p.tenant_id AND g.id = p.goal_id
        ORDER BY g.episode_id, g.description, p.rated_on`,
      'SELECT episode_id, contact_at, kind, duration_minutes, mecc FROM episode_contacts ORDER BY episode_id, contact_at',
    ]) {
      const left = (await a.db.query(sql)).rows;
      assert.ok(left.length > 0, `rows for ${sql}`);
      assert.deepEqual(left, (await b.db.query(sql)).rows, sql);
    }
  });

  test('only open episodes with a navigator get a plan, and each is in the caseload’s summary', async () => {
    const { rows } = await a.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM support_plans p JOIN episodes e ON e.tenant_id = p.tenant_id AND e.id = p.episode_id
         JOIN staff_users s ON s.tenant_id = e.tenant_id AND s.id = e.worker_id
        WHERE e.state = 'open' AND s.role = 'navigator'
          AND EXISTS (SELECT 1 FROM episode_summaries m WHERE m.tenant_id = p.tenant_id AND m.episode_id = p.episode_id AND m.plan_review_on = p.next_review_on)`,
    );
    assert.equal(Number(rows[0]!.n), report.plans);
    assert.ok(report.plans >= 10, `plans: ${report.plans}`);
    assert.ok(report.goals >= report.plans, `at least one goal a plan: ${report.goals} goals, ${report.plans} plans`);
  });

  test('every demo navigator with people sees plans, and the team lead sees something overdue and someone not contacted for too long', async () => {
    const { rows: navigators } = await a.db.query<{ email: string }>(
      `SELECT DISTINCT s.email FROM episodes e JOIN staff_users s ON s.tenant_id = e.tenant_id AND s.id = e.worker_id WHERE e.state = 'open' AND s.role = 'navigator' ORDER BY 1`,
    );
    assert.ok(navigators.length >= 2);
    for (const { email } of navigators) {
      const page = await caseload(await staffContext(a.db, email), caseloadQueryFrom({}), { now: AS_OF });
      assert.ok(page.rows.length > 0, email);
      assert.ok(page.rows.some((r) => r.planReviewOn !== null), `${email} has people with a plan review date`);
      assert.ok(page.rows.some((r) => r.lastContactAt !== null), `${email} has people with contacts`);
    }
    const lead = await staffContext(a.db, 'navigator@kent.demo.lantern.test');
    assert.equal(lead.actor.teamLead, true);
    const team = await caseload(lead, caseloadQueryFrom({ team: '1' }), { now: AS_OF });
    assert.ok(team.counts.overdue > 0, 'something is overdue');
    assert.ok(team.rows.some((r) => r.due.some((d) => d.kind === 'contact')), 'someone has not been contacted for too long');
  });

  test('the demo provider has prescriptions waiting for an answer and some answered', async () => {
    assert.ok(report.prescriptions > 0);
    const inbox = await providerInbox(await staffContext(a.db, 'provider@kent.demo.lantern.test'), { page: 1 });
    assert.ok(inbox.total > 0 && inbox.waiting > 0, `the provider’s inbox has prescriptions, some waiting: ${inbox.total}, ${inbox.waiting}`);
    const { rows } = await a.db.query<{ state: string }>('SELECT DISTINCT state FROM prescriptions ORDER BY 1');
    assert.ok(rows.length >= 2, `prescriptions in more than one state: ${rows.map((r) => r.state).join(', ')}`);
  });
});
