// The person's and carer's own pages, /my. Reached only through a secure link (/my/open), with a
// portal session of their own (cookie lantern_portal, path /my), never a staff session: a staff
// member signed in on the same browser is nobody here. Each page asks the service, which decides
// access again on every request (a carer's consent included) and audits the view.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import {
  CONSENT_SCOPES, SCOPE_NAMES_FOR_CARER, SCOPE_NAMES_FOR_PERSON, describeScope, type ConsentScope,
} from '../../domain/carer-consent.ts';
import { parsePreferencesForm } from '../../domain/carer-details.ts';
import { CONTACT_METHODS, CONTACT_METHOD_NAMES, describeAllowedMethods, type ContactPreferences } from '../../domain/contact-preferences.ts';
import type { PortalContext } from '../../platform/context.ts';
import { toAppError } from '../../platform/error-handler.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import { formBody, queryParams } from '../../platform/forms.ts';
import { formErrors } from '../../platform/views.ts';
import { NATIONAL_CRISIS_OPTIONS } from '../directory/crisis.ts';
import type { CarerLink } from '../carers/service.ts';
import * as portal from './service.ts';

const VIEWS = 'portal/views';

const FLASH: Record<string, string> = {
  preferences: 'Saved. We will contact you only in the ways you chose.',
  'carer-preferences': 'Saved. We will contact you only in the ways you chose.',
  narrowed: 'Saved. It counts from now.',
};

const TITLES: Record<number, string> = {
  400: 'There is a problem with what was sent',
  403: 'You cannot see this page',
  404: 'Page not found',
  409: 'This changed while you had the page open',
  429: 'Too many attempts',
  500: 'Sorry, there is a problem with the service',
  503: 'Sorry, the service is unavailable',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** the portal session's context, when the request has a current one */
    portalCtx: PortalContext | null;
  }
}

interface NavItem {
  href: string;
  text: string;
}

/** The portal's navigation: the person sees all their pages; a carer only what is shared with them now. */
function navigationFor(access: portal.PortalAccess | null): NavItem[] {
  if (!access) return [];
  if (access.kind === 'person') {
    return [
      { href: '/my', text: 'Your pages' },
      { href: '/my/crisis-plan', text: 'Crisis plan' },
      { href: '/my/plan', text: 'Plan and goals' },
      { href: '/my/carers', text: 'Carers' },
      { href: '/my/contact-preferences', text: 'How we contact you' },
    ];
  }
  const items: NavItem[] = [{ href: '/my', text: 'Your pages' }];
  if (access.scope.includes('crisis_plan')) items.push({ href: '/my/crisis-plan', text: 'Crisis plan' });
  if (access.scope.includes('plan')) items.push({ href: '/my/plan', text: 'Plan and goals' });
  items.push({ href: '/my/contact-preferences', text: 'How we contact you' });
  return items;
}

/** The values every portal page needs: its navigation and who is signed in. */
function frame(request: FastifyRequest, access: portal.PortalAccess | null) {
  const path = request.url.split('?')[0] ?? '/my';
  return {
    portalSignedIn: request.portalCtx !== null,
    portalNavigation: navigationFor(access).map((item) => ({ ...item, current: path === item.href })),
  };
}

function methodItems(p: ContactPreferences) {
  return CONTACT_METHODS.map((m) => ({ value: m, text: CONTACT_METHOD_NAMES[m], checked: p[m] }));
}

function listOf(request: FastifyRequest, name: string): string[] {
  const raw = (request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>)[name] : undefined);
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
}

/** The person's own words for what a carer may have; the carer's words for what they are shared. */
const scopeListFor = (scope: readonly ConsentScope[], forCarer: boolean) =>
  scope.map((s) => (forCarer ? SCOPE_NAMES_FOR_CARER : SCOPE_NAMES_FOR_PERSON)[s]);

