// The person's and carer's own pages through a secure link: links stored only as a SHA-256, sent
// only in a way the person said is safe, used once, refused alike when wrong, used or expired, and
// limited by address; portal sessions of their own that expire; a carer sees only what consent
// allows now, and a withdrawal counts on the carer's very next request; every view audited with
// the person or carer as the actor.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { logTransport, notificationJobs } from '../src/platform/notifications.ts';
import { ATTEMPT_LIMIT } from '../src/features/portal/service.ts';

let t: TestApp;
let nav: TestClient;
let personId = '';
let otherPersonId = '';
let linkId = '';
let otherLinkId = '';

const sha256 = (text: string) => crypto.createHash('sha256').update(text).digest('hex');
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const [year, month, day] = today.split('-');
const reviewed = { reviewedDay: String(Number(day)), reviewedMonth: String(Number(month)), reviewedYear: year! };

async function navigatorsPerson(offset: number): Promise<string> {
  const { rows } = await t.db.query<{ id: string }>(
    `SELECT p.id FROM people p JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.organisation_id = p.responsible_organisation_id
      WHERE u.email = $1 ORDER BY p.id OFFSET $2 LIMIT 1`,
    [demoEmail('navigator'), offset],
  );
  return rows[0]!.id;
}

async function linkCarer(forPerson: string, given: string, scope: string[]): Promise<string> {
  const page = await nav.get(`/people/${forPerson}/carers/new`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const pairs: [string, string][] = [
    ['_csrf', csrf], ['givenName', given], ['familyName', 'Carer'], ['relationship', 'partner'], ['phone', '07700 900 321'],
    ['email', `${given.toLowerCase()}@example.com`], ['contactMethods', 'email'], ['consentHow', 'in_person'], ...scope.map((s): [string, string] => ['scope', s]),
  ];
  const response = await t.app.inject({
    method: 'POST', url: `/people/${forPerson}/carers/new`,
    headers: { cookie: [...nav.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(pairs).toString(),
  });
  assert.equal(response.statusCode, 303, response.body.slice(0, 200));
  return /carers\/([0-9a-f-]{36})/.exec(response.headers.location as string)![1]!;
}

/** Makes a link to give in person (for 'person' or a carer link's id) and returns its token. */
async function inPersonLink(forPerson: string, forWhom: string): Promise<string> {
  const made = await nav.submit(`/people/${forPerson}/secure-links/new`, { for: forWhom, delivery: 'in_person' });
  assert.equal(made.statusCode, 200, made.body.slice(0, 500));
  return decodeURIComponent(/\/my\/open\?token=([A-Za-z0-9_%-]+)/.exec(made.body)![1]!);
}

/** Opens the link's page and presses Continue, as a browser would. */
async function open(client: TestClient, token: string) {
  return client.submit(`/my/open?token=${encodeURIComponent(token)}`, {});
}

async function signedInWithLink(forPerson: string, forWhom: string, address?: string): Promise<TestClient> {
  const client = t.client(address);
  const response = await open(client, await inPersonLink(forPerson, forWhom));
  assert.equal(response.statusCode, 303);
  return client;
}

const setPreferences = (id: string, prefs: Record<string, unknown>, email: string | null = 'sam@example.com', phone: string | null = '07700 900 555') =>
  t.db.query('UPDATE people SET contact_preferences = $2, email = $3, phone = $4 WHERE id = $1', [id, JSON.stringify(prefs), email, phone]);

before(async () => {
  t = await startTestApp();
  nav = await t.signedIn(demoEmail('navigator'));
  personId = await navigatorsPerson(0);
  otherPersonId = await navigatorsPerson(1);
  const plan = await nav.submit(`/people/${personId}/crisis-plan/edit`, {
    warningSigns: 'Stops eating', whatHelps: 'Music and a walk', 'contact-1-name': 'Alex', 'contact-1-phone': '07700 900 111', ...reviewed,
  });
  assert.equal(plan.statusCode, 303);
  assert.equal((await nav.submit(`/people/${otherPersonId}/crisis-plan/edit`, { warningSigns: 'The other person’s signs', ...reviewed })).statusCode, 303);
  linkId = await linkCarer(personId, 'Robin', ['crisis_plan']);
  otherLinkId = await linkCarer(otherPersonId, 'Kim', ['crisis_plan', 'plan']);
});
after(() => t.close());

describe('secure links', () => {
  test('a link given in person is shown once; only its SHA-256 is stored; it opens a portal session of its own', async () => {
    const token = await inPersonLink(personId, 'person');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const stored = await t.db.query<{ token_hash: string; delivery: string; expires_at: Date; created_at: Date }>(
      'SELECT token_hash, delivery, expires_at, created_at FROM portal_links WHERE person_id = $1 ORDER BY created_at DESC LIMIT 1', [personId],
    );
    assert.equal(stored.rows[0]!.token_hash, sha256(token));
    assert.equal(stored.rows[0]!.expires_at.getTime() - stored.rows[0]!.created_at.getTime(), 7 * 86_400_000, 'expires in 7 days');
    const everything = await t.db.query<{ dump: string }>('SELECT (SELECT json_agg(l) FROM portal_links l)::text || (SELECT coalesce(json_agg(n), \'[]\') FROM notifications n)::text AS dump');
    assert.ok(!everything.rows[0]!.dump.includes(token), 'the token itself is stored nowhere');
    const list = await nav.get(`/people/${personId}/secure-links`);
    assert.ok(!list.body.includes(token), 'and never shown again');

    const person = t.client();
    const page = await person.get(`/my/open?token=${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Continue/);
    const opened = await open(person, token);
    assert.equal(opened.statusCode, 303);
    assert.equal(opened.headers.location, '/my');
    const cookie = String(opened.headers['set-cookie']);
    assert.match(cookie, /lantern_portal=[A-Za-z0-9_-]{43}; Path=\/my; HttpOnly; Secure; SameSite=Lax/);
    const home = await person.get('/my');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /Your pages/);
    assert.equal(home.headers['cache-control'], 'no-store');
    const session = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM portal_sessions WHERE person_id = $1', [personId]);
    assert.ok(session.rows.some((r) => r.token_hash === sha256(person.cookies.get('lantern_portal')!)), 'the session too is stored as a hash');
  });

  test('wrong, used, cancelled and expired links are refused alike', async () => {
    const used = await inPersonLink(personId, 'person');
    assert.equal((await open(t.client('10.0.0.2'), used)).statusCode, 303);
    const expired = await inPersonLink(personId, 'person');
    await t.db.query(`UPDATE portal_links SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(expired)]);
    const cancelled = await inPersonLink(personId, 'person');
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM portal_links WHERE token_hash = $1', [sha256(cancelled)]);
    assert.equal((await nav.submit(`/people/${personId}/secure-links`, {}, `/people/${personId}/secure-links/${rows[0]!.id}/cancel`)).statusCode, 303);
    const wrong = crypto.randomBytes(32).toString('base64url');
    const answers = [];
    for (const token of [used, expired, cancelled, wrong, 'short', '']) {
      const response = await open(t.client('10.0.0.3'), token);
      answers.push({ status: response.statusCode, body: response.body.replace(/name="_csrf" value="[^"]+"|nonce="[^"]+"/g, '') });
    }
    for (const answer of answers) {
      assert.equal(answer.status, 400);
      assert.equal(answer.body, answers[0]!.body, 'the same page, whatever was wrong');
    }
    assert.match(answers[0]!.body, /This link cannot be used/);
    assert.match(answers[0]!.body, /Ask your worker for a new link/);
    const audit = await t.db.query<{ basis: string }>(`SELECT basis FROM audit_events WHERE action = 'portal.sign_in' AND outcome = 'denied' ORDER BY id DESC LIMIT 6`);
    assert.deepEqual(audit.rows.map((r) => r.basis).reverse(), ['link used', 'link expired', 'link cancelled', 'link unknown', 'link unknown', 'link unknown']);
  });

  test('a link can be used once, even by two requests at the same moment', async () => {
    const token = await inPersonLink(personId, 'person');
    const [a, b] = [t.client('10.0.0.4'), t.client('10.0.0.4')];
    const pageA = await a.get(`/my/open?token=${token}`);
    const pageB = await b.get(`/my/open?token=${token}`);
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const [ra, rb] = await Promise.all([a.post('/my/open', { _csrf: csrf(pageA.body), token }), b.post('/my/open', { _csrf: csrf(pageB.body), token })]);
    assert.deepEqual([ra.statusCode, rb.statusCode].sort(), [303, 400]);
  });

  test('guessing is limited by address, and an address that waits may try again', async () => {
    const guesser = '10.9.9.9';
    for (let i = 0; i < ATTEMPT_LIMIT; i++) assert.equal((await open(t.client(guesser), crypto.randomBytes(32).toString('base64url'))).statusCode, 400);
    const good = await inPersonLink(personId, 'person');
    const blocked = await open(t.client(guesser), good);
    assert.equal(blocked.statusCode, 429, 'even a good link waits: the limit says nothing about which links exist');
    assert.equal(blocked.headers['retry-after'], '900');
    assert.equal((await open(t.client('10.9.9.10'), good)).statusCode, 303, 'another address is not held up');
    await t.db.query(`UPDATE portal_link_attempts SET at = at - interval '16 minutes' WHERE ip = $1`, [guesser]);
    assert.equal((await open(t.client(guesser), crypto.randomBytes(32).toString('base64url'))).statusCode, 400, 'after the wait');
  });

  test('sent by email or text only when the person said that way is safe; the message names no one and forgets the link once sent', async () => {
    await setPreferences(personId, { call: true, text: false, email: false });
    const refused = await nav.submit(`/people/${personId}/secure-links/new`, { for: 'person', delivery: 'email' });
    assert.equal(refused.statusCode, 400);
    assert.match(errorSummary(refused.body)[0]!, /#delivery: .* has not said email is a safe way to contact them\. Choose another way, or give them the link in person/);
    const noText = await nav.submit(`/people/${personId}/secure-links/new`, { for: 'person', delivery: 'sms' });
    assert.match(errorSummary(noText.body)[0]!, /has not said texts are a safe way/);
    assert.equal((await t.db.query(`SELECT 1 FROM notifications WHERE template = 'portal-link'`)).rows.length, 0, 'nothing sent');

    await setPreferences(personId, { email: true, text: true });
    const sent = await nav.submit(`/people/${personId}/secure-links/new`, { for: 'person', delivery: 'email' });
    assert.equal(sent.statusCode, 200);
    assert.match(sent.body, /Secure link sent/);
    assert.match(sent.body, /s\*\*\*@example\.com/);
    assert.doesNotMatch(sent.body, /\/my\/open\?token=/, 'a sent link is not shown to staff');
    const { rows } = await t.db.query<{ id: number; recipient: string; personalisation: Record<string, string>; forget_after_send: boolean }>(
      `SELECT id, recipient, personalisation, forget_after_send FROM notifications WHERE template = 'portal-link' ORDER BY id DESC LIMIT 1`,
    );
    const message = rows[0]!;
    assert.equal(message.recipient, 'sam@example.com');
    assert.ok(message.forget_after_send);
    const { rows: names } = await t.db.query<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM people WHERE id = $1', [personId]);
    assert.ok(!message.personalisation.body!.includes(names[0]!.given_name) && !message.personalisation.body!.includes(names[0]!.family_name), 'no name in the message');
    const token = /token=([A-Za-z0-9_-]{43})/.exec(message.personalisation.body!)![1]!;
    const stored = await t.db.query('SELECT 1 FROM portal_links WHERE token_hash = $1', [sha256(token)]);
    assert.equal(stored.rows.length, 1);

    await runDueJobs(t.db, notificationJobs(logTransport({ info() {} })));
    const after = await t.db.query<{ status: string; personalisation: Record<string, string> }>('SELECT status, personalisation FROM notifications WHERE id = $1', [message.id]);
    assert.equal(after.rows[0]!.status, 'sent');
    assert.ok(!JSON.stringify(after.rows[0]!.personalisation).includes(token), 'the link is gone from the outbox once sent');
    assert.equal((await open(t.client('10.0.0.5'), token)).statusCode, 303, 'and the link still works');
  });

  test('a carer gets a link only while the person shares something with them, and by their own safe ways', async () => {
    const choices = await nav.get(`/people/${personId}/secure-links/new`);
    assert.match(choices.body, new RegExp(`value="${linkId}"`));
    const carerSent = await nav.submit(`/people/${personId}/secure-links/new`, { for: linkId, delivery: 'sms' });
    assert.equal(carerSent.statusCode, 400, 'Robin said email only');
    assert.equal((await nav.submit(`/people/${personId}/secure-links/new`, { for: linkId, delivery: 'email' })).statusCode, 200);
    const quiet = await linkCarer(personId, 'Quinn', []);
    const without = await nav.get(`/people/${personId}/secure-links/new`);
    assert.doesNotMatch(without.body, new RegExp(`value="${quiet}"`));
    assert.equal((await nav.submit(`/people/${personId}/secure-links/new`, { for: quiet, delivery: 'in_person' })).statusCode, 400);
  });

  test('cancelling a used link closes the pages it opened', async () => {
    const token = await inPersonLink(personId, 'person');
    const person = t.client('10.0.0.6');
    await open(person, token);
    assert.equal((await person.get('/my')).statusCode, 200);
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM portal_links WHERE token_hash = $1', [sha256(token)]);
    await nav.submit(`/people/${personId}/secure-links`, {}, `/people/${personId}/secure-links/${rows[0]!.id}/cancel`);
    const closed = await person.get('/my');
    assert.equal(closed.statusCode, 401);
    assert.match(closed.body, /Your secure pages have closed/);
  });

  test('secure link pages for staff follow the person’s access rule', async () => {
    const expected: Record<string, number> = { navigator: 200, admin: 200, navigator2: 404, provider: 404, commissioner: 403, referrer: 403 };
    for (const [role, status] of Object.entries(expected)) {
      const client = await t.signedIn(demoEmail(role));
      assert.equal((await client.get(`/people/${personId}/secure-links`)).statusCode, status, role);
      assert.equal((await client.get(`/people/${personId}/secure-links/new`)).statusCode, status, role);
    }
    const kingston = await t.signedIn(demoEmail('admin', 'kingston'));
    assert.equal((await kingston.get(`/people/${personId}/secure-links`)).statusCode, 404);
  });
});

describe('portal sessions', () => {
  test('end after 30 minutes without use, and 12 hours after they started', async () => {
    const person = await signedInWithLink(personId, 'person', '10.1.0.1');
    const hash = sha256(person.cookies.get('lantern_portal')!);
    await t.db.query(`UPDATE portal_sessions SET last_seen_at = now() - interval '29 minutes' WHERE token_hash = $1`, [hash]);
    assert.equal((await person.get('/my')).statusCode, 200, 'still open at 29 minutes, and using it keeps it open');
    await t.db.query(`UPDATE portal_sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = $1`, [hash]);
    const idle = await person.get('/my/crisis-plan');
    assert.equal(idle.statusCode, 401);
    assert.match(idle.body, /Your secure pages have closed/);
    assert.doesNotMatch(idle.body, /Stops eating/);

    const busy = await signedInWithLink(personId, 'person', '10.1.0.2');
    await t.db.query(`UPDATE portal_sessions SET created_at = now() - interval '12 hours', expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(busy.cookies.get('lantern_portal')!)]);
    assert.equal((await busy.get('/my')).statusCode, 401);
  });

  test('sign-out ends the session for good', async () => {
    const person = await signedInWithLink(personId, 'person', '10.1.0.3');
    const cookie = person.cookies.get('lantern_portal')!;
    const out = await person.submit('/my/sign-out', {});
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/my/signed-out');
    const replay = await t.app.inject({ method: 'GET', url: '/my', headers: { cookie: `lantern_portal=${cookie}` } });
    assert.equal(replay.statusCode, 401, 'the old cookie opens nothing');
    const audit = await t.db.query<{ actor_role: string }>(`SELECT actor_role FROM audit_events WHERE action = 'portal.sign_out' ORDER BY id DESC LIMIT 1`);
    assert.equal(audit.rows[0]!.actor_role, 'person');
  });

  test('never confused with staff sessions: a staff cookie opens no portal page, a portal cookie no staff page', async () => {
    assert.equal((await nav.get('/my')).statusCode, 401, 'a signed-in navigator is nobody on /my');
    const person = await signedInWithLink(personId, 'person', '10.1.0.4');
    const staffPage = await t.app.inject({ method: 'GET', url: `/people/${personId}`, headers: { cookie: `lantern_portal=${person.cookies.get('lantern_portal')}` } });
    assert.equal(staffPage.statusCode, 303, 'sent to the staff sign-in');
    const swapped = await t.app.inject({ method: 'GET', url: '/my', headers: { cookie: `lantern_portal=${nav.cookies.get('lantern_session')}` } });
    assert.equal(swapped.statusCode, 401, 'a staff session token is not a portal session');
  });
});

describe('the person’s own pages', () => {
  let person: TestClient;
  before(async () => {
    person = await signedInWithLink(personId, 'person', '10.2.0.1');
  });

  test('they see their crisis plan, their carers and what each may see; every view audited with the person as the actor', async () => {
    const mark = Number((await t.db.query<{ n: number }>('SELECT max(id) AS n FROM audit_events')).rows[0]!.n);
    const plan = await person.get('/my/crisis-plan');
    assert.equal(plan.statusCode, 200);
    assert.match(plan.body, /Your crisis plan/);
    assert.match(plan.body, /Stops eating/);
    assert.match(plan.body, /href="tel:07700900111"/);
    assert.doesNotMatch(plan.body, /The other person’s signs/);
    const carers = await person.get('/my/carers');
    assert.match(carers.body, /Robin Carer/);
    assert.match(carers.body, /They can see your crisis plan/);
    assert.doesNotMatch(carers.body, /Kim Carer/, 'another person’s carer is not listed');
    const planPage = await person.get('/my/plan');
    assert.equal(planPage.statusCode, 200);
    assert.match(planPage.body, /Your support plan and goals are not shown here yet/);
    const rows = await t.db.query<{ action: string; actor_role: string; actor_subject_id: string; actor_user_id: string | null; person_id: string; outcome: string; tenant_id: string }>(
      'SELECT action, actor_role, actor_subject_id, actor_user_id, person_id, outcome, tenant_id FROM audit_events WHERE id > $1 ORDER BY id', [mark],
    );
    assert.deepEqual(rows.rows.map((r) => r.action), ['crisis_plan.read', 'carer_link.list', 'support_plan.read']);
    for (const r of rows.rows) assert.deepEqual({ ...r, action: '' }, { action: '', actor_role: 'person', actor_subject_id: personId, actor_user_id: null, person_id: personId, outcome: 'success', tenant_id: 'kent' });
  });

  test('they cannot reach anything of another person’s', async () => {
    assert.equal((await person.get(`/my/carers/${otherLinkId}`)).statusCode, 404);
    const { rows } = await t.db.query<{ version: number }>('SELECT version FROM carer_links WHERE id = $1', [otherLinkId]);
    const page = await person.get('/my/carers');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? /name="_csrf" value="([^"]+)"/.exec((await person.get('/my/contact-preferences')).body)![1]!;
    const attempt = await person.post(`/my/carers/${otherLinkId}`, { _csrf: csrf, version: String(rows[0]!.version), stopAll: 'yes' });
    assert.equal(attempt.statusCode, 404);
    const still = await t.db.query<{ consent_scope: string[] }>('SELECT consent_scope FROM carer_links WHERE id = $1', [otherLinkId]);
    assert.deepEqual(still.rows[0]!.consent_scope, ['plan', 'crisis_plan']);
    for (const path of ['/my/crisis-plan', '/my', '/my/carers']) {
      assert.doesNotMatch((await person.get(path)).body, /The other person’s signs|Kim Carer/);
    }
  });

  test('they change how and when they want to be contacted, through the people feature, audited as themselves', async () => {
    const before = await t.db.query<{ version: number }>('SELECT version FROM people WHERE id = $1', [personId]);
    const page = await person.get('/my/contact-preferences');
    assert.equal(page.statusCode, 200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const saved = await t.app.inject({
      method: 'POST', url: '/my/contact-preferences',
      headers: { cookie: [...person.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams([['_csrf', csrf], ['version', version], ['contactMethods', 'text'], ['contactMethods', 'call'], ['contactTimes', 'After 6pm'], ['contactNotes', '']]).toString(),
    });
    assert.equal(saved.statusCode, 303);
    const { rows } = await t.db.query<{ contact_preferences: Record<string, unknown>; version: number }>('SELECT contact_preferences, version FROM people WHERE id = $1', [personId]);
    assert.deepEqual(rows[0]!.contact_preferences, { call: true, voicemail: false, text: true, email: false, letter: false, times: 'After 6pm', notes: '' });
    assert.equal(rows[0]!.version, before.rows[0]!.version + 1);
    const audit = await t.db.query<{ action: string; actor_role: string; actor_subject_id: string; basis: string; detail: { changed: string[] } }>(
      `SELECT action, actor_role, actor_subject_id, basis, detail FROM audit_events WHERE action = 'update' AND person_id = $1 ORDER BY id DESC LIMIT 1`, [personId],
    );
    assert.equal(audit.rows[0]!.actor_role, 'person');
    assert.equal(audit.rows[0]!.actor_subject_id, personId);
    assert.equal(audit.rows[0]!.basis, 'own record');
    assert.ok(audit.rows[0]!.detail.changed.includes('contactPreferences.times'));
    // The form from before the change is stale now.
    const stale = await person.post('/my/contact-preferences', { _csrf: csrf, version, contactTimes: 'Mornings' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /This changed while you had the page open/);
  });

  test('the audit log names the person acting on their own pages, not "not signed in"', async () => {
    const admin = await t.signedIn(demoEmail('admin'));
    const log = await admin.get(`/admin/audit?person=${personId}`);
    assert.equal(log.statusCode, 200);
    assert.match(log.body, /The person, on their own pages/);
  });

  test('they can narrow what a carer sees, but widening is for their worker', async () => {
    const page = await person.get(`/my/carers/${linkId}`);
    assert.equal(page.statusCode, 200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const version = /name="version" value="(\d+)"/.exec(page.body)![1]!;
    const widen = await person.post(`/my/carers/${linkId}`, { _csrf: csrf, version, scope: 'plan' });
    assert.equal(widen.statusCode, 400);
    assert.deepEqual(errorSummary(widen.body), ['#scope: To let Robin see more, talk to your worker. Here you can only stop sharing things.']);
    const { rows } = await t.db.query<{ consent_scope: string[] }>('SELECT consent_scope FROM carer_links WHERE id = $1', [linkId]);
    assert.deepEqual(rows[0]!.consent_scope, ['crisis_plan']);
  });
});

describe('carers on their own pages', () => {
  test('a carer with the crisis plan in scope sees it, and nothing the person keeps to themselves', async () => {
    const carer = await signedInWithLink(personId, linkId, '10.3.0.1');
    const home = await carer.get('/my');
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /You can see their crisis plan/);
    assert.doesNotMatch(home.body, /Plan and goals/, 'not in their navigation');
    const plan = await carer.get('/my/crisis-plan');
    assert.equal(plan.statusCode, 200);
    assert.match(plan.body, /Stops eating/);
    const notShared = await carer.get('/my/plan');
    assert.equal(notShared.statusCode, 403);
    assert.match(notShared.body, /This is not shared with you/);
    assert.equal((await carer.get('/my/carers')).statusCode, 404, 'the person’s carers page is the person’s');
    assert.equal((await carer.get(`/my/carers/${linkId}`)).statusCode, 404);
    const audit = await t.db.query<{ action: string; actor_role: string; actor_subject_id: string; outcome: string; basis: string }>(
      `SELECT action, actor_role, actor_subject_id, outcome, basis FROM audit_events WHERE actor_role = 'carer' ORDER BY id DESC LIMIT 5`,
    );
    const { rows } = await t.db.query<{ carer_id: string }>('SELECT carer_id FROM carer_links WHERE id = $1', [linkId]);
    assert.deepEqual(audit.rows.map((r) => [r.action, r.outcome]).reverse(), [
      ['portal.home', 'success'], ['crisis_plan.read', 'success'], ['support_plan.read', 'denied'], ['carer_link.list', 'denied'], ['carer_link.read', 'denied'],
    ]);
    assert.ok(audit.rows.every((r) => r.actor_subject_id === rows[0]!.carer_id));
  });

  test('a carer without the crisis plan in scope does not see it', async () => {
    const kim = await signedInWithLink(otherPersonId, otherLinkId, '10.3.0.2');
    assert.equal((await kim.get('/my/crisis-plan')).statusCode, 200);
    await nav.submit(`/people/${otherPersonId}/carers/${otherLinkId}/consent`, { scope: 'plan', consentHow: 'phone' });
    const refused = await kim.get('/my/crisis-plan');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /This is not shared with you/);
    assert.doesNotMatch(refused.body, /The other person’s signs/);
    assert.equal((await kim.get('/my/plan')).statusCode, 200);
  });

  test('consent withdrawn by the person counts on the carer’s very next request', async () => {
    const carer = await signedInWithLink(personId, linkId, '10.3.0.3');
    const person = await signedInWithLink(personId, 'person', '10.3.0.4');
    // interleaved: the carer reads, the person withdraws, the carer's next request is refused
    assert.match((await carer.get('/my/crisis-plan')).body, /Stops eating/);
    const form = await person.get(`/my/carers/${linkId}`);
    const withdrawn = await person.post(`/my/carers/${linkId}`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!, version: /name="version" value="(\d+)"/.exec(form.body)![1]!, stopAll: 'yes',
    });
    assert.equal(withdrawn.statusCode, 303);
    for (const path of ['/my/crisis-plan', '/my', '/my/contact-preferences', '/my/plan']) {
      const next = await carer.get(path);
      assert.equal(next.statusCode, 403, path);
      assert.match(next.body, /You no longer have access/);
      assert.doesNotMatch(next.body, /Stops eating|Alex|07700 900 111|href="\/my\/crisis-plan"/, `nothing else on ${path}`);
    }
    const event = await t.db.query<{ change: string; how: string; recorded_by: string | null }>('SELECT change, how, recorded_by FROM carer_consent_events WHERE link_id = $1 ORDER BY id DESC LIMIT 1', [linkId]);
    assert.deepEqual(event.rows[0], { change: 'withdrawn', how: 'own_pages', recorded_by: null });
    const audit = await t.db.query<{ actor_role: string; actor_subject_id: string }>(`SELECT actor_role, actor_subject_id FROM audit_events WHERE action = 'carer_consent.change' ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(audit.rows[0], { actor_role: 'person', actor_subject_id: personId });
    const denied = await t.db.query<{ outcome: string; basis: string }>(`SELECT outcome, basis FROM audit_events WHERE actor_role = 'carer' ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(denied.rows[0], { outcome: 'denied', basis: 'consent withdrawn' });
    // A new link for this carer is refused kindly too.
    assert.equal((await nav.submit(`/people/${personId}/secure-links/new`, { for: linkId, delivery: 'in_person' })).statusCode, 400);
  });

  test('consent withdrawn by staff counts on the carer’s next request too, and given again it counts again', async () => {
    await nav.submit(`/people/${personId}/carers/${linkId}/consent`, { scope: 'crisis_plan', consentHow: 'phone' });
    const carer = await signedInWithLink(personId, linkId, '10.3.0.5');
    assert.equal((await carer.get('/my/crisis-plan')).statusCode, 200);
    await nav.submit(`/people/${personId}/carers/${linkId}/consent`, { consentHow: 'phone' });
    const refused = await carer.get('/my/crisis-plan');
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /You no longer have access/);
    await nav.submit(`/people/${personId}/carers/${linkId}/consent`, { scope: 'crisis_plan', consentHow: 'phone' });
    assert.equal((await carer.get('/my/crisis-plan')).statusCode, 200, 'read afresh each time, never cached');
  });

  test('a carer’s link used after consent was withdrawn opens nothing', async () => {
    const token = await inPersonLink(personId, linkId);
    await nav.submit(`/people/${personId}/carers/${linkId}/consent`, { consentHow: 'in_writing' });
    const carer = t.client('10.3.0.6');
    const response = await open(carer, token);
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /You no longer have access/);
    assert.equal(carer.cookies.get('lantern_portal'), undefined, 'no session was started');
    await nav.submit(`/people/${personId}/carers/${linkId}/consent`, { scope: 'crisis_plan', consentHow: 'phone' });
  });

  test('a carer changes how they want to be contacted on their own record, audited as the carer', async () => {
    const carer = await signedInWithLink(personId, linkId, '10.3.0.7');
    const saved = await carer.submit('/my/contact-preferences', { contactMethods: 'text', contactTimes: 'Weekends' });
    assert.equal(saved.statusCode, 303);
    const { rows } = await t.db.query<{ contact_preferences: { text: boolean; email: boolean; times: string } }>(
      'SELECT c.contact_preferences FROM carers c JOIN carer_links l ON l.carer_id = c.id WHERE l.id = $1', [linkId],
    );
    assert.equal(rows[0]!.contact_preferences.text, true);
    assert.equal(rows[0]!.contact_preferences.email, false);
    assert.equal(rows[0]!.contact_preferences.times, 'Weekends');
    const audit = await t.db.query<{ actor_role: string; basis: string }>(`SELECT actor_role, basis FROM audit_events WHERE action = 'carer.update' ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(audit.rows[0], { actor_role: 'carer', basis: 'own record' });
  });
});
