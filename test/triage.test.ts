// The single point of access's decisions on a referral: the triage decision (and who may make it),
// deciding who the person is, changing urgency, redirecting with the original date kept,
// allocating a responsible worker and withdrawing a mistake.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { publicContext, selfReferral } from './support/triage-referrals.ts';
import { submitReferral, dueAtFor } from '../src/features/referrals/service.ts';
import type { Referral, ReferralSubmission } from '../src/features/referrals/model.ts';
import { getTenantSettings } from '../src/platform/tenant-settings.ts';
import { seedDirectory } from '../src/seed/directory.ts';
import { NO_PREFERENCES } from '../src/domain/contact-preferences.ts';

let t: TestApp;
let triage: TestClient;
const ids: Record<string, string> = {};
const DGSS = 'Dartford, Gravesham and Swanley with Swale';

before(async () => {
  t = await startTestApp();
  await seedDirectory(t.db, ['kent', 'kingston']);
  triage = await t.signedIn(demoEmail('triage'));
  const orgs = await t.db.query<{ name: string; id: string }>(`SELECT name, id FROM organisations WHERE tenant_id = 'kent'`);
  for (const o of orgs.rows) ids[o.name] = o.id;
  const staff = await t.db.query<{ email: string; id: string }>(`SELECT email, id FROM staff_users`);
  for (const s of staff.rows) ids[s.email] = s.id;
});
after(() => t.close());

const porchlight = () => ids[`Porchlight (${DGSS})`]!;
const shawTrust = () => ids['Shaw Trust (West Kent)']!;
const staffId = (login: string, tenant = 'kent') => ids[demoEmail(login, tenant)]!;

async function refer(overrides: Partial<ReferralSubmission> = {}, person: Partial<ReferralSubmission['person']> = {}): Promise<Referral> {
  return (await submitReferral(publicContext(t.db), 'kent', selfReferral(overrides, person), { baseUrl: 'http://lantern.test' })).referral;
}

/** A referral that looks like someone already known (same name, date of birth and postcode), so a triage worker must decide. */
async function lookalike(): Promise<{ referral: Referral; knownId: string }> {
  const { rows } = await t.db.query<{ id: string; given_name: string; family_name: string; date_of_birth: string; postcode: string }>(
    `SELECT id, given_name, family_name, date_of_birth, postcode FROM people
      WHERE tenant_id = 'kent' AND postcode IS NOT NULL AND nhs_number IS NULL ORDER BY id OFFSET $1 LIMIT 1`,
    [Math.floor(Math.random() * 5)],
  );
  const known = rows[0]!;
  const referral = await refer({}, {
    givenName: known.given_name, familyName: known.family_name, dateOfBirth: known.date_of_birth, postcode: known.postcode,
    district: known.postcode.split(' ')[0]!, nhsNumber: null,
  });
  assert.equal(referral.matchStatus, 'needs_review');
  return { referral, knownId: known.id };
}

async function row(id: string) {
  const { rows } = await t.db.query<Record<string, unknown>>('SELECT * FROM referrals WHERE id = $1', [id]);
  return rows[0]!;
}

const decision = (overrides: Record<string, string | string[]> = {}) => ({
  urgency: 'routine', reasons: 'Spoke to them: low mood, no current risk. Wants local groups.', mentalHealthNeed: 'cmi',
  dualDiagnosis: 'no', offendingHistory: 'not_asked', needs: ['lantern-needs:depression'], route: `org:${porchlight()}`, workerId: '',
  ...overrides,
});

async function triaged(overrides: Partial<ReferralSubmission> = {}, form: Record<string, string | string[]> = {}): Promise<Referral> {
  const referral = await refer(overrides);
  const response = await triage.submit(`/referrals/${referral.id}/triage`, decision(form));
  assert.equal(response.statusCode, 303, errorSummary(response.body).join('; '));
  return referral;
}

async function emailsTo(email: string, template: string): Promise<{ body: string; subject: string }[]> {
  const { rows } = await t.db.query<{ personalisation: { body: string; subject: string } }>(
    'SELECT personalisation FROM notifications WHERE recipient = $1 AND template = $2 ORDER BY id', [email, template],
  );
  return rows.map((r) => r.personalisation);
}

