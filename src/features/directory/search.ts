// Finding support: words (forgiving of typos and plurals), need, Five Ways to Wellbeing, place
// and distance, and the filters people ask for. Public: no sign-in, published listings only.
import type { Queryable } from '../../db/database.ts';
import { ukDayAndMinute, WEEK_DAYS } from '../../domain/opening-hours.ts';
import { locatePlace } from '../../domain/places.ts';
import { suggestsCrisis } from '../../domain/crisis-words.ts';
import { loadDistrictTable } from '../../platform/places.ts';
import type { FieldError } from '../../platform/errors.ts';
import { getListings } from './store.ts';
import { ACCESSIBILITY, CHANNELS, FIVE_WAYS, type Accessibility, type Channel, type FiveWay, type Listing } from './listing.ts';

export const PAGE_SIZE = 10;
export const DISTANCES_MILES = [1, 3, 5, 10, 25, 50] as const;
const METRES_A_MILE = 1609.344;
/** Results are counted up to here; a person needing more is better served by a filter. */
const MAX_RESULTS = 500;

export interface SearchInput {
  words: string;
  need: string;
  way: string;
  place: string;
  /** miles; 0 for any distance */
  within: number;
  selfReferral: boolean;
  free: boolean;
  openNow: boolean;
  open24Hours: boolean;
  channels: Channel[];
  age: number | null;
  language: string;
  accessibility: Accessibility[];
  sort: 'best' | 'nearest' | 'name';
  page: number;
}

export interface SearchResult {
  listing: Listing;
  /** metres to the nearest location; null for services with no location (phone, online) */
  distance: number | null;
}

export interface SearchOutcome {
  results: SearchResult[];
  total: number;
  more: boolean;
  page: number;
  pages: number;
  /** the place searched from, when one was given and found */
  place: { label: string; latitude: number; longitude: number; district: string | null } | null;
  /** words the search also tried, for misspellings ("councelling" -> counselling) */
  corrections: string[];
  crisis: boolean;
  sort: SearchInput['sort'];
}

const STOP_WORDS = new Set(['and', 'the', 'for', 'with', 'near', 'help', 'support', 'service', 'services', 'me', 'my', 'i', 'a', 'an', 'of', 'in', 'to', 'on', 'at', 'or']);

export function searchWords(text: string): string[] {
  const words = text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').match(/[a-z]+/g) ?? [];
  return [...new Set(words.filter((w) => w.length >= 2 && !STOP_WORDS.has(w)))].slice(0, 8);
}

const list = <T extends string>(value: unknown, allowed: readonly T[]): T[] => {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is T => typeof v === 'string' && (allowed as readonly string[]).includes(v));
};

/**
 * Reads the search form (a query string) into a SearchInput, with a message for anything a
 * person typed that cannot be used. Unknown filter values are ignored, not errors.
 */
export function readSearchInput(query: Record<string, unknown>): { input: SearchInput; problems: FieldError[] } {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, 200) : '');
  const problems: FieldError[] = [];
  const ageText = text('age');
  let age: number | null = null;
  if (ageText) {
    age = Number(ageText);
    if (!Number.isInteger(age) || age < 0 || age > 120) {
      problems.push({ field: 'age', message: 'Enter an age in years, like 19' });
      age = null;
    }
  }
  const withinText = text('within');
  const within = (DISTANCES_MILES as readonly number[]).includes(Number(withinText)) ? Number(withinText) : 0;
  const sortText = text('sort');
  const sort = sortText === 'nearest' || sortText === 'name' ? sortText : 'best';
  return {
    input: {
      words: text('q'),
      need: text('need'),
      way: (FIVE_WAYS as readonly string[]).includes(text('way')) ? text('way') : '',
      place: text('place'),
      within,
      selfReferral: query.self === 'yes',
      free: query.free === 'yes',
      openNow: query.open === 'now',
      open24Hours: query.open === '24',
      channels: list(query.channel, CHANNELS),
      age,
      language: text('language'),
      accessibility: list(query.access, ACCESSIBILITY),
      sort,
      page: Math.max(1, Math.min(Number(text('page')) || 1, Math.ceil(MAX_RESULTS / PAGE_SIZE))),
    },
    problems,
  };
}

