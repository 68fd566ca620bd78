// Finding support in the public directory: words forgiving of typos and plurals, place and
// distance, filters, crisis options first, the service page and "Get help now".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startTestApp, type TestApp } from './support/app.ts';
import { addTerms, at, listing, saveListings } from './support/listings.ts';
import { isOpenAt, WEEK_DAYS } from '../src/domain/opening-hours.ts';
import { readSearchInput, searchDirectory } from '../src/features/directory/search.ts';
import type { ListingHours } from '../src/features/directory/listing.ts';

// A tenant of its own, so demo listings never mix into what these tests expect.
const TENANT = 'testshire';
let t: TestApp;

const allWeek = (opens: string, closes: string): ListingHours[] =>
  WEEK_DAYS.map((day, i) => ({ id: `h${i}`, day, opens, closes, locationId: null, description: '' }));

before(async () => {
  t = await startTestApp({ people: 0, config: { publicTenant: TENANT } });
  await t.db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'Testshire')`, [TENANT]);
  await addTerms(t.db, [
    { id: 'test:talking', name: 'Talking therapies', synonyms: 'therapy therapist cbt' },
    { id: 'test:money', name: 'Debt and money', synonyms: 'bills benefits' },
  ]);
  const l = (o: Parameters<typeof listing>[0]) => listing(o, TENANT);
  await saveListings(t.db, [
    l({ id: 'counselling-canterbury', name: 'Canterbury Counselling Service', summary: 'Free counselling for adults', termIds: ['test:talking'],
      locations: [at('c1', 'CT1 2AB')], selfReferral: true, channels: ['in_person', 'phone'], minimumAge: 18,
      hours: [{ id: 'h1', day: 'MO', opens: '09:00', closes: '17:00', locationId: null, description: '' }] }),
    l({ id: 'debt-margate', name: 'Margate Debt Advice', summary: 'Help with debt and bills', termIds: ['test:money'],
      locations: [at('m1', 'CT9 1AA')], free: true, languages: ['English', 'Polish'], accessibility: ['step_free', 'hearing_loop'] }),
    l({ id: 'walking-dover', name: 'Dover Walking Group', summary: 'Gentle walks by the sea', fiveWays: ['be_active', 'connect'],
      locations: [at('d1', 'CT16 1AA')], free: true, selfReferral: true }),
    l({ id: 'paid-yoga-ashford', name: 'Ashford Yoga', summary: 'Yoga classes', free: false, costDescription: '£5 a class', locations: [at('a1', 'TN23 1AA')] }),
    l({ id: 'youth-online', name: 'Young Minds Online', summary: 'Online chat for young people', channels: ['online'], national: true,
      minimumAge: 11, maximumAge: 25 }),
    l({ id: 'crisis-cafe', name: 'Canterbury Safe Haven', summary: 'An evening crisis cafe', crisis: true, locations: [at('s1', 'CT2 7AA')],
      hours: allWeek('18:00', '02:00'), phone: '01632 960001' }),
    l({ id: 'crisis-line', name: 'Testshire Crisis Line', summary: 'A 24 hour helpline', crisis: true, hours: allWeek('00:00', '24:00'),
      phone: '0800 000 0000', channels: ['phone'] }),
    l({ id: 'hidden', name: 'Unpublished Counselling', summary: 'Waiting for moderation', published: false, locations: [at('x1', 'CT1 1AA')] }),
    l({ id: 'closed-for-good', name: 'Defunct Counselling', status: 'defunct', locations: [at('x2', 'CT1 1AA')] }),
    listing({ id: 'kent-only-counselling', name: 'Another Tenant Counselling', locations: [at('k1', 'CT1 1AA')] }, 'kent'),
  ]);
});
after(() => t.close());

const resultIds = (html: string) => [...html.matchAll(/<a class="nhsuk-card__link" href="\/services\/([^"?]+)/g)].map((m) => m[1]!);

describe('searching by words', () => {
  test('a misspelt word still finds the service, and says what else it looked for', async () => {
    const page = await t.client().get('/services?q=councelling');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(resultIds(page.body), ['counselling-canterbury']);
    assert.match(page.body, /We also looked for: [^.]*counselling/);
  });

  test('plurals and other forms of a word match', async () => {
    assert.deepEqual(resultIds((await t.client().get('/services?q=debts')).body), ['debt-margate']);
    assert.deepEqual(resultIds((await t.client().get('/services?q=walks')).body), ['walking-dover']);
  });

  test('words of the need a listing is tagged with find it', async () => {
    assert.deepEqual(resultIds((await t.client().get('/services?q=therapist')).body), ['counselling-canterbury']);
  });

  test('unpublished, defunct and other tenants\' listings are never shown', async () => {
    const page = await t.client().get('/services?q=counselling');
    assert.deepEqual(resultIds(page.body), ['counselling-canterbury']);
  });
});

describe('searching by place', () => {
  test('nearest first, with the approximate distance shown, and services without a place after', async () => {
    const page = await t.client().get('/services?place=CT1+1AA');
    const found = resultIds(page.body);
    assert.equal(found[0], 'counselling-canterbury');
    assert.equal(found[1], 'crisis-cafe');
    assert.ok(found.indexOf('youth-online') > found.indexOf('walking-dover'), 'places first, then services available anywhere');
    assert.match(page.body, /services found near CT1 1AA/);
    assert.match(page.body, /Less than half a mile away/);
    assert.match(page.body, /Distances are approximate/);
    assert.match(page.body, /Available wherever you live/);
  });

  test('a town name works too', async () => {
    const page = await t.client().get('/services?place=margate&within=3');
    assert.ok(resultIds(page.body).includes('debt-margate'));
    assert.ok(!resultIds(page.body).includes('counselling-canterbury'), 'Canterbury is more than 3 miles from Margate');
  });

  test('a place that cannot be found gets a clear message', async () => {
    const page = await t.client().get('/services?place=Atlantis');
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /We cannot find &quot;Atlantis&quot;\. Enter a town, or a postcode like ME4 4QF/);
  });
});

describe('filters', () => {
  const search = async (query: string) => resultIds((await t.client().get(`/services?${query}`)).body).sort();
  test('free, can refer myself, ways to get help, age, language, accessibility, five ways', async () => {
    assert.ok(!(await search('q=yoga&free=yes')).includes('paid-yoga-ashford'));
    assert.deepEqual(await search('self=yes'), ['counselling-canterbury', 'walking-dover']);
    assert.deepEqual(await search('channel=online'), ['youth-online']);
    assert.ok(!(await search('age=30')).includes('youth-online'));
    assert.ok((await search('age=16')).includes('youth-online'));
    assert.ok(!(await search('age=16')).includes('counselling-canterbury'));
    assert.deepEqual(await search('language=polish'), ['debt-margate']);
    assert.deepEqual(await search('access=step_free&access=hearing_loop'), ['debt-margate']);
    assert.deepEqual(await search('way=be_active'), ['walking-dover']);
    assert.deepEqual(await search('open=24'), ['crisis-line']);
  });

  test('a bad age gets a message, not an error page', async () => {
    const page = await t.client().get('/services?age=old');
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /Enter an age in years, like 19/);
  });

  test('nothing found offers ways forward: wider distance, fewer filters, someone to call', async () => {
    const page = await t.client().get('/services?q=yoga&free=yes&place=CT1&within=1');
    assert.match(page.body, /No services found/);
    assert.match(page.body, /<a href="\/services\?q=yoga&amp;free=yes&amp;place=CT1">search any distance away<\/a>/);
    assert.match(page.body, /<a href="\/services\?q=yoga&amp;place=CT1&amp;within=1">search without "free"<\/a>/);
    assert.match(page.body, /<a href="\/get-help-now">call someone now<\/a>/);
  });

  test('property: "open now" in the database agrees with the opening hours rule in src/domain', async () => {
    const instants = fc.sample(fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms)), 40);
    const candidates = ['counselling-canterbury', 'crisis-cafe', 'crisis-line'];
    const hours = new Map<string, { day: (typeof WEEK_DAYS)[number]; opens: string; closes: string }[]>([
      ['counselling-canterbury', [{ day: 'MO', opens: '09:00', closes: '17:00' }]],
      ['crisis-cafe', allWeek('18:00', '02:00')],
      ['crisis-line', allWeek('00:00', '24:00')],
    ]);
    for (const when of instants) {
      const { input } = readSearchInput({ open: 'now' });
      const outcome = await searchDirectory(t.db, TENANT, input, when);
      assert.ok(!('problems' in outcome));
      const open = outcome.results.map((r) => r.listing.id).filter((id) => candidates.includes(id)).sort();
      const expected = candidates.filter((id) => isOpenAt(hours.get(id)!, when)).sort();
      assert.deepEqual(open, expected, when.toISOString());
    }
  });
});

describe('crisis first', () => {
  test('words that suggest crisis show the crisis options before any listing', async () => {
    const page = await t.client().get('/services?q=i+want+to+die');
    const crisis = page.body.indexOf('id="crisis-options"');
    const results = page.body.indexOf('id="results"');
    assert.ok(crisis > 0 && crisis < results);
    for (const href of ['tel:999', 'tel:111', 'tel:116123', 'sms:85258?body=SHOUT']) assert.ok(page.body.includes(`href="${href}"`));
    assert.ok(page.body.slice(crisis, results).includes('Canterbury Safe Haven'), 'local crisis options too');
  });

  test('ordinary searches do not', async () => {
    assert.doesNotMatch((await t.client().get('/services?q=walking')).body, /id="crisis-options"/);
  });
});

describe('a service page', () => {
  test('says what it offers, who it is for, how to get it, when it is open, and when it was checked', async () => {
    const page = await t.client().get('/services/counselling-canterbury?place=CT2');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>Canterbury Counselling Service<\/h1>/);
    assert.match(page.body, /Ages 18 and over/);
    assert.match(page.body, /You can contact them yourself/);
    assert.match(page.body, /Monday<\/td><td class="nhsuk-table__cell">9am to 5pm/);
    assert.match(page.body, /Tuesday to Sunday<\/td><td class="nhsuk-table__cell">Closed/);
    assert.match(page.body, /(Less than half a mile|About [\d.]+ miles) from CT2 \(approximate\)/);
    assert.match(page.body, /Last checked on/);
    assert.match(page.body, /href="\/services\/counselling-canterbury\/report-a-problem"/);
    assert.doesNotMatch(page.body, /may be out of date/);
  });

  test('a listing unconfirmed for over a year says it may be out of date', async () => {
    await t.db.query(`UPDATE directory_services SET last_confirmed_at = now() - interval '13 months' WHERE id = 'walking-dover'`);
    assert.match((await t.client().get('/services/walking-dover')).body, /This information may be out of date/);
  });

  test('unpublished, missing and other tenants\' listings are not found', async () => {
    for (const id of ['hidden', 'no-such-service', 'kent-only-counselling']) {
      assert.equal((await t.client().get(`/services/${id}`)).statusCode, 404, id);
    }
  });
});

describe('Get help now', () => {
  test('shows the national options and the tenant\'s own crisis options, nearest first for a place', async () => {
    const page = await t.client().get('/get-help-now?place=CT2+7AA');
    assert.equal(page.statusCode, 200);
    for (const href of ['tel:999', 'tel:111', 'tel:116123', 'sms:85258?body=SHOUT']) assert.ok(page.body.includes(`href="${href}"`));
    assert.ok(page.body.indexOf('Canterbury Safe Haven') < page.body.indexOf('Testshire Crisis Line'));
    assert.match(page.body, /href="tel:01632960001"/);
    const bad = await t.client().get('/get-help-now?place=nowhere-at-all');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a town, or a postcode/);
    assert.ok(bad.body.includes('href="tel:999"'), 'the crisis options are still there with the error');
  });
});

