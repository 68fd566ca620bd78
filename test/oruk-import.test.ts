// Importing Open Referral UK feeds: the ORUK example files, and a live feed (another Lantern's
// /oruk, listening on 127.0.0.1). Re-importing updates in place; a broken record is skipped with
// its reason and nothing of it is written; what Lantern does not model is served back whole.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { startTestApp, type TestApp } from './support/app.ts';
import { createApp } from '../src/app.ts';
import { saveListing, getListing } from '../src/features/directory/store.ts';
import { FeedError, importOrukFeed } from '../src/features/directory/oruk/import.ts';
import { orukId } from '../src/features/directory/oruk/ids.ts';
import { assertValid, fixture, listingInput, location, validators, type OrukService } from './fixtures/oruk/support.ts';

const HOST = 'import.oruk.test';
const FULL = fixture('examples/service_full.json');
const LIST = fixture('examples/service_list.json');
const EXAMPLE_ID = 'ac148810-d857-441c-9679-408f346de14b';

let t: TestApp;
let feed: FastifyInstance;
let feedUrl: string;
let dir: string;

const services = async (tenant: string) =>
  (await t.db.query<{ id: string; source: string; version: number }>('SELECT id, source, version FROM directory_services WHERE tenant_id = $1 ORDER BY id', [tenant])).rows;

async function served<T = OrukService>(url: string): Promise<T> {
  const response = await t.app.inject({ method: 'GET', url, headers: { host: HOST } });
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  return response.json();
}

