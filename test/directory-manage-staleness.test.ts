// Listings nobody has confirmed: a reminder to the provider at 6 months (once), an alert to the
// tenant's administrators at 12 months (once), and the one-click confirmation link in the
// reminder, which works without signing in, once, for that listing only.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListingInput } from '../src/features/directory/listing.ts';
import { getListing, saveListing } from '../src/features/directory/store.ts';
import { emptyListing } from '../src/features/directory/manage/edit.ts';
import { directoryManageJobs, DIRECTORY_SWEEP, scheduleDirectorySweeps, sweepTenant } from '../src/features/directory/manage/sweep.ts';
import { confirmToken } from '../src/features/directory/manage/tokens.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import { isDueForConfirmation, isOutOfDate } from '../src/domain/listing-freshness.ts';
import { demoEmail, startTestApp, type TestApp } from './support/app.ts';

let t: TestApp;
let shed: { id: string; name: string };
let sport: { id: string; name: string };
const MONTH = 31 * 24 * 60 * 60 * 1000;
const ago = (months: number) => new Date(Date.now() - months * MONTH);

function listing(id: string, org: { id: string; name: string } | null, lastConfirmedAt: Date, overrides: Partial<ListingInput> = {}): ListingInput {
  return {
    ...emptyListing('kent', id, org), name: `Listing ${id}`, summary: 'A group that meets weekly.', published: true,
    channels: ['in_person'], lastConfirmedAt, ...overrides,
  };
}

async function save(input: ListingInput): Promise<void> {
  await t.db.transaction((tx) => saveListing(tx, input));
}

async function sweep(now = new Date()) {
  return t.db.transaction((tx) => sweepTenant(tx, t.config, 'kent', now));
}

type Sent = { recipient: string; template: string; personalisation: Record<string, string>; reference: string | null };
async function notifications(template: string): Promise<Sent[]> {
  const { rows } = await t.db.query<Sent>(
    "SELECT recipient, template, personalisation, reference FROM notifications WHERE tenant_id = 'kent' AND template = $1 ORDER BY id",
    [template],
  );
  return rows;
}

async function flags(id: string) {
  const { rows } = await t.db.query<{ confirm_reminder_sent_at: Date | null; stale_alert_sent_at: Date | null; last_confirmed_at: Date }>(
    "SELECT confirm_reminder_sent_at, stale_alert_sent_at, last_confirmed_at FROM directory_services WHERE tenant_id = 'kent' AND id = $1",
    [id],
  );
  return rows[0]!;
}

