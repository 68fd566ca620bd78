// Waiting and sign-up through the real routes: the waiting list (one responsible worker, how long
// each person has waited, when they were last contacted, who is due a contact), contact attempts
// that keep to what the person said is safe, sign-up that opens one support episode, closing as
// unable to sign up with the reason the commissioner counts, reopening, and handing back to the
// single point of access. And who may see and do each of these.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import {
  hasReferralGrant, moveReferral, organisationOf, referralRow, referralSubmission, routeToWaiting, staffIdOf, submitTestReferral, waitingReferral,
} from './support/referrals.ts';

let t: TestApp;
let navigator: TestClient;
before(async () => {
  t = await startTestApp();
  navigator = await t.signedIn(demoEmail('navigator'));
});
after(() => t.close());

const DAY = 24 * 60 * 60 * 1000;

/** Today's date in the UK as the form's three boxes. */
function todayParts(offsetDays = 0): { day: string; month: string; year: string } {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(Date.now() + offsetDays * DAY)).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}
function nowTime(offsetMinutes = 0): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + offsetMinutes * 60_000));
}
const attempt = (channel: string, outcome: string, extra: Record<string, string> = {}) => ({ ...todayParts(), time: nowTime(), channel, outcome, note: '', ...extra });

async function auditRows(recordId: string, action: string) {
  const { rows } = await t.db.query<{ outcome: string; basis: string; actor_role: string; detail: Record<string, unknown> | null }>(
    'SELECT outcome, basis, actor_role, detail FROM audit_events WHERE record_id = $1 AND action = $2 ORDER BY id', [recordId, action],
  );
  return rows;
}

/** Makes the referral look as if it came in `days` days ago, so waits and clocks show. */
async function backdate(id: string, days: number, lastContactDaysAgo: number | null = null): Promise<void> {
  await t.db.query(
    `UPDATE referrals SET original_received_at = now() - make_interval(days => $2), received_at = now() - make_interval(days => $2),
            due_at = now() - make_interval(days => $2 - 1), last_contact_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END
      WHERE id = $1`,
    [id, days, lastContactDaysAgo],
  );
}

