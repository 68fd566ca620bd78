// Crisis plans and carers, for staff: reached only with a relationship to the person (the
// responsible organisation, or a grant), refused to everyone else (404, or 403 for roles that never
// see named people), every view and change audited; consent recorded with who, when and how;
// two workers' saves never silently overwrite each other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { grantPersonAccess } from '../src/platform/access.ts';
import type { StaffActor, StaffContext } from '../src/platform/context.ts';
import type { AppError } from '../src/platform/errors.ts';
import { createViewEnvironment } from '../src/platform/views.ts';
import { personSummarySections } from '../src/features/carers/service.ts';

let t: TestApp;
let personId = '';
let otherPersonId = '';
let linkId = '';
let carerId = '';
let assessmentId = '';
const clients = new Map<string, TestClient>();

async function as(who: string): Promise<TestClient> {
  let client = clients.get(who);
  if (!client) {
    const [role, tenant] = who.split('@');
    client = await t.signedIn(demoEmail(role!, tenant ?? 'kent'));
    clients.set(who, client);
  }
  return client;
}

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const [year, month, day] = today.split('-');
const reviewedToday = { reviewedDay: String(Number(day)), reviewedMonth: String(Number(month)), reviewedYear: year! };

async function navigatorsPerson(offset: number): Promise<string> {
  const { rows } = await t.db.query<{ id: string }>(
    `SELECT p.id FROM people p JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.organisation_id = p.responsible_organisation_id
      WHERE u.email = $1 ORDER BY p.id OFFSET $2 LIMIT 1`,
    [demoEmail('navigator'), offset],
  );
  return rows[0]!.id;
}

const lastAudit = async (action: string, where = 'TRUE', params: unknown[] = []) =>
  (await t.db.query<{ outcome: string; person_id: string | null; basis: string | null; actor_role: string; detail: Record<string, unknown> | null }>(
    `SELECT outcome, person_id, basis, actor_role, detail FROM audit_events WHERE action = $1 AND ${where} ORDER BY id DESC LIMIT 1`,
    [action, ...params],
  )).rows[0];

before(async () => {
  t = await startTestApp();
  personId = await navigatorsPerson(0);
  otherPersonId = await navigatorsPerson(1);
});
after(() => t.close());

