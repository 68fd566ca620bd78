// The person's one summary page: who they are, how to contact them safely, consent, risk, their
// support and their referrals, each part shown only to those who may see it and every view
// audited; how they want to be contacted and their risk flags, changed with a version check.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { dateFields, personWithEpisode, staffContextOf, staffMember } from './support/episodes.ts';
import { submitReferral } from '../src/features/referrals/service.ts';
import { grantPersonAccess } from '../src/platform/access.ts';
import { addPersonSection } from '../src/features/people/sections.ts';
import { personSummary } from '../src/features/people/summary.ts';
import { createPersonRecord } from '../src/features/people/service.ts';
import { londonDate } from '../src/domain/working-days.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { NO_PREFERENCES } from '../src/domain/contact-preferences.ts';

let t: TestApp;
let nav3: TestClient;
const today = londonDate(new Date());

before(async () => {
  t = await startTestApp();
  nav3 = await t.signedIn(demoEmail('navigator3'));
});
after(() => t.close());

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

describe('the summary page', () => {
  test('one page: who they are, safe contact, consent, risk, support with goals, contacts and status, referrals', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3', givenName: 'Robin', familyName: 'Ashby', startedAt: new Date(`${addDays(today, -20)}T12:00:00Z`) });
    const e = `/episodes/${who.episodeId}`;
    assert.equal((await nav3.submit(`${e}/plan`, { whatMatters: 'My garden', strengths: 'Patient', ...dateFields('nextReviewOn', addDays(today, 14)) })).statusCode, 303);
    const goal = await nav3.submit(`${e}/goals/new`, { description: 'Grow my own vegetables', domain: 'healthy_living' });
    const goalPath = (goal.headers.location as string).split('?')[0]!;
    await nav3.submit(`${goalPath}/progress/new`, { rating: '2', ...dateFields('ratedOn', addDays(today, -10)) });
    await nav3.submit(`${goalPath}/progress/new`, { rating: '5', ...dateFields('ratedOn', today) });
    await nav3.submit(`${e}/contacts/new`, { ...dateFields('contactOn', addDays(today, -1)), time: '11:00', kind: 'video', duration: '30', mecc: 'healthy_eating' });
    await nav3.submit(`${e}/status/new`, { ...dateFields('recordedOn', addDays(today, -20)), employmentStatus: '04', accommodationType: 'private_tenant', volunteering: 'no', educationTraining: 'yes' });

    const page = await nav3.get(`/people/${who.personId}`);
    assert.equal(page.statusCode, 200);
    const body = page.body;
    for (const heading of ['Who they are', 'How to contact them safely', 'Consent', 'Risk', 'Support', 'Referrals']) {
      assert.match(body, new RegExp(`<h2 id="[a-z]+">${heading}</h2>`), heading);
    }
    assert.match(body, /We do not know how it is safe to contact them/, 'no contact preferences yet: a warning');
    assert.match(body, /Not asked yet/);
    assert.match(body, /No risk flags recorded\./);
    assert.match(body, /Grace Adeyemi/, 'the worker');
    assert.match(body, /Porchlight \(Dartford, Gravesham and Swanley with Swale\)/);
    assert.match(body, /“Grow my own vegetables”/);
    assert.match(body, /Latest rating 5 out of 10 on [^:]+: up 3 points since the first rating\./);
    assert.match(body, /video call, 30 minutes\. Brief advice: healthy eating/);
    assert.match(body, /Long-term sick or disabled, those receiving government sickness and disability benefits/);
    assert.match(body, /No referrals that you can see\./);
    assert.match(body, /href="\/episodes\/[0-9a-f-]+">Open the support plan/);

    const audit = await t.db.query<{ action: string; basis: string; outcome: string }>(
      `SELECT action, basis, outcome FROM audit_events WHERE person_id = $1 AND actor_user_id = $2 AND request_id = $3 ORDER BY id`,
      [who.personId, (await staffMember(t.db, 'navigator3')).id, page.headers['x-request-id']],
    );
    // One request, every part audited: the person, their episode, then the sections other features add.
    assert.deepEqual(audit.rows, [
      { action: 'read', basis: 'responsible organisation', outcome: 'success' },
      { action: 'episode.read', basis: 'responsible worker', outcome: 'success' },
      { action: 'crisis_plan.read', basis: 'responsible organisation', outcome: 'success' },
      { action: 'carer_link.list', basis: 'responsible organisation', outcome: 'success' },
      { action: 'prescription.list', basis: 'support episode', outcome: 'success' },
      { action: 'come_back.read', basis: 'responsible organisation', outcome: 'success' },
    ]);
  });

  test('someone never signed up', async () => {
    const personId = await t.db.transaction((tx) => createPersonRecord(tx, 'kent', {
      givenName: 'Kim', familyName: 'Newcome', dateOfBirth: null, nhsNumber: null, postcode: null, district: null, phone: null, email: null,
      gpOrganisationId: null, gpPracticeName: null, contactPreferences: { ...NO_PREFERENCES, call: true, times: 'Mornings' }, consentGpShare: false, needs: [],
    }));
    const triage = await t.signedIn(demoEmail('triage'));
    const page = await triage.get(`/people/${personId}`);
    assert.match(page.body, /They have not been signed up for support yet\./);
    assert.match(page.body, /Phone call/);
    assert.match(page.body, /Mornings/);
    assert.match(page.body, /No, they do not agree/);
    assert.doesNotMatch(page.body, /We do not know how it is safe to contact them/);
  });

  test('an organisation with a relationship to the person, but not holding their support, does not see the plan', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    await nav3.submit(`/episodes/${who.episodeId}/goals/new`, { description: 'A private hope', domain: 'recovery' });
    const navigator2 = await t.signedIn(demoEmail('navigator2'));
    assert.equal((await navigator2.get(`/people/${who.personId}`)).statusCode, 404, 'no relationship: not found');
    const shaw = await staffMember(t.db, 'navigator2');
    await grantPersonAccess(t.db, { tenantId: 'kent', personId: who.personId, organisationId: shaw.organisationId, basis: 'referral routed to organisation', sourceId: crypto.randomUUID() });
    const page = await navigator2.get(`/people/${who.personId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Support is open with Porchlight \(Dartford, Gravesham and Swanley with Swale\) since/);
    assert.match(page.body, /Only the organisation giving the support can see their plan\./);
    assert.doesNotMatch(page.body, /A private hope/);
    assert.equal((await navigator2.get(`/episodes/${who.episodeId}`)).statusCode, 404);
  });

  test('referrals are listed for those who may read each one, and each one shown is audited', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    await t.db.query(`UPDATE people SET nhs_number = '9434765919' WHERE id = $1`, [who.personId]);
    const { referral } = await submitReferral({ db: t.db, actor: null, requestId: 'test', ip: '127.0.0.1' }, 'kent', {
      source: 'gp', channel: 'web', referrer: { organisationId: null, userId: null, name: 'Dr Test', role: 'GP', relationship: null, email: null, phone: null },
      person: { givenName: who.givenName, familyName: who.familyName, dateOfBirth: '1985-06-15', nhsNumber: '9434765919', postcode: null, district: null, phone: null, email: null, gpOrganisationId: null, gpPracticeName: null },
      contactPreferences: null, consentGpShare: null, personConsents: true, reason: 'Low mood', needs: [], crisis: false, requestedUrgency: null, idempotencyKey: null,
    }, { baseUrl: 'http://lantern.test' });
    assert.equal(referral.personId, who.personId);
    const triage = await t.signedIn(demoEmail('triage'));
    assert.match((await triage.get(`/people/${who.personId}`)).body, new RegExp(`>${referral.reference}</a>`));
    assert.doesNotMatch((await nav3.get(`/people/${who.personId}`)).body, new RegExp(referral.reference), 'not routed to the navigator’s organisation');
    await t.db.query('UPDATE referrals SET routed_organisation_id = $2, state = $3 WHERE id = $1', [referral.id, who.organisationId, 'waiting']);
    const routed = await nav3.get(`/people/${who.personId}`);
    assert.match(routed.body, new RegExp(`>${referral.reference}</a>`));
    assert.match(routed.body, /Waiting/);
    const audit = await t.db.query<{ basis: string }>(
      `SELECT basis FROM audit_events WHERE action = 'referral.read' AND record_id = $1 AND actor_user_id = $2 ORDER BY id DESC LIMIT 1`,
      [referral.id, (await staffMember(t.db, 'navigator3')).id],
    );
    assert.equal(audit.rows[0]!.basis, 'referral routed to organisation');
  });

  test('other features add sections, loaded in the page’s transaction after access to the person is decided', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const seen: string[] = [];
    addPersonSection({ key: 'test-carers', load: async (tx, ctx, person) => {
      const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM people WHERE id = $1', [person.id]);
      seen.push(`${ctx.actor.role}:${person.familyName}`);
      return { count: rows[0]!.n };
    } });
    const summary = await personSummary(await staffContextOf(t.db, 'navigator3'), who.personId);
    assert.deepEqual(summary.sections['test-carers'], { count: 1 });
    await assert.rejects(personSummary(await staffContextOf(t.db, 'navigator2'), who.personId), (error: { status: number }) => error.status === 404);
    assert.deepEqual(seen, [`navigator:${who.familyName}`], 'not loaded for someone refused');
    assert.equal((await nav3.get(`/people/${who.personId}`)).statusCode, 200, 'the page renders with the section added');
  });
});

describe('how they want to be contacted', () => {
  test('recorded as they say, with consent to share with their GP', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const url = `/people/${who.personId}/contact-preferences`;
    const form = await nav3.get(url);
    assert.match(form.body, /“I decide how I am communicated with\.”/);
    const saved = await nav3.submit(url, { methods: 'text', times: 'Weekday mornings', notes: 'Do not say where you are calling from', consentGpShare: 'yes' });
    assert.equal(saved.statusCode, 303);
    const page = await nav3.get(saved.headers.location as string);
    assert.match(page.body, /How they want to be contacted is saved/);
    assert.match(page.body, /Text message/);
    assert.match(page.body, /Weekday mornings/);
    assert.match(page.body, /Yes, they agree/);
    const stored = await t.db.query<{ contact_preferences: Record<string, unknown>; consent_gp_share: boolean }>('SELECT contact_preferences, consent_gp_share FROM people WHERE id = $1', [who.personId]);
    assert.deepEqual(stored.rows[0], {
      contact_preferences: { call: false, voicemail: false, text: true, email: false, letter: false, times: 'Weekday mornings', notes: 'Do not say where you are calling from' },
      consent_gp_share: true,
    });
    const voicemail = await nav3.submit(url, { methods: 'voicemail', consentGpShare: 'not-asked' });
    assert.deepEqual(errorSummary(voicemail.body), ['#methods: Select phone call as well if a voicemail is safe, or untick voicemail']);
  });

  test('a stale save is refused beside what is saved now, with the choices kept', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const url = `/people/${who.personId}/contact-preferences`;
    const nav = await t.signedIn(demoEmail('navigator'));
    const formA = (await nav3.get(url)).body;
    const formB = (await nav.get(url)).body;
    const post = (client: TestClient, html: string, form: Record<string, string>) => client.post(url, { _csrf: hidden(html, '_csrf'), version: hidden(html, 'version'), ...form });
    assert.equal((await post(nav3, formA, { methods: 'email', times: 'Evenings', notes: '', consentGpShare: 'no' })).statusCode, 303);
    const stale = await post(nav, formB, { methods: 'letter', times: 'Never on Fridays', notes: '', consentGpShare: 'yes' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Ways it is safe to contact them: Email/);
    assert.match(stale.body, /value="letter" checked/);
    assert.match(stale.body, /value="Never on Fridays"/);
    const stored = await t.db.query<{ times: string }>(`SELECT contact_preferences->>'times' AS times FROM people WHERE id = $1`, [who.personId]);
    assert.equal(stored.rows[0]!.times, 'Evenings');
    assert.equal((await post(nav, stale.body, { methods: 'email', times: 'Evenings, never on Fridays', notes: '', consentGpShare: 'no' })).statusCode, 303);
  });
});

describe('risk flags', () => {
  test('recorded with a summary, shown as tags in words with who reviewed them and when', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const url = `/people/${who.personId}/risk`;
    const saved = await nav3.submit(url, { flags: 'safeguarding', summary: 'Partner controls money and phone. Call only on her mobile before noon.' });
    assert.equal(saved.headers.location, `/people/${who.personId}?done=risk`);
    const page = await nav3.get(saved.headers.location as string);
    assert.match(page.body, /Risk flags saved and marked as reviewed today/);
    assert.match(page.body, /<span class="nhsuk-u-visually-hidden">Risk flag: <\/span>Safeguarding concern<\/strong>/);
    assert.match(page.body, /Last reviewed \d+ \w+ \d{4} by Grace Adeyemi\./);
    const noSummary = await nav3.submit(url, { flags: 'self_harm', summary: '' });
    assert.deepEqual(errorSummary(noSummary.body), ['#summary: Describe the risk in a few words, and what to do about it']);
    assert.match(noSummary.body, /value="self_harm" checked/);
    const audit = await t.db.query<{ detail: { before: string[]; after: string[] } }>(
      `SELECT detail FROM audit_events WHERE action = 'risk.update' AND person_id = $1 AND outcome = 'success'`, [who.personId],
    );
    assert.deepEqual(audit.rows[0]!.detail, { before: [], after: ['safeguarding'] });
    // Cleared: no flags, and the review is still recorded.
    assert.equal((await nav3.submit(url, { summary: '' })).statusCode, 303);
    assert.match((await nav3.get(`/people/${who.personId}`)).body, /No risk flags recorded\./);
  });

  test('a stale save is refused with what is saved now, and nothing is lost', async () => {
    const who = await personWithEpisode(t.db, { worker: 'navigator3' });
    const url = `/people/${who.personId}/risk`;
    const triage = await t.signedIn(demoEmail('triage'));
    const formA = (await nav3.get(url)).body;
    const formB = (await triage.get(url)).body;
    const post = (client: TestClient, html: string, form: Record<string, string>) => client.post(url, { _csrf: hidden(html, '_csrf'), version: hidden(html, 'version'), ...form });
    assert.equal((await post(nav3, formA, { flags: 'substance_use', summary: 'Drinks most days' })).statusCode, 303);
    const stale = await post(triage, formB, { flags: 'harm_to_others', summary: 'Threatened a neighbour' });
    assert.equal(stale.statusCode, 409);
    assert.match(errorSummary(stale.body)[0]!, /^#flags: Grace Adeyemi saved changes to the risk flags after you opened this page\./);
    assert.match(stale.body, /Risk flag: <\/span>Substance use/);
    assert.match(stale.body, />Threatened a neighbour<\/textarea>/);
    assert.match(stale.body, /value="harm_to_others" checked/);
    const stored = await t.db.query<{ flags: string[]; version: number }>('SELECT flags, version FROM person_risks WHERE person_id = $1', [who.personId]);
    assert.deepEqual(stored.rows[0], { flags: ['substance_use'], version: 1 });
    const merged = await post(triage, stale.body, { flags: 'harm_to_others', summary: 'Drinks most days. Threatened a neighbour' });
    assert.equal(merged.statusCode, 303);
    const after = await t.db.query<{ flags: string[] }>('SELECT flags FROM person_risks WHERE person_id = $1', [who.personId]);
    assert.deepEqual(after.rows[0]!.flags, ['harm_to_others']);
  });
});
