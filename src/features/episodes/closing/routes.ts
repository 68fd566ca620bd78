// Handover (/episodes/:id/handover, /handovers/:id), discharge (/episodes/:id/discharge) and
// coming back (/people/:id/come-back). Thin: read the form, call one service function, show the
// form again with what was typed when it is refused with field errors, or redirect with what was done.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../../../config.ts';
import { AppError } from '../../../platform/errors.ts';
import { formBody, queryParams } from '../../../platform/forms.ts';
import { requireStaff, staffContext } from '../../../platform/guards.ts';
import { formErrors } from '../../../platform/views.ts';
import { CHANNEL_NAMES, SOURCE_NAMES, REFERRAL_SOURCES } from '../../referrals/model.ts';
import { COME_BACK_CHANNELS, comeBack, getComeBackPage, statusRefusal, type ComeBackPage } from '../come-back.ts';
import { DISCHARGE_REASONS, dischargeReasonText, dischargeEpisode, getDischargePage, type DischargePage } from '../discharge.ts';
import { acknowledgeHandover, cancelHandover, getHandover, getHandoverStart, sendHandover, SUMMARY_PARTS, type HandoverStart } from '../handover.ts';

const VIEWS = 'episodes/closing/views';
type Params = { Params: { id: string } };
type Form = Record<string, string>;

const nameOf = (person: { givenName: string; familyName: string }) => `${person.givenName} ${person.familyName}`;
const enc = encodeURIComponent;

/** Shows the form again with the errors, when the work was refused with field errors. */
async function formOr(reply: FastifyReply, work: () => Promise<string>, again: (error: AppError) => Promise<{ template: string; data: Record<string, unknown> }>): Promise<FastifyReply> {
  try {
    return reply.redirect(await work(), 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.fields.length === 0) throw error;
    const { template, data } = await again(error);
    return reply.code(error.status).render(template, { ...data, errors: formErrors(error.fields), stale: error.code === 'stale' });
  }
}

const dateBoxes = (form: Form, name: string) => ({ day: form[`${name}[day]`] ?? '', month: form[`${name}[month]`] ?? '', year: form[`${name}[year]`] ?? '' });