describe('crisis plan', () => {
  test('a navigator of the responsible organisation writes it; it reads back with tel links and the national lines', async () => {
    const nav = await as('navigator');
    const empty = await nav.get(`/people/${personId}/crisis-plan`);
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /does not have a crisis plan yet/);
    const saved = await nav.submit(`/people/${personId}/crisis-plan/edit`, {
      warningSigns: 'Stops answering the phone\nSleeps all day', whatHelps: 'A walk with Jo', whatToAvoid: 'Being told to cheer up',
      'contact-1-name': 'Jo Smith', 'contact-1-role': 'Sister', 'contact-1-phone': '07700 900 123',
      'contact-2-name': 'Release the Pressure', 'contact-2-phone': '0800 107 0160',
      ...reviewedToday,
    });
    assert.equal(saved.statusCode, 303);
    const page = await nav.get(saved.headers.location as string);
    assert.match(page.body, /Crisis plan saved/);
    assert.match(page.body, /Stops answering the phone<br \/>\s*Sleeps all day|Stops answering the phone<br>\s*Sleeps all day/);
    assert.match(page.body, /href="tel:07700900123"/);
    assert.match(page.body, /href="tel:08001070160"/);
    assert.match(page.body, /116 123/, 'Samaritans are always there');
    assert.match(page.body, /NHS 111, option 2/);
    const audit = await lastAudit('crisis_plan.create', 'person_id = $2', [personId]);
    assert.equal(audit?.outcome, 'success');
    assert.deepEqual(audit?.detail?.changed, ['warningSigns', 'whatHelps', 'whatToAvoid', 'contacts']);
    assert.doesNotMatch(JSON.stringify(audit?.detail), /phone|Jo Smith|cheer/, 'the audit names parts, never the words');
  });

  test('bad input is refused field by field, keeping what was typed', async () => {
    const nav = await as('navigator');
    const response = await nav.submit(`/people/${otherPersonId}/crisis-plan/edit`, {
      'contact-1-role': 'GP', 'contact-2-name': 'Sam', 'contact-2-phone': 'ring him', reviewedDay: '', reviewedMonth: '', reviewedYear: '',
    });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), [
      '#contact-1-name: Enter the name of contact 1',
      '#contact-1-phone: Enter a phone number for contact 1',
      '#contact-2-phone: Enter a phone number for contact 2 like 01632 960 001, 07700 900 982 or 111',
      '#reviewed-day: Enter the date you went through the plan with them',
    ]);
    assert.match(response.body, /value="ring him"/);
    const { rows } = await t.db.query('SELECT 1 FROM crisis_plans WHERE person_id = $1', [otherPersonId]);
    assert.equal(rows.length, 0);
  });

  test('two workers editing: the second, stale save is refused with a clear message and nothing is lost', async () => {
    const first = await as('navigator');
    const second = await as('navigator3');
    const formA = await first.get(`/people/${personId}/crisis-plan/edit`);
    const formB = await second.get(`/people/${personId}/crisis-plan/edit`);
    const hidden = (html: string) => ({
      _csrf: /name="_csrf" value="([^"]+)"/.exec(html)![1]!, version: /name="version" value="(\d*)"/.exec(html)![1]!,
    });
    const a = await first.post(`/people/${personId}/crisis-plan/edit`, { ...hidden(formA.body), warningSigns: 'From A', ...reviewedToday });
    assert.equal(a.statusCode, 303);
    const b = await second.post(`/people/${personId}/crisis-plan/edit`, { ...hidden(formB.body), warningSigns: 'From B', ...reviewedToday });
    assert.equal(b.statusCode, 409);
    assert.match(b.body, /Someone else changed this plan while you were editing/);
    assert.match(b.body, />From B</, 'what B typed is still in the form');
    assert.match(b.body, /From A/, 'B sees the plan as saved now');
    const { rows } = await t.db.query<{ warning_signs: string }>('SELECT warning_signs FROM crisis_plans WHERE person_id = $1', [personId]);
    assert.equal(rows[0]!.warning_signs, 'From A');
    const retry = await second.post(`/people/${personId}/crisis-plan/edit`, { ...hidden(b.body), warningSigns: 'From B, after reading A', ...reviewedToday });
    assert.equal(retry.statusCode, 303, 'saving again from the refreshed form is deliberate, and works');
    assert.equal((await lastAudit('crisis_plan.write', 'person_id = $2', [personId]))?.outcome, 'failure', 'the refused save is audited');
  });

  test('two workers writing a first plan at once: the second is refused, not merged', async () => {
    const a = await as('navigator');
    const b = await as('admin');
    const formA = await a.get(`/people/${otherPersonId}/crisis-plan/edit`);
    const formB = await b.get(`/people/${otherPersonId}/crisis-plan/edit`);
    const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    assert.equal((await a.post(`/people/${otherPersonId}/crisis-plan/edit`, { _csrf: csrf(formA.body), version: '', whatHelps: 'Music', ...reviewedToday })).statusCode, 303);
    assert.equal((await b.post(`/people/${otherPersonId}/crisis-plan/edit`, { _csrf: csrf(formB.body), version: '', whatHelps: 'Tea', ...reviewedToday })).statusCode, 409);
  });

  test('"we went through it today" moves the date gone through and nothing else', async () => {
    const nav = await as('navigator');
    await t.db.query(`UPDATE crisis_plans SET reviewed_on = '2025-01-02' WHERE person_id = $1`, [personId]);
    const before = await t.db.query<{ version: number; warning_signs: string }>('SELECT version, warning_signs FROM crisis_plans WHERE person_id = $1', [personId]);
    const response = await nav.submit(`/people/${personId}/crisis-plan`, {}, `/people/${personId}/crisis-plan/reviewed`);
    assert.equal(response.statusCode, 303);
    const after = await t.db.query<{ version: number; reviewed_on: string; warning_signs: string }>('SELECT version, reviewed_on, warning_signs FROM crisis_plans WHERE person_id = $1', [personId]);
    assert.equal(after.rows[0]!.reviewed_on, today);
    assert.equal(after.rows[0]!.version, before.rows[0]!.version + 1);
    assert.equal(after.rows[0]!.warning_signs, before.rows[0]!.warning_signs);
  });
});

