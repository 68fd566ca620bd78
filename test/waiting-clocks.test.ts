// The clocks the system keeps for people who wait, driven by runDueJobs with the clock moved on:
// the deadline alert for crisis and urgent referrals (which runs at any hour, weekends and bank
// holidays included, because those services never close) and the no-contact reminder (which goes
// out on working days only). Across the weekend of 23 and 24 August 2025 and the summer bank
// holiday on Monday 25 August 2025.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobHandlers } from '../src/platform/jobs.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { logTransport, notificationJobs } from '../src/platform/notifications.ts';
import { recordChange, withReferral } from '../src/features/referrals/service.ts';
import { DEADLINE_ALERT, NO_CONTACT_REMINDERS, scheduleNoContactReminders, waitingJobs } from '../src/features/referrals/waiting/jobs.ts';
import { listWaiting, readWaitingFilters, recordContactAttempt } from '../src/features/referrals/waiting/service.ts';
import { isBankHoliday } from '../src/domain/working-days.ts';
import { demoEmail, startTestApp, type TestApp } from './support/app.ts';
import { moveReferral, referralSubmission, routeToWaiting, staffContextFor, submitTestReferral } from './support/referrals.ts';

let t: TestApp;
let handlers: JobHandlers;
before(async () => {
  t = await startTestApp();
  handlers = { ...notificationJobs(logTransport({ info() {} })), ...waitingJobs(t.config) };
});
after(() => t.close());

const at = (iso: string) => new Date(iso);
const run = (now: string) => runDueJobs(t.db, handlers, { now: at(now), limit: 500 });

async function emailsAbout(text: string): Promise<{ recipient: string; template: string; subject: string; body: string }[]> {
  const { rows } = await t.db.query<{ recipient: string; template: string; personalisation: { subject: string; body: string } }>(
    `SELECT recipient, template, personalisation FROM notifications
      WHERE personalisation->>'body' LIKE $1 AND template <> 'referral-acknowledgement' ORDER BY id`, [`%${text}%`],
  );
  return rows.map((r) => ({ recipient: r.recipient, template: r.template, subject: r.personalisation.subject, body: r.personalisation.body }));
}

async function events(referralId: string, kind: string): Promise<{ at: Date; note: string; detail: Record<string, unknown> }[]> {
  const { rows } = await t.db.query<{ at: Date; note: string; detail: Record<string, unknown> }>(
    'SELECT at, note, detail FROM referral_events WHERE referral_id = $1 AND kind = $2 ORDER BY id', [referralId, kind],
  );
  return rows;
}

/** A contact attempt recorded through the service at `now`, made `minutesAgo` before it. */
async function recordCall(referralId: string, nowIso: string, outcome: string, by = demoEmail('navigator')): Promise<void> {
  const now = at(nowIso);
  const when = new Date(now.getTime() - 5 * 60_000);
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(when).map((p) => [p.type, p.value]));
  await recordContactAttempt(await staffContextFor(t.db, by), referralId, {
    day: parts.day!, month: parts.month!, year: parts.year!, time: `${parts.hour}:${parts.minute}`, channel: 'phone', outcome, note: '',
  }, now);
}

