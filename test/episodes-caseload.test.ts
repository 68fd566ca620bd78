// The caseload: my people with what is due, sorted and filtered; overdue contact by the tenant's
// number of days as the clock moves on; the team view for team leads; the SQL filters agreeing
// with the words shown; paging; and a column another feature adds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, startTestApp, type TestApp } from './support/app.ts';
import { personWithEpisode, staffContextOf, staffMember, type SupportedPerson } from './support/episodes.ts';
import { addCaseloadColumn, caseload, caseloadQueryFrom, type CaseloadPage } from '../src/features/episodes/caseload.ts';
import { createGoal, createStep, savePlan } from '../src/features/episodes/plan.ts';
import { recordContact } from '../src/features/episodes/contacts.ts';
import { datePartsFrom } from '../src/features/episodes/fields.ts';
import { saveRisk } from '../src/features/people/risk.ts';
import { isReviewDueThisWeek, isSomethingOverdue } from '../src/domain/caseload-due.ts';
import { londonDate } from '../src/domain/working-days.ts';
import type { StaffContext } from '../src/platform/context.ts';

// Wednesday 4 March 2026, midday. The week ends on Sunday 8 March.
const NOW = new Date('2026-03-04T12:00:00Z');
const at = (date: string) => ({ now: new Date(`${date}T12:00:00Z`) });
const STARTED = new Date('2026-01-05T09:00:00Z');

let t: TestApp;
let nav3: StaffContext;
let lead: StaffContext;
const people: Record<string, SupportedPerson> = {};

async function contact(ctx: StaffContext, who: SupportedPerson, date: string): Promise<void> {
  await recordContact(ctx, who.episodeId, { contactOn: datePartsFrom(date), time: '10:00', kind: 'phone', duration: '20', note: '', mecc: [] }, at(date));
}

before(async () => {
  t = await startTestApp();
  nav3 = await staffContextOf(t.db, 'navigator3');
  lead = await staffContextOf(t.db, 'navigator');
  const make = async (familyName: string, worker: string | null, startedAt = STARTED) => {
    people[familyName] = await personWithEpisode(t.db, { worker, familyName, givenName: 'Sam', startedAt });
    return people[familyName]!;
  };
  // Contact lapsed: 22 days since the last one.
  await contact(nav3, await make('Adams', 'navigator3'), '2026-02-10');
  // A plan review this Friday; two risk flags.
  const baker = await make('Baker', 'navigator3');
  await contact(nav3, baker, '2026-03-02');
  await savePlan(nav3, baker.episodeId, { whatMatters: 'My children', strengths: '', nextReviewOn: datePartsFrom('2026-03-06'), version: 0 }, { now: NOW });
  await saveRisk(nav3, baker.personId, { flags: ['suicidal_thoughts', 'self_harm'], summary: 'Has a safety plan', version: 0 });
  // Started 8 days ago with no contact yet (not overdue); a goal review later this month; a step due yesterday.
  const carter = await make('Carter', 'navigator3', new Date('2026-02-24T10:00:00Z'));
  const goal = await createGoal(nav3, carter.episodeId, { description: 'Cook a meal for friends', domain: 'healthy_living', reviewOn: datePartsFrom('2026-03-20') }, at('2026-02-25'));
  await createStep(nav3, carter.episodeId, goal, { description: 'Buy a recipe book', owner: 'person', ownerName: '', dueOn: datePartsFrom('2026-03-03') }, at('2026-02-25'));
  await saveRisk(nav3, carter.personId, { flags: ['lone_working'], summary: 'Dog at home', version: 0 });
  // Nothing due.
  await contact(nav3, await make('Davies', 'navigator3'), '2026-03-03');
  // The team lead's own, contacted exactly 14 days ago; one not allocated; one in another organisation.
  await contact(lead, await make('Foster', 'navigator'), '2026-02-18');
  await contact(lead, await make('Evans', null), '2026-03-01');
  await make('Green', 'navigator2');
});
after(() => t.close());

