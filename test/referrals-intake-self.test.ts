// The public self-referral as a person without JavaScript goes through it: one question a page,
// every answer carried in hidden fields and nothing kept until it is sent (unless they save it),
// the crisis options at once after a yes to the danger question, a carer's referral never sent
// without the person's agreement unless they are in danger, one referral however often it is
// sent, and signposting for anyone the service is not for.
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorSummary, startTestApp, type TestApp } from './support/app.ts';
import { formOn, inputValue, markedAsError, ReferFlow, selfAnswers, uniqueSurname, type Typed } from './support/refer-flow.ts';
import { at, listing, saveListings } from './support/listings.ts';
import { seedTaxonomy } from '../src/seed/taxonomy.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { logTransport, notificationJobs } from '../src/platform/notifications.ts';
import { DRAFT_CLEANUP, draftTokenHash, intakeJobs, scheduleDraftCleanup } from '../src/features/referrals/intake/drafts.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp();
  await seedTaxonomy(t.db);
  await saveListings(t.db, [
    listing({ id: 'kent-crisis-line', name: 'Kent Night Crisis Line', summary: 'Someone to talk to at night', crisis: true, phone: '01632 960123' }),
    listing({ id: 'kent-youth', name: 'Kent Youth Wellbeing', summary: 'Support for young people aged 11 to 18', termIds: ['lantern-needs:young-people'],
      minimumAge: 11, maximumAge: 18, locations: [at('y1', 'DA1 1AA')] }),
    listing({ id: 'kent-hub', name: 'Dartford Wellbeing Group', summary: 'A weekly group', hubReferral: true, locations: [at('h1', 'DA1 1AA')] }),
  ]);
});
after(() => t.close());

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(sql, params);
  return Number(rows[0]!.n);
}

/** Everything a referral writes, to show that nothing was written. */
async function writes() {
  return {
    referrals: await count('SELECT count(*) AS n FROM referrals'),
    people: await count('SELECT count(*) AS n FROM people'),
    events: await count('SELECT count(*) AS n FROM referral_events'),
    notifications: await count('SELECT count(*) AS n FROM notifications'),
    submits: await count(`SELECT count(*) AS n FROM audit_events WHERE action = 'referral.submit'`),
    drafts: await count('SELECT count(*) AS n FROM referral_drafts'),
  };
}

/** Goes through the pages in order, checking each is the one expected, until `stopAt` (a heading) or the check page. */
async function walk(flow: ReferFlow, pages: [string, Typed][], stopAt?: string): Promise<void> {
  for (const [heading, typed] of pages) {
    if (heading === stopAt) break;
    assert.equal(flow.heading, heading, `expected the page "${heading}"`);
    await flow.answer(typed);
    assert.equal(flow.page.statusCode, 200, `answering "${heading}" (${errorSummary(flow.html).join('; ')})`);
  }
}

async function newFlow(): Promise<ReferFlow> {
  const flow = new ReferFlow(t, t.client());
  await flow.start();
  return flow;
}

const referralByReference = async (reference: string) => {
  const { rows } = await t.db.query<Record<string, unknown>>('SELECT * FROM referrals WHERE reference = $1', [reference]);
  return rows[0];
};

const referenceOn = (html: string) => /class="lantern-reference">([^<]+)</.exec(html)?.[1] ?? '';

