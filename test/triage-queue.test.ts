// The triage queue: crisis first, then urgent, then routine, each by deadline, for any referrals
// at all; deadlines and waits in words; counts that are right; filters; pages that neither skip nor
// repeat; a tenant's queue for its own single point of access only; and an audit of who was shown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { demoEmail, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { addQueuedReferral, emptyQueue, linkHref, queueReferences } from './support/triage-referrals.ts';
import { compareQueuePositions } from '../src/domain/triage-queue.ts';
import type { Urgency } from '../src/domain/working-days.ts';

let t: TestApp;
let triage: TestClient;
before(async () => {
  t = await startTestApp();
  triage = await t.signedIn(demoEmail('triage'));
});
after(() => t.close());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = () => Date.now();

/** Every page of the queue from the top, following "Later in the queue": the references in order. */
async function wholeQueue(client: TestClient, path = '/triage'): Promise<string[]> {
  const seen: string[] = [];
  for (let url: string | null = path, pages = 0; url && pages < 50; pages++) {
    const page = await client.get(url);
    assert.equal(page.statusCode, 200, url);
    seen.push(...queueReferences(page.body));
    url = linkHref(page.body, /href="([^"]+)" rel="next"/);
  }
  return seen;
}

describe('the order of the queue', () => {
  test('for any referrals, crisis come first, then urgent, then routine, each by deadline (ties by id)', async () => {
    const kingston = await t.signedIn(demoEmail('triage', 'kingston'));
    const entry = fc.record({
      urgency: fc.constantFrom<Urgency>('crisis', 'urgent', 'routine'),
      // whole hours either side of now, few enough that equal deadlines (ties) happen often
      dueInHours: fc.integer({ min: -12, max: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 40, size: 'medium' }), async (entries) => {
        await emptyQueue(t.db, 'kingston');
        const base = Math.floor(now() / HOUR) * HOUR;
        const added = [];
        for (const e of entries) {
          const dueAt = new Date(base + e.dueInHours * HOUR);
          const { id, reference } = await addQueuedReferral(t.db, 'kingston', { urgency: e.urgency, dueAt });
          added.push({ id, reference, urgency: e.urgency, due: `${dueAt.toISOString().slice(0, 23)}000Z` });
        }
        const expected = [...added].sort(compareQueuePositions).map((a) => a.reference);
        assert.deepEqual(await wholeQueue(kingston), expected);
      }),
      { numRuns: 12 },
    );
  });

  test('pages neither skip nor repeat a referral, forwards or back', async () => {
    await emptyQueue(t.db, 'kent');
    for (let i = 0; i < 60; i++) {
      await addQueuedReferral(t.db, 'kent', { urgency: i % 7 === 0 ? 'urgent' : 'routine', dueAt: new Date(now() + (i % 10) * HOUR) });
    }
    const first = await triage.get('/triage');
    const pageOne = queueReferences(first.body);
    assert.equal(pageOne.length, 25);
    const nextUrl = linkHref(first.body, /href="([^"]+)" rel="next"/)!;
    assert.equal(linkHref(first.body, /href="([^"]+)" rel="prev"/), null, 'nothing before the top of the queue');
    const second = await triage.get(nextUrl);
    const pageTwo = queueReferences(second.body);
    assert.equal(pageTwo.length, 25);
    assert.match(second.body, /Back to the top of the queue/);
    const back = await triage.get(linkHref(second.body, /href="([^"]+)" rel="prev"/)!);
    assert.deepEqual(queueReferences(back.body), pageOne, 'going back shows the page before exactly');
    const all = await wholeQueue(triage);
    assert.equal(all.length, 60);
    assert.equal(new Set(all).size, 60);
    assert.deepEqual(all.slice(0, 50), [...pageOne, ...pageTwo]);
  });

  test('a bookmark typed by hand or from elsewhere shows the top of the queue, not an error', async () => {
    const page = await triage.get('/triage?after=not-a-bookmark&before=1_2026-13-01T00:00:00.000000Z_x');
    assert.equal(page.statusCode, 200);
    assert.equal(queueReferences(page.body).length, 25);
  });
});

