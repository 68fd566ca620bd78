// The SQL behind the ORUK API: which listings a tenant shows (published and not defunct), the
// /services filters, nearest-first service_at_locations and the shared taxonomy.
import type { Queryable } from '../../../db/database.ts';
import { getListings, SERVICE_COLUMNS, toListing } from '../store.ts';
import type { Listing } from '../listing.ts';
import { EARTH_RADIUS_METRES, type LatLng } from '../../../domain/places.ts';
import { isUuid, nameUuid } from './ids.ts';
import { offsetOf, type Paging, type ServiceQuery } from './params.ts';

const MINUTES_A_DAY = 24 * 60;
const MINUTES_A_WEEK = 7 * MINUTES_A_DAY;
const DAY_ORDER = `ARRAY['MO','TU','WE','TH','FR','SA','SU']`;

/** Collects parameters and hands back their $n placeholders. */
class Params {
  readonly values: unknown[] = [];
  /** the placeholder of the search words, when there are any */
  search: string | null = null;
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export interface TermRow {
  id: string;
  taxonomy: string;
  name: string;
  description: string;
  parent_id: string | null;
}

/** What a service filter resolves to before it becomes SQL. */
export interface ResolvedServiceQuery extends ServiceQuery {
  /** Lantern term ids for taxonomy_term_id (empty: the term does not exist, so nothing matches) */
  termIds: string[] | null;
  /** the taxonomy's name for taxonomy_id (empty string: no such taxonomy) */
  taxonomyName: string | null;
}

/** A service the public may see through ORUK: published, and not defunct (inactive and temporarily closed are shown with their status). */
function visible(p: Params, tenantId: string, alias = 's'): string {
  return `${alias}.tenant_id = ${p.add(tenantId)} AND ${alias}.published AND ${alias}.status <> 'defunct'`;
}

const normalise = (id: string): string => (isUuid(id) ? id.toLowerCase() : id);

/** Lantern ids of taxonomy terms with this ORUK id (or this Lantern id). */
export async function resolveTermIds(db: Queryable, id: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM taxonomy_terms WHERE id = $1 OR oruk_id = $2::uuid ORDER BY id`,
    [id, isUuid(id) ? id.toLowerCase() : null],
  );
  return rows.map((r) => r.id);
}

export const taxonomyUuid = (name: string): string => nameUuid(`taxonomy:${name}`);

export async function taxonomyNames(db: Queryable): Promise<{ name: string; terms: number }[]> {
  const { rows } = await db.query<{ name: string; terms: number }>(
    'SELECT taxonomy AS name, count(*)::int AS terms FROM taxonomy_terms GROUP BY taxonomy ORDER BY taxonomy',
  );
  return rows;
}

/** The taxonomy's name for an ORUK taxonomy id (or for its name), or null. */
export async function resolveTaxonomy(db: Queryable, id: string): Promise<string | null> {
  const wanted = normalise(id);
  return (await taxonomyNames(db)).find((t) => t.name === id || taxonomyUuid(t.name) === wanted)?.name ?? null;
}

export async function resolveServiceQuery(db: Queryable, q: ServiceQuery): Promise<ResolvedServiceQuery> {
  return {
    ...q,
    termIds: q.taxonomyTermId === null ? null : await resolveTermIds(db, q.taxonomyTermId),
    taxonomyName: q.taxonomyId === null ? null : ((await resolveTaxonomy(db, q.taxonomyId)) ?? ''),
  };
}

/**
 * The week's windows (minutes from Monday 00:00) a day/start_time/end_time filter asks about. An
 * end at or before the start runs past midnight; start and end the same asks about that moment.
 */
export function askedWindows(q: Pick<ServiceQuery, 'day' | 'startTime' | 'endTime'>): [number, number][] | null {
  if (q.day === null && q.startTime === null && q.endTime === null) return null;
  const start = q.startTime ?? 0;
  let end = q.endTime ?? MINUTES_A_DAY;
  if (end < start || (end === start && q.startTime === null)) end += MINUTES_A_DAY;
  const days = q.day === null ? [0, 1, 2, 3, 4, 5, 6] : [['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'].indexOf(q.day)];
  return days.map((d) => [d * MINUTES_A_DAY + start, d * MINUTES_A_DAY + end]);
}

function serviceConditions(p: Params, tenantId: string, q: ResolvedServiceQuery): string[] {
  const where = [visible(p, tenantId)];
  if (q.search !== null) {
    p.search = p.add(q.search);
    const query = `websearch_to_tsquery('english', ${p.search})`;
    where.push(`(numnode(${query}) = 0 OR s.search_document @@ ${query})`);
  }
  if (q.termIds !== null) {
    where.push(`EXISTS (SELECT 1 FROM directory_service_terms st WHERE st.tenant_id = s.tenant_id AND st.service_id = s.id
      AND st.term_id = ANY(${p.add(q.termIds)}::text[]))`);
  }
  if (q.taxonomyName !== null) {
    where.push(`EXISTS (SELECT 1 FROM directory_service_terms st JOIN taxonomy_terms t ON t.id = st.term_id
      WHERE st.tenant_id = s.tenant_id AND st.service_id = s.id AND t.taxonomy = ${p.add(q.taxonomyName)})`);
  }
  // As the ORUK openapi says: minimum_age "a minimum age of at least", maximum_age "at or below".
  if (q.minimumAge !== null) where.push(`coalesce(s.minimum_age, 0) >= ${p.add(q.minimumAge)}`);
  if (q.maximumAge !== null) where.push(`s.maximum_age <= ${p.add(q.maximumAge)}`);
  if (q.age !== null) {
    const age = p.add(q.age);
    where.push(`coalesce(s.minimum_age, 0) <= ${age} AND coalesce(s.maximum_age, 130) >= ${age}`);
  }
  const windows = askedWindows(q);
  if (windows) {
    // Each day's hours as a stretch of the week; a stretch past Sunday midnight wraps to Monday.
    const opens = `(array_position(${DAY_ORDER}, h.byday) - 1) * ${MINUTES_A_DAY} + extract(epoch FROM h.opens_at)::int / 60`;
    const length = `CASE WHEN h.closes_at > h.opens_at
        THEN (extract(epoch FROM h.closes_at)::int - extract(epoch FROM h.opens_at)::int) / 60
        ELSE ${MINUTES_A_DAY} - extract(epoch FROM h.opens_at)::int / 60 + extract(epoch FROM h.closes_at)::int / 60 END`;
    const overlaps = (shift: number) =>
      `(hours.a + ${shift} < greatest(w.c + 1, w.d) AND w.c < hours.a + hours.len + ${shift})`;
    where.push(`EXISTS (
      SELECT 1 FROM directory_schedules h
        CROSS JOIN LATERAL (SELECT ${opens} AS a, ${length} AS len) AS hours
        CROSS JOIN unnest(${p.add(windows.map((w) => w[0]))}::int[], ${p.add(windows.map((w) => w[1]))}::int[]) AS w(c, d)
       WHERE h.tenant_id = s.tenant_id AND h.service_id = s.id
         AND (${overlaps(0)} OR ${overlaps(-MINUTES_A_WEEK)} OR ${overlaps(MINUTES_A_WEEK)}))`);
  }
  return where;
}

type ServiceRow = Parameters<typeof toListing>[0];

/** One page of services (their own fields only: no locations, hours or terms) and how many there are. */
export async function findServices(
  db: Queryable,
  tenantId: string,
  q: ResolvedServiceQuery,
  paging: Paging,
): Promise<{ total: number; listings: Listing[] }> {
  const p = new Params();
  const where = serviceConditions(p, tenantId, q).join(' AND ');
  const count = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM directory_services s WHERE ${where}`, p.values);
  const total = count.rows[0]?.total ?? 0;
  const offset = offsetOf(paging);
  if (offset >= total) return { total, listings: [] };
  const rank = p.search === null ? '' : `ts_rank(s.search_document, websearch_to_tsquery('english', ${p.search})) DESC, `;
  const { rows } = await db.query<ServiceRow>(
    `SELECT ${SERVICE_COLUMNS} FROM directory_services s WHERE ${where}
      ORDER BY ${rank}s.name, s.id LIMIT ${p.add(paging.perPage)} OFFSET ${p.add(offset)}`,
    p.values,
  );
  return { total, listings: rows.map((row) => toListing(row, [], [], [])) };
}

