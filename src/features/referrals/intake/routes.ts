// Every web form a referral arrives through:
//
// - /refer: the public self-referral (no sign-in), one question a page. Each page posts all the
//   answers so far to /refer/<the page answered>, which checks that page and shows the next one;
//   nothing is kept on the server until the last page sends it, unless the person chooses "Save
//   and come back later" (/refer/resume/<token>). Back and Change are form posts too, so the whole
//   journey works without JavaScript.
// - /partner/referrals: a referrer's organisation's referrals (status only), and /new to refer.
// - /referrals/new: a referral staff took by phone, email, text, letter or in person.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import { CONTACT_METHOD_NAMES } from '../../../domain/contact-preferences.ts';
import { parseEmail } from '../../../domain/person-fields.ts';
import { REFERRER_STATUS } from '../../../domain/referral-states.ts';
import { formatTimeOfDay, londonWallClock } from '../../../domain/uk-time.ts';
import { AppError, notFound, type FieldError } from '../../../platform/errors.ts';
import { formBody, queryParams } from '../../../platform/forms.ts';
import { requireStaff, staffContext } from '../../../platform/guards.ts';
import { publicTenantOf } from '../../../platform/tenancy.ts';
import { getTenantSettings, type TenantSettings } from '../../../platform/tenant-settings.ts';
import { formErrors } from '../../../platform/views.ts';
import { CHANNEL_NAMES, REFERRAL_SOURCES, SOURCE_NAMES } from '../model.ts';
import { DRAFT_DAYS, emailDraftLink, isDraftToken, loadDraft, newDraftToken, saveDraft } from './drafts.ts';
import {
  answersFrom, COMMON_NEEDS, listOf, NEED_OTHER, NEED_UNSURE, OTHER_NEEDS, type Answers, type IntakeEnv,
} from './fields.ts';
import { FORM_MULTI, PROFESSIONAL_KEYS } from './professional.ts';
import {
  checkSections, forSomeoneElse, isSelfStep, isWebKey, nextStep, previousStep, SELF_KEYS, SELF_MULTI, STEP_FIELDS, stepProblems,
  type SelfStep,
} from './self-referral.ts';
import { STAFF_CHANNELS, STAFF_KEYS } from './staff-entry.ts';
import * as intake from './service.ts';

/**
 * Brakes for the public form, from the settings (RATE_LIMIT_PUBLIC_FORM): a person moving through
 * it posts a page a step, far fewer than the limit in 10 minutes; opening saved answers and
 * emailing a saved link are rarer still (each draft can be emailed 3 times).
 */
function publicLimits(config: Config) {
  const posts = config.rateLimits.publicFormPosts;
  return {
    steps: { max: posts, timeWindow: '10 minutes' },
    resume: { max: Math.max(1, Math.ceil(posts / 4)), timeWindow: '10 minutes' },
    email: { max: Math.max(1, Math.ceil(posts / 12)), timeWindow: '1 hour' },
  };
}

const VIEWS = 'referrals/intake/views';

/** Pages that hold what someone typed about themselves: never kept in a browser's or proxy's cache. */
function privatePage(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store');
}

// ---------------------------------------------------------------------------------------------
// The self-referral's pages

/** How the questions speak: to the person, or to a carer about the person they care for. */
function wordingFor(a: Answers) {
  const self = !forSomeoneElse(a);
  const given = (a.givenName ?? '').trim().slice(0, 100);
  const personName = self ? '' : given || 'the person you care for';
  return {
    self,
    you: self ? 'you' : 'they',
    them: self ? 'you' : 'them',
    your: self ? 'your' : 'their',
    personName,
    /** "your", "Sam’s", "their" */
    possessive: self ? 'your' : given ? `${given}’s` : 'their',
  };
}
type Wording = ReturnType<typeof wordingFor>;

function titleOf(step: SelfStep, w: Wording): string {
  switch (step) {
    case 'who': return 'Who needs support?';
    case 'danger': return w.self ? 'Are you in danger right now or thinking of ending your life?' : 'Is the person you care for in danger right now or thinking of ending their life?';
    case 'crisis': return w.self ? 'Get help now' : 'Get them help now';
    case 'agreement': return 'Does the person you care for know about this referral and agree to it?';
    case 'not-agreed': return 'We need them to agree first';
    case 'name': return w.self ? 'What is your name?' : 'What is their name?';
    case 'date-of-birth': return `What is ${w.possessive} date of birth?`;
    case 'address': return `What is ${w.possessive} postcode?`;
    case 'gp': return w.self ? 'Which GP surgery are you registered with?' : `Which GP surgery is ${w.personName} registered with?`;
    case 'nhs-number': return `What is ${w.possessive} NHS number? (optional)`;
    case 'contact': return w.self ? 'How can we contact you safely?' : `How can we contact ${w.personName} safely?`;
    case 'contact-safety': return w.self ? 'Before we contact you' : `Before we contact ${w.personName}`;
    case 'needs': return w.self ? 'What would you like help with?' : `What would ${w.personName} like help with?`;
    case 'your-words': return w.self ? 'Tell us what is happening, in your own words' : `Tell us what is happening for ${w.personName}`;
    case 'gp-consent': return `Can we tell ${w.possessive} GP about this referral?`;
    case 'about-you': return 'About you';
    case 'check': return 'Check your answers before you send them';
  }
}