describe('the deadline alert', () => {
  test('an urgent referral on a Friday evening alerts the triage inbox at its deadline on the Saturday, once, with no name in it', async () => {
    // Friday 22 August 2025, 5pm in the UK; urgent means 24 clock hours, weekends included.
    const referral = await submitTestReferral(t.db, 'kent', referralSubmission({ requestedUrgency: 'urgent' }), at('2025-08-22T16:00:00Z'));
    assert.equal(referral.dueAt.toISOString(), '2025-08-23T16:00:00.000Z');
    const job = await t.db.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE kind = $1 AND payload->>'referralId' = $2`, [DEADLINE_ALERT, referral.id]);
    assert.deepEqual(job.rows.map((r) => r.run_at.toISOString()), ['2025-08-23T16:00:00.000Z'], 'enqueued with the referral, at its deadline');

    await run('2025-08-23T15:59:00Z');
    assert.deepEqual(await emailsAbout(referral.reference), [], 'nothing before the deadline');

    await run('2025-08-23T16:00:00Z');
    const emails = await emailsAbout(referral.reference);
    assert.equal(emails.length, 1);
    assert.equal(emails[0]!.recipient, 'livewellkent-spa@example.org');
    assert.equal(emails[0]!.subject, `First-response deadline passed: ${referral.reference}`);
    assert.match(emails[0]!.body, new RegExp(`http://localhost:\\d+/referrals/${referral.id}`));
    assert.doesNotMatch(emails[0]!.body, new RegExp(`Robin|${referral.subject.familyName}`), 'no name leaves Lantern');
    const missed = await events(referral.id, 'deadline_missed');
    assert.equal(missed.length, 1);
    assert.equal(missed[0]!.at.toISOString(), '2025-08-23T16:00:00.000Z', 'recorded at the clock’s time');
    const audit = await t.db.query<{ basis: string; actor_user_id: string | null }>(`SELECT basis, actor_user_id FROM audit_events WHERE record_id = $1 AND action = 'referral.deadline_missed'`, [referral.id]);
    assert.deepEqual(audit.rows, [{ basis: 'first-response deadline clock (system)', actor_user_id: null }]);

    await run('2025-08-25T12:00:00Z');
    assert.equal((await emailsAbout(referral.reference)).length, 1, 'once only');
  });

  test('a crisis referral due on a bank holiday alerts on the bank holiday', async () => {
    assert.ok(isBankHoliday('2025-08-25'));
    const referral = await submitTestReferral(t.db, 'kent', referralSubmission({ crisis: true }), at('2025-08-25T02:30:00Z'));
    assert.equal(referral.dueAt.toISOString(), '2025-08-25T03:30:00.000Z');
    await run('2025-08-25T03:29:00Z');
    assert.equal((await emailsAbout(`First-response deadline`)).filter((e) => e.body.includes(referral.reference)).length, 0);
    await run('2025-08-25T03:30:00Z');
    assert.equal((await emailsAbout(referral.reference)).filter((e) => e.template === 'referral-deadline-missed').length, 1);
  });

  test('no alert when someone reached the person in time, or the referral was closed', async () => {
    const reached = await submitTestReferral(t.db, 'kent', referralSubmission({ crisis: true }), at('2025-08-23T21:00:00Z'));
    await recordCall(reached.id, '2025-08-23T21:40:00Z', 'spoke', demoEmail('triage'));
    const withdrawn = await submitTestReferral(t.db, 'kent', referralSubmission({ requestedUrgency: 'urgent' }), at('2025-08-23T21:00:00Z'));
    await moveReferral(t.db, withdrawn.id, 'withdraw', { closedAt: at('2025-08-23T22:00:00Z'), closeReason: 'duplicate' });
    const result = await run('2025-08-24T22:00:00Z');
    assert.ok(result.done >= 2);
    for (const r of [reached, withdrawn]) {
      assert.equal((await emailsAbout(r.reference)).filter((e) => e.template === 'referral-deadline-missed').length, 0, r.reference);
      assert.deepEqual(await events(r.id, 'deadline_missed'), []);
    }
  });

  test('a routine referral has no alert job; a new deadline gets its own, and the old one does nothing', async () => {
    const routine = await submitTestReferral(t.db, 'kent', referralSubmission(), at('2025-08-22T10:00:00Z'));
    const none = await t.db.query(`SELECT 1 FROM jobs WHERE kind = $1 AND payload->>'referralId' = $2`, [DEADLINE_ALERT, routine.id]);
    assert.equal(none.rows.length, 0);

    const referral = await submitTestReferral(t.db, 'kent', referralSubmission({ requestedUrgency: 'urgent' }), at('2025-08-26T09:00:00Z'));
    // Triage decides it is a crisis: the deadline moves to an hour after it came in.
    const triage = await staffContextFor(t.db, demoEmail('triage'));
    await withReferral(triage, referral.id, 'update', (tx, access) =>
      recordChange(tx, triage, access, 'urgency', { urgency: 'crisis', dueAt: at('2025-08-26T10:00:00Z') }));
    const jobs = await t.db.query<{ run_at: Date }>(`SELECT run_at FROM jobs WHERE kind = $1 AND payload->>'referralId' = $2 ORDER BY run_at`, [DEADLINE_ALERT, referral.id]);
    assert.deepEqual(jobs.rows.map((r) => r.run_at.toISOString()), ['2025-08-26T10:00:00.000Z', '2025-08-27T09:00:00.000Z']);
    await run('2025-08-26T10:00:00Z');
    assert.equal((await emailsAbout(referral.reference)).filter((e) => e.template === 'referral-deadline-missed').length, 1);
    await run('2025-08-27T09:00:00Z');
    assert.equal((await emailsAbout(referral.reference)).filter((e) => e.template === 'referral-deadline-missed').length, 1, 'the old deadline’s job does nothing');
    assert.equal((await events(referral.id, 'deadline_missed')).length, 1);
  });
});