describe('the waiting list', () => {
  test('a navigator sees their organisation’s list: the worker or "Not allocated", the wait, "Never", contact due and an overdue deadline', async () => {
    const mine = await waitingReferral(t.db, demoEmail('navigator'), { submission: referralSubmission({}, { givenName: 'Alys' }) });
    const unallocated = await waitingReferral(t.db, demoEmail('navigator3'), { allocate: false, submission: referralSubmission({}, { givenName: 'Bryn' }) });
    const elsewhere = await waitingReferral(t.db, demoEmail('navigator2'), { submission: referralSubmission({}, { givenName: 'Cerys' }) });
    await backdate(mine.id, 20);
    await backdate(unallocated.id, 10, 2);

    const page = await navigator.get('/waiting-list');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`Alys ${mine.subject.familyName}`));
    assert.match(page.body, new RegExp(`Bryn ${unallocated.subject.familyName}`));
    assert.doesNotMatch(page.body, new RegExp(elsewhere.subject.familyName), 'another organisation’s list is not shown');
    assert.match(page.body, /Tom Okafor \(you\)/);
    assert.match(page.body, new RegExp(`Not allocated[\\s\\S]*?href="/referrals/${unallocated.id}/allocate"`));
    assert.match(page.body, /2 weeks and 6 days/);
    assert.match(page.body, /Never/);
    assert.match(page.body, /Contact due/);
    assert.match(page.body, /Overdue by 2 weeks and 5 days/, 'overdue is said in words');
    // Longest waiting first by default.
    assert.ok(page.body.indexOf(mine.reference) < page.body.indexOf(unallocated.reference));
    // "Mine only" leaves out the unallocated one.
    const only = await navigator.get('/waiting-list?mine=yes');
    assert.match(only.body, new RegExp(mine.reference));
    assert.doesNotMatch(only.body, new RegExp(unallocated.reference));
  });

  test('sorts by contact due and by deadline', async () => {
    const a = await waitingReferral(t.db, demoEmail('navigator'));
    const b = await waitingReferral(t.db, demoEmail('navigator'));
    await backdate(a.id, 30, 1);
    await backdate(b.id, 5);
    const byContact = (await navigator.get('/waiting-list?sort=contact')).body;
    assert.ok(byContact.indexOf(b.reference) < byContact.indexOf(a.reference), 'never contacted in 5 days before contacted yesterday');
    const byWaiting = (await navigator.get('/waiting-list')).body;
    assert.ok(byWaiting.indexOf(a.reference) < byWaiting.indexOf(b.reference));
    await t.db.query('UPDATE referrals SET first_reached_at = now() WHERE id = $1', [a.id]);
    const byDeadline = (await navigator.get('/waiting-list?sort=deadline')).body;
    assert.ok(byDeadline.indexOf(b.reference) < byDeadline.indexOf(a.reference), 'someone reached goes after those with a deadline');
    assert.match(byDeadline, /sorted by first-response deadline/);
  });

  test('triage sees every organisation’s list and filters by organisation, area and worker; the list is audited as one search', async () => {
    const porchlight = await waitingReferral(t.db, demoEmail('navigator'));
    const shaw = await waitingReferral(t.db, demoEmail('navigator2'), { allocate: false });
    const triage = await t.signedIn(demoEmail('triage'));
    const all = await triage.get('/waiting-list');
    assert.equal(all.statusCode, 200);
    assert.match(all.body, /<h1>Waiting lists<\/h1>/);
    assert.match(all.body, new RegExp(porchlight.reference));
    assert.match(all.body, new RegExp(shaw.reference));

    const shawOrg = await organisationOf(t.db, demoEmail('navigator2'));
    const filtered = await triage.get(`/waiting-list?organisation=${shawOrg}`);
    assert.match(filtered.body, new RegExp(shaw.reference));
    assert.doesNotMatch(filtered.body, new RegExp(porchlight.reference));

    const unallocated = await triage.get('/waiting-list?worker=none');
    assert.match(unallocated.body, new RegExp(shaw.reference));
    assert.doesNotMatch(unallocated.body, new RegExp(porchlight.reference));

    const tom = await staffIdOf(t.db, demoEmail('navigator'));
    const byWorker = await triage.get(`/waiting-list?worker=${tom}`);
    assert.match(byWorker.body, new RegExp(porchlight.reference));
    assert.doesNotMatch(byWorker.body, new RegExp(shaw.reference));

    const { rows: areas } = await t.db.query<{ id: string }>(`SELECT id FROM areas WHERE tenant_id = 'kent' AND name = 'West Kent'`);
    const byArea = await triage.get(`/waiting-list?area=${areas[0]!.id}`);
    assert.doesNotMatch(byArea.body, new RegExp(porchlight.reference), 'DA1 is not in West Kent');

    const { rows } = await t.db.query<{ detail: { list: string; referralIds: string[]; filters: { organisationId: string } }; basis: string }>(
      `SELECT detail, basis FROM audit_events WHERE action = 'referral.search' AND actor_user_id = (SELECT id FROM staff_users WHERE email = $1) ORDER BY id DESC LIMIT 5`,
      [demoEmail('triage')],
    );
    const organisationSearch = rows.find((r) => r.detail.filters.organisationId === shawOrg)!;
    assert.equal(organisationSearch.basis, 'single point of access');
    assert.deepEqual(organisationSearch.detail.referralIds.includes(shaw.id), true);
    assert.equal(organisationSearch.detail.referralIds.includes(porchlight.id), false);
  });

  test('filters a navigator cannot use are ignored: they still see only their own organisation', async () => {
    const shaw = await waitingReferral(t.db, demoEmail('navigator2'));
    const shawOrg = await organisationOf(t.db, demoEmail('navigator2'));
    const page = await navigator.get(`/waiting-list?organisation=${shawOrg}&worker=not-a-uuid&sort=nonsense&page=-3`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, new RegExp(shaw.reference));
  });
});

