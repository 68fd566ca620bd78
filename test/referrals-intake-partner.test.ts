// Professional referrals: partner staff (here a GP) refer through one page, prefilled from their
// account, and are acknowledged with a reference on screen and by email; they see the progress of
// their own organisation's referrals and nothing of anyone else's, every read audited.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { formOn, inputValue, uniqueSurname } from './support/refer-flow.ts';
import { NO_PREFERENCES } from '../src/domain/contact-preferences.ts';
import { REFERRER_STATUS } from '../src/domain/referral-states.ts';
import type { ReferralSubmission } from '../src/features/referrals/model.ts';
import { changeState, submitReferral, withReferral } from '../src/features/referrals/service.ts';
import { staffContextFor, type RequestContext, type StaffContext } from '../src/platform/context.ts';

let t: TestApp;
let referrer: TestClient;
let riverside: string;
let thamesView: string;
let referrerUserId: string;

before(async () => {
  t = await startTestApp();
  referrer = await t.signedIn(demoEmail('referrer'));
  const orgs = await t.db.query<{ id: string; name: string }>(`SELECT id, name FROM organisations WHERE tenant_id = 'kent' AND kind = 'gp_practice'`);
  riverside = orgs.rows.find((o) => o.name.startsWith('Riverside Surgery'))!.id;
  thamesView = orgs.rows.find((o) => o.name.startsWith('Thames View'))!.id;
  referrerUserId = (await t.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [demoEmail('referrer')])).rows[0]!.id;
});
after(() => t.close());

const publicCtx = (): RequestContext => ({ db: t.db, actor: null, requestId: `test-${Math.random()}`, ip: '127.0.0.1' });

const staffCtx = (email: string): Promise<StaffContext> => staffContextFor(t.db, email);

/** A referral made straight through the core, as if another organisation (or nobody) had sent it. */
async function referralFrom(organisationId: string | null, tenantId = 'kent'): Promise<{ id: string; reference: string; familyName: string }> {
  const familyName = uniqueSurname();
  const submission: ReferralSubmission = {
    source: organisationId ? 'gp' : 'self', channel: 'web',
    referrer: { organisationId, userId: null, name: organisationId ? 'Dr Someone Else' : null, role: null, relationship: null, email: null, phone: null },
    person: { givenName: 'Kit', familyName, dateOfBirth: '1980-01-01', nhsNumber: null, postcode: null, district: null, phone: null, email: null, gpOrganisationId: null, gpPracticeName: null },
    contactPreferences: { ...NO_PREFERENCES, call: true }, consentGpShare: null, personConsents: true, reason: 'Test', needs: [], crisis: false,
    requestedUrgency: null, idempotencyKey: `web:${crypto.randomUUID()}`,
  };
  const { referral } = await submitReferral(publicCtx(), tenantId, submission, { baseUrl: 'http://lantern.test' });
  return { id: referral.id, reference: referral.reference, familyName };
}

function validForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    referrerName: 'Dr Amara Nwosu', referrerRole: 'GP', referrerEmail: 'amara.nwosu@example.nhs.uk', referrerPhone: '01632 960555',
    givenName: 'Morgan', familyName: uniqueSurname(), 'dob-day': '5', 'dob-month': '6', 'dob-year': '1978', nhsNumber: '',
    postcode: 'DA1 2AA', gpChoice: 'list', gpPractice: riverside, phone: '07700 900222', email: '',
    contactMethods: 'call,voicemail', contactTimes: 'Afternoons', contactNotes: 'Ask for Morgan',
    urgency: 'urgent', urgentReason: 'Lost their job and their home this week', reason: 'Low mood for months and not sleeping.',
    needs: 'lantern-needs:depression,lantern-needs:housing,lantern-needs:sleep', personConsents: 'yes', gpConsent: 'yes',
    ...overrides,
  };
}

/** Opens the form and returns its hidden fields (the CSRF token and the key made for this form). */
async function openForm(client: TestClient = referrer): Promise<{ html: string; hidden: Record<string, string> }> {
  const page = await client.get('/partner/referrals/new');
  assert.equal(page.statusCode, 200);
  const form = formOn(page.body.replace('<form method="post" action="/partner/referrals/new"', '<form id="new" method="post" action="/partner/referrals/new"'), 'new')!;
  return { html: page.body, hidden: Object.fromEntries(form.hidden) };
}

