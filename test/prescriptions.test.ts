// Social prescribing through HTTP, as the navigator and the provider would use it: prescribing
// from the directory (found without JavaScript), the provider's inbox and answer, starts,
// attendances, completion and drop-out, the navigator seeing every change and hearing (by email,
// a link only) when the provider declines or records a drop-out; duplicate prevention; version
// conflicts between two provider staff; activities nobody in Lantern runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import {
  addStaff, demoEmail, openTestEpisode, organisationId, saveTestListings, SHED_LISTING, staffContext, WALK_LISTING, type TestEpisode,
} from './support/prescriptions.ts';
import { prescribe, prescriptionsAwaitingAnswer } from '../src/features/prescriptions/service.ts';
import { londonDate } from '../src/domain/working-days.ts';

let t: TestApp;
let shedOrganisationId: string;
let navigator: TestClient;
let provider: TestClient;

before(async () => {
  t = await startTestApp();
  ({ shedOrganisationId } = await saveTestListings(t.db));
  navigator = await t.signedIn(demoEmail('navigator'));
  provider = await t.signedIn(demoEmail('provider'));
});
after(() => t.close());

const today = () => londonDate(new Date()).split('-');
const todayFields = () => {
  const [year, month, day] = today();
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
};

/** Prescribes through the form; returns the new prescription's id. */
async function prescribeByForm(client: TestClient, episode: TestEpisode, target: string, note = 'He would like to meet people and use his hands again.', extra: Record<string, string> = {}): Promise<string> {
  const response = await client.submit(`/episodes/${episode.episodeId}/prescriptions/new?q=shed`, { target, note, ...extra });
  assert.equal(response.statusCode, 303, errorSummary(response.body).join('; '));
  const id = /\/prescriptions\/([0-9a-f-]{36})\?done=sent/.exec(response.headers.location as string)?.[1];
  assert.ok(id, `redirected to ${response.headers.location}`);
  return id;
}

/** A form's hidden fields (the CSRF token, version and form key), as a browser would send them. */
function hiddenFields(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
}

