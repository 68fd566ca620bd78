// Chasing unanswered social prescriptions, with the clock moved on: a reminder to the provider's
// staff after the tenant's prescriptionChaseDays and every period after, at most 3, then the
// navigator is told once; nothing for answered, withdrawn or self-recorded prescriptions; and a
// lost job is queued again by the hourly schedule.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { addStaff, demoEmail, openTestEpisode, organisationId, saveTestListings, SHED_LISTING, staffContext, WALK_LISTING } from './support/prescriptions.ts';
import { runDueJobs, type JobHandlers } from '../src/platform/jobs.ts';
import { notificationJobs, type OutgoingNotification, type Transport } from '../src/platform/notifications.ts';
import { prescriptionJobs, schedulePrescriptionChases } from '../src/features/prescriptions/chasing.ts';
import { prescribe, takeAction } from '../src/features/prescriptions/service.ts';

const DAY = 86_400_000;
let t: TestApp;
let handlers: JobHandlers;
const delivered: OutgoingNotification[] = [];

before(async () => {
  t = await startTestApp();
  await saveTestListings(t.db);
  // A second member of the shed's staff: every one of them is reminded.
  await addStaff(t.db, { email: 'shed.volunteer@kent.demo.lantern.test', name: 'Pat Volunteer', role: 'provider', organisationId: await organisationId(t.db, 'Dartford Men') });
  const transport: Transport = { name: 'test', async send(n) { delivered.push(n); return {}; } };
  handlers = { ...prescriptionJobs(t.config), ...notificationJobs(transport) };
});
after(() => t.close());

async function send(target: string, sentAt: Date, extra: Record<string, string> = {}): Promise<{ id: string; episodeId: string }> {
  const episode = await openTestEpisode(t.db);
  const ctx = await staffContext(t.db, demoEmail('navigator'));
  const { prescription } = await prescribe(ctx, episode.episodeId, { target, note: 'Would like company.', ...extra }, { baseUrl: t.config.publicBaseUrl, now: sentAt });
  return { id: prescription.id, episodeId: episode.episodeId };
}

/** Runs every job due by `at`, then returns the messages delivered for the prescription since the last call. */
async function runUntil(at: Date, prescriptionId: string): Promise<{ to: string; template: string; body: string }[]> {
  const before = delivered.length;
  await runDueJobs(t.db, handlers, { now: at, limit: 500 });
  return delivered.slice(before)
    .filter((n) => n.reference?.startsWith(`prescription:${prescriptionId}:`))
    .map((n) => ({ to: n.recipient, template: n.template, body: n.personalisation.body ?? '' }));
}

async function chaseState(id: string): Promise<{ chase_count: number; next_chase_at: Date | null; unanswered_reported_at: Date | null }> {
  const { rows } = await t.db.query<{ chase_count: number; next_chase_at: Date | null; unanswered_reported_at: Date | null }>(
    'SELECT chase_count, next_chase_at, unanswered_reported_at FROM prescriptions WHERE id = $1', [id],
  );
  return rows[0]!;
}

const shedStaff = ['provider@kent.demo.lantern.test', 'shed.volunteer@kent.demo.lantern.test'].sort();

