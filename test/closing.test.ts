// Handover, discharge and coming back: a handover the new worker must acknowledge before the
// person is theirs; discharge that ends the support episode's access grant but keeps the
// responsible organisation; and the fast route back within the come-back period, counted as a
// fast-track referral, with one new episode linked to the last.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { auditRows, openTestEpisode, staffContextFor, staffMember, type TestEpisode } from './support/closing.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { addCalendarMonths, comeBackUntil } from '../src/domain/come-back.ts';
import { londonDate } from '../src/domain/working-days.ts';
import { sendHandover } from '../src/features/episodes/handover.ts';
import { handoversToAcknowledge } from '../src/features/episodes/closing/sections.ts';
import { comeBack } from '../src/features/episodes/come-back.ts';
import { AppError } from '../src/platform/errors.ts';

let t: TestApp;
const clients = new Map<string, TestClient>();
async function as(role: string, tenant = 'kent'): Promise<TestClient> {
  const key = `${role}@${tenant}`;
  if (!clients.has(key)) clients.set(key, await t.signedIn(demoEmail(role, tenant)));
  return clients.get(key)!;
}

before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const today = () => londonDate(new Date());
const DAY = 86_400_000;
const dateFields = (name: string, iso: string) => {
  const [year, month, day] = iso.split('-');
  return { [`${name}[day]`]: String(Number(day)), [`${name}[month]`]: String(Number(month)), [`${name}[year]`]: year! };
};
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

async function episode(workerRole = 'navigator', startedDaysAgo = 800): Promise<TestEpisode> {
  return openTestEpisode(t.db, { workerEmail: demoEmail(workerRole), startedAt: new Date(Date.now() - startedDaysAgo * DAY) });
}

const SUMMARY = {
  whatMatters: 'Getting back to the allotment; their dog; being called in the afternoon.',
  currentSituation: 'Going to the art group weekly. Sees the GP monthly.',
  risks: 'No known risks.',
  nextSteps: 'Review of the plan due next month.',
};

async function handOver(client: TestClient, e: TestEpisode, toRole = 'navigator3', extra: Record<string, string> = {}) {
  const to = await staffMember(t.db, demoEmail(toRole));
  return client.submit(`/episodes/${e.episodeId}/handover`, { toUserId: to.id, ...SUMMARY, ...extra });
}

const handoverIdFrom = (location: string | undefined) => /\/handovers\/([0-9a-f-]{36})\?done=sent/.exec(location ?? '')?.[1];

async function discharge(client: TestClient, e: TestEpisode, on = today(), fields: Record<string, string> = {}) {
  return client.submit(`/episodes/${e.episodeId}/discharge`, {
    reason: 'goals_met', closingSummary: 'Back at the allotment twice a week and feeling steadier.', ...dateFields('dischargeDate', on), ...fields,
  });
}

async function episodeRow(id: string) {
  const { rows } = await t.db.query<{ state: string; worker_id: string | null; discharge_date: string | null; discharge_reason: string | null; previous_episode_id: string | null; referral_id: string | null; organisation_id: string }>(
    'SELECT state, worker_id, discharge_date, discharge_reason, previous_episode_id, referral_id, organisation_id FROM episodes WHERE id = $1', [id],
  );
  return rows[0]!;
}

async function emailsFor(reference: string) {
  const { rows } = await t.db.query<{ recipient: string; template: string; personalisation: { subject: string; body: string } }>(
    'SELECT recipient, template, personalisation FROM notifications WHERE reference LIKE $1 ORDER BY id', [`${reference}%`],
  );
  return rows;
}

