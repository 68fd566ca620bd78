// Waiting and sign-up pages: the waiting list, and on a referral the forms to record an attempt
// to contact, sign up, close as unable to sign up, reopen, and return to the single point of
// access. Routes parse, call one service function and render; after a form succeeds they
// redirect (303) to the referral's page with ?done=<code>.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { ATTEMPT_CHANNEL_NAMES, ATTEMPT_CHANNELS, ATTEMPT_OUTCOME_HINTS, ATTEMPT_OUTCOME_NAMES, ATTEMPT_OUTCOMES } from '../../../domain/contact-attempts.ts';
import { STATE_LABELS, UNABLE_REASONS } from '../../../domain/referral-states.ts';
import { NOTE_REQUIRED } from '../../../domain/waiting.ts';
import { AppError } from '../../../platform/errors.ts';
import { formBody, queryParams, type FormBody } from '../../../platform/forms.ts';
import { requireStaff, staffContext } from '../../../platform/guards.ts';
import { formErrors } from '../../../platform/views.ts';
import { FLASH } from '../routes.ts';
import { URGENCY_NAMES } from '../model.ts';
import * as waiting from './service.ts';
import { WAITING_SORTS, type WaitingSort } from './store.ts';

const VIEWS = 'referrals/waiting/views';
const enc = encodeURIComponent;
/** A referral reference as Lantern makes them (src/domain/reference-code.ts), to echo in a message. */
const REFERENCE = /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

const SORT_NAMES: Record<WaitingSort, string> = {
  waiting: 'Longest waiting',
  contact: 'Longest since contact',
  deadline: 'First-response deadline',
};

/** The waiting list's address with these filters (and a page, or a sort). */
function listHref(filters: waiting.WaitingFilters, change: Partial<waiting.WaitingFilters> = {}): string {
  const f = { ...filters, page: 1, ...change };
  const params = new URLSearchParams();
  if (f.organisationId) params.set('organisation', f.organisationId);
  if (f.areaId) params.set('area', f.areaId);
  if (f.worker) params.set('worker', f.worker);
  if (f.mine) params.set('mine', 'yes');
  if (f.sort !== 'waiting') params.set('sort', f.sort);
  if (f.page > 1) params.set('page', String(f.page));
  const query = params.toString();
  return query ? `/waiting-list?${query}` : '/waiting-list';
}

const option = (value: string, text: string, selected: boolean) => ({ value, text, selected });

/** Re-shows a form after a refusal that names fields; anything else goes to the error page. */
async function showAgain(
  reply: FastifyReply,
  error: unknown,
  render: (errors: ReturnType<typeof formErrors>, stale: boolean) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  if (!(error instanceof AppError) || error.fields.length === 0) throw error;
  reply.code(error.status);
  return render(formErrors(error.fields), error.code === 'stale');
}

const field = (v: string | undefined): string => v ?? '';