/** Each word, with the real words it may have been meant as (trigram similarity). */
async function correctWords(db: Queryable, words: string[]): Promise<{ groups: string[][]; corrections: string[] }> {
  if (words.length === 0) return { groups: [], corrections: [] };
  // Most searches use words the directory has: those are found by key, and only the rest are
  // compared (more slowly) with every word by similarity.
  const { rows } = await db.query<{ asked: string; word: string }>(
    `WITH asked AS (SELECT unnest($1::text[]) AS asked),
          known AS (SELECT a.asked, w.word FROM asked a JOIN directory_words w ON w.word = a.asked)
     SELECT asked, word FROM known
     UNION ALL
     SELECT a.asked, d.word FROM asked a
      CROSS JOIN LATERAL (
        SELECT word FROM directory_words
         WHERE word % a.asked AND abs(length(word) - length(a.asked)) <= 3
         ORDER BY word <-> a.asked LIMIT 3
      ) d
      WHERE NOT EXISTS (SELECT 1 FROM known k WHERE k.asked = a.asked)`,
    [words],
  );
  const corrections = new Set<string>();
  const groups = words.map((word) => {
    const alternatives = rows.filter((r) => r.asked === word).map((r) => r.word);
    const known = alternatives.includes(word);
    // A word we know is searched as itself (and its stem); an unknown word also as its nearest
    // real words, so "councelling" finds counselling.
    if (!known) for (const alt of alternatives) corrections.add(alt);
    return known ? [word] : [word, ...alternatives];
  });
  return { groups, corrections: [...corrections] };
}

/** A tsquery string: every group must match, any word within a group will do. */
function tsQueryText(groups: string[][]): string {
  // Whole words, stemmed by the English dictionary (walks, walking and walk are one word): a
  // prefix search would match far more and could not use the index's estimates.
  return groups.map((g) => `(${g.join(' | ')})`).join(' & ');
}

