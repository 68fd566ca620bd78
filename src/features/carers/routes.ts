// Staff pages for a person's crisis plan and carers: /people/:id/crisis-plan (read, write, mark
// as gone through), /people/:id/carers (link a carer with the person's consent and its scope,
// change or withdraw consent, carers' assessments) and /carers/:id (a carer's own record). Routes
// parse, call one service function and render; the service decides access and audits.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  CONSENT_SCOPES, CONSENT_METHOD_NAMES, SCOPE_CHANGE_NAMES, SCOPE_NAMES, STAFF_CONSENT_METHODS, describeScope,
} from '../../domain/carer-consent.ts';
import {
  ASSESSMENT_OUTCOMES, ASSESSMENT_OUTCOME_NAMES, parseAssessment, parseCarerDetails, parseConsentDecision, parseRelationship,
  type AssessmentForm, type Problem,
} from '../../domain/carer-details.ts';
import { CONTACT_METHODS, CONTACT_METHOD_NAMES, describeAllowedMethods, type ContactPreferences } from '../../domain/contact-preferences.ts';
import { MAX_CONTACTS, contactField, contactRowCount, crisisPlanFormValues, parseCrisisPlanForm } from '../../domain/crisis-plan.ts';
import { londonDate } from '../../domain/working-days.ts';
import { AppError, invalid } from '../../platform/errors.ts';
import { formBody, queryParams, type FormBody } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { formErrors } from '../../platform/views.ts';
import { NATIONAL_CRISIS_OPTIONS } from '../directory/crisis.ts';
import * as plans from './crisis-plan.ts';
import * as carers from './service.ts';
import type { PersonHeading } from './access.ts';

const VIEWS = 'carers/views';

const FLASH: Record<string, string> = {
  'plan-saved': 'Crisis plan saved',
  'plan-reviewed': 'Crisis plan marked as gone through today',
  linked: 'Carer linked',
  consent: 'Consent saved. It applies from the carer’s next visit to their pages.',
  'assessment-offered': 'Carer’s assessment recorded',
  'assessment-saved': 'Carer’s assessment saved',
  'carer-saved': 'Carer’s details saved',
};

type IdParams = { Params: { id: string } };
type LinkParams = { Params: { id: string; linkId: string } };
type AssessmentParams = { Params: { id: string; linkId: string; assessmentId: string } };

/** Every value of a repeated form field (ticked checkboxes), as strings. */
function listOf(request: FastifyRequest, name: string): string[] {
  const raw = (request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>)[name] : undefined);
  return (Array.isArray(raw) ? raw : [raw]).filter((v): v is string => typeof v === 'string' && v !== '');
}

const today = () => londonDate(new Date());
const enc = encodeURIComponent;

/** Re-renders the form with the problems, or throws anything that is not a form problem. */
function showProblems(reply: FastifyReply, template: string, data: Record<string, unknown>, error: unknown): FastifyReply {
  if (!(error instanceof AppError) || error.fields.length === 0) throw error;
  return reply.code(error.status).render(template, { ...data, errors: formErrors(error.fields), stale: error.code === 'stale' });
}

const fail = (problems: Problem[]): never => {
  throw invalid(problems);
};

function methodItems(preferences: Pick<ContactPreferences, 'call' | 'voicemail' | 'text' | 'email' | 'letter'>) {
  return CONTACT_METHODS.map((m) => ({ value: m, text: CONTACT_METHOD_NAMES[m], checked: preferences[m] }));
}

function preferencesFromValues(values: FormBody, methods: string[]): ContactPreferences {
  return {
    call: methods.includes('call'), voicemail: methods.includes('voicemail'), text: methods.includes('text'), email: methods.includes('email'),
    letter: methods.includes('letter'), times: values.contactTimes ?? '', notes: values.contactNotes ?? '',
  };
}

function scopeItems(scope: readonly string[], carerName: string) {
  const hints: Record<string, string> = {
    appointments: `We may tell ${carerName} about appointments, and contact them to arrange them`,
    plan: 'They can see the support plan and goals in their own pages',
    crisis_plan: 'They can see the crisis plan in their own pages',
  };
  return CONSENT_SCOPES.map((s) => ({ value: s, text: SCOPE_NAMES[s], hint: { text: hints[s] }, checked: scope.includes(s) }));
}