before(async () => {
  t = await startTestApp({ config: { tenantHosts: { [HOST]: 'import-a' } } });
  await t.db.query(`INSERT INTO tenants (id, name) VALUES ('import-a', 'Importer'), ('import-b', 'Files'), ('feed-b', 'Neighbour'), ('import-c', 'Self')`);
  await t.db.query(
    `INSERT INTO taxonomy_terms (id, taxonomy, name, description) VALUES ('import-test:befriending', 'import-test', 'Befriending', 'Someone to talk to.')`,
  );
  // The neighbour: 52 listings (two pages of /oruk/services), one unpublished.
  for (let i = 1; i <= 52; i++) {
    const n = String(i).padStart(2, '0');
    await t.db.transaction((tx) => saveListing(tx, listingInput('feed-b', `neighbour-${n}`, {
      name: `Neighbour service ${n}`,
      summary: `Summary ${n}.`,
      description: `Support number ${n} from the neighbouring directory.`,
      organisationName: 'Neighbour Mind',
      minimumAge: 18,
      phone: '020 8000 0000',
      textNumber: i === 1 ? '07700 900000' : null,
      crisis: i === 1,
      selfReferral: true,
      channels: ['in_person', 'phone'],
      fiveWays: ['connect', 'give'],
      accessibility: ['bsl'],
      languages: ['Polish', 'Urdu'],
      termIds: ['import-test:befriending'],
      serviceDistricts: ['KT1', 'KT2'],
      free: i !== 2,
      costDescription: i === 2 ? '£5 a session' : '',
      locations: [location(`neighbour-${n}-kingston`, 'KT1 1EU', { latitude: 51.41, longitude: -0.3 })],
      hours: [
        { id: `neighbour-${n}-fr`, day: 'FR', opens: '22:00', closes: '02:00', locationId: `neighbour-${n}-kingston`, description: 'Late' },
      ],
    })));
  }
  await t.db.transaction((tx) => saveListing(tx, listingInput('feed-b', 'neighbour-draft', { name: 'Not yet published', published: false })));
  feed = await createApp({ config: { ...t.config, publicTenant: 'feed-b', tenantHosts: {} }, db: t.db });
  await feed.listen({ host: '127.0.0.1', port: 0 });
  const address = feed.server.address();
  assert.ok(address && typeof address === 'object');
  feedUrl = `http://127.0.0.1:${address.port}/oruk`;
  dir = await mkdtemp(path.join(os.tmpdir(), 'lantern-oruk-'));
});
after(async () => {
  await feed.close();
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('importing ORUK files', () => {
  test('the ORUK full service example: imported, served back whole and valid; again, updated in place', async () => {
    const first = await importOrukFeed(t.db, { tenantId: 'import-a', source: FULL });
    assert.deepEqual([first.created, first.updated, first.skipped], [1, 0, []]);
    // The example's location is at latitude 100, which is not on Earth.
    assert.ok(first.warnings.some((w) => /latitude of 100/.test(w.message)), JSON.stringify(first.warnings));
    const rows = await services('import-a');
    assert.deepEqual(rows.map((r) => [r.id, r.source]), [[`file:${EXAMPLE_ID}`, FULL]]);

    const listing = (await getListing(t.db, 'import-a', `file:${EXAMPLE_ID}`))!;
    assert.equal(listing.published, true);
    assert.equal(listing.name, 'Community Counselling');
    assert.equal(listing.minimumAge, 12);
    assert.equal(listing.free, false, 'a cost option of 35');
    assert.deepEqual(listing.accessibility.sort(), ['hearing_loop', 'step_free']);
    assert.deepEqual(listing.hours.map((h) => [h.day, h.opens, h.closes]), [['TH', '10:00', '18:00'], ['FR', '10:00', '18:00']]);
    assert.equal(listing.lastConfirmedAt.toISOString().slice(0, 10), '2005-01-01');
    assert.equal(listing.locations[0]!.latitude, null);

    const source = JSON.parse(await readFile(FULL, 'utf8'));
    const service = await served(`/oruk/services/${orukId(`file:${EXAMPLE_ID}`)}`);
    assertValid(validators.service, service);
    // What Lantern does not model comes back as it came.
    for (const key of ['fees', 'accreditations', 'alert', 'assurer_email', 'assured_date', 'funding', 'cost_options', 'contacts', 'url', 'email']) {
      assert.deepEqual(stripServiceIds(service[key]), stripServiceIds(source[key]), key);
    }
    assert.deepEqual(service.organization, source.organization);
    assert.deepEqual(service.service_areas.map(stripServiceIds), source.service_areas);
    assert.deepEqual(service.languages.map(stripServiceIds), source.languages);
    const location = service.service_at_locations[0]!.location;
    const sourceLocation = source.service_at_locations[0].location;
    for (const key of ['location_type', 'name', 'description', 'external_identifier', 'external_identifier_type']) {
      assert.equal(location[key], sourceLocation[key], key);
    }
    assert.deepEqual(location.accessibility.map(({ location_id: _, ...a }: Record<string, unknown>) => a), sourceLocation.accessibility);
    assert.deepEqual(
      location.addresses.map(({ location_id: _, ...a }: Record<string, unknown>) => a),
      sourceLocation.addresses,
    );
    const { id: _id, service_id: _s, byday: _b, ...schedule } = service.schedules[0]!;
    const { id: _sid, byday: _sb, ...sourceSchedule } = source.schedules[0];
    assert.deepEqual(schedule, sourceSchedule);
    assert.deepEqual(service.schedules.map((s) => s.byday), ['TH', 'FR']);
    assert.deepEqual(
      service.attributes.map((a) => [a.id, a.link_type, a.taxonomy_term.id, a.taxonomy_term.name, a.taxonomy_term.taxonomy]),
      [[source.attributes[0].id, 'link_type', source.attributes[0].taxonomy_term.id, 'name', 'taxonomy']],
    );

    const again = await importOrukFeed(t.db, { tenantId: 'import-a', source: FULL });
    assert.deepEqual([again.created, again.updated, again.skipped], [0, 1, []]);
    const after = await services('import-a');
    assert.equal(after.length, 1);
    assert.equal(after[0]!.version, 2);
    // The list example holds the same service (one-to-one fields only): it updates the same listing.
    const list = await importOrukFeed(t.db, { tenantId: 'import-a', source: LIST });
    assert.deepEqual([list.created, list.updated, list.skipped], [0, 1, []]);
    assert.equal((await services('import-a')).length, 1);
    const taxonomy = await t.db.query<{ id: string }>(`SELECT id FROM taxonomy_terms WHERE id = '3f7b145d-84af-42d7-8fae-eaca714b02b2'`);
    assert.equal(taxonomy.rows.length, 1, 'the example\'s term was added once');
  });

  test('broken records are skipped with their reason, and nothing of them is written', async () => {
    const good = { id: '11111111-2222-4333-8444-555555555555', name: 'Good Service', status: 'active' };
    const records = [
      good,
      { id: 'no-name', name: '  ', status: 'active' },
      { id: 'bad-status', name: 'Open All Hours', status: 'open' },
      { id: 'too-old', name: 'Too Old', status: 'active', minimum_age: 200 },
      { id: 'upside-down', name: 'Upside Down', status: 'active', minimum_age: 30, maximum_age: 20 },
      { id: 'bad-list', name: 'Bad List', status: 'active', schedules: 'Mondays' },
      { name: 'No Id', status: 'active' },
      'not a service',
    ];
    const file = path.join(dir, 'broken.json');
    await writeFile(file, JSON.stringify({ total_items: records.length, contents: records }));
    const summary = await importOrukFeed(t.db, { tenantId: 'import-b', source: file });
    assert.equal(summary.created, 1);
    assert.equal(summary.updated, 0);
    assert.deepEqual(summary.skipped, [
      { id: 'no-name', reason: 'it has no name' },
      { id: 'bad-status', reason: 'its status is "open"; ORUK allows active, inactive, defunct or temporarily closed' },
      { id: 'too-old', reason: 'minimum_age must be a whole number of years from 0 to 130 (it is 200)' },
      { id: 'upside-down', reason: 'its minimum_age (30) is above its maximum_age (20)' },
      { id: 'bad-list', reason: 'schedules must be a list' },
      { id: 'item 7', reason: 'it has no id' },
      { id: 'item 8', reason: 'it is not a JSON object' },
    ]);
    assert.deepEqual((await services('import-b')).map((r) => r.id), [`file:${good.id}`]);
  });

  test('a listing made in Lantern is never overwritten by an import; an unknown tenant or unreadable file stops the import', async () => {
    const file = path.join(dir, 'lantern-id.json');
    await t.db.transaction((tx) => saveListing(tx, listingInput('import-b', 'mine:1', { name: 'Made here' })));
    await writeFile(file, JSON.stringify([{ id: '1', name: 'From a feed', status: 'active' }]));
    const summary = await importOrukFeed(t.db, { tenantId: 'import-b', source: file, idPrefix: 'mine' });
    assert.deepEqual(summary.skipped, [{ id: '1', reason: 'a listing made in Lantern already has the id mine:1' }]);
    assert.equal((await getListing(t.db, 'import-b', 'mine:1'))!.name, 'Made here');
    await assert.rejects(importOrukFeed(t.db, { tenantId: 'nobody', source: FULL }), FeedError);
    await assert.rejects(importOrukFeed(t.db, { tenantId: 'import-b', source: path.join(dir, 'missing.json') }), /Could not read/);
  });
});

describe('importing a live ORUK feed', () => {
  test('walks every page of another Lantern\'s /oruk, imports its published services, and re-imports in place', async () => {
    const asked: string[] = [];
    const counting: typeof fetch = async (input, init) => {
      asked.push(String(input));
      return fetch(input, init);
    };
    const summary = await importOrukFeed(t.db, { tenantId: 'import-a', source: `${feedUrl}/`, fetch: counting });
    assert.deepEqual([summary.created, summary.updated, summary.skipped], [52, 0, []]);
    assert.ok(asked.includes(`${feedUrl}/services?page=1`) && asked.includes(`${feedUrl}/services?page=2`));
    assert.equal(asked.filter((u) => /\/services\/[^?]+$/.test(u)).length, 52);

    const host = new URL(feedUrl).host;
    const id = `${host}:${orukId('neighbour-01')}`;
    const listing = (await getListing(t.db, 'import-a', id))!;
    assert.equal(listing.source, feedUrl);
    assert.equal(listing.name, 'Neighbour service 01');
    assert.equal(listing.summary, 'Summary 01.');
    assert.equal(listing.organisationName, 'Neighbour Mind');
    assert.equal(listing.crisis, true);
    assert.equal(listing.selfReferral, true);
    assert.equal(listing.hubReferral, false);
    assert.deepEqual(listing.channels, ['in_person', 'phone']);
    assert.deepEqual(listing.fiveWays, ['connect', 'give']);
    assert.deepEqual(listing.accessibility, ['bsl']);
    assert.deepEqual(listing.languages, ['Polish', 'Urdu']);
    assert.deepEqual(listing.serviceDistricts, ['KT1', 'KT2']);
    assert.deepEqual([listing.phone, listing.textNumber], ['020 8000 0000', '07700 900000']);
    assert.equal(listing.minimumAge, 18);
    // The neighbour's term is Lantern's own term, matched back by its ORUK id rather than copied.
    assert.deepEqual(listing.termIds, ['import-test:befriending']);
    assert.deepEqual(listing.hours.map((h) => [h.day, h.opens, h.closes, h.locationId === listing.locations[0]!.id]), [['FR', '22:00', '02:00', true]]);
    assert.deepEqual(
      listing.locations.map((l) => [l.postcode, l.district, l.latitude, l.longitude]),
      [['KT1 1EU', 'KT1', 51.41, -0.3]],
    );
    const paid = (await getListing(t.db, 'import-a', `${host}:${orukId('neighbour-02')}`))!;
    assert.deepEqual([paid.free, paid.costDescription], [false, '£5 a session']);
    assert.equal(await getListing(t.db, 'import-a', `${host}:${orukId('neighbour-draft')}`), null);

    // Served again by the importer, it is valid ORUK and still says the same.
    const service = await served(`/oruk/services/${orukId(id)}`);
    assertValid(validators.service, service);
    assert.equal(service.lantern.crisis, true);
    assert.equal(service.lantern.source, feedUrl);
    assert.deepEqual(service.service_areas.map((a) => a.name), ['KT1', 'KT2']);
    assert.equal(service.service_at_locations[0]!.location.accessibility.length, 1, 'BSL, once');
    const open = await served('/oruk/services?day=SA&start_time=01:00&end_time=01:30&per_page=1');
    assert.equal(open.total_items, 52);

    const again = await importOrukFeed(t.db, { tenantId: 'import-a', source: feedUrl });
    assert.deepEqual([again.created, again.updated, again.skipped], [0, 52, []]);
    assert.equal((await services('import-a')).filter((r) => r.source === feedUrl).length, 52);
  });

  test('a record the feed cannot give, or gives broken, is skipped with its reason; the rest are imported', async () => {
    const brokenId = orukId('neighbour-03');
    const missingId = orukId('neighbour-04');
    const flaky: typeof fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith(`/services/${brokenId}`)) return Response.json({ id: brokenId, name: 'Broken', status: 'closed for good' });
      if (url.endsWith(`/services/${missingId}`)) return new Response('nope', { status: 500, statusText: 'Internal Server Error' });
      return fetch(input, init);
    };
    const summary = await importOrukFeed(t.db, { tenantId: 'import-c', source: feedUrl, fetch: flaky });
    assert.equal(summary.created, 50);
    assert.deepEqual(summary.skipped, [
      { id: brokenId, reason: 'its status is "closed for good"; ORUK allows active, inactive, defunct or temporarily closed' },
      { id: missingId, reason: `${feedUrl}/services/${missingId} answered 500 Internal Server Error` },
    ]);
  });

  test('a feed that is not an ORUK API stops the import before anything is written', async () => {
    const before = (await services('import-b')).length;
    await assert.rejects(
      importOrukFeed(t.db, { tenantId: 'import-b', source: feedUrl.replace('/oruk', '/nothing-here') }),
      (error: Error) => error instanceof FeedError && /answered 404/.test(error.message),
    );
    const notPaged: typeof fetch = async () => Response.json({ hello: 'world' });
    await assert.rejects(importOrukFeed(t.db, { tenantId: 'import-b', source: 'https://feed.example/oruk', fetch: notPaged }), /not a page of ORUK services/);
    assert.equal((await services('import-b')).length, before);
  });
});

/** The service_id Lantern sets on a service's children (its own id for the service). */
function stripServiceIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripServiceIds);
  if (value && typeof value === 'object') {
    const { service_id: _, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  return value;
}
