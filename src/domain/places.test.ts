import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { distanceMetres, locatePlace, locatePostcode, parseDistrictCsv } from './places.ts';
import { parsePostcode } from './postcode.ts';
import { loadDistrictTable } from '../platform/places.ts';

const HEADER =
  'postcode,eastings,northings,latitude,longitude,town,region,uk_region,country,country_string';
const SAMPLE = [
  HEADER,
  'ME4,576100,167700,51.3805,0.53081,Rochester,Medway,South East England,ENG,England',
  '',
  '  CT9 , 635900 , 170400 , 51.38304 , 1.3906 , Margate , Kent , South East England , ENG , England ',
  'EH10,324400,670400,55.92077,-3.20984,"Morningside, Braid Hill and Swanston",City of Edinburgh,Scotland,SCT,Scotland',
  'B33,414500,287000,52.48036,-1.78647,,Birmingham,West Midlands,ENG,England',
  '',
].join('\r\n');

test('parseDistrictCsv reads rows, trims fields, skips blank lines and handles quotes', () => {
  const table = parseDistrictCsv(SAMPLE);
  assert.equal(table.size, 4);
  assert.deepEqual(table.get('ME4'), {
    district: 'ME4',
    latitude: 51.3805,
    longitude: 0.53081,
    eastings: 576100,
    northings: 167700,
    town: 'Rochester',
    region: 'Medway',
    country: 'England',
  });
  assert.equal(table.get('ct9')?.town, 'Margate');
  assert.equal(table.get(' eh10 ')?.town, 'Morningside, Braid Hill and Swanston');
  assert.equal(table.get('B33')?.town, '');
  assert.equal(table.get('ME5'), undefined);
  assert.deepEqual([...table.values()].map((d) => d.district), ['ME4', 'CT9', 'EH10', 'B33']);
});

test('parseDistrictCsv throws a clear error naming the line', () => {
  const bad: [string, RegExp][] = [
    [`${HEADER}\nME4,576100,167700,51.3805,0.53081,Rochester,Medway`, /line 2: expected 10 fields, found 7/],
    [`${HEADER}\n\nME4,576100,167700,north,0.53081,R,M,S,ENG,England`, /line 3: latitude "north" is not a number/],
    [`${HEADER}\nME4,576100,167700,91,0.53081,R,M,S,ENG,England`, /line 2: latitude "91" is not a number from -90 to 90/],
    [`${HEADER}\nME4,576100,,51.3,0.5,R,M,S,ENG,England`, /line 2: northings "" is not a number/],
    [`${HEADER}\nME44QF,576100,167700,51.3,0.5,R,M,S,ENG,England`, /line 2: "ME44QF" is not a postcode district/],
    [`${HEADER}\nME4,1,2,51.3,0.5,R,M,S,ENG,England\nme4,1,2,51.3,0.5,R,M,S,ENG,England`, /line 3: district ME4 appears more than once/],
    [`${HEADER}\nEH10,1,2,55.9,-3.2,"Morningside,M,S,SCT,Scotland`, /line 2: a quoted field is not closed/],
    ['postcode,latitude,longitude\nME4,51.3,0.5', /line 1: the header has no "eastings" column/],
    ['\n  \n', /the file is empty/],
  ];
  for (const [csv, message] of bad) {
    assert.throws(() => parseDistrictCsv(csv, 'test.csv'), (error: Error) => {
      assert.match(error.message, /^test\.csv/);
      assert.match(error.message, message);
      return true;
    });
  }
});

test('distanceMetres matches the published London to Paris distance', () => {
  const london = { latitude: 51.5074, longitude: -0.1278 };
  const paris = { latitude: 48.8566, longitude: 2.3522 };
  const metres = distanceMetres(london, paris);
  assert.ok(Math.abs(metres - 343_500) <= 1_000, `got ${metres}`);
  assert.ok(Number.isInteger(metres));
  // A quarter of the way round the equator, and half of it.
  assert.equal(distanceMetres({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 90 }), 10_007_557);
  assert.equal(distanceMetres({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 }), 20_015_114);
});

const point = fc.record({
  latitude: fc.double({ min: -90, max: 90, noNaN: true }),
  longitude: fc.double({ min: -180, max: 180, noNaN: true }),
});

test('property: distance is zero to itself, symmetric and meets the triangle inequality', () => {
  fc.assert(
    fc.property(point, point, point, (a, b, c) => {
      assert.equal(distanceMetres(a, a), 0);
      assert.equal(distanceMetres(a, b), distanceMetres(b, a));
      assert.ok(distanceMetres(a, b) >= 0);
      assert.ok(distanceMetres(a, b) <= 20_015_114);
      // Each distance is rounded to the nearest metre, so allow 1.5 m.
      assert.ok(distanceMetres(a, c) <= distanceMetres(a, b) + distanceMetres(b, c) + 1.5);
    }),
    { numRuns: 2000 },
  );
});

