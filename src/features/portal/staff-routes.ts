// Staff pages for secure links: /people/:id/secure-links (links made lately, cancel one) and
// /people/:id/secure-links/new (make one for the person or a carer they share with, and send it
// in a way they said is safe, or show it once to give in person).
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.ts';
import { SCOPE_NAMES_FOR_CARER, describeScope } from '../../domain/carer-consent.ts';
import { AppError } from '../../platform/errors.ts';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { formErrors } from '../../platform/views.ts';
import * as portal from './service.ts';

const VIEWS = 'portal/views';
const DELIVERY_NAMES: Record<portal.LinkDelivery, string> = { email: 'Email', sms: 'Text message', in_person: 'Given in person' };

type IdParams = { Params: { id: string } };

function recipientItems(recipients: portal.Recipient[], chosen: string) {
  return recipients.map((r) => {
    const ways = [
      r.email.allowed ? 'email' : null,
      r.sms.allowed ? 'text message' : null,
    ].filter(Boolean);
    const sees = r.kind === 'carer' ? ` Sees: ${describeScope(r.scope, SCOPE_NAMES_FOR_CARER).toLowerCase()}.` : '';
    return {
      value: r.key,
      text: r.kind === 'person' ? `${r.name} (the person)` : `${r.name} (${r.relationship}, carer)`,
      hint: { text: `Can be sent by ${ways.length ? ways.join(' or ') : 'neither email nor text: give it in person'}.${sees}` },
      checked: chosen === r.key,
    };
  });
}

function deliveryItems(chosen: string) {
  return [
    { value: 'email', text: 'Send it by email', checked: chosen === 'email' },
    { value: 'sms', text: 'Send it by text message', checked: chosen === 'sms' },
    { value: 'in_person', text: 'Show it on screen to give in person', hint: { text: 'It is shown once. Read it out, or let them copy it.' }, checked: chosen === 'in_person' },
  ];
}

export const secureLinkRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.addHook('preHandler', requireStaff);

  app.get<IdParams>('/people/:id/secure-links', async (request, reply) => {
    const { person, links } = await portal.secureLinkChoices(staffContext(request), request.params.id);
    return reply.render(`${VIEWS}/secure-links.njk`, {
      title: `Secure links: ${person.givenName} ${person.familyName}`, person, links, deliveryNames: DELIVERY_NAMES,
      flash: queryParams(request).done === 'cancelled' ? 'Link cancelled. It no longer works, and anyone using it has been signed out.' : undefined,
    });
  });

  const NEW = `${VIEWS}/secure-link-new.njk`;
  app.get<IdParams>('/people/:id/secure-links/new', async (request, reply) => {
    const { person, recipients } = await portal.secureLinkChoices(staffContext(request), request.params.id);
    const chosen = queryParams(request).for ?? (recipients.length === 1 ? 'person' : '');
    return reply.render(NEW, { title: 'Make a secure link', person, recipientItems: recipientItems(recipients, chosen), deliveryItems: deliveryItems(''), days: portal.LINK_VALID_DAYS });
  });

  app.post<IdParams>('/people/:id/secure-links/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    try {
      const made = await portal.createSecureLink(ctx, request.params.id, { for: body.for ?? '', delivery: body.delivery ?? '' }, { baseUrl: config.publicBaseUrl });
      // Shown once, in this response: the token is not kept anywhere Lantern could show it again.
      return reply.render(`${VIEWS}/secure-link-made.njk`, { title: made.url ? 'Give them this link' : 'Secure link sent', personId: request.params.id, made, days: portal.LINK_VALID_DAYS });
    } catch (error) {
      if (!(error instanceof AppError) || error.fields.length === 0) throw error;
      const { person, recipients } = await portal.secureLinkChoices(ctx, request.params.id);
      return reply.code(error.status).render(NEW, {
        title: 'Make a secure link', person, recipientItems: recipientItems(recipients, body.for ?? ''), deliveryItems: deliveryItems(body.delivery ?? ''),
        days: portal.LINK_VALID_DAYS, errors: formErrors(error.fields),
      });
    }
  });

  app.post<{ Params: { id: string; linkId: string } }>('/people/:id/secure-links/:linkId/cancel', async (request, reply) => {
    await portal.revokeSecureLink(staffContext(request), request.params.id, request.params.linkId);
    return reply.redirect(`/people/${encodeURIComponent(request.params.id)}/secure-links?done=cancelled`, 303);
  });
};
