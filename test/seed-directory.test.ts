// The directory's seed data: the shipped taxonomy, the demo listings of each tenant, and the
// synthetic listings for benchmarks (deterministic, and identical to what saveListing would make).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Database } from '../src/db/database.ts';
import { createMemoryPGlite } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { distanceMetres } from '../src/domain/places.ts';
import { parsePostcode } from '../src/domain/postcode.ts';
import { FIVE_WAYS, type Listing, type ListingInput } from '../src/features/directory/listing.ts';
import { getListing, getListings, placeLocation, saveListing } from '../src/features/directory/store.ts';
import { loadDistrictTable } from '../src/platform/places.ts';
import { seedDirectory } from '../src/seed/directory.ts';
import { SEED_TENANTS, seedDatabase } from '../src/seed/generate.ts';
import { DEMO_LISTINGS, demoListing, parseHours } from '../src/seed/listings.ts';
import { TENANTS, staffEmail } from '../src/seed/reference.ts';
import {
  SYNTHETIC_SOURCE,
  batchOf,
  insertListingsInBulk,
  englishDistricts,
  seedSyntheticListings,
  syntheticListing,
  syntheticPlan,
} from '../src/seed/synthetic-listings.ts';
import { DIRECTORY_TERMS, FIVE_WAYS_TERMS, NEEDS_TERMS, fiveWayTermId, seedTaxonomy } from '../src/seed/taxonomy.ts';
import { freshDatabase, testDatabaseKind, type TestDatabase } from './support/database.ts';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-06-15T12:00:00.000Z');
const WEEK_ORDER = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** A listing as getListings reads it back, for comparing with what was saved. */
function comparable(listing: Listing | ListingInput, tenantId?: string) {
  const { version: _v, updatedAt: _u, ...rest } = listing as Listing;
  return {
    ...rest,
    tenantId: tenantId ?? listing.tenantId,
    termIds: [...listing.termIds].sort(),
    locations: [...listing.locations].sort((a, b) => (a.id < b.id ? -1 : 1)),
    hours: [...listing.hours].sort(
      (a, b) => WEEK_ORDER.indexOf(a.day) - WEEK_ORDER.indexOf(b.day) || a.opens.localeCompare(b.opens) || (a.id < b.id ? -1 : 1),
    ),
  };
}

describe('the taxonomy', () => {
  test('the Five Ways to Wellbeing, with the ids the listings use', () => {
    assert.deepEqual(FIVE_WAYS_TERMS.map((t) => t.id), [
      'five-ways:connect', 'five-ways:be-active', 'five-ways:take-notice', 'five-ways:keep-learning', 'five-ways:give',
    ]);
    assert.deepEqual(FIVE_WAYS.map(fiveWayTermId), FIVE_WAYS_TERMS.map((t) => t.id));
    for (const t of FIVE_WAYS_TERMS) assert.ok(t.description.length > 40, t.id);
  });

  test('needs: plain names, one-line descriptions, generous lower-case synonyms, unique ids', () => {
    assert.ok(NEEDS_TERMS.length >= 30 && NEEDS_TERMS.length <= 45, `${NEEDS_TERMS.length} needs`);
    assert.equal(new Set(DIRECTORY_TERMS.map((t) => t.id)).size, DIRECTORY_TERMS.length);
    for (const t of NEEDS_TERMS) {
      assert.match(t.id, /^lantern-needs:[a-z]+(-[a-z]+)*$/);
      assert.equal(t.taxonomy, 'lantern-needs');
      assert.ok(t.description.length > 10 && t.description.length < 140 && !t.description.includes('\n'), t.id);
      assert.match(t.synonyms, /^[a-z0-9+-]+( [a-z0-9+-]+){2,}$/, t.id);
    }
    const synonyms = (slug: string) => NEEDS_TERMS.find((t) => t.id === `lantern-needs:${slug}`)?.synonyms.split(' ') ?? [];
    for (const word of ['counselling', 'therapy', 'cbt', 'counsellor']) assert.ok(synonyms('talking-therapies').includes(word), word);
    for (const word of ['debts', 'bills', 'benefits', 'arrears']) assert.ok(synonyms('debt-money').includes(word), word);
    for (const word of ['lonely', 'isolated', 'befriending']) assert.ok(synonyms('loneliness').includes(word), word);
    for (const word of ['suicide', 'suicidal', 'self-harm', 'die', 'emergency']) assert.ok(synonyms('crisis').includes(word), word);
  });
});