test('locatePostcode finds the district, or says why not', () => {
  const table = parseDistrictCsv(SAMPLE);
  const found = locatePostcode(table, ' me4 4qf ');
  assert.ok(found.ok);
  assert.equal(found.postcode, 'ME4 4QF');
  assert.equal(found.district.district, 'ME4');
  assert.equal(found.approximate, true);

  const outwardOnly = locatePostcode(table, 'ct9');
  assert.ok(outwardOnly.ok && outwardOnly.postcode === 'CT9' && outwardOnly.district.town === 'Margate');

  assert.deepEqual(locatePostcode(table, ''), {
    ok: false, code: 'empty', message: 'Enter a postcode, like ME4 4QF',
  });
  assert.deepEqual(locatePostcode(table, 'ME4 4CF'), {
    ok: false,
    code: 'invalid',
    message: 'Enter a real postcode, like ME4 4QF. You can also enter just the first part, like ME4',
  });
  assert.deepEqual(locatePostcode(table, 'me99'), {
    ok: false,
    code: 'unknown',
    message: 'We cannot find ME99. Check the postcode and try again, or search by town',
  });
  const unknownFull = locatePostcode(table, 'ME99 1AA');
  assert.ok(!unknownFull.ok && unknownFull.code === 'unknown');
  assert.match(unknownFull.message, /^We cannot find ME99 1AA\./);
});

test('the real district table loads, with ME4 and 2,856 rows', () => {
  const table = loadDistrictTable();
  assert.equal(table.size, 2856);
  assert.equal(loadDistrictTable(), table, 'cached once per process');
  assert.deepEqual(table.get('ME4'), {
    district: 'ME4',
    latitude: 51.3805,
    longitude: 0.53081,
    eastings: 576100,
    northings: 167700,
    town: 'Rochester', // the source's label; ME4 is Chatham
    region: 'Medway',
    country: 'England',
  });
  for (const district of ['CT9', 'SW1A', 'EC1A', 'M1', 'B33', 'CR2', 'KT1', 'DA1', 'EH10', 'GY1']) {
    assert.ok(table.get(district), district);
  }

  // Every district follows the current postcode rules, except W1M, which was retired.
  const offRules = [...table.values()]
    .map((d) => d.district)
    .filter((district) => {
      const parsed = parsePostcode(district);
      return !(parsed.ok && parsed.kind === 'outward' && parsed.postcode === district);
    });
  assert.deepEqual(offRules, ['W1M']);
  assert.equal(locatePostcode(table, 'GIR 0AA').ok, false, 'special postcodes are not in the table');

  const located = locatePostcode(table, 'me4 4qf');
  assert.ok(located.ok && located.district.district === 'ME4');
  // Chatham (ME4) to Margate (CT9): about 60 km between centroids.
  const ct9 = table.get('CT9');
  assert.ok(ct9);
  const km = distanceMetres(located.district, ct9) / 1000;
  assert.ok(km > 55 && km < 65, `got ${km} km`);
});


test('a place is found from a town name, a postcode or its first part, always approximate', () => {
  const table = loadDistrictTable();
  const town = locatePlace(table, '  canterbury ');
  assert.ok(town.ok);
  assert.equal(town.label, 'Canterbury');
  assert.ok(Math.abs(town.latitude - 51.28) < 0.1);
  const postcode = locatePlace(table, 'me44qf');
  assert.ok(postcode.ok && postcode.label === 'ME4 4QF' && postcode.district === 'ME4');
  const outward = locatePlace(table, 'CT9');
  assert.ok(outward.ok && outward.district === 'CT9');
  assert.deepEqual(locatePlace(table, ''), { ok: false, code: 'empty', message: 'Enter a town or postcode, like Canterbury or ME4 4QF' });
  const kingston = locatePlace(table, 'Kingston');
  assert.ok(kingston.ok && kingston.label === 'Kingston Upon Thames');
  const unknown = locatePlace(table, 'Atlantis');
  assert.ok(!unknown.ok && unknown.message === 'We cannot find "Atlantis". Enter a town, or a postcode like ME4 4QF');
  const unknownDistrict = locatePlace(table, 'ZZ99 9ZZ');
  assert.ok(!unknownDistrict.ok && unknownDistrict.code === 'unknown');
});