describe('handover', () => {
  test('the new worker must acknowledge it before the person is theirs; both are emailed a link without names', async () => {
    const e = await episode();
    const navigator = await as('navigator');
    const tom = await staffMember(t.db, demoEmail('navigator'));
    const grace = await staffMember(t.db, demoEmail('navigator3'));

    const empty = await navigator.submit(`/episodes/${e.episodeId}/handover`, {});
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [
      '#toUserId: Choose the worker to hand over to',
      '#whatMatters: Enter what matters to them',
      '#currentSituation: Enter what is going on for them now',
      '#risks: Enter the risks, or write “No known risks”',
      '#nextSteps: Enter what is next',
    ]);
    const elsewhere = await staffMember(t.db, demoEmail('navigator2'));
    const wrongOrg = await navigator.submit(`/episodes/${e.episodeId}/handover`, { toUserId: elsewhere.id, ...SUMMARY });
    assert.deepEqual(errorSummary(wrongOrg.body), ['#toUserId: Choose the worker to hand over to'], 'only workers of the organisation');
    assert.match(wrongOrg.body, /Getting back to the allotment/, 'what was written is kept');

    const sent = await handOver(navigator, e);
    assert.equal(sent.statusCode, 303, errorSummary(sent.body).join('; '));
    const handoverId = handoverIdFrom(sent.headers.location)!;
    assert.ok(handoverId);
    assert.equal((await episodeRow(e.episodeId)).worker_id, tom.id, 'the old worker stays responsible until it is acknowledged');

    const emails = await emailsFor(`handover:${handoverId}`);
    assert.deepEqual(emails.map((m) => [m.recipient, m.template]).sort(), [[grace.email, 'handover-to-acknowledge'], [tom.email, 'handover-sent']].sort());
    for (const m of emails) {
      assert.match(m.personalisation.body, new RegExp(`http://localhost:\\d+/handovers/${handoverId}`));
      assert.doesNotMatch(`${m.personalisation.subject} ${m.personalisation.body}`, new RegExp(`${e.givenName}|${e.familyName}|allotment|Tom|Grace`), 'no names or what was said');
    }

    // Grace sees it to acknowledge, on her caseload and on the handover.
    const graceCtx = await staffContextFor(t.db, demoEmail('navigator3'));
    const waiting = await handoversToAcknowledge(graceCtx);
    assert.deepEqual(waiting.map((h) => [h.id, h.personName, h.mine]), [[handoverId, `${e.givenName} ${e.familyName}`, true]]);
    const tomCtx = await staffContextFor(t.db, demoEmail('navigator'));
    assert.equal((await handoversToAcknowledge(tomCtx)).length, 0, 'not the sender’s to acknowledge');
    assert.ok((await handoversToAcknowledge(tomCtx, { team: true })).some((h) => h.id === handoverId && !h.mine), 'a team lead sees the team’s');
    await assert.rejects(handoversToAcknowledge(await staffContextFor(t.db, demoEmail('commissioner'))), (error: AppError) => error.status === 403);

    const grace3 = await as('navigator3');
    const page = await grace3.get(`/handovers/${handoverId}`);
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /Waiting to be acknowledged/);
    assert.match(text(page.body), /What matters to them Getting back to the allotment/);
    assert.match(page.body, /Acknowledge the handover/);

    // Only the named worker can acknowledge it.
    for (const role of ['navigator', 'admin']) {
      const other = await as(role);
      const csrf = /name="_csrf" value="([^"]+)"/.exec((await other.get(`/episodes/${e.episodeId}/budget/new`)).body)![1]!;
      const refused = await other.post(`/handovers/${handoverId}/acknowledge`, { _csrf: csrf, read: 'yes' });
      assert.equal(refused.statusCode, 403, role);
      assert.match(refused.body, /Only Grace Adeyemi, the worker it was sent to, can acknowledge this handover/);
    }
    const unread = await grace3.submit(`/handovers/${handoverId}`, {});
    assert.deepEqual(errorSummary(unread.body), ['#read: Confirm that you have read the handover and are taking over their support']);
    assert.equal((await episodeRow(e.episodeId)).worker_id, tom.id);

    const acknowledged = await grace3.submit(`/handovers/${handoverId}`, { read: 'yes' });
    assert.equal(acknowledged.statusCode, 303);
    assert.equal(acknowledged.headers.location, `/handovers/${handoverId}?done=acknowledged`);
    assert.equal((await episodeRow(e.episodeId)).worker_id, grace.id, 'now the episode is hers');
    assert.equal((await handoversToAcknowledge(graceCtx)).length, 0);
    assert.deepEqual((await emailsFor(`handover:${handoverId}:acknowledged`)).map((m) => m.recipient), [tom.email]);
    const again = await grace3.get(`/handovers/${handoverId}`);
    assert.match(text(again.body), /Acknowledged .* Responsible now Grace Adeyemi/);

    const rows = await auditRows(t.db, { recordId: handoverId });
    assert.deepEqual(rows.filter((r) => r.outcome === 'success' && r.action !== 'handover.read').map((r) => [r.action, r.basis]), [
      ['handover.send', 'responsible worker'],
      ['handover.acknowledge', 'episode organisation'],
    ]);
    assert.ok(rows.some((r) => r.action === 'handover.acknowledge' && r.outcome === 'failure' && r.actor_role === 'admin'));
  });

  test('one handover waits at a time; the sender can cancel it, and then hand over again', async () => {
    const e = await episode();
    const navigator = await as('navigator');
    const grace = await staffMember(t.db, demoEmail('navigator3'));
    const first = handoverIdFrom((await handOver(navigator, e)).headers.location)!;
    const page = await navigator.get(`/episodes/${e.episodeId}/handover`);
    assert.match(text(page.body), /A handover to Grace Adeyemi was sent on .* waiting to be acknowledged/);
    assert.doesNotMatch(page.body, /Send the handover/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await navigator.get(`/episodes/${e.episodeId}/budget/new`)).body)![1]!;
    const second = await navigator.post(`/episodes/${e.episodeId}/handover`, { _csrf: csrf, toUserId: grace.id, ...SUMMARY, version: '1' });
    assert.equal(second.statusCode, 409);
    assert.match(second.body, /A handover is already waiting to be acknowledged/);

    // The named worker cannot cancel it; the sender can.
    const grace3 = await as('navigator3');
    const graceCsrf = /name="_csrf" value="([^"]+)"/.exec((await grace3.get(`/handovers/${first}`)).body)![1]!;
    const refused = await grace3.post(`/handovers/${first}/cancel`, { _csrf: graceCsrf });
    assert.equal(refused.statusCode, 403);
    assert.match(refused.body, /Only Tom Okafor, who sent this handover, can cancel it/);
    const cancelled = await navigator.submit(`/handovers/${first}`, {}, `/handovers/${first}/cancel`);
    assert.equal(cancelled.statusCode, 303);
    assert.equal(cancelled.headers.location, `/episodes/${e.episodeId}/handover?done=cancelled`);
    const state = await t.db.query<{ state: string; cancel_reason: string }>('SELECT state, cancel_reason FROM handovers WHERE id = $1', [first]);
    assert.deepEqual(state.rows[0], { state: 'cancelled', cancel_reason: 'sender' });
    assert.deepEqual((await emailsFor(`handover:${first}:cancelled`)).map((m) => [m.recipient, m.template]), [[grace.email, 'handover-cancelled']]);
    const late = await grace3.post(`/handovers/${first}/acknowledge`, { _csrf: graceCsrf, read: 'yes' });
    assert.equal(late.statusCode, 409);
    assert.match(late.body, /This handover was cancelled by the worker who sent it/);

    const again = await handOver(navigator, e);
    assert.equal(again.statusCode, 303);
    assert.deepEqual((await auditRows(t.db, { recordId: first, action: 'handover.cancel' })).map((r) => r.outcome), ['failure', 'success']);
  });

  test('two handovers sent at once: one is kept, the other refused', async () => {
    const e = await episode();
    const ctx = await staffContextFor(t.db, demoEmail('navigator'));
    const grace = await staffMember(t.db, demoEmail('navigator3'));
    const form = { toUserId: grace.id, ...SUMMARY, version: '1' };
    const results = await Promise.allSettled([
      sendHandover(ctx, e.episodeId, form, { baseUrl: 'http://lantern.test' }),
      sendHandover({ ...ctx, requestId: 'second' }, e.episodeId, form, { baseUrl: 'http://lantern.test' }),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((rejected.reason as AppError).status, 409);
    const count = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM handovers WHERE episode_id = $1`, [e.episodeId]);
    assert.equal(Number(count.rows[0]!.n), 1);
  });

  test('a worker hands over only their own people; team leads and administrators any of the organisation’s; a stale form is refused', async () => {
    const ofGrace = await episode('navigator3');
    const navigator3Page = await (await as('navigator')).get(`/episodes/${ofGrace.episodeId}/handover`);
    assert.match(navigator3Page.body, /Send the handover/, 'a team lead can hand over a colleague’s person');
    const ofTom = await episode('navigator');
    const grace3 = await as('navigator3');
    const refusedPage = await grace3.get(`/episodes/${ofTom.episodeId}/handover`);
    assert.equal(refusedPage.statusCode, 200);
    assert.match(text(refusedPage.body), /Only their worker, Tom Okafor, or a team lead can hand them over/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await grace3.get(`/episodes/${ofTom.episodeId}/budget/new`)).body)![1]!;
    const tom = await staffMember(t.db, demoEmail('navigator'));
    const posted = await grace3.post(`/episodes/${ofTom.episodeId}/handover`, { _csrf: csrf, toUserId: tom.id, ...SUMMARY, version: '1' });
    assert.equal(posted.statusCode, 403);

    const admin = await as('admin');
    const byAdmin = await handOver(admin, ofTom);
    assert.equal(byAdmin.statusCode, 303, 'an administrator can hand over');

    const stale = await episode('navigator');
    const form = await (await as('navigator')).get(`/episodes/${stale.episodeId}/handover`);
    const staleCsrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    await t.db.query('UPDATE episodes SET version = version + 1 WHERE id = $1', [stale.episodeId]);
    const grace = await staffMember(t.db, demoEmail('navigator3'));
    const refused = await (await as('navigator')).post(`/episodes/${stale.episodeId}/handover`, { _csrf: staleCsrf, toUserId: grace.id, ...SUMMARY, version: '1' });
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Their support changed while you were writing/);
    assert.match(refused.body, /name="version" value="2"/);
    assert.match(refused.body, /Getting back to the allotment/);
  });
});

describe('discharge', () => {
  test('the reason, closing summary and date are checked: not in the future, not before support started', async () => {
    const e = await episode('navigator', 30);
    const navigator = await as('navigator');
    const none = await navigator.submit(`/episodes/${e.episodeId}/discharge`, {});
    assert.deepEqual(errorSummary(none.body), [
      '#reason: Choose why their support is ending',
      '#closingSummary: Enter a closing summary: what changed for them, and what they can do if they need support again',
      '#dischargeDate-day: Enter the date their support ended',
    ]);
    const other = await discharge(navigator, e, today(), { reason: 'other', reasonOther: '' });
    assert.deepEqual(errorSummary(other.body), ['#reasonOther: Enter the reason their support is ending']);
    const future = await discharge(navigator, e, addDays(today(), 1));
    assert.deepEqual(errorSummary(future.body), ['#dischargeDate-day: The date their support ended must be today or in the past']);
    const early = await discharge(navigator, e, addDays(today(), -31));
    assert.match(errorSummary(early.body)[0]!, /^#dischargeDate-day: The date their support ended must be on or after .+, when it started$/);
    const unreal = await discharge(navigator, e, today(), { 'dischargeDate[day]': '31', 'dischargeDate[month]': '2' });
    assert.deepEqual(errorSummary(unreal.body), ['#dischargeDate-day: The date their support ended must be a real date']);
    assert.equal((await episodeRow(e.episodeId)).state, 'open');
    assert.ok((await auditRows(t.db, { recordId: e.episodeId, action: 'episode.discharge' })).every((r) => r.outcome === 'failure'));
  });

  test('what is still open is shown first; discharge ends the grant, keeps the responsible organisation, cancels the handover and closes the budget', async () => {
    const e = await episode();
    const navigator = await as('navigator');
    const tom = await staffMember(t.db, demoEmail('navigator'));
    assert.equal((await navigator.submit(`/episodes/${e.episodeId}/budget/new`, {
      amount: '300', ...dateFields('startsOn', addDays(today(), -10)), ...dateFields('endsOn', addDays(today(), 100)),
    })).statusCode, 303);
    const handoverId = handoverIdFrom((await handOver(navigator, e)).headers.location)!;

    const page = text((await navigator.get(`/episodes/${e.episodeId}/discharge`)).body);
    assert.match(page, /Before you discharge These are still open: A handover is waiting to be acknowledged Sent to Grace Adeyemi/);
    assert.match(page, /It will be cancelled, and Grace Adeyemi told/);
    assert.match(page, /Their personal budget is open £300.00 of £300.00 not spent/);

    const done = await discharge(navigator, e, addDays(today(), -2), { reason: 'other', reasonOther: 'Started full-time work and has what they need' });
    assert.equal(done.statusCode, 303, errorSummary(done.body).join('; '));
    assert.equal(done.headers.location, `/episodes/${e.episodeId}/discharge?done=discharged`);
    const row = await episodeRow(e.episodeId);
    assert.deepEqual([row.state, row.discharge_date, row.discharge_reason], ['discharged', addDays(today(), -2), 'other']);

    const grant = await t.db.query<{ ended_at: Date | null; basis: string }>('SELECT ended_at, basis FROM person_access WHERE source_id = $1', [e.episodeId]);
    assert.equal(grant.rows[0]!.basis, 'support episode');
    assert.ok(grant.rows[0]!.ended_at, 'the support episode’s grant ends at discharge');
    const person = await t.db.query<{ responsible_organisation_id: string }>('SELECT responsible_organisation_id FROM people WHERE id = $1', [e.personId]);
    assert.equal(person.rows[0]!.responsible_organisation_id, tom.organisationId, 'the organisation stays responsible, so it can welcome them back');
    assert.equal((await navigator.get(`/people/${e.personId}`)).statusCode, 200, 'and its staff still reach the person');

    const handover = await t.db.query<{ state: string; cancel_reason: string }>('SELECT state, cancel_reason FROM handovers WHERE id = $1', [handoverId]);
    assert.deepEqual(handover.rows[0], { state: 'cancelled', cancel_reason: 'discharged' });
    assert.equal((await emailsFor(`handover:${handoverId}:cancelled`))[0]!.template, 'handover-cancelled');
    const budget = await t.db.query<{ state: string }>('SELECT state FROM personal_budgets WHERE episode_id = $1', [e.episodeId]);
    assert.equal(budget.rows[0]!.state, 'closed');

    const record = text((await navigator.get(`/episodes/${e.episodeId}/discharge?done=discharged`)).body);
    assert.match(record, /Support ended\. They have been discharged\./);
    assert.match(record, /Why it ended Started full-time work and has what they need/);
    assert.match(record, new RegExp(`Until ${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${comeBackUntil(addDays(today(), -2), 12)}T12:00:00Z`))}, they can come back by the fast route`));

    const again = await navigator.post(`/episodes/${e.episodeId}/discharge`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec((await navigator.get(`/people/${e.personId}/contact-details`)).body)![1]!, reason: 'goals_met', closingSummary: 'x', ...dateFields('dischargeDate', today()), version: '99',
    });
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /Their support already ended on/);
    assert.equal((await navigator.get(`/episodes/${e.episodeId}/budget/items/new`)).statusCode, 409, 'the budget of an ended episode cannot be changed');

    const audit = (await auditRows(t.db, { recordId: e.episodeId, action: 'episode.discharge' })).at(-1)!;
    assert.equal(audit.outcome, 'failure');
    const success = (await auditRows(t.db, { recordId: e.episodeId, action: 'episode.discharge' })).find((r) => r.outcome === 'success')!;
    assert.equal(success.basis, 'responsible worker');
    assert.equal(success.detail!.grantEnded, true);
    assert.equal(success.detail!.handoverCancelled, handoverId);
  });
});