describe('what each row says', () => {
  test('an overdue deadline is in words, in a red tag; one due soon in an amber tag; the wait since the original date', async () => {
    await emptyQueue(t.db, 'kent');
    const overdue = await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() - 2 * DAY - HOUR), receivedAt: new Date(now() - 9 * DAY - HOUR) });
    const soon = await addQueuedReferral(t.db, 'kent', { urgency: 'urgent', dueAt: new Date(now() + 2 * HOUR + 30 * 60_000) });
    const later = await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() + 4 * DAY + HOUR) });
    const html = (await triage.get('/triage')).body;
    const row = (reference: string) => new RegExp(`data-reference="${reference}">([\\s\\S]*?)</tr>`).exec(html)![1]!;
    assert.match(row(overdue.reference), /<strong class="nhsuk-tag nhsuk-tag--red">Overdue by 2 days<\/strong>/);
    assert.match(row(overdue.reference), /9 days/, 'waiting time from the original date');
    assert.match(row(soon.reference), /<strong class="nhsuk-tag nhsuk-tag--orange">Due in 2 hours<\/strong>/);
    assert.match(row(later.reference), /Due in 4 days/);
    assert.doesNotMatch(row(later.reference), /nhsuk-tag--(red|orange)">Due/);
  });

  test('flags: crisis, possibly outside eligibility, fast track; and "Check who this is" when the person is not yet known', async () => {
    await emptyQueue(t.db, 'kent');
    const flagged = await addQueuedReferral(t.db, 'kent', {
      urgency: 'crisis', dueAt: new Date(now() + HOUR), crisisFlag: true, eligible: false, fastTrack: true, matchStatus: 'needs_review',
      givenName: 'Morgan', familyName: 'Flagged', dateOfBirth: '2000-01-01', areaName: 'Dartford, Gravesham and Swanley with Swale',
    });
    const html = (await triage.get('/triage')).body;
    const row = new RegExp(`data-reference="${flagged.reference}">([\\s\\S]*?)</tr>`).exec(html)![1]!;
    for (const words of ['Said they are in danger', 'Possibly outside eligibility', 'Fast track: coming back', 'Check who this is', 'Morgan Flagged', 'Crisis', 'DA1', 'Dartford, Gravesham and Swanley with Swale', 'Self-referral', 'Website form']) {
      assert.ok(row.includes(words), `row shows ${words}`);
    }
  });
});

describe('the counts at the top', () => {
  test('crisis now, overdue, due today and waiting in all are right', async () => {
    await emptyQueue(t.db, 'kent');
    const at = (ms: number) => new Date(now() + ms);
    await addQueuedReferral(t.db, 'kent', { urgency: 'crisis', dueAt: at(-30 * 60_000) }); // crisis, overdue
    await addQueuedReferral(t.db, 'kent', { urgency: 'crisis', dueAt: at(20 * 60_000) }); // crisis, due today (or just after midnight)
    await addQueuedReferral(t.db, 'kent', { urgency: 'urgent', dueAt: at(-3 * HOUR) }); // overdue
    await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: at(-5 * DAY) }); // overdue
    await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: at(3 * DAY) });
    await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: at(6 * DAY) });
    const html = (await triage.get('/triage')).body;
    const counts = Object.fromEntries([...html.matchAll(/lantern-count__number">([^<]+)<\/span>\s*<span class="lantern-count__label">([^<]+)</g)].map((m) => [m[2], m[1]]));
    // "Due today" is until midnight UK time: the crisis due in 20 minutes is today unless the test runs in the last 20 minutes of the day.
    const endOfDay = new Date(new Date().toLocaleString('en-US', { timeZone: 'Europe/London' }));
    const minutesLeft = 24 * 60 - (endOfDay.getHours() * 60 + endOfDay.getMinutes());
    assert.deepEqual(counts, { 'crisis: see now': '2', overdue: '3', 'due today': minutesLeft > 21 ? '1' : '0', 'waiting in all': '6' });
  });

  test('counting stops at 1,000: "More than 1,000", not a count of everything', async () => {
    await emptyQueue(t.db, 'kent');
    await t.db.query(
      `INSERT INTO referrals (tenant_id, reference, source, channel, given_name, family_name, urgency, due_at)
       SELECT 'kent', 'BULK' || lpad(g::text, 4, '0'), 'self', 'web', 'Bulk', 'Person', 'routine', now() + interval '3 days'
         FROM generate_series(1, 1001) AS g`,
    );
    const html = (await triage.get('/triage')).body;
    assert.match(html, /More than 1,000<\/span>\s*<span class="lantern-count__label">waiting in all/);
    assert.equal(queueReferences(html).length, 25);
    await emptyQueue(t.db, 'kent');
  });
});