const names = (page: CaseloadPage) => page.rows.map((r) => r.familyName);
const query = (params: Record<string, string> = {}) => caseloadQueryFrom(params);

describe('my caseload', () => {
  test('my people only, by name, with counts of what is overdue, due this week and flagged', async () => {
    const page = await caseload(nav3, query(), { now: NOW });
    assert.deepEqual(names(page), ['Adams', 'Baker', 'Carter', 'Davies']);
    assert.deepEqual(page.counts, { total: 4, overdue: 2, reviewWeek: 1, flagged: 2, capped: false });
  });

  test('what is due, in words, and risk flags in words', async () => {
    const page = await caseload(nav3, query(), { now: NOW });
    const due = Object.fromEntries(page.rows.map((r) => [r.familyName, r.due.map((d) => d.text)]));
    assert.deepEqual(due, {
      Adams: ['No contact for 22 days'],
      Baker: ['Plan review due Friday 6 March'],
      Carter: ['Follow-up overdue: was due 3 March 2026'],
      Davies: [],
    });
    assert.deepEqual(page.rows[1]!.riskFlagNames, ['Self-harm', 'Suicidal thoughts']);
    assert.equal(page.rows[2]!.nextReviewOn, '2026-03-20');
  });

  test('sorted by last contact (longest first, counting from the start of support before any), next review and risk', async () => {
    assert.deepEqual(names(await caseload(nav3, query({ sort: 'last_contact' }), { now: NOW })), ['Adams', 'Carter', 'Baker', 'Davies']);
    assert.deepEqual(names(await caseload(nav3, query({ sort: 'next_review' }), { now: NOW })), ['Baker', 'Carter', 'Adams', 'Davies']);
    assert.deepEqual(names(await caseload(nav3, query({ sort: 'risk' }), { now: NOW })), ['Baker', 'Carter', 'Adams', 'Davies']);
    assert.deepEqual(names(await caseload(nav3, query({ sort: 'nonsense' }), { now: NOW })), ['Adams', 'Baker', 'Carter', 'Davies'], 'unknown sorts fall back to name');
  });

  test('filtered by risk flag, something overdue and a review due this week', async () => {
    assert.deepEqual(names(await caseload(nav3, query({ risk: 'any' }), { now: NOW })), ['Baker', 'Carter']);
    assert.deepEqual(names(await caseload(nav3, query({ risk: 'lone_working' }), { now: NOW })), ['Carter']);
    assert.deepEqual(names(await caseload(nav3, query({ overdue: '1' }), { now: NOW })), ['Adams', 'Carter']);
    assert.deepEqual(names(await caseload(nav3, query({ review: 'week' }), { now: NOW })), ['Baker']);
    const both = await caseload(nav3, query({ overdue: '1', risk: 'any' }), { now: NOW });
    assert.deepEqual(names(both), ['Carter']);
    assert.equal(both.matching, 1);
    assert.equal(both.counts.total, 4, 'the counts are of the whole caseload');
  });

  test('contact becomes overdue after more than the tenant’s number of days, as the clock moves on', async () => {
    const onTheDay = await caseload(lead, query(), { now: NOW });
    assert.deepEqual(onTheDay.rows.find((r) => r.familyName === 'Foster')!.due, [], '14 days is not more than 14');
    const dayAfter = await caseload(lead, query({ overdue: '1' }), at('2026-03-05'));
    assert.deepEqual(dayAfter.rows.map((r) => [r.familyName, r.due.map((d) => d.text)]), [['Foster', ['No contact for 15 days']]]);
    // Carter had no contact since starting on 24 February: overdue once more than 14 days have passed.
    assert.deepEqual(names(await caseload(nav3, query({ overdue: '1' }), at('2026-03-10'))), ['Adams', 'Baker', 'Carter']);
    assert.match((await caseload(nav3, query(), at('2026-03-11'))).rows[2]!.due[0]!.text, /^No contact since support started 15 days ago$/);
  });

  test('a new contact takes someone off the overdue list at once', async () => {
    const worker = await staffContextOf(t.db, 'provider');
    const ince = await personWithEpisode(t.db, { worker: 'provider', familyName: 'Ince', startedAt: STARTED });
    await contact(worker, ince, '2026-02-01');
    assert.deepEqual(names(await caseload(worker, query({ overdue: '1' }), { now: NOW })), ['Ince']);
    await contact(worker, ince, '2026-03-04');
    assert.deepEqual(names(await caseload(worker, query({ overdue: '1' }), { now: NOW })), []);
    assert.equal((await caseload(worker, query(), { now: NOW })).rows[0]!.lastContactAt?.toISOString(), '2026-03-04T10:00:00.000Z');
  });

  test('the tenant’s number of days is used', async () => {
    await t.db.query(`UPDATE tenants SET settings = settings || '{"contactOverdueDays": 30}' WHERE id = 'kent'`);
    try {
      const page = await caseload(nav3, query({ overdue: '1' }), { now: NOW });
      assert.deepEqual(names(page), ['Carter']);
      assert.equal(page.contactOverdueDays, 30);
    } finally {
      await t.db.query(`UPDATE tenants SET settings = settings - 'contactOverdueDays' WHERE id = 'kent'`);
    }
  });
});