before(async () => {
  t = await startTestApp({ people: 0 });
  const org = async (name: string) =>
    (await t.db.query<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE tenant_id = 'kent' AND name LIKE $1", [`${name}%`])).rows[0]!;
  shed = await org("Dartford Men's Shed");
  sport = await org('Kent Sport');
  // Only the listings of this file count: the demo listings (if any) are confirmed now.
  await t.db.query('UPDATE directory_services SET last_confirmed_at = now()');
});
after(() => t.close());
beforeEach(async () => {
  await t.db.query('DELETE FROM notifications');
  await t.db.query("DELETE FROM directory_services WHERE id LIKE 'stale-%'");
});

describe('the staleness sweep', () => {
  test('at 6 months the organisation’s provider staff are reminded, once', async () => {
    await save(listing('stale-7m', shed, ago(7)));
    await save(listing('stale-5m', shed, ago(5)));
    await save(listing('stale-draft', shed, ago(7), { published: false }));

    const first = await sweep();
    assert.equal(first.reminded, 1);
    const sent = await notifications('listing-confirm-reminder');
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.recipient, demoEmail('provider'));
    assert.equal(sent[0]!.reference, 'directory_service:stale-7m');
    assert.equal(sent[0]!.personalisation.subject, 'Is Listing stale-7m still right?');
    assert.match(sent[0]!.personalisation.body!, /confirm it with one click: http:\/\/localhost:\d+\/manage\/listings\/stale-7m\/confirm\?token=kent\./);
    assert.ok((await flags('stale-7m')).confirm_reminder_sent_at);
    assert.equal((await flags('stale-5m')).confirm_reminder_sent_at, null);

    const second = await sweep();
    assert.equal(second.reminded, 0, 'sent once');
    assert.equal((await notifications('listing-confirm-reminder')).length, 1);
  });

  test('a listing with no provider staff to ask gets no reminder, and is not marked as reminded', async () => {
    await save(listing('stale-sport', sport, ago(7)));
    assert.equal((await sweep()).reminded, 0);
    assert.equal((await flags('stale-sport')).confirm_reminder_sent_at, null);
  });

  test('at 12 months the tenant’s administrators are alerted, once', async () => {
    await save(listing('stale-13m', shed, ago(13)));
    await save(listing('stale-14m', sport, ago(14)));
    await save(listing('stale-kingston', null, ago(14), { tenantId: 'kingston' }));
    const first = await sweep();
    assert.equal(first.alerted, 2);
    const alerts = await notifications('listing-stale-alert');
    assert.deepEqual(alerts.map((a) => a.recipient), [demoEmail('admin')], 'one email to each Kent administrator');
    assert.equal(alerts[0]!.personalisation.subject, '2 directory listings have not been checked for 12 months');
    assert.match(alerts[0]!.personalisation.body!, /Listing stale-14m \(Kent Sport \(demo\)\)/);
    assert.doesNotMatch(alerts[0]!.personalisation.body!, /stale-kingston/);
    assert.ok((await flags('stale-13m')).stale_alert_sent_at);
    // the 13-month listing was never reminded, so it is reminded too
    assert.equal((await notifications('listing-confirm-reminder')).length, 1);

    const second = await sweep();
    assert.equal(second.alerted, 0);
    assert.equal((await notifications('listing-stale-alert')).length, 1);
  });

  test('confirming starts the clock again: the next period gets its own reminder', async () => {
    await save(listing('stale-again', shed, ago(7)));
    await sweep();
    assert.equal((await notifications('listing-confirm-reminder')).length, 1);
    const client = await t.signedIn(demoEmail('provider'));
    await client.submit('/manage/listings/stale-again', {});
    const confirmed = await flags('stale-again');
    assert.equal(confirmed.confirm_reminder_sent_at, null);
    assert.equal((await sweep()).reminded, 0);
    // seven months on
    assert.equal((await sweep(new Date(Date.now() + 7 * MONTH))).reminded, 1);
    assert.equal((await notifications('listing-confirm-reminder')).length, 2);
  });

  test('the sweep and the public page agree on the day, month ends included', async () => {
    const confirmed = new Date('2025-08-31T09:00:00Z'); // 10:00 on 31 August, UK time
    await save(listing('stale-edge', shed, confirmed));
    const justBefore = new Date('2026-02-28T09:59:00Z'); // 09:59 on 28 February (GMT)
    const on = new Date('2026-02-28T10:00:00Z');
    assert.equal(isDueForConfirmation(confirmed, justBefore), false);
    assert.equal((await sweep(justBefore)).reminded, 0);
    assert.equal(isDueForConfirmation(confirmed, on), true);
    assert.equal((await sweep(on)).reminded, 1);
    const yearOn = new Date('2026-08-31T09:00:00Z');
    assert.equal(isOutOfDate(confirmed, new Date(yearOn.getTime() - 60_000)), false);
    assert.equal((await sweep(new Date(yearOn.getTime() - 60_000))).alerted, 0);
    assert.equal(isOutOfDate(confirmed, yearOn), true);
    assert.equal((await sweep(yearOn)).alerted, 1);
  });

  test('it runs as a daily job per tenant, scheduled once a day however often it is asked', async () => {
    await save(listing('stale-job', shed, ago(7)));
    await t.db.query("DELETE FROM jobs WHERE kind = $1", [DIRECTORY_SWEEP]);
    const now = new Date();
    await scheduleDirectorySweeps(t.db, now);
    await scheduleDirectorySweeps(t.db, now);
    const { rows } = await t.db.query<{ tenant_id: string; unique_key: string; run_at: Date }>(
      'SELECT tenant_id, unique_key, run_at FROM jobs WHERE kind = $1 ORDER BY tenant_id', [DIRECTORY_SWEEP],
    );
    assert.deepEqual(rows.map((r) => r.tenant_id), ['kent', 'kingston']);
    assert.match(rows[0]!.unique_key, /^directory-sweep:kent:\d{4}-\d{2}-\d{2}$/);
    // due at 7am UK time, or now if that has passed
    const ran = await runDueJobs(t.db, directoryManageJobs(t.config), { now: new Date(Date.now() + 24 * 60 * 60 * 1000) });
    assert.equal(ran.done, 2);
    assert.equal((await notifications('listing-confirm-reminder')).length, 1);
    assert.equal((await runDueJobs(t.db, directoryManageJobs(t.config), { now: new Date(Date.now() + 24 * 60 * 60 * 1000) })).claimed, 0);
  });
});

