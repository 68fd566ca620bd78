// Who may see and change social prescriptions: decided in the service for every object, with an
// audit row for every read, change and refusal. The provider sees only what was sent to its own
// organisation, and through it nothing more of the person than their name, how to contact them
// and the note: not their person page, plan or crisis plan.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp, type TestClient } from './support/app.ts';
import {
  addStaff, demoEmail, openTestEpisode, organisationId, saveTestListings, SHED_LISTING, type TestEpisode,
} from './support/prescriptions.ts';
import { grantPersonAccess } from '../src/platform/access.ts';

let t: TestApp;
let episode: TestEpisode;
let prescriptionId: string;
const clients = new Map<string, TestClient>();

async function as(email: string): Promise<TestClient> {
  if (!clients.has(email)) clients.set(email, await t.signedIn(email));
  return clients.get(email)!;
}

async function lastAudit(): Promise<{ action: string; outcome: string; basis: string | null; person_id: string | null; actor_role: string; request_id: string }> {
  const { rows } = await t.db.query<{ action: string; outcome: string; basis: string | null; person_id: string | null; actor_role: string; request_id: string }>(
    'SELECT action, outcome, basis, person_id, actor_role, request_id FROM audit_events ORDER BY id DESC LIMIT 1',
  );
  return rows[0]!;
}

/** The audit rows one request wrote, in order. */
async function auditOf(requestId: unknown): Promise<{ action: string; outcome: string; basis: string | null; person_id: string | null; record_type: string | null }[]> {
  const { rows } = await t.db.query<{ action: string; outcome: string; basis: string | null; person_id: string | null; record_type: string | null }>(
    'SELECT action, outcome, basis, person_id, record_type FROM audit_events WHERE request_id = $1 ORDER BY id', [requestId],
  );
  return rows;
}

/** A CSRF token for the client's session, from a page with a form on it. */
async function csrfOf(client: TestClient): Promise<string> {
  const page = await client.get('/account/password');
  return /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
}

const OTHER_PROVIDER = 'sport.coach@kent.demo.lantern.test';

before(async () => {
  t = await startTestApp();
  await saveTestListings(t.db);
  await addStaff(t.db, { email: OTHER_PROVIDER, name: 'Sam Coach', role: 'provider', organisationId: await organisationId(t.db, 'Kent Sport') });
  episode = await openTestEpisode(t.db);
  const navigator = await as(demoEmail('navigator'));
  const sent = await navigator.submit(`/episodes/${episode.episodeId}/prescriptions/new?q=shed`, { target: `service:${SHED_LISTING}`, note: 'Would like company.' });
  assert.equal(sent.statusCode, 303);
  prescriptionId = /\/prescriptions\/([0-9a-f-]{36})/.exec(sent.headers.location as string)![1]!;
});
after(() => t.close());