export async function searchDirectory(db: Queryable, tenantId: string, input: SearchInput, now = new Date()): Promise<SearchOutcome | { problems: FieldError[] }> {
  let place: SearchOutcome['place'] = null;
  if (input.place) {
    const located = locatePlace(loadDistrictTable(), input.place);
    if (!located.ok) return { problems: [{ field: 'place', message: located.message }] };
    place = { label: located.label, latitude: located.latitude, longitude: located.longitude, district: located.district };
  }
  const { groups, corrections } = await correctWords(db, searchWords(input.words));

  const params: unknown[] = [tenantId];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['s.tenant_id = $1', 's.published', "s.status <> 'defunct'"];
  let rank = '0';
  if (groups.length) {
    const q = `to_tsquery('english', ${p(tsQueryText(groups))})`;
    where.push(`s.search_document @@ ${q}`);
    rank = `ts_rank_cd(s.search_document, ${q})`;
  }
  if (input.need) {
    where.push(`EXISTS (SELECT 1 FROM directory_service_terms st JOIN taxonomy_terms t ON t.id = st.term_id
                         WHERE st.tenant_id = s.tenant_id AND st.service_id = s.id AND (t.id = ${p(input.need)} OR t.parent_id = $${params.length}))`);
  }
  if (input.way) where.push(`${p(input.way)} = ANY (s.five_ways)`);
  if (input.selfReferral) where.push('s.self_referral');
  if (input.free) where.push('s.free');
  if (input.open24Hours) where.push('s.open_24_hours');
  if (input.openNow) {
    const { day, minute } = ukDayAndMinute(now);
    const yesterday = WEEK_DAYS[(WEEK_DAYS.indexOf(day) + 6) % 7];
    const t = p(`${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);
    // Same rule as isOpenAt in src/domain/opening-hours.ts (tested to agree): hours that close at
    // or before they open run past midnight into the next day.
    where.push(`(s.open_24_hours OR EXISTS (SELECT 1 FROM directory_schedules h WHERE h.tenant_id = s.tenant_id AND h.service_id = s.id AND (
        (h.byday = ${p(day)} AND h.opens_at <= ${t}::time AND (h.closes_at > ${t}::time OR h.closes_at <= h.opens_at))
     OR (h.byday = ${p(yesterday)} AND h.closes_at <= h.opens_at AND h.closes_at > ${t}::time))))`);
  }
  if (input.channels.length) where.push(`s.channels && ${p(input.channels)}::text[]`);
  if (input.accessibility.length) where.push(`s.accessibility @> ${p(input.accessibility)}::text[]`);
  if (input.age !== null) {
    const age = p(input.age);
    where.push(`(s.minimum_age IS NULL OR s.minimum_age <= ${age}) AND (s.maximum_age IS NULL OR s.maximum_age >= ${age})`);
  }
  if (input.language) where.push(`lower(${p(input.language)}) = ANY (SELECT lower(l) FROM unnest(s.languages) AS l)`);

  const sort = input.sort === 'nearest' && !place ? 'best' : input.sort;
  const order =
    sort === 'name' ? 'lower(name), id'
    : sort === 'nearest' || (sort === 'best' && place && groups.length === 0) ? 'distance ASC NULLS LAST, lower(name), id'
    : groups.length ? 'rank DESC, distance ASC NULLS LAST, lower(name), id'
    : 'distance ASC NULLS LAST, lower(name), id';

  // Without a place, the words (GIN index) and filters find the listings. With one, the search
  // starts from the locations inside a box around the place (index on position), so it stays
  // fast however many listings a tenant has; listings with no location (phone lines, online)
  // are available wherever the person is and always join in.
  let from = 'directory_services s';
  let distance = 'NULL::float8';
  if (place) {
    if (place.district) {
      // A listing for named districts is for people who live there.
      where.push(`(cardinality(s.service_districts) = 0 OR ${p(place.district)} = ANY (s.service_districts))`);
    }
    const lat = p(place.latitude);
    const lon = p(place.longitude);
    let box = '';
    if (input.within > 0) {
      const metres = input.within * METRES_A_MILE;
      const dLat = (metres / 6_371_008.8) * (180 / Math.PI);
      const dLon = dLat / Math.max(0.01, Math.cos((place.latitude * Math.PI) / 180));
      box = `AND l.latitude BETWEEN ${p(place.latitude - dLat)} AND ${p(place.latitude + dLat)}
             AND l.longitude BETWEEN ${p(place.longitude - dLon)} AND ${p(place.longitude + dLon)}`;
    }
    const radius = input.within > 0 ? `WHERE distance <= ${p(input.within * METRES_A_MILE)}` : '';
    // The candidates are worked out first and each then looked up by key (the OFFSET 0 keeps
    // the planner from turning that into a scan of every listing for the word filters).
    from = `(
        SELECT service_id AS id, distance FROM (
          SELECT l.service_id, min(6371008.8 * 2 * asin(sqrt(
                   power(sin(radians(l.latitude - ${lat}::float8) / 2), 2) +
                   cos(radians(${lat}::float8)) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lon}::float8) / 2), 2)))) AS distance
            FROM directory_locations l
           WHERE l.tenant_id = $1 AND l.latitude IS NOT NULL ${box}
           GROUP BY l.service_id
        ) located ${radius}
        UNION ALL
        SELECT id, NULL::float8 FROM directory_services WHERE tenant_id = $1 AND NOT has_location
      ) c CROSS JOIN LATERAL (SELECT * FROM directory_services s WHERE s.tenant_id = $1 AND s.id = c.id OFFSET 0) s`;
    distance = 'c.distance';
  }

  const { rows } = await db.query<{ id: string; distance: number | null; total: number }>(
    `WITH matches AS (
       SELECT s.id, s.name, ${rank} AS rank, ${distance} AS distance
         FROM ${from}
        WHERE ${where.join(' AND ')}
     ), kept AS (
       SELECT * FROM matches ORDER BY ${order} LIMIT ${MAX_RESULTS + 1}
     )
     SELECT id, distance, count(*) OVER () AS total FROM kept
      ORDER BY ${order}
      LIMIT ${PAGE_SIZE} OFFSET ${(input.page - 1) * PAGE_SIZE}`,
    params,
  );
  const found = Number(rows[0]?.total ?? 0);
  const listings = await getListings(db, tenantId, rows.map((r) => r.id));
  const distances = new Map(rows.map((r) => [r.id, r.distance]));
  const total = Math.min(found, MAX_RESULTS);
  return {
    results: listings.map((listing) => ({ listing, distance: distances.get(listing.id) ?? null })),
    total,
    more: found > MAX_RESULTS,
    page: input.page,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    place,
    corrections,
    crisis: suggestsCrisis(input.words),
    sort,
  };
}

/**
 * The tenant's crisis options from the directory: local ones before national ones; with a place,
 * the nearest places first and then the phone lines; without one, those open all the time first.
 */
export async function crisisListings(db: Queryable, tenantId: string, place: SearchOutcome['place']): Promise<SearchResult[]> {
  const params: unknown[] = [tenantId];
  let distance = 'NULL::float8';
  if (place) {
    params.push(place.latitude, place.longitude);
    distance = `(SELECT min(6371008.8 * 2 * asin(sqrt(power(sin(radians(l.latitude - $2::float8) / 2), 2) +
        cos(radians($2::float8)) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - $3::float8) / 2), 2))))
      FROM directory_locations l WHERE l.tenant_id = s.tenant_id AND l.service_id = s.id AND l.latitude IS NOT NULL)`;
  }
  const { rows } = await db.query<{ id: string; distance: number | null }>(
    `SELECT id, distance FROM (
       SELECT s.id, s.name, s.national, s.open_24_hours, ${distance} AS distance
         FROM directory_services s
        WHERE s.tenant_id = $1 AND s.published AND s.crisis AND s.status = 'active'
     ) c
     ORDER BY national, ${place ? 'distance ASC NULLS LAST,' : ''} open_24_hours DESC, lower(name)
     LIMIT 20`,
    params,
  );
  const listings = await getListings(db, tenantId, rows.map((r) => r.id));
  const distances = new Map(rows.map((r) => [r.id, r.distance]));
  return listings.map((listing) => ({ listing, distance: distances.get(listing.id) ?? null }));
}

export interface SearchOptions {
  needs: { id: string; name: string }[];
  languages: string[];
}

// The lists in the search form change only when listings do; working them out on every search
// would cost more than the search. A minute's delay in a new language appearing is harmless.
const OPTIONS_TTL_MS = 60_000;
const optionsCache = new WeakMap<Queryable, Map<string, { at: number; options: Promise<SearchOptions> }>>();

/** Needs and languages to offer in the search form's lists (kept for a minute per tenant). */
export function searchOptions(db: Queryable, tenantId: string, now = Date.now()): Promise<SearchOptions> {
  const forDb = optionsCache.get(db) ?? new Map();
  optionsCache.set(db, forDb);
  const cached = forDb.get(tenantId);
  if (cached && now - cached.at < OPTIONS_TTL_MS) return cached.options;
  const options = loadSearchOptions(db, tenantId);
  forDb.set(tenantId, { at: now, options });
  options.catch(() => forDb.delete(tenantId));
  return options;
}

async function loadSearchOptions(db: Queryable, tenantId: string): Promise<SearchOptions> {
  const [needs, languages] = await Promise.all([
    db.query<{ id: string; name: string }>(
      `SELECT t.id, t.name FROM taxonomy_terms t
        WHERE t.taxonomy <> 'five-ways'
          AND EXISTS (SELECT 1 FROM directory_service_terms st WHERE st.tenant_id = $1 AND st.term_id = t.id)
        ORDER BY t.name`,
      [tenantId],
    ),
    db.query<{ language: string }>(
      `SELECT DISTINCT l AS language FROM directory_services s, unnest(s.languages) AS l
        WHERE s.tenant_id = $1 AND s.published ORDER BY l`,
      [tenantId],
    ),
  ]);
  return { needs: needs.rows, languages: languages.rows.map((r) => r.language) };
}

/** "Less than half a mile away", "About 2.3 miles away", "About 14 miles away". */
export function distanceText(metres: number, from?: string): string {
  const miles = metres / METRES_A_MILE;
  const place = from ? ` from ${from}` : ' away';
  if (miles < 0.5) return `Less than half a mile${place}`;
  return `About ${miles < 10 ? miles.toFixed(1) : Math.round(miles)} miles${place}`;
}

export type { FiveWay };
