// A Lantern listing in the shapes of Open Referral UK 3.0 (schema/compiled/*.json): the one-to-one
// service of /services lists, the fully nested service, service_at_location and taxonomy terms.
//
// What Lantern models comes from its columns. What it does not model comes from `listing.extra`,
// which an import fills with the ORUK fields it did not map (so an imported feed is served back
// whole). The layout of `extra`:
//   - any ORUK service field Lantern does not model (fees details, accreditations, funding,
//     contacts, cost_options ...), as it came;
//   - `organization`: the source's organization object (Lantern models only its name);
//   - `languages`, `phones`, `service_areas`: the source's arrays; Lantern's own values are laid
//     over the matching items (same language, number or postcode district) and items Lantern cannot
//     model are kept;
//   - `_oruk`: details of the objects Lantern does model, by Lantern id: `locations` (the source's
//     location and service_at_location fields), `schedules` (the source's schedule fields, by
//     hours id), `attributes` (by term id) and `other_schedules` (ones weekly hours cannot hold).
// Lantern facts ORUK has no field for (summary, self-referral, channels, Five Ways, crisis,
// national) travel in a `lantern` object, which a Lantern import reads back.
import type { Listing, ListingHours, ListingLocation } from '../listing.ts';
import { ACCESSIBILITY, ACCESSIBILITY_NAMES, type Accessibility } from '../listing.ts';
import { parsePostcode } from '../../../domain/postcode.ts';
import { nameUuid, orukId } from './ids.ts';
import { taxonomyUuid, type TermRow } from './queries.ts';

export type Obj = Record<string, unknown>;

export const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
export const objs = (value: unknown): Obj[] => (Array.isArray(value) ? value.filter(isObj) : []);

export interface OrukDetail {
  locations?: Record<string, { location?: Obj; service_at_location?: Obj }>;
  schedules?: Record<string, Obj>;
  attributes?: Record<string, Obj>;
  other_schedules?: Obj[];
}

/** Keys of `extra` that are merged with Lantern's own values rather than served as they came. */
const MERGED_KEYS = new Set(['_oruk', 'organization', 'languages', 'phones', 'service_areas', 'lantern']);

/** Service fields Lantern makes itself; an `extra` value for them is never served. */
const LANTERN_KEYS = new Set([
  'id', 'organization_id', 'name', 'description', 'url', 'email', 'status', 'fees', 'minimum_age', 'maximum_age',
  'assured_date', 'last_modified', 'eligibility_description', 'application_process', 'schedules', 'service_at_locations',
  'attributes',
]);

const detailOf = (listing: Listing): OrukDetail => (isObj(listing.extra._oruk) ? (listing.extra._oruk as OrukDetail) : {});

/** Leaves out undefined values, so optional fields are absent rather than null. */
function clean(object: Obj): Obj {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));
}

const EMAIL = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** A web address ORUK accepts (a URI with a scheme), or undefined. A bare domain gets https://. */
export function safeUri(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) return value;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i.test(value)) return `https://${value}`;
  return undefined;
}

export const safeEmail = (value: unknown): string | undefined => (typeof value === 'string' && EMAIL.test(value) ? value : undefined);

const LONDON_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The scalar fields of an object: what a list, which carries no child arrays, may show. */
const scalars = (object: Obj): Obj => Object.fromEntries(Object.entries(object).filter(([, v]) => !isObj(v) && !Array.isArray(v)));

/** The organisation that runs the service, or null when the listing names none. */
export function renderOrganization(listing: Listing, full: boolean): Obj | null {
  const source = isObj(listing.extra.organization) ? listing.extra.organization : {};
  if (!listing.organisationName && !isObj(listing.extra.organization)) return null;
  const id = listing.organisationId ?? (typeof source.id === 'string' ? source.id : nameUuid(`organisation:${listing.organisationName.toLowerCase()}`));
  const organization = clean({
    ...(full ? source : scalars(source)),
    id: orukId(id),
    name: listing.organisationName || (typeof source.name === 'string' ? source.name : ''),
    description: typeof source.description === 'string' ? source.description : '',
    email: safeEmail(source.email),
    website: safeUri(source.website),
    uri: safeUri(source.uri),
  });
  return organization;
}

/** The one-to-one fields of a service: an item of /services. */
export function renderServiceSummary(listing: Listing): Obj {
  const organization = renderOrganization(listing, false);
  return clean({ ...serviceFields(listing, false), organization: organization ?? undefined });
}