describe('demo directory', () => {
  let main: TestDatabase;
  let db: Database;

  before(async () => {
    main = await freshDatabase();
    db = main.db;
    await seedDatabase(db, { tenants: [...SEED_TENANTS], people: 0, seed: 'directory-test' });
    const report = await seedDirectory(db, SEED_TENANTS, { now: NOW });
    assert.equal(report.terms, DIRECTORY_TERMS.length);
    assert.equal(report.listings, DEMO_LISTINGS.kent.length + DEMO_LISTINGS.kingston.length);
  });
  after(() => main.drop());

  const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: number }>(sql, params)).rows[0]?.n);

  test('the taxonomy is in the database', async () => {
    const { rows } = await db.query<{ id: string; taxonomy: string; name: string; synonyms: string }>(
      'SELECT id, taxonomy, name, synonyms FROM taxonomy_terms ORDER BY id',
    );
    assert.equal(rows.length, DIRECTORY_TERMS.length);
    const crisis = rows.find((r) => r.id === 'lantern-needs:crisis');
    assert.ok(crisis?.synonyms.includes('suicidal'));
  });

  test('each tenant has a good number of listings, spread over its areas', () => {
    assert.ok(DEMO_LISTINGS.kent.length >= 45, `${DEMO_LISTINGS.kent.length} in Kent`);
    assert.ok(DEMO_LISTINGS.kingston.length >= 25, `${DEMO_LISTINGS.kingston.length} in Kingston`);
    for (const tenant of SEED_TENANTS) {
      const districts = new Set(
        DEMO_LISTINGS[tenant].flatMap((s) => (s.locations ?? []).map((l) => (parsePostcode(l.postcode) as { district: string }).district)),
      );
      for (const area of TENANTS[tenant].areas) {
        assert.ok(area.districts.filter(([d]) => districts.has(d)).length >= 3, `${tenant}: ${area.name} has listings in 3 districts`);
      }
    }
  });

  test('every demo listing reads back as it was saved', async () => {
    for (const tenant of SEED_TENANTS) {
      const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM organisations WHERE tenant_id = $1', [tenant]);
      const organisationIds = new Map(rows.map((r) => [r.name, r.id]));
      const inputs = DEMO_LISTINGS[tenant].map((spec, i) => demoListing(tenant, spec, i, organisationIds, NOW));
      const saved = await getListings(db, tenant, inputs.map((l) => l.id));
      assert.equal(saved.length, inputs.length);
      for (const [i, input] of inputs.entries()) {
        const expected = comparable({ ...input, locations: input.locations.map(placeLocation) });
        assert.deepEqual(comparable(saved[i] as Listing), expected, input.id);
        assert.equal(saved[i]?.version, 1);
      }
    }
  });

  test('ids are unique, prefixed by tenant, and everything is labelled demo', async () => {
    for (const tenant of SEED_TENANTS) {
      const ids = DEMO_LISTINGS[tenant].map((s) => s.id);
      assert.equal(new Set(ids).size, ids.length);
      for (const id of ids) assert.match(id, new RegExp(`^${tenant}-[a-z0-9-]+$`));
    }
    assert.equal(await count('SELECT count(*)::int AS n FROM directory_services WHERE NOT demo', []), 0);
  });

  test('every location is in a postcode district of its own tenant; national services have none', async () => {
    const { rows } = await db.query<{ tenant_id: string; id: string; postcode: string; district: string; national: boolean; known: boolean; latitude: number | null }>(
      `SELECT l.tenant_id, l.id, l.postcode, l.district, s.national, l.latitude,
              EXISTS (SELECT 1 FROM area_districts d WHERE d.tenant_id = l.tenant_id AND d.district = l.district) AS known
         FROM directory_locations l JOIN directory_services s ON s.tenant_id = l.tenant_id AND s.id = l.service_id`,
    );
    assert.ok(rows.length > 50);
    for (const r of rows) {
      assert.equal(r.national, false, `${r.id}: a national service with a location`);
      const parsed = parsePostcode(r.postcode);
      assert.ok(parsed.ok && parsed.kind === 'full' && parsed.postcode === r.postcode && parsed.district === r.district, r.postcode);
      assert.ok(r.known, `${r.id}: ${r.district} is not one of ${r.tenant_id}'s districts`);
      assert.notEqual(r.latitude, null, `${r.id}: placed at its district's centroid`);
    }
    const outside = await count(
      `SELECT count(*)::int AS n FROM directory_services s, unnest(s.service_districts) AS sd(district)
        WHERE NOT EXISTS (SELECT 1 FROM area_districts d WHERE d.tenant_id = s.tenant_id AND d.district = sd.district)`,
      [],
    );
    assert.equal(outside, 0, 'service districts belong to the tenant');
  });

  for (const tenant of SEED_TENANTS) {
    test(`${tenant}: crisis options, 24/7, past midnight, provider-owned, unpublished and stale listings`, async () => {
      const crisis = await count(
        `SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND crisis AND published AND status = 'active'`,
        [tenant],
      );
      assert.ok(crisis >= 3, `${crisis} crisis listings`);
      assert.ok(await count('SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND open_24_hours AND crisis', [tenant]) >= 1);
      const pastMidnight = await count(
        `SELECT count(DISTINCT service_id)::int AS n FROM directory_schedules WHERE tenant_id = $1 AND closes_at < opens_at`,
        [tenant],
      );
      assert.ok(pastMidnight >= 1, 'a listing open past midnight');
      const provider = await count(
        `SELECT count(*)::int AS n FROM directory_services s JOIN staff_users u ON u.tenant_id = s.tenant_id AND u.organisation_id = s.organisation_id
          WHERE s.tenant_id = $1 AND u.email = $2`,
        [tenant, staffEmail(tenant, 'provider')],
      );
      assert.ok(provider >= 3, `the provider demo user's organisation owns ${provider} listings`);
      assert.equal(await count('SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND NOT published', [tenant]), 2);
      const ageInDays = (days: number) => new Date(NOW.getTime() - days * DAY_MS).toISOString();
      assert.equal(
        await count('SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND last_confirmed_at < $2', [tenant, ageInDays(365)]),
        2,
        'two listings unconfirmed for over 12 months',
      );
      assert.ok(
        await count(
          'SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND last_confirmed_at < $2 AND last_confirmed_at >= $3',
          [tenant, ageInDays(183), ageInDays(365)],
        ) >= 1,
        'some listings due a 6-month reminder',
      );
      assert.ok(await count(`SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND status = 'temporarily closed'`, [tenant]) >= 1);
      assert.ok(await count('SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND hub_referral', [tenant]) >= 1);
      assert.ok(await count('SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND national', [tenant]) >= 3);
      assert.ok(await count(`SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND 'bsl' = ANY(accessibility)`, [tenant]) >= 1);
      assert.ok(await count(`SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND cardinality(languages) > 1`, [tenant]) >= 2);
      assert.equal(await count(`SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = $1 AND NOT 'English' = ANY(languages)`, [tenant]), 0);
      const fiveWays = await db.query<{ way: string }>(
        'SELECT DISTINCT unnest(five_ways) AS way FROM directory_services WHERE tenant_id = $1 ORDER BY 1',
        [tenant],
      );
      assert.deepEqual(fiveWays.rows.map((r) => r.way), [...FIVE_WAYS].sort(), 'all five ways are represented');
    });
  }

  test('the services the source documents name are there, with their ages and referral routes', async () => {
    const kent = (id: string) => getListing(db, 'kent', id);
    const kingston = (id: string) => getListing(db, 'kingston', id);
    const samaritans = await kent('kent-samaritans');
    assert.equal(samaritans?.phone, '116 123');
    assert.ok(samaritans?.crisis && samaritans.national);
    assert.equal((await kingston('kingston-shout'))?.textNumber, '85258');
    const lwk = await kent('kent-live-well-kent');
    assert.ok(lwk?.hubReferral && lwk.selfReferral);
    assert.equal(lwk?.minimumAge, 17);
    assert.ok(lwk?.serviceDistricts.includes('CT1') && !lwk.serviceDistricts.includes('ME4'), 'Live Well Kent does not cover Medway');
    const kooth = await kingston('kingston-kooth');
    assert.deepEqual([kooth?.minimumAge, kooth?.maximumAge], [11, 25]);
    assert.notEqual(kooth?.organisationId, null, "Kingston's Kooth is Kooth's own organisation");
    assert.equal((await kent('kent-kooth'))?.organisationId, null);
    assert.ok((await kingston('kingston-the-retreat'))?.crisis);
    assert.ok((await kingston('kingston-icope'))?.termIds.includes('lantern-needs:talking-therapies'));
    const keywords = await db.query<{ keywords: string }>(`SELECT keywords FROM directory_services WHERE tenant_id = 'kent' AND id = 'kent-samaritans'`);
    assert.match(keywords.rows[0]?.keywords ?? '', /suicidal/, 'keywords come from the terms');
  });

  test('phone numbers are the real national ones or in Ofcom\'s drama ranges', async () => {
    const { rows } = await db.query<{ id: string; phone: string | null; text_number: string | null; email: string | null }>(
      'SELECT id, phone, text_number, email FROM directory_services',
    );
    for (const r of rows) {
      if (r.phone !== null) assert.match(r.phone, /^(116 123|111|01632 960\d{3}|07700 900\d{3})$/, r.id);
      if (r.text_number !== null) assert.match(r.text_number, /^(85258|07700 900\d{3})$/, r.id);
      if (r.email !== null) assert.match(r.email, /^[a-z0-9.]+@([a-z0-9-]+\.)*(example\.org|samaritans\.org)$/, r.id);
    }
  });

  test('seeding the directory again replaces the listings and terms instead of duplicating them', async () => {
    await db.query(`UPDATE taxonomy_terms SET name = 'changed' WHERE id = 'five-ways:give'`);
    const before = await count('SELECT count(*)::int AS n FROM directory_services', []);
    await seedDirectory(db, SEED_TENANTS, { now: NOW });
    assert.equal(await count('SELECT count(*)::int AS n FROM directory_services', []), before);
    assert.equal(await count('SELECT count(*)::int AS n FROM taxonomy_terms', []), DIRECTORY_TERMS.length);
    assert.equal((await db.query<{ name: string }>(`SELECT name FROM taxonomy_terms WHERE id = 'five-ways:give'`)).rows[0]?.name, 'Give');
    assert.equal((await getListing(db, 'kent', 'kent-samaritans'))?.version, 2);
  });
});