/** The hidden fields and the date boxes and note as the page shows them filled in. */
function hiddenFieldsAndValues(html: string): Record<string, string> {
  const value = (id: string) => new RegExp(`id="${id}" name="[^"]+" type="text" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const note = /<textarea[^>]*name="note"[^>]*>([^<]*)<\/textarea>/.exec(html)?.[1] ?? '';
  return { ...hiddenFields(html), day: value('date-day'), month: value('date-month'), year: value('date-year'), note };
}

async function notificationsFor(reference: string): Promise<{ recipient: string; template: string; subject: string; body: string }[]> {
  const { rows } = await t.db.query<{ recipient: string; template: string; personalisation: { subject: string; body: string } }>(
    'SELECT recipient, template, personalisation FROM notifications WHERE reference = $1 ORDER BY id', [reference],
  );
  return rows.map((r) => ({ recipient: r.recipient, template: r.template, subject: r.personalisation.subject, body: r.personalisation.body }));
}

async function state(id: string): Promise<{ state: string; version: number }> {
  const { rows } = await t.db.query<{ state: string; version: number }>('SELECT state, version FROM prescriptions WHERE id = $1', [id]);
  return rows[0]!;
}

describe('the whole loop, navigator and provider', () => {
  let episode: TestEpisode;
  let id: string;

  before(async () => {
    episode = await openTestEpisode(t.db);
  });

  test('the navigator finds Dartford Men’s Shed in the directory and is told it goes to the provider’s inbox', async () => {
    const page = await navigator.get(`/episodes/${episode.episodeId}/prescriptions/new?q=shed`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(episode.personName));
    assert.match(page.body, /Dartford Men(&#39;|')s Shed/);
    assert.match(page.body, /Goes to their inbox in Lantern/);
    assert.match(page.body, new RegExp(`value="service:${SHED_LISTING}"`));
    const walk = await navigator.get(`/episodes/${episode.episodeId}/prescriptions/new?q=riverside+walk`);
    assert.match(walk.body, /Nobody runs this in Lantern: you record how it goes yourself/);
  });

  test('a form with nothing chosen and no note is shown again with what to do', async () => {
    const response = await navigator.submit(`/episodes/${episode.episodeId}/prescriptions/new`, { note: '' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), [
      '#target: Choose a service from the directory, or a delivery network provider',
      '#note: Write a note for the provider: what the person hopes for, and anything they need to know',
    ]);
  });

  test('sending it puts it in the provider’s inbox and emails the provider’s staff a link with no names', async () => {
    id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    const page = await navigator.get(`/prescriptions/${id}?done=sent`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Prescription sent/);
    assert.match(page.body, /Waiting for an answer/);
    const emails = await notificationsFor(`prescription:${id}:sent`);
    assert.deepEqual(emails.map((e) => e.recipient), [demoEmail('provider')]);
    assert.match(emails[0]!.body, new RegExp(`/prescriptions/${id}`));
    for (const e of emails) {
      assert.doesNotMatch(`${e.subject} ${e.body}`, new RegExp(episode.personName.split(' ')[1]!), 'no names in messages');
      assert.doesNotMatch(e.body, /meet people/, 'not what the person hopes for');
    }
  });

  test('the provider’s inbox lists it first, with how long it has waited', async () => {
    const inbox = await provider.get('/prescriptions');
    assert.equal(inbox.statusCode, 200);
    assert.match(inbox.body, /1 waiting for your answer/);
    assert.match(inbox.body, new RegExp(`href="/prescriptions/${id}">${episode.personName}<`));
    assert.match(inbox.body, /Waiting less than a minute/);
    const audit = await t.db.query<{ detail: { personIds: string[] } }>(`SELECT detail FROM audit_events WHERE action = 'prescription.inbox' ORDER BY id DESC LIMIT 1`);
    assert.deepEqual(audit.rows[0]!.detail.personIds, [episode.personId]);
  });

  test('the provider sees the name, how to contact them safely and the note; the read is audited as a read of the person', async () => {
    const page = await provider.get(`/prescriptions/${id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(episode.personName));
    assert.match(page.body, /07700 900456 \(calls, texts\)/);
    assert.doesNotMatch(page.body, /person@example.com/, 'email is not a safe way to contact this person');
    assert.match(page.body, /Weekday mornings/);
    assert.match(page.body, /Do not say where you are calling from/);
    assert.match(page.body, /He would like to meet people/);
    assert.doesNotMatch(page.body, new RegExp(`href="/people/${episode.personId}"`), 'no link to a person page the provider cannot open');
    const audit = await t.db.query<{ action: string; record_type: string; basis: string; outcome: string; request_id: string }>(
      `SELECT action, record_type, basis, outcome, request_id FROM audit_events WHERE person_id = $1 ORDER BY id DESC LIMIT 2`, [episode.personId],
    );
    assert.deepEqual(audit.rows.map((r) => [r.action, r.record_type, r.basis, r.outcome]), [
      ['read', 'person', 'social prescription', 'success'],
      ['prescription.read', 'prescription', 'prescription sent to organisation', 'success'],
    ]);
    assert.equal(audit.rows[0]!.request_id, page.headers['x-request-id']);
  });

  test('the provider accepts; the navigator sees it', async () => {
    const response = await provider.submit(`/prescriptions/${id}/accept`, { note: 'First session Tuesday at 10.' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/prescriptions/${id}?done=accept`);
    assert.equal((await state(id)).state, 'accepted');
    const seen = await navigator.get(`/prescriptions/${id}`);
    assert.match(seen.body, /Accepted/);
    assert.match(seen.body, /First session Tuesday at 10\./);
    assert.match(seen.body, /by Gareth Lewis, Dartford Men(&#39;|')s Shed \(demo\)/);
  });

  test('the provider records the start and attendances; a second attendance on the same date is refused', async () => {
    assert.equal((await provider.submit(`/prescriptions/${id}/start`, todayFields())).statusCode, 303);
    assert.equal((await state(id)).state, 'started');
    const attended = await provider.submit(`/prescriptions/${id}/attendances/new`, { ...todayFields(), attended: 'yes', note: '' });
    assert.equal(attended.statusCode, 303);
    const again = await provider.submit(`/prescriptions/${id}/attendances/new`, { ...todayFields(), attended: 'no' });
    assert.equal(again.statusCode, 400);
    assert.deepEqual(errorSummary(again.body), ['#date-day: A session on that date is already recorded. Choose another date']);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM prescription_attendances WHERE prescription_id = $1', [id]);
    assert.equal(Number(rows[0]!.n), 1);
  });

  test('dates in the future or before the start are refused in plain words', async () => {
    const future = await provider.submit(`/prescriptions/${id}/attendances/new`, { day: '1', month: '1', year: '2099', attended: 'yes' });
    assert.deepEqual(errorSummary(future.body), ['#date-day: The date of the session must be today or in the past']);
    const early = await provider.submit(`/prescriptions/${id}/attendances/new`, { day: '1', month: '1', year: '2020', attended: 'yes' });
    assert.match(errorSummary(early.body)[0]!, /The date of the session must be on or after .*, when they started/);
    const nonsense = await provider.submit(`/prescriptions/${id}/attendances/new`, { day: '31', month: '2', year: '2025' });
    assert.deepEqual(errorSummary(nonsense.body), [
      '#date-day: The date of the session must be a real date, like 14 3 2025',
      '#attended: Say whether they came to the session',
    ]);
  });

  test('the navigator sees every change on the episode', async () => {
    const page = await navigator.get(`/episodes/${episode.episodeId}/prescriptions`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Dartford Men(&#39;|')s Shed/);
    assert.match(page.body, /Started/);
    assert.match(page.body, /Attendance recorded by Gareth Lewis/);
    assert.match(page.body, /Came to 1 of 1/);
    const history = await navigator.get(`/prescriptions/${id}`);
    for (const words of ['Sent by Tom Okafor', 'Accepted by Gareth Lewis', 'Start recorded by Gareth Lewis', 'Attendance recorded for']) {
      assert.match(history.body, new RegExp(words));
    }
  });

  test('a drop-out tells the navigator by email, with a link and no names', async () => {
    const response = await provider.submit(`/prescriptions/${id}/drop-out`, { ...todayFields(), reason: 'circumstances', note: '' });
    assert.equal(response.statusCode, 303);
    assert.equal((await state(id)).state, 'dropped_out');
    const emails = await notificationsFor(`prescription:${id}:drop_out`);
    assert.deepEqual(emails.map((e) => [e.recipient, e.template]), [[demoEmail('navigator'), 'prescription-dropped-out']]);
    assert.match(emails[0]!.body, new RegExp(`/prescriptions/${id}$`));
    assert.doesNotMatch(emails[0]!.body, new RegExp(episode.personName.split(' ')[0]!));
    const page = await provider.get(`/prescriptions/${id}`);
    assert.match(page.body, /Their health or circumstances changed/);
    assert.match(page.body, /no longer shown, because this prescription has ended/);
    assert.doesNotMatch(page.body, /07700 900456/, 'contact details go once it has ended');
  });
});

describe('declining, withdrawing and completing', () => {
  test('a decline needs a reason (and words for “another reason”) and tells the navigator', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    const empty = await provider.submit(`/prescriptions/${id}/decline`, {});
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), ['#reason: Choose why you cannot take this prescription']);
    const other = await provider.submit(`/prescriptions/${id}/decline`, { reason: 'other', note: '' });
    assert.deepEqual(errorSummary(other.body), ['#note: Say why you cannot take this prescription']);
    const done = await provider.submit(`/prescriptions/${id}/decline`, { reason: 'full', note: 'Try again in May.' });
    assert.equal(done.statusCode, 303);
    assert.equal((await state(id)).state, 'declined');
    const emails = await notificationsFor(`prescription:${id}:decline`);
    assert.deepEqual(emails.map((e) => e.template), ['prescription-declined']);
    const page = await navigator.get(`/prescriptions/${id}`);
    assert.match(page.body, /Full: no places at the moment<br>Try again in May\./);
    // Declined is final: the same service can be prescribed again.
    await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
  });

  test('the navigator withdraws one that is not yet started; the provider cannot withdraw, and the navigator cannot answer', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    assert.equal((await provider.get(`/prescriptions/${id}/withdraw`)).statusCode, 403);
    assert.equal((await navigator.get(`/prescriptions/${id}/accept`)).statusCode, 403);
    const response = await navigator.submit(`/prescriptions/${id}/withdraw`, { reason: 'changed_mind' });
    assert.equal(response.statusCode, 303);
    assert.equal((await state(id)).state, 'withdrawn');
    const page = await provider.get(`/prescriptions/${id}`);
    assert.match(page.body, /Withdrawn/);
    assert.match(page.body, /The person no longer wants it/);
    const told = await notificationsFor(`prescription:${id}:withdraw`);
    assert.deepEqual(told.map((e) => [e.recipient, e.template]), [[demoEmail('provider'), 'prescription-withdrawn']]);
    assert.match(told[0]!.body, /You do not need to contact the person about it/);
    const refused = await provider.get(`/prescriptions/${id}/accept`);
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /This prescription was withdrawn, so it cannot be accepted/);
  });

  test('completion is recorded after a start', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    assert.equal((await provider.submit(`/prescriptions/${id}/accept`, {})).statusCode, 303);
    const tooSoon = await provider.get(`/prescriptions/${id}/complete`);
    assert.equal(tooSoon.statusCode, 409);
    assert.match(tooSoon.body, /Record the start first/);
    await provider.submit(`/prescriptions/${id}/start`, todayFields());
    const done = await provider.submit(`/prescriptions/${id}/complete`, { ...todayFields(), note: 'Wants to try the repair café next.' });
    assert.equal(done.statusCode, 303);
    assert.equal((await state(id)).state, 'completed');
  });
});

describe('after discharge', () => {
  test('nothing new can be prescribed, and the page says why', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    await t.db.query(`UPDATE episodes SET state = 'discharged', discharged_at = now() WHERE id = $1`, [episode.episodeId]);
    const form = await navigator.get(`/episodes/${episode.episodeId}/prescriptions/new`);
    assert.equal(form.statusCode, 409);
    assert.match(form.body, /support episode has ended, so nothing new can be prescribed in it/);
    const list = await navigator.get(`/episodes/${episode.episodeId}/prescriptions`);
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`href="/prescriptions/${id}"`), 'what was prescribed is still there');
    assert.doesNotMatch(list.body, /Prescribe a service or activity/);
  });
});

describe('an activity nobody in Lantern runs', () => {
  test('the navigator is told on screen, records its progress, and no provider sees it', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${WALK_LISTING}`, 'Would like company on walks.');
    const page = await navigator.get(`/prescriptions/${id}`);
    assert.match(page.body, /Nobody runs Riverside Wellbeing Walk in Lantern, so it has no inbox here\. Record how it goes yourself/);
    assert.match(page.body, new RegExp(`href="/prescriptions/${id}/accept"`));
    assert.equal((await navigator.submit(`/prescriptions/${id}/accept`, {})).statusCode, 303);
    assert.equal((await navigator.submit(`/prescriptions/${id}/start`, todayFields())).statusCode, 303);
    assert.equal((await state(id)).state, 'started');
    assert.equal((await provider.get(`/prescriptions/${id}`)).statusCode, 404);
    const jobs = await t.db.query(`SELECT 1 FROM jobs WHERE kind = 'prescription.chase' AND payload->>'prescriptionId' = $1`, [id]);
    assert.equal(jobs.rows.length, 0, 'nobody to chase');
  });
});

