// Personal budgets: the amount typed as people type money and kept in whole pence, a plan for
// spending it from the directory or elsewhere, spending recorded against it, the balance and
// planned against spent, overspending refused with the balance and nothing half written, stale
// saves refused, closing at the end of the period, and who may see and change it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { auditRows, openTestEpisode, type TestEpisode } from './support/closing.ts';
import { listing, saveListings } from './support/listings.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { londonDate } from '../src/domain/working-days.ts';

let t: TestApp;
let navigator: TestClient;
before(async () => {
  t = await startTestApp();
  navigator = await t.signedIn(demoEmail('navigator'));
  await saveListings(t.db, [
    listing({ id: 'test-art-in-mind', name: 'Canterbury Art in Mind', organisationName: 'Art in Mind', summary: 'Weekly art groups for people with mental health problems.' }),
    listing({ id: 'test-art-unpublished', name: 'Hidden art class', published: false }),
  ]);
});
after(() => t.close());

const today = () => londonDate(new Date());
const dateFields = (name: string, iso: string) => {
  const [year, month, day] = iso.split('-');
  return { [`${name}[day]`]: String(Number(day)), [`${name}[month]`]: String(Number(month)), [`${name}[year]`]: year! };
};

async function episode(): Promise<TestEpisode> {
  return openTestEpisode(t.db, { workerEmail: demoEmail('navigator'), startedAt: new Date(Date.now() - 400 * 86_400_000) });
}

async function setUpBudget(e: TestEpisode, amount = '£1,250.00', startsOn = addDays(today(), -30), endsOn = addDays(today(), 335)): Promise<void> {
  const response = await navigator.submit(`/episodes/${e.episodeId}/budget/new`, {
    amount, ...dateFields('startsOn', startsOn), ...dateFields('endsOn', endsOn), brokerageBy: 'Kent Independent Brokerage', brokerageNotes: 'Paid as a direct payment.',
  });
  assert.equal(response.statusCode, 303, errorSummary(response.body).join('; '));
  assert.equal(response.headers.location, `/episodes/${e.episodeId}/budget?done=created`);
}

/** The budget form with every field, as a browser sends it: `changes` over a one-year period from 30 days ago. */
async function editBudget(client: TestClient, e: TestEpisode, changes: Record<string, string>) {
  return client.submit(`/episodes/${e.episodeId}/budget/edit`, {
    amount: '1000', ...dateFields('startsOn', addDays(today(), -30)), ...dateFields('endsOn', addDays(today(), 335)), brokerageBy: '', brokerageNotes: '', ...changes,
  });
}

async function addOther(e: TestEpisode, description: string, planned: string) {
  return navigator.submit(`/episodes/${e.episodeId}/budget/items/new`, { choice: 'other', description, planned });
}

async function spend(e: TestEpisode, itemId: string, amount: string, on = today(), description = 'Payment') {
  return navigator.submit(`/episodes/${e.episodeId}/budget/spending/new`, { itemId, amount, description, ...dateFields('spentOn', on) });
}

