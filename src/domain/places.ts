// Postcode districts, distances and locating a person's postcode. Pure: no I/O.
// src/platform/places.ts loads the district table from disk.

import { parsePostcode } from './postcode.ts';

export type District = {
  district: string;
  latitude: number;
  longitude: number;
  eastings: number;
  northings: number;
  /** Rough town label from the source data. Can be '' (no label). */
  town: string;
  region: string;
  country: string;
};

export type DistrictTable = {
  /** Look up a district ('ME4'). Case and spaces are ignored. */
  get(district: string): District | undefined;
  values(): IterableIterator<District>;
  readonly size: number;
};

export type LatLng = { latitude: number; longitude: number };

export type LocateResult =
  | { ok: true; postcode: string; district: District; approximate: true }
  | { ok: false; code: 'empty' | 'invalid' | 'unknown'; message: string };

/** Mean Earth radius (IUGG), in metres. */
export const EARTH_RADIUS_METRES = 6_371_008.8;

// Column names in the CSV header. `country` is read from country_string ('England'),
// not the code column `country` ('ENG').
const COLUMNS = {
  district: 'postcode',
  eastings: 'eastings',
  northings: 'northings',
  latitude: 'latitude',
  longitude: 'longitude',
  town: 'town',
  region: 'region',
  country: 'country_string',
} as const;

/** Split one CSV line into trimmed fields. Handles "quoted, fields" and "" escapes. */
function splitCsvLine(line: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else {
      field += ch;
    }
  }
  if (quoted) return null; // unterminated quote
  fields.push(field.trim());
  return fields;
}

const DISTRICT_SHAPE = /^[A-Z]{1,2}[0-9][A-Z0-9]?$/;

/** Normalise a district for lookup: no spaces, upper case. */
function districtKey(district: string): string {
  return district.replace(/\s+/g, '').toUpperCase();
}

/**
 * Parse the postcode district CSV (header row first, then one row per district).
 * Blank lines are ignored. Throws an Error naming the line for any malformed row.
 */
export function parseDistrictCsv(text: string, source = 'Postcode district CSV'): DistrictTable {
  const fail = (lineNumber: number, problem: string): never => {
    throw new Error(`${source}, line ${lineNumber}: ${problem}`);
  };
  const rows = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({ lineNumber: i + 1, line }))
    .filter(({ line }) => line.trim() !== '')
    .map(({ lineNumber, line }) => ({
      lineNumber,
      fields: splitCsvLine(line) ?? fail(lineNumber, 'a quoted field is not closed'),
    }));

  const [headerRow, ...dataRows] = rows;
  if (!headerRow) throw new Error(`${source}: the file is empty (no header row)`);
  const header = headerRow.fields.map((name) => name.toLowerCase());
  const column = {} as Record<keyof typeof COLUMNS, number>;
  for (const [key, name] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, string][]) {
    column[key] = header.indexOf(name);
    if (column[key] < 0) fail(headerRow.lineNumber, `the header has no "${name}" column`);
  }

  const districts = new Map<string, District>();
  for (const { lineNumber, fields } of dataRows) {
    if (fields.length !== header.length) {
      fail(lineNumber, `expected ${header.length} fields, found ${fields.length}`);
    }
    const field = (key: keyof typeof COLUMNS): string => fields[column[key]] ?? '';
    const number = (key: keyof typeof COLUMNS, min = -Infinity, max = Infinity): number => {
      const raw = field(key);
      const value = Number(raw);
      if (raw === '' || !Number.isFinite(value) || value < min || value > max) {
        const range = Number.isFinite(min) ? ` from ${min} to ${max}` : '';
        fail(lineNumber, `${COLUMNS[key]} "${raw}" is not a number${range}`);
      }
      return value;
    };

    // Shape check only, not the full rules in postcode.ts: the data includes retired
    // districts such as W1M, which parsePostcode rejects and so never looks up.
    const district = districtKey(field('district'));
    if (!DISTRICT_SHAPE.test(district)) {
      fail(lineNumber, `"${field('district')}" is not a postcode district`);
    }
    if (districts.has(district)) fail(lineNumber, `district ${district} appears more than once`);

    districts.set(
      district,
      Object.freeze({
        district,
        latitude: number('latitude', -90, 90),
        longitude: number('longitude', -180, 180),
        eastings: number('eastings'),
        northings: number('northings'),
        town: field('town'),
        region: field('region'),
        country: field('country'),
      }),
    );
  }

  return {
    get: (district) => districts.get(districtKey(district)),
    values: () => districts.values(),
    size: districts.size,
  };
}

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance (haversine, mean Earth radius), rounded to whole metres. */
export function distanceMetres(a: LatLng, b: LatLng): number {
  const phi1 = toRadians(a.latitude);
  const phi2 = toRadians(b.latitude);
  const sinHalfDLat = Math.sin((phi2 - phi1) / 2);
  const sinHalfDLng = Math.sin(toRadians(b.longitude - a.longitude) / 2);
  const h = sinHalfDLat ** 2 + Math.cos(phi1) * Math.cos(phi2) * sinHalfDLng ** 2;
  const clamped = Math.min(1, Math.max(0, h));
  const angle = 2 * Math.atan2(Math.sqrt(clamped), Math.sqrt(1 - clamped));
  return Math.round(EARTH_RADIUS_METRES * angle);
}