/** The whole listing a visitor may see with this ORUK id (or Lantern id), or null. */
export async function findService(db: Queryable, tenantId: string, id: string): Promise<Listing | null> {
  const p = new Params();
  // Its Lantern id, or its ORUK id (the stored name-based UUID of a Lantern id that is not one).
  const { rows } = await db.query<{ id: string }>(
    `SELECT s.id FROM directory_services s
      WHERE ${visible(p, tenantId)} AND (s.id = ${p.add(id)} OR s.oruk_id = ${p.add(isUuid(id) ? id.toLowerCase() : null)}::uuid)
      LIMIT 1`,
    p.values,
  );
  return rows[0] ? ((await getListings(db, tenantId, [rows[0].id]))[0] ?? null) : null;
}

export interface LocationHit {
  serviceId: string;
  locationId: string;
  /** metres from the postcode's district centroid, when a postcode was given and the location has a position */
  distance: number | null;
}

/** SQL for the great-circle distance in metres from a point, the same sum as distanceMetres. */
function distanceSql(p: Params, from: LatLng): string {
  const lat = p.add(from.latitude);
  const lng = p.add(from.longitude);
  return `round(2 * ${EARTH_RADIUS_METRES} * asin(sqrt(least(1, greatest(0,
    power(sin(radians(l.latitude - ${lat}::float8) / 2), 2)
    + cos(radians(${lat}::float8)) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lng}::float8) / 2), 2))))))`;
}