export const portalRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const cookieOptions = { path: portal.PORTAL_COOKIE_PATH, httpOnly: true, secure: config.secureCookies, sameSite: 'lax' as const };

  app.decorateRequest('portalCtx', null);
  app.addHook('preHandler', async (request) => {
    const actor = await portal.loadPortalSession(request.ctx.db, request.cookies[portal.PORTAL_COOKIE]);
    // The portal never acts as a staff member, even when one is signed in on this browser.
    request.portalCtx = actor ? { ...request.ctx, actor: null, apiClient: null, portal: actor } : null;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Pages about a person must not sit in a shared computer's cache, nor leak the link's address.
    reply.header('cache-control', 'no-store');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  /** The kind pages for refusals a person or carer may meet; everything else as a calm problem page. */
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: appError.code, status: appError.status }, 'request refused');
    reply.code(appError.status).headers(appError.headers);
    const base = frame(request, null);
    if (appError.code === 'no_longer_shared') return reply.render(`${VIEWS}/no-access.njk`, { title: 'You no longer have access', ...base });
    if (appError.code === 'not_shared') return reply.render(`${VIEWS}/not-shared.njk`, { title: 'This is not shared with you', ...base });
    return reply.render(`${VIEWS}/problem.njk`, { title: TITLES[appError.status] ?? TITLES[400], message: appError.message, status: appError.status, ...base });
  });

  /** The portal context, or the kind "your session has ended" page. */
  const sessionOr = (request: FastifyRequest, reply: FastifyReply): PortalContext | null => {
    if (request.portalCtx) return request.portalCtx;
    reply.code(401).render(`${VIEWS}/session-ended.njk`, { title: 'Your secure pages have closed', ...frame(request, null) });
    return null;
  };

  // ---- using a link ----

  // The link opens this page, which asks for one more click: a link checker in an email service
  // that fetches the address cannot use the link up. Nothing about the link is checked here.
  app.get('/open', async (request, reply) => {
    const token = queryParams(request).token ?? '';
    return reply.render(`${VIEWS}/open.njk`, { title: 'Open your secure pages', token, ...frame(request, null) });
  });

  app.post('/open', async (request, reply) => {
    const result = await portal.redeemLink(request.ctx, formBody(request).token ?? '', request.cookies[portal.PORTAL_COOKIE]);
    switch (result.kind) {
      case 'started':
        reply.setCookie(portal.PORTAL_COOKIE, result.sessionToken, cookieOptions);
        return reply.redirect('/my', 303);
      case 'refused':
        return reply.code(400).render(`${VIEWS}/link-refused.njk`, { title: 'This link cannot be used', days: portal.LINK_VALID_DAYS, ...frame(request, null) });
      case 'throttled':
        return reply.code(429).header('retry-after', String(portal.ATTEMPT_WINDOW_MINUTES * 60))
          .render(`${VIEWS}/problem.njk`, { title: 'Too many attempts', status: 429, message: `There have been too many attempts to open a link from here. Wait ${portal.ATTEMPT_WINDOW_MINUTES} minutes, then try again.`, ...frame(request, null) });
      case 'no_access':
        return reply.code(403).render(`${VIEWS}/no-access.njk`, { title: 'You no longer have access', ...frame(request, null) });
    }
  });

  // ---- signing out ----

  app.get('/sign-out', async (request, reply) => reply.render(`${VIEWS}/sign-out.njk`, { title: 'Close your secure pages', ...frame(request, null) }));
  // The header's sign-out button cannot carry a CSRF token, so a same-origin Sec-Fetch-Site is enough (as for staff).
  app.post('/sign-out', { config: { csrf: 'fetch-metadata' } }, async (request, reply) => {
    await portal.endPortalSession(request.portalCtx ?? request.ctx, request.cookies[portal.PORTAL_COOKIE]);
    reply.clearCookie(portal.PORTAL_COOKIE, cookieOptions);
    return reply.redirect('/my/signed-out', 303);
  });
  app.get('/signed-out', async (request, reply) => reply.render(`${VIEWS}/signed-out.njk`, { title: 'Your secure pages are closed', ...frame(request, null) }));

  // ---- the pages ----

  app.get('/', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const page = await portal.home(ctx);
    if (page.kind === 'carer') {
      return reply.render(`${VIEWS}/home-carer.njk`, {
        title: 'What is shared with you', ...frame(request, page.access), page, shared: scopeListFor(page.scope, true),
      });
    }
    return reply.render(`${VIEWS}/home-person.njk`, {
      title: 'Your pages', ...frame(request, page.access), page, contactMethods: describeAllowedMethods(page.own.contactPreferences),
      carers: page.carers.map((l) => ({ ...l, shares: describeScope(l.scope) })),
    });
  });

  app.get('/crisis-plan', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const { plan, access } = await portal.crisisPlan(ctx);
    return reply.render(`${VIEWS}/crisis-plan.njk`, { title: access.kind === 'person' ? 'Your crisis plan' : `${access.personGivenName}’s crisis plan`, ...frame(request, access), plan, access, nationalOptions: NATIONAL_CRISIS_OPTIONS });
  });

  app.get('/plan', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const { plan, access } = await portal.supportPlan(ctx);
    return reply.render(`${VIEWS}/plan.njk`, { title: access.kind === 'person' ? 'Your plan and goals' : `${access.personGivenName}’s plan and goals`, ...frame(request, access), plan, access });
  });

  app.get('/carers', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const { access, links } = await portal.myCarers(ctx);
    return reply.render(`${VIEWS}/carers.njk`, {
      title: 'Carers and what they can see', ...frame(request, access),
      links: links.map((l) => ({ ...l, shares: scopeListFor(l.scope, false) })), flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const CARER = `${VIEWS}/carer.njk`;
  const carerData = (link: CarerLink, ticked: readonly string[]) => ({
    title: `What ${link.carerGivenName} can see`, link,
    scopeItems: CONSENT_SCOPES.filter((s) => link.scope.includes(s)).map((s) => ({ value: s, text: SCOPE_NAMES_FOR_PERSON[s], checked: ticked.includes(s) })),
  });

  app.get<{ Params: { linkId: string } }>('/carers/:linkId', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const { access, link } = await portal.myCarer(ctx, request.params.linkId);
    return reply.render(CARER, { ...carerData(link, link.scope), version: link.version, ...frame(request, access) });
  });

  app.post<{ Params: { linkId: string } }>('/carers/:linkId', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const body = formBody(request);
    // "Stop sharing anything" sends an empty scope whatever is ticked.
    const scope = body.stopAll === 'yes' ? [] : listOf(request, 'scope');
    try {
      await portal.narrowMyCarer(ctx, request.params.linkId, scope, Number(body.version));
      return reply.redirect('/my/carers?done=narrowed', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const { access, link } = await portal.myCarer(ctx, request.params.linkId);
      const stale = error.code === 'stale';
      return reply.code(error.status).render(CARER, {
        ...carerData(link, stale ? link.scope : scope), version: stale ? link.version : body.version, ...frame(request, access), errors: formErrors(error.fields), stale,
      });
    }
  });

  const PREFERENCES = `${VIEWS}/contact-preferences.njk`;
  app.get('/contact-preferences', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const mine = await portal.myPreferences(ctx);
    return reply.render(PREFERENCES, {
      title: 'How we contact you', ...frame(request, mine.access), mine, methodItems: methodItems(mine.preferences),
      values: { contactTimes: mine.preferences.times, contactNotes: mine.preferences.notes }, version: mine.version,
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  app.post('/contact-preferences', async (request, reply) => {
    const ctx = sessionOr(request, reply);
    if (!ctx) return reply;
    const body = formBody(request);
    const methods = listOf(request, 'contactMethods');
    try {
      const parsed = parsePreferencesForm({ methods, times: body.contactTimes ?? '', notes: body.contactNotes ?? '' });
      if (!parsed.ok) throw invalid(parsed.problems);
      await portal.setMyPreferences(ctx, parsed.value, Number(body.version));
      return reply.redirect('/my/contact-preferences?done=preferences', 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const mine = await portal.myPreferences(ctx);
      const stale = error.code === 'stale';
      const typed: ContactPreferences = { ...mine.preferences, ...Object.fromEntries(CONTACT_METHODS.map((m) => [m, methods.includes(m)])) };
      return reply.code(error.status).render(PREFERENCES, {
        title: 'How we contact you', ...frame(request, mine.access), mine, methodItems: methodItems(stale ? mine.preferences : typed),
        values: stale ? { contactTimes: mine.preferences.times, contactNotes: mine.preferences.notes } : body,
        version: stale ? mine.version : body.version, errors: formErrors(error.fields), stale,
      });
    }
  });
};