describe('the no-contact reminder', () => {
  test('goes to the responsible worker on the next working day after the weekend and the bank holiday, at most once per period', async () => {
    await t.db.query(`UPDATE tenants SET settings = settings || '{"noContactReminderDays": 3}'::jsonb WHERE id = 'kent'`);
    // In on Monday 18 August, on Porchlight's list with Tom, last tried on Wednesday 20 August at 10am.
    const referral = await submitTestReferral(t.db, 'kent', referralSubmission(), at('2025-08-18T09:00:00Z'));
    await routeToWaiting(t.db, referral.id, { workerEmail: demoEmail('navigator') });
    await recordCall(referral.id, '2025-08-20T09:05:00Z', 'no_answer');
    // Tried on the bank holiday Monday by someone working it: not due on Tuesday.
    const recent = await submitTestReferral(t.db, 'kent', referralSubmission(), at('2025-08-18T09:00:00Z'));
    await routeToWaiting(t.db, recent.id, { workerEmail: demoEmail('navigator') });
    await recordCall(recent.id, '2025-08-25T12:00:00Z', 'no_answer');

    const reminders = async () => (await emailsAbout(referral.reference)).filter((e) => e.template === 'waiting-no-contact-reminder');

    // Friday 22 August: only two days since the last attempt.
    await scheduleNoContactReminders(t.db, at('2025-08-22T05:00:00Z'));
    await run('2025-08-22T07:00:00Z');
    assert.deepEqual(await reminders(), []);

    // The waiting list shows "contact due" from Saturday morning.
    const navigator = await staffContextFor(t.db, demoEmail('navigator'));
    const saturday = await listWaiting(navigator, readWaitingFilters({}), at('2025-08-23T10:00:00Z'));
    assert.equal(saturday.rows.find((r) => r.id === referral.id)?.contactDue, true);

    // Saturday, Sunday and the bank holiday Monday: no sweep is even scheduled.
    for (const day of ['2025-08-23', '2025-08-24', '2025-08-25']) {
      await scheduleNoContactReminders(t.db, at(`${day}T06:00:00Z`));
      await run(`${day}T09:00:00Z`);
    }
    const weekend = await t.db.query(`SELECT unique_key FROM jobs WHERE kind = $1 AND unique_key LIKE 'waiting-reminders:kent:2025-08-2_'`, [NO_CONTACT_REMINDERS]);
    assert.deepEqual(weekend.rows.map((r) => (r as { unique_key: string }).unique_key), ['waiting-reminders:kent:2025-08-22']);
    assert.deepEqual(await reminders(), []);

    // Tuesday 26 August, 8am UK time: the reminder goes to Tom, with the reference and link only.
    await scheduleNoContactReminders(t.db, at('2025-08-26T05:00:00Z'));
    await run('2025-08-26T06:59:00Z');
    assert.deepEqual(await reminders(), [], 'not before 8am');
    await run('2025-08-26T07:00:00Z');
    const sent = await reminders();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.recipient, demoEmail('navigator'));
    assert.match(sent[0]!.subject, /^Reminder: \d+ (person|people) waiting with no contact for 3 days or more$/);
    assert.match(sent[0]!.body, new RegExp(`${referral.reference}: http://localhost:\\d+/referrals/${referral.id}`));
    assert.match(sent[0]!.body, /you are their responsible worker/);
    assert.doesNotMatch(sent[0]!.body, new RegExp(recent.reference), 'someone tried yesterday is not due');
    assert.doesNotMatch(sent[0]!.body, new RegExp(`Robin|${referral.subject.familyName}`));
    const reminded = await events(referral.id, 'reminder');
    assert.equal(reminded.length, 1);
    assert.deepEqual(reminded[0]!.detail, { told: 'responsible worker', days: 3 });
    assert.equal(reminded[0]!.at.toISOString(), '2025-08-26T07:00:00.000Z');

    // Scheduling again the same day adds nothing; Wednesday and Thursday are inside the period.
    await scheduleNoContactReminders(t.db, at('2025-08-26T13:00:00Z'));
    await run('2025-08-26T13:00:00Z');
    for (const day of ['2025-08-27', '2025-08-28']) {
      await scheduleNoContactReminders(t.db, at(`${day}T05:00:00Z`));
      await run(`${day}T07:00:00Z`);
    }
    assert.equal((await reminders()).length, 1, 'at most once per reminder period');
    // Friday 29 August: three days since the last reminder, still nobody has tried: again.
    await scheduleNoContactReminders(t.db, at('2025-08-29T05:00:00Z'));
    await run('2025-08-29T07:00:00Z');
    assert.equal((await reminders()).length, 2);
    // A contact attempt stops the reminders until the next period without contact.
    await recordCall(referral.id, '2025-08-29T10:00:00Z', 'no_answer');
    await scheduleNoContactReminders(t.db, at('2025-09-01T05:00:00Z'));
    await run('2025-09-01T07:00:00Z');
    assert.equal((await reminders()).length, 2);
  });

  test('nobody allocated: the organisation’s team leads, else the triage inbox', async () => {
    await t.db.query(`UPDATE tenants SET settings = settings || '{"noContactReminderDays": 7}'::jsonb WHERE id = 'kent'`);
    const porchlight = await submitTestReferral(t.db, 'kent', referralSubmission(), at('2025-09-01T09:00:00Z'));
    await routeToWaiting(t.db, porchlight.id, { workerEmail: demoEmail('navigator3'), allocate: false });
    const shaw = await submitTestReferral(t.db, 'kent', referralSubmission(), at('2025-09-01T09:00:00Z'));
    await routeToWaiting(t.db, shaw.id, { workerEmail: demoEmail('navigator2'), allocate: false });

    // Seven days after Monday 1 September at 10am is Monday 8 September at 10am: Tuesday's sweep.
    await scheduleNoContactReminders(t.db, at('2025-09-08T05:00:00Z'));
    await run('2025-09-08T07:00:00Z');
    assert.deepEqual((await emailsAbout(porchlight.reference)).filter((e) => e.template === 'waiting-no-contact-reminder'), []);
    await scheduleNoContactReminders(t.db, at('2025-09-09T05:00:00Z'));
    await run('2025-09-09T07:00:00Z');
    const toLeads = (await emailsAbout(porchlight.reference)).filter((e) => e.template === 'waiting-no-contact-reminder');
    assert.deepEqual(toLeads.map((e) => e.recipient), [demoEmail('navigator')], 'Tom leads Porchlight’s team; Grace does not');
    assert.match(toLeads[0]!.body, /you are a team lead/);
    const toInbox = (await emailsAbout(shaw.reference)).filter((e) => e.template === 'waiting-no-contact-reminder');
    assert.deepEqual(toInbox.map((e) => e.recipient), ['livewellkent-spa@example.org'], 'Shaw Trust has no team lead in Lantern');
    assert.deepEqual((await events(shaw.id, 'reminder'))[0]!.detail, { told: 'triage inbox', days: 7 });
  });
});
