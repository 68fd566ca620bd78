// The Open Referral UK 3.0 API under /oruk: every answer valid against the compiled ORUK schemas,
// the paged envelope at its edges, the filters, nearest-first locations, CORS, and only this
// tenant's published, not-defunct listings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, type TestApp } from './support/app.ts';
import { saveListing } from '../src/features/directory/store.ts';
import { nameUuid, orukId } from '../src/features/directory/oruk/ids.ts';
import { taxonomyUuid } from '../src/features/directory/oruk/queries.ts';
import { loadDistrictTable } from '../src/platform/places.ts';
import { distanceMetres } from '../src/domain/places.ts';
import {
  assertValid, listingInput, location, validators, type OrukPage, type OrukService, type OrukServiceAtLocation,
} from './fixtures/oruk/support.ts';

const HOST_A = 'a.oruk.test';
const HOST_B = 'b.oruk.test';
const TAXONOMY = 'oruk-test-needs';
const UUID_LISTING = '7d3c2f0a-5b1e-4c2d-9f3e-1a2b3c4d5e6f';

let t: TestApp;

async function get(url: string, host = HOST_A, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'GET', url, headers: { host, ...headers } });
}

async function json<T = OrukPage>(url: string, host = HOST_A): Promise<T> {
  const response = await get(url, host);
  assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  return response.json();
}

const names = (page: OrukPage) => page.contents.map((c) => c.name);

before(async () => {
  t = await startTestApp({ config: { tenantHosts: { [HOST_A]: 'oruk-a', [HOST_B]: 'oruk-b' } } });
  const db = t.db;
  await db.query(`INSERT INTO tenants (id, name) VALUES ('oruk-a', 'ORUK test A'), ('oruk-b', 'ORUK test B')`);
  await db.query(
    `INSERT INTO taxonomy_terms (id, taxonomy, name, description, parent_id) VALUES
       ('oruk-test:anxiety', $1, 'Anxiety', 'Worry and fear that get in the way of life.', NULL),
       ('oruk-test:loneliness', $1, 'Loneliness', 'Feeling alone or cut off.', NULL),
       ('oruk-test:panic', $1, 'Panic attacks', 'Sudden rushes of fear.', 'oruk-test:anxiety')`,
    [TAXONOMY],
  );
  const a = (id: string, overrides: Parameters<typeof listingInput>[2]) => listingInput('oruk-a', id, overrides);
  const listings = [
    a('talk-group', {
      name: 'Riverside Talking Group', summary: 'A friendly weekly group.', description: 'Talking therapy in a group, for adults.',
      minimumAge: 18, maximumAge: 65, termIds: ['oruk-test:anxiety'], phone: '01634 000 111', email: 'hello@riverside.example',
      url: 'www.riverside.example', languages: ['Polish'], accessibility: ['step_free'], selfReferral: true, channels: ['in_person'],
      fiveWays: ['connect'], eligibility: 'Adults living in Medway.', howToAccess: 'Just come along.',
      locations: [location('talk-group-chatham', 'ME4 4QF')],
      hours: [{ id: 'talk-group-mo', day: 'MO', opens: '10:00', closes: '12:00', locationId: 'talk-group-chatham', description: '' }],
    }),
    a('night-line', {
      name: 'Night Owl Helpline', description: 'Someone to talk to through the night.', minimumAge: 16,
      termIds: ['oruk-test:loneliness'], phone: '0800 000 222', textNumber: '85258', crisis: true,
      locations: [location('night-line-canterbury', 'CT1 1AA')],
      hours: [{ id: 'night-line-fr', day: 'FR', opens: '22:00', closes: '02:00', locationId: null, description: 'Friday night' }],
    }),
    a('youth-drop', {
      name: 'Youth Drop-in', description: 'A drop-in for young people.', minimumAge: 11, maximumAge: 18,
      termIds: ['oruk-test:anxiety', 'oruk-test:panic'], serviceDistricts: ['TN23', 'TN24'],
      locations: [location('youth-drop-ashford', 'TN23 1AA')],
      hours: [{ id: 'youth-drop-we', day: 'WE', opens: '15:00', closes: '18:00', locationId: null, description: '' }],
    }),
    a('closed-cafe', {
      name: 'Crisis Cafe', description: 'A safe place in the evening.', status: 'temporarily closed', free: false, costDescription: 'A small charge for food',
      hours: [{ id: 'closed-cafe-su', day: 'SU', opens: '00:00', closes: '24:00', locationId: null, description: '' }],
    }),
    a(UUID_LISTING, {
      name: 'Debt Advice Line', description: 'Advice about debts and money worries.', organisationName: 'Money Matters',
      hours: [{ id: 'debt-tu', day: 'TU', opens: '09:00', closes: '17:00', locationId: null, description: '' }],
    }),
    a('gone', { name: 'Gone Service', status: 'defunct', locations: [location('gone-chatham', 'ME4 4QF')] }),
    a('draft', { name: 'Draft Service', published: false, locations: [location('draft-chatham', 'ME4 4QF')] }),
    listingInput('oruk-b', 'elsewhere', { name: 'Elsewhere Service', locations: [location('elsewhere-chatham', 'ME4 4QF')] }),
  ];
  for (const listing of listings) await db.transaction((tx) => saveListing(tx, listing));
});
after(() => t.close());