async function items(e: TestEpisode): Promise<{ id: string; description: string; service_id: string | null; planned_pence: number }[]> {
  const { rows } = await t.db.query<{ id: string; description: string; service_id: string | null; planned_pence: number }>(
    `SELECT i.id, i.description, i.service_id, i.planned_pence FROM personal_budget_items i
       JOIN personal_budgets b ON b.tenant_id = i.tenant_id AND b.id = i.budget_id
      WHERE b.episode_id = $1 ORDER BY i.created_at`,
    [e.episodeId],
  );
  return rows;
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('a personal budget with a plan and spending', () => {
  test('set up in pounds and pence, planned from the directory and elsewhere, spent against, with the balance and planned against spent', async () => {
    const e = await episode();
    const empty = await navigator.get(`/episodes/${e.episodeId}/budget`);
    assert.equal(empty.statusCode, 200);
    assert.match(text(empty.body), /does not have a personal budget/);
    await setUpBudget(e);
    const stored = await t.db.query<{ amount_pence: number; brokerage_by: string }>('SELECT amount_pence, brokerage_by FROM personal_budgets WHERE episode_id = $1', [e.episodeId]);
    assert.equal(Number(stored.rows[0]!.amount_pence), 125_000, '£1,250.00 is kept as 125000 pence');
    assert.equal(stored.rows[0]!.brokerage_by, 'Kent Independent Brokerage');

    // The directory search works as a plain GET form: its results are choices in the plan's form.
    const search = await navigator.get(`/episodes/${e.episodeId}/budget/items/new?q=art`);
    assert.equal(search.statusCode, 200);
    const artChoice = /value="(service:[^"]+)"[^>]*>\s*<label[^>]*>\s*Canterbury Art in Mind/.exec(search.body);
    assert.ok(artChoice, 'Canterbury Art in Mind is offered from the directory');
    const fromDirectory = await navigator.submit(`/episodes/${e.episodeId}/budget/items/new?q=art`, { choice: artChoice[1]!.replace(/&#58;|&colon;/g, ':'), planned: '450' });
    assert.equal(fromDirectory.statusCode, 303, errorSummary(fromDirectory.body).join('; '));
    assert.equal((await addOther(e, 'Gym membership', '£600.00')).statusCode, 303);

    const [art, gym] = await items(e);
    assert.equal(art!.description, 'Canterbury Art in Mind');
    assert.ok(art!.service_id);
    assert.equal(gym!.service_id, null);
    assert.equal(Number(gym!.planned_pence), 60_000);

    assert.equal((await spend(e, art!.id, '120.10', today(), 'Six weeks of classes')).statusCode, 303);
    assert.equal((await spend(e, art!.id, '120.20')).statusCode, 303);
    assert.equal((await spend(e, gym!.id, '700')).statusCode, 303, 'an item can go over its plan while the budget has money left');

    const page = text((await navigator.get(`/episodes/${e.episodeId}/budget`)).body);
    assert.match(page, /Budget £1,250.00 Spent £940.30 Left to spend £309.70/);
    assert.match(page, /Canterbury Art in Mind From the directory £450.00 £240.30 £209.70/);
    assert.match(page, /Gym membership £600.00 £700.00 £100.00 over the plan/);
    assert.match(page, /Total £1,050.00 £940.30/);
    assert.match(page, /£1,050.00 \(£200.00 not planned yet\)/);
    assert.match(page, /Six weeks of classes Canterbury Art in Mind £120.10/);
    assert.match(page, /Kent Independent Brokerage/);

    const audits = await auditRows(t.db, { personId: e.personId });
    const actions = audits.map((a) => `${a.action}:${a.outcome}`);
    for (const action of ['budget.create', 'budget.item_add', 'budget.spend', 'budget.read']) assert.ok(actions.includes(`${action}:success`), action);
    assert.ok(audits.filter((a) => a.action.startsWith('budget.')).every((a) => a.basis === 'responsible worker'));
  });

  test('money is typed the way people write it; what cannot be read is refused with what to type', async () => {
    const e = await episode();
    const cases: [string, RegExp][] = [
      ['', /Enter the budget amount, like £1,250.00/],
      ['12,50', /The budget amount must be an amount in pounds, like £1,250.00/],
      ['0', /The budget amount must be more than £0/],
      ['-20', /The budget amount must be more than £0/],
      ['10.005', /no fractions of a penny/],
      ['2000000', /must be £1,000,000.00 or less/],
    ];
    for (const [amount, message] of cases) {
      const response = await navigator.submit(`/episodes/${e.episodeId}/budget/new`, { amount, ...dateFields('startsOn', today()), ...dateFields('endsOn', today()) });
      assert.equal(response.statusCode, 400, amount);
      assert.match(errorSummary(response.body).join('\n'), message, amount);
      assert.match(response.body, new RegExp(`value="${amount.replace('.', '\\.')}"`), 'what was typed is kept');
    }
    const backwards = await navigator.submit(`/episodes/${e.episodeId}/budget/new`, { amount: '100', ...dateFields('startsOn', today()), ...dateFields('endsOn', addDays(today(), -1)) });
    assert.deepEqual(errorSummary(backwards.body), ['#endsOn-day: The end date must be the same as or after the start date']);
    const noDates = await navigator.submit(`/episodes/${e.episodeId}/budget/new`, { amount: '100' });
    assert.deepEqual(errorSummary(noDates.body), ['#startsOn-day: Enter the start date', '#endsOn-day: Enter the end date']);
    const none = await t.db.query('SELECT 1 FROM personal_budgets WHERE episode_id = $1', [e.episodeId]);
    assert.equal(none.rows.length, 0);
    const failures = await auditRows(t.db, { recordId: e.episodeId, action: 'budget.create' });
    assert.ok(failures.length >= cases.length && failures.every((a) => a.outcome === 'failure'), 'refused attempts are audited');
  });

  test('totals that would go wrong in floating point are exact: ten payments of 10p use up £1.00 and no more', async () => {
    const e = await episode();
    await setUpBudget(e, '1.00');
    await addOther(e, 'Bus fares', '0.70');
    await addOther(e, 'Tea at the group', '0.30');
    const [bus, tea] = await items(e);
    for (let i = 0; i < 7; i++) assert.equal((await spend(e, bus!.id, '0.10')).statusCode, 303);
    for (let i = 0; i < 3; i++) assert.equal((await spend(e, tea!.id, '£0.10')).statusCode, 303, `payment ${8 + i} of 10p`);
    const page = text((await navigator.get(`/episodes/${e.episodeId}/budget`)).body);
    assert.match(page, /Spent £1.00 Left to spend £0.00/);
    assert.match(page, /Bus fares £0.70 £0.70 £0.00/);
    const one = await spend(e, bus!.id, '0.01');
    assert.equal(one.statusCode, 400);
    assert.match(errorSummary(one.body)[0]!, /Nothing is left in this budget/);
  });

  test('overspending is refused with the balance, and nothing is written', async () => {
    const e = await episode();
    await setUpBudget(e, '500');
    await addOther(e, 'Laptop for a course', '500');
    const [laptop] = await items(e);
    assert.equal((await spend(e, laptop!.id, '379.50')).statusCode, 303);
    const before = await t.db.query<{ version: number }>('SELECT version FROM personal_budgets WHERE episode_id = $1', [e.episodeId]);
    const over = await spend(e, laptop!.id, '120.51', today(), 'Laptop bag');
    assert.equal(over.statusCode, 400);
    assert.deepEqual(errorSummary(over.body), ['#amount: This would overspend the budget. £120.50 is left: enter £120.50 or less, or change the budget’s amount first if more has been agreed.']);
    assert.match(over.body, /value="Laptop bag"/, 'what was typed is kept');
    const count = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM personal_budget_spending s JOIN personal_budgets b ON b.id = s.budget_id WHERE b.episode_id = $1`, [e.episodeId]);
    assert.equal(Number(count.rows[0]!.n), 1);
    const afterRow = await t.db.query<{ version: number }>('SELECT version FROM personal_budgets WHERE episode_id = $1', [e.episodeId]);
    assert.equal(afterRow.rows[0]!.version, before.rows[0]!.version, 'nothing half written: the version did not move');
    const refused = (await auditRows(t.db, { recordId: e.episodeId, action: 'budget.spend' })).at(-1)!;
    assert.equal(refused.outcome, 'failure');
    assert.equal((await spend(e, laptop!.id, '120.50')).statusCode, 303, 'exactly what is left is accepted');

    // Two workers recording at once cannot overspend it between them: the budget is locked.
    const e2 = await episode();
    await setUpBudget(e2, '100');
    await addOther(e2, 'Swimming', '100');
    const [swim] = await items(e2);
    const other = await t.signedIn(demoEmail('navigator3'));
    const form = (client: TestClient) => client.submit(`/episodes/${e2.episodeId}/budget/spending/new`, { itemId: swim!.id, amount: '60', description: 'Swim pass', ...dateFields('spentOn', today()) });
    const results = await Promise.all([form(navigator), form(other)]);
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [303, 400]);
  });

  test('the plan cannot add up to more than the budget, nor the amount drop below what is spent or planned', async () => {
    const e = await episode();
    await setUpBudget(e, '300');
    assert.equal((await addOther(e, 'Art materials', '250')).statusCode, 303);
    const tooMuch = await addOther(e, 'Bike repair', '50.01');
    assert.deepEqual(errorSummary(tooMuch.body), ['#planned: The plan would add up to more than the budget. £50.00 is not planned yet: enter £50.00 or less.']);
    const noChoice = await navigator.submit(`/episodes/${e.episodeId}/budget/items/new`, { planned: '10' });
    assert.deepEqual(errorSummary(noChoice.body), ['#choice: Choose a service from the directory, or choose something not in the directory']);
    const noWords = await addOther(e, '', '10');
    assert.deepEqual(errorSummary(noWords.body), ['#description: Enter what it is']);
    const [art] = await items(e);
    await spend(e, art!.id, '100');
    const edit = await editBudget(navigator, e, { amount: '200' });
    assert.equal(edit.statusCode, 400);
    assert.deepEqual(errorSummary(edit.body), ['#amount: The plan adds up to £250.00, so the amount must be £250.00 or more. Lower the plan’s items first to make it smaller.']);
    const removed = await navigator.submit(`/episodes/${e.episodeId}/budget/items/${art!.id}`, {}, `/episodes/${e.episodeId}/budget/items/${art!.id}/remove`);
    assert.equal(removed.statusCode, 409, 'an item with spending stays in the plan');
    assert.match(removed.body, /Spending of £100.00 is recorded against “Art materials”/);
    const lower = await navigator.submit(`/episodes/${e.episodeId}/budget/items/${art!.id}`, { planned: '120' });
    assert.equal(lower.statusCode, 303);
    assert.equal((await editBudget(navigator, e, { amount: '150' })).statusCode, 303);
    assert.match(text((await navigator.get(`/episodes/${e.episodeId}/budget`)).body), /Budget £150.00 Spent £100.00 Left to spend £50.00/);
  });

  test('a save from an out-of-date page is refused with what was typed kept, and nothing is lost', async () => {
    const e = await episode();
    await setUpBudget(e, '1000');
    const other = await t.signedIn(demoEmail('navigator3'));
    const mine = await navigator.get(`/episodes/${e.episodeId}/budget/edit`);
    const version = /name="version" value="(\d+)"/.exec(mine.body)![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(mine.body)![1]!;
    assert.equal((await editBudget(other, e, { amount: '1,100.00', brokerageBy: 'Grace' })).statusCode, 303);
    const stale = await navigator.post(`/episodes/${e.episodeId}/budget/edit`, {
      _csrf: csrf, version, amount: '900', ...dateFields('startsOn', addDays(today(), -30)), ...dateFields('endsOn', addDays(today(), 335)), brokerageBy: 'Tom', brokerageNotes: '',
    });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /The budget changed while you were editing/);
    assert.match(stale.body, /The budget is now £1,100.00/);
    assert.match(stale.body, /value="900"/, 'what was typed is kept');
    assert.match(stale.body, new RegExp(`name="version" value="${Number(version) + 1}"`), 'saving again is a deliberate choice on the new version');
    const row = await t.db.query<{ amount_pence: number; brokerage_by: string }>('SELECT amount_pence, brokerage_by FROM personal_budgets WHERE episode_id = $1', [e.episodeId]);
    assert.deepEqual({ amount: Number(row.rows[0]!.amount_pence), by: row.rows[0]!.brokerage_by }, { amount: 110_000, by: 'Grace' });
  });

  test('a budget closes at the end of its period, not before; a new one can then be set up', async () => {
    const e = await episode();
    await setUpBudget(e, '200', addDays(today(), -10), addDays(today(), 10));
    const early = await navigator.submit(`/episodes/${e.episodeId}/budget/close`, {});
    assert.equal(early.statusCode, 409);
    assert.match(early.body, /can be closed from then\. To end it sooner, change its end date first/);
    const newForm = await navigator.get(`/episodes/${e.episodeId}/budget/new`);
    assert.equal(newForm.statusCode, 303);
    assert.equal(newForm.headers.location, `/episodes/${e.episodeId}/budget`, 'the form for a new budget leads back to the open one');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await navigator.get(`/episodes/${e.episodeId}/budget/edit`)).body)![1]!;
    const second = await navigator.post(`/episodes/${e.episodeId}/budget/new`, { _csrf: csrf, amount: '50', ...dateFields('startsOn', today()), ...dateFields('endsOn', today()) });
    assert.equal(second.statusCode, 409);
    assert.match(second.body, /They already have an open personal budget/);

    const ended = await episode();
    await setUpBudget(ended, '200', addDays(today(), -40), addDays(today(), -1));
    const page = text((await navigator.get(`/episodes/${ended.episodeId}/budget`)).body);
    assert.match(page, /The period has ended/);
    const closed = await navigator.submit(`/episodes/${ended.episodeId}/budget/close`, { note: 'Spent on what mattered most.' });
    assert.equal(closed.statusCode, 303);
    const after = text((await navigator.get(`/episodes/${ended.episodeId}/budget`)).body);
    assert.match(after, /does not have a personal budget open now/);
    assert.match(after, /All budgets/);
    const [budget] = (await t.db.query<{ id: string; state: string }>('SELECT id, state FROM personal_budgets WHERE episode_id = $1', [ended.episodeId])).rows;
    assert.equal(budget!.state, 'closed');
    const old = await navigator.get(`/episodes/${ended.episodeId}/budget/${budget!.id}`);
    assert.equal(old.statusCode, 200);
    assert.match(text(old.body), /Closed .* Spent on what mattered most\./);
    assert.doesNotMatch(old.body, /Add an item to the plan/, 'a closed budget cannot be changed');
    await setUpBudget(ended, '300');
  });
});

describe('who may see and change a personal budget', () => {
  test('the organisation’s staff and administrators change it; triage only reads; others are refused, and every attempt is audited', async () => {
    const e = await episode();
    await setUpBudget(e, '400');
    const page = `/episodes/${e.episodeId}/budget`;
    const expected: [string, string, number, number][] = [
      // who, tenant, reading the budget, opening a form to change it
      ['navigator', 'kent', 200, 200],
      ['navigator3', 'kent', 200, 200],
      ['admin', 'kent', 200, 200],
      ['triage', 'kent', 200, 403],
      ['navigator2', 'kent', 404, 404],
      ['provider', 'kent', 404, 404],
      ['commissioner', 'kent', 403, 403],
      ['referrer', 'kent', 403, 403],
      ['navigator', 'kingston', 404, 404],
      ['admin', 'kingston', 404, 404],
    ];
    for (const [role, tenant, read, change] of expected) {
      const client = await t.signedIn(demoEmail(role, tenant));
      const reading = await client.get(page);
      assert.equal(reading.statusCode, read, `${role} (${tenant}) reading`);
      if (read === 200) assert.match(reading.body, /£400.00/);
      else assert.doesNotMatch(reading.body, new RegExp(e.familyName));
      assert.equal((await client.get(`${page}/items/new`)).statusCode, change, `${role} (${tenant}) opening a form`);
    }
    // A write without the form: triage is refused even with a valid token.
    const triage = await t.signedIn(demoEmail('triage'));
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await triage.get(`/people/${e.personId}/contact-details`)).body)?.[1];
    assert.ok(csrf);
    const posted = await triage.post(`${page}/items/new`, { _csrf: csrf, choice: 'other', description: 'x', planned: '1' });
    assert.equal(posted.statusCode, 403);
    const admin = await t.signedIn(demoEmail('admin'));
    assert.equal((await admin.submit(`${page}/items/new`, { choice: 'other', description: 'Allotment tools', planned: '40' })).statusCode, 303);

    const rows = await auditRows(t.db, { recordId: e.episodeId });
    const denied = rows.filter((r) => r.outcome === 'denied');
    assert.ok(denied.some((r) => r.actor_role === 'navigator' && r.basis === 'no relationship'));
    assert.ok(denied.some((r) => r.actor_role === 'commissioner' && /may not read/.test(r.basis ?? '')));
    assert.ok(denied.some((r) => r.actor_role === 'triage' && /may not change/.test(r.basis ?? '')));
    const reads = (await auditRows(t.db, { personId: e.personId, action: 'budget.read' })).filter((r) => r.outcome === 'success');
    assert.ok(reads.some((r) => r.basis === 'single point of access'));
    assert.ok(reads.some((r) => r.basis === 'tenant administrator'));
    assert.ok(reads.some((r) => r.basis === 'episode organisation'), 'navigator3: the same organisation, not the worker');
    const itemAdd = (await auditRows(t.db, { personId: e.personId, action: 'budget.item_add' })).at(-1)!;
    assert.equal(itemAdd.actor_role, 'admin');
    assert.equal(itemAdd.basis, 'tenant administrator');
  });

  test('a budget of an episode that is not there, or someone else’s budget id, is not found', async () => {
    const e = await episode();
    const other = await episode();
    await setUpBudget(other, '100');
    const [budget] = (await t.db.query<{ id: string }>('SELECT id FROM personal_budgets WHERE episode_id = $1', [other.episodeId])).rows;
    assert.equal((await navigator.get(`/episodes/${e.episodeId}/budget/${budget!.id}`)).statusCode, 404);
    assert.equal((await navigator.get('/episodes/00000000-0000-4000-8000-000000000000/budget')).statusCode, 404);
    assert.equal((await navigator.get('/episodes/not-an-id/budget')).statusCode, 404);
  });
});