describe('filters', () => {
  test('urgency, area, overdue only and needs a match check each narrow the queue, and say how many match', async () => {
    await emptyQueue(t.db, 'kent');
    const dgss = 'Dartford, Gravesham and Swanley with Swale';
    const crisis = await addQueuedReferral(t.db, 'kent', { urgency: 'crisis', dueAt: new Date(now() + HOUR), areaName: dgss });
    const overdue = await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() - DAY) });
    const unmatched = await addQueuedReferral(t.db, 'kent', { urgency: 'urgent', dueAt: new Date(now() + 5 * HOUR), matchStatus: 'needs_review', areaName: dgss });
    const plain = await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() + 3 * DAY) });
    const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM areas WHERE tenant_id = 'kent' AND name = $1`, [dgss]);

    assert.deepEqual(queueReferences((await triage.get('/triage?urgency=crisis')).body), [crisis.reference]);
    assert.deepEqual(queueReferences((await triage.get(`/triage?area=${rows[0]!.id}`)).body), [crisis.reference, unmatched.reference]);
    assert.deepEqual(queueReferences((await triage.get('/triage?overdue=yes')).body), [overdue.reference]);
    const matchPage = (await triage.get('/triage?match=yes')).body;
    assert.deepEqual(queueReferences(matchPage), [unmatched.reference]);
    assert.match(matchPage, /1 referral matches these filters/);
    assert.deepEqual(queueReferences((await triage.get('/triage?urgency=routine&overdue=yes')).body), [overdue.reference]);
    assert.deepEqual(queueReferences((await triage.get('/triage')).body), [crisis.reference, unmatched.reference, overdue.reference, plain.reference]);
    const none = (await triage.get('/triage?urgency=crisis&overdue=yes')).body;
    assert.match(none, /No referrals waiting for triage match these filters/);
  });

  test('the filters travel with the pages', async () => {
    await emptyQueue(t.db, 'kent');
    for (let i = 0; i < 30; i++) await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() - (i + 1) * HOUR) });
    await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() + DAY) });
    const all = await wholeQueue(triage, '/triage?overdue=yes&urgency=routine');
    assert.equal(all.length, 30);
  });
});

describe('who may see the queue', () => {
  test('a triage worker sees only their own tenant’s queue', async () => {
    await emptyQueue(t.db, 'kent');
    await emptyQueue(t.db, 'kingston');
    const kent = await addQueuedReferral(t.db, 'kent', { urgency: 'routine', dueAt: new Date(now() + DAY) });
    const kingston = await addQueuedReferral(t.db, 'kingston', { urgency: 'crisis', dueAt: new Date(now() + HOUR) });
    assert.deepEqual(queueReferences((await triage.get('/triage')).body), [kent.reference]);
    const kingstonTriage = await t.signedIn(demoEmail('triage', 'kingston'));
    assert.deepEqual(queueReferences((await kingstonTriage.get('/triage')).body), [kingston.reference]);
    const admin = await t.signedIn(demoEmail('admin'));
    assert.deepEqual(queueReferences((await admin.get('/triage')).body), [kent.reference]);
  });

  test('navigators, providers, referrers and commissioners cannot open it, and are told why', async () => {
    const expected: Record<string, RegExp> = {
      navigator: /triage queue is for the single point of access/,
      navigator2: /triage queue is for the single point of access/,
      provider: /triage queue is for the single point of access/,
      referrer: /Referrers see the progress of the referrals they made/,
      commissioner: /Commissioners see reports, not records about named people/,
    };
    for (const [login, message] of Object.entries(expected)) {
      const client = await t.signedIn(demoEmail(login));
      const page = await client.get('/triage');
      assert.equal(page.statusCode, 403, login);
      assert.match(page.body, message, login);
    }
    const signedOut = await t.client().get('/triage');
    assert.equal(signedOut.statusCode, 303);
    assert.match(String(signedOut.headers.location), /^\/sign-in/);
  });

  test('each look at the queue is audited with the referrals and people shown', async () => {
    await emptyQueue(t.db, 'kent');
    const shown = await addQueuedReferral(t.db, 'kent', { urgency: 'urgent', dueAt: new Date(now() + HOUR) });
    await triage.get('/triage?urgency=urgent');
    const { rows } = await t.db.query<{ detail: { referralIds: string[]; personIds: string[]; filters: { urgency: string } }; actor_role: string; outcome: string }>(
      `SELECT detail, actor_role, outcome FROM audit_events WHERE action = 'referral.list' AND tenant_id = 'kent' ORDER BY id DESC LIMIT 1`,
    );
    assert.equal(rows[0]!.actor_role, 'triage');
    assert.equal(rows[0]!.outcome, 'success');
    assert.deepEqual(rows[0]!.detail.referralIds, [shown.id]);
    assert.equal(rows[0]!.detail.personIds.length, 1);
    assert.equal(rows[0]!.detail.filters.urgency, 'urgent');
  });
});
