// Social prescribing pages: prescribing from an episode (/episodes/:id/prescriptions/new), the
// episode's prescriptions on their own (/episodes/:id/prescriptions, the same section the episode
// page includes), the provider's inbox (/prescriptions), one prescription with its history and
// the forms that move it on (/prescriptions/:id/...), and provider response times
// (/prescriptions/providers). Every form works without JavaScript.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../../config.ts';
import { describeWorkingDays } from '../../domain/prescription-stats.ts';
import { STATE_LABELS, type PrescriptionState } from '../../domain/prescription-states.ts';
import { describeWait, londonDate } from '../../domain/working-days.ts';
import { describeAllowedMethods } from '../../domain/contact-preferences.ts';
import { AppError } from '../../platform/errors.ts';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { formErrors } from '../../platform/views.ts';
import type { StaffContext } from '../../platform/context.ts';
import { reasonItems, type ActionForm } from './forms.ts';
import * as prescriptions from './service.ts';

const VIEWS = 'prescriptions/views';

/** What the prescription page says after a form sent the worker back with ?done=<code>. */
export const FLASH: Record<string, string> = {
  sent: 'Prescription sent',
  accept: 'Accepted. The navigator can see that you accepted it.',
  decline: 'Declined. The navigator has been told and can see your reason.',
  start: 'Start recorded',
  attendance: 'Attendance recorded',
  complete: 'Completion recorded',
  drop_out: 'Drop-out recorded. The navigator has been told.',
  withdraw: 'Prescription withdrawn',
};

/** The path of each action's form under /prescriptions/:id. */
export const ACTION_PATHS: Record<ActionForm, string> = {
  accept: 'accept',
  decline: 'decline',
  start: 'start',
  attendance: 'attendances/new',
  complete: 'complete',
  drop_out: 'drop-out',
  withdraw: 'withdraw',
};

/** Each action form's title and button. */
const ACTION_TEXT: Record<ActionForm, { title: string; button: string }> = {
  accept: { title: 'Accept this social prescription', button: 'Accept' },
  decline: { title: 'Decline this social prescription', button: 'Decline' },
  start: { title: 'Record the start', button: 'Record the start' },
  attendance: { title: 'Record an attendance', button: 'Record the attendance' },
  complete: { title: 'Record that they completed it', button: 'Record completion' },
  drop_out: { title: 'Record that they dropped out', button: 'Record the drop-out' },
  withdraw: { title: 'Withdraw this social prescription', button: 'Withdraw the prescription' },
};

const STATE_TAG: Record<PrescriptionState, string> = {
  sent: 'nhsuk-tag--blue',
  accepted: 'nhsuk-tag--aqua-green',
  declined: 'nhsuk-tag--red',
  started: 'nhsuk-tag--green',
  completed: 'nhsuk-tag--grey',
  dropped_out: 'nhsuk-tag--orange',
  withdrawn: 'nhsuk-tag--grey',
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Who runs a listing, what it is, and where the prescription will go: said on screen before it is sent. */
function serviceHint(s: prescriptions.ServiceChoice): string {
  const about = escapeHtml(`${s.organisationName}${s.summary ? `. ${s.summary}` : ''}`);
  const where = s.inboxOrganisationId
    ? 'Goes to their inbox in Lantern: they answer it there.'
    : 'Nobody runs this in Lantern: you record how it goes yourself.';
  return `${about}<br><strong>${where}</strong>`;
}


const dateParts = (date: string) => {
  const [year, month, day] = date.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year ?? '' };
};