export const waitingRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  // -------------------------------------------------------------------------------------------
  // The waiting list

  app.get('/waiting-list', async (request, reply) => {
    const ctx = staffContext(request);
    const query = queryParams(request);
    const list = await waiting.listWaiting(ctx, waiting.readWaitingFilters(query));
    const f = list.filters;
    const title = list.wholeTenant ? 'Waiting lists' : 'Waiting list';
    return reply.render(`${VIEWS}/list.njk`, {
      title,
      width: 'full',
      ...list,
      urgencyNames: URGENCY_NAMES,
      sortItems: WAITING_SORTS.map((s) => option(s, SORT_NAMES[s], s === f.sort)),
      organisationItems: [option('', 'All organisations', !f.organisationId), ...list.organisations.map((o) => option(o.id, o.name, o.id === f.organisationId))],
      areaItems: [option('', 'All areas', !f.areaId), ...list.areas.map((a) => option(a.id, a.name, a.id === f.areaId))],
      workerItems: [
        option('', 'Anyone', !f.worker),
        option('none', 'Not allocated', f.worker === 'none'),
        ...list.workers.map((w) => option(w.id, w.name, w.id === f.worker)),
      ],
      previousHref: f.page > 1 ? listHref(f, { page: f.page - 1 }) : null,
      nextHref: f.page < list.pages ? listHref(f, { page: f.page + 1 }) : null,
      filtered: Boolean(f.organisationId || f.areaId || f.worker || f.mine),
      flash: query.done === 'returned' ? `${FLASH.returned}${REFERENCE.test(query.ref ?? '') ? ` (${query.ref})` : ''}. It is no longer on your waiting list.` : undefined,
    });
  });

  // -------------------------------------------------------------------------------------------
  // Contact attempts

  const contactView = `${VIEWS}/contact-attempt.njk`;
  const contactData = (page: waiting.ContactAttemptPage) => ({
    title: 'Record an attempt to contact',
    ...page,
    stateLabel: STATE_LABELS[page.referral.state],
    channelItems: ATTEMPT_CHANNELS.map((c) => ({ value: c, text: ATTEMPT_CHANNEL_NAMES[c] })),
    outcomeItems: ATTEMPT_OUTCOMES.map((o) => ({ value: o, text: ATTEMPT_OUTCOME_NAMES[o], hint: ATTEMPT_OUTCOME_HINTS[o] ? { text: ATTEMPT_OUTCOME_HINTS[o] } : undefined })),
  });
  const checked = <T extends { value: string }>(items: T[], value: string | undefined) => items.map((i) => ({ ...i, checked: i.value === value }));

  app.get<{ Params: { id: string } }>('/referrals/:id/contact-attempts/new', async (request, reply) => {
    const page = await waiting.contactAttemptPage(staffContext(request), request.params.id);
    const data = contactData(page);
    return reply.render(contactView, { ...data, values: { ...page.defaults, formKey: page.formKey } });
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/contact-attempts', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const form = { day: field(body.day), month: field(body.month), year: field(body.year), time: field(body.time), channel: field(body.channel), outcome: field(body.outcome), note: field(body.note), formKey: field(body.formKey) };
    try {
      await waiting.recordContactAttempt(ctx, request.params.id, form);
      return reply.redirect(`/referrals/${enc(request.params.id)}?done=contact`, 303);
    } catch (error) {
      return showAgain(reply, error, async (errors) => {
        const data = contactData(await waiting.contactAttemptPage(ctx, request.params.id));
        return reply.render(contactView, {
          ...data, values: form, errors,
          channelItems: checked(data.channelItems, form.channel), outcomeItems: checked(data.outcomeItems, form.outcome),
        });
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Sign-up

  const signUpView = `${VIEWS}/sign-up.njk`;
  const signUpData = (page: waiting.SignUpPage, worker: string) => ({
    title: 'Sign up for support',
    ...page,
    workerItems: [
      option('', 'Select a worker', !worker),
      ...page.workers.map((w) => option(w.id, page.referral.routedOrganisationId ? w.name : `${w.name} (${w.organisationName})`, w.id === worker)),
    ],
  });

  app.get<{ Params: { id: string } }>('/referrals/:id/sign-up', async (request, reply) => {
    const page = await waiting.signUpPage(staffContext(request), request.params.id);
    return reply.render(signUpView, {
      ...signUpData(page, page.defaults.worker),
      values: { ...page.defaults, version: page.referral.version, formKey: page.formKey },
    });
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/sign-up', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const form = { worker: field(body.worker), day: field(body.day), month: field(body.month), year: field(body.year), version: field(body.version), formKey: field(body.formKey) };
    try {
      await waiting.signUp(ctx, request.params.id, form);
      return reply.redirect(`/referrals/${enc(request.params.id)}?done=signed-up`, 303);
    } catch (error) {
      return showAgain(reply, waiting.staleAsFormError(error as AppError, 'worker'), async (errors, stale) => {
        const page = await waiting.signUpPage(ctx, request.params.id);
        return reply.render(signUpView, {
          ...signUpData(page, form.worker), errors, stale,
          values: { ...form, version: stale ? page.referral.version : form.version },
        });
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Unable to sign up

  const unableView = `${VIEWS}/unable.njk`;
  const unableData = (page: waiting.UnablePage, reason = '') => ({
    title: 'Close as unable to sign up',
    ...page,
    reasonItems: Object.entries(UNABLE_REASONS).map(([value, text]) => ({
      value, text, checked: value === reason,
      hint: value === 'no_response' ? { text: `After at least ${page.attemptsNeeded} recorded attempts` } : NOTE_REQUIRED.includes(value as never) ? { text: 'Say why in the note' } : undefined,
    })),
  });

  app.get<{ Params: { id: string } }>('/referrals/:id/unable', async (request, reply) => {
    const page = await waiting.unablePage(staffContext(request), request.params.id);
    return reply.render(unableView, { ...unableData(page), values: { version: page.referral.version } });
  });

  app.post<{ Params: { id: string } }>('/referrals/:id/unable', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const form = { reason: field(body.reason), note: field(body.note), signposting: field(body.signposting), version: field(body.version) };
    try {
      await waiting.closeUnable(ctx, request.params.id, form);
      return reply.redirect(`/referrals/${enc(request.params.id)}?done=unable`, 303);
    } catch (error) {
      return showAgain(reply, waiting.staleAsFormError(error as AppError, 'reason'), async (errors, stale) => {
        const page = await waiting.unablePage(ctx, request.params.id);
        return reply.render(unableView, { ...unableData(page, form.reason), errors, values: { ...form, version: stale ? page.referral.version : form.version } });
      });
    }
  });

  // -------------------------------------------------------------------------------------------
  // Reopen, and return to the single point of access

  const noteView = `${VIEWS}/note-action.njk`;
  const reopenText = {
    title: 'Reopen this referral',
    intro: 'Reopen a referral closed as unable to sign up when the person gets back in touch. It goes back on the waiting list it was on, with its original date.',
    label: 'Why are you reopening it?',
    hint: 'Like: they called back on 3 March and would like support now.',
    buttonText: 'Reopen referral',
  };
  const returnText = {
    title: 'Return to the single point of access',
    intro: 'Hand this referral back when your organisation cannot support the person. The single point of access will triage it again, in order of its original deadline. Your organisation will no longer see it or the person’s record through it.',
    label: 'Why are you returning it?',
    hint: 'The single point of access reads this first. Say what you found out and what the person needs.',
    buttonText: 'Return referral',
  };

  const noteRoutes = (
    path: string,
    text: typeof reopenText,
    load: (ctx: ReturnType<typeof staffContext>, id: string) => Promise<{ referral: { id: string; version: number } }>,
    save: (ctx: ReturnType<typeof staffContext>, id: string, form: { note: string; version: string }) => Promise<string>,
  ) => {
    app.get<{ Params: { id: string } }>(`/referrals/:id/${path}`, async (request, reply) => {
      const page = await load(staffContext(request), request.params.id);
      return reply.render(noteView, { ...text, ...page, action: `/referrals/${page.referral.id}/${path}`, values: { version: page.referral.version } });
    });
    app.post<{ Params: { id: string } }>(`/referrals/:id/${path}`, async (request, reply) => {
      const ctx = staffContext(request);
      const body: FormBody = formBody(request);
      const form = { note: field(body.note), version: field(body.version) };
      try {
        return reply.redirect(await save(ctx, request.params.id, form), 303);
      } catch (error) {
        return showAgain(reply, waiting.staleAsFormError(error as AppError, 'note'), async (errors, stale) => {
          const page = await load(ctx, request.params.id);
          return reply.render(noteView, {
            ...text, ...page, action: `/referrals/${page.referral.id}/${path}`, errors,
            values: { ...form, version: stale ? page.referral.version : form.version },
          });
        });
      }
    });
  };

  noteRoutes('reopen', reopenText, waiting.reopenPage, async (ctx, id, form) => {
    await waiting.reopen(ctx, id, form);
    return `/referrals/${enc(id)}?done=reopened`;
  });
  noteRoutes('return-to-triage', returnText, waiting.returnPage, async (ctx, id, form) => {
    const returned = await waiting.returnToTriage(ctx, id, form);
    // The routed organisation no longer sees the referral: back to its waiting list instead.
    return returned.canStillSee ? `/referrals/${enc(id)}?done=returned` : `/waiting-list?done=returned&ref=${enc(returned.reference)}`;
  });
};