describe('contact attempts', () => {
  test('shows how it is safe to contact them above the form, and records a failed then a successful call', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'), {
      submission: referralSubmission({}, {}, { call: true, text: true, times: 'Weekday mornings', notes: 'Do not say where you are calling from' }),
    });
    const form = await navigator.get(`/referrals/${referral.id}/contact-attempts/new`);
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /How it is safe to contact them/);
    assert.match(form.body, /Not safe: Voicemail, Email, Letter\./);
    assert.match(form.body, /Weekday mornings/);
    assert.match(form.body, /Do not say where you are calling from/);
    assert.ok(form.body.indexOf('How it is safe to contact them') < form.body.indexOf('<form method="post"'), 'the preferences come before the form');

    const failed = await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'no_answer', { note: 'Rang twice' }));
    assert.equal(failed.statusCode, 303);
    assert.equal(failed.headers.location, `/referrals/${referral.id}?done=contact`);
    let row = await referralRow(t.db, referral.id);
    assert.equal(row.contact_attempts, 1);
    assert.ok(row.last_contact_at);
    assert.equal(row.first_reached_at, null, 'no answer does not stop the clock');

    const reached = await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'spoke'));
    assert.equal(reached.statusCode, 303);
    row = await referralRow(t.db, referral.id);
    assert.equal(row.contact_attempts, 2);
    assert.ok(row.first_reached_at, 'speaking to them stops the first-response clock');

    const page = await navigator.get(`/referrals/${referral.id}?done=contact`);
    assert.match(page.body, /Contact attempt recorded/);
    assert.match(page.body, /Phone call: no answer\. Rang twice/);
    assert.doesNotMatch(page.body, /first response due/, 'the deadline is gone once they are reached');

    const events = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM referral_events WHERE referral_id = $1 AND kind = 'contact_attempt'`, [referral.id]);
    assert.equal(Number(events.rows[0]!.n), 2);
    const audits = await auditRows(referral.id, 'referral.contact_attempt');
    assert.deepEqual(audits.map((a) => [a.outcome, a.basis, a.actor_role]), [['success', 'referral routed to organisation', 'navigator'], ['success', 'referral routed to organisation', 'navigator']]);
  });

  test('refuses a voicemail when voicemail is not safe and a text when texts are not allowed, and records nothing', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'), { submission: referralSubmission({}, {}, { call: true, email: true }) });
    const voicemail = await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'left_voicemail'));
    assert.equal(voicemail.statusCode, 400);
    assert.match(errorSummary(voicemail.body)[0]!, /^#outcome: They said voicemails are not safe for them: someone else may hear it/);
    assert.match(voicemail.body, /name="note"/, 'the form is shown again');
    const text = await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('text', 'message_sent'));
    assert.equal(text.statusCode, 400);
    assert.match(errorSummary(text.body)[0]!, /^#channel: They said text messages are not safe for them: someone else may read it/);
    const row = await referralRow(t.db, referral.id);
    assert.equal(row.contact_attempts, 0);
    assert.equal(row.version, 2, 'only the routing changed it');
    const attempts = await t.db.query('SELECT 1 FROM referral_contact_attempts WHERE referral_id = $1', [referral.id]);
    assert.equal(attempts.rows.length, 0);
    const refusals = await auditRows(referral.id, 'referral.update');
    assert.deepEqual(refusals.map((r) => r.outcome), ['failure', 'failure']);
  });

  test('refuses a time in the future and an empty form with messages linked to the fields', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const future = await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'spoke', todayParts(1)));
    assert.equal(future.statusCode, 400);
    assert.deepEqual(errorSummary(future.body), ['#when-day: The date of the attempt must be today or in the past']);
    const empty = await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, { day: '', month: '', year: '', time: '' });
    assert.deepEqual(errorSummary(empty.body), [
      '#when-day: Enter the date of the attempt', '#time: Enter the time of the attempt', '#channel: Select how you tried to contact them', '#outcome: Select what happened',
    ]);
  });

  test('a form sent twice records one attempt', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const page = await navigator.get(`/referrals/${referral.id}/contact-attempts/new`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const formKey = /name="formKey" value="([^"]+)"/.exec(page.body)![1]!;
    const form = { _csrf: csrf, formKey, ...attempt('phone', 'no_answer') };
    const [first, second] = await Promise.all([
      navigator.post(`/referrals/${referral.id}/contact-attempts`, form),
      navigator.post(`/referrals/${referral.id}/contact-attempts`, form),
    ]);
    assert.deepEqual([first.statusCode, second.statusCode], [303, 303]);
    assert.equal((await referralRow(t.db, referral.id)).contact_attempts, 1);
  });

  test('a closed referral has no contact form: it says why and what to do', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    await moveReferral(t.db, referral.id, 'withdraw', { closedAt: new Date(), closeReason: 'duplicate' });
    const page = await navigator.get(`/referrals/${referral.id}/contact-attempts/new`);
    assert.equal(page.statusCode, 409);
    assert.match(page.body, /This referral has been withdrawn, so there is no one to contact from here\./);
  });
});

describe('signing up', () => {
  test('opens one support episode with the chosen worker, in one go, and a form sent twice makes one episode', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const page = await navigator.get(`/referrals/${referral.id}/sign-up`);
    assert.equal(page.statusCode, 200);
    const tom = await staffIdOf(t.db, demoEmail('navigator'));
    assert.match(page.body, new RegExp(`<option value="${tom}" selected>Tom Okafor</option>`), 'the responsible worker is chosen already');
    assert.doesNotMatch(page.body, /Sarah Whitfield/, 'only the routed organisation’s staff are offered');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const hidden = Object.fromEntries([...page.body.matchAll(/<input type="hidden" name="(version|formKey)" value="([^"]+)">/g)].map((m) => [m[1]!, m[2]!]));
    const grace = await staffIdOf(t.db, demoEmail('navigator3'));
    const form = { _csrf: csrf, ...hidden, worker: grace, ...todayParts() };
    const [first, second] = await Promise.all([
      navigator.post(`/referrals/${referral.id}/sign-up`, form),
      navigator.post(`/referrals/${referral.id}/sign-up`, form),
    ]);
    assert.deepEqual([first.statusCode, second.statusCode], [303, 303]);
    assert.equal(first.headers.location, `/referrals/${referral.id}?done=signed-up`);
    assert.equal(second.headers.location, `/referrals/${referral.id}?done=signed-up`);

    const row = await referralRow(t.db, referral.id);
    assert.equal(row.state, 'signed_up');
    assert.ok(row.signed_up_at);
    assert.equal(row.responsible_user_id, grace);
    const episodes = await t.db.query<{ id: string; worker_id: string; organisation_id: string; state: string }>(
      'SELECT id, worker_id, organisation_id, state FROM episodes WHERE referral_id = $1', [referral.id],
    );
    assert.equal(episodes.rows.length, 1);
    assert.deepEqual(episodes.rows[0], { id: row.episode_id, worker_id: grace, organisation_id: await organisationOf(t.db, demoEmail('navigator')), state: 'open' });
    const done = await navigator.get(`/referrals/${referral.id}?done=signed-up`);
    assert.match(done.body, /Signed up\. Their support episode is open\./);
    assert.match(done.body, new RegExp(`href="/episodes/${row.episode_id}"`));
    assert.equal((await auditRows(referral.id, 'referral.sign_up'))[0]!.basis, 'referral routed to organisation');
  });

  test('a second sign-up for someone whose support is open is refused, and writes nothing', async () => {
    const first = await waitingReferral(t.db, demoEmail('navigator'));
    const again = await submitTestReferral(t.db, 'kent', referralSubmission({}, {}));
    // The same person referred again: link the second referral to the first's person record.
    await t.db.query('UPDATE referrals SET person_id = $2, match_status = $3 WHERE id = $1', [again.id, first.personId, 'linked']);
    await routeToWaiting(t.db, again.id, { workerEmail: demoEmail('navigator') });
    const tom = await staffIdOf(t.db, demoEmail('navigator'));
    assert.equal((await navigator.submit(`/referrals/${first.id}/sign-up`, { worker: tom, ...todayParts() })).statusCode, 303);
    const before = await referralRow(t.db, again.id);
    const refused = await navigator.submit(`/referrals/${again.id}/sign-up`, { worker: tom, ...todayParts() });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /This person already has support open\. Open their current support episode instead of signing them up again\./);
    assert.deepEqual(await referralRow(t.db, again.id), before);
    const episodes = await t.db.query('SELECT 1 FROM episodes WHERE person_id = $1', [first.personId]);
    assert.equal(episodes.rows.length, 1);
  });

  test('needs the person match decided first, and links to the match page', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    await t.db.query(`UPDATE referrals SET person_id = NULL, match_status = 'needs_review' WHERE id = $1`, [referral.id]);
    const page = await navigator.get(`/referrals/${referral.id}/sign-up`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Check who this is first/);
    assert.match(page.body, new RegExp(`href="/referrals/${referral.id}/match"`));
    assert.doesNotMatch(page.body, /name="worker"/);
  });

  test('refuses a worker outside the routed organisation and a start date in the future', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const sarah = await staffIdOf(t.db, demoEmail('navigator2'));
    const refused = await navigator.submit(`/referrals/${referral.id}/sign-up`, { worker: sarah, ...todayParts(1) });
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(errorSummary(refused.body), [
      '#worker: Select a worker at Porchlight (Dartford, Gravesham and Swanley with Swale)',
      '#started-day: The date support started must be today or in the past',
    ]);
    assert.equal((await referralRow(t.db, referral.id)).state, 'waiting');
  });

  test('a save from a page someone else changed since is refused and shown again with what was chosen', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const page = await navigator.get(`/referrals/${referral.id}/sign-up`);
    await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'spoke'));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const tom = await staffIdOf(t.db, demoEmail('navigator'));
    const stale = await navigator.post(`/referrals/${referral.id}/sign-up`, { _csrf: csrf, version: String(referral.version + 1), worker: tom, ...todayParts() });
    assert.equal(stale.statusCode, 409);
    assert.match(errorSummary(stale.body)[0]!, /^#worker: Someone else changed this referral while you had it open/);
    assert.equal((await referralRow(t.db, referral.id)).state, 'waiting');
  });
});

describe('closing as unable to sign up', () => {
  test('"no response" is refused with the number needed until that many attempts are recorded', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'no_answer'));
    const early = await navigator.submit(`/referrals/${referral.id}/unable`, { reason: 'no_response' });
    assert.equal(early.statusCode, 400);
    assert.deepEqual(errorSummary(early.body), ['#reason: You can close a referral as “no response” only after 3 recorded attempts to contact them. Only 1 attempt has been recorded. Record each attempt first.']);
    await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('phone', 'no_answer'));
    await navigator.submit(`/referrals/${referral.id}/contact-attempts/new`, attempt('email', 'message_sent'));
    const organisation = await organisationOf(t.db, demoEmail('navigator'));
    assert.equal(await hasReferralGrant(t.db, referral.id, organisation), true);

    const closed = await navigator.submit(`/referrals/${referral.id}/unable`, { reason: 'no_response', note: 'Three tries over two weeks' });
    assert.equal(closed.statusCode, 303);
    assert.equal(closed.headers.location, `/referrals/${referral.id}?done=unable`);
    const row = await referralRow(t.db, referral.id);
    assert.equal(row.state, 'unable_to_sign_up');
    assert.equal(row.close_reason, 'no_response');
    assert.equal(row.close_note, 'Three tries over two weeks');
    assert.ok(row.closed_at);
    assert.equal(await hasReferralGrant(t.db, referral.id, organisation), false, 'the routed organisation’s access to the person ends');
    const audit = await auditRows(referral.id, 'referral.unable_to_sign_up');
    assert.equal(audit[0]!.basis, 'referral routed to organisation');
    assert.deepEqual(audit[0]!.detail, { from: 'waiting', to: 'unable_to_sign_up', reason: 'no_response', attempts: 3, signposting: null });
  });

  test('"not eligible" needs where they were signposted and why; "another reason" needs a note', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const bare = await navigator.submit(`/referrals/${referral.id}/unable`, { reason: 'not_eligible' });
    assert.deepEqual(errorSummary(bare.body), ['#signposting: Enter where you signposted them, so they are not left with nothing', '#note: Enter why they are not eligible']);
    const other = await navigator.submit(`/referrals/${referral.id}/unable`, { reason: 'other' });
    assert.deepEqual(errorSummary(other.body), ['#note: Enter the reason they cannot be signed up']);
    const none = await navigator.submit(`/referrals/${referral.id}/unable`, {});
    assert.deepEqual(errorSummary(none.body), ['#reason: Select why they cannot be signed up']);
    const closed = await navigator.submit(`/referrals/${referral.id}/unable`, { reason: 'not_eligible', note: 'Lives in Surrey', signposting: 'Surrey Mindworks, 0300 222 5755' });
    assert.equal(closed.statusCode, 303);
    assert.equal((await referralRow(t.db, referral.id)).close_note, 'Signposted to: Surrey Mindworks, 0300 222 5755\nLives in Surrey');
  });
});

describe('reopening and returning to the single point of access', () => {
  test('a referral closed as unable to sign up is reopened with a note, back on the waiting list with access re-granted', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    await navigator.submit(`/referrals/${referral.id}/unable`, { reason: 'declined', note: 'Said no thanks' });
    const organisation = await organisationOf(t.db, demoEmail('navigator'));
    const empty = await navigator.submit(`/referrals/${referral.id}/reopen`, { note: '' });
    assert.deepEqual(errorSummary(empty.body), ['#note: Enter why you are reopening it, like: they called back and would like support']);
    const reopened = await navigator.submit(`/referrals/${referral.id}/reopen`, { note: 'Called back and would like support now' });
    assert.equal(reopened.statusCode, 303);
    assert.equal(reopened.headers.location, `/referrals/${referral.id}?done=reopened`);
    const row = await referralRow(t.db, referral.id);
    assert.deepEqual([row.state, row.close_reason, row.closed_at], ['waiting', null, null]);
    assert.equal(await hasReferralGrant(t.db, referral.id, organisation), true);
    const history = await navigator.get(`/referrals/${referral.id}`);
    assert.match(history.body, /Called back and would like support now/);
  });

  test('the routed organisation hands a referral back: its access ends and it is back in triage with its original deadline', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const organisation = await organisationOf(t.db, demoEmail('navigator'));
    const before = await t.db.query<{ due_at: Date }>('SELECT due_at FROM referrals WHERE id = $1', [referral.id]);
    const returned = await navigator.submit(`/referrals/${referral.id}/return-to-triage`, { note: 'Needs secondary care, not us' });
    assert.equal(returned.statusCode, 303);
    assert.equal(returned.headers.location, `/waiting-list?done=returned&ref=${referral.reference}`);
    const list = await navigator.get(returned.headers.location as string);
    assert.match(list.body, new RegExp(`Referral returned to the single point of access \\(${referral.reference}\\)`));
    assert.doesNotMatch(list.body, new RegExp(`href="/referrals/${referral.id}"`));
    const row = await referralRow(t.db, referral.id);
    assert.deepEqual([row.state, row.routed_organisation_id, row.responsible_user_id], ['received', null, null]);
    assert.equal(await hasReferralGrant(t.db, referral.id, organisation), false);
    assert.equal((await navigator.get(`/referrals/${referral.id}`)).statusCode, 404, 'the organisation no longer sees it');
    const after = await t.db.query<{ due_at: Date }>('SELECT due_at FROM referrals WHERE id = $1', [referral.id]);
    assert.equal(after.rows[0]!.due_at.getTime(), before.rows[0]!.due_at.getTime(), 'the original deadline is kept');
    // In the triage queue's order (crisis first, then by deadline) it sits by its original deadline.
    const queue = await t.db.query<{ id: string; due_at: Date }>(
      `SELECT id, due_at FROM referrals WHERE tenant_id = 'kent' AND state = 'received' ORDER BY urgency_rank, due_at, id`,
    );
    const position = queue.rows.findIndex((r) => r.id === referral.id);
    assert.ok(position >= 0);
    assert.ok(queue.rows.slice(0, position).every((r) => r.due_at <= after.rows[0]!.due_at));
    const triage = await t.signedIn(demoEmail('triage'));
    const page = await triage.get(`/referrals/${referral.id}`);
    assert.match(page.body, /Needs secondary care, not us/);
  });

  test('a note is needed to return it', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    const empty = await navigator.submit(`/referrals/${referral.id}/return-to-triage`, { note: ' ' });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), ['#note: Enter why you are returning it, so the single point of access knows what to do next']);
  });
});

describe('who may see and do what', () => {
  const forms = (id: string) => [`/referrals/${id}/contact-attempts/new`, `/referrals/${id}/sign-up`, `/referrals/${id}/unable`, `/referrals/${id}/return-to-triage`];

  test('another organisation’s navigator and an unrelated provider get 404 for every page and action, audited as denied', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    for (const role of ['navigator2', 'provider']) {
      const other = await t.signedIn(demoEmail(role));
      for (const path of forms(referral.id)) assert.equal((await other.get(path)).statusCode, 404, `${role} ${path}`);
      const token = /name="_csrf" value="([^"]+)"/.exec((await other.get('/account/password')).body)?.[1] ?? '';
      for (const path of [`/referrals/${referral.id}/contact-attempts`, `/referrals/${referral.id}/sign-up`, `/referrals/${referral.id}/unable`, `/referrals/${referral.id}/return-to-triage`]) {
        const posted = await other.post(path, { _csrf: token, ...attempt('phone', 'no_answer'), reason: 'declined', note: 'x', version: '2' });
        assert.equal(posted.statusCode, 404, `${role} POST ${path}`);
      }
    }
    assert.equal((await referralRow(t.db, referral.id)).version, 2, 'nothing changed');
    const denied = await auditRows(referral.id, 'referral.update');
    assert.ok(denied.length >= 8 && denied.every((d) => d.outcome === 'denied' && d.basis === 'no relationship'));
  });

  test('a provider sees only what was routed to them', async () => {
    const shed = await waitingReferral(t.db, demoEmail('provider'));
    const porchlight = await waitingReferral(t.db, demoEmail('navigator'));
    const provider = await t.signedIn(demoEmail('provider'));
    const list = await provider.get('/waiting-list');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(shed.reference));
    assert.doesNotMatch(list.body, new RegExp(porchlight.reference));
    assert.equal((await provider.get(`/referrals/${shed.id}/contact-attempts/new`)).statusCode, 200);
  });

  test('commissioners and referrers are refused the waiting list and every form (403)', async () => {
    const referral = await waitingReferral(t.db, demoEmail('navigator'));
    for (const role of ['commissioner', 'referrer']) {
      const client = await t.signedIn(demoEmail(role));
      assert.equal((await client.get('/waiting-list')).statusCode, 403, role);
      for (const path of forms(referral.id)) assert.equal((await client.get(path)).statusCode, 403, `${role} ${path}`);
    }
  });

  test('Kingston sees nothing of Kent', async () => {
    const kent = await waitingReferral(t.db, demoEmail('navigator'));
    for (const role of ['triage', 'admin', 'navigator']) {
      const kingston = await t.signedIn(demoEmail(role, 'kingston'));
      const list = await kingston.get('/waiting-list');
      assert.equal(list.statusCode, 200);
      assert.doesNotMatch(list.body, new RegExp(kent.reference), role);
      for (const path of forms(kent.id)) assert.equal((await kingston.get(path)).statusCode, 404, `${role} ${path}`);
    }
    const kentOrg = await organisationOf(t.db, demoEmail('navigator'));
    const kingstonTriage = await t.signedIn(demoEmail('triage', 'kingston'));
    const filtered = await kingstonTriage.get(`/waiting-list?organisation=${kentOrg}`);
    assert.doesNotMatch(filtered.body, new RegExp(kent.reference));
  });
});
