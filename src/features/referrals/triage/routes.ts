// The single point of access's pages: the triage queue (/triage), and on one referral the triage
// decision, who this is, redirect, allocation, withdrawal and a change of urgency. Routes are thin:
// they read the form, call one service function and render; a refused save shows the same form
// again with what was typed and why it was refused (after a stale save, with the referral as it
// is now, so saving again is a deliberate choice).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import { AppError } from '../../../platform/errors.ts';
import { queryParams } from '../../../platform/forms.ts';
import { requireStaff, staffContext } from '../../../platform/guards.ts';
import { formatDate, formErrors } from '../../../platform/views.ts';
import { getTenantSettings, type TenantSettings } from '../../../platform/tenant-settings.ts';
import { describeDeadline, describeWait } from '../../../domain/working-days.ts';
import { describeAllowedMethods } from '../../../domain/contact-preferences.ts';
import { STATE_LABELS } from '../../../domain/referral-states.ts';
import { NEEDS_TERMS } from '../../../seed/taxonomy.ts';
import { CHANNEL_NAMES, MENTAL_HEALTH_NEED_NAMES, SOURCE_NAMES, URGENCY_NAMES, type Referral } from '../model.ts';
import { needNames } from '../routes.ts';
import { filterQuery, readQueueRequest, triageQueue, COUNT_CAP } from './queue.ts';
import { WITHDRAW_REASONS, triageValues, type PostedForm } from './forms.ts';
import * as triage from './service.ts';

const VIEWS = 'referrals/triage/views';

/** The posted form: single fields as trimmed strings, repeated fields (checkboxes) as lists. */
function postedForm(request: FastifyRequest): PostedForm {
  const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
  const form: PostedForm = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') form[key] = value.trim();
    else if (Array.isArray(value)) form[key] = value.filter((v): v is string => typeof v === 'string').map((v) => v.trim());
  }
  return form;
}