describe('the self-referral, page by page', () => {
  test('the start page, linked from the home page and from listings that take referrals through the hub', async () => {
    const client = t.client();
    const home = await client.get('/');
    assert.match(home.body, /<a class="nhsuk-button" href="\/refer">Refer yourself<\/a>/);
    const hub = await client.get('/services/kent-hub');
    assert.match(hub.body, /<a href="\/refer">Refer yourself<\/a>/);
    const plain = await client.get('/services/kent-youth');
    assert.doesNotMatch(plain.body, /Refer yourself/);
    const start = await client.get('/refer');
    assert.equal(start.statusCode, 200);
    assert.match(start.body, /<h1>Ask Live Well Kent for support<\/h1>/);
    assert.match(start.body, /name="key" value="web:[0-9a-f-]{36}"/);
    assert.match(start.headers['cache-control'] as string, /no-store/);
    // A step opened directly has no answers: back to the start.
    const direct = await client.get('/refer/name');
    assert.equal(direct.statusCode, 303);
    assert.equal(direct.headers.location, '/refer');
  });

  test('the whole journey with the answers carried hidden, then sent as one referral', async () => {
    const before = await writes();
    const flow = await newFlow();
    const pages = selfAnswers();
    const familyName = pages[2]![1].familyName as string;
    const key = flow.carried.key!;
    assert.match(key, /^web:[0-9a-f-]{36}$/);
    for (const [heading, typed] of pages) {
      assert.equal(flow.heading, heading);
      await flow.answer(typed);
      assert.equal(flow.page.statusCode, 200, heading);
      assert.equal(flow.carried.key, key, 'the key made at the start travels with every page');
    }
    // Every earlier answer is on the check page's form, hidden; nothing has been kept.
    assert.equal(flow.heading, 'Check your answers before you send them');
    assert.equal(flow.carried.familyName, familyName);
    assert.equal(flow.carried.contactMethods, 'call,email');
    assert.equal(flow.carried.needs, 'lantern-needs:anxiety,lantern-needs:loneliness');
    assert.deepEqual(await writes(), before, 'nothing is written before the referral is sent');
    for (const shown of ['Alex ' + familyName, '12 April 1990', 'DA1 1AA', 'I do not know', 'Phone call, Email', '07700 900123',
      'alex@example.com', 'Weekday mornings', 'Do not say who is calling', 'Worry, stress or panic', 'Feeling lonely',
      'I have been struggling to sleep and I feel on edge.']) {
      assert.ok(flow.html.includes(shown), `the check page shows ${shown}`);
    }

    await flow.answer({}, ['go', 'send']);
    assert.equal(flow.page.statusCode, 200);
    assert.equal(flow.heading, 'Referral sent');
    const reference = referenceOn(flow.html);
    assert.match(reference, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    assert.match(flow.html, /We aim to contact you within 5 working days/);
    assert.match(flow.html, /We have sent an email with this reference to alex@example.com/);
    assert.match(flow.html, /href="\/get-help-now"/);

    const r = await referralByReference(reference);
    assert.ok(r);
    assert.equal(r.source, 'self');
    assert.equal(r.channel, 'web');
    assert.equal(r.idempotency_key, key);
    assert.equal(r.family_name, familyName);
    assert.equal(r.date_of_birth instanceof Date ? (r.date_of_birth as Date).toISOString().slice(0, 10) : r.date_of_birth, '1990-04-12');
    assert.equal(r.postcode, 'DA1 1AA');
    assert.equal(r.district, 'DA1');
    assert.ok(r.area_id, 'DA1 is in an area of Kent');
    assert.equal(r.crisis_flag, false);
    assert.equal(r.urgency, 'routine');
    assert.equal(r.consent_gp_share, true);
    assert.equal(r.person_consents, null);
    assert.deepEqual(r.needs, ['lantern-needs:anxiety', 'lantern-needs:loneliness']);
    assert.equal(r.reason, 'I have been struggling to sleep and I feel on edge.');
    assert.deepEqual(r.contact_preferences, {
      call: true, voicemail: false, text: false, email: true, letter: false, times: 'Weekday mornings', notes: 'Do not say who is calling',
    });
    const after = await writes();
    assert.equal(after.referrals, before.referrals + 1);
    assert.equal(after.drafts, 0);
    const ack = await t.db.query<{ recipient: string; personalisation: { body: string } }>(
      'SELECT recipient, personalisation FROM notifications WHERE reference = $1', [`referral-ack:${reference}`],
    );
    assert.equal(ack.rows[0]?.recipient, 'alex@example.com');
    assert.doesNotMatch(ack.rows[0]!.personalisation.body, new RegExp(familyName));
  });

  test('sent twice (a double click, a refresh, back and send again): one referral and the same confirmation', async () => {
    const flow = await newFlow();
    await walk(flow, selfAnswers());
    const form = formOn(flow.html, 'refer-form')!;
    const pairs: [string, string][] = [...form.hidden, ['go', 'send']];
    await flow.again(form.action, pairs);
    const first = referenceOn(flow.html);
    await flow.again(form.action, pairs);
    assert.equal(flow.page.statusCode, 200);
    assert.equal(referenceOn(flow.html), first);
    assert.match(flow.html, /You had already sent this referral. We have not made a second one./);
    // Back to the check page, change an answer, send again: still the first referral, and the person is told.
    const changed = pairs.map(([k, v]) => [k, k === 'contactTimes' ? 'Evenings' : v] as [string, string]);
    await flow.again(form.action, changed);
    assert.equal(flow.page.statusCode, 200);
    assert.equal(referenceOn(flow.html), first);
    assert.match(flow.html, /We have kept the answers you sent first/);
    const key = pairs.find(([k]) => k === 'key')![1];
    assert.equal(await count('SELECT count(*) AS n FROM referrals WHERE idempotency_key = $1', [key]), 1);
  });

  test('Back goes to the page before with its answers kept; Change goes to the page and straight back to the check page', async () => {
    const flow = await newFlow();
    const pages = selfAnswers();
    await walk(flow, pages, 'What is your postcode?');
    assert.equal(flow.heading, 'What is your postcode?');
    await flow.back();
    assert.equal(flow.heading, 'What is your date of birth?');
    assert.equal(inputValue(flow.html, 'dob-day'), '12');
    await flow.back();
    assert.equal(flow.heading, 'What is your name?');
    assert.equal(inputValue(flow.html, 'givenName'), 'Alex');
    await flow.answer({});
    assert.equal(flow.heading, 'What is your date of birth?');
    assert.equal(inputValue(flow.html, 'dob-year'), '1990', 'an answer given after this page was left is still there');

    await walk(flow, pages.slice(3));
    assert.equal(flow.heading, 'Check your answers before you send them');
    await flow.change('name');
    assert.equal(flow.heading, 'What is your name?');
    assert.equal(flow.carried.returnTo, 'check');
    await flow.answer({ givenName: 'Sam' });
    assert.equal(flow.heading, 'Check your answers before you send them', 'straight back to the check page');
    assert.match(flow.html, /Sam Q/);
    // Back from a page opened with Change returns to the check page without changing anything.
    await flow.change('address');
    await flow.back();
    assert.equal(flow.heading, 'Check your answers before you send them');
    assert.match(flow.html, /DA1 1AA/);
    // Changing who it is for asks the new questions that come with it before going back.
    await flow.change('who');
    await flow.answer({ who: 'someone' });
    assert.equal(flow.heading, 'Does the person you care for know about this referral and agree to it?');
    await flow.answer({ agrees: 'yes' });
    assert.equal(flow.heading, 'About you');
    await flow.answer({ carerName: 'Pat Smith', carerRelationship: 'Their brother', carerEmail: 'pat@example.com' });
    assert.equal(flow.heading, 'Check your answers before you send them');
    assert.match(flow.html, /<h2 class="nhsuk-heading-m">About Sam Q[a-z]+<\/h2>/);
  });

  test('Back from the first question returns to the start page with the same key', async () => {
    const flow = await newFlow();
    const key = flow.carried.key;
    await flow.back();
    assert.match(flow.html, /<h1>Ask Live Well Kent for support<\/h1>/);
    assert.ok(flow.html.includes(`name="key" value="${key}"`));
  });
});

describe('what each page says when an answer is missing or wrong', () => {
  /** Answers the page wrongly, checks the messages (each linked to an input on the page), then answers it rightly. */
  async function refused(flow: ReferFlow, typed: Typed, messages: string[]): Promise<void> {
    const heading = flow.heading;
    await flow.answer(typed);
    assert.equal(flow.page.statusCode, 400, `${heading}: ${JSON.stringify(typed)}`);
    assert.equal(flow.heading, heading, 'the same page again');
    assert.match(flow.html, /<title>Error: /);
    const summary = errorSummary(flow.html);
    assert.deepEqual(summary, messages);
    for (const line of summary) {
      const id = line.slice(1, line.indexOf(':'));
      assert.match(flow.html, new RegExp(`id="${id}"`), `the error links to an input with the id ${id}`);
    }
  }

  test('a self-referral', async () => {
    const flow = await newFlow();
    await refused(flow, {}, ['#who: Select who needs support']);
    await flow.answer({ who: 'me' });
    await refused(flow, {}, ['#danger: Select yes if you are in danger right now or thinking of ending your life']);
    await flow.answer({ danger: 'no' });
    await refused(flow, {}, ['#givenName: Enter your first name', '#familyName: Enter your last name']);
    await refused(flow, { givenName: 'R2-D2', familyName: 'Smith' }, ['#givenName: Your first name must only include letters, spaces, hyphens and apostrophes']);
    assert.equal(inputValue(flow.html, 'givenName'), 'R2-D2', 'what was typed is shown again');
    await flow.answer({ givenName: 'Robin', familyName: uniqueSurname() });
    await refused(flow, {}, ['#dob-day: Enter your date of birth']);
    await refused(flow, { 'dob-day': '12', 'dob-year': '1990' }, ['#dob-month: Date of birth must include a month']);
    assert.ok(markedAsError(flow.html, 'dob-month'), 'the missing box is marked');
    assert.ok(!markedAsError(flow.html, 'dob-day') && !markedAsError(flow.html, 'dob-year'), 'only the missing box is marked');
    await refused(flow, { 'dob-day': '31', 'dob-month': '2', 'dob-year': '1990' }, ['#dob-day: Date of birth must be a real date']);
    await refused(flow, { 'dob-day': '1', 'dob-month': '1', 'dob-year': '2999' }, ['#dob-day: Date of birth must be in the past']);
    await refused(flow, { 'dob-day': '1', 'dob-month': '1', 'dob-year': '90' }, ['#dob-year: Year must include 4 numbers']);
    await flow.answer({ 'dob-day': '3', 'dob-month': 'March', 'dob-year': '1985' });
    await refused(flow, {}, ['#postcode: Enter your postcode, or select ‘I do not have a fixed address’']);
    await refused(flow, { postcode: 'ME4' }, ['#postcode: Enter a full postcode, like ME4 4QF']);
    await flow.answer({ noFixedAddress: 'yes' });
    await refused(flow, {}, ['#gpChoice: Select your GP surgery, or select ‘I do not know’']);
    await refused(flow, { gpChoice: 'list' }, ['#gpPractice: Select your GP surgery from the list']);
    await refused(flow, { gpChoice: 'list', gpPractice: crypto.randomUUID() }, ['#gpPractice: Select your GP surgery from the list']);
    await refused(flow, { gpChoice: 'other' }, ['#gpName: Enter the name of your GP surgery']);
    await flow.answer({ gpChoice: 'other', gpName: 'Station Road Surgery, Dartford' });
    await refused(flow, { nhsNumber: '123' }, ['#nhsNumber: NHS number must be 10 numbers, like 943 476 5919']);
    await refused(flow, { nhsNumber: '943 476 5918' }, ['#nhsNumber: Enter a valid NHS number. Check it against a letter from the NHS or the NHS App']);
    await flow.answer({ nhsNumber: '' });
    await refused(flow, {}, ['#contactMethods: Select how we can contact you: a phone call, a text message or an email']);
    await refused(flow, { contactMethods: ['letter'] }, ['#contactMethods: Select how we can contact you: a phone call, a text message or an email']);
    await refused(flow, { contactMethods: ['call', 'email'], email: 'robin@' }, [
      '#phone: Enter your phone number, so we can call or text you',
      '#email: Enter an email address in the correct format, like name@example.com',
    ]);
    await refused(flow, { contactMethods: ['text'], phone: '12345', email: '' }, ['#phone: Enter a UK phone number, like 01632 960 001 or 07700 900 982']);
    await flow.answer({ contactMethods: ['call', 'text'], phone: '07700 900456' });
    await refused(flow, {}, ['#voicemail: Select yes if we can leave a voicemail message']);
    await refused(flow, { voicemail: 'yes', contactTimes: 'x'.repeat(201), contactNotes: 'y'.repeat(501) }, [
      '#contactTimes: Best times must be 200 characters or fewer',
      '#contactNotes: What we should know must be 500 characters or fewer',
    ]);
    await flow.answer({ voicemail: 'yes', contactTimes: '', contactNotes: '' });
    await refused(flow, {}, ['#needs: Select what you would like help with, or select ‘I am not sure’']);
    await refused(flow, { needs: ['other'] }, ['#otherNeed: Enter what else you would like help with']);
    await flow.answer({ needs: ['unsure'] });
    await refused(flow, { story: 'z'.repeat(4001) }, ['#story: What is happening must be 4,000 characters or fewer']);
    await flow.answer({ story: '' });
    await refused(flow, {}, ['#gpConsent: Select yes if we can tell your GP that you asked us for support']);
    await flow.answer({ gpConsent: 'no' });
    assert.equal(flow.heading, 'Check your answers before you send them');
  });

  test('a carer referral', async () => {
    const flow = await newFlow();
    await flow.answer({ who: 'someone' });
    await refused(flow, {}, ['#danger: Select yes if they are in danger right now or thinking of ending their life']);
    await flow.answer({ danger: 'no' });
    await refused(flow, {}, ['#agrees: Select yes if they know about this referral and agree to it']);
    await flow.answer({ agrees: 'yes' });
    await refused(flow, {}, ['#givenName: Enter their first name', '#familyName: Enter their last name']);
    await flow.answer({ givenName: 'Jo', familyName: uniqueSurname() });
    assert.equal(flow.heading, 'What is Jo’s date of birth?');
    await refused(flow, {}, ['#dob-day: Enter their date of birth, or select ‘I do not know their date of birth’']);
    await flow.answer({ dobUnknown: 'yes' });
    await refused(flow, {}, ['#postcode: Enter their postcode, or select ‘They do not have a fixed address’']);
    await flow.answer({ postcode: 'ME4 4QF' });
    assert.equal(flow.heading, 'Which GP surgery is Jo registered with?');
    await flow.answer({ gpChoice: 'unknown' });
    await flow.answer({});
    assert.equal(flow.heading, 'How can we contact Jo safely?');
    await refused(flow, { contactMethods: ['email'] }, ['#email: Enter their email address, so we can email them']);
    await flow.answer({ contactMethods: ['email'], email: 'jo@example.com' });
    assert.doesNotMatch(flow.html, /name="voicemail"/, 'no voicemail question when we may not call');
    await flow.answer({});
    await refused(flow, {}, ['#needs: Select what they would like help with, or select ‘I am not sure’']);
    await flow.answer({ needs: ['lantern-needs:depression'] });
    await flow.answer({});
    assert.equal(flow.heading, 'Can we tell Jo’s GP about this referral?');
    await refused(flow, {}, ['#gpConsent: Select yes if we can tell their GP that they asked us for support']);
    await flow.answer({ gpConsent: 'yes' });
    assert.equal(flow.heading, 'About you');
    await refused(flow, {}, [
      '#carerName: Enter your full name',
      '#carerRelationship: Enter how you know them',
      '#carerPhone: Enter your phone number or email address, so we can contact you',
    ]);
    await refused(flow, { carerName: 'Pat', carerRelationship: 'Friend', carerEmail: 'pat@' }, ['#carerEmail: Enter an email address in the correct format, like name@example.com']);
    await flow.answer({ carerName: 'Pat', carerRelationship: 'Friend', carerEmail: 'pat@example.com' });
    assert.equal(flow.heading, 'Check your answers before you send them');
    await flow.answer({}, ['go', 'send']);
    const r = await referralByReference(referenceOn(flow.html));
    assert.equal(r?.source, 'carer');
    assert.equal(r?.referrer_name, 'Pat');
    assert.equal(r?.referrer_relationship, 'Friend');
    assert.equal(r?.referrer_email, 'pat@example.com');
    assert.equal(r?.person_consents, true);
    assert.equal(r?.date_of_birth, null);
    assert.match(flow.html, /We have sent an email with this reference to pat@example.com/);
  });

  test('answers changed in the hidden fields are checked again when the referral is sent, and nothing is written', async () => {
    const flow = await newFlow();
    await walk(flow, selfAnswers());
    const before = await writes();
    const kingstonGp = (await t.db.query<{ id: string }>(`SELECT id FROM organisations WHERE tenant_id = 'kingston' AND kind = 'gp_practice' LIMIT 1`)).rows[0]!.id;
    await flow.answer({ gpChoice: 'list', gpPractice: kingstonGp }, ['go', 'send']);
    assert.equal(flow.page.statusCode, 400);
    assert.equal(flow.heading, 'Which GP surgery are you registered with?');
    assert.deepEqual(errorSummary(flow.html), ['#gpPractice: Select your GP surgery from the list']);
    assert.equal(flow.carried.returnTo, 'check', 'once put right, back to the check page');
    const form = formOn(flow.html, 'refer-form')!;
    await flow.post('/refer/check', [...form.hidden.filter(([k]) => k !== 'familyName'), ['gpChoice', 'unknown'], ['go', 'send']]);
    assert.equal(flow.heading, 'What is your name?');
    assert.deepEqual(errorSummary(flow.html), ['#familyName: Enter your last name']);
    assert.deepEqual(await writes(), before);
  });
});

describe('the crisis interruption', () => {
  test('a yes shows the crisis options at once; the referral carries on and is marked for immediate attention', async () => {
    const flow = await newFlow();
    await flow.answer({ who: 'me' });
    await flow.answer({ danger: 'yes' });
    assert.equal(flow.page.statusCode, 200);
    assert.equal(flow.heading, 'Get help now');
    for (const href of ['tel:999', 'tel:111', 'tel:116123', 'sms:85258?body=SHOUT', 'tel:01632960123']) {
      assert.ok(flow.html.includes(`href="${href}"`), `the crisis page links ${href}`);
    }
    assert.match(flow.html, /Kent Night Crisis Line/, 'the tenant’s own crisis listings, as on Get help now');
    await flow.answer({});
    assert.equal(flow.heading, 'What is your name?');
    await walk(flow, selfAnswers().slice(2));
    assert.match(flow.html, /In danger right now or thinking of ending your life<\/dt>\s*<dd class="nhsuk-summary-list__value">Yes/);
    await flow.answer({}, ['go', 'send']);
    const reference = referenceOn(flow.html);
    const r = await referralByReference(reference);
    assert.equal(r?.crisis_flag, true);
    assert.equal(r?.urgency, 'crisis');
    const alert = await count(`SELECT count(*) AS n FROM notifications WHERE reference = $1 AND recipient = 'livewellkent-spa@example.org'`, [`referral:${r?.id}:crisis`]);
    assert.equal(alert, 1, 'the single point of access is told at once');
    assert.match(flow.html, /We have marked this referral to be looked at first/);
    assert.ok(flow.html.includes('href="tel:999"'), 'the confirmation repeats the crisis options');
  });

  test('changing the danger answer to yes from the check page shows the crisis options before going back', async () => {
    const flow = await newFlow();
    await walk(flow, selfAnswers());
    await flow.change('danger');
    await flow.answer({ danger: 'yes' });
    assert.equal(flow.heading, 'Get help now');
    await flow.answer({});
    assert.equal(flow.heading, 'Check your answers before you send them');
  });
});

describe('a carer referral needs the person’s agreement, unless they are in danger', () => {
  test('without agreement it stops kindly, and cannot be sent even by posting the answers', async () => {
    const flow = await newFlow();
    await flow.answer({ who: 'someone' });
    await flow.answer({ danger: 'no' });
    await flow.answer({ agrees: 'no' });
    assert.equal(flow.heading, 'We need them to agree first');
    assert.match(flow.html, /href="\/get-help-now"/);
    assert.match(flow.html, /href="\/services\?need=lantern-needs%3Acarers"/);
    assert.doesNotMatch(flow.html, /value="continue"/, 'no way on from here but changing the answer');
    await flow.answer({}, ['go', 'back']);
    assert.equal(flow.heading, 'Does the person you care for know about this referral and agree to it?');

    const before = await writes();
    const answers: [string, string][] = [
      ['_csrf', formOn(flow.html, 'refer-form')!.hidden.find(([k]) => k === '_csrf')![1]], ['key', `web:${crypto.randomUUID()}`],
      ['who', 'someone'], ['danger', 'no'], ['agrees', 'no'], ['givenName', 'Kim'], ['familyName', uniqueSurname()],
      ['dobUnknown', 'yes'], ['postcode', 'DA1 1AA'], ['gpChoice', 'unknown'], ['contactMethods', 'email'], ['email', 'kim@example.com'],
      ['needs', 'unsure'], ['gpConsent', 'no'], ['carerName', 'Lee'], ['carerRelationship', 'Partner'], ['carerEmail', 'lee@example.com'], ['go', 'send'],
    ];
    await flow.post('/refer/check', answers);
    assert.equal(flow.heading, 'We need them to agree first');
    assert.deepEqual(await writes(), before, 'nothing was sent');
  });

  test('when they are in danger, it goes on and is sent marked as not agreed and crisis', async () => {
    const flow = await newFlow();
    await flow.answer({ who: 'someone' });
    await flow.answer({ danger: 'yes' });
    assert.equal(flow.heading, 'Get them help now');
    assert.ok(flow.html.includes('href="tel:999"'));
    await flow.answer({});
    await flow.answer({ agrees: 'no' });
    assert.equal(flow.heading, 'What is their name?');
    await flow.answer({ givenName: 'Kim', familyName: uniqueSurname() });
    await flow.answer({ dobUnknown: 'yes' });
    await flow.answer({ postcode: 'DA1 1AA' });
    await flow.answer({ gpChoice: 'unknown' });
    await flow.answer({});
    await flow.answer({ contactMethods: ['call'], phone: '07700 900789' });
    await flow.answer({ voicemail: 'no' });
    await flow.answer({ needs: ['unsure'] });
    await flow.answer({ story: 'They said they do not want to be here any more.' });
    await flow.answer({ gpConsent: 'no' });
    await flow.answer({ carerName: 'Lee', carerRelationship: 'Partner', carerPhone: '07700 900111' });
    assert.equal(flow.heading, 'Check your answers before you send them');
    await flow.answer({}, ['go', 'send']);
    assert.equal(flow.heading, 'Referral sent');
    const r = await referralByReference(referenceOn(flow.html));
    assert.equal(r?.crisis_flag, true);
    assert.equal(r?.person_consents, false);
    assert.equal(r?.source, 'carer');
  });
});

describe('save and come back later', () => {
  test('saves the answers so far under a link, emails the link without any answer, and resumes where they were', async () => {
    const flow = await newFlow();
    const pages = selfAnswers();
    const familyName = pages[2]![1].familyName as string;
    await walk(flow, pages, 'How can we contact you safely?');
    assert.equal(await count('SELECT count(*) AS n FROM referral_drafts'), 0, 'nothing kept until they ask');
    await flow.answer({ phone: '07700 900321' }, ['go', 'save']);
    assert.equal(flow.page.statusCode, 200);
    assert.equal(flow.heading, 'Your answers are saved');
    assert.equal(flow.page.headers['referrer-policy'], 'no-referrer');
    const token = /href="\/refer\/resume\/([A-Za-z0-9_-]{43})"/.exec(flow.html)?.[1];
    assert.ok(token, 'the link is on the page');
    assert.ok(flow.html.includes(`http://localhost:3000/refer/resume/${token}`) || flow.html.includes(`/refer/resume/${token}`));

    const stored = await t.db.query<{ token_hash: string; tenant_id: string; answers: { step: string; answers: Record<string, string> }; expires_at: Date; created_at: Date }>(
      'SELECT token_hash, tenant_id, answers, expires_at, created_at FROM referral_drafts',
    );
    assert.equal(stored.rows.length, 1);
    const draft = stored.rows[0]!;
    assert.equal(draft.token_hash, crypto.createHash('sha256').update(token).digest('hex'), 'kept under the SHA-256 of the token');
    assert.equal(draft.tenant_id, 'kent');
    assert.equal(draft.answers.step, 'contact');
    assert.equal(draft.answers.answers.familyName, familyName);
    assert.equal(draft.answers.answers.phone, '07700 900321', 'what was typed on the page is kept too');
    assert.ok(!JSON.stringify(draft.answers).includes(token), 'the token is only in the link');
    assert.equal(Math.round((draft.expires_at.getTime() - draft.created_at.getTime()) / 86_400_000), 7);

    // Email the link to yourself: the link only.
    const saved = formOn(flow.html.replace('<form method="post" action="/refer/saved/email"', '<form id="email" method="post" action="/refer/saved/email"'), 'email')!;
    await flow.post(saved.action, [...saved.hidden, ['email', 'not-an-email']]);
    assert.equal(flow.page.statusCode, 400);
    assert.deepEqual(errorSummary(flow.html), ['#email: Enter an email address in the correct format, like name@example.com']);
    await flow.post(saved.action, [...saved.hidden, ['email', 'alex@example.com']]);
    assert.match(flow.html, /We have sent the link to alex@example.com/);
    const emailed = await t.db.query<{ recipient: string; personalisation: { subject: string; body: string } }>(
      `SELECT recipient, personalisation FROM notifications WHERE template = 'referral-draft-link'`,
    );
    assert.equal(emailed.rows.length, 1);
    const message = emailed.rows[0]!.personalisation;
    assert.ok(message.body.includes(`/refer/resume/${token}`));
    for (const answer of [familyName, 'Alex', '1990', 'DA1', '07700']) assert.ok(!message.body.includes(answer) && !message.subject.includes(answer), `no ${answer} in the email`);
    // Once sent, the outbox forgets the words: the link opens the draft.
    await runDueJobs(t.db, notificationJobs(logTransport({ info() {} })));
    const kept = await t.db.query<{ status: string; personalisation: Record<string, string> }>(
      `SELECT status, personalisation FROM notifications WHERE template = 'referral-draft-link'`,
    );
    assert.equal(kept.rows[0]!.status, 'sent');
    assert.ok(!JSON.stringify(kept.rows[0]!.personalisation).includes(token), 'the token is not kept in the outbox');
    await flow.post(saved.action, [...saved.hidden, ['email', 'alex@example.com']]);
    await flow.post(saved.action, [...saved.hidden, ['email', 'alex@example.com']]);
    await flow.post(saved.action, [...saved.hidden, ['email', 'alex@example.com']]);
    assert.equal(flow.page.statusCode, 400, 'at most 3 emails of one link');
    assert.deepEqual(errorSummary(flow.html), ['#email: We have already sent this link 3 times. Copy the link on this page instead']);

    // Come back: the same page, with every answer restored.
    const resume = new ReferFlow(t, t.client());
    resume.page = await resume.client.get(`/refer/resume/${token}`);
    assert.equal(resume.page.statusCode, 200);
    assert.equal(resume.page.headers['referrer-policy'], 'no-referrer');
    assert.equal(resume.heading, 'How can we contact you safely?');
    assert.match(resume.html, /Welcome back/);
    assert.equal(resume.carried.familyName, familyName);
    assert.equal(resume.carried.draft, token);
    assert.equal(inputValue(resume.html, 'phone'), '07700 900321');
    await walk(resume, pages.slice(7));
    await resume.answer({}, ['go', 'send']);
    assert.equal(resume.heading, 'Referral sent');
    assert.equal(await count('SELECT count(*) AS n FROM referral_drafts'), 0, 'deleted once sent');
    const again = await resume.client.get(`/refer/resume/${token}`);
    assert.equal(again.statusCode, 404);
    assert.match(again.body, /Your saved answers are no longer here/);
  });

  test('saving again keeps the same link; an expired link is refused kindly and the draft deleted', async () => {
    const flow = await newFlow();
    await walk(flow, selfAnswers(), 'What is your date of birth?');
    await flow.answer({}, ['go', 'save']);
    const token = /href="\/refer\/resume\/([A-Za-z0-9_-]{43})"/.exec(flow.html)![1]!;
    const resume = new ReferFlow(t, t.client());
    resume.page = await resume.client.get(`/refer/resume/${token}`);
    await resume.answer({ 'dob-day': '1', 'dob-month': '2', 'dob-year': '1970' });
    await resume.answer({}, ['go', 'save']);
    assert.ok(resume.html.includes(`/refer/resume/${token}`), 'the same link');
    const hash = draftTokenHash(token);
    const saved = await t.db.query<{ answers: { step: string; answers: Record<string, string> } }>('SELECT answers FROM referral_drafts WHERE token_hash = $1', [hash]);
    assert.equal(saved.rows[0]!.answers.step, 'address');
    assert.equal(saved.rows[0]!.answers.answers['dob-year'], '1970');

    await t.db.query(`UPDATE referral_drafts SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [hash]);
    const expired = await resume.client.get(`/refer/resume/${token}`);
    assert.equal(expired.statusCode, 404);
    assert.match(expired.body, /We keep saved answers for 7 days/);
    assert.match(expired.body, /href="\/refer">Start again/);
    assert.equal(await count('SELECT count(*) AS n FROM referral_drafts WHERE token_hash = $1', [hash]), 0);
    const nonsense = await resume.client.get('/refer/resume/not-a-token');
    assert.equal(nonsense.statusCode, 404);
  });

  test('a draft belongs to its tenant: another tenant’s site cannot open it', async () => {
    const flow = await newFlow();
    await flow.answer({ who: 'me' }, ['go', 'save']);
    const token = /href="\/refer\/resume\/([A-Za-z0-9_-]{43})"/.exec(flow.html)![1]!;
    const other = await t.db.query(`UPDATE referral_drafts SET tenant_id = 'kingston' WHERE token_hash = $1`, [draftTokenHash(token)]);
    assert.equal(other.rowCount, 1);
    const refused = await t.client().get(`/refer/resume/${token}`);
    assert.equal(refused.statusCode, 404, 'a Kingston draft does not open on Kent’s site');
  });

  test('the hourly cleanup deletes expired drafts and keeps the rest', async () => {
    await t.db.query('DELETE FROM referral_drafts');
    const now = new Date();
    for (const [hash, days] of [['a'.repeat(64), -1], ['b'.repeat(64), 3]] as const) {
      await t.db.query(
        `INSERT INTO referral_drafts (token_hash, tenant_id, answers, expires_at) VALUES ($1, 'kent', '{}', $2)`,
        [hash, new Date(now.getTime() + days * 86_400_000)],
      );
    }
    await scheduleDraftCleanup(t.db, now);
    await scheduleDraftCleanup(t.db, now);
    assert.equal(await count(`SELECT count(*) AS n FROM jobs WHERE kind = $1 AND done_at IS NULL`, [DRAFT_CLEANUP]), 1, 'one job an hour');
    const result = await runDueJobs(t.db, intakeJobs(), { now: new Date(now.getTime() + 1000) });
    assert.equal(result.done, 1);
    const left = await t.db.query<{ token_hash: string }>('SELECT token_hash FROM referral_drafts');
    assert.deepEqual(left.rows.map((r) => r.token_hash), ['b'.repeat(64)]);
  });
});

describe('signposting for people the service may not be for', () => {
  test('under 17: thanked, referred, and shown services for young people', async () => {
    const flow = await newFlow();
    const year = new Date().getUTCFullYear() - 15;
    await walk(flow, selfAnswers({ 'What is your date of birth?': { 'dob-day': '1', 'dob-month': '1', 'dob-year': String(year) } }));
    await flow.answer({}, ['go', 'send']);
    assert.equal(flow.heading, 'Referral sent');
    assert.match(flow.html, /<h2>Support for young people<\/h2>/);
    assert.match(flow.html, /Live Well Kent is for people aged 17 or over. We will still read your referral/);
    assert.match(flow.html, /href="\/services\/kent-youth/);
    assert.match(flow.html, /href="\/services\?need=lantern-needs%3Ayoung-people&amp;age=1[45]&amp;place=DA1\+1AA"/);
    const r = await referralByReference(referenceOn(flow.html));
    const eligibility = r?.eligibility as { eligible: boolean; reasons: { code: string }[] };
    assert.equal(eligibility.eligible, false);
    assert.equal(eligibility.reasons[0]?.code, 'under_minimum_age');
  });

  test('outside the area: thanked, referred, and shown support where they live', async () => {
    const flow = await newFlow();
    await walk(flow, selfAnswers({ 'What is your postcode?': { postcode: 'SW1A 1AA' } }));
    await flow.answer({}, ['go', 'send']);
    assert.equal(flow.heading, 'Referral sent');
    assert.match(flow.html, /<h2>Support where you live<\/h2>/);
    assert.match(flow.html, /SW1A 1AA is outside the area Live Well Kent covers. We will still read the referral/);
    assert.match(flow.html, /href="\/services\?place=SW1A\+1AA"/);
    assert.doesNotMatch(flow.html, /Support for young people/);
  });

  test('in the area and old enough: no signposting', async () => {
    const flow = await newFlow();
    await walk(flow, selfAnswers());
    await flow.answer({}, ['go', 'send']);
    assert.doesNotMatch(flow.html, /Support for young people|Support where you live/);
  });
});