/**
 * A date's problem as the date input shows it: the message, and which boxes to mark (only the
 * missing ones when the message says what is missing, otherwise all three).
 */
export function dateError(problems: readonly FieldError[] | undefined, id: string) {
  const problem = problems?.find((f) => f.field.startsWith(`${id}-`));
  if (!problem) return null;
  const named = /must include (.*)$/.exec(problem.message)?.[1] ?? '';
  const parts = ['day', 'month', 'year'].filter((part) => named.includes(part));
  const marked = problem.message.startsWith('Year must include') ? ['year'] : parts.length ? parts : ['day', 'month', 'year'];
  return { text: problem.message, day: marked.includes('day'), month: marked.includes('month'), year: marked.includes('year') };
}

const without = (a: Answers, keys: readonly string[]): Answers =>
  Object.fromEntries(Object.entries(a).filter(([k]) => !keys.includes(k)));

interface StepView {
  tenantId: string;
  settings: TenantSettings;
  env: IntakeEnv;
  problems?: FieldError[];
  /** shown on the first page after opening a saved draft */
  resumed?: boolean;
}

async function renderStep(request: FastifyRequest, reply: FastifyReply, step: SelfStep, answers: Answers, view: StepView): Promise<FastifyReply> {
  const w = wordingFor(answers);
  const title = titleOf(step, w);
  const ticked = (value: string, key: string) => listOf(answers[key]).includes(value);
  const data: Record<string, unknown> = {
    title,
    step,
    w,
    serviceName: view.settings.serviceName,
    values: answers,
    // The page's own inputs post themselves; every other answer rides along hidden.
    carried: without(answers, STEP_FIELDS[step]),
    answers,
    resumed: view.resumed ?? false,
    dateErrors: { dob: dateError(view.problems, 'dob') },
  };
  switch (step) {
    case 'crisis':
      data.crisis = await intake.crisisOptions(request.ctx.db, view.tenantId);
      break;
    case 'gp':
      data.gpItems = [
        { value: '', text: 'Choose a GP surgery' },
        ...view.env.gpPractices.map((p) => ({ value: p.id, text: p.name, selected: p.id === answers.gpPractice })),
      ];
      break;
    case 'contact':
      data.methodItems = (['call', 'text', 'email', 'letter'] as const).map((m) => ({
        value: m, text: CONTACT_METHOD_NAMES[m], checked: ticked(m, 'contactMethods'),
        hint: m === 'letter' ? { text: 'We will ask for the address when we speak' } : undefined,
      }));
      break;
    case 'contact-safety':
      data.callChosen = ticked('call', 'contactMethods');
      break;
    case 'needs':
      data.needItems = COMMON_NEEDS.map((n) => ({ value: n.id, text: n.label, checked: ticked(n.id, 'needs') }));
      data.otherChecked = ticked(NEED_OTHER, 'needs');
      data.unsureChecked = ticked(NEED_UNSURE, 'needs');
      break;
    case 'check':
      data.sections = checkSections(answers, view.env);
      break;
    default:
      break;
  }
  if (view.problems?.length) data.errors = formErrors(view.problems);
  return privatePage(reply).code(view.problems?.length ? 400 : 200).render(`${VIEWS}/refer/${step}.njk`, data);
}

async function renderStart(reply: FastifyReply, settings: TenantSettings, key: string): Promise<FastifyReply> {
  return privatePage(reply).render(`${VIEWS}/refer/start.njk`, {
    title: `Ask ${settings.serviceName} for support`,
    serviceName: settings.serviceName,
    minimumAge: settings.minimumAge,
    key,
  });
}

const publicRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const limits = publicLimits(config);
  const context = async (request: FastifyRequest) => {
    const tenantId = publicTenantOf(request, config);
    const [settings, env] = await Promise.all([getTenantSettings(request.ctx.db, tenantId), intake.intakeEnv(request.ctx.db, tenantId)]);
    return { tenantId, settings, env };
  };

  app.get('/refer', async (request, reply) => {
    const { settings } = await context(request);
    return renderStart(reply, settings, intake.newWebKey());
  });

  // A step's address opened directly (a bookmark, a refresh that became a GET) has no answers:
  // start at the beginning rather than show a page out of order.
  app.get<{ Params: { step: string } }>('/refer/:step', async (_request, reply) => reply.redirect('/refer', 303));

  app.post<{ Params: { step: string } }>('/refer/:step', { config: { rateLimit: limits.steps } }, async (request, reply) => {
    const step = request.params.step;
    if (step !== 'start' && !isSelfStep(step)) throw notFound();
    const view = await context(request);
    const answers = answersFrom(request.body, SELF_KEYS, SELF_MULTI);
    if (!isWebKey(answers.key)) answers.key = intake.newWebKey();
    const body = formBody(request);
    const go = queryParams(request).go ?? body.go ?? 'continue';

    if (step === 'start') return renderStep(request, reply, 'who', answers, view);

    if (go === 'back') {
      const previous = previousStep(step, answers);
      if (previous === 'start') return renderStart(reply, view.settings, answers.key!);
      return renderStep(request, reply, previous, previous === 'check' ? without(answers, ['returnTo']) : answers, view);
    }

    if (body.change && isSelfStep(body.change)) {
      return renderStep(request, reply, body.change, { ...answers, returnTo: 'check' }, view);
    }

    if (go === 'save') {
      const token = isDraftToken(answers.draft) ? answers.draft : newDraftToken();
      const expiresAt = await saveDraft(request.ctx.db, view.tenantId, token, step, answers);
      return renderSaved(reply, { token, expiresAt, settings: view.settings, baseUrl: config.publicBaseUrl });
    }

    if (step === 'check') {
      const outcome = await intake.submitSelfReferral(request.ctx, view.tenantId, answers, { baseUrl: config.publicBaseUrl });
      if (outcome.kind === 'problems') {
        const { reading } = outcome;
        return renderStep(request, reply, reading.step ?? 'check', { ...answers, returnTo: 'check' }, { ...view, problems: reading.problems });
      }
      const confirmation = await intake.confirmationFor(request.ctx.db, outcome.sent.referral, view.settings);
      return privatePage(reply).render(`${VIEWS}/refer/confirmation.njk`, {
        title: 'Referral sent',
        serviceName: view.settings.serviceName,
        confirmation,
        replayed: outcome.sent.replayed,
        changedAfterSending: outcome.sent.changedAfterSending,
        crisis: confirmation.crisis ? await intake.crisisOptions(request.ctx.db, view.tenantId) : null,
      });
    }

    const problems = stepProblems(step, answers, view.env);
    if (problems.length > 0) return renderStep(request, reply, step, answers, { ...view, problems });
    const next = nextStep(step, answers, view.env);
    return renderStep(request, reply, next, next === 'check' ? without(answers, ['returnTo']) : answers, view);
  });

  // A saved draft: the link's token is the only key to it.
  app.get<{ Params: { token: string } }>('/refer/resume/:token', { config: { rateLimit: limits.resume } }, async (request, reply) => {
    const view = await context(request);
    reply.header('referrer-policy', 'no-referrer');
    const draft = await loadDraft(request.ctx.db, view.tenantId, request.params.token);
    if (!draft) {
      return privatePage(reply).code(404).render(`${VIEWS}/refer/draft-gone.njk`, { title: 'Your saved answers are no longer here', days: DRAFT_DAYS });
    }
    const answers: Answers = { ...draft.answers, draft: request.params.token };
    if (!isWebKey(answers.key)) answers.key = intake.newWebKey();
    return renderStep(request, reply, draft.step === 'not-agreed' ? 'agreement' : draft.step, answers, { ...view, resumed: true });
  });

  app.post('/refer/saved/email', { config: { rateLimit: limits.email } }, async (request, reply) => {
    const view = await context(request);
    const body = formBody(request);
    const token = body.token ?? '';
    const draft = await loadDraft(request.ctx.db, view.tenantId, token);
    if (!draft) {
      return privatePage(reply).code(404).render(`${VIEWS}/refer/draft-gone.njk`, { title: 'Your saved answers are no longer here', days: DRAFT_DAYS });
    }
    const saved = { token, expiresAt: draft.expiresAt, settings: view.settings, baseUrl: config.publicBaseUrl, email: body.email ?? '' };
    const email = parseEmail(body.email ?? '');
    if (!email.ok || !email.value) {
      return renderSaved(reply, saved, [{ field: 'email', message: email.ok ? 'Enter your email address' : email.message }]);
    }
    const outcome = await emailDraftLink(request.ctx.db, view.tenantId, token, email.value, { serviceName: view.settings.serviceName, baseUrl: config.publicBaseUrl });
    if (outcome === 'gone') {
      return privatePage(reply).code(404).render(`${VIEWS}/refer/draft-gone.njk`, { title: 'Your saved answers are no longer here', days: DRAFT_DAYS });
    }
    if (outcome === 'limit') {
      return renderSaved(reply, saved, [{ field: 'email', message: 'We have already sent this link 3 times. Copy the link on this page instead' }]);
    }
    return renderSaved(reply, { ...saved, emailedTo: email.value });
  });
};