describe('the triage decision', () => {
  test('the form suggests the area from the postcode district and ticks the needs already known', async () => {
    const referral = await refer({ needs: ['lantern-needs:depression'] });
    await t.db.query(`UPDATE people SET needs = needs || '{lantern-needs:loneliness}'::text[] WHERE id = $1`, [referral.personId]);
    const page = await triage.get(`/referrals/${referral.id}/triage`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`value="org:${porchlight()}"\\s*checked`));
    assert.match(page.body, /Suggested from their postcode district, DA1/);
    assert.match(page.body, /value="lantern-needs:depression"\s*checked/);
    assert.match(page.body, /value="lantern-needs:loneliness"\s*checked/, 'needs already known are asked once, not again');
    assert.doesNotMatch(page.body, /value="lantern-needs:anxiety"\s*checked/);
  });

  test('a decision with problems is refused, each problem named, and nothing changes', async () => {
    const referral = await refer();
    const response = await triage.submit(`/referrals/${referral.id}/triage`, decision({ reasons: '', mentalHealthNeed: '', dualDiagnosis: '', route: '' }));
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), [
      '#reasons: Enter the reasons for your decision',
      '#mentalHealthNeed: Choose serious mental illness, common mental illness, or not known yet',
      '#dualDiagnosis: Choose whether they have a dual diagnosis (mental illness with drug or alcohol use), or not known',
      '#route: Choose where this referral should go: an area’s strategic partner, a delivery network provider, or another service',
    ]);
    assert.match(response.body, /<title>Error: /);
    const after = await row(referral.id);
    assert.equal(after.state, 'received');
    assert.equal(after.version, 1);
    const long = await triage.submit(`/referrals/${referral.id}/triage`, decision({ reasons: 'x'.repeat(2001) }));
    assert.deepEqual(errorSummary(long.body), ['#reasons: Reasons must be 2,000 characters or fewer']);
  });

  test('routing: the deadline is worked out again from the original date, the organisation can reach the person, the needs are kept, its team is told with a link only', async () => {
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000);
    const referral = await refer({ receivedAt: threeDaysAgo, needs: ['lantern-needs:depression'] });
    const navigator = await t.signedIn(demoEmail('navigator'));
    assert.equal((await navigator.get(`/people/${referral.personId}`)).statusCode, 404, 'no relationship before routing');

    const response = await triage.submit(`/referrals/${referral.id}/triage`, decision({
      urgency: 'urgent', dualDiagnosis: 'no', offendingHistory: 'not_asked', needs: ['lantern-needs:depression', 'lantern-needs:anxiety'],
    }));
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/referrals/${referral.id}?done=triaged`);

    const saved = await row(referral.id);
    assert.equal(saved.state, 'waiting');
    assert.equal(saved.urgency, 'urgent');
    assert.equal((saved.due_at as Date).getTime(), threeDaysAgo.getTime() + 24 * 3_600_000, 'due 24 hours after the original date, not after today');
    assert.equal(saved.routed_organisation_id, porchlight());
    assert.equal(saved.triaged_by, staffId('triage'));
    assert.equal(saved.mental_health_need, 'cmi');
    assert.equal(saved.dual_diagnosis, false);
    assert.equal(saved.offending_history, null, 'not asked');
    const area = await t.db.query<{ name: string }>('SELECT name FROM areas WHERE id = $1', [saved.area_id]);
    assert.equal(area.rows[0]!.name, DGSS);

    const person = await t.db.query<{ needs: string[] }>('SELECT needs FROM people WHERE id = $1', [referral.personId]);
    assert.deepEqual(person.rows[0]!.needs, ['lantern-needs:anxiety', 'lantern-needs:depression']);

    assert.equal((await navigator.get(`/people/${referral.personId}`)).statusCode, 200, 'the routed organisation’s navigator can open the person');
    const otherOrganisation = await t.signedIn(demoEmail('navigator2'));
    assert.equal((await otherOrganisation.get(`/people/${referral.personId}`)).statusCode, 404, 'another organisation cannot');
    assert.equal((await otherOrganisation.get(`/referrals/${referral.id}`)).statusCode, 404);

    const emails = (await emailsTo(demoEmail('navigator'), 'referral-routed')).filter((e) => e.body.includes(referral.reference));
    assert.equal(emails.length, 1, 'the team lead is told');
    assert.match(emails[0]!.body, new RegExp(`http://localhost:\\d+/referrals/${referral.id}|/referrals/${referral.id}`));
    assert.doesNotMatch(emails[0]!.body, new RegExp(referral.subject.familyName));
    assert.equal((await emailsTo(demoEmail('navigator3'), 'referral-routed')).filter((e) => e.body.includes(referral.reference)).length, 0);

    const page = await triage.get(`/referrals/${referral.id}?done=triaged`);
    assert.match(page.body, /Triage decision saved/);
    assert.match(page.body, /On the waiting list/);
  });

  test('a responsible worker must work for the organisation chosen; when named, only they are emailed', async () => {
    const referral = await refer();
    const wrong = await triage.submit(`/referrals/${referral.id}/triage`, decision({ workerId: staffId('navigator2') }));
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(errorSummary(wrong.body), [`#workerId: Choose someone who works for Porchlight (${DGSS}), or leave it empty to allocate later`]);
    const right = await triage.submit(`/referrals/${referral.id}/triage`, decision({ workerId: staffId('navigator3') }));
    assert.equal(right.statusCode, 303);
    assert.equal((await row(referral.id)).responsible_user_id, staffId('navigator3'));
    assert.equal((await emailsTo(demoEmail('navigator3'), 'referral-routed')).filter((e) => e.body.includes(referral.reference)).length, 1);
    assert.equal((await emailsTo(demoEmail('navigator'), 'referral-routed')).filter((e) => e.body.includes(referral.reference)).length, 0);
  });

  test('a stale save is refused with a clear message, nothing is saved, and the form keeps what was typed', async () => {
    const referral = await refer();
    const opened = await triage.get(`/referrals/${referral.id}/triage`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(opened.body)![1]!;
    // Meanwhile, someone else gives the referral to a worker.
    const admin = await t.signedIn(demoEmail('admin'));
    assert.equal((await admin.submit(`/referrals/${referral.id}/allocate`, { workerId: staffId('admin') })).statusCode, 303);

    const response = await triage.post(`/referrals/${referral.id}/triage`, { _csrf: csrf, version: '1', ...decision({ reasons: 'My careful reasons' }) });
    assert.equal(response.statusCode, 409);
    assert.match(response.body, /Someone else changed this referral while you had it open. Nothing you entered has been saved/);
    assert.match(response.body, /My careful reasons/);
    assert.match(response.body, /name="version" value="2"/, 'saving again is a deliberate choice on the referral as it is now');
    const after = await row(referral.id);
    assert.equal(after.state, 'received');
    assert.equal(after.triage_reasons, null);
    const audit = await t.db.query<{ outcome: string; detail: { code: string } }>(`SELECT outcome, detail FROM audit_events WHERE record_id = $1 AND action = 'referral.triage'`, [referral.id]);
    assert.deepEqual(audit.rows.map((r) => [r.outcome, r.detail.code]), [['failure', 'stale']]);
  });

  test('a referral whose person is not known yet cannot be triaged: check who this is first', async () => {
    const { referral } = await lookalike();
    const page = await triage.get(`/referrals/${referral.id}/triage`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Check who this is first/);
    assert.doesNotMatch(page.body, /Save and add to the waiting list/);
    const response = await triage.submit(`/referrals/${referral.id}/match`, decision(), `/referrals/${referral.id}/triage`);
    assert.equal(response.statusCode, 409);
    assert.match(response.body, new RegExp(`<a href="/referrals/${referral.id}/match">\\s*Check who this is first`));
    assert.equal((await row(referral.id)).state, 'received');
  });

  test('the state machine’s refusal is shown: a referral already on a waiting list is not routed again', async () => {
    const referral = await triaged();
    const page = await triage.get(`/referrals/${referral.id}/triage`);
    assert.match(page.body, /This referral is already on a waiting list. To send it somewhere else, return it to triage first./);
    const response = await triage.submit(`/referrals/${referral.id}/urgency`, decision({ route: `org:${shawTrust()}` }), `/referrals/${referral.id}/triage`);
    assert.equal(response.statusCode, 409);
    assert.equal((await row(referral.id)).routed_organisation_id, porchlight());
  });

  test('only the single point of access triages, and only its own tenant’s referrals', async () => {
    const referral = await refer();
    for (const login of ['navigator', 'provider', 'referrer', 'commissioner']) {
      const client = await t.signedIn(demoEmail(login));
      assert.equal((await client.get(`/referrals/${referral.id}/triage`)).statusCode, 403, login);
      assert.equal((await client.get(`/referrals/${referral.id}/match`)).statusCode, 403, login);
      assert.equal((await client.get(`/referrals/${referral.id}/withdraw`)).statusCode, 403, login);
    }
    const kingston = await t.signedIn(demoEmail('triage', 'kingston'));
    assert.equal((await kingston.get(`/referrals/${referral.id}/triage`)).statusCode, 404);
    // Any page's form gives a CSRF token for a post made by hand.
    const post = await kingston.submit('/sign-out', { version: '1', ...decision() }, `/referrals/${referral.id}/triage`);
    assert.equal(post.statusCode, 404);
    assert.equal((await row(referral.id)).state, 'received');
  });
});