describe('one prescription, by who is asking', () => {
  // who -> [the prescription page, an answer form, the episode's prescriptions, the prescribing form]
  const EXPECTED: Record<string, [number, number, number, number]> = {
    [demoEmail('navigator')]: [200, 403, 200, 200],
    [demoEmail('navigator3')]: [200, 403, 200, 200], // same organisation as the episode
    [demoEmail('admin')]: [200, 403, 200, 200],
    [demoEmail('triage')]: [200, 403, 200, 403], // reads the whole tenant, prescribes nothing
    [demoEmail('provider')]: [200, 200, 403, 403],
    [OTHER_PROVIDER]: [404, 404, 403, 403], // another provider organisation
    [demoEmail('navigator2')]: [404, 404, 404, 404], // a navigator in another organisation
    [demoEmail('commissioner')]: [403, 403, 403, 403],
    [demoEmail('referrer')]: [403, 403, 403, 403],
    [demoEmail('admin', 'kingston')]: [404, 404, 404, 404],
    [demoEmail('navigator', 'kingston')]: [404, 404, 404, 404],
    [demoEmail('provider', 'kingston')]: [404, 404, 403, 403],
  };
  for (const [email, [page, answer, list, prescribe]] of Object.entries(EXPECTED)) {
    test(`${email}: prescription ${page}, answer ${answer}, episode list ${list}, prescribe ${prescribe}`, async () => {
      const client = await as(email);
      const opened = await client.get(`/prescriptions/${prescriptionId}`);
      assert.equal(opened.statusCode, page, 'prescription page');
      const [audit, ...more] = await auditOf(opened.headers['x-request-id']);
      assert.ok(audit, 'every answer is audited');
      assert.equal(audit.action, 'prescription.read');
      if (page === 200) {
        assert.deepEqual([audit.outcome, audit.person_id], ['success', episode.personId]);
        assert.ok(audit.basis);
        // Only the receiving organisation reads the person's contact details, as a read of their record.
        assert.deepEqual(more.map((r) => [r.action, r.record_type, r.basis]), email === demoEmail('provider') ? [['read', 'person', 'social prescription']] : []);
      } else {
        assert.deepEqual([audit.outcome, audit.person_id], ['denied', null], 'a refusal is audited and names nobody');
        // Provider staff never load a prescription sent elsewhere: the store looks only in their inbox.
        const expectedBasis = page === 403 ? `role: ${/^(\w+)@/.exec(email)![1]}`
          : email === OTHER_PROVIDER || email === demoEmail('provider', 'kingston') ? 'not sent to organisation'
          : email.includes('kingston') ? 'not found in tenant' : 'no relationship';
        assert.equal(audit.basis, expectedBasis);
        assert.doesNotMatch(opened.body, new RegExp(episode.personName));
      }
      assert.equal((await client.get(`/prescriptions/${prescriptionId}/accept`)).statusCode, answer, 'answer form');
      assert.equal((await client.get(`/episodes/${episode.episodeId}/prescriptions`)).statusCode, list, 'episode list');
      assert.equal((await client.get(`/episodes/${episode.episodeId}/prescriptions/new`)).statusCode, prescribe, 'prescribing form');
    });
  }

  test('posting an answer without a relationship changes nothing and is audited as denied', async () => {
    for (const email of [OTHER_PROVIDER, demoEmail('navigator2'), demoEmail('provider', 'kingston')]) {
      const client = await as(email);
      const response = await client.post(`/prescriptions/${prescriptionId}/accept`, { _csrf: await csrfOf(client), version: '1', note: '' });
      assert.equal(response.statusCode, 404, email);
      const audit = await lastAudit();
      assert.deepEqual([audit.action, audit.outcome], ['prescription.accept', 'denied'], email);
    }
    const { rows } = await t.db.query<{ state: string }>('SELECT state FROM prescriptions WHERE id = $1', [prescriptionId]);
    assert.equal(rows[0]!.state, 'sent');
  });

  test('a navigator in another organisation cannot prescribe for the episode, even by posting', async () => {
    const client = await as(demoEmail('navigator2'));
    const response = await client.post(`/episodes/${episode.episodeId}/prescriptions/new`, { _csrf: await csrfOf(client), target: `service:${SHED_LISTING}`, note: 'x' });
    assert.equal(response.statusCode, 404);
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.outcome, audit.basis], ['prescription.send', 'denied', 'no relationship']);
  });
});

describe('the provider’s inbox', () => {
  test('another provider organisation’s inbox does not list it', async () => {
    const other = await as(OTHER_PROVIDER);
    const inbox = await other.get('/prescriptions');
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /Nothing has been sent to your organisation yet/);
    assert.doesNotMatch(inbox.body, new RegExp(prescriptionId));
    assert.doesNotMatch(inbox.body, new RegExp(episode.personName));
    const own = await (await as(demoEmail('provider'))).get('/prescriptions');
    assert.match(own.body, new RegExp(prescriptionId));
  });

  test('a navigator’s organisation has an inbox too, in the menu, listing only what was sent to it', async () => {
    const navigator2 = await as(demoEmail('navigator2'));
    const inbox = await navigator2.get('/prescriptions');
    assert.equal(inbox.statusCode, 200);
    const caseload = await navigator2.get('/caseload');
    assert.match(caseload.body, /href="\/prescriptions">Social prescriptions<\/a>/, 'the menu links to the inbox');
    assert.match(inbox.body, /Nothing has been sent to your organisation yet/);
    assert.doesNotMatch(inbox.body, new RegExp(episode.personName));
  });

  test('commissioners and referrers have no inbox, and neither have administrators', async () => {
    for (const role of ['commissioner', 'referrer', 'admin', 'triage']) {
      assert.equal((await (await as(demoEmail(role))).get('/prescriptions')).statusCode, 403, role);
    }
  });
});

