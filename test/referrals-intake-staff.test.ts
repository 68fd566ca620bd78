// Referrals that came by phone, email, text, letter or in person, entered by staff: the channel,
// the source and when it reached the service (UK time, not in the future, not more than 30 days
// ago) are recorded, and every clock runs from then.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { inputValue, uniqueSurname } from './support/refer-flow.ts';
import { londonWallClock, formatTimeOfDay } from '../src/domain/uk-time.ts';
import { firstResponseDue } from '../src/domain/working-days.ts';

let t: TestApp;
let triage: TestClient;

before(async () => {
  t = await startTestApp();
  triage = await t.signedIn(demoEmail('triage'));
});
after(() => t.close());

const HOUR = 3_600_000;

/** The date boxes and time box for an instant, as a UK clock showed it. */
function receivedFields(at: Date): Record<string, string> {
  const wall = londonWallClock(at);
  const [year, month, day] = wall.date.split('-');
  return { 'received-day': String(Number(day)), 'received-month': String(Number(month)), 'received-year': year!, receivedTime: formatTimeOfDay(wall.time) };
}

function validForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    channel: 'phone', source: 'gp', ...receivedFields(new Date(Date.now() - 3 * HOUR)),
    referrerName: 'Dr Priya Shah', referrerOrganisation: '', referrerRole: 'GP', referrerPhone: '01632 960777', referrerEmail: 'priya.shah@example.nhs.uk',
    givenName: 'Robin', familyName: uniqueSurname(), 'dob-day': '', 'dob-month': '', 'dob-year': '', dobUnknown: 'yes', nhsNumber: '',
    postcode: 'ME4 4QF', gpChoice: 'unknown', phone: '07700 900333', email: '', contactMethods: 'call,text',
    crisis: 'no', urgency: 'routine', reason: 'Called the freephone line: feeling isolated since moving.', needs: 'lantern-needs:loneliness',
    personConsents: 'yes', gpConsent: 'not-asked',
    ...overrides,
  };
}