export const prescriptionRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.addHook('preHandler', requireStaff);
  const baseUrl = config.publicBaseUrl;

  // ---------------------------------------------------------------------------------------------
  // Prescribing, from an episode

  const newView = `${VIEWS}/new.njk`;
  const renderNew = async (reply: FastifyReply, ctx: StaffContext, episodeId: string, query: Record<string, string>, extra: Record<string, unknown>) => {
    const form = await prescriptions.prescribeForm(ctx, episodeId, query);
    const values = (extra.values ?? {}) as Record<string, string>;
    const chosenTarget = values.target ?? (form.chosen ? `service:${form.chosen.id}` : '');
    const serviceItems = [...(form.chosen ? [form.chosen] : []), ...form.services].map((s) => ({
      value: `service:${s.id}`,
      text: s.name,
      hint: { html: serviceHint(s) },
      checked: chosenTarget === `service:${s.id}`,
    }));
    return reply.render(newView, {
      title: 'Prescribe a service or activity',
      ...form,
      values,
      formKey: values.formKey ?? prescriptions.newFormKey(),
      chosenTarget,
      serviceItems,
      needItems: [{ value: '', text: 'Any need' }, ...form.needs.map((n) => ({ value: n.id, text: n.name, selected: n.id === form.search.need }))],
      providerItems: [{ value: '', text: 'Choose a provider' }, ...form.providers.map((p) => ({ value: p.id, text: p.name, selected: p.id === values.providerOrganisationId }))],
      searchQuery: (page: number) => new URLSearchParams({ q: form.search.q, need: form.search.need, page: String(page) }).toString(),
      ...extra,
    });
  };

  app.get<{ Params: { id: string } }>('/episodes/:id/prescriptions/new', async (request, reply) => {
    return renderNew(reply, staffContext(request), request.params.id, queryParams(request), {});
  });

  app.post<{ Params: { id: string } }>('/episodes/:id/prescriptions/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    try {
      const { prescription } = await prescriptions.prescribe(ctx, request.params.id, body, { baseUrl });
      return reply.redirect(`/prescriptions/${prescription.id}?done=sent`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      // Show the form again, with the same search and what was typed.
      const query = { q: body.q ?? '', need: body.need ?? '', page: body.page ?? '1', service: (body.target ?? '').replace(/^service:/, '') };
      return renderNew(reply.code(error.status), ctx, request.params.id, query, {
        values: body,
        errors: formErrors(error.fields),
        duplicateOf: error instanceof prescriptions.DuplicatePrescriptionError ? error.existingId : undefined,
      });
    }
  });

  app.get<{ Params: { id: string } }>('/episodes/:id/prescriptions', async (request, reply) => {
    const section = await prescriptions.episodePrescriptions(staffContext(request), request.params.id);
    return reply.render(`${VIEWS}/episode.njk`, { title: `Social prescriptions for ${section.personName}`, width: 'full', episodePrescriptions: section, stateTags: STATE_TAG });
  });

  // ---------------------------------------------------------------------------------------------
  // The inbox and response times

  app.get('/prescriptions', async (request, reply) => {
    const query = queryParams(request);
    const inbox = await prescriptions.providerInbox(staffContext(request), { page: Number(query.page) || 1 });
    const now = new Date();
    return reply.render(`${VIEWS}/inbox.njk`, {
      title: 'Social prescriptions',
      width: 'full',
      ...inbox,
      items: inbox.items.map((item) => ({ ...item, waited: item.state === 'sent' ? describeWait(item.sentAt, now) : null, tag: STATE_TAG[item.state] })),
    });
  });

  app.get('/prescriptions/providers', async (request, reply) => {
    const report = await prescriptions.providerResponseTimes(staffContext(request), { period: queryParams(request).period });
    const row = (r: prescriptions.ProviderResponseRow) => ({
      ...r,
      median: r.summary.medianWorkingDays === null ? 'No answers' : describeWorkingDays(r.summary.medianWorkingDays),
    });
    return reply.render(`${VIEWS}/providers.njk`, {
      title: 'Provider response times',
      width: 'full',
      ...report,
      providers: report.providers.map(row),
      total: row(report.total),
      periodItems: report.periods.map((p) => ({ value: p.key, text: p.label, selected: p.key === report.period.key })),
    });
  });

  // ---------------------------------------------------------------------------------------------
  // One prescription

  app.get<{ Params: { id: string } }>('/prescriptions/:id', async (request, reply) => {
    const page = await prescriptions.getPrescription(staffContext(request), request.params.id);
    const p = page.prescription;
    return reply.render(`${VIEWS}/prescription.njk`, {
      title: `Social prescription: ${p.serviceName}`,
      ...page,
      stateLabel: STATE_LABELS[p.state],
      stateLabels: STATE_LABELS,
      stateTag: STATE_TAG[p.state],
      waited: p.state === 'sent' ? describeWait(p.sentAt, new Date()) : null,
      contactMethods: page.contact ? describeAllowedMethods(page.contact.contactPreferences) : null,
      eventWords: prescriptions.eventWords,
      declineReasons: Object.fromEntries(reasonItems('decline', undefined).map((r) => [r.value, r.text])),
      dropOutReasons: Object.fromEntries(reasonItems('drop_out', undefined).map((r) => [r.value, r.text])),
      withdrawReasons: Object.fromEntries(reasonItems('withdraw', undefined).map((r) => [r.value, r.text])),
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const actionView = `${VIEWS}/action.njk`;
  for (const action of Object.keys(ACTION_PATHS) as ActionForm[]) {
    const path = `/prescriptions/:id/${ACTION_PATHS[action]}`;
    const render = async (reply: FastifyReply, ctx: StaffContext, id: string, values: Record<string, string>, extra: Record<string, unknown> = {}) => {
      const form = await prescriptions.actionForm(ctx, id, action, new Date());
      return reply.render(actionView, {
        title: ACTION_TEXT[action].title,
        action,
        buttonText: ACTION_TEXT[action].button,
        actionPath: ACTION_PATHS[action],
        ...form,
        values,
        // The version the form was opened at, kept through a form with mistakes so a change
        // someone else made meanwhile is still noticed; after a stale save, the new one.
        version: extra.stale || !values.version ? form.prescription.version : values.version,
        formKey: values.formKey ?? prescriptions.newFormKey(),
        reasons: reasonItems(action, values.reason),
        ...extra,
      });
    };

    app.get<{ Params: { id: string } }>(path, async (request, reply) => {
      // Dates default to today: most things are recorded on the day.
      const values = ['start', 'attendance', 'complete', 'drop_out'].includes(action) ? dateParts(londonDate(new Date())) : {};
      return render(reply, staffContext(request), request.params.id, values);
    });

    app.post<{ Params: { id: string } }>(path, async (request, reply) => {
      const ctx = staffContext(request);
      const body = formBody(request);
      try {
        await prescriptions.takeAction(ctx, request.params.id, action, body, { baseUrl });
        return reply.redirect(`/prescriptions/${request.params.id}?done=${action}`, 303);
      } catch (error) {
        if (!(error instanceof AppError) || error.fields.length === 0) throw error;
        // Show the form again with what was typed. After someone else's change, the form carries
        // the new version, so sending it again is a deliberate choice made with the change in view.
        const stale = error.code === 'stale';
        return render(reply.code(error.status), ctx, request.params.id, body, { errors: formErrors(error.fields), stale });
      }
    });
  }
};