function serviceFields(listing: Listing, full: boolean): Obj {
  const passed = Object.fromEntries(
    Object.entries(listing.extra).filter(([key]) => !MERGED_KEYS.has(key) && !LANTERN_KEYS.has(key)),
  );
  const organization = renderOrganization(listing, false);
  const fees = listing.costDescription || (listing.free ? 'Free' : undefined);
  const fallbackOrganizationId = typeof listing.extra.organization_id === 'string' ? listing.extra.organization_id : undefined;
  return clean({
    ...(full ? passed : scalars(passed)),
    id: orukId(listing.id),
    organization_id: organization?.id ?? fallbackOrganizationId,
    name: listing.name,
    description: listing.description,
    url: safeUri(listing.url),
    email: safeEmail(listing.email),
    status: listing.status,
    fees,
    minimum_age: listing.minimumAge ?? undefined,
    maximum_age: listing.maximumAge ?? undefined,
    assured_date: LONDON_DATE.format(listing.lastConfirmedAt),
    last_modified: listing.updatedAt.toISOString(),
    // HSDS 3.0 fields the UK profile leaves out; allowed, and useful to anyone who reads them.
    eligibility_description: listing.eligibility || undefined,
    application_process: listing.howToAccess || undefined,
  });
}

/**
 * Lays Lantern's items over the source's matching ones (the source's id and other fields are
 * kept), drops source items Lantern no longer has, and keeps source items it cannot model.
 */
