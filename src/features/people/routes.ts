// People pages for staff: find a person, see their one summary page, change how to reach them,
// how they want to be contacted, and their risk flags.
import type { FastifyPluginAsync } from 'fastify';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { formErrors, handleForm } from '../../platform/views.ts';
import { AppError } from '../../platform/errors.ts';
import { ETHNIC_CATEGORIES } from '../../domain/ethnicity.ts';
import { genderLabel } from '../../domain/gender.ts';
import { CONTACT_METHODS, CONTACT_METHOD_NAMES, describeAllowedMethods, hasPreferences, type ContactPreferences } from '../../domain/contact-preferences.ts';
import { RISK_FLAGS, RISK_FLAG_NAMES } from '../../domain/risk-flags.ts';
import { STATE_LABELS } from '../../domain/referral-states.ts';
import { listOf } from '../episodes/fields.ts';
import * as people from './service.ts';
import { getRisk, saveRisk, type Risk } from './risk.ts';
import { personSummary } from './summary.ts';

const EDIT = 'people/views/contact-details.njk';
const PREFERENCES = 'people/views/contact-preferences.njk';
const RISK = 'people/views/risk.njk';

/** What the summary page says after a form sent the worker back to it with ?done=<code>. */
const FLASH: Record<string, string> = {
  preferences: 'How they want to be contacted is saved',
  risk: 'Risk flags saved and marked as reviewed today',
};

const consentValue = (consent: boolean | null) => (consent === true ? 'yes' : consent === false ? 'no' : 'not-asked');

/** The contact preferences form's choices, ticked as the values say. */
function preferenceItems(values: { methods: string[]; consentGpShare: string }) {
  return {
    methodItems: CONTACT_METHODS.map((m) => ({ value: m, text: CONTACT_METHOD_NAMES[m], checked: values.methods.includes(m) })),
    consentItems: [
      { value: 'yes', text: 'Yes', checked: values.consentGpShare === 'yes' },
      { value: 'no', text: 'No', checked: values.consentGpShare === 'no' },
      { value: 'not-asked', text: 'Not asked yet', checked: values.consentGpShare === 'not-asked' },
    ],
  };
}

function riskItems(flags: string[]) {
  return RISK_FLAGS.map((f) => ({ value: f, text: RISK_FLAG_NAMES[f], checked: flags.includes(f) }));
}

export const peopleRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  app.get('/people', async (request, reply) => {
    const ctx = staffContext(request);
    const query = queryParams(request);
    const result = await people.findPeople(ctx, { text: query.q ?? '', page: Number(query.page) || 1 });
    return reply.render('people/views/list.njk', { title: 'People', width: 'full', q: query.q ?? '', ...result });
  });

  app.get<{ Params: { id: string } }>('/people/:id', async (request, reply) => {
    const query = queryParams(request);
    const summary = await personSummary(staffContext(request), request.params.id);
    const { person } = summary;
    return reply.render('people/views/person.njk', {
      title: `${person.givenName} ${person.familyName}`,
      ...summary,
      flash: query.saved ? 'Contact details saved' : FLASH[query.done ?? ''],
      gender: genderLabel(person.gender),
      ethnicity: person.ethnicCategory ? ETHNIC_CATEGORIES[person.ethnicCategory] : undefined,
      contactMethods: describeAllowedMethods(person.contactPreferences),
      preferencesGiven: hasPreferences(person.contactPreferences),
      referralStates: STATE_LABELS,
    });
  });

  app.get<{ Params: { id: string } }>('/people/:id/contact-details', async (request, reply) => {
    const person = await people.getPerson(staffContext(request), request.params.id);
    return reply.render(EDIT, { title: 'Change contact details', person, values: { ...person, version: person.version } });
  });

  app.post<{ Params: { id: string } }>('/people/:id/contact-details', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = { phone: body.phone ?? '', email: body.email ?? '', postcode: body.postcode ?? '', version: Number(body.version) };
    try {
      await people.updateContactDetails(ctx, request.params.id, values);
      return reply.redirect(`/people/${request.params.id}?saved=1`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      // Show the form again with what was typed; on a stale save, beside the newly saved details
      // and with the new version, so the person can compare and then save deliberately.
      const person = await people.getPerson(ctx, request.params.id);
      const version = error.code === 'stale' ? person.version : values.version;
      return handleForm(reply, EDIT, { title: 'Change contact details', person, values: { ...values, version } }, () => {
        throw error;
      });
    }
  });

  app.get<{ Params: { id: string } }>('/people/:id/contact-preferences', async (request, reply) => {
    const person = await people.getPerson(staffContext(request), request.params.id);
    const prefs = person.contactPreferences;
    const values = { methods: CONTACT_METHODS.filter((m) => prefs[m]), times: prefs.times, notes: prefs.notes, consentGpShare: consentValue(person.consentGpShare), version: person.version };
    return reply.render(PREFERENCES, { title: 'How they want to be contacted', person, values, ...preferenceItems(values) });
  });

  app.post<{ Params: { id: string } }>('/people/:id/contact-preferences', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const methods = listOf(request.body, 'methods');
    const values = { methods, times: body.times ?? '', notes: body.notes ?? '', consentGpShare: body.consentGpShare ?? 'not-asked', version: Number(body.version) };
    const preferences: ContactPreferences = {
      call: methods.includes('call'), voicemail: methods.includes('voicemail'), text: methods.includes('text'), email: methods.includes('email'),
      letter: methods.includes('letter'), times: values.times, notes: values.notes,
    };
    const consent = values.consentGpShare === 'yes' ? true : values.consentGpShare === 'no' ? false : null;
    try {
      await people.updateContactPreferences(ctx, request.params.id, { preferences, consentGpShare: consent, version: values.version });
      return reply.redirect(`/people/${request.params.id}?done=preferences`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      // Shown again with what was chosen; after a stale save, beside what is saved now and with
      // the new version, so saving again is a deliberate choice.
      const person = await people.getPerson(ctx, request.params.id);
      const stale = error.code === 'stale';
      const shown = { ...values, version: stale ? person.version : values.version };
      return reply.code(error.status).render(PREFERENCES, {
        title: 'How they want to be contacted', person, values: shown, ...preferenceItems(shown), errors: formErrors(error.fields), stale,
        savedMethods: describeAllowedMethods(person.contactPreferences), savedConsent: consentValue(person.consentGpShare),
      });
    }
  });

  app.get<{ Params: { id: string } }>('/people/:id/risk', async (request, reply) => {
    const { person, risk } = await getRisk(staffContext(request), request.params.id);
    const values = { flags: risk.flags as string[], summary: risk.summary, version: risk.version };
    return reply.render(RISK, { title: 'Risk flags', person, risk, values, flagItems: riskItems(values.flags) });
  });

  app.post<{ Params: { id: string } }>('/people/:id/risk', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = { flags: listOf(request.body, 'flags'), summary: body.summary ?? '', version: Number(body.version) };
    try {
      await saveRisk(ctx, request.params.id, values);
      return reply.redirect(`/people/${request.params.id}?done=risk`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const { person, risk } = await getRisk(ctx, request.params.id);
      const stale = error.code === 'stale';
      const shown = { ...values, version: stale ? risk.version : values.version };
      const saved: Risk | null = stale ? risk : null;
      return reply.code(error.status).render(RISK, {
        title: 'Risk flags', person, risk, values: shown, flagItems: riskItems(shown.flags), errors: formErrors(error.fields), stale, saved,
      });
    }
  });
};