const text = (form: PostedForm, name: string): string => {
  const value = form[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
};

/** What every form page shows about the referral, so the worker knows which one they are changing. */
function referralContext(referral: Referral, now = new Date()) {
  const open = referral.state === 'received' || referral.state === 'waiting';
  return {
    referral,
    stateLabel: STATE_LABELS[referral.state],
    urgencyName: URGENCY_NAMES[referral.urgency],
    sourceName: SOURCE_NAMES[referral.source],
    channelName: CHANNEL_NAMES[referral.channel],
    needs: needNames(referral.needs),
    contactMethods: describeAllowedMethods(referral.contactPreferences),
    waited: describeWait(referral.originalReceivedAt, now),
    deadline: open && !referral.firstReachedAt ? describeDeadline(referral.dueAt, now) : null,
  };
}

type FormErrors = { errorList: { text: string; href?: string }[]; byField: Record<string, { text: string }> };

/** The error summary for a refused save: the fields' problems, or the refusal itself. */
function errorsOf(error: AppError, referralId: string): FormErrors {
  if (error.fields.length) return formErrors(error.fields);
  return {
    errorList: [{ text: error.message, ...(error.code === 'match_needed' ? { href: `/referrals/${referralId}/match` } : {}) }],
    byField: {},
  };
}

/** Errors a form shows again (the fields, a stale page, a refusal); anything else (not found, no access) is an error page. */
function showsOnForm(error: unknown): error is AppError {
  return error instanceof AppError && (error.status === 400 || error.status === 409);
}

const urgencyItems = (settings: TenantSettings, value: string) => [
  { value: 'crisis', text: 'Crisis: see now', hint: { text: `Respond within ${settings.crisisResponseMinutes} minutes, day or night` }, checked: value === 'crisis' },
  { value: 'urgent', text: 'Urgent', hint: { text: `First response within ${settings.urgentResponseHours} hours, weekends included` }, checked: value === 'urgent' },
  { value: 'routine', text: 'Routine', hint: { text: `First contact within ${settings.routineContactWorkingDays} working days. Weekends and bank holidays do not count` }, checked: value === 'routine' },
];

const REDIRECT_ROUTE_WORDS: Record<triage.RedirectRoute, string> = {
  lantern: 'Takes referrals through Lantern: the referral joins their waiting list with its original date',
  signpost: 'Outside Lantern: we record that we pointed the person there, and tell them how to get in touch if they said messages are safe',
  ours: 'Our own service: to keep the referral here, triage it instead',
  current: 'The referral is with them already',
};

const done = (reply: FastifyReply, id: string, code: string) => reply.redirect(`/referrals/${id}?done=${code}`, 303);

export const triageRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.addHook('preHandler', requireStaff);
  const options = () => ({ baseUrl: config.publicBaseUrl });

  // -------------------------------------------------------------------------------------------
  // The queue

  app.get('/triage', async (request, reply) => {
    const ctx = staffContext(request);
    const query = queryParams(request);
    const queueRequest = readQueueRequest(query);
    const now = new Date();
    const page = await triageQueue(ctx, queueRequest, now);
    const filters = filterQuery(page.filters);
    const link = (cursor: Record<string, string>) => `/triage?${new URLSearchParams([...new URLSearchParams(filters), ...Object.entries(cursor)]).toString()}`;
    return reply.render(`${VIEWS}/queue.njk`, {
      title: 'Triage queue',
      width: 'full',
      ...page,
      countCap: COUNT_CAP,
      rows: page.rows.map((row) => ({
        ...row,
        sourceName: SOURCE_NAMES[row.source],
        channelName: CHANNEL_NAMES[row.channel],
        waited: describeWait(row.originalReceivedAt, now),
        deadline: describeDeadline(row.dueAt, now),
      })),
      filtered: filters !== '',
      urgencyItems: [
        { value: '', text: 'All urgencies' },
        ...(['crisis', 'urgent', 'routine'] as const).map((u) => ({ value: u, text: u === 'crisis' ? 'Crisis' : u === 'urgent' ? 'Urgent' : 'Routine', selected: page.filters.urgency === u })),
      ],
      areaItems: [{ value: '', text: 'All areas' }, ...page.areas.map((a) => ({ value: a.id, text: a.name, selected: page.filters.areaId === a.id }))],
      nextHref: page.next ? link({ after: page.next }) : null,
      previousHref: page.previous ? link({ before: page.previous }) : null,
      topHref: filters ? `/triage?${filters}` : '/triage',
    });
  });

  // -------------------------------------------------------------------------------------------
  // The triage decision

  const decisionView = `${VIEWS}/decision.njk`;
  const renderDecision = async (request: FastifyRequest, reply: FastifyReply, page: triage.TriagePage, extra: Record<string, unknown> = {}) => {
    const ctx = staffContext(request);
    const settings = await getTenantSettings(ctx.db, ctx.actor.tenantId);
    const values = (extra.values as triage.TriagePage['values'] | undefined) ?? page.values;
    const ticked = new Set(values.needs);
    // What is already known comes first, so the worker confirms it rather than hunting for it.
    const needItems = [...NEEDS_TERMS]
      .sort((a, b) => Number(ticked.has(b.id)) - Number(ticked.has(a.id)))
      .map((t) => ({ value: t.id, text: t.name, checked: ticked.has(t.id) }));
    const routeItem = (o: triage.RouteOption, kind: 'partner' | 'provider') => ({
      value: `org:${o.organisationId}`,
      text: kind === 'partner' ? `${o.areaName}: ${o.organisationName}` : o.organisationName,
      hint: `org:${o.organisationId}` === page.suggestedRoute && page.suggestedBecause
        ? { text: page.suggestedBecause }
        : kind === 'provider' ? { text: o.areaName ? `Delivery network provider, ${o.areaName}` : 'Delivery network provider' } : undefined,
      checked: values.route === `org:${o.organisationId}`,
    });
    return reply.render(decisionView, {
      title: `Triage referral ${page.referral.reference}`,
      ...referralContext(page.referral),
      ...page,
      urgencyItems: urgencyItems(settings, values.urgency),
      needItems,
      routeItems: [
        ...page.partners.map((o) => routeItem(o, 'partner')),
        ...(page.providers.length ? [{ divider: 'or' }] : []),
        ...page.providers.map((o) => routeItem(o, 'provider')),
        { divider: 'or' },
        { value: 'redirect', text: 'Redirect to another service', hint: { text: 'You will choose the service on the next page. Nothing on this page is saved.' }, checked: values.route === 'redirect' },
      ],
      workerItems: [
        { value: '', text: 'Not yet: the organisation allocates' },
        ...page.workers.map((w) => ({ value: w.id, text: `${w.name}, ${w.organisationName}`, selected: values.workerId === w.id })),
      ],
      mentalHealthNeedItems: (['smi', 'cmi', 'not_known'] as const).map((v) => ({ value: v, text: MENTAL_HEALTH_NEED_NAMES[v], checked: values.mentalHealthNeed === v })),
      ...extra,
      values,
    });
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/triage', async (request, reply) => {
    const page = await triage.startTriage(staffContext(request), request.params.id);
    return renderDecision(request, reply, page);
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/triage', async (request, reply) => {
    const ctx = staffContext(request);
    const { id } = request.params;
    const form = postedForm(request);
    if (text(form, 'route') === 'redirect') {
      // Redirecting is its own form; nothing here is saved. Only the single point of access triages.
      triage.requireSinglePointOfAccess(ctx);
      return reply.redirect(`/referrals/${id}/redirect`, 303);
    }
    try {
      await triage.saveTriage(ctx, id, form, options());
      return done(reply, id, 'triaged');
    } catch (error) {
      if (!showsOnForm(error)) throw error;
      const page = await triage.startTriage(ctx, id);
      const typed = triageValues(form);
      const values = { ...typed, version: error.code === 'stale' ? page.values.version : typed.version };
      reply.code(error.status);
      return renderDecision(request, reply, page, { values, errors: errorsOf(error, id) });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Changing urgency on the waiting list

  const urgencyView = `${VIEWS}/urgency.njk`;
  const renderUrgency = async (request: FastifyRequest, reply: FastifyReply, page: triage.UrgencyPage, extra: Record<string, unknown> = {}) => {
    const ctx = staffContext(request);
    const settings = await getTenantSettings(ctx.db, ctx.actor.tenantId);
    const values = (extra.values as Record<string, string> | undefined) ?? page.values;
    return reply.render(urgencyView, {
      title: `Change the urgency of referral ${page.referral.reference}`,
      ...referralContext(page.referral), ...page, urgencyItems: urgencyItems(settings, values.urgency ?? ''), ...extra, values,
    });
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/urgency', async (request, reply) => {
    return renderUrgency(request, reply, await triage.startUrgencyChange(staffContext(request), request.params.id));
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/urgency', async (request, reply) => {
    const ctx = staffContext(request);
    const { id } = request.params;
    const form = postedForm(request);
    try {
      await triage.saveUrgencyChange(ctx, id, form, options());
      return done(reply, id, 'urgency');
    } catch (error) {
      if (!showsOnForm(error)) throw error;
      const page = await triage.startUrgencyChange(ctx, id);
      const values = { urgency: text(form, 'urgency'), reason: text(form, 'reason'), version: error.code === 'stale' ? page.values.version! : text(form, 'version') };
      reply.code(error.status);
      return renderUrgency(request, reply, page, { values, errors: errorsOf(error, id) });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Who this is

  const matchView = `${VIEWS}/match.njk`;
  const LEVEL_WORDS: Record<string, string> = {
    certain: 'Almost certainly the same person',
    likely: 'Probably the same person',
    possible: 'Possibly the same person',
  };
  const renderMatch = (reply: FastifyReply, page: triage.MatchPage, extra: Record<string, unknown> = {}) => {
    const values = (extra.values as Record<string, string> | undefined) ?? page.values;
    return reply.render(matchView, {
      title: `Check who referral ${page.referral.reference} is about`,
      ...referralContext(page.referral), ...page,
      candidates: page.candidates.map((c) => ({ ...c, levelWords: LEVEL_WORDS[c.level] ?? c.level })),
      choiceItems: [
        ...page.candidates.map((c) => ({
          value: c.id, text: `Yes, this is ${c.givenName} ${c.familyName}`,
          hint: { text: [LEVEL_WORDS[c.level], c.dateOfBirth ? `born ${formatDate(c.dateOfBirth)}` : null, c.postcode].filter(Boolean).join(', ') },
          checked: values.choice === c.id,
        })),
        ...(page.candidates.length ? [{ divider: 'or' }] : []),
        { value: 'new', text: 'No, this is someone new', hint: { text: 'A new person record is made from what the referral says' }, checked: values.choice === 'new' },
      ],
      ...extra,
      values,
    });
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/match', async (request, reply) => {
    return renderMatch(reply, await triage.startMatch(staffContext(request), request.params.id));
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/match', async (request, reply) => {
    const ctx = staffContext(request);
    const { id } = request.params;
    const form = postedForm(request);
    try {
      await triage.saveMatch(ctx, id, form);
      return done(reply, id, 'matched');
    } catch (error) {
      if (!showsOnForm(error)) throw error;
      const page = await triage.startMatch(ctx, id);
      const values = { choice: text(form, 'choice'), version: error.code === 'stale' ? page.values.version! : text(form, 'version') };
      reply.code(error.status);
      return renderMatch(reply, page, { values, errors: errorsOf(error, id) });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Redirect

  const redirectView = `${VIEWS}/redirect.njk`;
  const renderRedirect = (reply: FastifyReply, page: triage.RedirectPage, extra: Record<string, unknown> = {}) => {
    const values = (extra.values as Record<string, string> | undefined) ?? page.values;
    const options = [...(page.chosen && !page.results.some((r) => r.listing.id === page.chosen!.listing.id) ? [page.chosen] : []), ...page.results];
    // Our own service, or where the referral is already, are found but not offered: said in words instead.
    const offered = options.filter((o) => o.route === 'lantern' || o.route === 'signpost');
    const notOffered = options.filter((o) => o.route === 'ours' || o.route === 'current').map((o) => `${o.listing.name}: ${REDIRECT_ROUTE_WORDS[o.route].toLowerCase()}`);
    const serviceItems = offered.map(({ listing: l, route }) => ({
      value: l.id,
      text: l.name,
      hint: { text: [l.organisationName !== l.name ? l.organisationName : null, REDIRECT_ROUTE_WORDS[route]].filter(Boolean).join('. ') },
      checked: values.serviceId === l.id,
    }));
    const errors = extra.errors as FormErrors | undefined;
    return reply.render(redirectView, {
      title: `Redirect referral ${page.referral.reference}`,
      ...referralContext(page.referral), ...page, serviceItems, notOffered,
      // With no results on the page, the problem with the choice is shown at the search box.
      serviceErrorAtSearch: serviceItems.length === 0 && Boolean(errors?.byField.serviceId),
      ...extra,
      errors: errors && serviceItems.length === 0
        ? { ...errors, errorList: errors.errorList.map((e) => (e.href === '#serviceId' ? { ...e, href: '#q' } : e)) }
        : errors,
      values,
    });
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/redirect', async (request, reply) => {
    const query = queryParams(request);
    return renderRedirect(reply, await triage.startRedirect(staffContext(request), request.params.id, query.q ?? '', (query.service ?? '').slice(0, 200)));
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/redirect', async (request, reply) => {
    const ctx = staffContext(request);
    const { id } = request.params;
    const form = postedForm(request);
    try {
      const outcome = await triage.saveRedirect(ctx, id, form, options());
      return done(reply, id, outcome.kind === 'routed' ? 'redirected' : 'signposted');
    } catch (error) {
      if (!showsOnForm(error)) throw error;
      const page = await triage.startRedirect(ctx, id, text(form, 'q'), text(form, 'serviceId'));
      const values = {
        q: text(form, 'q'), serviceId: text(form, 'serviceId'), note: text(form, 'note'), outsideEligibility: text(form, 'outsideEligibility'),
        version: error.code === 'stale' ? page.values.version! : text(form, 'version'),
      };
      reply.code(error.status);
      return renderRedirect(reply, page, { values, errors: errorsOf(error, id) });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Allocation

  const allocateView = `${VIEWS}/allocate.njk`;
  const renderAllocation = (reply: FastifyReply, page: triage.AllocationPage, extra: Record<string, unknown> = {}) => {
    const values = (extra.values as Record<string, string> | undefined) ?? page.values;
    return reply.render(allocateView, {
      title: `${page.referral.responsibleUserId ? 'Give referral to another worker' : 'Allocate a responsible worker'}: ${page.referral.reference}`,
      ...referralContext(page.referral), ...page,
      workerItems: [
        { value: '', text: 'Choose a worker' },
        ...page.workers
          .filter((w) => w.id !== page.referral.responsibleUserId)
          .map((w) => ({ value: w.id, text: w.teamLead ? `${w.name} (team lead)` : w.name, selected: values.workerId === w.id })),
      ],
      ...extra,
      values,
    });
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/allocate', async (request, reply) => {
    return renderAllocation(reply, await triage.startAllocation(staffContext(request), request.params.id));
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/allocate', async (request, reply) => {
    const ctx = staffContext(request);
    const { id } = request.params;
    const form = postedForm(request);
    try {
      await triage.saveAllocation(ctx, id, form, options());
      return done(reply, id, 'allocated');
    } catch (error) {
      if (!showsOnForm(error)) throw error;
      const page = await triage.startAllocation(ctx, id);
      const values = { workerId: text(form, 'workerId'), note: text(form, 'note'), version: error.code === 'stale' ? page.values.version! : text(form, 'version') };
      reply.code(error.status);
      return renderAllocation(reply, page, { values, errors: errorsOf(error, id) });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Withdrawal

  const withdrawView = `${VIEWS}/withdraw.njk`;
  const renderWithdrawal = (reply: FastifyReply, page: triage.WithdrawalPage, extra: Record<string, unknown> = {}) => {
    const values = (extra.values as Record<string, string> | undefined) ?? page.values;
    return reply.render(withdrawView, {
      title: `Withdraw referral ${page.referral.reference}`,
      ...referralContext(page.referral), ...page,
      reasonItems: Object.entries(WITHDRAW_REASONS).map(([value, label]) => ({ value, text: label, checked: values.reason === value })),
      ...extra,
      values,
    });
  };

  app.get<{ Params: { id: string } }>('/referrals/:id/withdraw', async (request, reply) => {
    return renderWithdrawal(reply, await triage.startWithdrawal(staffContext(request), request.params.id));
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/withdraw', async (request, reply) => {
    const ctx = staffContext(request);
    const { id } = request.params;
    const form = postedForm(request);
    try {
      await triage.saveWithdrawal(ctx, id, form);
      return done(reply, id, 'withdrawn');
    } catch (error) {
      if (!showsOnForm(error)) throw error;
      const page = await triage.startWithdrawal(ctx, id);
      const values = { reason: text(form, 'reason'), note: text(form, 'note'), version: error.code === 'stale' ? page.values.version! : text(form, 'version') };
      reply.code(error.status);
      return renderWithdrawal(reply, page, { values, errors: errorsOf(error, id) });
    }
  });
};