describe('who this is', () => {
  test('likely matches are shown with how alike and why, and each is an audited read of a person record', async () => {
    const { referral, knownId } = await lookalike();
    const page = await triage.get(`/referrals/${referral.id}/match`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /(Almost certainly|Probably|Possibly) the same person/);
    assert.match(page.body, new RegExp(`value="${knownId}"`));
    assert.match(page.body, /No, this is someone new/);
    const reads = await t.db.query<{ detail: { purpose: string; referralId: string } }>(
      `SELECT detail FROM audit_events WHERE action = 'read' AND record_type = 'person' AND person_id = $1`, [knownId],
    );
    assert.ok(reads.rows.some((r) => r.detail.purpose === 'possible match for a referral' && r.detail.referralId === referral.id));
  });

  test('“the same person” links the referral to them and adds what it says to their record', async () => {
    const { referral, knownId } = await lookalike();
    const readsBefore = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'read' AND person_id = $1`, [knownId]);
    const response = await triage.submit(`/referrals/${referral.id}/match`, { choice: knownId });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/referrals/${referral.id}?done=matched`);
    const saved = await row(referral.id);
    assert.equal(saved.person_id, knownId);
    assert.equal(saved.match_status, 'linked');
    const person = await t.db.query<{ needs: string[] }>('SELECT needs FROM people WHERE id = $1', [knownId]);
    assert.ok(person.rows[0]!.needs.includes('lantern-needs:depression'));
    const event = await t.db.query<{ kind: string; detail: { decision: string } }>(`SELECT kind, detail FROM referral_events WHERE referral_id = $1 AND kind = 'match'`, [referral.id]);
    assert.equal(event.rows[0]!.detail.decision, 'same');
    const audit = await t.db.query<{ person_id: string }>(`SELECT person_id FROM audit_events WHERE action = 'referral.match' AND record_id = $1`, [referral.id]);
    assert.equal(audit.rows[0]!.person_id, knownId);
    const readsAfter = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'read' AND person_id = $1`, [knownId]);
    assert.ok(Number(readsAfter.rows[0]!.n) > Number(readsBefore.rows[0]!.n), 'the candidates read to check the choice are audited too');
    // Now the referral can be triaged.
    assert.equal((await triage.submit(`/referrals/${referral.id}/triage`, decision())).statusCode, 303);
  });

  test('“someone new” makes a new person record', async () => {
    const { referral, knownId } = await lookalike();
    const before = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM people WHERE tenant_id = 'kent'`);
    assert.equal((await triage.submit(`/referrals/${referral.id}/match`, { choice: 'new' })).statusCode, 303);
    const saved = await row(referral.id);
    assert.equal(saved.match_status, 'created');
    assert.notEqual(saved.person_id, knownId);
    const afterCount = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM people WHERE tenant_id = 'kent'`);
    assert.equal(Number(afterCount.rows[0]!.n), Number(before.rows[0]!.n) + 1);
  });

  test('no choice, or someone not offered, is refused; a decided referral is not decided again', async () => {
    const { referral, knownId } = await lookalike();
    const none = await triage.submit(`/referrals/${referral.id}/match`, {});
    assert.equal(none.statusCode, 400);
    assert.deepEqual(errorSummary(none.body), ['#choice: Choose the person this is, or that this is someone new']);
    const stranger = await triage.submit(`/referrals/${referral.id}/match`, { choice: '5f0c3a8e-4b7d-4c8e-9a1b-2c3d4e5f6a7b' });
    assert.deepEqual(errorSummary(stranger.body), ['#choice: Choose one of the people listed, or that this is someone new']);
    assert.equal((await triage.submit(`/referrals/${referral.id}/match`, { choice: knownId })).statusCode, 303);
    const again = await triage.get(`/referrals/${referral.id}/match`);
    assert.match(again.body, /has been decided already/);
    const twice = await triage.submit('/sign-out', { version: '2', choice: 'new' }, `/referrals/${referral.id}/match`);
    assert.equal(twice.statusCode, 409);
    assert.match(twice.body, /already been decided/);
  });
});

describe('changing urgency on the waiting list', () => {
  test('more urgent: the deadline is worked out again from the original date and the team is told', async () => {
    const referral = await triaged({ receivedAt: new Date(Date.now() - 2 * 86_400_000) });
    const settings = await getTenantSettings(t.db, 'kent');
    const same = await triage.submit(`/referrals/${referral.id}/urgency`, { urgency: 'routine', reason: 'No change' });
    assert.deepEqual(errorSummary(same.body), ['#urgency: This referral is already routine. Choose a different urgency, or go back to the referral.']);
    const missing = await triage.submit(`/referrals/${referral.id}/urgency`, { urgency: 'crisis', reason: '' });
    assert.deepEqual(errorSummary(missing.body), ['#reason: Enter why the urgency has changed']);
    const response = await triage.submit(`/referrals/${referral.id}/urgency`, { urgency: 'crisis', reason: 'Their GP called: they are at risk now.' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/referrals/${referral.id}?done=urgency`);
    const saved = await row(referral.id);
    assert.equal(saved.urgency, 'crisis');
    assert.equal((saved.due_at as Date).getTime(), dueAtFor(referral.originalReceivedAt, 'crisis', settings).getTime());
    assert.equal(saved.state, 'waiting');
    assert.equal((await emailsTo(demoEmail('navigator'), 'referral-urgency-raised')).filter((e) => e.body.includes(referral.reference)).length, 1);
    // The navigator holding the waiting list may change it too.
    const navigator = await t.signedIn(demoEmail('navigator'));
    assert.equal((await navigator.submit(`/referrals/${referral.id}/urgency`, { urgency: 'urgent', reason: 'Spoke to them: safe tonight, with their sister.' })).statusCode, 303);
  });

  test('a referral waiting for triage has its urgency set in the triage decision', async () => {
    const referral = await refer();
    const page = await triage.get(`/referrals/${referral.id}/urgency`);
    assert.match(page.body, /set its urgency in the triage decision/);
  });
});

