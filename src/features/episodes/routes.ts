// The navigator's pages: the caseload, a support episode with its plan, goals, steps, progress,
// contacts and status. Routes parse, call one service function and render; access, validation
// and audit are the services'. Forms work without JavaScript; a form with problems is shown again
// with what was typed, and a stale save beside what is saved now.
import { budgetSection } from '../budgets/service.ts';
import { episodePrescriptions } from '../prescriptions/service.ts';
import { episodeClosingSection, handoversToAcknowledge } from './closing/sections.ts';
import crypto from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ACCOMMODATION_TYPES, ACCOMMODATION_TYPE_KEYS, EMPLOYMENT_STATUSES, EMPLOYMENT_STATUS_LABELS } from '../../domain/commissioned-status.ts';
import { CONTACT_KINDS, CONTACT_KIND_NAMES, formatTimeOfDay, londonMinutes, MECC_TOPICS, MECC_TOPIC_NAMES } from '../../domain/contacts.ts';
import { GOAL_STATUSES, GOAL_STATUS_NAMES, OUTCOME_DOMAINS, OUTCOME_DOMAIN_NAMES, RATING_MAX, RATING_MIN, STEP_OWNERS, STEP_OWNER_NAMES } from '../../domain/support-plan.ts';
import { londonDate } from '../../domain/working-days.ts';
import { AppError } from '../../platform/errors.ts';
import { formBody, queryParams, type FormBody } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { formErrors } from '../../platform/views.ts';
import { caseload, caseloadQueryFrom, caseloadSearch, CASELOAD_PAGE_SIZE, CASELOAD_SORTS, RISK_FILTERS } from './caseload.ts';
import { countMeccAdvice, listContacts, recordContact, recordStatus, statusHistory } from './contacts.ts';
import { datePartsFrom, datePartsOf, listOf, NO_DATE, type DateParts } from './fields.ts';
import * as plans from './plan.ts';

const V = 'episodes/views';

/** What a page says after a form sent the worker back to it with ?done=<code>. */
const FLASH: Record<string, string> = {
  plan: 'Plan saved',
  goal: 'Goal added. Add the first step towards it.',
  'goal-saved': 'Goal saved',
  step: 'Step added',
  'step-saved': 'Step saved',
  'step-done': 'Step marked as done',
  progress: 'Progress recorded',
  contact: 'Contact recorded',
  status: 'Status recorded',
  'status-sign-up': 'Status at sign-up recorded',
};

const enc = encodeURIComponent;
const episodePath = (id: string) => `/episodes/${enc(id)}`;
const goalPath = (id: string, goalId: string) => `${episodePath(id)}/goals/${enc(goalId)}`;

/** A new random id for a form, so sending it twice does nothing the second time. */
const newSubmission = () => crypto.randomUUID();

/** Runs a form's save; when it is refused with field errors, shows the form again (rebuilt by `again`). */
async function saveOrShowAgain(
  reply: FastifyReply,
  save: () => Promise<FastifyReply>,
  again: (error: AppError) => Promise<{ template: string; data: Record<string, unknown> }>,
): Promise<FastifyReply> {
  try {
    return await save();
  } catch (error) {
    if (!(error instanceof AppError) || error.fields.length === 0) throw error;
    const { template, data } = await again(error);
    return reply.code(error.status).render(template, { ...data, errors: formErrors(error.fields), stale: error.code === 'stale' });
  }
}

const choices = <T extends string>(all: readonly T[], names: Record<T, string>, chosen: string | string[] | undefined) =>
  all.map((value) => ({ value, text: names[value], checked: Array.isArray(chosen) ? chosen.includes(value) : chosen === value }));

function goalItems(values: { domain?: string; status?: string }) {
  return {
    domainItems: choices(OUTCOME_DOMAINS, OUTCOME_DOMAIN_NAMES, values.domain),
    statusItems: choices(GOAL_STATUSES, GOAL_STATUS_NAMES, values.status),
  };
}

function stepItems(owner: string | undefined) {
  return { ownerItems: choices(STEP_OWNERS, STEP_OWNER_NAMES, owner) };
}

const RATING_VALUES = Array.from({ length: RATING_MAX - RATING_MIN + 1 }, (_, i) => String(RATING_MIN + i));

function ratingItems(rating: string | undefined) {
  return RATING_VALUES.map((value) => ({ value, text: value, checked: rating === value }));
}