describe('carers', () => {
  test('linking a carer records the relationship, the consent and its scope, who recorded it, when and how', async () => {
    const nav = await as('navigator');
    const response = await nav.submit(`/people/${personId}/carers/new`, {
      givenName: 'Jo', familyName: 'Smith', relationship: 'sister', phone: '07700 900 123', email: 'jo@example.com',
      contactMethods: 'email', contactTimes: 'Evenings', scope: 'crisis_plan', consentHow: 'in_person', consentNote: 'Agreed at home',
    });
    assert.equal(response.statusCode, 303);
    linkId = /carers\/([0-9a-f-]{36})/.exec(response.headers.location as string)![1]!;
    const { rows } = await t.db.query<{ consent_scope: string[]; consent_how: string; recorded_by: string; relationship: string; carer_id: string }>(
      `SELECT l.consent_scope, l.consent_how, u.email AS recorded_by, l.relationship, l.carer_id
         FROM carer_links l JOIN staff_users u ON u.id = l.consent_recorded_by WHERE l.id = $1`,
      [linkId],
    );
    assert.deepEqual(rows[0], { consent_scope: ['crisis_plan'], consent_how: 'in_person', recorded_by: demoEmail('navigator'), relationship: 'sister', carer_id: rows[0]!.carer_id });
    carerId = rows[0]!.carer_id;
    const events = await t.db.query<{ change: string; note: string }>('SELECT change, note FROM carer_consent_events WHERE link_id = $1', [linkId]);
    assert.deepEqual(events.rows, [{ change: 'given', note: 'Agreed at home' }]);
    const page = await nav.get(response.headers.location as string);
    assert.match(page.body, /Carer linked/);
    assert.match(page.body, /Crisis plan/);
    assert.match(page.body, /Consent given/);
    const audit = await lastAudit('carer_link.create', 'record_id = $2', [linkId]);
    assert.equal(audit?.person_id, personId);
    assert.equal(audit?.basis, 'responsible organisation');
  });

  test('the form says what is missing, in the order of the form', async () => {
    const nav = await as('navigator');
    const response = await nav.submit(`/people/${personId}/carers/new`, { givenName: '', familyName: 'Smith', relationship: '', phone: '', email: 'nope', scope: 'everything' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), [
      '#givenName: Enter their first name',
      '#relationship: Enter who the carer is to the person, like mother, partner or friend',
      '#email: Enter an email address in the correct format, like name@example.com',
      '#scope: Select what the carer may see or be told from the list',
      '#consentHow: Select how the person told you',
    ]);
  });

  test('consent can be widened, narrowed and withdrawn, each kept in its history with who, when and how', async () => {
    const nav = await as('navigator');
    const consent = `/people/${personId}/carers/${linkId}/consent`;
    assert.equal((await nav.submit(consent, { scope: 'crisis_plan', consentHow: 'phone' })).statusCode, 303);
    assert.equal((await nav.submit(consent, { scope: 'plan', consentHow: 'phone' })).statusCode, 303);
    assert.equal((await postPairs(nav, consent, [['scope', 'plan'], ['scope', 'crisis_plan'], ['consentHow', 'video']])).statusCode, 303);
    assert.equal((await nav.submit(consent, { consentHow: 'in_writing', consentNote: 'Wants a break' })).statusCode, 303);
    const events = await t.db.query<{ change: string; how: string; scope: string[] }>('SELECT change, how, scope FROM carer_consent_events WHERE link_id = $1 ORDER BY id', [linkId]);
    assert.deepEqual(events.rows.map((e) => e.change), ['given', 'unchanged', 'changed', 'widened', 'withdrawn']);
    const link = await t.db.query<{ consent_scope: string[]; consent_withdrawn_at: Date | null }>('SELECT consent_scope, consent_withdrawn_at FROM carer_links WHERE id = $1', [linkId]);
    assert.deepEqual(link.rows[0]!.consent_scope, []);
    assert.ok(link.rows[0]!.consent_withdrawn_at);
    const audit = await lastAudit('carer_consent.change', 'record_id = $2', [linkId]);
    assert.deepEqual(audit?.detail, { change: 'withdrawn', from: ['plan', 'crisis_plan'], to: [], how: 'in_writing' });
    // give it back for the tests after this one
    assert.equal((await nav.submit(consent, { scope: 'crisis_plan', consentHow: 'in_person' })).statusCode, 303);
  });

  test('a stale consent form is refused and shows what is allowed now', async () => {
    const a = await as('navigator');
    const b = await as('admin');
    const consent = `/people/${personId}/carers/${linkId}/consent`;
    const formB = await formHidden(b, consent);
    assert.equal((await a.submit(consent, { scope: 'plan', consentHow: 'phone' })).statusCode, 303);
    const stale = await b.post(consent, { ...formB, consentHow: 'phone' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /This changed while you had the page open/);
    assert.match(stale.body, /may now see or be told: <strong>Support plan and goals<\/strong>/);
    assert.equal((await a.submit(consent, { scope: 'crisis_plan', consentHow: 'phone' })).statusCode, 303);
  });

  test('a carer’s assessment: offered, then its outcome, refused when stale', async () => {
    const nav = await as('navigator');
    const offered = await nav.submit(`/people/${personId}/carers/${linkId}/assessments/new`, {
      offeredDay: String(Number(day)), offeredMonth: String(Number(month)), offeredYear: year!, outcome: '', notes: 'Offered at the review',
    });
    assert.equal(offered.statusCode, 303);
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM carer_assessments WHERE link_id = $1', [linkId]);
    assessmentId = rows[0]!.id;
    const path = `/people/${personId}/carers/${linkId}/assessments/${assessmentId}`;
    const stale = await formHidden(nav, path);
    const outcome = { offeredDay: String(Number(day)), offeredMonth: String(Number(month)), offeredYear: year!, outcomeDay: String(Number(day)), outcomeMonth: String(Number(month)), outcomeYear: year!, notes: '' };
    assert.equal((await nav.submit(path, { ...outcome, outcome: 'referred' })).statusCode, 303);
    const refused = await nav.post(path, { ...stale, ...outcome, outcome: 'declined' });
    assert.equal(refused.statusCode, 409);
    const saved = await t.db.query<{ outcome: string }>('SELECT outcome FROM carer_assessments WHERE id = $1', [assessmentId]);
    assert.equal(saved.rows[0]!.outcome, 'referred');
    const page = await nav.get(`/people/${personId}/carers/${linkId}`);
    assert.match(page.body, /Referred to the council&#39;s carers&#39; service|Referred to the council's carers' service/);
  });

  test('a carer’s own record: read and changed through the person they care for, with a version check', async () => {
    const nav = await as('navigator');
    const page = await nav.get(`/carers/${carerId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Jo Smith/);
    assert.match(page.body, /Cares for/);
    const stale = await formHidden(nav, `/carers/${carerId}/edit`);
    const fields = { givenName: 'Jo', familyName: 'Smith', phone: '07700 900 124', email: 'jo@example.com', contactMethods: 'text' };
    assert.equal((await nav.submit(`/carers/${carerId}/edit`, fields)).statusCode, 303);
    assert.equal((await nav.post(`/carers/${carerId}/edit`, { ...stale, ...fields, phone: '07700 900 999' })).statusCode, 409);
    const { rows } = await t.db.query<{ phone: string; contact_preferences: { text: boolean; email: boolean } }>('SELECT phone, contact_preferences FROM carers WHERE id = $1', [carerId]);
    assert.equal(rows[0]!.phone, '07700 900 124');
    assert.equal(rows[0]!.contact_preferences.text, true);
    assert.equal(rows[0]!.contact_preferences.email, false);
    const audit = await lastAudit('carer.update', 'record_id = $2', [carerId]);
    assert.equal(audit?.person_id, personId);
  });

  test('the person summary sections: one call for the data, one include each, the reads audited', async () => {
    const { rows } = await t.db.query<{ id: string; tenant_id: string; organisation_id: string; role: StaffActor['role']; name: string; email: string }>(
      'SELECT id, tenant_id, organisation_id, role, name, email FROM staff_users WHERE email = $1', [demoEmail('navigator')],
    );
    const u = rows[0]!;
    const ctx: StaffContext = {
      db: t.db, requestId: `summary-${crypto.randomUUID()}`, ip: '127.0.0.1',
      actor: { userId: u.id, tenantId: u.tenant_id, organisationId: u.organisation_id, role: u.role, name: u.name, email: u.email, sessionHash: '', mustChangePassword: false, teamLead: false },
    };
    const data = await personSummarySections(ctx, personId);
    const env = createViewEnvironment();
    const html = env.renderString('{% include "carers/views/_person-crisis-plan.njk" %}{% include "carers/views/_person-carers.njk" %}', data);
    assert.match(html, /<h2 id="crisis-plan-heading">Crisis plan<\/h2>/);
    assert.match(html, /From B, after reading A/);
    assert.match(html, /<h2 id="carers-heading">Carers and sharing<\/h2>/);
    assert.match(html, /Jo Smith<\/a> \(sister\)/);
    assert.match(html, /May see or be told: <strong>Crisis plan<\/strong>/);
    const audited = await t.db.query<{ action: string }>('SELECT action FROM audit_events WHERE request_id = $1 ORDER BY id', [ctx.requestId]);
    assert.deepEqual(audited.rows.map((r) => r.action), ['crisis_plan.read', 'carer_link.list']);
    const stranger = { ...ctx, actor: { ...ctx.actor, organisationId: crypto.randomUUID() } };
    await assert.rejects(personSummarySections(stranger, personId), (error: AppError) => error.status === 404);
  });
});

/** Posts the page's form with repeated fields (ticked checkboxes), as a browser does. */
async function postPairs(client: TestClient, path: string, pairs: [string, string][]) {
  const hidden = Object.entries(await formHidden(client, path));
  return t.app.inject({
    method: 'POST', url: path,
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams([...hidden, ...pairs]).toString(),
  });
}

/** The page's hidden fields (CSRF token and version), to post later as a stale form would. */
async function formHidden(client: TestClient, path: string): Promise<Record<string, string>> {
  const page = await client.get(path);
  return Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
}

describe('a carer already known', () => {
  const jo = { givenName: 'jo', familyName: 'SMITH', relationship: 'aunt', phone: '+44 7700 900124', scope: 'crisis_plan', consentHow: 'phone' };
  const joCount = async () => Number((await t.db.query<{ n: number }>("SELECT count(*) AS n FROM carers WHERE lower(given_name) = 'jo' AND lower(family_name) = 'smith'")).rows[0]!.n);
  const linksOf = async (person: string) => (await t.db.query<{ carer_id: string; consent_scope: string[]; relationship: string }>(
    'SELECT carer_id, consent_scope, relationship FROM carer_links WHERE person_id = $1', [person])).rows;
  const personOf = async (email: string, offset: number) => (await t.db.query<{ id: string }>(
    `SELECT p.id FROM people p JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.organisation_id = p.responsible_organisation_id
      WHERE u.email = $1 ORDER BY p.id OFFSET $2 LIMIT 1`, [email, offset])).rows[0]!.id;

  // Jo Smith's phone is 07700 900 124 since the tests above changed it: +44 and spaces still match.
  test('the same name and phone for another person the navigator supports asks first, and writes nothing', async () => {
    const nav = await as('navigator');
    const before = await joCount();
    const page = await nav.submit(`/people/${otherPersonId}/carers/new`, jo);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Is this a carer already known\?/);
    const names = await t.db.query<{ given_name: string; family_name: string }>('SELECT given_name, family_name FROM people WHERE id = $1', [personId]);
    assert.match(page.body, new RegExp(`Yes, the Jo Smith who cares for ${names.rows[0]!.given_name} ${names.rows[0]!.family_name}`));
    assert.match(page.body, new RegExp(`value="${carerId}"`));
    assert.match(page.body, /No, this jo SMITH is someone else/);
    assert.match(page.body, /<input type="hidden" name="scope" value="crisis_plan">/, 'the answers travel with the question');
    assert.equal(await joCount(), before);
    assert.deepEqual(await linksOf(otherPersonId), []);
    assert.equal((await lastAudit('carer.read', 'record_id = $2', [carerId]))?.basis, 'possible match when linking a carer');

    const unanswered = await nav.submit(`/people/${otherPersonId}/carers/new`, { ...jo, matchStep: '1' });
    assert.equal(unanswered.statusCode, 400);
    assert.deepEqual(errorSummary(unanswered.body), ['#sameCarer: Select the carer jo is, or that they are someone else']);
  });

  test('choosing the known carer links their one record, with this person’s own consent', async () => {
    const nav = await as('navigator');
    const before = await joCount();
    const response = await nav.submit(`/people/${otherPersonId}/carers/new`, { ...jo, matchStep: '1', sameCarer: carerId });
    assert.equal(response.statusCode, 303);
    assert.equal(await joCount(), before, 'no second record');
    assert.deepEqual(await linksOf(otherPersonId), [{ carer_id: carerId, consent_scope: ['crisis_plan'], relationship: 'aunt' }]);
    const audit = await lastAudit('carer_link.create', 'person_id = $2', [otherPersonId]);
    assert.equal(audit?.detail?.existingCarer, true);
    const carerPage = await nav.get(`/carers/${carerId}`);
    assert.equal((carerPage.body.match(/href="\/people\/[0-9a-f-]{36}\/carers\/[0-9a-f-]{36}"/g) ?? []).length >= 2, true, 'the carer’s page shows both people');

    const again = await nav.submit(`/people/${otherPersonId}/carers/new`, jo);
    assert.equal(again.statusCode, 409);
    assert.deepEqual(errorSummary(again.body), ['#givenName: Jo Smith is already linked as a carer. Open their link on the carers page to change what they may see']);
  });

  test('another organisation’s navigator is not shown a carer they could not see, and cannot link one by its id', async () => {
    const nav2 = await as('navigator2');
    const theirs = await personOf(demoEmail('navigator2'), 0);
    const refused = await nav2.submit(`/people/${theirs}/carers/new`, { ...jo, matchStep: '1', sameCarer: carerId });
    assert.equal(refused.statusCode, 404);
    assert.deepEqual(await linksOf(theirs), []);
    const before = await joCount();
    const response = await nav2.submit(`/people/${theirs}/carers/new`, jo);
    assert.equal(response.statusCode, 303, 'no question: Jo Smith cares only for people they cannot reach');
    assert.equal(await joCount(), before + 1);
  });

  test('"someone else" makes a new record', async () => {
    const nav = await as('navigator');
    const third = await navigatorsPerson(2);
    const before = await joCount();
    const response = await nav.submit(`/people/${third}/carers/new`, { ...jo, matchStep: '1', sameCarer: 'new' });
    assert.equal(response.statusCode, 303);
    assert.equal(await joCount(), before + 1);
    assert.notEqual((await linksOf(third))[0]!.carer_id, carerId);
  });
});

describe('who may reach them', () => {
  const pages = () => [
    `/people/${personId}/crisis-plan`,
    `/people/${personId}/crisis-plan/edit`,
    `/people/${personId}/carers`,
    `/people/${personId}/carers/new`,
    `/people/${personId}/carers/${linkId}`,
    `/people/${personId}/carers/${linkId}/consent`,
    `/people/${personId}/carers/${linkId}/assessments/new`,
    `/people/${personId}/carers/${linkId}/assessments/${assessmentId}`,
    `/carers/${carerId}`,
    `/carers/${carerId}/edit`,
  ];
  const expected: Record<string, number> = {
    navigator: 200, navigator3: 200, admin: 200, triage: 200,
    navigator2: 404, provider: 404, commissioner: 403, referrer: 403,
    'navigator@kingston': 404, 'admin@kingston': 404,
  };

  test('navigators of the responsible organisation, triage and admin: yes; anyone else: 404, and commissioners and referrers 403', async () => {
    for (const [who, status] of Object.entries(expected)) {
      const client = await as(who);
      for (const path of pages()) {
        const response = await client.get(path);
        assert.equal(response.statusCode, status, `${who} ${path}`);
        if (status !== 200) {
          assert.doesNotMatch(response.body, /Jo Smith|Stops answering|From B/, `${who} sees nothing of ${path}`);
        }
      }
    }
  });

  test('every view is audited: successes with the basis, refusals as denied', async () => {
    const nav = await as('navigator');
    const start = Number((await t.db.query<{ n: number }>('SELECT max(id) AS n FROM audit_events')).rows[0]!.n);
    for (const path of pages()) await nav.get(path);
    const ok = await t.db.query<{ action: string; outcome: string; person_id: string; basis: string }>(
      'SELECT action, outcome, person_id, basis FROM audit_events WHERE id > $1 AND actor_role = $2 ORDER BY id', [start, 'navigator'],
    );
    const reads = ok.rows.filter((r) => r.action.endsWith('.read') || r.action.endsWith('.list'));
    assert.ok(reads.length >= pages().length, `one audit row per view at least (${reads.length})`);
    // Jo Smith also cares for the other person (linked as a carer already known, above): the
    // carer's own pages are audited for both people they care for.
    const about = (r: { action: string; person_id: string }) => r.person_id === personId || (r.action.startsWith('carer.') && r.person_id === otherPersonId);
    assert.ok(ok.rows.every((r) => r.outcome === 'success' && about(r) && r.basis === 'responsible organisation'));

    const stranger = await as('navigator2');
    const mark = Number((await t.db.query<{ n: number }>('SELECT max(id) AS n FROM audit_events')).rows[0]!.n);
    for (const path of pages()) await stranger.get(path);
    const denied = await t.db.query<{ outcome: string; person_id: string | null }>('SELECT outcome, person_id FROM audit_events WHERE id > $1 AND actor_role = $2', [mark, 'navigator']);
    assert.equal(denied.rows.length, pages().length);
    assert.ok(denied.rows.every((r) => r.outcome === 'denied' && r.person_id === null));
  });

  test('refused changes write nothing', async () => {
    const stranger = await as('navigator2');
    // a form token from a page this user may open, posted to someone else's record
    const token = /name="_csrf" value="([^"]+)"/.exec((await stranger.get('/sign-out')).body)![1]!;
    const before = await t.db.query<{ version: number }>('SELECT version FROM crisis_plans WHERE person_id = $1', [personId]);
    const posts: [string, Record<string, string>][] = [
      [`/people/${personId}/crisis-plan/edit`, { version: String(before.rows[0]!.version), warningSigns: 'Overwritten', ...reviewedToday }],
      [`/people/${personId}/carers/new`, { givenName: 'Eve', familyName: 'Intruder', relationship: 'friend', phone: '07700 900 000', scope: 'crisis_plan', consentHow: 'phone' }],
      [`/people/${personId}/carers/${linkId}/consent`, { version: '1', scope: 'plan', consentHow: 'phone' }],
      [`/carers/${carerId}/edit`, { version: '1', givenName: 'Eve', familyName: 'X', phone: '07700 900 000' }],
    ];
    for (const [path, form] of posts) {
      const response = await stranger.post(path, { _csrf: token, ...form });
      assert.equal(response.statusCode, 404, path);
    }
    const plan = await t.db.query<{ warning_signs: string }>('SELECT warning_signs FROM crisis_plans WHERE person_id = $1', [personId]);
    assert.notEqual(plan.rows[0]!.warning_signs, 'Overwritten');
    const eve = await t.db.query("SELECT 1 FROM carers WHERE family_name = 'Intruder'");
    assert.equal(eve.rows.length, 0);
  });

  test('a provider reaches the person once a relationship grants it, and not after it ends', async () => {
    const { rows } = await t.db.query<{ organisation_id: string }>('SELECT organisation_id FROM staff_users WHERE email = $1', [demoEmail('provider')]);
    const sourceId = crypto.randomUUID();
    await grantPersonAccess(t.db, { tenantId: 'kent', personId, organisationId: rows[0]!.organisation_id, basis: 'social prescription', sourceId });
    const provider = await as('provider');
    assert.equal((await provider.get(`/people/${personId}/crisis-plan`)).statusCode, 200);
    assert.equal((await lastAudit('crisis_plan.read', 'person_id = $2', [personId]))?.basis, 'social prescription');
    await t.db.query('UPDATE person_access SET ended_at = now() WHERE source_id = $1', [sourceId]);
    assert.equal((await provider.get(`/people/${personId}/crisis-plan`)).statusCode, 404);
  });

  test('a link or carer that is not the person’s is not found, whoever asks', async () => {
    const nav = await as('navigator');
    assert.equal((await nav.get(`/people/${otherPersonId}/carers/${linkId}`)).statusCode, 404, 'a link under another person');
    assert.equal((await nav.get(`/people/${personId}/carers/not-an-id`)).statusCode, 404);
    assert.equal((await nav.get(`/carers/${crypto.randomUUID()}`)).statusCode, 404);
    assert.equal((await nav.get(`/people/${personId}/carers/${linkId}/assessments/${crypto.randomUUID()}`)).statusCode, 404);
  });
});