describe('opening hours as the demo listings write them', () => {
  test('day ranges, lists, every day, 24/7, past midnight and hours at one location', () => {
    const hours = parseHours('x', ['MO-WE 09:00-17:00', 'SA,SU 10:00-12:00', '@2 daily 18:00-02:00', '24/7'], ['x-l1', 'x-l2']);
    assert.equal(hours.length, 3 + 2 + 7 + 7);
    assert.deepEqual(hours[0], { id: 'x-h1', day: 'MO', opens: '09:00', closes: '17:00', locationId: null, description: '' });
    assert.deepEqual(hours.slice(5, 7).map((h) => [h.day, h.locationId, h.closes]), [['MO', 'x-l2', '02:00'], ['TU', 'x-l2', '02:00']]);
    assert.deepEqual(hours.slice(-1)[0], { id: 'x-h19', day: 'SU', opens: '00:00', closes: '24:00', locationId: null, description: '' });
    assert.throws(() => parseHours('x', ['FRI 09:00-17:00'], []), /no day "FRI"/);
    assert.throws(() => parseHours('x', ['@3 MO 09:00-17:00'], ['x-l1']), /no location 3/);
  });
});

/** The rows a tenant's synthetic listings made, without the tenant and the insert times, as one hash. */
async function syntheticHash(db: Database, tenant: string) {
  const queries: [string, string][] = [
    ['directory_services', `SELECT id, organisation_id, organisation_name, name, summary, description, eligibility, how_to_access,
        status, published, phone, text_number, email, url, self_referral, hub_referral, free, cost_description, channels,
        minimum_age, maximum_age, languages, accessibility, five_ways, crisis, open_24_hours, national, service_districts,
        keywords, source, demo, last_confirmed_at, extra, version, has_location, oruk_id, search_document::text AS search_document
        FROM directory_services WHERE tenant_id = $1 ORDER BY id`],
    ['directory_service_terms', 'SELECT service_id, term_id FROM directory_service_terms WHERE tenant_id = $1 ORDER BY service_id, term_id'],
    ['directory_locations', 'SELECT id, service_id, name, address_1, city, postcode, district, latitude, longitude FROM directory_locations WHERE tenant_id = $1 ORDER BY id'],
    ['directory_schedules', 'SELECT id, service_id, location_id, byday, opens_at::text, closes_at::text, description FROM directory_schedules WHERE tenant_id = $1 ORDER BY id'],
  ];
  const hash = crypto.createHash('sha256');
  let services = 0;
  for (const [table, sql] of queries) {
    const { rows } = await db.query(sql, [tenant]);
    if (table === 'directory_services') services = rows.length;
    hash.update(`${table}:${rows.length}:${JSON.stringify(rows)}\n`);
  }
  return { services, hash: hash.digest('hex') };
}