describe('an unanswered prescription', () => {
  // Sent now; every step is run by moving the jobs' clock forward from here.
  const sentAt = new Date();
  let id: string;

  before(async () => {
    ({ id } = await send(`service:${SHED_LISTING}`, sentAt));
  });

  test('the provider’s staff hear it arrived; nothing more before prescriptionChaseDays (5) have passed', async () => {
    const first = await runUntil(new Date(sentAt.getTime() + 5 * DAY - 60_000), id);
    assert.deepEqual(first.map((m) => m.template).sort(), ['prescription-received', 'prescription-received']);
    assert.deepEqual((await chaseState(id)).chase_count, 0);
  });

  test('after 5 days every member of the provider’s staff gets a reminder with a link and no names', async () => {
    const messages = await runUntil(new Date(sentAt.getTime() + 5 * DAY + 60_000), id);
    assert.deepEqual(messages.map((m) => m.to).sort(), shedStaff);
    for (const m of messages) {
      assert.equal(m.template, 'prescription-chase');
      assert.match(m.body, new RegExp(`${t.config.publicBaseUrl}/prescriptions/${id}`));
      assert.match(m.body, /waited 5 days for an answer \(reminder 1 of 3\)/);
      assert.doesNotMatch(m.body, /company|Shed/i, 'no note and no service');
    }
    const state = await chaseState(id);
    assert.equal(state.chase_count, 1);
    const events = await t.db.query<{ kind: string; actor_user_id: string | null }>(`SELECT kind, actor_user_id FROM prescription_events WHERE prescription_id = $1 ORDER BY id`, [id]);
    assert.deepEqual(events.rows.map((e) => e.kind), ['sent', 'chased']);
    const audit = await t.db.query<{ outcome: string; person_id: string }>(`SELECT outcome, person_id FROM audit_events WHERE action = 'prescription.chase' AND record_id = $1`, [id]);
    assert.equal(audit.rows.length, 1);
  });

  test('running the jobs again at the same time sends nothing more', async () => {
    assert.deepEqual(await runUntil(new Date(sentAt.getTime() + 5 * DAY + 120_000), id), []);
    assert.deepEqual(await runUntil(new Date(sentAt.getTime() + 10 * DAY), id), [], 'the next period has not quite passed');
  });

  test('again every further period, three reminders in all', async () => {
    const second = await runUntil(new Date(sentAt.getTime() + 10 * DAY + 120_000), id);
    assert.equal(second.length, 2);
    assert.match(second[0]!.body, /reminder 2 of 3/);
    const third = await runUntil(new Date(sentAt.getTime() + 15 * DAY + 180_000), id);
    assert.equal(third.length, 2);
    assert.match(third[0]!.body, /reminder 3 of 3/);
    assert.equal((await chaseState(id)).chase_count, 3);
    const { rows } = await t.db.query<{ version: number }>('SELECT version FROM prescriptions WHERE id = $1', [id]);
    assert.equal(rows[0]!.version, 1, 'reminders do not make a provider’s open form stale');
  });

  test('then the navigator is told it is still unanswered, once, and chasing stops', async () => {
    const told = await runUntil(new Date(sentAt.getTime() + 20 * DAY + 240_000), id);
    assert.deepEqual(told.map((m) => [m.to, m.template]), [[demoEmail('navigator'), 'prescription-unanswered']]);
    assert.match(told[0]!.body, /reminded them 3 times and will not remind them again/);
    const state = await chaseState(id);
    assert.equal(state.next_chase_at, null);
    assert.ok(state.unanswered_reported_at);
    assert.deepEqual(await runUntil(new Date(sentAt.getTime() + 29 * DAY), id), [], 'nothing after that');
    // The navigator sees it on the episode, and on the prescription.
    const navigator = await t.signedIn(demoEmail('navigator'));
    const page = await navigator.get(`/prescriptions/${id}`);
    assert.match(page.body, /Still no answer/);
    assert.match(page.body, /was reminded 3 times and has not answered/);
  });

  test('the schedule queues nothing for it any more', async () => {
    await schedulePrescriptionChases(t.db, new Date(sentAt.getTime() + 40 * DAY));
    const { rows } = await t.db.query(`SELECT 1 FROM jobs WHERE kind = 'prescription.chase' AND done_at IS NULL AND payload->>'prescriptionId' = $1`, [id]);
    assert.equal(rows.length, 0);
  });
});

