// Reading the query string of an ORUK request. Anything a caller gets wrong is a 400 with a
// plain-English message that says what would be right.
import { invalid, type AppError } from '../../../platform/errors.ts';
import { parseTime } from '../../../domain/opening-hours.ts';
import { DAYS, type Day } from '../listing.ts';

export type Query = Record<string, string | string[] | undefined>;

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 200;

export interface Paging {
  page: number;
  perPage: number;
}

export interface ServiceQuery {
  search: string | null;
  /** an ORUK taxonomy term id (or a Lantern term id) */
  taxonomyTermId: string | null;
  /** an ORUK taxonomy id (or a taxonomy's name) */
  taxonomyId: string | null;
  /** services whose minimum age is at least this (a service with no minimum counts as 0) */
  minimumAge: number | null;
  /** services whose maximum age is at most this (a service with no maximum has none, so is left out) */
  maximumAge: number | null;
  /** Lantern's own addition: services that take a person of this age */
  age: number | null;
  day: Day | null;
  /** minutes since midnight */
  startTime: number | null;
  endTime: number | null;
}

export interface LocationQuery {
  postcode: string | null;
  /** metres */
  proximity: number | null;
}

export interface TermQuery {
  taxonomyId: string | null;
  parentId: string | null;
  vocabulary: string | null;
  topOnly: boolean;
}

export const badParameter = (field: string, message: string): AppError => invalid([{ field, message }], message);

/** One value of a parameter: null when absent or blank; a 400 when given more than once. */
export function single(query: Query, name: string): string | null {
  const value = query[name];
  if (Array.isArray(value)) {
    if (value.length > 1) throw badParameter(name, `Give ${name} only once.`);
    return single({ [name]: value[0] }, name);
  }
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

function wholeNumber(query: Query, name: string, min: number, max: number, message: string): number | null {
  const raw = single(query, name);
  if (raw === null) return null;
  if (!/^\d{1,16}$/.test(raw)) throw badParameter(name, message);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw badParameter(name, message);
  return value;
}

export function parsePaging(query: Query): Paging {
  const page = wholeNumber(query, 'page', 1, Number.MAX_SAFE_INTEGER, 'page must be a whole number, 1 or more, like page=2.');
  const perPage = wholeNumber(
    query,
    'per_page',
    1,
    MAX_PER_PAGE,
    `per_page must be a whole number from 1 to ${MAX_PER_PAGE}, like per_page=${DEFAULT_PER_PAGE}.`,
  );
  return { page: page ?? 1, perPage: perPage ?? DEFAULT_PER_PAGE };
}

function age(query: Query, name: string): number | null {
  const raw = single(query, name);
  if (raw === null) return null;
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || value > 130) {
    throw badParameter(name, `${name} must be an age in years from 0 to 130, like ${name}=18.`);
  }
  return value;
}

function time(query: Query, name: string): number | null {
  const raw = single(query, name);
  if (raw === null) return null;
  const minutes = parseTime(raw);
  if (minutes === null) throw badParameter(name, `${name} must be a time of day in 24-hour form, like ${name}=09:30.`);
  return minutes;
}

export function parseServiceQuery(query: Query): ServiceQuery {
  const dayRaw = single(query, 'day');
  const day = dayRaw === null ? null : dayRaw.toUpperCase();
  if (day !== null && !(DAYS as readonly string[]).includes(day)) {
    throw badParameter('day', 'day must be a day of the week as two letters: MO, TU, WE, TH, FR, SA or SU.');
  }
  const search = single(query, 'search');
  if (search !== null && search.length > 200) throw badParameter('search', 'search must be 200 characters or fewer.');
  return {
    search,
    taxonomyTermId: single(query, 'taxonomy_term_id'),
    taxonomyId: single(query, 'taxonomy_id'),
    minimumAge: age(query, 'minimum_age'),
    maximumAge: age(query, 'maximum_age'),
    age: age(query, 'age'),
    day: day as Day | null,
    startTime: time(query, 'start_time'),
    endTime: time(query, 'end_time'),
  };
}

export function parseLocationQuery(query: Query): LocationQuery {
  const postcode = single(query, 'postcode');
  const proximityRaw = single(query, 'proximity');
  let proximity: number | null = null;
  if (proximityRaw !== null) {
    proximity = Number(proximityRaw);
    if (!/^\d+(\.\d+)?$/.test(proximityRaw) || proximity <= 0 || proximity > 2_000_000) {
      throw badParameter('proximity', 'proximity must be a distance in metres, more than 0 and up to 2000000, like proximity=5000.');
    }
    if (postcode === null) {
      throw badParameter('proximity', 'proximity needs a postcode to measure from, like postcode=ME4 4QF&proximity=5000.');
    }
  }
  return { postcode, proximity };
}

export function parseTermQuery(query: Query): TermQuery {
  const topOnly = single(query, 'top_only');
  if (topOnly !== null && topOnly !== 'true' && topOnly !== 'false') {
    throw badParameter('top_only', 'top_only must be true or false.');
  }
  return {
    taxonomyId: single(query, 'taxonomy_id'),
    parentId: single(query, 'parent_id'),
    vocabulary: single(query, 'vocabulary'),
    topOnly: topOnly === 'true',
  };
}

/** The paged envelope every ORUK list answers with. */
export interface Page<T> {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
}

export function page<T>(paging: Paging, total: number, contents: T[]): Page<T> {
  const totalPages = Math.ceil(total / paging.perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: paging.page,
    size: contents.length,
    first_page: paging.page === 1,
    last_page: paging.page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

export const offsetOf = (paging: Paging): number => (paging.page - 1) * paging.perPage;