describe('the team view', () => {
  test('a team lead sees every worker’s people in the organisation, and can pick one worker or those not allocated', async () => {
    const team = await caseload(lead, query({ team: '1' }), { now: NOW });
    assert.deepEqual(names(team), ['Adams', 'Baker', 'Carter', 'Davies', 'Evans', 'Foster']);
    assert.deepEqual(team.rows.map((r) => r.workerName ?? 'none'), ['Grace Adeyemi', 'Grace Adeyemi', 'Grace Adeyemi', 'Grace Adeyemi', 'none', 'Tom Okafor']);
    assert.deepEqual(team.workers.map((w) => w.name), ['Grace Adeyemi', 'Tom Okafor']);
    const nav3Id = (await staffMember(t.db, 'navigator3')).id;
    assert.deepEqual(names(await caseload(lead, query({ team: '1', worker: nav3Id }), { now: NOW })), ['Adams', 'Baker', 'Carter', 'Davies']);
    assert.deepEqual(names(await caseload(lead, query({ team: '1', worker: 'unallocated' }), { now: NOW })), ['Evans']);
  });

  test('only team leads have a team view', async () => {
    await assert.rejects(caseload(nav3, query({ team: '1' })), (error: { status: number }) => error.status === 403);
    const worker = await t.signedIn(demoEmail('navigator3'));
    assert.equal((await worker.get('/caseload?team=1')).statusCode, 403);
  });

  test('the SQL filters agree with what is shown for each person, whatever the day', async () => {
    for (const day of ['2026-02-20', '2026-03-04', '2026-03-06', '2026-03-09', '2026-03-21', '2026-04-30']) {
      const options = at(day);
      const all = await caseload(lead, query({ team: '1' }), options);
      const overdue = new Set(names(await caseload(lead, query({ team: '1', overdue: '1' }), options)));
      const week = new Set(names(await caseload(lead, query({ team: '1', review: 'week' }), options)));
      for (const row of all.rows) {
        const facts = {
          planReviewOn: row.planReviewOn, goalReviewOn: row.goalReviewOn, stepDueOn: row.stepDueOn,
          lastContactOn: row.lastContactAt ? londonDate(row.lastContactAt) : null, startedOn: londonDate(row.startedAt),
        };
        assert.equal(overdue.has(row.familyName), isSomethingOverdue(facts, { today: day, contactOverdueDays: 14 }), `${row.familyName} on ${day}`);
        assert.equal(week.has(row.familyName), isReviewDueThisWeek(facts, day), `${row.familyName} on ${day}`);
        assert.equal(overdue.has(row.familyName), row.due.some((d) => d.level === 'overdue'), `${row.familyName} on ${day}`);
      }
      assert.equal(all.counts.overdue, overdue.size, day);
      assert.equal(all.counts.reviewWeek, week.size, day);
    }
  });
});