async function addTenants(db: Database, ...ids: string[]) {
  for (const id of ids) await db.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [id, `Synthetic ${id}`]);
}

describe('synthetic listings', () => {
  let main: TestDatabase;
  let db: Database;
  const options = { count: 400, seed: 'det' };

  before(async () => {
    main = await freshDatabase();
    db = main.db;
    await seedTaxonomy(db);
    await addTenants(db, 'syn-a', 'syn-b', 'syn-c', 'syn-d');
    await seedSyntheticListings(db, { ...options, tenantId: 'syn-a', batchSize: 64 });
  });
  after(() => main.drop());

  test('the same seed gives identical rows whatever the batch size; a smaller run is the start of a larger one', async () => {
    const messages: string[] = [];
    const report = await seedSyntheticListings(db, { ...options, tenantId: 'syn-b', batchSize: 1_000 }, (m) => messages.push(m));
    assert.equal(report.listings, 400);
    assert.ok(report.locations >= 400 && report.hours > 400 && report.terms > 400);
    assert.deepEqual(messages, ['syn-b: 400 of 400 synthetic listings']);
    const a = await syntheticHash(db, 'syn-a');
    assert.equal(a.services, 400);
    assert.deepEqual(await syntheticHash(db, 'syn-b'), a);

    await seedSyntheticListings(db, { ...options, tenantId: 'syn-c', count: 150 });
    const ids = async (tenant: string) =>
      (await db.query<{ id: string }>('SELECT id FROM directory_services WHERE tenant_id = $1 ORDER BY id', [tenant])).rows.map((r) => r.id);
    const smaller = await getListings(db, 'syn-c', await ids('syn-c'));
    const larger = await getListings(db, 'syn-a', await ids('syn-c'));
    assert.equal(smaller.length, 150);
    assert.deepEqual(smaller.map((l) => comparable(l, 'x')), larger.map((l) => comparable(l, 'x')));
  });

  test('another seed gives other listings, and can share the tenant', async () => {
    await seedSyntheticListings(db, { tenantId: 'syn-c', count: 50, seed: 'other' });
    const { rows } = await db.query<{ prefix: string; n: number }>(
      `SELECT left(id, 19) AS prefix, count(*)::int AS n FROM directory_services WHERE tenant_id = 'syn-c' GROUP BY 1 ORDER BY 2`,
    );
    assert.deepEqual(rows.map((r) => r.n), [50, 150]);
    const one = syntheticListing(syntheticPlan({ tenantId: 't', seed: 'det' }), 7);
    const two = syntheticListing(syntheticPlan({ tenantId: 't', seed: 'other' }), 7);
    assert.notDeepEqual({ ...one, id: '' }, { ...two, id: '' });
    assert.deepEqual(one, syntheticListing(syntheticPlan({ tenantId: 't', seed: 'det' }), 7));
  });

  test('refuses to add the same seed twice, or to a tenant that does not exist', async () => {
    await assert.rejects(seedSyntheticListings(db, { ...options, tenantId: 'syn-a' }), /already has synthetic listings from seed "det"/);
    await assert.rejects(seedSyntheticListings(db, { ...options, tenantId: 'nowhere' }), /tenant "nowhere" does not exist/);
    await assert.rejects(seedSyntheticListings(db, { ...options, tenantId: 'syn-a', count: -1 }), /number of listings/);
    await assert.rejects(seedSyntheticListings(db, { ...options, tenantId: 'syn-a', seed: '' }), /seed/);
  });

  test('listings look like a directory: spread over England, near their district, with a mix of hours and features', async () => {
    const plan = syntheticPlan({ tenantId: 'syn-x', seed: 'mix' });
    const listings = Array.from({ length: 3_000 }, (_, i) => syntheticListing(plan, i));
    const table = loadDistrictTable();
    const english = new Set(englishDistricts().map((d) => d.district));
    assert.ok(english.size > 2_000, `${english.size} English districts`);
    const share = (test: (l: ListingInput) => boolean) => listings.filter(test).length / listings.length;
    const termIds = new Set(DIRECTORY_TERMS.map((t) => t.id));
    for (const l of listings) {
      assert.ok(l.locations.length >= 1 && l.locations.length <= 2, l.id);
      for (const location of l.locations) {
        const placed = placeLocation(location);
        assert.equal(placed.postcode, location.postcode, 'postcodes are already in normal form');
        assert.ok(location.district && english.has(location.district), `${location.postcode} is in England`);
        assert.equal(placed.district, location.district);
        const centroid = table.get(location.district)!;
        assert.ok(distanceMetres(centroid, location as { latitude: number; longitude: number }) <= 2_050, `${l.id} is within 2 km`);
      }
      for (const id of l.termIds) assert.ok(termIds.has(id), id);
      assert.ok(l.languages[0] === 'English' && l.demo && l.source === SYNTHETIC_SOURCE);
      assert.ok(l.channels.length >= 1 && l.name.length > 5);
    }
    const open24 = share((l) => l.hours.length === 7 && l.hours.every((h) => h.opens === '00:00' && h.closes === '24:00'));
    assert.ok(open24 > 0.03 && open24 < 0.08, `open 24 hours: ${open24}`);
    assert.ok(share((l) => l.hours.some((h) => h.closes !== '24:00' && h.closes < h.opens)) > 0.01, 'some run past midnight');
    assert.ok(share((l) => l.crisis) > 0.01);
    assert.ok(share((l) => l.hours.length === 0) > 0.01, 'some have no set hours');
    assert.ok(share((l) => l.languages.length > 1) > 0.1);
    assert.ok(share((l) => l.accessibility.includes('step_free')) > 0.5);
    assert.ok(share((l) => l.locations.length === 2) > 0.1);
    assert.ok(share((l) => l.fiveWays.length > 0) > 0.4);
    assert.ok(share((l) => l.minimumAge === null) > 0.05 && share((l) => l.maximumAge !== null) > 0.01);
    assert.ok(new Set(listings.map((l) => l.locations[0]?.district)).size > 1_000, 'spread over many districts');
  });

  test('PGlite and PostgreSQL get identical rows', { skip: testDatabaseKind() === 'pglite' && 'needs TEST_DATABASE_URL' }, async () => {
    const embedded = await createMemoryPGlite();
    try {
      await migrate(embedded);
      await seedTaxonomy(embedded);
      await addTenants(embedded, 'syn-a');
      await seedSyntheticListings(embedded, { ...options, tenantId: 'syn-a' });
      assert.deepEqual(await syntheticHash(embedded, 'syn-a'), await syntheticHash(db, 'syn-a'));
    } finally {
      await embedded.close();
    }
  });
});