function contactItems(values: { kind?: string; mecc?: string[] }) {
  return { kindItems: choices(CONTACT_KINDS, CONTACT_KIND_NAMES, values.kind), meccItems: choices(MECC_TOPICS, MECC_TOPIC_NAMES, values.mecc ?? []) };
}

function statusItems(values: { employmentStatus?: string; accommodationType?: string; volunteering?: string; educationTraining?: string }) {
  const yesNo = (value: string | undefined) => [{ value: 'yes', text: 'Yes', checked: value === 'yes' }, { value: 'no', text: 'No', checked: value === 'no' }];
  return {
    employmentItems: EMPLOYMENT_STATUSES.map((code) => ({ value: code, text: EMPLOYMENT_STATUS_LABELS[code], checked: values.employmentStatus === code })),
    accommodationItems: ACCOMMODATION_TYPE_KEYS.map((key) => ({
      value: key, text: ACCOMMODATION_TYPES[key].name, checked: values.accommodationType === key,
      hint: { text: ACCOMMODATION_TYPES[key].accommodation === 'settled' ? 'Settled' : ACCOMMODATION_TYPES[key].accommodation === 'not_settled' ? 'Not settled' : 'We do not know' },
    })),
    volunteeringItems: yesNo(values.volunteering),
    educationItems: yesNo(values.educationTraining),
  };
}

const todayParts = (): DateParts => datePartsFrom(londonDate(new Date()));

type P = { id: string };
type G = P & { goalId: string };
type S = G & { stepId: string };