describe('nothing to chase', () => {
  test('answered before the first reminder: no reminder', async () => {
    const sentAt = new Date();
    const { id } = await send(`service:${SHED_LISTING}`, sentAt);
    const provider = await staffContext(t.db, demoEmail('provider'));
    await takeAction(provider, id, 'accept', { version: '1', note: '' }, { baseUrl: t.config.publicBaseUrl });
    const messages = await runUntil(new Date(sentAt.getTime() + 30 * DAY), id);
    assert.deepEqual(messages.map((m) => m.template).sort(), ['prescription-received', 'prescription-received']);
  });

  test('withdrawn by the navigator: no reminder', async () => {
    const sentAt = new Date();
    const { id } = await send(`service:${SHED_LISTING}`, sentAt);
    const navigator = await staffContext(t.db, demoEmail('navigator'));
    await takeAction(navigator, id, 'withdraw', { version: '1', reason: 'changed_mind' }, { baseUrl: t.config.publicBaseUrl });
    const messages = await runUntil(new Date(sentAt.getTime() + 30 * DAY), id);
    assert.deepEqual([...new Set(messages.map((m) => m.template))].sort(), ['prescription-received', 'prescription-withdrawn'], 'told it arrived and that it was withdrawn: no reminders');
  });

  test('an activity nobody in Lantern runs: no reminder and no job', async () => {
    const sentAt = new Date();
    const { id } = await send(`service:${WALK_LISTING}`, sentAt);
    assert.deepEqual(await runUntil(new Date(sentAt.getTime() + 30 * DAY), id), []);
  });
});

describe('a provider with nobody to answer in Lantern', () => {
  test('the navigator is told when the first reminder would have gone', async () => {
    const sentAt = new Date();
    const { id } = await send('provider', sentAt, { providerOrganisationId: await organisationId(t.db, 'Canterbury Art') });
    assert.deepEqual(await runUntil(new Date(sentAt.getTime() + 4 * DAY), id), []);
    const told = await runUntil(new Date(sentAt.getTime() + 5 * DAY + 60_000), id);
    assert.deepEqual(told.map((m) => [m.to, m.template]), [[demoEmail('navigator'), 'prescription-unanswered']]);
    assert.match(told[0]!.body, /nobody at the provider can answer it in Lantern/);
  });
});

describe('the tenant’s own chase period', () => {
  test('with prescriptionChaseDays at 2, the first reminder goes after 2 days', async () => {
    await t.db.query(`UPDATE tenants SET settings = settings || '{"prescriptionChaseDays": 2}'::jsonb WHERE id = 'kent'`);
    try {
      const sentAt = new Date();
      const { id } = await send(`service:${SHED_LISTING}`, sentAt);
      assert.ok((await runUntil(new Date(sentAt.getTime() + 2 * DAY - 60_000), id)).every((m) => m.template === 'prescription-received'));
      const chased = await runUntil(new Date(sentAt.getTime() + 2 * DAY + 60_000), id);
      assert.deepEqual(chased.map((m) => m.template), ['prescription-chase', 'prescription-chase']);
      assert.match(chased[0]!.body, /waited 2 days/);
    } finally {
      await t.db.query(`UPDATE tenants SET settings = settings - 'prescriptionChaseDays' WHERE id = 'kent'`);
    }
  });
});

describe('a lost job', () => {
  test('is queued again by the hourly schedule, and the reminder goes once', async () => {
    const sentAt = new Date();
    const { id } = await send(`service:${SHED_LISTING}`, sentAt);
    await t.db.query(`DELETE FROM jobs WHERE kind = 'prescription.chase' AND payload->>'prescriptionId' = $1`, [id]);
    const at = new Date(sentAt.getTime() + 6 * DAY);
    assert.ok((await runUntil(at, id)).every((m) => m.template === 'prescription-received'), 'no job, no reminder');
    await schedulePrescriptionChases(t.db, at);
    await schedulePrescriptionChases(t.db, at);
    const chased = await runUntil(at, id);
    assert.deepEqual(chased.map((m) => m.template), ['prescription-chase', 'prescription-chase']);
    assert.equal((await chaseState(id)).chase_count, 1);
  });
});