describe('ids', () => {
  test('a UUID id is served as it is; any other id as a name-based UUID the database computes the same way', async () => {
    assert.equal(orukId(UUID_LISTING.toUpperCase()), UUID_LISTING);
    assert.match(orukId('talk-group'), /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(orukId('talk-group'), orukId('talk-group '));
    for (const id of ['talk-group', 'kent:ünïcode 💡', UUID_LISTING, 'x']) {
      const { rows } = await t.db.query<{ uuid: string }>('SELECT lantern_oruk_id($1)::text AS uuid', [id]);
      assert.equal(rows[0]!.uuid, orukId(id), id);
    }
  });
});

describe('GET /oruk/', () => {
  test('says it is HSDS-UK-3.0 and where its profile and openapi are', async () => {
    for (const url of ['/oruk', '/oruk/']) {
      const body = await json(url);
      assertValid(validators.root, body);
      assert.equal(body.version, 'HSDS-UK-3.0');
    }
  });
});

describe('GET /oruk/services', () => {
  test('lists the tenant\'s published, not defunct services by name, each valid, with their status', async () => {
    const page = await json('/oruk/services');
    assertValid(validators.serviceList, page);
    assert.deepEqual(names(page), ['Crisis Cafe', 'Debt Advice Line', 'Night Owl Helpline', 'Riverside Talking Group', 'Youth Drop-in']);
    assert.equal(page.total_items, 5);
    assert.equal(page.contents.find((c) => c.name === 'Crisis Cafe')!.status, 'temporarily closed');
    const talk = page.contents.find((c) => c.name === 'Riverside Talking Group')!;
    assert.equal(talk.id, orukId('talk-group'));
    assert.equal(talk.url, 'https://www.riverside.example');
    assert.equal((talk.organization as { name: string }).name, 'Test Wellbeing Trust');
    assert.equal(page.contents.find((c) => c.name === 'Debt Advice Line')!.id, UUID_LISTING);
    assert.equal(names(await json('/oruk/services', HOST_B)).join(), 'Elsewhere Service');
  });

  test('pages: first, middle, last and beyond the last', async () => {
    const first = await json('/oruk/services?per_page=2');
    assertValid(validators.serviceList, first);
    assert.deepEqual(
      { ...first, contents: names(first) },
      { total_items: 5, total_pages: 3, page_number: 1, size: 2, first_page: true, last_page: false, empty: false, contents: ['Crisis Cafe', 'Debt Advice Line'] },
    );
    const middle = await json('/oruk/services?per_page=2&page=2');
    assert.deepEqual([middle.first_page, middle.last_page, middle.size, names(middle)], [false, false, 2, ['Night Owl Helpline', 'Riverside Talking Group']]);
    const last = await json('/oruk/services?per_page=2&page=3');
    assertValid(validators.serviceList, last);
    assert.deepEqual([last.first_page, last.last_page, last.size, last.empty, names(last)], [false, true, 1, false, ['Youth Drop-in']]);
    const beyond = await json('/oruk/services?per_page=2&page=4');
    assertValid(validators.serviceList, beyond);
    assert.deepEqual(
      beyond,
      { total_items: 5, total_pages: 3, page_number: 4, size: 0, first_page: false, last_page: true, empty: true, contents: [] },
    );
    const all = await json('/oruk/services?per_page=200');
    assert.deepEqual([all.size, all.first_page, all.last_page, all.total_pages], [5, true, true, 1]);
    const nothing = await json('/oruk/services?search=zebra');
    assertValid(validators.serviceList, nothing);
    assert.deepEqual(nothing, { total_items: 0, total_pages: 0, page_number: 1, size: 0, first_page: true, last_page: true, empty: true, contents: [] });
  });

  test('per_page and page out of range are a 400 in plain English, as JSON', async () => {
    for (const value of ['0', '201', 'ten', '1.5', '-1', '']) {
      if (value === '') continue;
      const response = await get(`/oruk/services?per_page=${value}`);
      assert.equal(response.statusCode, 400, value);
      const body = response.json();
      assert.equal(body.error.message, 'per_page must be a whole number from 1 to 200, like per_page=50.');
      assert.equal(response.headers['access-control-allow-origin'], '*');
    }
    for (const value of ['0', 'last', '2.5']) {
      const response = await get(`/oruk/services?page=${value}`);
      assert.equal(response.statusCode, 400, value);
      assert.match(response.json().error.message, /^page must be a whole number, 1 or more/);
    }
    assert.equal((await get('/oruk/services?per_page=1&per_page=2')).statusCode, 400);
  });

  test('search finds words in the listing, stemmed', async () => {
    // Best match first: "talking" is in one name, "talk" in the other's description.
    assert.deepEqual(names(await json('/oruk/services?search=talking')), ['Riverside Talking Group', 'Night Owl Helpline']);
    assert.deepEqual(names(await json('/oruk/services?search=%22talking%20group%22')), ['Riverside Talking Group']);
    assert.deepEqual(names(await json('/oruk/services?search=debt')), ['Debt Advice Line']);
    assert.deepEqual(names(await json('/oruk/services?search=talk%20-group')), ['Night Owl Helpline']);
    // Term names are searched too (saveListing keeps them in the listing's keywords).
    assert.deepEqual(names(await json('/oruk/services?search=loneliness')), ['Night Owl Helpline']);
    assert.deepEqual(names(await json('/oruk/services?search=draft')), []);
  });

  test('ages as the openapi says: minimum_age at least, maximum_age at most; and Lantern\'s age', async () => {
    assert.deepEqual(names(await json('/oruk/services?minimum_age=16')), ['Night Owl Helpline', 'Riverside Talking Group']);
    assert.deepEqual(names(await json('/oruk/services?maximum_age=18')), ['Youth Drop-in']);
    assert.deepEqual(names(await json('/oruk/services?minimum_age=11&maximum_age=18')), ['Youth Drop-in']);
    assert.deepEqual(names(await json('/oruk/services?age=17')), ['Crisis Cafe', 'Debt Advice Line', 'Night Owl Helpline', 'Youth Drop-in']);
    for (const bad of ['minimum_age=-1', 'maximum_age=old', 'age=200']) {
      const response = await get(`/oruk/services?${bad}`);
      assert.equal(response.statusCode, 400, bad);
      assert.match(response.json().error.message, /must be an age in years from 0 to 130/);
    }
  });

  test('taxonomy_term_id (ORUK or Lantern id) and taxonomy_id', async () => {
    const anxiety = orukId('oruk-test:anxiety');
    assert.deepEqual(names(await json(`/oruk/services?taxonomy_term_id=${anxiety}`)), ['Riverside Talking Group', 'Youth Drop-in']);
    assert.deepEqual(names(await json(`/oruk/services?taxonomy_term_id=${anxiety.toUpperCase()}`)), ['Riverside Talking Group', 'Youth Drop-in']);
    assert.deepEqual(names(await json('/oruk/services?taxonomy_term_id=oruk-test:panic')), ['Youth Drop-in']);
    assert.deepEqual(names(await json(`/oruk/services?taxonomy_term_id=${nameUuid('nothing')}`)), []);
    assert.deepEqual(names(await json(`/oruk/services?taxonomy_id=${taxonomyUuid(TAXONOMY)}`)), ['Night Owl Helpline', 'Riverside Talking Group', 'Youth Drop-in']);
    assert.deepEqual(names(await json(`/oruk/services?taxonomy_id=${nameUuid('nothing')}`)), []);
  });

  test('day, start_time and end_time find services open in that window, overnight hours included', async () => {
    const open = async (query: string) => names(await json(`/oruk/services?${query}`));
    assert.deepEqual(await open('day=MO'), ['Riverside Talking Group']);
    assert.deepEqual(await open('day=mo&start_time=11:00&end_time=13:00'), ['Riverside Talking Group']);
    assert.deepEqual(await open('day=MO&start_time=12:00&end_time=13:00'), [], 'closes at 12:00');
    assert.deepEqual(await open('day=MO&start_time=08:00&end_time=10:00'), [], 'opens at 10:00');
    assert.deepEqual(await open('day=MO&start_time=11:30&end_time=11:30'), ['Riverside Talking Group'], 'open at that moment');
    // Friday 22:00 to 02:00 runs into Saturday morning.
    assert.deepEqual(await open('day=FR&start_time=23:00'), ['Night Owl Helpline']);
    assert.deepEqual(await open('day=SA&start_time=01:00&end_time=01:30'), ['Night Owl Helpline']);
    assert.deepEqual(await open('day=SA&start_time=02:00&end_time=03:00'), []);
    // A window that itself runs past midnight: Thursday 23:00 to Friday 01:00 finds nothing; Friday 21:00 to 01:00 does.
    assert.deepEqual(await open('day=TH&start_time=23:00&end_time=01:00'), []);
    assert.deepEqual(await open('day=FR&start_time=21:00&end_time=01:00'), ['Night Owl Helpline']);
    // All of Sunday (00:00 to 24:00), and any day at 01:00 (no day given).
    assert.deepEqual(await open('day=SU&start_time=03:00&end_time=04:00'), ['Crisis Cafe']);
    assert.deepEqual(await open('start_time=01:00&end_time=01:30'), ['Crisis Cafe', 'Night Owl Helpline']);
    assert.deepEqual(await open('day=WE&search=drop'), ['Youth Drop-in']);
    for (const bad of ['day=Monday', 'day=XX', 'start_time=25:00', 'end_time=9am']) {
      const response = await get(`/oruk/services?${bad}`);
      assert.equal(response.statusCode, 400, bad);
      assert.ok(response.json().error.message.length > 20);
    }
  });
});

describe('GET /oruk/services/{id}', () => {
  test('each service, fully nested and valid: organisation, locations with addresses, hours, terms, languages', async () => {
    const listPage = await json('/oruk/services');
    for (const item of listPage.contents) {
      const service = await json(`/oruk/services/${item.id}`);
      assertValid(validators.service, service, String(item.name));
      assert.equal(service.id, item.id);
    }
    const talk = await json<OrukService>(`/oruk/services/${orukId('talk-group')}`);
    assert.equal(talk.name, 'Riverside Talking Group');
    assert.equal(talk.minimum_age, 18);
    assert.equal(talk.eligibility_description, 'Adults living in Medway.');
    assert.equal(talk.organization.name, 'Test Wellbeing Trust');
    assert.equal(talk.organization_id, talk.organization.id);
    const sal = talk.service_at_locations[0]!;
    assert.equal(sal.id, orukId('talk-group-chatham'));
    assert.equal(sal.location.id, sal.id);
    assert.equal(sal.location.addresses[0]!.postal_code, 'ME4 4QF');
    assert.equal(sal.location.addresses[0]!.country, 'GB');
    assert.ok(Math.abs(sal.location.latitude - 51.38) < 0.1, 'placed from the postcode district');
    assert.equal(sal.location.accessibility[0]!.description, 'Step-free access');
    assert.deepEqual(
      talk.schedules.map((s) => [s.byday, s.opens_at, s.closes_at, s.freq, s.service_at_location_id]),
      [['MO', '10:00:00', '12:00:00', 'WEEKLY', sal.id]],
    );
    assert.deepEqual(talk.attributes.map((a) => [a.taxonomy_term.name, a.taxonomy_term_id, a.link_id]), [['Anxiety', orukId('oruk-test:anxiety'), talk.id]]);
    assert.deepEqual(talk.languages.map((l) => l.name), ['Polish']);
    assert.deepEqual(talk.phones.map((p) => p.number), ['01634 000 111']);
    assert.equal(talk.lantern.self_referral, true);
    const night = await json<OrukService>(`/oruk/services/${orukId('night-line')}`);
    assert.deepEqual(night.phones.map((p) => [p.number, p.description]), [['0800 000 222', 'Phone'], ['85258', 'Text message']]);
    assert.equal(night.schedules[0]!.closes_at, '02:00:00');
    const cafe = await json<OrukService>(`/oruk/services/${orukId('closed-cafe')}`);
    assert.equal(cafe.fees, 'A small charge for food');
    assert.equal(cafe.schedules[0]!.closes_at, '24:00:00');
  });

  test('a Lantern id finds the service too', async () => {
    assert.equal((await json('/oruk/services/talk-group')).id, orukId('talk-group'));
    assert.equal((await json(`/oruk/services/${UUID_LISTING.toUpperCase()}`)).id, UUID_LISTING);
  });

  test('a listing saved after others were looked up is found by its ORUK ids at once', async () => {
    assert.equal((await get(`/oruk/services/${nameUuid('not-yet')}`)).statusCode, 404);
    await t.db.transaction((tx) => saveListing(tx, listingInput('oruk-a', 'late-listing', {
      name: 'Late Listing', published: false, locations: [location('late-listing-place', 'ME4 4QF')],
    })));
    assert.equal((await get(`/oruk/services/${orukId('late-listing')}`)).statusCode, 404, 'not published yet');
    await t.db.transaction((tx) => saveListing(tx, listingInput('oruk-a', 'late-listing', {
      name: 'Late Listing', locations: [location('late-listing-place', 'ME4 4QF')],
    })));
    assert.equal((await json<OrukService>(`/oruk/services/${orukId('late-listing')}`)).name, 'Late Listing');
    assert.equal((await json<OrukServiceAtLocation>(`/oruk/service_at_locations/${orukId('late-listing-place')}`)).service.name, 'Late Listing');
    await t.db.query(`DELETE FROM directory_services WHERE tenant_id = 'oruk-a' AND id = 'late-listing'`);
    assert.equal((await get(`/oruk/services/${orukId('late-listing')}`)).statusCode, 404, 'gone again');
  });

  test('unknown, defunct, unpublished and other tenants\' services are a 404 in JSON', async () => {
    for (const id of [nameUuid('no-such-service'), orukId('gone'), orukId('draft'), 'draft', orukId('elsewhere'), 'elsewhere']) {
      const response = await get(`/oruk/services/${id}`);
      assert.equal(response.statusCode, 404, id);
      assert.equal(response.json().error.code, 'not_found');
      assert.equal(response.headers['access-control-allow-origin'], '*');
    }
    assert.equal((await get(`/oruk/services/${orukId('elsewhere')}`, HOST_B)).statusCode, 200);
  });
});

describe('CORS', () => {
  test('any origin may read the API with GET', async () => {
    const response = await get('/oruk/services', HOST_A, { origin: 'https://someone-else.example' });
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['cross-origin-resource-policy'], 'cross-origin');
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/oruk/services',
      headers: { host: HOST_A, origin: 'https://someone-else.example', 'access-control-request-method': 'GET' },
    });
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], '*');
    assert.match(String(preflight.headers['access-control-allow-methods']), /GET/);
    assert.doesNotMatch(String(preflight.headers['access-control-allow-methods']), /POST/);
  });

  test('pages outside /oruk are not opened to other origins', async () => {
    const response = await get('/', HOST_A, { origin: 'https://someone-else.example' });
    assert.equal(response.headers['access-control-allow-origin'], undefined);
  });
});

