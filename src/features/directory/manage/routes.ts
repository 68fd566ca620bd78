// Keeping listings true: provider staff's listing pages (/manage/listings), the administrators'
// directory moderation (/admin/directory: listings, changes waiting for approval, reported
// problems), the emailed confirmation link (no sign-in: the token is the authority), and
// "Report a problem with this page" for anyone (/services/:id/report-a-problem).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import { AppError } from '../../../platform/errors.ts';
import { formBody, queryParams } from '../../../platform/forms.ts';
import { requireStaff, staffContext } from '../../../platform/guards.ts';
import { publicTenantOf } from '../../../platform/tenancy.ts';
import { formErrors, handleForm } from '../../../platform/views.ts';
import { ACCESSIBILITY, ACCESSIBILITY_NAMES, CHANNEL_NAMES, CHANNELS, FIVE_WAYS, FIVE_WAYS_NAMES } from '../listing.ts';
import { formValuesFromPost, formValuesOf, type EditForm, type EditFormValues } from './edit.ts';
import * as manage from './service.ts';

const VIEWS = 'directory/manage/views';
const CHECKBOX_GROUPS = ['channels', 'accessibility', 'fiveWays'] as const;

const enc = encodeURIComponent;

/** The posted edit form: single fields as strings, checkbox groups as lists. */
function editFormOf(request: FastifyRequest): EditForm {
  const raw = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  const form: EditForm = { ...formBody(request) };
  for (const key of CHECKBOX_GROUPS) {
    const value = raw[key];
    form[key] = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
  }
  return form;
}

/** The choices of the edit form, ticked as the values say. */
function formOptions(values: EditFormValues) {
  const boxes = <T extends string>(all: readonly T[], names: Record<T, string>, ticked: string[]) =>
    all.map((value) => ({ value, text: names[value], checked: ticked.includes(value) }));
  const yesNo = (value: string) => [
    { value: 'yes', text: 'Yes', checked: value === 'yes' },
    { value: 'no', text: 'No', checked: value === 'no' },
  ];
  return {
    channelItems: boxes(CHANNELS, CHANNEL_NAMES, values.channels),
    accessibilityItems: boxes(ACCESSIBILITY, ACCESSIBILITY_NAMES, values.accessibility),
    fiveWaysItems: boxes(FIVE_WAYS, FIVE_WAYS_NAMES, values.fiveWays),
    selfReferralItems: yesNo(values.selfReferral),
    freeItems: yesNo(values.free),
  };
}

const FLASH: Record<string, string> = {
  proposed: 'Your changes have been sent for approval. The directory shows the listing as it was until an administrator approves them.',
  saved: 'Listing saved',
  unchanged: 'Nothing was changed',
  withdrawn: 'Your changes were the same as the listing, so the change waiting for approval has been withdrawn',
  confirmed: 'Thank you. The listing is confirmed as still right today',
  published: 'The listing is now in the public directory',
  unpublished: 'The listing has been taken off the public directory',
};

function pathOf(scope: manage.Scope): string {
  return scope === 'admin' ? '/admin/directory/listings' : '/manage/listings';
}

/** Administrators who open a provider's address are sent to the same page in their own pages. */
function redirectAdmin(request: FastifyRequest, reply: FastifyReply, scope: manage.Scope): FastifyReply | null {
  if (scope === 'provider' && request.actor?.role === 'admin') {
    return reply.redirect(request.url.replace(/^\/manage\/listings/, '/admin/directory/listings'), 303);
  }
  return null;
}

