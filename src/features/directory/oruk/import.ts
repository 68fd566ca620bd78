// Importing an Open Referral UK feed into a tenant's directory, so a tenant can include a
// neighbouring directory. The source is one of:
//   - the base URL of an ORUK API (e.g. https://directory.example.org/oruk): its /services pages
//     are walked for ids and each /services/{id} fetched whole;
//   - the URL of a .json document, or a local JSON file, holding one full service, a list of
//     them, or a paged envelope ({ contents: [...] }).
//
// Ids: a listing's id is the source's service id behind a prefix, `${prefix}:${sourceId}`, where the
// prefix is the feed's host (with port) for a URL and `file` for a file, unless given. The prefix
// keeps an imported listing apart from the tenant's own (even when a feed serves back listings it
// got from this tenant), and importing the same feed again updates listings in place. Locations and
// hours are `${listingId}#${sourceId}`, so two services sharing a source location stay separate.
//
// Each service is mapped to a ListingInput (published, source = the URL or file; what Lantern does
// not model goes into `extra`: see render.ts) and saved with saveListing in its own transaction,
// with its taxonomy terms. A record that cannot be read is skipped with its reason and nothing of it
// is written. Terms are shared by all tenants, so an import adds terms it does not find but never
// changes an existing one; a term the feed serves under a Lantern name-based UUID (a Lantern feed)
// is matched back to the Lantern term.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, Queryable } from '../../../db/database.ts';
import { parseTime } from '../../../domain/opening-hours.ts';
import { saveListing } from '../store.ts';
import {
  ACCESSIBILITY, CHANNELS, DAYS, FIVE_WAYS, STATUSES,
  type Accessibility, type Channel, type Day, type FiveWay, type ListingHours, type ListingInput, type ListingLocation, type ServiceStatus,
} from '../listing.ts';
import { isUuid, nameUuid } from './ids.ts';
import { accessibilityIn, isObj, objs, serviceAreaDistrict, type Obj, type OrukDetail } from './render.ts';

export interface ImportOptions {
  tenantId: string;
  /** the base URL of an ORUK API, the URL of a JSON document, or a file path */
  source: string;
  /** for tests and proxies; the global fetch by default */
  fetch?: typeof globalThis.fetch;
  /** what goes before each source id; the feed's host, or 'file' for a file */
  idPrefix?: string;
}

export interface ImportSummary {
  created: number;
  updated: number;
  skipped: { id: string; reason: string }[];
  /** parts of records that were imported without something that could not be read */
  warnings: { id: string; message: string }[];
}

/** The feed itself could not be read: nothing more is imported. */
export class FeedError extends Error {
  override name = 'FeedError';
}

class SkipRecord extends Error {}

const MAX_PAGES = 10_000;
const FETCH_BATCH = 8;
const TIMEOUT_MS = 30_000;

interface ImportedTerm {
  sourceId: string;
  name: string | null;
  description: string;
  taxonomy: string;
  parentSourceId: string | null;
  /** the source's attribute, without its term */
  attribute: Obj;
}

interface Mapped {
  listing: ListingInput;
  terms: ImportedTerm[];
  warnings: string[];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  const t = text(value);
  return t !== null && t.length <= 150 && ![...t].some((c) => c.charCodeAt(0) < 32) ? t : null;
}

function omit(object: Obj, keys: readonly string[]): Obj {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
}

/** Replaces ids that are not UUIDs (which ORUK requires) with name-based ones, the same each import. */
function uuidIds(value: unknown, scope: string): unknown {
  if (Array.isArray(value)) return value.map((v) => uuidIds(v, scope));
  if (!isObj(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => {
    const idLike = key === 'id' || key.endsWith('_id');
    if (idLike && (typeof v === 'string' || typeof v === 'number') && !isUuid(v)) return [key, nameUuid(`${scope}:${String(v)}`)];
    if (idLike && isUuid(v)) return [key, v.toLowerCase()];
    return [key, uuidIds(v, scope)];
  }));
}

