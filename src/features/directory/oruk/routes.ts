// The Open Referral UK 3.0 API for the request's public tenant, registered under /oruk:
//   /                          { version: "HSDS-UK-3.0", profile, openapi_url }
//   /services                  paged one-to-one services: search, taxonomy_term_id, taxonomy_id,
//                              minimum_age, maximum_age, day, start_time, end_time (and Lantern's age)
//   /services/{id}             the fully nested service
//   /taxonomies, /taxonomies/{id}
//   /taxonomy_terms            paged: taxonomy_id, parent_id, vocabulary, top_only
//   /taxonomy_terms/{id}
//   /service_at_locations      paged, the /services filters plus postcode and proximity (metres),
//                              nearest first from the postcode district's centre
//   /service_at_locations/{id}
// Only published listings that are not defunct are served; inactive and temporarily closed ones
// are served with that status. Any origin may read (CORS), by GET only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyCors from '@fastify/cors';
import type { Config } from '../../../config.ts';
import { notFound } from '../../../platform/errors.ts';
import { publicTenantOf } from '../../../platform/tenancy.ts';
import { loadDistrictTable } from '../../../platform/places.ts';
import { locatePostcode } from '../../../domain/places.ts';
import {
  badParameter, page, parseLocationQuery, parsePaging, parseServiceQuery, parseTermQuery, type Query,
} from './params.ts';
import {
  findService, findServiceAtLocation, findServiceAtLocations, findServices, findTerm, findTerms, resolveServiceQuery,
  resolveTaxonomy, resolveTermIds, taxonomyNames, termsById,
} from './queries.ts';
import {
  renderService, renderServiceAtLocation, renderServiceAtLocationSummary, renderServiceSummary, renderTaxonomy, renderTerm,
} from './render.ts';
import { getListings } from '../store.ts';

export const ORUK_VERSION = 'HSDS-UK-3.0';
export const ORUK_PROFILE = 'https://github.com/openreferral/uk-profile';
export const ORUK_OPENAPI = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json';

export interface OrukRoutesOptions {
  config: Config;
}

export async function orukRoutes(app: FastifyInstance, options: OrukRoutesOptions): Promise<void> {
  const { config } = options;
  await app.register(fastifyCors, { origin: '*', methods: ['GET', 'HEAD'], maxAge: 86_400 });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Helmet says same-origin for every response; this API is meant to be read from anywhere.
    reply.header('cross-origin-resource-policy', 'cross-origin');
    return payload;
  });

  const tenantOf = (request: FastifyRequest) => publicTenantOf(request, config);
  const query = (request: FastifyRequest) => request.query as Query;

  app.get('/', async () => ({ version: ORUK_VERSION, profile: ORUK_PROFILE, openapi_url: ORUK_OPENAPI }));

  app.get('/services', async (request) => {
    const q = query(request);
    const paging = parsePaging(q);
    const filters = parseServiceQuery(q);
    const db = request.ctx.db;
    const { total, listings } = await findServices(db, tenantOf(request), await resolveServiceQuery(db, filters), paging);
    return page(paging, total, listings.map(renderServiceSummary));
  });

  app.get<{ Params: { id: string } }>('/services/:id', async (request) => {
    const db = request.ctx.db;
    const listing = await findService(db, tenantOf(request), request.params.id);
    if (!listing) throw notFound('service');
    return renderService(listing, await termsById(db, listing.termIds));
  });

  app.get('/service_at_locations', async (request) => {
    const q = query(request);
    const paging = parsePaging(q);
    const filters = parseServiceQuery(q);
    const { postcode, proximity } = parseLocationQuery(q);
    let near = null;
    if (postcode !== null) {
      const located = locatePostcode(loadDistrictTable(), postcode);
      if (!located.ok) throw badParameter('postcode', `${located.message}.`);
      near = { point: located.district, district: located.district.district, proximity };
    }
    const db = request.ctx.db;
    const tenantId = tenantOf(request);
    const { total, hits } = await findServiceAtLocations(db, tenantId, await resolveServiceQuery(db, filters), near, paging);
    const listings = new Map((await getListings(db, tenantId, [...new Set(hits.map((h) => h.serviceId))])).map((l) => [l.id, l]));
    const contents = hits.flatMap((hit) => {
      const listing = listings.get(hit.serviceId);
      const item = listing ? renderServiceAtLocationSummary(listing, hit.locationId) : null;
      return item ? [item] : [];
    });
    return page(paging, total, contents);
  });

  app.get<{ Params: { id: string } }>('/service_at_locations/:id', async (request) => {
    const db = request.ctx.db;
    const found = await findServiceAtLocation(db, tenantOf(request), request.params.id);
    const rendered = found && renderServiceAtLocation(found.listing, found.locationId, await termsById(db, found.listing.termIds));
    if (!rendered) throw notFound('service at this location');
    return rendered;
  });

  app.get('/taxonomies', async (request) => {
    const paging = parsePaging(query(request));
    const names = await taxonomyNames(request.ctx.db);
    const start = (paging.page - 1) * paging.perPage;
    return page(paging, names.length, names.slice(start, start + paging.perPage).map((t) => renderTaxonomy(t.name)));
  });

  app.get<{ Params: { id: string } }>('/taxonomies/:id', async (request) => {
    const name = await resolveTaxonomy(request.ctx.db, request.params.id);
    if (name === null) throw notFound('taxonomy');
    return renderTaxonomy(name);
  });

  app.get('/taxonomy_terms', async (request) => {
    const q = query(request);
    const paging = parsePaging(q);
    const filter = parseTermQuery(q);
    const db = request.ctx.db;
    let taxonomy: string | null = null;
    if (filter.taxonomyId !== null) taxonomy = (await resolveTaxonomy(db, filter.taxonomyId)) ?? '';
    if (filter.vocabulary !== null) {
      if (taxonomy !== null && taxonomy !== filter.vocabulary) taxonomy = '';
      else taxonomy = filter.vocabulary;
    }
    const parentIds = filter.parentId === null ? null : await resolveTermIds(db, filter.parentId);
    const { total, terms } = await findTerms(db, { taxonomy, parentIds, topOnly: filter.topOnly }, paging);
    return page(paging, total, terms.map(renderTerm));
  });

  app.get<{ Params: { id: string } }>('/taxonomy_terms/:id', async (request) => {
    const term = await findTerm(request.ctx.db, request.params.id);
    if (!term) throw notFound('taxonomy term');
    return renderTerm(term);
  });
}
