// The public directory: find support, a service's page, and "Get help now" with local options.
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.ts';
import { describeHours, openNowText } from '../../domain/opening-hours.ts';
import { distanceMetres, locatePlace } from '../../domain/places.ts';
import { isOutOfDate } from '../../domain/listing-freshness.ts';
import { notFound } from '../../platform/errors.ts';
import { queryParams } from '../../platform/forms.ts';
import { loadDistrictTable } from '../../platform/places.ts';
import { publicTenantOf } from '../../platform/tenancy.ts';
import { formErrors } from '../../platform/views.ts';
import { NATIONAL_CRISIS_OPTIONS } from './crisis.ts';
import { getListing } from './store.ts';
import { crisisListings, DISTANCES_MILES, distanceText, readSearchInput, searchDirectory, searchOptions, type SearchInput, type SearchResult } from './search.ts';
import { ACCESSIBILITY, ACCESSIBILITY_NAMES, CHANNEL_NAMES, CHANNELS, FIVE_WAYS, FIVE_WAYS_NAMES, type Listing } from './listing.ts';

/** What a result card or service page shows, worked out once here rather than in templates. */
export function present(listing: Listing, distance: number | null, now: Date) {
  return {
    ...listing,
    openNow: openNowText(listing.hours, now),
    hoursLines: describeHours(listing.hours),
    distanceText: distance === null ? null : distanceText(distance),
    channelNames: listing.channels.map((c) => CHANNEL_NAMES[c]),
    accessibilityNames: listing.accessibility.map((a) => ACCESSIBILITY_NAMES[a]),
    fiveWaysNames: listing.fiveWays.map((w) => FIVE_WAYS_NAMES[w]),
    ages: ageText(listing.minimumAge, listing.maximumAge),
    outOfDate: isOutOfDate(listing.lastConfirmedAt, now),
  };
}

function ageText(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `Ages ${min} to ${max}`;
  if (min !== null) return `Ages ${min} and over`;
  if (max !== null) return `Ages up to ${max}`;
  return 'All ages';
}

/** The query string of a search, with some parameters changed or removed (null). */
function withQuery(query: Record<string, unknown>, changes: Record<string, string | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (key in changes || key === 'page') continue;
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === 'string' && v !== '') params.append(key, v);
  }
  for (const [key, value] of Object.entries(changes)) if (value !== null) params.set(key, value);
  const text = params.toString();
  return text ? `/services?${text}` : '/services';
}

/** Each filter in use, with a link that searches again without it (for "nothing found"). */
function activeFilters(input: SearchInput, query: Record<string, unknown>, needs: { id: string; name: string }[]) {
  const filters: { text: string; href: string }[] = [];
  const drop = (text: string, key: string) => filters.push({ text, href: withQuery(query, { [key]: null }) });
  if (input.need) drop(needs.find((n) => n.id === input.need)?.name ?? 'the need you chose', 'need');
  if (input.way) drop(FIVE_WAYS_NAMES[input.way as keyof typeof FIVE_WAYS_NAMES], 'way');
  if (input.selfReferral) drop('can refer myself', 'self');
  if (input.free) drop('free', 'free');
  if (input.openNow) drop('open now', 'open');
  if (input.open24Hours) drop('open 24 hours', 'open');
  if (input.channels.length) drop(input.channels.map((c) => CHANNEL_NAMES[c].toLowerCase()).join(' or '), 'channel');
  if (input.age !== null) drop(`age ${input.age}`, 'age');
  if (input.language) drop(`in ${input.language}`, 'language');
  if (input.accessibility.length) drop(input.accessibility.map((a) => ACCESSIBILITY_NAMES[a]).join(', '), 'access');
  return filters;
}

/** "Back to results" goes to the search the person came from, when they came from one. */
function resultsPageFrom(referer: string | undefined): string {
  try {
    const url = new URL(referer ?? '');
    return url.pathname === '/services' ? `/services${url.search}` : '/services';
  } catch {
    return '/services';
  }
}