/** One page of a tenant's service locations: nearest first from a point when given, else by service name. */
export async function findServiceAtLocations(
  db: Queryable,
  tenantId: string,
  q: ResolvedServiceQuery,
  near: { point: LatLng; district: string; proximity: number | null } | null,
  paging: Paging,
): Promise<{ total: number; hits: LocationHit[] }> {
  // Built afresh for the count and for the page, so each query has only the parameters it uses.
  const build = (withDistance: boolean) => {
    const p = new Params();
    const where = serviceConditions(p, tenantId, q);
    let distance = 'NULL::float8';
    if (near) {
      // The postcode must be in the service's area, when it has one.
      where.push(`(s.national OR cardinality(s.service_districts) = 0 OR ${p.add(near.district)} = ANY(s.service_districts))`);
      if (withDistance || near.proximity !== null) distance = distanceSql(p, near.point);
      if (near.proximity !== null) {
        // A box around the circle first, so the position index can narrow the search.
        const dLat = near.proximity / 111_000 + 0.01;
        const dLng = near.proximity / (111_000 * Math.max(0.05, Math.cos((near.point.latitude * Math.PI) / 180))) + 0.01;
        where.push(`l.latitude BETWEEN ${p.add(near.point.latitude - dLat)} AND ${p.add(near.point.latitude + dLat)}`);
        where.push(`l.longitude BETWEEN ${p.add(near.point.longitude - dLng)} AND ${p.add(near.point.longitude + dLng)}`);
        where.push(`${distance} <= ${p.add(near.proximity)}`);
      }
    }
    return { p, distance, conditions: where.join(' AND ') };
  };
  const from = `directory_locations l JOIN directory_services s ON s.tenant_id = l.tenant_id AND s.id = l.service_id`;
  const counting = build(false);
  const count = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM ${from} WHERE ${counting.conditions}`, counting.p.values);
  const total = count.rows[0]?.total ?? 0;
  const offset = offsetOf(paging);
  if (offset >= total) return { total, hits: [] };
  const { p, distance, conditions } = build(true);
  const { rows } = await db.query<{ service_id: string; location_id: string; distance: number | null }>(
    `SELECT l.service_id, l.id AS location_id, ${distance} AS distance FROM ${from} WHERE ${conditions}
      ORDER BY 3 NULLS LAST, s.name, s.id, l.name, l.id LIMIT ${p.add(paging.perPage)} OFFSET ${p.add(offset)}`,
    p.values,
  );
  return {
    total,
    hits: rows.map((r) => ({ serviceId: r.service_id, locationId: r.location_id, distance: r.distance === null ? null : Number(r.distance) })),
  };
}

/** The listing and location a visitor may see for this ORUK service_at_location id, or null. */
export async function findServiceAtLocation(
  db: Queryable,
  tenantId: string,
  id: string,
): Promise<{ listing: Listing; locationId: string } | null> {
  const p = new Params();
  const { rows } = await db.query<{ service_id: string; id: string }>(
    `SELECT l.service_id, l.id FROM directory_locations l
       JOIN directory_services s ON s.tenant_id = l.tenant_id AND s.id = l.service_id
      WHERE ${visible(p, tenantId)} AND (l.id = ${p.add(id)} OR l.oruk_id = ${p.add(isUuid(id) ? id.toLowerCase() : null)}::uuid)
      LIMIT 1`,
    p.values,
  );
  const row = rows[0];
  if (!row) return null;
  const listing = (await getListings(db, tenantId, [row.service_id]))[0];
  return listing ? { listing, locationId: row.id } : null;
}

export async function termsById(db: Queryable, ids: readonly string[]): Promise<Map<string, TermRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<TermRow>(
    'SELECT id, taxonomy, name, description, parent_id FROM taxonomy_terms WHERE id = ANY($1::text[])',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

export async function findTerms(
  db: Queryable,
  filter: { taxonomy: string | null; parentIds: string[] | null; topOnly: boolean },
  paging: Paging,
): Promise<{ total: number; terms: TermRow[] }> {
  const p = new Params();
  const where = ['true'];
  if (filter.taxonomy !== null) where.push(`taxonomy = ${p.add(filter.taxonomy)}`);
  if (filter.parentIds !== null) where.push(`parent_id = ANY(${p.add(filter.parentIds)}::text[])`);
  if (filter.topOnly) where.push('parent_id IS NULL');
  const conditions = where.join(' AND ');
  const count = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM taxonomy_terms WHERE ${conditions}`, p.values);
  const total = count.rows[0]?.total ?? 0;
  const offset = offsetOf(paging);
  if (offset >= total) return { total, terms: [] };
  const { rows } = await db.query<TermRow>(
    `SELECT id, taxonomy, name, description, parent_id FROM taxonomy_terms WHERE ${conditions}
      ORDER BY taxonomy, name, id LIMIT ${p.add(paging.perPage)} OFFSET ${p.add(offset)}`,
    p.values,
  );
  return { total, terms: rows };
}

export async function findTerm(db: Queryable, id: string): Promise<TermRow | null> {
  const ids = await resolveTermIds(db, id);
  if (ids.length === 0) return null;
  return (await termsById(db, ids.slice(0, 1))).get(ids[0]!) ?? null;
}