describe('the confirmation link in the reminder', () => {
  async function reminderLink(id: string): Promise<string> {
    await save(listing(id, shed, ago(7)));
    await sweep();
    const sent = (await notifications('listing-confirm-reminder')).find((n) => n.reference === `directory_service:${id}`)!;
    return new URL(sent.personalisation.confirm_url!).pathname + new URL(sent.personalisation.confirm_url!).search;
  }

  test('works without signing in, once', async () => {
    const link = await reminderLink('stale-link');
    const visitor = t.client();
    const page = await visitor.get(link);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Is Listing stale-link still right\?/);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    const before = await flags('stale-link');

    const response = await visitor.submit(link, {});
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /the listing is confirmed/);
    const after = await flags('stale-link');
    assert.ok(after.last_confirmed_at.getTime() > before.last_confirmed_at.getTime());
    assert.equal(after.confirm_reminder_sent_at, null);
    const { rows } = await t.db.query<{ actor_user_id: string | null; tenant_id: string; basis: string }>(
      "SELECT actor_user_id, tenant_id, basis FROM audit_events WHERE action = 'listing_confirmed' ORDER BY id DESC LIMIT 1",
    );
    assert.deepEqual(rows[0], { actor_user_id: null, tenant_id: 'kent', basis: 'confirmation link from a reminder email' });

    // used: it no longer works
    const again = await visitor.get(link);
    assert.equal(again.statusCode, 404);
    assert.match(again.body, /This link no longer works/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await visitor.get('/sign-in')).body)![1]!;
    const token = new URL(`http://x${link}`).searchParams.get('token')!;
    const repost = await visitor.post(link.split('?')[0]!, { _csrf: csrf, token });
    assert.equal(repost.statusCode, 404);
  });

  test('confirms only the listing it was sent for', async () => {
    const link = await reminderLink('stale-link-a');
    await save(listing('stale-link-b', shed, ago(2)));
    const token = new URL(`http://x${link}`).searchParams.get('token')!;
    const visitor = t.client();
    assert.equal((await visitor.get(`/manage/listings/stale-link-b/confirm?token=${encodeURIComponent(token)}`)).statusCode, 404);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await visitor.get(link)).body)![1]!;
    const response = await visitor.post('/manage/listings/stale-link-b/confirm', { _csrf: csrf, token });
    assert.equal(response.statusCode, 404);
    assert.ok(Date.now() - (await flags('stale-link-b')).last_confirmed_at.getTime() > MONTH, 'not confirmed');
  });

  test('a tampered token, another tenant’s, or another secret’s does not work', async () => {
    const link = await reminderLink('stale-link-c');
    const token = new URL(`http://x${link}`).searchParams.get('token')!;
    const visitor = t.client();
    const { last_confirmed_at } = await flags('stale-link-c');
    const tries = [
      `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`,
      token.replace(/^kent\./, 'kingston.'),
      confirmToken('another secret that is at least 32 characters', 'kent', 'stale-link-c', last_confirmed_at),
      '',
      'nonsense',
    ];
    for (const bad of tries) {
      assert.equal((await visitor.get(`/manage/listings/stale-link-c/confirm?token=${encodeURIComponent(bad)}`)).statusCode, 404, bad);
    }
    assert.equal((await visitor.get(link)).statusCode, 200, 'the real one still works');
  });

  test('a CSRF token is needed to confirm', async () => {
    const link = await reminderLink('stale-link-d');
    const token = new URL(`http://x${link}`).searchParams.get('token')!;
    const response = await t.client().post('/manage/listings/stale-link-d/confirm', { token });
    assert.equal(response.statusCode, 403);
    assert.ok(Date.now() - (await flags('stale-link-d')).last_confirmed_at.getTime() > MONTH);
    assert.ok(await getListing(t.db, 'kent', 'stale-link-d'));
  });
});
