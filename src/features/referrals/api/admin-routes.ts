// Administrators' pages for partner API keys, under /admin/api-keys: the list, making a key (shown
// once), and revoking one (refused from the very next request).
import type { FastifyPluginAsync } from 'fastify';
import { formBody, queryParams } from '../../../platform/forms.ts';
import { requireStaff, staffContext } from '../../../platform/guards.ts';
import { requireRole } from '../../../platform/access.ts';
import { handleForm } from '../../../platform/views.ts';
import * as keys from './keys.ts';

const NEW_KEY = 'referrals/api/views/key-new.njk';

function organisationOptions(organisations: keys.KeyOrganisation[], selected: string) {
  return [
    { value: '', text: 'Choose an organisation' },
    ...organisations.map((o) => ({ value: o.id, text: `${o.name} (${o.sourceName})`, selected: o.id === selected })),
  ];
}

export const apiKeyAdminRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);
  app.addHook('preHandler', async (request) => requireRole(staffContext(request).actor, ['admin']));

  app.get('/admin/api-keys', async (request, reply) => {
    const ctx = staffContext(request);
    const all = await keys.listApiKeys(ctx);
    const revokedId = queryParams(request).revoked;
    const revoked = revokedId ? all.find((k) => k.id === revokedId && k.revokedAt) : undefined;
    return reply.render('referrals/api/views/keys.njk', {
      title: 'API keys',
      width: 'full',
      keys: all,
      flash: revoked ? `Key “${revoked.name}” for ${revoked.organisationName} revoked. Requests made with it are refused from now on.` : undefined,
    });
  });

  app.get('/admin/api-keys/new', async (request, reply) => {
    const organisations = await keys.keyOrganisations(staffContext(request));
    return reply.render(NEW_KEY, { title: 'Make an API key', values: {}, organisationOptions: organisationOptions(organisations, '') });
  });

  app.post('/admin/api-keys/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = { organisationId: body.organisation ?? '', name: body.name ?? '' };
    const organisations = await keys.keyOrganisations(ctx);
    const data = { title: 'Make an API key', values, organisationOptions: organisationOptions(organisations, values.organisationId) };
    return handleForm(reply, NEW_KEY, data, async () => {
      const { key, summary } = await keys.createApiKey(ctx, values);
      return reply.render('referrals/api/views/key-created.njk', { title: 'Copy the new API key now', key, summary });
    });
  });

  app.get<{ Params: { id: string } }>('/admin/api-keys/:id/revoke', async (request, reply) => {
    const key = await keys.getApiKey(staffContext(request), request.params.id);
    return reply.render('referrals/api/views/key-revoke.njk', { title: `Revoke the key “${key.name}”`, key });
  });

  app.post<{ Params: { id: string } }>('/admin/api-keys/:id/revoke', async (request, reply) => {
    const key = await keys.revokeApiKey(staffContext(request), request.params.id);
    return reply.redirect(`/admin/api-keys?revoked=${key.id}`, 303);
  });
};