describe('redirect', () => {
  test('to a service in Lantern: a new referral on its waiting list by the ORIGINAL date, and the first organisation’s access ends', async () => {
    const twentyDaysAgo = new Date(Date.now() - 20 * 86_400_000);
    const original = await triaged({ receivedAt: twentyDaysAgo });
    // Someone referred later is already on Shaw Trust's list.
    const later = await triaged({ receivedAt: new Date(Date.now() - 5 * 86_400_000) }, { route: `org:${shawTrust()}` });

    const navigator = await t.signedIn(demoEmail('navigator'));
    assert.equal((await navigator.get(`/people/${original.personId}`)).statusCode, 200);
    const search = await navigator.get(`/referrals/${original.id}/redirect?q=${encodeURIComponent('West Kent navigators')}`);
    assert.equal(search.statusCode, 200);
    assert.match(search.body, /value="kent-live-well-kent-shaw-trust-west-kent"/);
    assert.match(search.body, /Takes referrals through Lantern/);

    const response = await navigator.submit(`/referrals/${original.id}/redirect?q=West+Kent`, {
      serviceId: 'kent-live-well-kent-shaw-trust-west-kent', note: 'Moving to Maidstone next week; wants support there.', outsideEligibility: 'no',
    });
    assert.equal(response.statusCode, 303, errorSummary(response.body).join('; '));
    assert.equal(response.headers.location, `/referrals/${original.id}?done=redirected`);

    const old = await row(original.id);
    assert.equal(old.state, 'redirected');
    assert.equal(old.redirect_service_name, 'Live Well Kent wellbeing navigators: West Kent');
    const made = await row(old.redirected_to_id as string);
    assert.equal((made.original_received_at as Date).getTime(), twentyDaysAgo.getTime(), 'the original date travels');
    assert.ok(Date.now() - (made.received_at as Date).getTime() < 60_000, 'received by the new service now');
    assert.equal(made.redirected_from_id, original.id);
    assert.equal(made.state, 'waiting');
    assert.equal(made.routed_organisation_id, shawTrust());
    assert.equal(made.person_id, original.personId);
    assert.equal(made.match_status, 'linked');
    assert.equal(made.triage_reasons, 'Moving to Maidstone next week; wants support there.');
    const settings = await getTenantSettings(t.db, 'kent');
    assert.equal((made.due_at as Date).getTime(), dueAtFor(twentyDaysAgo, 'routine', settings).getTime());

    const list = await t.db.query<{ id: string }>(
      `SELECT id FROM referrals WHERE tenant_id = 'kent' AND routed_organisation_id = $1 AND state = 'waiting' ORDER BY original_received_at, id`, [shawTrust()],
    );
    const order = list.rows.map((r) => r.id);
    assert.ok(order.indexOf(made.id as string) < order.indexOf(later.id), 'they keep their place ahead of someone who asked later');

    assert.equal((await navigator.get(`/people/${original.personId}`)).statusCode, 404, 'the first organisation’s access has ended');
    const shaw = await t.signedIn(demoEmail('navigator2'));
    assert.equal((await shaw.get(`/people/${original.personId}`)).statusCode, 200, 'the new organisation can reach the person');
    assert.equal((await emailsTo(demoEmail('navigator2'), 'referral-routed')).filter((e) => e.body.includes(made.reference as string)).length, 1);
  });

  test('to a service outside Lantern: signposted, and the person told how to reach it only if they said messages are safe', async () => {
    const allowed = await refer({ contactPreferences: { ...NO_PREFERENCES, email: true } }, { email: 'signposted@example.com' });
    const response = await triage.submit(`/referrals/${allowed.id}/redirect?q=debt`, {
      serviceId: 'kent-citizens-advice-debt', note: 'Needs debt advice first.', outsideEligibility: 'no',
    });
    assert.equal(response.statusCode, 303, errorSummary(response.body).join('; '));
    assert.equal(response.headers.location, `/referrals/${allowed.id}?done=signposted`);
    const saved = await row(allowed.id);
    assert.equal(saved.state, 'redirected');
    assert.equal(saved.redirect_service_id, 'kent-citizens-advice-debt');
    assert.equal(saved.redirect_note, 'Needs debt advice first.');
    assert.equal(saved.redirected_to_id, null);
    const messages = await emailsTo('signposted@example.com', 'referral-signposted');
    assert.equal(messages.length, 1);
    assert.match(messages[0]!.body, /Debt and money advice \(Citizens Advice\)/);
    assert.match(messages[0]!.body, /01632 960150/);
    assert.doesNotMatch(messages[0]!.body, new RegExp(`${allowed.subject.givenName}|${allowed.subject.familyName}|debt advice first`), 'no personal details, not even the note');

    const phoneOnly = await refer({ contactPreferences: { ...NO_PREFERENCES, call: true } }, { email: 'callme@example.com' });
    assert.equal((await triage.submit(`/referrals/${phoneOnly.id}/redirect?q=debt`, { serviceId: 'kent-citizens-advice-debt', note: 'Debt advice.', outsideEligibility: 'yes' })).statusCode, 303);
    assert.equal((await emailsTo('callme@example.com', 'referral-signposted')).length, 0);
    const event = await t.db.query<{ detail: { outsideEligibility: boolean } }>(`SELECT detail FROM referral_events WHERE referral_id = $1 AND kind = 'redirect'`, [phoneOnly.id]);
    assert.equal(event.rows[0]!.detail.outsideEligibility, true);
  });

  test('the form needs a service, a note and the eligibility answer; the search works without JavaScript', async () => {
    const referral = await refer();
    const empty = await triage.submit(`/referrals/${referral.id}/redirect`, {});
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [
      '#q: Search for the service, then choose it from the results',
      '#note: Enter a note for the service: why you are passing the referral to them',
      '#outsideEligibility: Choose yes if this is because the person is outside who our service is for, or no',
    ]);
    const search = await triage.get(`/referrals/${referral.id}/redirect?q=debt`);
    assert.match(search.body, /value="kent-citizens-advice-debt"/);
    const nothing = await triage.get(`/referrals/${referral.id}/redirect?q=zzzzqqqq`);
    assert.match(nothing.body, /No services in the directory match/);
    const own = await triage.submit(`/referrals/${referral.id}/redirect?q=Live+Well+Kent`, { serviceId: 'kent-live-well-kent', note: 'x', outsideEligibility: 'no' });
    assert.deepEqual(errorSummary(own.body), ['#serviceId: That is our own service. To keep the referral here, triage it instead of redirecting it']);
    assert.equal((await row(referral.id)).state, 'received');
  });

  test('organisation staff may redirect only what waits on their own list', async () => {
    const waiting = await triaged();
    const other = await t.signedIn(demoEmail('navigator2'));
    assert.equal((await other.get(`/referrals/${waiting.id}/redirect`)).statusCode, 404);
    const received = await refer();
    const navigator = await t.signedIn(demoEmail('navigator'));
    assert.equal((await navigator.get(`/referrals/${received.id}/redirect`)).statusCode, 404);
  });

  test('a redirect overtaken by someone else’s change is refused, and the referral made for it does not wait in the queue', async () => {
    const original = await triaged();
    // Someone changes the first referral in the moment between the new referral being made and the redirect completing.
    await t.db.exec(`
      CREATE FUNCTION test_meanwhile() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE referrals SET version = version + 1 WHERE tenant_id = NEW.tenant_id AND id = NEW.redirected_from_id; RETURN NEW; END $$;
      CREATE TRIGGER test_meanwhile AFTER INSERT ON referrals FOR EACH ROW WHEN (NEW.redirected_from_id IS NOT NULL) EXECUTE FUNCTION test_meanwhile();`);
    try {
      const response = await triage.submit(`/referrals/${original.id}/redirect?q=West+Kent`, {
        serviceId: 'kent-live-well-kent-shaw-trust-west-kent', note: 'Moving to Maidstone.', outsideEligibility: 'no',
      });
      assert.equal(response.statusCode, 409);
      assert.match(response.body, /Someone else changed this referral/);
    } finally {
      await t.db.exec('DROP TRIGGER test_meanwhile ON referrals; DROP FUNCTION test_meanwhile();');
    }
    const old = await row(original.id);
    assert.equal(old.state, 'waiting');
    assert.equal(old.routed_organisation_id, porchlight());
    const made = await t.db.query<{ state: string; close_reason: string }>('SELECT state, close_reason FROM referrals WHERE redirected_from_id = $1', [original.id]);
    assert.deepEqual(made.rows, [{ state: 'withdrawn', close_reason: 'entered_in_error' }]);
    const navigator = await t.signedIn(demoEmail('navigator'));
    assert.equal((await navigator.get(`/people/${original.personId}`)).statusCode, 200, 'the first organisation keeps its access');
  });

  test('a service in Lantern needs the person known first', async () => {
    const { referral } = await lookalike();
    const response = await triage.submit(`/referrals/${referral.id}/redirect?q=West+Kent`, {
      serviceId: 'kent-live-well-kent-shaw-trust-west-kent', note: 'Lives in Maidstone.', outsideEligibility: 'no',
    });
    assert.equal(response.statusCode, 409);
    assert.match(response.body, /Check who this is first/);
    assert.equal((await row(referral.id)).state, 'received');
    const made = await t.db.query(`SELECT 1 FROM referrals WHERE redirected_from_id = $1`, [referral.id]);
    assert.equal(made.rows.length, 0);
  });
});