function howItems(how: string) {
  return STAFF_CONSENT_METHODS.map((m) => ({ value: m, text: CONSENT_METHOD_NAMES[m], checked: how === m }));
}

function outcomeItems(outcome: string) {
  return [
    { value: '', text: 'Not known yet', checked: outcome === '' },
    ...ASSESSMENT_OUTCOMES.map((o) => ({ value: o, text: ASSESSMENT_OUTCOME_NAMES[o], checked: outcome === o })),
  ];
}

const dateValues = (prefix: string, iso: string | null) => {
  const [year = '', month = '', day = ''] = (iso ?? '').split('-');
  return { [`${prefix}Day`]: day.replace(/^0/, ''), [`${prefix}Month`]: month.replace(/^0/, ''), [`${prefix}Year`]: year };
};

function contactRows(values: Record<string, string | undefined>) {
  return Array.from({ length: contactRowCount(values) }, (_, i) => ({
    number: i + 1,
    name: { id: contactField(i + 1, 'name'), value: values[contactField(i + 1, 'name')] ?? '' },
    role: { id: contactField(i + 1, 'role'), value: values[contactField(i + 1, 'role')] ?? '' },
    phone: { id: contactField(i + 1, 'phone'), value: values[contactField(i + 1, 'phone')] ?? '' },
  }));
}

function assessmentForm(body: FormBody): AssessmentForm {
  const v = (k: string) => body[k] ?? '';
  return {
    offeredDay: v('offeredDay'), offeredMonth: v('offeredMonth'), offeredYear: v('offeredYear'), outcome: v('outcome'),
    outcomeDay: v('outcomeDay'), outcomeMonth: v('outcomeMonth'), outcomeYear: v('outcomeYear'), notes: v('notes'),
  };
}