function clock(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // 09:00, 09:00:00, 09:00:00Z, 09:00+01:00: the time of day, as Lantern keeps it (UK local).
  const minutes = parseTime(value.trim().replace(/(Z|[+-]\d{2}:?\d{2})$/i, ''));
  if (minutes === null) return null;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function ageOf(record: Obj, key: string): number | null {
  const value = record[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 130) {
    throw new SkipRecord(`${key} must be a whole number of years from 0 to 130 (it is ${JSON.stringify(value)})`);
  }
  return value;
}

function subset<T extends string>(value: unknown, allowed: readonly T[]): T[] | null {
  if (!Array.isArray(value)) return null;
  return allowed.filter((a) => value.includes(a));
}

const SERVICE_FIELDS_LANTERN_OWNS = [
  'id', 'organization_id', 'name', 'description', 'url', 'email', 'status', 'fees', 'minimum_age', 'maximum_age',
  'assured_date', 'last_modified', 'eligibility_description', 'application_process', 'schedules', 'service_at_locations',
  'attributes', 'lantern',
];

/** One ORUK service as a Lantern listing, or a SkipRecord saying why it cannot be. */
export function mapOrukService(raw: unknown, context: { tenantId: string; prefix: string; source: string }): Mapped {
  if (!isObj(raw)) throw new SkipRecord('it is not a JSON object');
  const record = raw;
  const sourceId = idText(record.id);
  if (sourceId === null) throw new SkipRecord('it has no id');
  const id = `${context.prefix}:${sourceId}`;
  if (id.length > 200) throw new SkipRecord('its id is too long (Lantern keeps ids of up to 200 characters with the prefix)');
  const name = text(record.name);
  if (name === null) throw new SkipRecord('it has no name');
  const status = record.status;
  if (typeof status !== 'string' || !(STATUSES as readonly string[]).includes(status)) {
    throw new SkipRecord(`its status is ${JSON.stringify(status ?? null)}; ORUK allows active, inactive, defunct or temporarily closed`);
  }
  for (const key of ['description', 'url', 'email', 'fees', 'eligibility_description', 'application_process']) {
    if (record[key] !== undefined && record[key] !== null && typeof record[key] !== 'string') throw new SkipRecord(`${key} must be text`);
  }
  for (const key of ['schedules', 'service_at_locations', 'attributes', 'languages', 'service_areas', 'phones', 'contacts', 'funding', 'cost_options']) {
    if (record[key] !== undefined && record[key] !== null && !Array.isArray(record[key])) throw new SkipRecord(`${key} must be a list`);
  }
  if (record.organization !== undefined && record.organization !== null && !isObj(record.organization)) {
    throw new SkipRecord('organization must be an object');
  }
  const minimumAge = ageOf(record, 'minimum_age');
  const maximumAge = ageOf(record, 'maximum_age');
  if (minimumAge !== null && maximumAge !== null && minimumAge > maximumAge) {
    throw new SkipRecord(`its minimum_age (${minimumAge}) is above its maximum_age (${maximumAge})`);
  }

  const warnings: string[] = [];
  const detail: Required<OrukDetail> = { locations: {}, schedules: {}, attributes: {}, other_schedules: [] };

  // Locations (each service_at_location's location) and the schedules hung on them.
  const locations: ListingLocation[] = [];
  const locationOfSource = new Map<string, string>();
  const schedules: { schedule: Obj; locationId: string | null }[] = objs(record.schedules).map((schedule) => ({ schedule, locationId: null }));
  objs(record.service_at_locations).forEach((sal, index) => {
    const location = isObj(sal.location) ? sal.location : null;
    if (!location) {
      warnings.push(`service_at_location ${index + 1} has no location, so it was left out`);
      return;
    }
    const sourceLocationId = idText(location.id) ?? idText(sal.id) ?? String(index + 1);
    const locationId = `${id}#${sourceLocationId}`;
    if (locations.some((l) => l.id === locationId)) return;
    const addresses = objs(location.addresses);
    const address = addresses.find((a) => a.address_type === 'physical') ?? addresses[0];
    const position = (key: 'latitude' | 'longitude', limit: number): number | null => {
      const value = location[key];
      if (value === undefined || value === null) return null;
      if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit) return value;
      warnings.push(`location ${sourceLocationId} has a ${key} of ${JSON.stringify(value)}, which is not on Earth, so its position comes from its postcode`);
      return null;
    };
    const latitude = position('latitude', 90);
    const longitude = position('longitude', 180);
    locations.push({
      id: locationId,
      name: text(location.name) ?? '',
      address1: text(address?.address_1) ?? '',
      city: text(address?.city) ?? '',
      postcode: text(address?.postal_code),
      district: null,
      latitude: latitude !== null && longitude !== null ? latitude : null,
      longitude: latitude !== null && longitude !== null ? longitude : null,
    });
    // The address Lantern keeps goes first: it is the one served with Lantern's values.
    const ordered = address ? [address, ...addresses.filter((a) => a !== address)] : addresses;
    detail.locations[locationId] = {
      location: { ...omit(location, ['id', 'name', 'latitude', 'longitude', 'addresses']), addresses: ordered },
      service_at_location: omit(sal, ['id', 'service_id', 'location_id', 'location', 'schedules']),
    };
    for (const key of [idText(sal.id), idText(location.id)]) if (key) locationOfSource.set(key, locationId);
    for (const schedule of objs(sal.schedules)) schedules.push({ schedule, locationId });
  });

  // Weekly hours Lantern can hold become its hours; any other schedule is kept as it came.
  const hours: ListingHours[] = [];
  schedules.forEach(({ schedule, locationId }, index) => {
    const freq = typeof schedule.freq === 'string' ? schedule.freq.toUpperCase() : 'WEEKLY';
    const days = typeof schedule.byday === 'string' ? schedule.byday.split(',').map((d) => d.trim().toUpperCase()) : [];
    const opens = clock(schedule.opens_at);
    const closes = clock(schedule.closes_at);
    const weekly = freq === 'WEEKLY' && (schedule.interval === undefined || schedule.interval === null || schedule.interval === 1)
      && days.length > 0 && days.every((d) => (DAYS as readonly string[]).includes(d)) && opens !== null && closes !== null;
    if (!weekly) {
      detail.other_schedules.push(omit(schedule, ['service_id']));
      return;
    }
    const sourceScheduleId = idText(schedule.id) ?? `schedule-${index + 1}`;
    const sal = idText(schedule.service_at_location_id) ?? idText(schedule.location_id);
    const at = locationId ?? (sal ? (locationOfSource.get(sal) ?? null) : null);
    for (const day of new Set(days) as Set<Day>) {
      const hoursId = `${id}#${sourceScheduleId}:${day}`;
      if (hours.some((h) => h.id === hoursId)) continue;
      hours.push({ id: hoursId, day, opens: opens!, closes: closes!, locationId: at, description: '' });
      detail.schedules[hoursId] = omit(schedule, ['id', 'service_id', 'service_at_location_id', 'location_id', 'freq', 'byday', 'opens_at', 'closes_at']);
    }
  });

  // Taxonomy terms, from the service's attributes.
  const terms: ImportedTerm[] = [];
  objs(record.attributes).forEach((attribute, index) => {
    const term = isObj(attribute.taxonomy_term) ? attribute.taxonomy_term : null;
    const termId = idText(term?.id) ?? idText(attribute.taxonomy_term_id);
    if (termId === null) {
      warnings.push(`attribute ${index + 1} names no taxonomy term, so it was left out`);
      return;
    }
    const taxonomyDetail = isObj(term?.taxonomy_detail) ? term.taxonomy_detail : {};
    terms.push({
      sourceId: termId,
      name: text(term?.name) ?? text(term?.term),
      description: text(term?.description) ?? '',
      taxonomy: text(term?.taxonomy) ?? text(taxonomyDetail.name) ?? text(term?.vocabulary) ?? 'imported',
      parentSourceId: idText(term?.parent_id),
      attribute: omit(attribute, ['taxonomy_term', 'taxonomy_term_id', 'link_id']),
    });
  });

  // Phone and text numbers: the service's own phones (HSDS 3.0), else its contacts'.
  const phones = [...objs(record.phones), ...objs(record.contacts).flatMap((c) => objs(c.phones))];
  const isText = (p: Obj) => /\b(text|sms)\b/i.test(`${text(p.description) ?? ''} ${text(p.type) ?? ''}`);
  const phone = text(phones.find((p) => !isText(p) && text(p.number))?.number);
  const textNumber = text(phones.find((p) => isText(p) && text(p.number))?.number);

  const fees = text(record.fees);
  const costOptions = objs(record.cost_options);
  const saysFree = fees !== null && /^free\b/i.test(fees);
  const free = saysFree || (fees === null && !costOptions.some((c) => typeof c.amount === 'number' && c.amount > 0));

  let lastConfirmedAt: Date | undefined;
  if (typeof record.assured_date === 'string' && /^\d{4}-\d{2}-\d{2}/.test(record.assured_date)) {
    const date = new Date(`${record.assured_date.slice(0, 10)}T12:00:00Z`);
    if (!Number.isNaN(date.getTime())) lastConfirmedAt = date;
  }
  if (record.assured_date !== undefined && lastConfirmedAt === undefined) {
    warnings.push(`its assured_date ${JSON.stringify(record.assured_date)} is not a date, so it was left out`);
  }

  // Lantern's own facts, when the feed is another Lantern.
  const lantern = isObj(record.lantern) ? record.lantern : {};
  const locationTexts = Object.values(detail.locations).flatMap((d) => objs(d.location?.accessibility))
    .map((a) => `${text(a.description) ?? ''} ${text(a.details) ?? ''} ${text(a.accessibility) ?? ''}`);
  const channels: Channel[] = subset(lantern.channels, CHANNELS) ?? CHANNELS.filter((c) =>
    (c === 'in_person' && Object.values(detail.locations).some((d) => (d.location?.location_type ?? 'physical') === 'physical'))
    || (c === 'phone' && phone !== null)
    || (c === 'text' && textNumber !== null)
    || (c === 'online' && Object.values(detail.locations).some((d) => d.location?.location_type === 'virtual')));
  const accessibility: Accessibility[] = subset(lantern.accessibility, ACCESSIBILITY)
    ?? ACCESSIBILITY.filter((a) => locationTexts.some((t) => accessibilityIn(t).includes(a)));
  const description = text(record.description) ?? '';
  const organization = isObj(record.organization) ? record.organization : null;

  const extra: Obj = omit(record, SERVICE_FIELDS_LANTERN_OWNS);
  if (!organization && idText(record.organization_id)) extra.organization_id = record.organization_id;
  extra._oruk = detail;

  const listing: ListingInput = {
    id,
    tenantId: context.tenantId,
    organisationId: null,
    organisationName: text(organization?.name) ?? '',
    name,
    summary: text(lantern.summary) ?? summaryOf(description),
    description,
    eligibility: text(record.eligibility_description) ?? '',
    howToAccess: text(record.application_process) ?? '',
    status: status as ServiceStatus,
    published: true,
    phone,
    textNumber,
    email: text(record.email),
    url: text(record.url),
    selfReferral: lantern.self_referral === true,
    hubReferral: false,
    free,
    costDescription: saysFree && /^free\.?$/i.test(fees ?? '') ? '' : (fees ?? ''),
    channels,
    minimumAge,
    maximumAge,
    languages: [...new Set(objs(record.languages).flatMap((l) => text(l.name) ?? text(l.code) ?? []))],
    accessibility,
    fiveWays: (subset(lantern.five_ways, FIVE_WAYS) ?? []) as FiveWay[],
    crisis: lantern.crisis === true,
    national: lantern.national === true,
    serviceDistricts: [...new Set(objs(record.service_areas).flatMap((a) => serviceAreaDistrict(a) ?? []))],
    termIds: [],
    source: context.source,
    demo: false,
    locations,
    hours,
    extra: uuidIds(extra, id) as Obj,
    ...(lastConfirmedAt ? { lastConfirmedAt } : {}),
  };
  return { listing, terms, warnings };
}

