// Who reaches a support episode and everything hanging from it, page by page and action by
// action: the holding organisation's workers (any of them), administrators, triage (read only);
// never commissioners or referrers (403); never another organisation or tenant (404). Every
// read, write and refusal leaves an audit row with its basis, and a refused write changes nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { dateFields, personWithEpisode, staffContextOf, staffMember, type SupportedPerson } from './support/episodes.ts';
import { createGoal, createStep } from '../src/features/episodes/plan.ts';
import { londonDate } from '../src/domain/working-days.ts';

let t: TestApp;
let held: SupportedPerson;
let goalId = '';
let stepId = '';
let other: SupportedPerson;
let otherGoalId = '';
const today = londonDate(new Date());

before(async () => {
  t = await startTestApp();
  held = await personWithEpisode(t.db, { worker: 'navigator3' });
  const ctx = await staffContextOf(t.db, 'navigator3');
  goalId = await createGoal(ctx, held.episodeId, { description: 'Walk to the shops on my own', domain: 'recovery', reviewOn: { day: '', month: '', year: '' } });
  stepId = await createStep(ctx, held.episodeId, goalId, { description: 'Walk to the corner with Sam', owner: 'carer', ownerName: 'Sam', dueOn: { day: '', month: '', year: '' } });
  other = await personWithEpisode(t.db, { worker: 'navigator' });
  otherGoalId = await createGoal(await staffContextOf(t.db, 'navigator'), other.episodeId, { description: 'Sleep better', domain: 'healthy_living', reviewOn: { day: '', month: '', year: '' } });
});
after(() => t.close());

const clients = new Map<string, TestClient>();
async function as(login: string, tenant = 'kent'): Promise<TestClient> {
  const key = `${login}@${tenant}`;
  if (!clients.has(key)) clients.set(key, await t.signedIn(demoEmail(login, tenant)));
  return clients.get(key)!;
}

const readPages = () => [
  `/episodes/${held.episodeId}`,
  `/episodes/${held.episodeId}/goals/${goalId}`,
  `/episodes/${held.episodeId}/contacts`,
  `/episodes/${held.episodeId}/status`,
];
const editPages = () => [
  `/episodes/${held.episodeId}/plan`,
  `/episodes/${held.episodeId}/goals/new`,
  `/episodes/${held.episodeId}/goals/${goalId}/edit`,
  `/episodes/${held.episodeId}/goals/${goalId}/steps/new`,
  `/episodes/${held.episodeId}/goals/${goalId}/steps/${stepId}`,
  `/episodes/${held.episodeId}/goals/${goalId}/progress/new`,
  `/episodes/${held.episodeId}/contacts/new`,
  `/episodes/${held.episodeId}/status/new`,
];
const personPages = () => [`/people/${held.personId}`, `/people/${held.personId}/risk`, `/people/${held.personId}/contact-preferences`];

/** [login, tenant, read pages, edit pages, person pages] */
const EXPECTED: [string, string, number, number, number][] = [
  ['navigator', 'kent', 200, 200, 200], // team lead of the holding organisation
  ['navigator3', 'kent', 200, 200, 200], // the worker
  ['admin', 'kent', 200, 200, 200],
  ['triage', 'kent', 200, 403, 200],
  ['navigator2', 'kent', 404, 404, 404], // another organisation
  ['provider', 'kent', 404, 404, 404], // a provider whose organisation does not hold it
  ['commissioner', 'kent', 403, 403, 403],
  ['referrer', 'kent', 403, 403, 403],
  ['navigator', 'kingston', 404, 404, 404],
  ['admin', 'kingston', 404, 404, 404],
];

async function latestAudit(userId: string, recordId: string): Promise<{ action: string; outcome: string; basis: string; person_id: string | null } | undefined> {
  const { rows } = await t.db.query<{ action: string; outcome: string; basis: string; person_id: string | null }>(
    // The episode page also shows the prescriptions, budget, handover and discharge sections, each audited after the episode read.
    `SELECT action, outcome, basis, person_id FROM audit_events
      WHERE actor_user_id = $1 AND record_id = $2 AND action NOT IN ('budget.read', 'handover.read', 'prescription.list') ORDER BY id DESC LIMIT 1`, [userId, recordId],
  );
  return rows[0];
}