describe('prescribing a delivery network provider directly', () => {
  test('it goes to that organisation’s inbox', async () => {
    const episode = await openTestEpisode(t.db);
    const noChoice = await navigator.submit(`/episodes/${episode.episodeId}/prescriptions/new`, { target: 'provider', note: 'Hopes to get fitter.' });
    assert.deepEqual(errorSummary(noChoice.body), ['#providerOrganisationId: Choose the delivery network provider to send it to']);
    const sport = await organisationId(t.db, 'Kent Sport');
    const id = await prescribeByForm(navigator, episode, 'provider', 'Hopes to get fitter.', { providerOrganisationId: sport });
    const { rows } = await t.db.query<{ provider_organisation_id: string; service_name: string; service_id: string | null }>(
      'SELECT provider_organisation_id, service_name, service_id FROM prescriptions WHERE id = $1', [id],
    );
    assert.deepEqual(rows[0], { provider_organisation_id: sport, service_name: 'Kent Sport (demo)', service_id: null });
  });
});

describe('duplicates', () => {
  test('an open prescription to the same service is refused with a link to it', async () => {
    const episode = await openTestEpisode(t.db);
    const first = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    const second = await navigator.submit(`/episodes/${episode.episodeId}/prescriptions/new?q=shed`, { target: `service:${SHED_LISTING}`, note: 'Again.' });
    assert.equal(second.statusCode, 409);
    assert.match(errorSummary(second.body)[0]!, /#target: Dartford Men(&#39;|')s Shed was already prescribed for this person on .* and is still open/);
    assert.match(second.body, new RegExp(`<a href="/prescriptions/${first}">See the open prescription</a>`));
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM prescriptions WHERE episode_id = $1', [episode.episodeId]);
    assert.equal(Number(rows[0]!.n), 1);
  });

  test('a double-submitted form makes one prescription', async () => {
    const episode = await openTestEpisode(t.db);
    const page = await navigator.get(`/episodes/${episode.episodeId}/prescriptions/new?q=shed`);
    const form = { ...hiddenFields(page.body), target: `service:${SHED_LISTING}`, note: 'Once only.' };
    const [a, b] = [await navigator.post(`/episodes/${episode.episodeId}/prescriptions/new`, form), await navigator.post(`/episodes/${episode.episodeId}/prescriptions/new`, form)];
    assert.equal(a.statusCode, 303);
    assert.equal(b.statusCode, 303);
    assert.equal(a.headers.location, b.headers.location);
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM prescriptions WHERE episode_id = $1', [episode.episodeId]);
    assert.equal(Number(rows[0]!.n), 1);
    const events = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM prescription_events e JOIN prescriptions p ON p.id = e.prescription_id WHERE p.episode_id = $1`, [episode.episodeId]);
    assert.equal(Number(events.rows[0]!.n), 1);
  });

  test('two forms sent at once for the same service make one prescription', async () => {
    const episode = await openTestEpisode(t.db);
    const ctx = await staffContext(t.db, demoEmail('navigator'));
    const results = await Promise.allSettled([1, 2, 3].map((n) =>
      prescribe(ctx, episode.episodeId, { target: `service:${SHED_LISTING}`, note: `Try ${n}`, formKey: crypto.randomUUID() }, { baseUrl: 'http://lantern.test' })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as { code: string }).code, 'duplicate_prescription');
    const { rows } = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM prescriptions WHERE episode_id = $1', [episode.episodeId]);
    assert.equal(Number(rows[0]!.n), 1);
  });
});

describe('two provider staff at once', () => {
  let second: TestClient;
  before(async () => {
    await addStaff(t.db, { email: 'shed.volunteer@kent.demo.lantern.test', name: 'Pat Volunteer', role: 'provider', organisationId: shedOrganisationId });
    second = await t.signedIn('shed.volunteer@kent.demo.lantern.test');
  });

  test('the second of two stale saves is refused with a clear message, keeps what was typed, and goes through when sent again', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    await provider.submit(`/prescriptions/${id}/accept`, {});
    await provider.submit(`/prescriptions/${id}/start`, todayFields());
    // One opens the attendance form, the other the completion form; the first saves, then the second.
    const formA = await provider.get(`/prescriptions/${id}/attendances/new`);
    const formB = await second.get(`/prescriptions/${id}/complete`);
    assert.equal((await provider.post(`/prescriptions/${id}/attendances/new`, { ...hiddenFields(formA.body), ...todayFields(), attended: 'yes' })).statusCode, 303);
    const stale = await second.post(`/prescriptions/${id}/complete`, { ...hiddenFields(formB.body), ...todayFields(), note: 'Wants to keep coming as a volunteer' });
    assert.equal(stale.statusCode, 409);
    assert.match(errorSummary(stale.body)[0]!, /#date-day: Someone else changed this prescription while you had it open, so nothing you entered has been saved/);
    assert.match(stale.body, /Wants to keep coming as a volunteer/, 'what was typed is kept');
    assert.match(stale.body, /It has changed since you opened it/);
    assert.equal((await state(id)).state, 'started', 'the stale save wrote nothing');
    const audit = await t.db.query<{ outcome: string; detail: { code: string } }>(
      `SELECT outcome, detail FROM audit_events WHERE record_id = $1 AND action = 'prescription.complete' ORDER BY id DESC LIMIT 1`, [id],
    );
    assert.deepEqual([audit.rows[0]!.outcome, audit.rows[0]!.detail.code], ['failure', 'stale']);
    // Sent again from the page shown, with the change in view, it goes through.
    const again = await second.post(`/prescriptions/${id}/complete`, hiddenFieldsAndValues(stale.body));
    assert.equal(again.statusCode, 303);
    assert.equal((await state(id)).state, 'completed');
  });

  test('one accepts while the other declines: the decline is refused, saying it was accepted', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    const declineForm = await second.get(`/prescriptions/${id}/decline`);
    assert.equal((await provider.submit(`/prescriptions/${id}/accept`, {})).statusCode, 303);
    const refused = await second.post(`/prescriptions/${id}/decline`, { ...hiddenFields(declineForm.body), reason: 'full' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /This prescription has already been accepted, so it cannot be declined/);
    assert.equal((await state(id)).state, 'accepted');
  });

  test('the same answer sent twice (a double click) changes it once and succeeds both times', async () => {
    const episode = await openTestEpisode(t.db);
    const id = await prescribeByForm(navigator, episode, `service:${SHED_LISTING}`);
    const form = await provider.get(`/prescriptions/${id}/accept`);
    const hidden = hiddenFields(form.body);
    const a = await provider.post(`/prescriptions/${id}/accept`, hidden);
    const b = await provider.post(`/prescriptions/${id}/accept`, hidden);
    assert.deepEqual([a.statusCode, b.statusCode], [303, 303]);
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM prescription_events WHERE prescription_id = $1 AND kind = 'accept'`, [id]);
    assert.equal(Number(rows[0]!.n), 1);
    assert.equal((await state(id)).version, 2);
  });
});

describe('for the caseload', () => {
  test('the number waiting for a provider’s answer, per episode', async () => {
    const a = await openTestEpisode(t.db);
    const b = await openTestEpisode(t.db);
    const c = await openTestEpisode(t.db);
    await prescribeByForm(navigator, a, `service:${SHED_LISTING}`);
    await prescribeByForm(navigator, a, 'provider', 'Fitness.', { providerOrganisationId: await organisationId(t.db, 'Kent Sport') });
    const accepted = await prescribeByForm(navigator, b, `service:${SHED_LISTING}`);
    await provider.submit(`/prescriptions/${accepted}/accept`, {});
    await prescribeByForm(navigator, c, `service:${WALK_LISTING}`);
    const counts = await prescriptionsAwaitingAnswer(t.db, 'kent', [a.episodeId, b.episodeId, c.episodeId, 'not-a-uuid']);
    // c's walk is waiting for the navigator's own record of an answer: it counts too.
    assert.deepEqual(Object.fromEntries(counts), { [a.episodeId]: 2, [c.episodeId]: 1 });
    assert.deepEqual(Object.fromEntries(await prescriptionsAwaitingAnswer(t.db, 'kingston', [a.episodeId])), {}, 'another tenant sees none');
  });
});