/** The first sentence of a description, when it is short enough to be a summary. */
function summaryOf(description: string): string {
  const sentence = /^.*?[.!?](\s|$)/s.exec(description)?.[0]?.trim() ?? description;
  return sentence.length <= 200 ? sentence : '';
}

/** The Lantern id of a term: the one it already has here, else a new one (the source's UUID, or the id behind the prefix). */
async function termIdFor(tx: Queryable, sourceId: string, prefix: string): Promise<{ id: string; exists: boolean }> {
  const candidate = isUuid(sourceId) ? sourceId.toLowerCase() : `${prefix}:${sourceId}`;
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM taxonomy_terms WHERE id = $1 OR id = $2 OR oruk_id = $3::uuid ORDER BY (id = $1) DESC LIMIT 1`,
    [candidate, sourceId, isUuid(candidate) ? candidate.toLowerCase() : null],
  );
  return rows[0] ? { id: rows[0].id, exists: true } : { id: candidate, exists: false };
}

async function saveMapped(tx: Queryable, mapped: Mapped, prefix: string): Promise<{ existed: boolean; warnings: string[] }> {
  const { listing } = mapped;
  const warnings: string[] = [];
  const existing = await tx.query<{ source: string }>(
    'SELECT source FROM directory_services WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
    [listing.tenantId, listing.id],
  );
  if (existing.rows[0]?.source === 'lantern') throw new SkipRecord(`a listing made in Lantern already has the id ${listing.id}`);
  const termIds: string[] = [];
  const attributes: Record<string, Obj> = {};
  for (const term of mapped.terms) {
    const found = await termIdFor(tx, term.sourceId, prefix);
    if (!found.exists) {
      if (term.name === null) {
        warnings.push(`taxonomy term ${term.sourceId} is not known here and the feed gives no name for it, so it was left out`);
        continue;
      }
      const parent = term.parentSourceId === null ? null : await termIdFor(tx, term.parentSourceId, prefix);
      await tx.query(
        `INSERT INTO taxonomy_terms (id, taxonomy, name, description, parent_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [found.id, term.taxonomy, term.name, term.description, parent?.exists ? parent.id : null],
      );
    }
    if (!termIds.includes(found.id)) {
      termIds.push(found.id);
      attributes[found.id] = uuidIds(term.attribute, listing.id) as Obj;
    }
  }
  const extra = { ...listing.extra, _oruk: { ...(listing.extra._oruk as OrukDetail), attributes } };
  await saveListing(tx, { ...listing, termIds, extra });
  return { existed: existing.rows.length > 0, warnings };
}