describe('pages', () => {
  for (const [login, tenant, read, edit, person] of EXPECTED) {
    test(`${login} (${tenant}): episode pages ${read}, forms ${edit}, person pages ${person}`, async () => {
      const client = await as(login, tenant);
      for (const url of readPages()) assert.equal((await client.get(url)).statusCode, read, `${login} ${url}`);
      for (const url of editPages()) assert.equal((await client.get(url)).statusCode, edit, `${login} ${url}`);
      for (const url of personPages()) assert.equal((await client.get(url)).statusCode, person, `${login} ${url}`);
    });
  }

  test('reads and refusals are audited with their basis', async () => {
    const expectations: [string, string, string, string][] = [
      ['navigator3', 'kent', 'success', 'responsible worker'],
      ['navigator', 'kent', 'success', 'team lead'],
      ['admin', 'kent', 'success', 'tenant administrator'],
      ['triage', 'kent', 'success', 'single point of access'],
      ['navigator2', 'kent', 'denied', 'no relationship'],
      ['provider', 'kent', 'denied', 'no relationship'],
      ['commissioner', 'kent', 'denied', 'role commissioner may not read support episodes'],
      ['referrer', 'kent', 'denied', 'role referrer may not read support episodes'],
      ['navigator', 'kingston', 'denied', 'not found in tenant'],
    ];
    for (const [login, tenant, outcome, basis] of expectations) {
      const client = await as(login, tenant);
      await client.get(`/episodes/${held.episodeId}`);
      const user = await staffMember(t.db, login, tenant);
      const row = await latestAudit(user.id, held.episodeId);
      assert.equal(row?.action, 'episode.read', login);
      assert.equal(row?.outcome, outcome, login);
      assert.equal(row?.basis, basis, login);
      // A refused reader is not told, even in the audit trail, whose episode it is.
      if (outcome === 'denied' && !basis.startsWith('role ')) assert.equal(row?.person_id, null, login);
      if (outcome === 'success') assert.equal(row?.person_id, held.personId, login);
    }
    const triage = await as('triage');
    await triage.get(`/episodes/${held.episodeId}/plan`);
    const row = await latestAudit((await staffMember(t.db, 'triage')).id, held.episodeId);
    assert.deepEqual([row?.action, row?.outcome, row?.basis], ['plan.read', 'denied', 'role triage may not change support episodes']);
  });

  test('a provider reaches an episode its own organisation holds', async () => {
    const own = await personWithEpisode(t.db, { worker: 'provider' });
    const provider = await as('provider');
    assert.equal((await provider.get(`/episodes/${own.episodeId}`)).statusCode, 200);
    assert.equal((await provider.get(`/episodes/${own.episodeId}/plan`)).statusCode, 200);
    assert.equal((await provider.get(`/people/${own.personId}`)).statusCode, 200);
    const saved = await provider.submit(`/episodes/${own.episodeId}/plan`, { whatMatters: 'Woodwork with others', strengths: '' });
    assert.equal(saved.statusCode, 303);
    const row = await latestAudit((await staffMember(t.db, 'provider')).id, own.episodeId);
    assert.deepEqual([row?.action, row?.outcome, row?.basis], ['plan.update', 'success', 'responsible worker']);
  });

  test('a goal is reached only through its own episode', async () => {
    const navigator = await as('navigator');
    assert.equal((await navigator.get(`/episodes/${other.episodeId}/goals/${otherGoalId}`)).statusCode, 200);
    assert.equal((await navigator.get(`/episodes/${held.episodeId}/goals/${otherGoalId}`)).statusCode, 404, 'another episode’s goal under this one');
    assert.equal((await navigator.get(`/episodes/${held.episodeId}/goals/${goalId}/steps/${crypto.randomUUID()}`)).statusCode, 404);
    assert.equal((await navigator.get(`/episodes/not-a-uuid`)).statusCode, 404);
  });
});