describe('allocation', () => {
  test('before routing, the single point of access’s staff; a reallocation needs a handover note; the new worker is emailed a link', async () => {
    const referral = await refer();
    const page = await triage.get(`/referrals/${referral.id}/allocate`);
    assert.match(page.body, new RegExp(`value="${staffId('triage')}"`));
    assert.doesNotMatch(page.body, new RegExp(`value="${staffId('navigator')}"`));
    assert.equal((await triage.submit(`/referrals/${referral.id}/allocate`, { workerId: staffId('triage') })).statusCode, 303);
    assert.equal((await row(referral.id)).responsible_user_id, staffId('triage'));

    const noNote = await triage.submit(`/referrals/${referral.id}/allocate`, { workerId: staffId('admin'), note: '' });
    assert.equal(noNote.statusCode, 400);
    assert.match(errorSummary(noNote.body)[0]!, /^#note: Write a handover note for the new worker/);
    const response = await triage.submit(`/referrals/${referral.id}/allocate`, { workerId: staffId('admin'), note: 'Prefers texts after 5pm. Spoke once.' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/referrals/${referral.id}?done=allocated`);
    assert.equal((await row(referral.id)).responsible_user_id, staffId('admin'));
    const event = await t.db.query<{ note: string; detail: { from: string; to: string } }>(
      `SELECT note, detail FROM referral_events WHERE referral_id = $1 AND kind = 'allocate' ORDER BY id DESC LIMIT 1`, [referral.id],
    );
    assert.equal(event.rows[0]!.note, 'Prefers texts after 5pm. Spoke once.');
    assert.deepEqual(event.rows[0]!.detail, { from: staffId('triage'), to: staffId('admin'), handover: true });
    const email = (await emailsTo(demoEmail('admin'), 'referral-allocated')).filter((e) => e.body.includes(referral.reference));
    assert.equal(email.length, 1);
    assert.match(email[0]!.body, new RegExp(`/referrals/${referral.id}`));
    assert.doesNotMatch(email[0]!.body, /Prefers texts/, 'the note stays in Lantern');
  });

  test('after routing, only the organisation’s own staff can be chosen', async () => {
    const referral = await triaged();
    const navigator = await t.signedIn(demoEmail('navigator'));
    const wrong = await navigator.submit(`/referrals/${referral.id}/allocate`, { workerId: staffId('navigator2') });
    assert.deepEqual(errorSummary(wrong.body), [`#workerId: Choose someone who works for Porchlight (${DGSS})`]);
    assert.equal((await navigator.submit(`/referrals/${referral.id}/allocate`, { workerId: staffId('navigator3') })).statusCode, 303);
    assert.equal((await row(referral.id)).responsible_user_id, staffId('navigator3'));
  });
});

describe('withdrawing', () => {
  test('a duplicate is withdrawn with a note, and any access it gave ends', async () => {
    const referral = await triaged();
    const missing = await triage.submit(`/referrals/${referral.id}/withdraw`, { reason: 'duplicate', note: '' });
    assert.deepEqual(errorSummary(missing.body), ['#note: Enter a note saying which referral this duplicates, like its reference']);
    const response = await triage.submit(`/referrals/${referral.id}/withdraw`, { reason: 'duplicate', note: 'Same as K7P9-Q2XM, sent twice.' });
    assert.equal(response.statusCode, 303);
    const saved = await row(referral.id);
    assert.equal(saved.state, 'withdrawn');
    assert.equal(saved.close_reason, 'duplicate');
    const navigator = await t.signedIn(demoEmail('navigator'));
    assert.equal((await navigator.get(`/people/${referral.personId}`)).statusCode, 404);
    const again = await triage.get(`/referrals/${referral.id}/withdraw`);
    assert.match(again.body, /already been withdrawn/);
  });
});

