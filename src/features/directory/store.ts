// Reading and writing whole listings. Every writer (provider edits after moderation, imports,
// seed data) saves through saveListing, so the derived columns (open 24 hours, keywords, the
// words table for typo-tolerant search, districts from postcodes) are always made the same way.
import type { Queryable } from '../../db/database.ts';
import { isAlwaysOpen } from '../../domain/opening-hours.ts';
import { parsePostcode } from '../../domain/postcode.ts';
import { loadDistrictTable } from '../../platform/places.ts';
import type { Day, Listing, ListingHours, ListingInput, ListingLocation } from './listing.ts';

type ServiceRow = {
  tenant_id: string; id: string; organisation_id: string | null; organisation_name: string; name: string; summary: string;
  description: string; eligibility: string; how_to_access: string; status: Listing['status']; published: boolean;
  phone: string | null; text_number: string | null; email: string | null; url: string | null; self_referral: boolean;
  hub_referral: boolean; free: boolean; cost_description: string; channels: Listing['channels']; minimum_age: number | null;
  maximum_age: number | null; languages: string[]; accessibility: Listing['accessibility']; five_ways: Listing['fiveWays'];
  crisis: boolean; national: boolean; service_districts: string[]; source: string; demo: boolean; last_confirmed_at: Date;
  extra: Record<string, unknown>; version: number; updated_at: Date;
};

export const SERVICE_COLUMNS = `tenant_id, id, organisation_id, organisation_name, name, summary, description, eligibility,
  how_to_access, status, published, phone, text_number, email, url, self_referral, hub_referral, free, cost_description,
  channels, minimum_age, maximum_age, languages, accessibility, five_ways, crisis, national, service_districts, source,
  demo, last_confirmed_at, extra, version, updated_at`;

/** Words of three or more letters, lower case: the vocabulary typo-tolerant search corrects to. */
export function wordsOf(...texts: string[]): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const word of text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').match(/[a-z]{3,30}/g) ?? []) words.add(word);
  }
  return [...words];
}

const time = (t: string) => (t === '24:00' ? '24:00:00' : `${t}:00`);

/** Fills a location's district (and, when it has none, an approximate position) from its postcode. */
export function placeLocation(location: ListingLocation): ListingLocation {
  if (!location.postcode) return location;
  const parsed = parsePostcode(location.postcode);
  if (!parsed.ok) return { ...location, district: null };
  const district = loadDistrictTable().get(parsed.district);
  return {
    ...location,
    postcode: parsed.postcode,
    district: parsed.district,
    latitude: location.latitude ?? district?.latitude ?? null,
    longitude: location.longitude ?? district?.longitude ?? null,
  };
}