export const closingRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.addHook('preHandler', requireStaff);
  const baseUrl = config.publicBaseUrl;

  // Handover --------------------------------------------------------------------------------

  const handoverForm = (start: HandoverStart, values: Form, version?: number) => ({
    template: `${VIEWS}/handover.njk`,
    data: {
      title: `Hand over: ${nameOf(start.person)}`, ...start, personName: nameOf(start.person), parts: SUMMARY_PARTS, values,
      version: version ?? start.episode.version,
      earlier: start.history.filter((h) => h.state !== 'pending'),
      workerItems: start.workers.map((w) => ({ value: w.id, text: w.name, checked: values.toUserId === w.id })),
    },
  });

  app.get<Params>('/episodes/:id/handover', async (request, reply) => {
    const start = await getHandoverStart(staffContext(request), request.params.id);
    const { template, data } = handoverForm(start, {});
    const done = queryParams(request).done;
    return reply.render(template, { ...data, flash: done === 'cancelled' ? 'Handover cancelled. You are still responsible for their support.' : undefined });
  });

  app.post<Params>('/episodes/:id/handover', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => `/handovers/${enc(await sendHandover(ctx, request.params.id, form, { baseUrl }))}?done=sent`, async (error) => {
      const start = await getHandoverStart(ctx, request.params.id);
      return handoverForm(start, form, error.code === 'stale' ? start.episode.version : Number(form.version));
    });
  });

  const HANDOVER_FLASH: Record<string, string> = {
    sent: 'Handover sent. You stay responsible until it is acknowledged. You have both been emailed a link.',
    acknowledged: 'Handover acknowledged. Their support is now yours.',
  };

  const handoverPage = async (request: Parameters<typeof staffContext>[0], values: Form) => {
    const page = await getHandover(staffContext(request), (request.params as { id: string }).id);
    return {
      template: `${VIEWS}/handover-view.njk`,
      data: { title: `Handover: ${nameOf(page.person)}`, ...page, personName: nameOf(page.person), parts: SUMMARY_PARTS, values },
    };
  };

  app.get<Params>('/handovers/:id', async (request, reply) => {
    const { template, data } = await handoverPage(request, {});
    return reply.render(template, { ...data, flash: HANDOVER_FLASH[queryParams(request).done ?? ''] });
  });

  app.post<Params>('/handovers/:id/acknowledge', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await acknowledgeHandover(ctx, request.params.id, form, { baseUrl });
      return `/handovers/${enc(request.params.id)}?done=acknowledged`;
    }, () => handoverPage(request, form));
  });

  app.post<Params>('/handovers/:id/cancel', async (request, reply) => {
    const handover = await cancelHandover(staffContext(request), request.params.id, { baseUrl });
    return reply.redirect(`/episodes/${enc(handover.episodeId)}/handover?done=cancelled`, 303);
  });

  // Discharge -------------------------------------------------------------------------------

  const dischargeForm = (page: DischargePage, values: Form, version?: number) => ({
    template: page.episode.state === 'open' ? `${VIEWS}/discharge.njk` : `${VIEWS}/discharged.njk`,
    data: {
      title: page.episode.state === 'open' ? `End support: ${nameOf(page.person)}` : `Support ended: ${nameOf(page.person)}`,
      ...page, personName: nameOf(page.person), values, version: version ?? page.episode.version,
      dischargeDate: dateBoxes(values, 'dischargeDate'),
      todayExample: page.today.split('-').map(Number).reverse().join(' '),
      reasonText: dischargeReasonText(page.episode),
      reasonItems: Object.entries(DISCHARGE_REASONS).map(([value, text]) => ({ value, text, checked: values.reason === value })),
    },
  });

  app.get<Params>('/episodes/:id/discharge', async (request, reply) => {
    const page = await getDischargePage(staffContext(request), request.params.id);
    const { template, data } = dischargeForm(page, {});
    return reply.render(template, { ...data, flash: queryParams(request).done === 'discharged' ? 'Support ended. They have been discharged.' : undefined });
  });

  app.post<Params>('/episodes/:id/discharge', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await dischargeEpisode(ctx, request.params.id, form, { baseUrl });
      return `/episodes/${enc(request.params.id)}/discharge?done=discharged`;
    }, async (error) => {
      const page = await getDischargePage(ctx, request.params.id);
      return dischargeForm(page, form, error.code === 'stale' ? page.episode.version : Number(form.version));
    });
  });

  // Coming back -----------------------------------------------------------------------------

  const comeBackForm = (page: ComeBackPage, values: Form) => ({
    template: `${VIEWS}/come-back.njk`,
    data: {
      title: `Come back for support: ${nameOf(page.person)}`, ...page, personName: nameOf(page.person), values,
      statusMessage: statusRefusal(page.status, page.comeBackMonths),
      token: values.token || page.token,
      channelItems: COME_BACK_CHANNELS.map((c) => ({ value: c, text: CHANNEL_NAMES[c], checked: values.channel === c })),
      sourceItems: [{ value: '', text: 'Choose who' }, ...REFERRAL_SOURCES.map((s) => ({ value: s, text: SOURCE_NAMES[s], selected: values.source === s }))],
      workerItems: page.workers.map((w) => ({ value: w.id, text: w.name, checked: (values.workerId ?? page.defaultWorkerId) === w.id })),
    },
  });

  app.get<Params>('/people/:id/come-back', async (request, reply) => {
    const page = await getComeBackPage(staffContext(request), request.params.id);
    const { template, data } = comeBackForm(page, {});
    return reply.render(template, { ...data, done: queryParams(request).done === '1' && page.status.kind === 'open' });
  });

  app.post<Params>('/people/:id/come-back', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await comeBack(ctx, request.params.id, form, { baseUrl });
      return `/people/${enc(request.params.id)}/come-back?done=1`;
    }, async () => comeBackForm(await getComeBackPage(ctx, request.params.id), form));
  });
};