describe('the bulk path and saveListing make the same listing', () => {
  let main: TestDatabase;
  let db: Database;

  before(async () => {
    main = await freshDatabase();
    db = main.db;
    await seedTaxonomy(db);
    await addTenants(db, 'bulk', 'saved');
  });
  after(() => main.drop());

  test('read back, derived columns and search words are the same', async () => {
    const seed = 'same-either-way';
    const count = 300;
    await seedSyntheticListings(db, { tenantId: 'bulk', count, seed });
    const bulkWords = (await db.query<{ word: string }>('SELECT word FROM directory_words ORDER BY word')).rows.map((r) => r.word);
    await db.query('DELETE FROM directory_words');

    const plan = syntheticPlan({ tenantId: 'saved', seed });
    const inputs = Array.from({ length: count }, (_, i) => syntheticListing(plan, i));
    await db.transaction(async (tx) => {
      for (const input of inputs) await saveListing(tx, input);
    });
    const savedWords = (await db.query<{ word: string }>('SELECT word FROM directory_words ORDER BY word')).rows.map((r) => r.word);
    assert.ok(bulkWords.length > 50);
    assert.deepEqual(bulkWords, savedWords);

    const ids = inputs.map((l) => l.id);
    const bulk = await getListings(db, 'bulk', ids);
    const saved = await getListings(db, 'saved', ids);
    assert.equal(bulk.length, count);
    for (const [i, listing] of bulk.entries()) {
      assert.deepEqual(comparable(listing, 'x'), comparable(saved[i] as Listing, 'x'), listing.id);
      assert.deepEqual(comparable(listing, 'x'), comparable({ ...inputs[i]!, locations: inputs[i]!.locations.map(placeLocation) }, 'x'));
    }
    const bulkHash = await syntheticHash(db, 'bulk');
    assert.deepEqual(await syntheticHash(db, 'saved'), bulkHash, 'every column, keywords, open_24_hours and search_document included');
    const open = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM directory_services WHERE tenant_id = 'bulk' AND open_24_hours`);
    assert.ok((open.rows[0]?.n ?? 0) > 0, 'some are open 24 hours');
  });

  test('awkward values survive the bulk path: quotes, commas and braces in arrays, nulls, no hours or places', async () => {
    const base = syntheticListing(syntheticPlan({ tenantId: 'bulk', seed: 'awkward' }), 0);
    const awkward: ListingInput = {
      ...base,
      id: 'awkward-1',
      name: 'Café "Quotes", {braces} & back\\slashes',
      languages: ['English', 'Cree "Plains", dialect', 'a\\b', '{x}', 'NULL'],
      serviceDistricts: ['ME4', 'CT1'],
      phone: null, textNumber: null, email: null, url: null, minimumAge: null, maximumAge: null,
      accessibility: [], fiveWays: [], termIds: [], channels: [],
      locations: [], hours: [],
      extra: { note: 'kept', nested: { a: [1, 2] } },
    };
    const always: ListingInput = {
      ...base,
      id: 'awkward-2',
      termIds: ['lantern-needs:crisis', 'five-ways:give'],
      hours: parseHours('awkward-2', ['24/7'], []),
      locations: [{ ...base.locations[0]!, id: 'awkward-2-l1', postcode: 'me44qf', district: null, latitude: null, longitude: null }],
    };
    await db.transaction((tx) => insertListingsInBulk(tx, 'bulk', batchOf([awkward, always])));
    await db.transaction(async (tx) => {
      await saveListing(tx, { ...awkward, tenantId: 'saved' });
      await saveListing(tx, { ...always, tenantId: 'saved' });
    });
    for (const id of ['awkward-1', 'awkward-2']) {
      const bulk = await getListing(db, 'bulk', id);
      assert.ok(bulk);
      assert.deepEqual(comparable(bulk, 'x'), comparable((await getListing(db, 'saved', id))!, 'x'), id);
    }
    const read = await getListing(db, 'bulk', 'awkward-1');
    assert.deepEqual(read?.languages, awkward.languages);
    assert.equal(read?.name, awkward.name);
    const placed = await getListing(db, 'bulk', 'awkward-2');
    assert.deepEqual([placed?.locations[0]?.postcode, placed?.locations[0]?.district], ['ME4 4QF', 'ME4']);
    assert.equal(placed?.locations[0]?.latitude, loadDistrictTable().get('ME4')?.latitude);
    const derived = await db.query<{ tenant_id: string; open_24_hours: boolean; keywords: string }>(
      `SELECT tenant_id, open_24_hours, keywords FROM directory_services WHERE id = 'awkward-2' ORDER BY tenant_id`,
    );
    assert.equal(derived.rows[0]?.open_24_hours, true);
    assert.deepEqual(derived.rows.map((r) => [r.open_24_hours, r.keywords]), [
      [true, derived.rows[0]?.keywords],
      [true, derived.rows[0]?.keywords],
    ]);
    assert.match(derived.rows[0]?.keywords ?? '', /^Give .*Urgent help in a crisis crisis urgent/);
  });
});
