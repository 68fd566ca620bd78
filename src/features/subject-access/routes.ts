// /people/:id/export: an administrator makes a copy of everything held about a person for their
// subject access request, as a JSON file or a printable page. A POST, because making a copy is a
// deliberate, audited act with the request's reference, not a link to follow.
import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { formBody } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { requireRole } from '../../platform/access.ts';
import { formErrors } from '../../platform/views.ts';
import { getPerson } from '../people/service.ts';
import { displayRecord } from './display.ts';
import { subjectAccessExport } from './service.ts';

const V = 'subject-access/views';

export const subjectAccessRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  app.get<{ Params: { id: string } }>('/people/:id/export', async (request, reply) => {
    const ctx = staffContext(request);
    requireRole(ctx.actor, ['admin']);
    const person = await getPerson(ctx, request.params.id);
    return reply.render(`${V}/start.njk`, { title: 'Copy of everything we hold', person, values: { format: 'html' } });
  });

  app.post<{ Params: { id: string } }>('/people/:id/export', async (request, reply) => {
    const ctx = staffContext(request);
    requireRole(ctx.actor, ['admin']);
    const body = formBody(request);
    const format = body.format === 'json' ? 'json' : 'html';
    try {
      const copy = await subjectAccessExport(ctx, request.params.id, { reference: body.reference ?? '', format });
      if (format === 'json') {
        const day = copy.generatedAt.slice(0, 10);
        return reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', `attachment; filename="subject-access-${copy.person.id}-${day}.json"`)
          .send(JSON.stringify(copy, null, 2));
      }
      return reply.render(`${V}/printable.njk`, {
        title: `Everything we hold about ${copy.person.name}`,
        width: 'full',
        copy,
        sections: copy.sections.map((s) => ({ ...s, records: s.records.map(displayRecord) })),
      });
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const person = await getPerson(ctx, request.params.id);
      return reply.code(400).render(`${V}/start.njk`, { title: 'Copy of everything we hold', person, values: { ...body, format }, errors: formErrors(error.fields) });
    }
  });
};