describe('the caseload page', () => {
  test('sorted and filtered from the query string, with the people shown audited', async () => {
    const worker = await t.signedIn(demoEmail('navigator3'));
    const page = await worker.get('/caseload');
    assert.equal(page.statusCode, 200);
    const order = [...page.body.matchAll(/>([A-Z]+), Sam</g)].map((m) => m[1]);
    assert.deepEqual(order, ['ADAMS', 'BAKER', 'CARTER', 'DAVIES']);
    assert.match(page.body, /<span class="nhsuk-u-visually-hidden">Risk flag: <\/span>Lone working: visit in pairs/);
    const risky = await worker.get('/caseload?sort=risk&risk=any');
    assert.deepEqual([...risky.body.matchAll(/>([A-Z]+), Sam</g)].map((m) => m[1]), ['BAKER', 'CARTER']);
    assert.match(risky.body, /<option value="risk" selected>/);
    const audit = await t.db.query<{ basis: string; detail: { personIds: string[] } }>(
      `SELECT basis, detail FROM audit_events WHERE action = 'caseload.read' AND actor_user_id = $1 ORDER BY id DESC LIMIT 1`, [nav3.actor.userId],
    );
    assert.equal(audit.rows[0]!.basis, 'own caseload');
    assert.deepEqual(audit.rows[0]!.detail.personIds, [people.Baker!.personId, people.Carter!.personId]);
  });

  test('for navigators and provider workers only', async () => {
    for (const [role, status] of [['admin', 403], ['triage', 403], ['commissioner', 403], ['referrer', 403], ['provider', 200], ['navigator2', 200]] as const) {
      const client = await t.signedIn(demoEmail(role));
      assert.equal((await client.get('/caseload')).statusCode, status, role);
    }
  });

  test('a team lead’s page has a worker column and filter', async () => {
    const teamLead = await t.signedIn(demoEmail('navigator'));
    const page = await teamLead.get('/caseload?team=1&worker=unallocated');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Team caseload<\/h1>/);
    assert.match(page.body, /<th scope="col" class="nhsuk-table__header">Worker<\/th>/);
    assert.match(page.body, /<option value="unallocated" selected>Not allocated to a worker<\/option>/);
    assert.deepEqual([...page.body.matchAll(/>([A-Z]+), Sam</g)].map((m) => m[1]), ['EVANS']);
  });

  test('pages of 50, and a column another feature adds', async () => {
    for (let i = 0; i < 52; i++) await personWithEpisode(t.db, { worker: 'navigator2', familyName: `Many${String(i).padStart(2, '0')}` });
    addCaseloadColumn({
      key: 'test-waiting',
      heading: 'Waiting for a provider',
      cells: async (_tx, _ctx, rows) => new Map(rows.filter((r) => r.familyName.endsWith('7')).map((r) => [r.episodeId, { text: '1 prescription', tag: 'orange' as const }])),
    });
    const other = await t.signedIn(demoEmail('navigator2'));
    const first = await other.get('/caseload');
    assert.match(first.body, /53 people match\. Showing 1 to 50\./);
    assert.match(first.body, /Page 2 of 2/);
    assert.match(first.body, /<th scope="col" class="nhsuk-table__header">Waiting for a provider<\/th>/);
    assert.equal([...first.body.matchAll(/nhsuk-tag--orange lantern-tag">1 prescription/g)].length, 5, 'Many07, 17, 27, 37, 47');
    const second = await other.get('/caseload?page=2');
    assert.match(second.body, /Showing 51 to 53/);
    assert.deepEqual([...second.body.matchAll(/>([A-Z0-9]+), (Sam|Alex)</g)].map((m) => m[1]), ['MANY49', 'MANY50', 'MANY51']);
  });
});