const listingRoutes = (scope: manage.Scope): FastifyPluginAsync<{ config: Config }> => async (app) => {
  const base = pathOf(scope);
  const editView = `${VIEWS}/edit.njk`;

  app.get(base, async (request, reply) => {
    const redirected = redirectAdmin(request, reply, scope);
    if (redirected) return redirected;
    const query = queryParams(request);
    const result = await manage.listListings(staffContext(request), scope, { text: query.q, filter: query.show, page: Number(query.page) || 1 });
    const filterItems = Object.entries(manage.LISTING_FILTERS).map(([value, text]) => ({ value, text, selected: value === result.filter }));
    const search = new URLSearchParams(Object.entries({ q: result.text, show: result.filter === 'all' ? '' : result.filter }).filter(([, v]) => v)).toString();
    return reply.render(`${VIEWS}/listings.njk`, {
      title: scope === 'admin' ? 'Directory listings' : 'Your listings',
      width: 'full', scope, base, ...result, filterItems, search,
    });
  });

  app.get<{ Params: { id: string } }>(`${base}/:id`, async (request, reply) => {
    const redirected = redirectAdmin(request, reply, scope);
    if (redirected) return redirected;
    const page = await manage.getListingPage(staffContext(request), scope, request.params.id);
    const flash = FLASH[queryParams(request).done ?? ''];
    return reply.render(`${VIEWS}/listing.njk`, { title: page.listing.name, scope, base, ...page, flash });
  });

  app.get<{ Params: { id: string } }>(`${base}/:id/edit`, async (request, reply) => {
    const redirected = redirectAdmin(request, reply, scope);
    if (redirected) return redirected;
    const start = await manage.startEdit(staffContext(request), scope, request.params.id);
    const values = formValuesOf(start.from);
    return reply.render(editView, {
      title: `Change ${start.listing.name}`, scope, base, ...start, proposing: scope === 'provider' && start.listing.published, values, ...formOptions(values),
    });
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/edit`, async (request, reply) => {
    const ctx = staffContext(request);
    const form = editFormOf(request);
    const seen = { version: Number(form.version), revision: typeof form.revision === 'string' ? form.revision : '' };
    try {
      const outcome = await manage.saveEdit(ctx, scope, request.params.id, form, seen);
      return reply.redirect(`${base}/${enc(request.params.id)}?done=${outcome}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      // Show the form again with what was typed; after a stale save, with the new version, so
      // saving again is a deliberate choice.
      const start = await manage.startEdit(ctx, scope, request.params.id);
      const values = formValuesFromPost(form, start.from);
      const stale = error.code === 'stale';
      return reply.code(error.status).render(editView, {
        title: `Change ${start.listing.name}`, scope, base, ...start, proposing: scope === 'provider' && start.listing.published,
        version: stale ? start.version : seen.version, revision: stale ? start.revision : seen.revision,
        values, ...formOptions(values), errors: formErrors(error.fields), stale,
      });
    }
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/still-right`, async (request, reply) => {
    await manage.confirmStillRight(staffContext(request), scope, request.params.id);
    return reply.redirect(`${base}/${enc(request.params.id)}?done=confirmed`, 303);
  });

  if (scope === 'admin') {
    app.post<{ Params: { id: string } }>(`${base}/:id/publish`, async (request, reply) => {
      await manage.setPublished(staffContext(request), request.params.id, true);
      return reply.redirect(`${base}/${enc(request.params.id)}?done=published`, 303);
    });
    app.post<{ Params: { id: string } }>(`${base}/:id/unpublish`, async (request, reply) => {
      await manage.setPublished(staffContext(request), request.params.id, false);
      return reply.redirect(`${base}/${enc(request.params.id)}?done=unpublished`, 303);
    });
  }
};

const moderationRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.get('/admin/directory', async (request, reply) => {
    const overview = await manage.directoryOverview(staffContext(request));
    return reply.render(`${VIEWS}/overview.njk`, { title: 'Directory', ...overview });
  });

  app.get('/admin/directory/changes', async (request, reply) => {
    const changes = await manage.listPendingChanges(staffContext(request));
    return reply.render(`${VIEWS}/changes.njk`, { title: 'Changes waiting for approval', width: 'full', changes });
  });

  const changeView = `${VIEWS}/change.njk`;
  app.get<{ Params: { id: string } }>('/admin/directory/changes/:id', async (request, reply) => {
    const change = await manage.getChange(staffContext(request), request.params.id);
    const done = queryParams(request).done;
    return reply.render(changeView, {
      title: `Change to ${change.listingName}`, width: 'full', change, values: {},
      flash: done === 'approved' ? 'Change approved and published' : done === 'rejected' ? 'Change rejected. The provider has been told why' : undefined,
    });
  });

  app.post<{ Params: { id: string } }>('/admin/directory/changes/:id/approve', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const change = await manage.getChange(ctx, request.params.id);
    return handleForm(reply, changeView, { title: `Change to ${change.listingName}`, width: 'full', change, values: {} }, async () => {
      await manage.approveChange(ctx, config, request.params.id, body.revision ?? '');
      return reply.redirect(`/admin/directory/changes/${enc(request.params.id)}?done=approved`, 303);
    });
  });

  app.post<{ Params: { id: string } }>('/admin/directory/changes/:id/reject', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const change = await manage.getChange(ctx, request.params.id);
    const values = { reason: body.reason ?? '' };
    return handleForm(reply, changeView, { title: `Change to ${change.listingName}`, width: 'full', change, values }, async () => {
      await manage.rejectChange(ctx, config, request.params.id, { reason: values.reason, revision: body.revision ?? '' });
      return reply.redirect(`/admin/directory/changes/${enc(request.params.id)}?done=rejected`, 303);
    });
  });

  app.get('/admin/directory/reports', async (request, reply) => {
    const reports = await manage.listReports(staffContext(request));
    return reply.render(`${VIEWS}/reports.njk`, { title: 'Reported problems', width: 'full', ...reports });
  });

  const reportView = `${VIEWS}/report.njk`;
  app.get<{ Params: { id: string } }>('/admin/directory/reports/:id', async (request, reply) => {
    const report = await manage.getReport(staffContext(request), request.params.id);
    const flash = queryParams(request).done === 'resolved' ? 'Report marked as resolved' : undefined;
    return reply.render(reportView, { title: `Reported problem with ${report.listingName}`, report, values: {}, flash });
  });

  app.post<{ Params: { id: string } }>('/admin/directory/reports/:id/resolve', async (request, reply) => {
    const ctx = staffContext(request);
    const report = await manage.getReport(ctx, request.params.id);
    const values = { note: formBody(request).note ?? '' };
    return handleForm(reply, reportView, { title: `Reported problem with ${report.listingName}`, report, values }, async () => {
      await manage.resolveReport(ctx, request.params.id, values.note);
      return reply.redirect(`/admin/directory/reports/${enc(request.params.id)}?done=resolved`, 303);
    });
  });
};

const staffRoutes: FastifyPluginAsync<{ config: Config }> = async (app, options) => {
  app.addHook('preHandler', requireStaff);
  await app.register(listingRoutes('provider'), options);
  await app.register(listingRoutes('admin'), options);
  await app.register(moderationRoutes, options);
};

const publicRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const reportView = `${VIEWS}/report-a-problem.njk`;

  app.get<{ Params: { id: string } }>('/services/:id/report-a-problem', async (request, reply) => {
    const listing = await manage.reportableListing(request.ctx.db, publicTenantOf(request, config), request.params.id);
    return reply.render(reportView, { title: `Report a problem with ${listing.name}`, listing, values: {}, maxLength: manage.REPORT_MAX_LENGTH });
  });

  app.post<{ Params: { id: string } }>('/services/:id/report-a-problem', async (request, reply) => {
    const tenantId = publicTenantOf(request, config);
    const listing = await manage.reportableListing(request.ctx.db, tenantId, request.params.id);
    const body = formBody(request);
    const values = { message: body.message ?? '', email: body.email ?? '' };
    const data = { title: `Report a problem with ${listing.name}`, listing, values, maxLength: manage.REPORT_MAX_LENGTH };
    return handleForm(reply, reportView, data, async () => {
      await manage.createReport(request.ctx.db, tenantId, listing.id, values);
      return reply.redirect(`/services/${enc(listing.id)}/report-a-problem/sent`, 303);
    });
  });

  app.get<{ Params: { id: string } }>('/services/:id/report-a-problem/sent', async (request, reply) => {
    const listing = await manage.reportableListing(request.ctx.db, publicTenantOf(request, config), request.params.id);
    return reply.render(`${VIEWS}/report-sent.njk`, { title: 'Thank you for telling us', listing });
  });

  // The link in a reminder email: shows the listing and a button; works without signing in.
  const privateLink = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');

  app.get<{ Params: { id: string } }>('/manage/listings/:id/confirm', async (request, reply) => {
    const token = queryParams(request).token ?? '';
    const page = await manage.confirmLinkPage(request.ctx.db, config, request.params.id, token);
    return privateLink(reply).render(`${VIEWS}/confirm-link.njk`, { title: `Is ${page.listing.name} still right?`, ...page, token });
  });

  app.post<{ Params: { id: string } }>('/manage/listings/:id/confirm', async (request, reply) => {
    const token = formBody(request).token ?? queryParams(request).token ?? '';
    const listing = await manage.confirmByLink(request.ctx, config, request.params.id, token);
    return privateLink(reply).render(`${VIEWS}/confirm-done.njk`, { title: 'Listing confirmed', listing });
  });
};

export const directoryManageRoutes: FastifyPluginAsync<{ config: Config }> = async (app, options) => {
  await app.register(publicRoutes, options);
  await app.register(staffRoutes, options);
};