async function getJson(fetchFn: typeof globalThis.fetch, url: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    throw new FeedError(`Could not reach ${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}`);
  }
  if (!response.ok) throw new FeedError(`${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  try {
    return await response.json();
  } catch {
    throw new FeedError(`${url} did not answer with JSON`);
  }
}

/** The services a JSON document holds: one service, a list of them, or a paged envelope. */
function servicesIn(document: unknown, where: string): unknown[] {
  if (Array.isArray(document)) return document;
  if (isObj(document) && Array.isArray(document.contents)) return document.contents;
  if (isObj(document)) return [document];
  throw new FeedError(`${where} holds no ORUK service: expected a service, a list of services or a page with "contents"`);
}

type Item = { id: string; record: unknown } | { id: string; error: string };

/** The feed's service ids, from every page of /services. */
async function walkPages(fetchFn: typeof globalThis.fetch, base: string, skipped: ImportSummary['skipped']): Promise<string[]> {
  const ids: string[] = [];
  const seen = new Set<string>();
  for (let n = 1; n <= MAX_PAGES; n++) {
    const url = `${base}/services?page=${n}`;
    const body = await getJson(fetchFn, url);
    if (!isObj(body) || !Array.isArray(body.contents)) throw new FeedError(`${url} is not a page of ORUK services (it has no "contents" list)`);
    let fresh = 0;
    body.contents.forEach((item, index) => {
      const id = isObj(item) ? idText(item.id) : null;
      if (id === null) skipped.push({ id: `page ${n}, item ${index + 1}`, reason: 'it has no id' });
      else if (!seen.has(id)) {
        seen.add(id);
        ids.push(id);
        fresh++;
      }
    });
    const totalPages = typeof body.total_pages === 'number' ? body.total_pages : Infinity;
    if (body.contents.length === 0 || body.last_page === true || fresh === 0 || n >= totalPages) break;
  }
  return ids;
}

export async function importOrukFeed(db: Database, options: ImportOptions): Promise<ImportSummary> {
  const tenant = await db.query('SELECT 1 FROM tenants WHERE id = $1', [options.tenantId]);
  if (tenant.rows.length === 0) throw new FeedError(`There is no tenant called "${options.tenantId}".`);
  const fetchFn = options.fetch ?? globalThis.fetch;
  const summary: ImportSummary = { created: 0, updated: 0, skipped: [], warnings: [] };

  let source: string;
  let prefix: string;
  let batches: AsyncGenerator<Item[]>;
  const isUrl = /^https?:\/\//i.test(options.source);
  if (isUrl) {
    const url = new URL(options.source);
    prefix = options.idPrefix ?? url.host;
    if (/\.json$/i.test(url.pathname)) {
      source = url.toString();
      const records = servicesIn(await getJson(fetchFn, source), source);
      batches = (async function* () {
        yield records.map((record, i) => ({ id: (isObj(record) && idText(record.id)) || `item ${i + 1}`, record }));
      })();
    } else {
      const base = options.source.replace(/\/+$/, '').replace(/\/services$/, '');
      source = base;
      const ids = await walkPages(fetchFn, base, summary.skipped);
      batches = (async function* () {
        for (let i = 0; i < ids.length; i += FETCH_BATCH) {
          const slice = ids.slice(i, i + FETCH_BATCH);
          const settled = await Promise.allSettled(slice.map((id) => getJson(fetchFn, `${base}/services/${encodeURIComponent(id)}`)));
          yield settled.map((result, j) => result.status === 'fulfilled'
            ? { id: slice[j]!, record: result.value }
            : { id: slice[j]!, error: (result.reason as Error).message });
        }
      })();
    }
  } else {
    const file = options.source.startsWith('file:') ? fileURLToPath(options.source) : path.resolve(options.source);
    source = file;
    prefix = options.idPrefix ?? 'file';
    let document: unknown;
    try {
      document = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new FeedError(`Could not read ${file} as JSON: ${(error as Error).message}`);
    }
    const records = servicesIn(document, file);
    batches = (async function* () {
      yield records.map((record, i) => ({ id: (isObj(record) && idText(record.id)) || `item ${i + 1}`, record }));
    })();
  }
  if (!/^[A-Za-z0-9._:\-[\]]{1,80}$/.test(prefix)) throw new FeedError(`The id prefix "${prefix}" must be 1 to 80 letters, digits, dots, colons or dashes.`);

  for await (const batch of batches) {
    for (const item of batch) {
      if ('error' in item) {
        summary.skipped.push({ id: item.id, reason: item.error });
        continue;
      }
      try {
        const mapped = mapOrukService(item.record, { tenantId: options.tenantId, prefix, source });
        const saved = await db.transaction((tx) => saveMapped(tx, mapped, prefix));
        if (saved.existed) summary.updated++;
        else summary.created++;
        for (const message of [...mapped.warnings, ...saved.warnings]) summary.warnings.push({ id: item.id, message });
      } catch (error) {
        if (error instanceof SkipRecord) summary.skipped.push({ id: item.id, reason: error.message });
        else summary.skipped.push({ id: item.id, reason: `the database refused it: ${(error as Error).message}` });
      }
    }
  }
  return summary;
}

/** The summary as lines for a person at a terminal. */
export function describeImport(summary: ImportSummary): string {
  const lines = [`${summary.created} created, ${summary.updated} updated, ${summary.skipped.length} skipped.`];
  for (const s of summary.skipped) lines.push(`  skipped ${s.id}: ${s.reason}`);
  for (const w of summary.warnings) lines.push(`  note on ${w.id}: ${w.message}`);
  return lines.join('\n');
}