function mergeByKey(
  generated: { key: string; id: string; defaults?: Obj; fields?: Obj }[],
  source: Obj[],
  keyOf: (item: Obj) => string | null,
): Obj[] {
  const byKey = new Map<string, Obj>();
  for (const item of source) {
    const key = keyOf(item);
    if (key !== null && !byKey.has(key)) byKey.set(key, item);
  }
  const merged = generated.map((g) => clean({ id: g.id, ...g.defaults, ...byKey.get(g.key), ...g.fields }));
  return [...merged, ...source.filter((item) => keyOf(item) === null)];
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const digits = (value: unknown): string | null => {
  const d = typeof value === 'string' ? value.replace(/\D/g, '') : '';
  return d === '' ? null : d;
};

/** The postcode district a service area names, if it names one. */
export function serviceAreaDistrict(area: Obj): string | null {
  for (const value of [area.name, area.service_area, area.extent]) {
    if (typeof value !== 'string') continue;
    const parsed = parsePostcode(value);
    if (parsed.ok && parsed.kind === 'outward') return parsed.district;
  }
  return null;
}

const ACCESSIBILITY_WORDS: Record<Accessibility, RegExp> = {
  step_free: /step[- ]free|wheelchair|level access|ramp|lift/i,
  bsl: /\bBSL\b|sign language/i,
  easy_read: /easy[- ]read/i,
  hearing_loop: /(hearing|induction) loop/i,
};

/** Lantern's accessibility features that a piece of text describes. */
export function accessibilityIn(description: string): Accessibility[] {
  return ACCESSIBILITY.filter((a) => ACCESSIBILITY_WORDS[a].test(description));
}

const time = (hhmm: string): string => `${hhmm}:00`;

function renderSchedules(listing: Listing, serviceId: string): Obj[] {
  const detail = detailOf(listing);
  const weekly = listing.hours.map((h: ListingHours) => {
    const source = detail.schedules?.[h.id] ?? {};
    return clean({
      ...source,
      id: orukId(h.id),
      service_id: serviceId,
      service_at_location_id: h.locationId ? orukId(h.locationId) : undefined,
      freq: 'WEEKLY',
      byday: h.day,
      opens_at: time(h.opens),
      closes_at: time(h.closes),
      description: h.description || text(source.description) || undefined,
    });
  });
  const other = objs(detail.other_schedules).map((s) => ({ ...s, service_id: serviceId }));
  return [...weekly, ...other];
}

function renderAddresses(location: ListingLocation, source: Obj[]): Obj[] {
  const hasAddress = location.address1 !== '' || location.city !== '' || location.postcode !== null;
  if (!hasAddress) return source;
  const [first, ...rest] = source;
  const locationId = orukId(location.id);
  const address = clean({
    address_type: 'physical',
    state_province: '',
    country: 'GB',
    ...first,
    id: typeof first?.id === 'string' ? first.id : nameUuid(`address:${location.id}`),
    location_id: locationId,
    address_1: location.address1,
    city: location.city,
    postal_code: location.postcode ?? '',
  });
  return [address, ...rest.map((a) => ({ ...a, location_id: locationId }))];
}

/** A location with its addresses and accessibility (full) or its own fields only (in lists). */
export function renderLocation(listing: Listing, location: ListingLocation, full: boolean): Obj {
  const source = detailOf(listing).locations?.[location.id]?.location ?? {};
  const id = orukId(location.id);
  const own = clean({
    location_type: 'physical',
    ...(full ? source : scalars(source)),
    id,
    name: location.name || undefined,
    latitude: location.latitude ?? undefined,
    longitude: location.longitude ?? undefined,
  });
  if (!full) return own;
  const sourceAccessibility: Obj[] = objs(source.accessibility).map((a) => ({ ...a, location_id: id }));
  const described = new Set(sourceAccessibility.flatMap((a) => accessibilityIn(`${a.description ?? ''} ${a.details ?? ''} ${a.accessibility ?? ''}`)));
  const accessibility = [
    ...sourceAccessibility,
    ...listing.accessibility.filter((a) => !described.has(a)).map((a) => ({
      id: nameUuid(`accessibility:${location.id}:${a}`),
      location_id: id,
      description: ACCESSIBILITY_NAMES[a],
    })),
  ];
  return clean({
    ...own,
    addresses: renderAddresses(location, objs(source.addresses)),
    accessibility: accessibility.length ? accessibility : undefined,
  });
}

function renderServiceAtLocationOf(listing: Listing, location: ListingLocation, full: boolean): Obj {
  const source = detailOf(listing).locations?.[location.id]?.service_at_location ?? {};
  const id = orukId(location.id);
  return clean({
    ...(full ? source : scalars(source)),
    id,
    service_id: orukId(listing.id),
    location_id: id,
    location: renderLocation(listing, location, full),
  });
}

export function renderTerm(term: TermRow): Obj {
  return clean({
    id: orukId(term.id),
    name: term.name,
    description: term.description,
    parent_id: term.parent_id ? orukId(term.parent_id) : undefined,
    taxonomy: term.taxonomy,
    taxonomy_id: taxonomyUuid(term.taxonomy),
    term: term.name,
  });
}

export function renderTaxonomy(name: string): Obj {
  return { id: taxonomyUuid(name), name, description: `The terms of the ${name} taxonomy.` };
}

/** The fully nested service of /services/{id}. */
export function renderService(listing: Listing, terms: Map<string, TermRow>, options: { withLocations?: boolean } = {}): Obj {
  const serviceId = orukId(listing.id);
  const detail = detailOf(listing);
  const extra = listing.extra;
  const withService = (items: Obj[]) => items.map((item) => ({ ...item, service_id: serviceId }));

  const languages = mergeByKey(
    listing.languages.map((language) => ({
      key: language.toLowerCase(),
      id: nameUuid(`language:${listing.id}:${language.toLowerCase()}`),
      defaults: { name: language },
    })),
    objs(extra.languages),
    (item) => (text(item.name) ?? text(item.code))?.toLowerCase() ?? null,
  );
  const numbers = [
    ...(listing.phone ? [{ number: listing.phone, description: 'Phone' }] : []),
    ...(listing.textNumber ? [{ number: listing.textNumber, description: 'Text message' }] : []),
  ];
  const phones = mergeByKey(
    numbers.map((p) => ({
      key: digits(p.number) ?? p.number,
      id: nameUuid(`phone:${listing.id}:${p.number}`),
      defaults: { description: p.description },
      fields: { number: p.number },
    })),
    objs(extra.phones),
    (item) => digits(item.number),
  );
  // The district is Lantern's fact; a source's own wording for the area is kept.
  const serviceAreas = mergeByKey(
    listing.serviceDistricts.map((d) => ({
      key: d,
      id: nameUuid(`service_area:${listing.id}:${d}`),
      defaults: { name: d, service_area: `Postcode district ${d}` },
    })),
    objs(extra.service_areas),
    serviceAreaDistrict,
  );
  const attributes = listing.termIds.flatMap((termId) => {
    const term = terms.get(termId);
    if (!term) return [];
    const source = detail.attributes?.[termId] ?? {};
    return [clean({
      link_type: 'service',
      ...source,
      id: typeof source.id === 'string' ? source.id : nameUuid(`attribute:${listing.id}:${termId}`),
      link_id: serviceId,
      taxonomy_term_id: orukId(termId),
      taxonomy_term: renderTerm(term),
    })];
  });
  const organization = renderOrganization(listing, true);
  const passedArrays = Object.fromEntries(
    Object.entries(extra)
      .filter(([key, value]) => !MERGED_KEYS.has(key) && !LANTERN_KEYS.has(key) && Array.isArray(value))
      .map(([key, value]) => [key, withService(objs(value))]),
  );
  return clean({
    ...serviceFields(listing, true),
    ...passedArrays,
    organization: organization ?? undefined,
    schedules: renderSchedules(listing, serviceId),
    service_areas: withService(serviceAreas),
    service_at_locations: options.withLocations === false ? undefined : listing.locations.map((l) => renderServiceAtLocationOf(listing, l, true)),
    languages: withService(languages),
    phones,
    attributes,
    lantern: clean({
      summary: listing.summary || undefined,
      self_referral: listing.selfReferral,
      channels: listing.channels,
      accessibility: listing.accessibility,
      five_ways: listing.fiveWays,
      crisis: listing.crisis,
      national: listing.national,
      source: listing.source === 'lantern' ? undefined : listing.source,
    }),
  });
}

/** An item of /service_at_locations: the location's and the service's own fields. */
export function renderServiceAtLocationSummary(listing: Listing, locationId: string): Obj | null {
  const location = listing.locations.find((l) => l.id === locationId);
  if (!location) return null;
  return { ...renderServiceAtLocationOf(listing, location, false), service: renderServiceSummary(listing) };
}

/** /service_at_locations/{id}: the link, its whole location and the whole service. */
export function renderServiceAtLocation(listing: Listing, locationId: string, terms: Map<string, TermRow>): Obj | null {
  const location = listing.locations.find((l) => l.id === locationId);
  if (!location) return null;
  return {
    ...renderServiceAtLocationOf(listing, location, true),
    service: renderService(listing, terms, { withLocations: false }),
  };
}