function renderSaved(
  reply: FastifyReply,
  v: { token: string; expiresAt: Date; settings: TenantSettings; baseUrl: string; email?: string; emailedTo?: string },
  problems: FieldError[] = [],
): FastifyReply {
  return privatePage(reply)
    .header('referrer-policy', 'no-referrer')
    .code(problems.length ? 400 : 200)
    .render(`${VIEWS}/refer/saved.njk`, {
      title: 'Your answers are saved',
      serviceName: v.settings.serviceName,
      token: v.token,
      link: `${v.baseUrl}/refer/resume/${v.token}`,
      expiresAt: v.expiresAt,
      values: { email: v.email ?? '' },
      emailedTo: v.emailedTo,
      errors: problems.length ? formErrors(problems) : undefined,
    });
}

// ---------------------------------------------------------------------------------------------
// Forms shared by the professional and staff pages

function needChoices(a: Answers) {
  const ticked = new Set(listOf(a.needs));
  return {
    commonNeedItems: COMMON_NEEDS.map((n) => ({ value: n.id, text: n.label, checked: ticked.has(n.id) })),
    otherNeedItems: OTHER_NEEDS.map((n) => ({ value: n.id, text: n.label, checked: ticked.has(n.id) })),
    otherNeedsOpen: OTHER_NEEDS.some((n) => ticked.has(n.id)),
    otherChecked: ticked.has(NEED_OTHER),
  };
}

function contactChoices(a: Answers) {
  const ticked = new Set(listOf(a.contactMethods));
  return (['call', 'voicemail', 'text', 'email', 'letter'] as const).map((m) => ({
    value: m,
    text: m === 'voicemail' ? 'Leave a voicemail message' : CONTACT_METHOD_NAMES[m],
    checked: ticked.has(m),
  }));
}

function gpItems(env: IntakeEnv, a: Answers) {
  return [
    { value: '', text: 'Choose a GP surgery' },
    ...env.gpPractices.map((p) => ({ value: p.id, text: p.name, selected: p.id === a.gpPractice })),
  ];
}

// ---------------------------------------------------------------------------------------------
// Professional referrals and their status (the referrer role)

const partnerRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const newView = `${VIEWS}/partner/new.njk`;

  const formData = async (request: FastifyRequest, answers: Answers) => {
    const ctx = staffContext(request);
    const organisation = await intake.referrerOrganisation(ctx);
    const [env, settings] = await Promise.all([intake.intakeEnv(ctx.db, ctx.actor.tenantId), getTenantSettings(ctx.db, ctx.actor.tenantId)]);
    return {
      title: 'Make a referral',
      organisation,
      urgentHours: settings.urgentResponseHours,
      values: answers,
      gpItems: gpItems(env, answers),
      contactItems: contactChoices(answers),
      needs: needChoices(answers),
    };
  };

  app.get('/partner/referrals/new', async (request, reply) => {
    const actor = staffContext(request).actor;
    const organisation = await intake.referrerOrganisation(staffContext(request));
    const answers: Answers = { key: intake.newWebKey(), referrerName: actor.name, referrerEmail: actor.email };
    // A GP referring one of their own patients: their practice is the likely answer.
    if (organisation.kind === 'gp_practice') Object.assign(answers, { gpChoice: 'list', gpPractice: organisation.id });
    return privatePage(reply).render(newView, await formData(request, answers));
  });

  app.post('/partner/referrals/new', async (request, reply) => {
    const ctx = staffContext(request);
    const answers = answersFrom(request.body, PROFESSIONAL_KEYS, FORM_MULTI);
    try {
      const sent = await intake.submitProfessionalReferral(ctx, answers, { baseUrl: config.publicBaseUrl });
      const done = sent.changedAfterSending ? 'already' : 'sent';
      return reply.redirect(`/partner/referrals/${encodeURIComponent(sent.referral.reference)}?done=${done}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      return privatePage(reply).code(error.status).render(newView, {
        ...(await formData(request, answers)), errors: formErrors(error.fields), dateErrors: { dob: dateError(error.fields, 'dob') },
      });
    }
  });

  app.get('/partner/referrals', async (request, reply) => {
    const ctx = staffContext(request);
    const query = queryParams(request);
    const list = await intake.listOrganisationReferrals(ctx, { reference: query.reference ?? '', page: Number(query.page) || 1 });
    const href = (page: number) => `/partner/referrals?${new URLSearchParams({ ...(list.reference ? { reference: list.reference } : {}), page: String(page) })}`;
    return privatePage(reply).code(list.problems.length ? 400 : 200).render(`${VIEWS}/partner/list.njk`, {
      title: 'Your organisation’s referrals',
      width: 'full',
      ...list,
      searched: Boolean(query.reference),
      values: { reference: query.reference ?? '' },
      errors: list.problems.length ? formErrors(list.problems) : undefined,
      previousHref: list.page > 1 ? href(list.page - 1) : null,
      nextHref: list.page < list.pages ? href(list.page + 1) : null,
    });
  });

  app.get<{ Params: { reference: string } }>('/partner/referrals/:reference', async (request, reply) => {
    const ctx = staffContext(request);
    const referral = await intake.getOrganisationReferral(ctx, request.params.reference);
    const done = queryParams(request).done;
    return privatePage(reply).render(`${VIEWS}/partner/referral.njk`, {
      title: `Referral ${referral.reference}`,
      referral,
      sent: done === 'sent' || done === 'already',
      already: done === 'already',
      referrerEmail: ctx.actor.email,
    });
  });
};

// ---------------------------------------------------------------------------------------------
// Staff-entered referrals

const staffEntryRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  const newView = `${VIEWS}/staff/new.njk`;

  const formData = async (request: FastifyRequest, answers: Answers) => {
    const env = await intake.staffEnv(staffContext(request));
    return {
      title: 'Enter a referral',
      values: answers,
      channelItems: STAFF_CHANNELS.map((c) => ({ value: c, text: CHANNEL_NAMES[c], checked: answers.channel === c })),
      sourceItems: [
        { value: '', text: 'Choose who made the referral' },
        ...REFERRAL_SOURCES.map((s) => ({ value: s, text: SOURCE_NAMES[s], selected: answers.source === s })),
      ],
      organisationItems: [
        { value: '', text: 'Not one of these, or not known' },
        ...env.organisations.map((o) => ({ value: o.id, text: o.name, selected: answers.referrerOrganisation === o.id })),
      ],
      gpItems: gpItems(env, answers),
      contactItems: contactChoices(answers),
      needs: needChoices(answers),
    };
  };

  app.get('/referrals/new', async (request, reply) => {
    const now = londonWallClock(new Date());
    const [year, month, day] = now.date.split('-');
    const answers: Answers = {
      key: intake.newStaffKey(),
      'received-day': String(Number(day)), 'received-month': String(Number(month)), 'received-year': year!,
      receivedTime: formatTimeOfDay(now.time),
    };
    return privatePage(reply).render(newView, await formData(request, answers));
  });

  app.post('/referrals/new', async (request, reply) => {
    const ctx = staffContext(request);
    const answers = answersFrom(request.body, STAFF_KEYS, FORM_MULTI);
    try {
      const sent = await intake.submitStaffReferral(ctx, answers, { baseUrl: config.publicBaseUrl });
      if (sent.readable) return reply.redirect(`/referrals/${sent.referral.id}?done=received`, 303);
      // A navigator may not open a referral until it is routed to their organisation.
      return privatePage(reply).render(`${VIEWS}/staff/saved.njk`, { title: 'Referral saved', reference: sent.referral.reference, status: REFERRER_STATUS[sent.referral.state] });
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      return privatePage(reply).code(error.status).render(newView, {
        ...(await formData(request, answers)), errors: formErrors(error.fields),
        dateErrors: { dob: dateError(error.fields, 'dob'), received: dateError(error.fields, 'received') },
      });
    }
  });
};

const signedInRoutes: FastifyPluginAsync<{ config: Config }> = async (app, options) => {
  app.addHook('preHandler', requireStaff);
  await app.register(partnerRoutes, options);
  await app.register(staffEntryRoutes, options);
};

export const intakeRoutes: FastifyPluginAsync<{ config: Config }> = async (app, options) => {
  await app.register(publicRoutes, options);
  await app.register(signedInRoutes, options);
};