describe('the professional referral form', () => {
  test('is prefilled from the referrer’s account, with their own practice as the likely GP', async () => {
    const { html, hidden } = await openForm();
    assert.match(html, /Riverside Surgery \(demo\)/);
    assert.equal(inputValue(html, 'referrerName'), 'Dr Amara Nwosu');
    assert.equal(inputValue(html, 'referrerEmail'), demoEmail('referrer'));
    assert.match(hidden.key!, /^web:[0-9a-f-]{36}$/);
    assert.match(html, new RegExp(`<option value="${riverside}" selected>`));
    assert.match(html, /id="gpChoice" name="gpChoice" type="radio" value="list" checked/);
  });

  test('names every problem, linked to its input, and shows the form again with what was typed; nothing is written', async () => {
    const written = async () => (await t.db.query<{ r: number; p: number; n: number }>(
      'SELECT (SELECT count(*) FROM referrals) AS r, (SELECT count(*) FROM people) AS p, (SELECT count(*) FROM notifications) AS n',
    )).rows[0];
    const before = await written();
    const { hidden } = await openForm();
    const blank = await referrer.post('/partner/referrals/new', { ...hidden, referrerName: '', referrerEmail: '', gpChoice: '' });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /<title>Error: Make a referral/);
    assert.deepEqual(errorSummary(blank.body), [
      '#referrerName: Enter your name',
      '#referrerEmail: Enter your email address, so we can send you the reference',
      '#givenName: Enter their first name',
      '#familyName: Enter their last name',
      '#dob-day: Enter their date of birth',
      '#postcode: Enter their postcode, or select ‘They do not have a fixed address’',
      '#gpChoice: Select their GP surgery, or select ‘Not known’',
      '#urgency: Select whether the referral is urgent or routine',
      '#reason: Enter why you are referring them',
      '#personConsents: Select yes if the person knows about this referral and agrees to it',
      '#gpConsent: Select yes if the person agrees to us telling their GP about the referral',
    ]);
    for (const line of errorSummary(blank.body)) assert.match(blank.body, new RegExp(` id="${line.slice(1, line.indexOf(':'))}"`));

    const wrong = await referrer.post('/partner/referrals/new', {
      ...hidden, ...validForm({
        nhsNumber: '943 476 5918', 'dob-month': '', urgentReason: '', personConsents: 'no', needs: 'other', phone: '123',
        contactMethods: 'email', referrerEmail: 'amara@',
      }),
    });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(errorSummary(wrong.body), [
      '#referrerEmail: Enter an email address in the correct format, like name@example.com',
      '#dob-month: Date of birth must include a month',
      '#nhsNumber: Enter a valid NHS number. Check it against a letter from the NHS or the NHS App',
      '#phone: Enter a UK phone number, like 01632 960 001 or 07700 900 982',
      '#email: Enter their email address, so we can email them',
      '#urgentReason: Enter why the referral is urgent',
      '#otherNeed: Enter what else they would like help with',
      '#personConsents: You can only refer someone who knows about the referral and agrees to it. If they are in danger now, call 999',
    ]);
    assert.equal(inputValue(wrong.body, 'givenName'), 'Morgan');
    assert.equal(inputValue(wrong.body, 'nhsNumber'), '943 476 5918');
    assert.match(wrong.body, /name="key" value="web:/, 'the same form, with its key');
    assert.deepEqual(await written(), before);
  });

  test('sends one referral, acknowledged with the reference on screen and by email', async () => {
    const form = validForm();
    const sent = await referrer.submit('/partner/referrals/new', form);
    assert.equal(sent.statusCode, 303);
    const location = sent.headers.location as string;
    const reference = /^\/partner\/referrals\/([2-9A-Z]{4}-[2-9A-Z]{4})\?done=sent$/.exec(location)?.[1];
    assert.ok(reference, location);
    const page = await referrer.get(location);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Referral sent/);
    assert.match(page.body, new RegExp(`class="lantern-reference">${reference}<`));
    assert.match(page.body, /We have emailed the reference to amara.nwosu@example.nhs.uk/);
    assert.match(page.body, new RegExp(REFERRER_STATUS.received));

    const { rows } = await t.db.query<Record<string, unknown>>('SELECT * FROM referrals WHERE reference = $1', [reference]);
    const r = rows[0]!;
    assert.equal(r.source, 'gp', 'the source is the organisation’s');
    assert.equal(r.channel, 'web');
    assert.equal(r.referrer_organisation_id, riverside);
    assert.equal(r.referrer_user_id, referrerUserId);
    assert.equal(r.referrer_role, 'GP');
    assert.equal(r.urgency, 'urgent');
    assert.equal(r.person_consents, true);
    assert.equal(r.consent_gp_share, true);
    assert.equal(r.gp_organisation_id, riverside);
    assert.equal(r.reason, 'Urgent because: Lost their job and their home this week\n\nLow mood for months and not sleeping.');
    assert.deepEqual(r.needs, ['lantern-needs:depression', 'lantern-needs:housing', 'lantern-needs:sleep']);
    assert.deepEqual(r.contact_preferences, { call: true, voicemail: true, text: false, email: false, letter: false, times: 'Afternoons', notes: 'Ask for Morgan' });
    const ack = await t.db.query<{ recipient: string; personalisation: { body: string } }>('SELECT recipient, personalisation FROM notifications WHERE reference = $1', [`referral-ack:${reference}`]);
    assert.equal(ack.rows.length, 1);
    assert.equal(ack.rows[0]!.recipient, 'amara.nwosu@example.nhs.uk');
    assert.match(ack.rows[0]!.personalisation.body, new RegExp(reference!));
    assert.doesNotMatch(ack.rows[0]!.personalisation.body, new RegExp(form.familyName!), 'no names in messages that leave Lantern');
  });

  test('sent twice is one referral; sent again with changes keeps the first and says so', async () => {
    const { hidden } = await openForm();
    const form = { ...hidden, ...validForm() };
    const first = await referrer.post('/partner/referrals/new', form);
    const second = await referrer.post('/partner/referrals/new', form);
    assert.equal(first.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location);
    const changed = await referrer.post('/partner/referrals/new', { ...form, reason: 'Something else entirely' });
    assert.equal(changed.statusCode, 303);
    assert.equal(changed.headers.location, (first.headers.location as string).replace('done=sent', 'done=already'));
    const page = await referrer.get(changed.headers.location as string);
    assert.match(page.body, /This referral had already been sent. The changes made after it was sent have not been sent/);
    const count = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM referrals WHERE idempotency_key = $1', [hidden.key]);
    assert.equal(Number(count.rows[0]!.n), 1);
  });

  test('only referrers use it', async () => {
    const triage = await t.signedIn(demoEmail('triage'));
    assert.equal((await triage.get('/partner/referrals/new')).statusCode, 403);
    assert.equal((await triage.get('/partner/referrals')).statusCode, 403);
    const anonymous = await t.client().get('/partner/referrals/new');
    assert.equal(anonymous.statusCode, 303);
    assert.match(anonymous.headers.location as string, /^\/sign-in\?returnTo=/);
  });
});