/**
 * Find the district for a postcode a person entered. The location is the district's
 * centroid, so it is always approximate.
 */
export function locatePostcode(table: DistrictTable, input: string): LocateResult {
  const parsed = parsePostcode(input);
  if (!parsed.ok) return parsed;
  const district = table.get(parsed.district);
  if (!district) {
    return {
      ok: false,
      code: 'unknown',
      message: `We cannot find ${parsed.postcode}. Check the postcode and try again, or search by town`,
    };
  }
  return { ok: true, postcode: parsed.postcode, district, approximate: true };
}

export type PlaceResult =
  | { ok: true; label: string; latitude: number; longitude: number; district: string | null; approximate: true }
  | { ok: false; code: 'empty' | 'invalid' | 'unknown'; message: string };

const townKey = (name: string) => name.toLowerCase().replace(/[^a-z]+/g, ' ').trim();

/**
 * Where someone is, from a postcode, part of one, or a town name. Always approximate: a
 * postcode district's centre, or the middle of a town's districts.
 */
export function locatePlace(table: DistrictTable, input: string): PlaceResult {
  const text = input.trim();
  if (!text) return { ok: false, code: 'empty', message: 'Enter a town or postcode, like Canterbury or ME4 4QF' };
  const key = townKey(text);
  const all = [...table.values()].filter((d) => d.town);
  // "Kingston" finds "Kingston Upon Thames" when no town is called just "Kingston".
  let towns = key ? all.filter((d) => townKey(d.town) === key) : [];
  if (towns.length === 0 && key.length >= 4) towns = all.filter((d) => townKey(d.town).startsWith(`${key} `));
  if (towns.length > 0) {
    return {
      ok: true,
      label: towns[0]!.town,
      latitude: towns.reduce((sum, d) => sum + d.latitude, 0) / towns.length,
      longitude: towns.reduce((sum, d) => sum + d.longitude, 0) / towns.length,
      district: towns.length === 1 ? towns[0]!.district : null,
      approximate: true,
    };
  }
  const located = locatePostcode(table, text);
  if (located.ok) {
    return { ok: true, label: located.postcode, latitude: located.district.latitude, longitude: located.district.longitude, district: located.district.district, approximate: true };
  }
  if (located.code === 'invalid') {
    return { ok: false, code: 'unknown', message: `We cannot find "${text.slice(0, 40)}". Enter a town, or a postcode like ME4 4QF` };
  }
  return located;
}