describe('GET /oruk/service_at_locations', () => {
  test('lists each location of a visible service, valid, with the service', async () => {
    const page = await json<OrukPage<OrukServiceAtLocation>>('/oruk/service_at_locations');
    assertValid(validators.serviceAtLocationList, page);
    assert.equal(page.total_items, 3);
    const item = page.contents.find((c) => c.id === orukId('talk-group-chatham'))!;
    assert.equal(item.location_id, item.id);
    assert.equal(item.service_id, orukId('talk-group'));
    assert.equal(item.service.name, 'Riverside Talking Group');
    const paged = await json('/oruk/service_at_locations?per_page=2&page=2');
    assertValid(validators.serviceAtLocationList, paged);
    assert.deepEqual([paged.size, paged.last_page, paged.total_pages], [1, true, 2]);
    assert.equal((await json('/oruk/service_at_locations?per_page=2&page=9')).empty, true);
  });

  test('nearest first from the postcode, within proximity metres, inside each service\'s area', async () => {
    const districts = loadDistrictTable();
    const from = districts.get('TN23')!;
    const page = await json<OrukPage<OrukServiceAtLocation>>('/oruk/service_at_locations?postcode=TN23%204AB');
    assertValid(validators.serviceAtLocationList, page);
    const distances = page.contents.map((c) => distanceMetres(from, { latitude: c.location.latitude, longitude: c.location.longitude }));
    assert.equal(page.contents.length, 3);
    assert.deepEqual(distances, [...distances].sort((x, y) => x - y));
    assert.equal(page.contents[0]!.service.name, 'Youth Drop-in');
    // From Chatham: the youth drop-in serves only TN23 and TN24, so it is not offered.
    const chatham = await json<OrukPage<OrukServiceAtLocation>>('/oruk/service_at_locations?postcode=me44qf');
    assert.deepEqual(chatham.contents.map((c) => c.service.name), ['Riverside Talking Group', 'Night Owl Helpline']);
    const near = await json<OrukPage<OrukServiceAtLocation>>('/oruk/service_at_locations?postcode=ME4&proximity=5000');
    assert.deepEqual(near.contents.map((c) => c.service.name), ['Riverside Talking Group']);
    const canterbury = distanceMetres(districts.get('ME4')!, districts.get('CT1')!);
    const wide = await json(`/oruk/service_at_locations?postcode=ME4&proximity=${canterbury + 1}`);
    assert.equal(wide.total_items, 2);
    const narrower = await json(`/oruk/service_at_locations?postcode=ME4&proximity=${canterbury - 1}`);
    assert.equal(narrower.total_items, 1);
    // The /services filters apply too.
    const filtered = await json<OrukPage<OrukServiceAtLocation>>('/oruk/service_at_locations?postcode=ME4&minimum_age=16&day=FR');
    assert.deepEqual(filtered.contents.map((c) => c.service.name), ['Night Owl Helpline']);
  });

  test('an invalid or unknown postcode, or a bad proximity, is a 400 in plain English', async () => {
    const invalid = await get('/oruk/service_at_locations?postcode=NOT%20A%20POSTCODE');
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json().error.message, 'Enter a real postcode, like ME4 4QF. You can also enter just the first part, like ME4.');
    const unknown = await get('/oruk/service_at_locations?postcode=ME30');
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().error.message, /^We cannot find ME30\. Check the postcode/);
    for (const bad of ['postcode=ME4&proximity=-5', 'postcode=ME4&proximity=far', 'proximity=5000']) {
      const response = await get(`/oruk/service_at_locations?${bad}`);
      assert.equal(response.statusCode, 400, bad);
      assert.match(response.json().error.message, /proximity/);
    }
  });

  test('one service_at_location, fully nested and valid; others\' are a 404', async () => {
    const sal = await json<OrukServiceAtLocation>(`/oruk/service_at_locations/${orukId('talk-group-chatham')}`);
    assertValid(validators.serviceAtLocation, sal);
    assert.equal(sal.location.addresses[0]!.postal_code, 'ME4 4QF');
    assert.equal(sal.service.name, 'Riverside Talking Group');
    assert.equal(sal.service.schedules.length, 1);
    assert.equal(sal.service.service_at_locations, undefined);
    assert.equal((await json<OrukServiceAtLocation>('/oruk/service_at_locations/talk-group-chatham')).id, sal.id);
    for (const id of [orukId('gone-chatham'), orukId('draft-chatham'), orukId('elsewhere-chatham'), nameUuid('nowhere')]) {
      const response = await get(`/oruk/service_at_locations/${id}`);
      assert.equal(response.statusCode, 404, id);
      assert.equal(response.json().error.code, 'not_found');
    }
  });
});