export const carersRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  // ---- crisis plan ----

  app.get<IdParams>('/people/:id/crisis-plan', async (request, reply) => {
    const { person, plan } = await plans.getCrisisPlan(staffContext(request), request.params.id);
    return reply.render(`${VIEWS}/crisis-plan.njk`, {
      title: `Crisis plan: ${person.givenName} ${person.familyName}`, person, plan, nationalOptions: NATIONAL_CRISIS_OPTIONS,
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const EDIT_PLAN = `${VIEWS}/crisis-plan-edit.njk`;
  app.get<IdParams>('/people/:id/crisis-plan/edit', async (request, reply) => {
    const { person, plan } = await plans.getCrisisPlan(staffContext(request), request.params.id);
    const values = crisisPlanFormValues(plan, today());
    return reply.render(EDIT_PLAN, { title: plan ? 'Change the crisis plan' : 'Write a crisis plan', person, plan, values, rows: contactRows(values), version: plan?.version ?? '', maxContacts: MAX_CONTACTS });
  });

  app.post<IdParams>('/people/:id/crisis-plan/edit', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const version = body.version ? Number(body.version) : null;
    try {
      const parsed = parseCrisisPlanForm(body, today());
      if (!parsed.ok) fail(parsed.problems);
      else await plans.saveCrisisPlan(ctx, request.params.id, parsed.value, version);
      return reply.redirect(`/people/${enc(request.params.id)}/crisis-plan?done=plan-saved`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      // Shown again with what was typed; after a stale save, beside the plan as it is now and
      // with its version, so saving again is a deliberate choice.
      const { person, plan } = await plans.getCrisisPlan(ctx, request.params.id);
      const stale = error.code === 'stale';
      return showProblems(reply, EDIT_PLAN, {
        title: plan ? 'Change the crisis plan' : 'Write a crisis plan', person, plan, values: body, rows: contactRows(body),
        version: stale ? (plan?.version ?? '') : (body.version ?? ''), maxContacts: MAX_CONTACTS, savedPlan: stale ? plan : null,
        nationalOptions: NATIONAL_CRISIS_OPTIONS,
      }, error);
    }
  });

  app.post<IdParams>('/people/:id/crisis-plan/reviewed', async (request, reply) => {
    const ctx = staffContext(request);
    try {
      await plans.markCrisisPlanReviewed(ctx, request.params.id, Number(formBody(request).version));
      return reply.redirect(`/people/${enc(request.params.id)}/crisis-plan?done=plan-reviewed`, 303);
    } catch (error) {
      const { person, plan } = await plans.getCrisisPlan(ctx, request.params.id);
      return showProblems(reply, `${VIEWS}/crisis-plan.njk`, { title: `Crisis plan: ${person.givenName} ${person.familyName}`, person, plan, nationalOptions: NATIONAL_CRISIS_OPTIONS }, error);
    }
  });

  // ---- a person's carers ----

  app.get<IdParams>('/people/:id/carers', async (request, reply) => {
    const { person, links } = await carers.listCarers(staffContext(request), request.params.id);
    return reply.render(`${VIEWS}/carers.njk`, {
      title: `Carers: ${person.givenName} ${person.familyName}`, person, links,
      outcomeNames: ASSESSMENT_OUTCOME_NAMES, flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const NEW_LINK = `${VIEWS}/carer-link-new.njk`;
  const MATCH = `${VIEWS}/carer-link-match.njk`;
  /** The page asking whether the carer is one already known: every answer from the form travels in hidden fields. */
  const matchData = (person: PersonHeading, values: FormBody, methods: string[], scope: string[], matches: carers.LikelyCarer[], extra: Record<string, unknown>) => {
    const single = ['givenName', 'familyName', 'relationship', 'phone', 'email', 'contactTimes', 'contactNotes', 'consentHow', 'consentNote'];
    const hidden = [
      ...single.map((name) => ({ name, value: values[name] ?? '' })),
      ...methods.map((value) => ({ name: 'contactMethods', value })),
      ...scope.map((value) => ({ name: 'scope', value })),
    ];
    const items = [
      ...matches.map((m) => ({
        value: m.id,
        text: `Yes, the ${m.givenName} ${m.familyName} who cares for ${m.caresFor.map((p) => `${p.givenName} ${p.familyName}`).join(' and ')}`,
        hint: { text: [m.phone, m.email].filter(Boolean).join(', ') },
      })),
      { divider: 'or' },
      { value: 'new', text: `No, this ${values.givenName ?? ''} ${values.familyName ?? ''} is someone else`.replace(/\s+/g, ' ') },
    ];
    return { title: 'Is this a carer already known?', person, givenName: values.givenName ?? '', hidden, items, ...extra };
  };
  const newLinkData = (person: { givenName: string; familyName: string; id: string }, values: FormBody, methods: string[], scope: string[]) => ({
    title: 'Link a carer', person, values,
    methodItems: methodItems(preferencesFromValues(values, methods)),
    scopeItems: scopeItems(scope, 'the carer'),
    howItems: howItems(values.consentHow ?? ''),
  });

  app.get<IdParams>('/people/:id/carers/new', async (request, reply) => {
    const { person } = await carers.listCarers(staffContext(request), request.params.id);
    return reply.render(NEW_LINK, newLinkData(person, {}, [], []));
  });

  app.post<IdParams>('/people/:id/carers/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const methods = listOf(request, 'contactMethods');
    const scope = listOf(request, 'scope');
    try {
      const details = parseCarerDetails({
        givenName: body.givenName ?? '', familyName: body.familyName ?? '', phone: body.phone ?? '', email: body.email ?? '',
        methods, times: body.contactTimes ?? '', notes: body.contactNotes ?? '',
      });
      const relationship = parseRelationship(body.relationship ?? '');
      const consent = parseConsentDecision({ scope, how: body.consentHow ?? '', note: body.consentNote ?? '' });
      const problems = [details, relationship, consent].flatMap((p) => (p.ok ? [] : p.problems));
      // The order of the form: name, relationship, how to reach them, then consent.
      const order = ['givenName', 'familyName', 'relationship', 'phone', 'email', 'contactTimes', 'contactNotes', 'scope', 'consentHow', 'consentNote'];
      problems.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
      if (problems.length || !details.ok || !relationship.ok || !consent.ok) return fail(problems);
      // Sent from the page of likely matches (matchStep), sameCarer says which carer this is.
      const sameCarer = body.sameCarer || undefined;
      const result = await carers.linkCarer(ctx, request.params.id, { carer: details.value, relationship: relationship.value, consent: consent.value, sameCarer });
      if (result.kind === 'likely matches') {
        // asked already, and not answered: the same question, saying what to do
        const unanswered = body.matchStep === '1';
        const errors = unanswered ? formErrors([{ field: 'sameCarer', message: `Select the carer ${details.value.givenName} is, or that they are someone else` }]) : undefined;
        return reply.code(unanswered ? 400 : 200).render(MATCH, matchData(result.person, body, methods, scope, result.matches, { errors }));
      }
      return reply.redirect(`/people/${enc(request.params.id)}/carers/${result.linkId}?done=linked`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const { person } = await carers.listCarers(ctx, request.params.id);
      return showProblems(reply, NEW_LINK, newLinkData(person, body, methods, scope), error);
    }
  });

  app.get<LinkParams>('/people/:id/carers/:linkId', async (request, reply) => {
    const page = await carers.getCarerLink(staffContext(request), request.params.id, request.params.linkId);
    return reply.render(`${VIEWS}/carer-link.njk`, {
      title: `${page.carer.givenName} ${page.carer.familyName}`, ...page,
      scopeText: describeScope(page.link.scope), howName: CONSENT_METHOD_NAMES[page.link.consentHow],
      events: page.events.map((e) => ({ ...e, changeName: SCOPE_CHANGE_NAMES[e.change], scopeText: describeScope(e.scope), howName: CONSENT_METHOD_NAMES[e.how] })),
      outcomeNames: ASSESSMENT_OUTCOME_NAMES, contactMethods: describeAllowedMethods(page.carer.contactPreferences),
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const CONSENT = `${VIEWS}/consent.njk`;
  const consentData = (page: carers.CarerLinkPage, values: FormBody, scope: readonly string[]) => ({
    title: `What ${page.carer.givenName} may see or be told`, ...page, values,
    scopeItems: scopeItems(scope, page.carer.givenName), howItems: howItems(values.consentHow ?? ''),
  });

  app.get<LinkParams>('/people/:id/carers/:linkId/consent', async (request, reply) => {
    const page = await carers.getCarerLink(staffContext(request), request.params.id, request.params.linkId);
    return reply.render(CONSENT, { ...consentData(page, {}, page.link.scope), version: page.link.version });
  });

  app.post<LinkParams>('/people/:id/carers/:linkId/consent', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const scope = listOf(request, 'scope');
    try {
      const decision = parseConsentDecision({ scope, how: body.consentHow ?? '', note: body.consentNote ?? '' });
      if (!decision.ok) return fail(decision.problems);
      await carers.changeConsent(ctx, request.params.id, request.params.linkId, decision.value, Number(body.version));
      return reply.redirect(`/people/${enc(request.params.id)}/carers/${enc(request.params.linkId)}?done=consent`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const page = await carers.getCarerLink(ctx, request.params.id, request.params.linkId);
      const stale = error.code === 'stale';
      return showProblems(reply, CONSENT, { ...consentData(page, body, scope), version: stale ? page.link.version : body.version, savedScope: describeScope(page.link.scope) }, error);
    }
  });

  // ---- carers' assessments ----

  const ASSESSMENT = `${VIEWS}/assessment.njk`;
  const assessmentData = (page: { person: carers.CarerLinkPage['person']; link: carers.CarerLink }, values: FormBody, assessment: carers.Assessment | null) => ({
    title: assessment ? 'Carer’s assessment' : 'Offer a carer’s assessment', person: page.person, link: page.link, assessment, values,
    outcomeItems: outcomeItems(values.outcome ?? ''), outcomeNames: ASSESSMENT_OUTCOME_NAMES,
  });

  app.get<LinkParams>('/people/:id/carers/:linkId/assessments/new', async (request, reply) => {
    const page = await carers.getCarerLink(staffContext(request), request.params.id, request.params.linkId);
    return reply.render(ASSESSMENT, assessmentData(page, { ...dateValues('offered', today()), outcome: '' }, null));
  });

  app.post<LinkParams>('/people/:id/carers/:linkId/assessments/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    try {
      const parsed = parseAssessment(assessmentForm(body), today());
      if (!parsed.ok) return fail(parsed.problems);
      await carers.offerAssessment(ctx, request.params.id, request.params.linkId, parsed.value);
      return reply.redirect(`/people/${enc(request.params.id)}/carers/${enc(request.params.linkId)}?done=assessment-offered`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const page = await carers.getCarerLink(ctx, request.params.id, request.params.linkId);
      return showProblems(reply, ASSESSMENT, assessmentData(page, body, null), error);
    }
  });

  app.get<AssessmentParams>('/people/:id/carers/:linkId/assessments/:assessmentId', async (request, reply) => {
    const { person, link, assessment } = await carers.getAssessment(staffContext(request), request.params.id, request.params.linkId, request.params.assessmentId);
    const values = { ...dateValues('offered', assessment.offeredOn), ...dateValues('outcome', assessment.outcomeOn), outcome: assessment.outcome ?? '', notes: assessment.notes };
    return reply.render(ASSESSMENT, { ...assessmentData({ person, link }, values, assessment), version: assessment.version });
  });

  app.post<AssessmentParams>('/people/:id/carers/:linkId/assessments/:assessmentId', async (request, reply) => {
    const ctx = staffContext(request);
    const { id, linkId, assessmentId } = request.params;
    const body = formBody(request);
    try {
      const parsed = parseAssessment(assessmentForm(body), today());
      if (!parsed.ok) return fail(parsed.problems);
      await carers.updateAssessment(ctx, id, linkId, assessmentId, parsed.value, Number(body.version));
      return reply.redirect(`/people/${enc(id)}/carers/${enc(linkId)}?done=assessment-saved`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const { person, link, assessment } = await carers.getAssessment(ctx, id, linkId, assessmentId);
      const stale = error.code === 'stale';
      return showProblems(reply, ASSESSMENT, { ...assessmentData({ person, link }, body, assessment), version: stale ? assessment.version : body.version }, error);
    }
  });

  // ---- a carer's own record ----

  app.get<IdParams>('/carers/:id', async (request, reply) => {
    const page = await carers.getCarer(staffContext(request), request.params.id);
    return reply.render(`${VIEWS}/carer.njk`, {
      title: `${page.carer.givenName} ${page.carer.familyName}`, ...page,
      links: page.links.map((l) => ({ ...l, scopeText: describeScope(l.scope) })),
      contactMethods: describeAllowedMethods(page.carer.contactPreferences), flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  const EDIT_CARER = `${VIEWS}/carer-edit.njk`;
  const carerFormData = (page: carers.CarerPage, values: FormBody, methods: string[]) => ({
    title: `Change ${page.carer.givenName} ${page.carer.familyName}’s details`, ...page, values, methodItems: methodItems(preferencesFromValues(values, methods)),
  });

  app.get<IdParams>('/carers/:id/edit', async (request, reply) => {
    const page = await carers.getCarer(staffContext(request), request.params.id);
    const c = page.carer;
    const methods = CONTACT_METHODS.filter((m) => c.contactPreferences[m]);
    const values = { givenName: c.givenName, familyName: c.familyName, phone: c.phone ?? '', email: c.email ?? '', contactTimes: c.contactPreferences.times, contactNotes: c.contactPreferences.notes };
    return reply.render(EDIT_CARER, { ...carerFormData(page, values, methods), version: c.version });
  });

  app.post<IdParams>('/carers/:id/edit', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const methods = listOf(request, 'contactMethods');
    try {
      const details = parseCarerDetails({
        givenName: body.givenName ?? '', familyName: body.familyName ?? '', phone: body.phone ?? '', email: body.email ?? '',
        methods, times: body.contactTimes ?? '', notes: body.contactNotes ?? '',
      });
      if (!details.ok) return fail(details.problems);
      await carers.updateCarer(ctx, request.params.id, details.value, Number(body.version));
      return reply.redirect(`/carers/${enc(request.params.id)}?done=carer-saved`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const page = await carers.getCarer(ctx, request.params.id);
      const stale = error.code === 'stale';
      return showProblems(reply, EDIT_CARER, { ...carerFormData(page, body, methods), version: stale ? page.carer.version : body.version }, error);
    }
  });
};