describe('the organisation’s referrals, status only', () => {
  test('lists the organisation’s referrals newest first with their status, searchable by reference, each read audited', async () => {
    const mine = [await referralFrom(riverside), await referralFrom(riverside)];
    const theirs = await referralFrom(thamesView);
    const audited = async () => Number((await t.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'referral.status' AND outcome = 'success' AND actor_user_id = $1 AND basis = 'referring organisation'`,
      [referrerUserId],
    )).rows[0]!.n);
    const before = await audited();
    const list = await referrer.get('/partner/referrals');
    assert.equal(list.statusCode, 200);
    const shown = [...list.body.matchAll(/<a href="\/partner\/referrals\/([2-9A-Z]{4}-[2-9A-Z]{4})">/g)].map((m) => m[1]);
    assert.equal(shown[0], mine[1]!.reference, 'newest first');
    assert.equal(shown[1], mine[0]!.reference);
    assert.ok(!shown.includes(theirs.reference), 'another practice’s referral is not listed');
    assert.ok(!list.body.includes(theirs.familyName));
    assert.ok(list.body.includes(`Kit ${mine[0]!.familyName}`), 'the organisation that sent it sees the name');
    assert.ok(list.body.includes(REFERRER_STATUS.received));
    assert.equal(await audited(), before + shown.length, 'one audit row for each referral shown');

    const found = await referrer.get(`/partner/referrals?reference=${mine[0]!.reference.toLowerCase().replace('-', '')}`);
    assert.deepEqual([...found.body.matchAll(/<a href="\/partner\/referrals\/([2-9A-Z]{4}-[2-9A-Z]{4})">/g)].map((m) => m[1]), [mine[0]!.reference]);
    const other = await referrer.get(`/partner/referrals?reference=${theirs.reference}`);
    assert.match(other.body, /Your organisation has not sent a referral with the reference/);
    const nonsense = await referrer.get('/partner/referrals?reference=hello');
    assert.equal(nonsense.statusCode, 400);
    assert.deepEqual(errorSummary(nonsense.body), ['#reference: Enter a reference like K7P9-Q2XM: 8 letters and numbers']);
  });

  test('pages of 20', async () => {
    for (let i = 0; i < 21; i++) await referralFrom(riverside);
    const first = await referrer.get('/partner/referrals');
    assert.equal([...first.body.matchAll(/<a href="\/partner\/referrals\/[2-9A-Z]{4}-[2-9A-Z]{4}">/g)].length, 20);
    assert.match(first.body, /href="\/partner\/referrals\?page=2"/);
    const second = await referrer.get('/partner/referrals?page=2');
    assert.ok([...second.body.matchAll(/<a href="\/partner\/referrals\/[2-9A-Z]{4}-[2-9A-Z]{4}">/g)].length >= 1);
    assert.match(second.body, /href="\/partner\/referrals\?page=1"/);
  });

  test('one referral’s page shows its progress in plain words as it changes', async () => {
    const mine = await referralFrom(riverside);
    const page = await referrer.get(`/partner/referrals/${mine.reference}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`Kit ${mine.familyName}`));
    assert.match(page.body, new RegExp(REFERRER_STATUS.received));
    const triage = await staffCtx(demoEmail('triage'));
    const partner = (await t.db.query<{ id: string }>(`SELECT id FROM organisations WHERE tenant_id = 'kent' AND name LIKE 'Porchlight (Dartford%'`)).rows[0]!.id;
    await withReferral(triage, mine.id, 'update', (tx, access) => changeState(tx, triage, access, 'route', { routedOrganisationId: partner }));
    const moved = await referrer.get(`/partner/referrals/${mine.reference.toLowerCase()}`);
    assert.equal(moved.statusCode, 200, 'the reference in any case');
    assert.match(moved.body, new RegExp(REFERRER_STATUS.waiting));
    assert.doesNotMatch(moved.body, /Porchlight/, 'status only: not where it went');
  });

  test('another practice’s, a self-referral’s or another tenant’s reference answers 404, audited as denied', async () => {
    const theirs = await referralFrom(thamesView);
    const selfReferral = await referralFrom(null);
    const kingston = await referralFrom(null, 'kingston');
    for (const reference of [theirs.reference, selfReferral.reference, kingston.reference, 'not-a-reference']) {
      const page = await referrer.get(`/partner/referrals/${reference}`);
      assert.equal(page.statusCode, 404, reference);
      assert.ok(!page.body.includes(theirs.familyName));
    }
    const denied = await t.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'referral.status' AND outcome = 'denied' AND actor_user_id = $1`, [referrerUserId],
    );
    assert.equal(Number(denied.rows[0]!.n), 4);
  });

  test('Kingston’s referrer sees nothing of Kent', async () => {
    const kent = await referralFrom(riverside);
    const kingstonReferrer = await t.signedIn(demoEmail('referrer', 'kingston'));
    const list = await kingstonReferrer.get('/partner/referrals');
    assert.equal(list.statusCode, 200);
    assert.ok(!list.body.includes(kent.reference));
    assert.match(list.body, /Your organisation has not sent any referrals through Lantern yet/);
    assert.equal((await kingstonReferrer.get(`/partner/referrals/${kent.reference}`)).statusCode, 404);
    const searched = await kingstonReferrer.get(`/partner/referrals?reference=${kent.reference}`);
    assert.ok(!searched.body.includes(kent.familyName));
  });
});