export const episodeRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  // -------------------------------------------------------------------------------------------
  // Brief advice given under Making Every Contact Count: counts for commissioners and admins

  app.get('/reports/brief-advice', async (request, reply) => {
    const report = await countMeccAdvice(staffContext(request), { period: queryParams(request).period });
    return reply.render(`${V}/brief-advice.njk`, {
      title: 'Brief advice given',
      width: 'full',
      ...report,
      topics: MECC_TOPICS.map((topic) => ({ topic, name: MECC_TOPIC_NAMES[topic] })),
      periodItems: report.periods.map((p) => ({ value: p.key, text: p.label, selected: p.key === report.period.key })),
    });
  });

  // -------------------------------------------------------------------------------------------
  // The caseload

  app.get('/caseload', async (request, reply) => {
    const query = caseloadQueryFrom(queryParams(request));
    const ctx = staffContext(request);
    const page = await caseload(ctx, query);
    const handovers = await handoversToAcknowledge(ctx, { team: query.team });
    const search = caseloadSearch(page.query);
    return reply.render(`${V}/caseload.njk`, {
      title: query.team ? 'Team caseload' : 'Your caseload',
      width: 'full',
      ...page,
      search,
      sortName: CASELOAD_SORTS[page.query.sort],
      pageSize: CASELOAD_PAGE_SIZE,
      sortItems: Object.entries(CASELOAD_SORTS).map(([value, text]) => ({ value, text, selected: value === page.query.sort })),
      riskItems: RISK_FILTERS.map((r) => ({ value: r.value, text: r.text, selected: r.value === page.query.risk })),
      workerItems: [
        { value: '', text: 'Everyone', selected: page.query.worker === '' },
        ...page.workers.map((w) => ({ value: w.id, text: w.name, selected: page.query.worker === w.id })),
        { value: 'unallocated', text: 'Not allocated to a worker', selected: page.query.worker === 'unallocated' },
      ],
      teamLead: request.actor?.teamLead ?? false,
      handovers,
    });
  });

  // -------------------------------------------------------------------------------------------
  // The episode and its plan

  app.get<{ Params: P }>('/episodes/:id', async (request, reply) => {
    const ctx = staffContext(request);
    const page = await plans.getEpisodePage(ctx, request.params.id);
    // The personal budget, handover and discharge sections each decide access and audit their read.
    const budget = await budgetSection(ctx, request.params.id);
    const closing = await episodeClosingSection(ctx, request.params.id);
    // Providers hold episodes too, but see social prescriptions in their own inbox, not here.
    const prescriptions = ctx.actor.role === 'provider' ? null : await episodePrescriptions(ctx, request.params.id);
    return reply.render(`${V}/episode.njk`, {
      title: `Support plan: ${page.person.givenName} ${page.person.familyName}`, ...page, budgetSection: budget, closing, episodePrescriptions: prescriptions,
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const planView = `${V}/plan.njk`;
  app.get<{ Params: P }>('/episodes/:id/plan', async (request, reply) => {
    const form = await plans.getPlanForm(staffContext(request), request.params.id);
    const values = { whatMatters: form.plan.whatMatters, strengths: form.plan.strengths, nextReviewOn: datePartsFrom(form.plan.nextReviewOn), version: form.plan.version };
    return reply.render(planView, { title: 'Change the plan', ...form, values });
  });

  app.post<{ Params: P }>('/episodes/:id/plan', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = { whatMatters: body.whatMatters ?? '', strengths: body.strengths ?? '', nextReviewOn: datePartsOf(body, 'nextReviewOn'), version: Number(body.version) };
    return saveOrShowAgain(reply, async () => {
      await plans.savePlan(ctx, request.params.id, values);
      return reply.redirect(`${episodePath(request.params.id)}?done=plan`, 303);
    }, async (error) => {
      const form = await plans.getPlanForm(ctx, request.params.id);
      const stale = error.code === 'stale';
      return { template: planView, data: { title: 'Change the plan', ...form, saved: form.plan, values: { ...values, version: stale ? form.plan.version : values.version } } };
    });
  });

  // -------------------------------------------------------------------------------------------
  // Goals

  const goalNewView = `${V}/goal-new.njk`;
  app.get<{ Params: P }>('/episodes/:id/goals/new', async (request, reply) => {
    const form = await plans.episodeForForm(staffContext(request), request.params.id, 'new goal');
    const values = { description: '', domain: '', reviewOn: NO_DATE, submission: newSubmission() };
    return reply.render(goalNewView, { title: 'Add a goal', ...form, values, ...goalItems(values) });
  });

  app.post<{ Params: P }>('/episodes/:id/goals/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = { description: body.description ?? '', domain: body.domain ?? '', reviewOn: datePartsOf(body, 'reviewOn'), submission: body.submission ?? '' };
    return saveOrShowAgain(reply, async () => {
      const goalId = await plans.createGoal(ctx, request.params.id, values);
      return reply.redirect(`${goalPath(request.params.id, goalId)}?done=goal`, 303);
    }, async () => ({
      template: goalNewView,
      data: { title: 'Add a goal', ...(await plans.episodeForForm(ctx, request.params.id, 'new goal')), values, ...goalItems(values) },
    }));
  });

  app.get<{ Params: G }>('/episodes/:id/goals/:goalId', async (request, reply) => {
    const page = await plans.getGoalPage(staffContext(request), request.params.id, request.params.goalId);
    return reply.render(`${V}/goal.njk`, { title: `Goal: ${page.goal.description.slice(0, 60)}`, ...page, flash: FLASH[queryParams(request).done ?? ''] });
  });

  const goalEditView = `${V}/goal-edit.njk`;
  const goalEditValues = (goal: plans.GoalPage['goal']) => ({
    description: goal.description, domain: goal.domain, reviewOn: datePartsFrom(goal.reviewOn), status: goal.status, stoppedReason: goal.stoppedReason ?? '', version: goal.version,
  });
  app.get<{ Params: G }>('/episodes/:id/goals/:goalId/edit', async (request, reply) => {
    const page = await plans.getGoalPage(staffContext(request), request.params.id, request.params.goalId, 'update');
    const values = goalEditValues(page.goal);
    return reply.render(goalEditView, { title: 'Change the goal', ...page, values, ...goalItems(values) });
  });

  app.post<{ Params: G }>('/episodes/:id/goals/:goalId/edit', async (request, reply) => {
    const ctx = staffContext(request);
    const { id, goalId } = request.params;
    const body = formBody(request);
    const values = {
      description: body.description ?? '', domain: body.domain ?? '', reviewOn: datePartsOf(body, 'reviewOn'), status: body.status ?? '',
      stoppedReason: body.stoppedReason ?? '', version: Number(body.version),
    };
    return saveOrShowAgain(reply, async () => {
      await plans.updateGoal(ctx, id, goalId, values);
      return reply.redirect(`${goalPath(id, goalId)}?done=goal-saved`, 303);
    }, async (error) => {
      const page = await plans.getGoalPage(ctx, id, goalId, 'update');
      const shown = { ...values, version: error.code === 'stale' ? page.goal.version : values.version };
      return { template: goalEditView, data: { title: 'Change the goal', ...page, saved: page.goal, values: shown, ...goalItems(shown) } };
    });
  });

  // -------------------------------------------------------------------------------------------
  // Steps

  const stepNewView = `${V}/step-new.njk`;
  const stepValuesOf = (body: FormBody) => ({
    description: body.description ?? '', owner: body.owner ?? '', ownerName: body.ownerName ?? '', dueOn: datePartsOf(body, 'dueOn'),
  });
  app.get<{ Params: G }>('/episodes/:id/goals/:goalId/steps/new', async (request, reply) => {
    const page = await plans.getGoalPage(staffContext(request), request.params.id, request.params.goalId, 'update');
    const values = { description: '', owner: '', ownerName: '', dueOn: NO_DATE, submission: newSubmission() };
    return reply.render(stepNewView, { title: 'Add a step', ...page, values, ...stepItems(values.owner) });
  });

  app.post<{ Params: G }>('/episodes/:id/goals/:goalId/steps/new', async (request, reply) => {
    const ctx = staffContext(request);
    const { id, goalId } = request.params;
    const body = formBody(request);
    const values = { ...stepValuesOf(body), submission: body.submission ?? '' };
    return saveOrShowAgain(reply, async () => {
      await plans.createStep(ctx, id, goalId, values);
      return reply.redirect(`${goalPath(id, goalId)}?done=step`, 303);
    }, async () => ({
      template: stepNewView,
      data: { title: 'Add a step', ...(await plans.getGoalPage(ctx, id, goalId, 'update')), values, ...stepItems(values.owner) },
    }));
  });

  const stepEditView = `${V}/step-edit.njk`;
  app.get<{ Params: S }>('/episodes/:id/goals/:goalId/steps/:stepId', async (request, reply) => {
    const { id, goalId, stepId } = request.params;
    const page = await plans.getStepForm(staffContext(request), id, goalId, stepId);
    const s = page.step;
    const values = { description: s.description, owner: s.owner, ownerName: s.ownerName ?? '', dueOn: datePartsFrom(s.dueOn), done: s.doneAt !== null, version: s.version };
    return reply.render(stepEditView, { title: 'Change the step', ...page, values, ...stepItems(values.owner) });
  });

  app.post<{ Params: S }>('/episodes/:id/goals/:goalId/steps/:stepId', async (request, reply) => {
    const ctx = staffContext(request);
    const { id, goalId, stepId } = request.params;
    const body = formBody(request);
    const values = { ...stepValuesOf(body), done: listOf(request.body, 'done').includes('yes'), version: Number(body.version) };
    return saveOrShowAgain(reply, async () => {
      await plans.updateStep(ctx, id, goalId, stepId, values);
      return reply.redirect(`${goalPath(id, goalId)}?done=step-saved`, 303);
    }, async (error) => {
      const page = await plans.getStepForm(ctx, id, goalId, stepId);
      const shown = { ...values, version: error.code === 'stale' ? page.step.version : values.version };
      return { template: stepEditView, data: { title: 'Change the step', ...page, saved: page.step, values: shown, ...stepItems(shown.owner) } };
    });
  });

  app.post<{ Params: S }>('/episodes/:id/goals/:goalId/steps/:stepId/done', async (request, reply) => {
    const ctx = staffContext(request);
    const { id, goalId, stepId } = request.params;
    return saveOrShowAgain(reply, async () => {
      await plans.markStepDone(ctx, id, goalId, stepId, Number(formBody(request).version));
      return reply.redirect(`${goalPath(id, goalId)}?done=step-done`, 303);
    }, async (error) => {
      const page = await plans.getGoalPage(ctx, id, goalId);
      // The goal's page has no field to link to but the step itself.
      error.fields.splice(0, error.fields.length, { field: `step-${stepId}`, message: 'Someone else changed this step after you opened the page. Check it as it is now, below, then try again.' });
      return { template: `${V}/goal.njk`, data: { title: `Goal: ${page.goal.description.slice(0, 60)}`, ...page } };
    });
  });

  // -------------------------------------------------------------------------------------------
  // Progress

  const progressView = `${V}/progress-new.njk`;
  app.get<{ Params: G }>('/episodes/:id/goals/:goalId/progress/new', async (request, reply) => {
    const page = await plans.getGoalPage(staffContext(request), request.params.id, request.params.goalId, 'update');
    const values = { rating: '', note: '', ratedOn: todayParts(), submission: newSubmission() };
    return reply.render(progressView, { title: 'Record progress', ...page, values, ratingItems: ratingItems(values.rating) });
  });

  app.post<{ Params: G }>('/episodes/:id/goals/:goalId/progress/new', async (request, reply) => {
    const ctx = staffContext(request);
    const { id, goalId } = request.params;
    const body = formBody(request);
    const values = { rating: body.rating ?? '', note: body.note ?? '', ratedOn: datePartsOf(body, 'ratedOn'), submission: body.submission ?? '' };
    return saveOrShowAgain(reply, async () => {
      await plans.recordProgress(ctx, id, goalId, values);
      return reply.redirect(`${goalPath(id, goalId)}?done=progress`, 303);
    }, async () => ({
      template: progressView,
      data: { title: 'Record progress', ...(await plans.getGoalPage(ctx, id, goalId, 'update')), values, ratingItems: ratingItems(values.rating) },
    }));
  });

  // -------------------------------------------------------------------------------------------
  // Contacts

  app.get<{ Params: P }>('/episodes/:id/contacts', async (request, reply) => {
    const page = await listContacts(staffContext(request), request.params.id, Number(queryParams(request).page) || 1);
    return reply.render(`${V}/contacts.njk`, { title: `Contacts: ${page.person.givenName} ${page.person.familyName}`, ...page });
  });

  const contactView = `${V}/contact-new.njk`;
  app.get<{ Params: P }>('/episodes/:id/contacts/new', async (request, reply) => {
    const form = await plans.episodeForForm(staffContext(request), request.params.id, 'new contact');
    const now = new Date();
    const values = { contactOn: todayParts(), time: formatTimeOfDay(londonMinutes(now)), kind: '', duration: '', note: '', mecc: [] as string[], submission: newSubmission() };
    return reply.render(contactView, { title: 'Record a contact', ...form, values, ...contactItems(values) });
  });

  app.post<{ Params: P }>('/episodes/:id/contacts/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = {
      contactOn: datePartsOf(body, 'contactOn'), time: body.time ?? '', kind: body.kind ?? '', duration: body.duration ?? '', note: body.note ?? '',
      mecc: listOf(request.body, 'mecc'), submission: body.submission ?? '',
    };
    return saveOrShowAgain(reply, async () => {
      await recordContact(ctx, request.params.id, values);
      return reply.redirect(`${episodePath(request.params.id)}?done=contact`, 303);
    }, async () => ({
      template: contactView,
      data: { title: 'Record a contact', ...(await plans.episodeForForm(ctx, request.params.id, 'new contact')), values, ...contactItems(values) },
    }));
  });

  // -------------------------------------------------------------------------------------------
  // Status commissioners count

  app.get<{ Params: P }>('/episodes/:id/status', async (request, reply) => {
    const page = await statusHistory(staffContext(request), request.params.id);
    return reply.render(`${V}/status.njk`, { title: `Employment, accommodation and other status: ${page.person.givenName} ${page.person.familyName}`, width: 'full', ...page });
  });

  const statusView = `${V}/status-new.njk`;
  const statusPage = async (request: FastifyRequest<{ Params: P }>) => statusHistory(staffContext(request), request.params.id, 'update');
  app.get<{ Params: P }>('/episodes/:id/status/new', async (request, reply) => {
    const page = await statusPage(request);
    const latest = page.history[0];
    // A change starts from the latest record, so only what changed needs choosing.
    const values = {
      recordedOn: todayParts(), employmentStatus: latest?.employmentStatus ?? '', accommodationType: latest?.accommodationType ?? '',
      volunteering: latest ? (latest.volunteering ? 'yes' : 'no') : '', educationTraining: latest ? (latest.educationTraining ? 'yes' : 'no') : '',
      submission: newSubmission(),
    };
    return reply.render(statusView, { title: latest ? 'Record a change in status' : 'Record their status at sign-up', ...page, values, ...statusItems(values) });
  });

  app.post<{ Params: P }>('/episodes/:id/status/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = {
      recordedOn: datePartsOf(body, 'recordedOn'), employmentStatus: body.employmentStatus ?? '', accommodationType: body.accommodationType ?? '',
      volunteering: body.volunteering ?? '', educationTraining: body.educationTraining ?? '', submission: body.submission ?? '',
    };
    return saveOrShowAgain(reply, async () => {
      const { atSignUp } = await recordStatus(ctx, request.params.id, values);
      return reply.redirect(`${episodePath(request.params.id)}?done=${atSignUp ? 'status-sign-up' : 'status'}`, 303);
    }, async () => {
      const page = await statusPage(request);
      return { template: statusView, data: { title: page.history.length ? 'Record a change in status' : 'Record their status at sign-up', ...page, values, ...statusItems(values) } };
    });
  });
};