describe('taxonomies and taxonomy terms', () => {
  test('taxonomies are listed and found by id, valid', async () => {
    const page = await json('/oruk/taxonomies?per_page=200');
    assertValid(validators.taxonomyList, page);
    const ours = page.contents.find((c) => c.name === TAXONOMY)!;
    assert.equal(ours.id, taxonomyUuid(TAXONOMY));
    const one = await json(`/oruk/taxonomies/${ours.id}`);
    assertValid(validators.taxonomy, one);
    assert.equal(one.name, TAXONOMY);
    assert.equal((await get(`/oruk/taxonomies/${nameUuid('nothing')}`)).statusCode, 404);
  });

  test('terms, paged and filtered by taxonomy_id, vocabulary, parent_id and top_only, valid', async () => {
    const all = await json('/oruk/taxonomy_terms');
    assertValid(validators.taxonomyTermList, all);
    const byTaxonomy = await json(`/oruk/taxonomy_terms?taxonomy_id=${taxonomyUuid(TAXONOMY)}`);
    assertValid(validators.taxonomyTermList, byTaxonomy);
    assert.deepEqual(names(byTaxonomy), ['Anxiety', 'Loneliness', 'Panic attacks']);
    assert.deepEqual(names(await json(`/oruk/taxonomy_terms?vocabulary=${TAXONOMY}`)), ['Anxiety', 'Loneliness', 'Panic attacks']);
    assert.deepEqual(names(await json(`/oruk/taxonomy_terms?vocabulary=${TAXONOMY}&top_only=true`)), ['Anxiety', 'Loneliness']);
    const children = await json(`/oruk/taxonomy_terms?parent_id=${orukId('oruk-test:anxiety')}`);
    assert.deepEqual(names(children), ['Panic attacks']);
    assert.equal(children.contents[0]!.parent_id, orukId('oruk-test:anxiety'));
    const second = await json(`/oruk/taxonomy_terms?vocabulary=${TAXONOMY}&per_page=2&page=2`);
    assert.deepEqual([names(second), second.last_page, second.total_pages], [['Panic attacks'], true, 2]);
    const term = await json(`/oruk/taxonomy_terms/${orukId('oruk-test:panic')}`);
    assertValid(validators.taxonomyTerm, term);
    assert.deepEqual([term.name, term.taxonomy, term.taxonomy_id], ['Panic attacks', TAXONOMY, taxonomyUuid(TAXONOMY)]);
    assert.equal((await get(`/oruk/taxonomy_terms/${nameUuid('nothing')}`)).statusCode, 404);
    assert.equal((await get('/oruk/taxonomy_terms?per_page=0')).statusCode, 400);
  });
});

test('an unknown /oruk path is a JSON 404', async () => {
  const response = await get('/oruk/organizations/nothing');
  assert.equal(response.statusCode, 404);
  assert.equal(response.json().error.code, 'not_found');
});
