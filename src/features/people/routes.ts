// People pages for staff: find a person, see their record, change how to reach them.
import type { FastifyPluginAsync } from 'fastify';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { handleForm } from '../../platform/views.ts';
import { AppError } from '../../platform/errors.ts';
import { ETHNIC_CATEGORIES } from '../../domain/ethnicity.ts';
import { genderLabel } from '../../domain/gender.ts';
import * as people from './service.ts';

const EDIT = 'people/views/contact-details.njk';

export const peopleRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  app.get('/people', async (request, reply) => {
    const ctx = staffContext(request);
    const query = queryParams(request);
    const result = await people.findPeople(ctx, { text: query.q ?? '', page: Number(query.page) || 1 });
    return reply.render('people/views/list.njk', { title: 'People', width: 'full', q: query.q ?? '', ...result });
  });

  app.get<{ Params: { id: string } }>('/people/:id', async (request, reply) => {
    const person = await people.getPerson(staffContext(request), request.params.id);
    return reply.render('people/views/person.njk', {
      title: `${person.givenName} ${person.familyName}`,
      person,
      flash: queryParams(request).saved ? 'Contact details saved' : undefined,
      gender: genderLabel(person.gender),
      ethnicity: person.ethnicCategory ? ETHNIC_CATEGORIES[person.ethnicCategory] : undefined,
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
};