describe('coming back', () => {
  async function discharged(daysAgo = 10, reason = 'goals_met'): Promise<TestEpisode> {
    const e = await episode('navigator', 1200);
    const done = await discharge(await as('navigator'), e, addDays(today(), -daysAgo), { reason });
    assert.equal(done.statusCode, 303, errorSummary(done.body).join('; '));
    return e;
  }

  async function bringBack(client: TestClient, e: TestEpisode, fields: Record<string, string> = {}) {
    return client.submit(`/people/${e.personId}/come-back`, { channel: 'phone', source: 'self', reason: 'Lost my job and feeling low again.', ...fields });
  }

  async function referralsOf(personId: string) {
    const { rows } = await t.db.query<{ id: string; state: string; fast_track: boolean; source: string; channel: string; episode_id: string | null; routed_organisation_id: string | null; responsible_user_id: string | null }>(
      'SELECT id, state, fast_track, source, channel, episode_id, routed_organisation_id, responsible_user_id FROM referrals WHERE person_id = $1 ORDER BY received_at', [personId],
    );
    return rows;
  }

  test('a fast-track referral counted by its source, signed up at once, and one new episode linked to the last, with their last worker', async () => {
    const e = await discharged();
    const tom = await staffMember(t.db, demoEmail('navigator'));
    const grace3 = await as('navigator3');
    const page = await grace3.get(`/people/${e.personId}/come-back`);
    assert.equal(page.statusCode, 200);
    assert.match(text(page.body), /Until .* they can come back by the fast route/);
    assert.match(page.body, new RegExp(`value="${tom.id}"[^>]*checked`), 'their last worker is chosen');

    const empty = await grace3.submit(`/people/${e.personId}/come-back`, {});
    assert.deepEqual(errorSummary(empty.body), [
      '#channel: Choose how they got back in touch',
      '#source: Choose who asked for them to come back',
      '#reason: Enter what has changed and what they would like help with now',
      '#workerId: Choose their worker',
    ]);

    const countBefore = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM referrals WHERE tenant_id = 'kent' AND source = 'gp' AND fast_track`);
    const form = await grace3.get(`/people/${e.personId}/come-back`);
    const hidden = Object.fromEntries([...form.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    const answers = { ...hidden, channel: 'email', source: 'gp', reason: 'Their GP asked us to pick up again.', workerId: tom.id };
    const back = await grace3.post(`/people/${e.personId}/come-back`, answers);
    assert.equal(back.statusCode, 303, errorSummary(back.body).join('; '));
    assert.equal(back.headers.location, `/people/${e.personId}/come-back?done=1`);

    const referrals = await referralsOf(e.personId);
    assert.equal(referrals.length, 1);
    const [referral] = referrals;
    assert.deepEqual([referral!.state, referral!.fast_track, referral!.source, referral!.channel], ['signed_up', true, 'gp', 'email']);
    assert.equal(referral!.routed_organisation_id, tom.organisationId);
    assert.equal(referral!.responsible_user_id, tom.id);
    const countAfter = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM referrals WHERE tenant_id = 'kent' AND source = 'gp' AND fast_track`);
    assert.equal(Number(countAfter.rows[0]!.n), Number(countBefore.rows[0]!.n) + 1, 'counted among the referrals by source');
    const events = await t.db.query<{ kind: string; to_state: string }>('SELECT kind, to_state FROM referral_events WHERE referral_id = $1 ORDER BY id', [referral!.id]);
    assert.deepEqual(events.rows.map((r) => [r.kind, r.to_state]), [['received', 'received'], ['sign_up', 'signed_up']], 'never in the triage queue for longer than the transaction');

    const open = await t.db.query<{ id: string }>(`SELECT id FROM episodes WHERE person_id = $1 AND state = 'open'`, [e.personId]);
    assert.equal(open.rows.length, 1);
    const fresh = await episodeRow(open.rows[0]!.id);
    assert.equal(fresh.previous_episode_id, e.episodeId);
    assert.equal(fresh.referral_id, referral!.id);
    assert.equal(fresh.worker_id, tom.id);
    assert.equal(referral!.episode_id, open.rows[0]!.id);
    const grant = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM person_access WHERE source_id = $1 AND ended_at IS NULL`, [open.rows[0]!.id]);
    assert.equal(Number(grant.rows[0]!.n), 1, 'the new episode grants access again');
    assert.deepEqual((await emailsFor(`episode:${open.rows[0]!.id}:come-back`)).map((m) => m.recipient), [tom.email], 'the chosen worker is told');

    const done = text((await grace3.get(`/people/${e.personId}/come-back?done=1`)).body);
    assert.match(done, /Welcome back: support reopened/);

    // The same form sent again makes nothing new.
    const replay = await grace3.post(`/people/${e.personId}/come-back`, answers);
    assert.equal(replay.statusCode, 303);
    assert.equal((await referralsOf(e.personId)).length, 1);
    const episodes = await t.db.query<{ n: number }>('SELECT count(*) AS n FROM episodes WHERE person_id = $1', [e.personId]);
    assert.equal(Number(episodes.rows[0]!.n), 2);

    const audit = await auditRows(t.db, { personId: e.personId, action: 'episode.come_back' });
    assert.deepEqual(audit.map((r) => [r.outcome, r.basis]), [['failure', 'responsible organisation'], ['success', 'responsible organisation']]);
  });

  test('refused with support already open, leaving nothing behind', async () => {
    const e = await episode();
    const page = text((await (await as('navigator')).get(`/people/${e.personId}/come-back`)).body);
    assert.match(page, /They already have support open with .* Open their current support instead of bringing them back/);
    assert.doesNotMatch(page, /Bring them back</);
    const ctx = await staffContextFor(t.db, demoEmail('navigator'));
    const tom = await staffMember(t.db, demoEmail('navigator'));
    await assert.rejects(
      comeBack(ctx, e.personId, { channel: 'phone', source: 'self', reason: 'Again', workerId: tom.id, token: crypto.randomUUID() }, { baseUrl: 'http://lantern.test' }),
      (error: AppError) => error.status === 409 && /already have support open/.test(error.message),
    );
    assert.equal((await referralsOf(e.personId)).length, 0, 'the referral made on the way is rolled back');
    assert.equal((await auditRows(t.db, { personId: e.personId, action: 'episode.come_back' })).at(-1)!.outcome, 'failure');
  });

  test('the come-back period: open the day before it ends and on the day, closed the day after, in UK dates', async () => {
    const ctx = await staffContextFor(t.db, demoEmail('navigator'));
    const tom = await staffMember(t.db, demoEmail('navigator'));
    const form = () => ({ channel: 'phone', source: 'self', reason: 'Back again', workerId: tom.id, token: crypto.randomUUID() });
    const options = { baseUrl: 'http://lantern.test' };
    const dischargedOn = addDays(today(), -100);
    const until = comeBackUntil(dischargedOn, 12);

    const dayBefore = await discharged(100);
    const ok = await comeBack(ctx, dayBefore.personId, form(), { ...options, today: addDays(until, -1) });
    assert.equal(ok.replayed, false);
    const onTheDay = await discharged(100);
    assert.ok((await comeBack(ctx, onTheDay.personId, form(), { ...options, today: until })).episodeId);
    const dayAfter = await discharged(100);
    await assert.rejects(
      comeBack(ctx, dayAfter.personId, form(), { ...options, today: addDays(until, 1) }),
      (error: AppError) => error.status === 409 && /more than 12 months ago, so the fast route closed on .*Make a new referral through the single point of access/.test(error.message),
    );
    assert.equal((await referralsOf(dayAfter.personId)).length, 0);

    // And by the calendar today, through the pages: discharged so that the period ends tomorrow, or ended yesterday.
    const endingTomorrow = await discharged(daysAgoFor(addDays(today(), 1)));
    assert.equal((await bringBack(await as('navigator'), endingTomorrow, { workerId: tom.id })).statusCode, 303);
    const endedYesterday = await discharged(daysAgoFor(addDays(today(), -1)));
    const refused = await (await as('navigator')).get(`/people/${endedYesterday.personId}/come-back`);
    assert.match(text(refused.body), /so the fast route closed on .* Make a new referral through the single point of access/);
    assert.match(refused.body, /href="\/referrals\/new"/);
  });

  test('someone never discharged, or who died, cannot come back by the fast route', async () => {
    const { rows } = await t.db.query<{ id: string }>(
      `SELECT p.id FROM people p WHERE p.tenant_id = 'kent' AND NOT EXISTS (SELECT 1 FROM episodes e WHERE e.person_id = p.id) ORDER BY p.id LIMIT 1`,
    );
    const never = text((await (await as('admin')).get(`/people/${rows[0]!.id}/come-back`)).body);
    assert.match(never, /They have not had support from us that has ended, so they cannot come back by the fast route\. Make a new referral/);
    const died = await discharged(5, 'died');
    assert.match(text((await (await as('navigator')).get(`/people/${died.personId}/come-back`)).body), /Their last support ended because they died/);
  });

  test('the organisation that supported them and administrators bring people back; triage only reads; others are refused', async () => {
    const e = await discharged(20);
    const expected: [string, string, number][] = [
      ['navigator', 'kent', 200], ['navigator3', 'kent', 200], ['admin', 'kent', 200], ['triage', 'kent', 200],
      ['navigator2', 'kent', 404], ['provider', 'kent', 404], ['commissioner', 'kent', 403], ['referrer', 'kent', 403],
      ['navigator', 'kingston', 404],
    ];
    for (const [role, tenant, status] of expected) {
      const response = await (await as(role, tenant)).get(`/people/${e.personId}/come-back`);
      assert.equal(response.statusCode, status, `${role} (${tenant})`);
    }
    const triage = await as('triage');
    const triagePage = await triage.get(`/people/${e.personId}/come-back`);
    assert.match(text(triagePage.body), /The single point of access can see this but not use the fast route/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await triage.get(`/people/${e.personId}/contact-details`)).body)![1]!;
    const tom = await staffMember(t.db, demoEmail('navigator'));
    const posted = await triage.post(`/people/${e.personId}/come-back`, { _csrf: csrf, channel: 'phone', source: 'self', reason: 'x', workerId: tom.id, token: crypto.randomUUID() });
    assert.equal(posted.statusCode, 403);
    assert.equal((await referralsOf(e.personId)).length, 0);
    const admin = await as('admin');
    assert.equal((await bringBack(admin, e, { workerId: tom.id })).statusCode, 303);
    const reads = await auditRows(t.db, { personId: e.personId, action: 'come_back.read' });
    assert.ok(reads.some((r) => r.basis === 'single point of access') && reads.some((r) => r.basis === 'responsible organisation') && reads.some((r) => r.basis === 'tenant administrator'));
  });
});

describe('who may see handover and discharge pages', () => {
  test('the organisation’s staff and administrators; triage reads; other organisations and tenants 404; commissioners and referrers 403', async () => {
    const e = await episode();
    const handoverId = handoverIdFrom((await handOver(await as('navigator'), e)).headers.location)!;
    const pages = [`/episodes/${e.episodeId}/handover`, `/handovers/${handoverId}`, `/episodes/${e.episodeId}/discharge`];
    const expected: [string, string, number][] = [
      ['navigator', 'kent', 200], ['navigator3', 'kent', 200], ['admin', 'kent', 200], ['triage', 'kent', 200],
      ['navigator2', 'kent', 404], ['provider', 'kent', 404], ['commissioner', 'kent', 403], ['referrer', 'kent', 403],
      ['navigator', 'kingston', 404], ['admin', 'kingston', 404],
    ];
    for (const [role, tenant, status] of expected) {
      const client = await as(role, tenant);
      for (const page of pages) {
        const response = await client.get(page);
        assert.equal(response.statusCode, status, `${role} (${tenant}) ${page}`);
        if (status !== 200) assert.doesNotMatch(response.body, new RegExp(e.familyName));
      }
    }
    const triageDischarge = await (await as('triage')).get(`/episodes/${e.episodeId}/discharge`);
    assert.doesNotMatch(triageDischarge.body, /name="closingSummary"/, 'triage sees no form');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await (await as('triage')).get(`/people/${e.personId}/contact-details`)).body)![1]!;
    const posted = await (await as('triage')).post(`/episodes/${e.episodeId}/discharge`, { _csrf: csrf, reason: 'goals_met', closingSummary: 'x', ...dateFields('dischargeDate', today()), version: '1' });
    assert.equal(posted.statusCode, 403);
    assert.equal((await episodeRow(e.episodeId)).state, 'open');

    const rows = await auditRows(t.db, { recordId: e.episodeId });
    assert.ok(rows.some((r) => r.action === 'discharge.read' && r.outcome === 'success' && r.basis === 'single point of access'));
    assert.ok(rows.some((r) => r.action === 'discharge.read' && r.outcome === 'denied' && r.basis === 'no relationship'));
    assert.ok(rows.some((r) => r.action === 'episode.discharge' && r.outcome === 'denied' && r.actor_role === 'triage'));
    const handoverRows = await auditRows(t.db, { recordId: handoverId });
    assert.ok(handoverRows.some((r) => r.action === 'handover.read' && r.outcome === 'denied' && r.actor_role === 'commissioner'));
    assert.equal((await (await as('navigator')).get('/handovers/00000000-0000-4000-8000-000000000000')).statusCode, 404);
  });
});

/** Days before today to discharge someone so that their come-back period ends on `end` (12 months). */
function daysAgoFor(end: string): number {
  let candidate = addCalendarMonths(end, -12);
  // 29 February has no twin a year earlier: step back to a day whose period ends on `end`, or the nearest before.
  for (let i = 0; i < 4 && comeBackUntil(candidate, 12) !== end; i++) candidate = addDays(candidate, comeBackUntil(candidate, 12) < end ? 1 : -1);
  return Math.round((Date.parse(`${today()}T00:00:00Z`) - Date.parse(`${candidate}T00:00:00Z`)) / DAY);
}