export const directoryRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.get('/services', async (request, reply) => {
    const tenantId = publicTenantOf(request, config);
    const query = request.query as Record<string, unknown>;
    const { input, problems } = readSearchInput(query);
    const options = await searchOptions(request.ctx.db, tenantId);
    const asked = Object.keys(query).some((k) => k !== 'page' && query[k] !== '');
    const form = {
      title: 'Find support',
      values: input,
      needItems: [{ value: '', text: 'Any need' }, ...options.needs.map((n) => ({ value: n.id, text: n.name, selected: n.id === input.need }))],
      languageItems: [{ value: '', text: 'Any language' }, ...options.languages.map((l) => ({ value: l, text: l, selected: l === input.language }))],
      withinItems: [{ value: '0', text: 'Any distance' }, ...DISTANCES_MILES.map((m) => ({ value: String(m), text: `Within ${m} mile${m === 1 ? '' : 's'}`, selected: m === input.within }))],
      wayItems: [
        { value: '', text: 'Any', checked: !input.way },
        ...FIVE_WAYS.map((w) => ({ value: w, text: FIVE_WAYS_NAMES[w], checked: w === input.way })),
      ],
      channelItems: CHANNELS.map((c) => ({ value: c, text: CHANNEL_NAMES[c], checked: input.channels.includes(c) })),
      accessItems: ACCESSIBILITY.map((a) => ({ value: a, text: ACCESSIBILITY_NAMES[a], checked: input.accessibility.includes(a) })),
      asked,
    };
    if (problems.length) return reply.code(400).render('directory/views/search.njk', { ...form, errors: formErrors(problems) });
    if (!asked) return reply.render('directory/views/search.njk', form);
    const outcome = await searchDirectory(request.ctx.db, tenantId, input);
    if ('problems' in outcome) return reply.code(400).render('directory/views/search.njk', { ...form, errors: formErrors(outcome.problems) });
    const now = new Date();
    const crisis = outcome.crisis ? await crisisListings(request.ctx.db, tenantId, outcome.place) : [];
    return reply.render('directory/views/search.njk', {
      ...form,
      outcome,
      results: outcome.results.map((r) => present(r.listing, r.distance, now)),
      crisis,
      crisisLocal: crisis.map((r) => present(r.listing, r.distance, now)),
      nationalOptions: NATIONAL_CRISIS_OPTIONS,
      filters: activeFilters(input, query, options.needs),
      widerHref: input.within ? withQuery(query, { within: null }) : null,
      sortItems: [
        { value: 'best', text: 'Best match', selected: outcome.sort === 'best' },
        ...(outcome.place ? [{ value: 'nearest', text: 'Nearest first', selected: outcome.sort === 'nearest' }] : []),
        { value: 'name', text: 'Name (A to Z)', selected: outcome.sort === 'name' },
      ],
      previousHref: outcome.page > 1 ? withQuery(query, { page: String(outcome.page - 1) }) : null,
      nextHref: outcome.page < outcome.pages ? withQuery(query, { page: String(outcome.page + 1) }) : null,
    });
  });

  app.get<{ Params: { id: string } }>('/services/:id', async (request, reply) => {
    const tenantId = publicTenantOf(request, config);
    const listing = await getListing(request.ctx.db, tenantId, request.params.id);
    // Unpublished listings are not public; staff preview them through the manage pages.
    if (!listing || !listing.published) throw notFound('service');
    const query = queryParams(request);
    const place = query.place ? locatePlace(loadDistrictTable(), query.place) : null;
    const here = place?.ok ? place : null;
    const now = new Date();
    return reply.render('directory/views/service.njk', {
      title: listing.name,
      service: present(listing, null, now),
      locations: listing.locations.map((l) => ({
        ...l,
        distanceText: here && l.latitude !== null && l.longitude !== null
          ? distanceText(distanceMetres(here, { latitude: l.latitude, longitude: l.longitude }), here.label)
          : null,
      })),
      backHref: resultsPageFrom(request.headers.referer),
    });
  });

  app.get('/get-help-now', async (request, reply) => {
    const tenantId = publicTenantOf(request, config);
    const query = queryParams(request);
    const located = query.place ? locatePlace(loadDistrictTable(), query.place) : null;
    const place = located?.ok ? { label: located.label, latitude: located.latitude, longitude: located.longitude, district: located.district } : null;
    const local: SearchResult[] = await crisisListings(request.ctx.db, tenantId, place);
    const now = new Date();
    const data = {
      title: 'Get help now',
      options: NATIONAL_CRISIS_OPTIONS,
      local: local.map((r) => present(r.listing, r.distance, now)),
      place,
      values: { place: query.place ?? '' },
    };
    if (located && !located.ok) {
      return reply.code(400).render('directory/views/get-help-now.njk', { ...data, errors: formErrors([{ field: 'place', message: located.message }]) });
    }
    return reply.render('directory/views/get-help-now.njk', data);
  });
};