describe('what the provider cannot see through a prescription', () => {
  test('the person’s page, plan, crisis plan and support episode answer 404, with the refusal audited', async () => {
    const provider = await as(demoEmail('provider'));
    const person = await provider.get(`/people/${episode.personId}`);
    assert.equal(person.statusCode, 404);
    const audit = await lastAudit();
    assert.deepEqual([audit.action, audit.outcome, audit.basis], ['read', 'denied', 'no relationship']);
    for (const path of [`/people/${episode.personId}/crisis-plan`, `/episodes/${episode.episodeId}`, `/episodes/${episode.episodeId}/plan`]) {
      assert.equal((await provider.get(path)).statusCode, 404, path);
    }
    const grants = await t.db.query('SELECT 1 FROM person_access WHERE person_id = $1 AND organisation_id = (SELECT organisation_id FROM staff_users WHERE email = $2)', [episode.personId, demoEmail('provider')]);
    assert.equal(grants.rows.length, 0, 'a prescription grants no access to the person record');
  });

  test('another relationship (a referral routed to the provider) does open the person page', async () => {
    const shed = await organisationId(t.db, 'Dartford Men');
    await grantPersonAccess(t.db, { tenantId: 'kent', personId: episode.personId, organisationId: shed, basis: 'referral routed to organisation', sourceId: crypto.randomUUID() });
    const provider = await as(demoEmail('provider'));
    const page = await provider.get(`/people/${episode.personId}`);
    assert.equal(page.statusCode, 200);
    // The person read comes first; the page's other sections are audited after it.
    const [first] = await auditOf(page.headers['x-request-id']);
    assert.deepEqual([first!.action, first!.outcome, first!.basis], ['read', 'success', 'referral routed to organisation']);
  });
});

describe('provider response times', () => {
  test('for navigators, administrators and commissioners only', async () => {
    const expected: Record<string, number> = { navigator: 200, navigator2: 200, admin: 200, commissioner: 200, triage: 403, provider: 403, referrer: 403 };
    for (const [role, status] of Object.entries(expected)) {
      assert.equal((await (await as(demoEmail(role))).get('/prescriptions/providers')).statusCode, status, role);
    }
  });
});

describe('the actions a page offers follow who is looking', () => {
  test('the provider is offered accept and decline; the navigator withdraw; triage nothing', async () => {
    const links = async (email: string) => {
      const page = await (await as(email)).get(`/prescriptions/${prescriptionId}`);
      return [...page.body.matchAll(new RegExp(`href="/prescriptions/${prescriptionId}/([a-z/-]+)"`, 'g'))].map((m) => m[1]);
    };
    assert.deepEqual(await links(demoEmail('provider')), ['accept', 'decline']);
    assert.deepEqual(await links(demoEmail('navigator')), ['withdraw']);
    assert.deepEqual(await links(demoEmail('admin')), ['withdraw']);
    assert.deepEqual(await links(demoEmail('triage')), []);
  });

  test('contact details are shown only to the receiving organisation', async () => {
    const navigatorPage = await (await as(demoEmail('navigator'))).get(`/prescriptions/${prescriptionId}`);
    assert.doesNotMatch(navigatorPage.body, /07700 900456/);
    assert.match(navigatorPage.body, new RegExp(`href="/people/${episode.personId}"`), 'the navigator goes to the person page for that');
    const triagePage = await (await as(demoEmail('triage'))).get(`/prescriptions/${prescriptionId}`);
    assert.doesNotMatch(triagePage.body, /07700 900456/);
  });
});