/** Creates or replaces a listing, with its locations, hours and terms, in the caller's transaction. */
export async function saveListing(tx: Queryable, input: ListingInput): Promise<void> {
  const locations = input.locations.map(placeLocation);
  const words = wordsOf(input.name, input.summary, input.description, input.eligibility, input.organisationName);
  await tx.query(
    `INSERT INTO directory_services (
       tenant_id, id, organisation_id, organisation_name, name, summary, description, eligibility, how_to_access,
       status, published, phone, text_number, email, url, self_referral, hub_referral, free, cost_description,
       channels, minimum_age, maximum_age, languages, accessibility, five_ways, crisis, open_24_hours, national,
       service_districts, keywords, source, demo, last_confirmed_at, extra, has_location)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
       $24, $25, $26, $27, $28, $29,
       coalesce((SELECT string_agg(name || ' ' || synonyms, ' ' ORDER BY id) FROM taxonomy_terms WHERE id = ANY($30::text[])), ''),
       $31, $32, coalesce($33, now()), $34, $35)
     ON CONFLICT (tenant_id, id) DO UPDATE SET
       organisation_id = EXCLUDED.organisation_id, organisation_name = EXCLUDED.organisation_name, name = EXCLUDED.name,
       summary = EXCLUDED.summary, description = EXCLUDED.description, eligibility = EXCLUDED.eligibility,
       how_to_access = EXCLUDED.how_to_access, status = EXCLUDED.status, published = EXCLUDED.published,
       phone = EXCLUDED.phone, text_number = EXCLUDED.text_number, email = EXCLUDED.email, url = EXCLUDED.url,
       self_referral = EXCLUDED.self_referral, hub_referral = EXCLUDED.hub_referral, free = EXCLUDED.free,
       cost_description = EXCLUDED.cost_description, channels = EXCLUDED.channels, minimum_age = EXCLUDED.minimum_age,
       maximum_age = EXCLUDED.maximum_age, languages = EXCLUDED.languages, accessibility = EXCLUDED.accessibility,
       five_ways = EXCLUDED.five_ways, crisis = EXCLUDED.crisis, open_24_hours = EXCLUDED.open_24_hours,
       national = EXCLUDED.national, service_districts = EXCLUDED.service_districts, keywords = EXCLUDED.keywords,
       source = EXCLUDED.source, demo = EXCLUDED.demo,
       last_confirmed_at = coalesce($33, directory_services.last_confirmed_at),
       extra = EXCLUDED.extra, has_location = EXCLUDED.has_location,
       version = directory_services.version + 1, updated_at = now()`,
    [
      input.tenantId, input.id, input.organisationId, input.organisationName, input.name, input.summary, input.description,
      input.eligibility, input.howToAccess, input.status, input.published, input.phone, input.textNumber, input.email,
      input.url, input.selfReferral, input.hubReferral, input.free, input.costDescription, input.channels,
      input.minimumAge, input.maximumAge, input.languages, input.accessibility, input.fiveWays, input.crisis,
      isAlwaysOpen(input.hours), input.national, input.serviceDistricts, input.termIds, input.source, input.demo,
      input.lastConfirmedAt ?? null, JSON.stringify(input.extra),
      locations.some((l) => l.latitude !== null && l.longitude !== null),
    ],
  );
  const key = [input.tenantId, input.id];
  await tx.query('DELETE FROM directory_service_terms WHERE tenant_id = $1 AND service_id = $2', key);
  await tx.query('DELETE FROM directory_schedules WHERE tenant_id = $1 AND service_id = $2', key);
  await tx.query('DELETE FROM directory_locations WHERE tenant_id = $1 AND service_id = $2', key);
  if (input.termIds.length) {
    await tx.query(
      `INSERT INTO directory_service_terms (tenant_id, service_id, term_id) SELECT $1, $2, unnest($3::text[]) ON CONFLICT DO NOTHING`,
      [...key, input.termIds],
    );
  }
  if (locations.length) {
    await tx.query(
      `INSERT INTO directory_locations (tenant_id, service_id, id, name, address_1, city, postcode, district, latitude, longitude)
       SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::float8[], $10::float8[])`,
      [
        ...key, locations.map((l) => l.id), locations.map((l) => l.name), locations.map((l) => l.address1),
        locations.map((l) => l.city), locations.map((l) => l.postcode), locations.map((l) => l.district),
        locations.map((l) => l.latitude), locations.map((l) => l.longitude),
      ],
    );
  }
  if (input.hours.length) {
    await tx.query(
      `INSERT INTO directory_schedules (tenant_id, service_id, id, byday, opens_at, closes_at, location_id, description)
       SELECT $1, $2, * FROM unnest($3::text[], $4::text[], $5::time[], $6::time[], $7::text[], $8::text[])`,
      [
        ...key, input.hours.map((h) => h.id), input.hours.map((h) => h.day), input.hours.map((h) => time(h.opens)),
        input.hours.map((h) => time(h.closes)), input.hours.map((h) => h.locationId), input.hours.map((h) => h.description),
      ],
    );
  }
  if (words.length) {
    await tx.query('INSERT INTO directory_words (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [words]);
  }
}

const hhmm = (t: string): string => (t.startsWith('24:') ? '24:00' : t.slice(0, 5));

export function toListing(row: ServiceRow, locations: ListingLocation[], hours: ListingHours[], termIds: string[]): Listing {
  return {
    id: row.id, tenantId: row.tenant_id, organisationId: row.organisation_id, organisationName: row.organisation_name,
    name: row.name, summary: row.summary, description: row.description, eligibility: row.eligibility,
    howToAccess: row.how_to_access, status: row.status, published: row.published, phone: row.phone,
    textNumber: row.text_number, email: row.email, url: row.url, selfReferral: row.self_referral,
    hubReferral: row.hub_referral, free: row.free, costDescription: row.cost_description, channels: row.channels,
    minimumAge: row.minimum_age, maximumAge: row.maximum_age, languages: row.languages, accessibility: row.accessibility,
    fiveWays: row.five_ways, crisis: row.crisis, national: row.national, serviceDistricts: row.service_districts,
    termIds, source: row.source, demo: row.demo, lastConfirmedAt: row.last_confirmed_at, locations, hours,
    extra: row.extra, version: row.version, updatedAt: row.updated_at,
  };
}

/** Whole listings by id, in the order asked; missing ids are left out. One round trip. */
export async function getListings(db: Queryable, tenantId: string, ids: readonly string[]): Promise<Listing[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ServiceRow & {
    locations: { id: string; name: string; address_1: string; city: string; postcode: string | null; district: string | null; latitude: number | null; longitude: number | null }[];
    hours: { id: string; byday: Day; opens_at: string; closes_at: string; location_id: string | null; description: string }[];
    term_ids: string[];
  }>(
    `SELECT ${SERVICE_COLUMNS},
       coalesce((SELECT json_agg(json_build_object('id', l.id, 'name', l.name, 'address_1', l.address_1, 'city', l.city,
                   'postcode', l.postcode, 'district', l.district, 'latitude', l.latitude, 'longitude', l.longitude) ORDER BY l.id)
                   FROM directory_locations l WHERE l.tenant_id = s.tenant_id AND l.service_id = s.id), '[]') AS locations,
       coalesce((SELECT json_agg(json_build_object('id', h.id, 'byday', h.byday, 'opens_at', h.opens_at::text,
                   'closes_at', h.closes_at::text, 'location_id', h.location_id, 'description', h.description)
                   ORDER BY array_position(ARRAY['MO','TU','WE','TH','FR','SA','SU'], h.byday), h.opens_at, h.id)
                   FROM directory_schedules h WHERE h.tenant_id = s.tenant_id AND h.service_id = s.id), '[]') AS hours,
       coalesce((SELECT array_agg(t.term_id ORDER BY t.term_id) FROM directory_service_terms t
                   WHERE t.tenant_id = s.tenant_id AND t.service_id = s.id), '{}') AS term_ids
       FROM directory_services s WHERE s.tenant_id = $1 AND s.id = ANY($2::text[])`,
    [tenantId, ids],
  );
  // Both drivers hand json columns back parsed; PGlite may give a json string for an empty set.
  const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [toListing(
      row,
      parsed(row.locations).map((l) => ({
        id: l.id, name: l.name, address1: l.address_1, city: l.city, postcode: l.postcode, district: l.district,
        latitude: l.latitude, longitude: l.longitude,
      })),
      parsed(row.hours).map((h) => ({
        id: h.id, day: h.byday, opens: hhmm(h.opens_at), closes: hhmm(h.closes_at), locationId: h.location_id, description: h.description,
      })),
      row.term_ids,
    )];
  });
}

export async function getListing(db: Queryable, tenantId: string, id: string): Promise<Listing | null> {
  return (await getListings(db, tenantId, [id]))[0] ?? null;
}