describe('staff-entered referrals', () => {
  test('the form starts at now, in UK time', async () => {
    const page = await triage.get('/referrals/new');
    assert.equal(page.statusCode, 200);
    const now = londonWallClock(new Date());
    assert.equal(inputValue(page.body, 'received-year'), now.date.slice(0, 4));
    assert.equal(inputValue(page.body, 'received-day'), String(Number(now.date.slice(8, 10))));
    assert.match(inputValue(page.body, 'receivedTime') ?? '', /^\d{2}:\d{2}$/);
    assert.match(page.body, /name="key" value="staff:[0-9a-f-]{36}"/);
    for (const channel of ['phone', 'email', 'text', 'face_to_face', 'letter']) assert.match(page.body, new RegExp(`name="channel" type="radio" value="${channel}"`));
    assert.doesNotMatch(page.body, /name="channel" type="radio" value="(web|api)"/);
  });

  test('names every problem, linked to its input', async () => {
    const blank = await triage.submit('/referrals/new', { 'received-day': '', 'received-month': '', 'received-year': '', receivedTime: '', gpConsent: '' });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /<title>Error: Enter a referral/);
    assert.deepEqual(errorSummary(blank.body), [
      '#channel: Select how the referral came in',
      '#source: Select who made the referral',
      '#received-day: Enter the date it was received',
      '#givenName: Enter their first name',
      '#familyName: Enter their last name',
      '#dob-day: Enter their date of birth, or select ‘Date of birth not known’',
      '#postcode: Enter their postcode, or select ‘They do not have a fixed address’',
      '#gpChoice: Select their GP surgery, or select ‘Not known’',
      '#crisis: Select yes if they said they are in danger right now or thinking of ending their life',
      '#urgency: Select whether the referral is urgent or routine',
      '#reason: Enter why they are being referred',
      '#gpConsent: Select yes if they agree to us telling their GP, or select ‘Not asked’',
    ]);
    for (const line of errorSummary(blank.body)) assert.match(blank.body, new RegExp(` id="${line.slice(1, line.indexOf(':'))}"`));

    const bySomeone = await triage.submit('/referrals/new', validForm({ referrerName: '', personConsents: '', referrerEmail: 'x@' }));
    assert.deepEqual(errorSummary(bySomeone.body), [
      '#referrerName: Enter the name of the person who made the referral',
      '#referrerEmail: Enter an email address in the correct format, like name@example.com',
      '#personConsents: Select yes if the person knows about this referral and agrees to it',
    ]);
    assert.equal(inputValue(bySomeone.body, 'referrerPhone'), '01632 960777', 'what was typed is shown again');
  });

  test('when it was received: not in the future, not more than 30 days ago, and a real UK time', async () => {
    const future = await triage.submit('/referrals/new', validForm(receivedFields(new Date(Date.now() + 2 * HOUR))));
    assert.equal(future.statusCode, 400);
    const futureErrors = errorSummary(future.body);
    assert.equal(futureErrors.length, 1);
    assert.match(futureErrors[0]!, /^#(receivedTime|received-day): The date and time it was received must be now or in the past$/);
    const tomorrow = await triage.submit('/referrals/new', validForm(receivedFields(new Date(Date.now() + 30 * HOUR))));
    assert.deepEqual(errorSummary(tomorrow.body), ['#received-day: The date and time it was received must be now or in the past']);
    const old = await triage.submit('/referrals/new', validForm(receivedFields(new Date(Date.now() - 31 * 24 * HOUR))));
    assert.deepEqual(errorSummary(old.body), ['#received-day: The date it was received must be within the last 30 days']);
    const badTime = await triage.submit('/referrals/new', validForm({ receivedTime: '25:00' }));
    assert.deepEqual(errorSummary(badTime.body), ['#receivedTime: Enter a time, like 14:30 or 2:30pm']);
    const badDate = await triage.submit('/referrals/new', validForm({ 'received-day': '30', 'received-month': '2' }));
    assert.deepEqual(errorSummary(badDate.body), ['#received-day: The date it was received must be a real date']);
  });

  test('saved with its channel, source and received time, and the clock runs from then', async () => {
    const receivedAt = new Date(Math.floor((Date.now() - 26 * HOUR) / 60_000) * 60_000);
    const organisation = (await t.db.query<{ id: string }>(`SELECT id FROM organisations WHERE tenant_id = 'kent' AND name LIKE 'Thames View%'`)).rows[0]!.id;
    const form = validForm({ ...receivedFields(receivedAt), referrerOrganisation: organisation, receivedTime: formatTimeOfDay(londonWallClock(receivedAt).time) });
    const saved = await triage.submit('/referrals/new', form);
    assert.equal(saved.statusCode, 303);
    const id = /^\/referrals\/([0-9a-f-]{36})\?done=received$/.exec(saved.headers.location as string)?.[1];
    assert.ok(id, saved.headers.location as string);
    const page = await triage.get(saved.headers.location as string);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Referral saved. Its reference is shown below./);
    assert.match(page.body, /Phone \(freephone\)/);

    const { rows } = await t.db.query<Record<string, unknown>>('SELECT * FROM referrals WHERE id = $1', [id]);
    const r = rows[0]!;
    assert.equal(r.channel, 'phone');
    assert.equal(r.source, 'gp');
    assert.equal((r.received_at as Date).toISOString(), receivedAt.toISOString());
    assert.equal((r.original_received_at as Date).toISOString(), receivedAt.toISOString());
    assert.equal(
      (r.due_at as Date).toISOString(),
      firstResponseDue(receivedAt, 'routine', { crisisResponseMinutes: 60, urgentResponseHours: 24, routineContactWorkingDays: 5 }).toISOString(),
      'the first-response clock runs from when it reached the service',
    );
    assert.equal(r.referrer_name, 'Dr Priya Shah');
    assert.equal(r.referrer_organisation_id, organisation);
    assert.equal(r.referrer_role, 'GP');
    assert.equal(r.date_of_birth, null);
    assert.equal(r.consent_gp_share, null, 'not asked');
    assert.equal(r.person_consents, true);
    assert.equal(r.idempotency_key, form.key ?? r.idempotency_key);
    assert.match(r.idempotency_key as string, /^staff:/);
    const event = await t.db.query<{ actor_user_id: string }>(`SELECT actor_user_id FROM referral_events WHERE referral_id = $1 AND kind = 'received'`, [id]);
    assert.ok(event.rows[0]?.actor_user_id, 'who entered it is in the history');
    const audit = await t.db.query<{ basis: string }>(`SELECT basis FROM audit_events WHERE action = 'referral.submit' AND record_id = $1`, [id]);
    assert.equal(audit.rows[0]?.basis, 'staff entry');
  });

  test('a carer’s or family member’s referral is recorded with their relationship', async () => {
    const saved = await triage.submit('/referrals/new', validForm({ source: 'carer', channel: 'face_to_face', referrerRole: 'Their daughter', referrerName: 'Ann Lee' }));
    assert.equal(saved.statusCode, 303);
    const id = /\/referrals\/([0-9a-f-]{36})/.exec(saved.headers.location as string)![1];
    const { rows } = await t.db.query<{ referrer_relationship: string; referrer_role: string | null; channel: string }>('SELECT referrer_relationship, referrer_role, channel FROM referrals WHERE id = $1', [id]);
    assert.deepEqual(rows[0], { referrer_relationship: 'Their daughter', referrer_role: null, channel: 'face_to_face' });
  });

  test('someone else’s referral without the person’s agreement is refused, unless they are in danger now', async () => {
    const refused = await triage.submit('/referrals/new', validForm({ personConsents: 'no' }));
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(errorSummary(refused.body), ['#personConsents: Only enter a referral the person knows about and agrees to, unless they are in danger now']);
    const crisis = await triage.submit('/referrals/new', validForm({ personConsents: 'no', crisis: 'yes', urgency: '' }));
    assert.equal(crisis.statusCode, 303);
    const id = /\/referrals\/([0-9a-f-]{36})/.exec(crisis.headers.location as string)![1];
    const { rows } = await t.db.query<{ urgency: string; crisis_flag: boolean; person_consents: boolean }>('SELECT urgency, crisis_flag, person_consents FROM referrals WHERE id = $1', [id]);
    assert.deepEqual(rows[0], { urgency: 'crisis', crisis_flag: true, person_consents: false });
  });

  test('a self-referral by phone needs no referrer, and its acknowledgement goes to the person only in a way they said is safe', async () => {
    const saved = await triage.submit('/referrals/new', validForm({ source: 'self', referrerName: '', referrerEmail: '', referrerPhone: '', personConsents: '' }));
    assert.equal(saved.statusCode, 303);
    const id = /\/referrals\/([0-9a-f-]{36})/.exec(saved.headers.location as string)![1];
    const { rows } = await t.db.query<{ reference: string; referrer_name: string | null; person_consents: boolean | null }>('SELECT reference, referrer_name, person_consents FROM referrals WHERE id = $1', [id]);
    assert.equal(rows[0]!.referrer_name, null);
    assert.equal(rows[0]!.person_consents, null);
    const ack = await t.db.query<{ channel: string; recipient: string }>('SELECT channel, recipient FROM notifications WHERE reference = $1', [`referral-ack:${rows[0]!.reference}`]);
    assert.deepEqual(ack.rows, [{ channel: 'sms', recipient: '07700 900333' }], 'texts are safe: the reference goes by text');
  });

  test('saved twice is one referral', async () => {
    const page = await triage.get('/referrals/new');
    const hidden = Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    const form = { ...hidden, ...validForm() };
    const first = await triage.post('/referrals/new', form);
    const second = await triage.post('/referrals/new', form);
    assert.equal(first.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location);
    const count = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM referrals WHERE idempotency_key = $1', [hidden.key]);
    assert.equal(Number(count.rows[0]!.n), 1);
  });

  test('a navigator can enter one, and is shown its reference until it is routed to them', async () => {
    const navigator = await t.signedIn(demoEmail('navigator'));
    const saved = await navigator.submit('/referrals/new', validForm());
    assert.equal(saved.statusCode, 200);
    assert.match(saved.body, /Referral saved/);
    assert.match(saved.body, /class="lantern-reference">[2-9A-Z]{4}-[2-9A-Z]{4}</);
    const admin = await t.signedIn(demoEmail('admin'));
    assert.equal((await admin.submit('/referrals/new', validForm())).statusCode, 303);
  });

  test('providers, commissioners and referrers cannot enter referrals', async () => {
    for (const role of ['provider', 'commissioner', 'referrer']) {
      const client = await t.signedIn(demoEmail(role));
      assert.equal((await client.get('/referrals/new')).statusCode, 403, role);
    }
  });

  test('nothing is written when the form is refused', async () => {
    const counts = async () => (await t.db.query<{ r: number; p: number; n: number; e: number }>(
      'SELECT (SELECT count(*) FROM referrals) AS r, (SELECT count(*) FROM people) AS p, (SELECT count(*) FROM notifications) AS n, (SELECT count(*) FROM referral_events) AS e',
    )).rows[0];
    const before = await counts();
    await triage.submit('/referrals/new', validForm({ familyName: '' }));
    await triage.submit('/referrals/new', validForm({ gpChoice: 'list', gpPractice: crypto.randomUUID() }));
    await triage.submit('/referrals/new', validForm({ referrerOrganisation: crypto.randomUUID() }));
    assert.deepEqual(await counts(), before);
  });
});