describe('actions', () => {
  /** Every write there is, with a valid form for each, read fresh (versions move on). */
  async function actions(): Promise<{ name: string; action: string; form: () => Promise<Record<string, string>> }[]> {
    const version = async (sql: string, id: string) => String((await t.db.query<{ version: number }>(sql, [id])).rows[0]?.version ?? 0);
    const planVersion = () => version('SELECT version FROM support_plans WHERE episode_id = $1', held.episodeId);
    const goalVersion = () => version('SELECT version FROM goals WHERE id = $1', goalId);
    const stepVersion = () => version('SELECT version FROM goal_steps WHERE id = $1', stepId);
    const riskVersion = () => version('SELECT version FROM person_risks WHERE person_id = $1', held.personId);
    const personVersion = () => version('SELECT version FROM people WHERE id = $1', held.personId);
    const e = `/episodes/${held.episodeId}`;
    const g = `${e}/goals/${goalId}`;
    return [
      { name: 'save the plan', action: `${e}/plan`, form: async () => ({ whatMatters: `Matters ${Math.random()}`, strengths: 'Kind', version: await planVersion() }) },
      { name: 'add a goal', action: `${e}/goals/new`, form: async () => ({ description: 'Join a choir', domain: 'social_leisure', submission: crypto.randomUUID() }) },
      { name: 'change a goal', action: `${g}/edit`, form: async () => ({ description: `Walk ${Math.random()}`, domain: 'recovery', status: 'working_on', stoppedReason: '', version: await goalVersion() }) },
      { name: 'add a step', action: `${g}/steps/new`, form: async () => ({ description: 'Buy shoes', owner: 'person', submission: crypto.randomUUID() }) },
      { name: 'change a step', action: `${g}/steps/${stepId}`, form: async () => ({ description: `Walk ${Math.random()}`, owner: 'carer', ownerName: 'Sam', version: await stepVersion() }) },
      { name: 'mark a step done', action: `${g}/steps/${stepId}/done`, form: async () => ({ version: await stepVersion() }) },
      { name: 'record progress', action: `${g}/progress/new`, form: async () => ({ rating: '4', note: '', ...dateFields('ratedOn', today), submission: crypto.randomUUID() }) },
      { name: 'record a contact', action: `${e}/contacts/new`, form: async () => ({ kind: 'phone', duration: '15', time: '00:00', note: '', ...dateFields('contactOn', today), submission: crypto.randomUUID() }) },
      { name: 'record status', action: `${e}/status/new`, form: async () => ({ employmentStatus: '01', accommodationType: 'social_tenant', volunteering: 'no', educationTraining: 'no', ...dateFields('recordedOn', today), submission: crypto.randomUUID() }) },
      { name: 'save risk flags', action: `/people/${held.personId}/risk`, form: async () => ({ flags: 'lone_working', summary: 'Visit in pairs', version: await riskVersion() }) },
      { name: 'save contact preferences', action: `/people/${held.personId}/contact-preferences`, form: async () => ({ methods: 'call', times: '', notes: '', consentGpShare: 'yes', version: await personVersion() }) },
    ];
  }

  /** Everything the episode's records hold now, to show a refused write changed nothing. */
  async function snapshot(): Promise<string> {
    const parts = await Promise.all([
      t.db.query('SELECT what_matters, version FROM support_plans WHERE episode_id = $1', [held.episodeId]),
      t.db.query('SELECT id, description, version FROM goals WHERE episode_id = $1 ORDER BY id', [held.episodeId]),
      t.db.query('SELECT s.id, s.description, s.done_at, s.version FROM goal_steps s JOIN goals g ON g.id = s.goal_id WHERE g.episode_id = $1 ORDER BY s.id', [held.episodeId]),
      t.db.query('SELECT count(*)::int AS n FROM goal_progress p JOIN goals g ON g.id = p.goal_id WHERE g.episode_id = $1', [held.episodeId]),
      t.db.query('SELECT count(*)::int AS n FROM episode_contacts WHERE episode_id = $1', [held.episodeId]),
      t.db.query('SELECT count(*)::int AS n FROM episode_status_records WHERE episode_id = $1', [held.episodeId]),
      t.db.query('SELECT flags, version FROM person_risks WHERE person_id = $1', [held.personId]),
      t.db.query('SELECT contact_preferences, version FROM people WHERE id = $1', [held.personId]),
    ]);
    return JSON.stringify(parts.map((p) => p.rows));
  }

  const post = async (client: TestClient, action: string, form: Record<string, string>) => client.submit('/account/password', form, action);

  for (const [login, tenant, status] of [
    ['triage', 'kent', 403], ['navigator2', 'kent', 404], ['provider', 'kent', 404], ['commissioner', 'kent', 403], ['referrer', 'kent', 403],
    ['navigator', 'kingston', 404],
  ] as const) {
    test(`${login} (${tenant}) is refused every action with ${status}, and nothing changes`, async () => {
      const client = await as(login, tenant);
      const before = await snapshot();
      for (const a of await actions()) {
        // Triage may change the person's own record (risk, contact preferences), not a plan.
        const expected = login === 'triage' && a.action.startsWith('/people/') ? 303 : status;
        if (expected === 303) continue;
        const response = await post(client, a.action, await a.form());
        assert.equal(response.statusCode, expected, `${login}: ${a.name}`);
      }
      assert.equal(await snapshot(), before);
    });
  }

  for (const login of ['navigator3', 'navigator', 'admin']) {
    test(`${login} may take every action, and each is audited with its basis`, async () => {
      const client = await as(login);
      const user = await staffMember(t.db, login);
      for (const a of await actions()) {
        const since = Number((await t.db.query<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM audit_events')).rows[0]!.id);
        const response = await post(client, a.action, await a.form());
        assert.equal(response.statusCode, 303, `${login}: ${a.name} (${response.body.match(/nhsuk-error-summary__list">([\s\S]*?)<\/ul>/)?.[1] ?? ''})`);
        const { rows } = await t.db.query<{ action: string; outcome: string; basis: string; person_id: string }>(
          `SELECT action, outcome, basis, person_id FROM audit_events WHERE id > $1 AND actor_user_id = $2 AND outcome = 'success' ORDER BY id`, [since, user.id],
        );
        assert.ok(rows.length >= 1, `${login}: ${a.name} audited`);
        const write = rows[rows.length - 1]!;
        assert.equal(write.person_id, held.personId, `${login}: ${a.name}`);
        const basis = a.action.startsWith('/people/')
          ? (login === 'admin' ? 'tenant administrator' : 'responsible organisation')
          : ({ admin: 'tenant administrator', navigator: 'team lead', navigator3: 'responsible worker' } as Record<string, string>)[login];
        assert.equal(write.basis, basis, `${login}: ${a.name}`);
      }
      const actionsAudited = await t.db.query<{ action: string }>(
        `SELECT DISTINCT action FROM audit_events WHERE actor_user_id = $1 AND outcome = 'success' ORDER BY action`, [user.id],
      );
      for (const action of ['plan.update', 'goal.create', 'goal.update', 'step.create', 'step.update', 'progress.create', 'contact.create', 'status.create', 'risk.update', 'update']) {
        assert.ok(actionsAudited.rows.some((r) => r.action === action), `${login}: ${action}`);
      }
    });
  }

  test('a refused save is audited as a failure and the audit row is kept', async () => {
    const navigator = await as('navigator');
    const response = await navigator.submit(`/episodes/${held.episodeId}/plan`, { whatMatters: '', strengths: '' });
    assert.equal(response.statusCode, 400);
    const row = await t.db.query<{ outcome: string; detail: { code: string } }>(
      `SELECT outcome, detail FROM audit_events WHERE actor_user_id = $1 AND action = 'plan.update' ORDER BY id DESC LIMIT 1`,
      [(await staffMember(t.db, 'navigator')).id],
    );
    assert.equal(row.rows[0]!.outcome, 'failure');
    assert.equal(row.rows[0]!.detail.code, 'invalid');
  });

  test('an episode that has ended can be read but not changed', async () => {
    const ended = await personWithEpisode(t.db, { worker: 'navigator3' });
    await t.db.query(`UPDATE episodes SET state = 'discharged', discharged_at = now() WHERE id = $1`, [ended.episodeId]);
    const worker = await as('navigator3');
    const page = await worker.get(`/episodes/${ended.episodeId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /This support ended on/);
    assert.doesNotMatch(page.body, /Add a goal/);
    assert.equal((await worker.get(`/episodes/${ended.episodeId}/goals/new`)).statusCode, 409);
  });
});
