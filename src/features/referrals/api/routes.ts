// The partner API, registered under /api/v1:
//   GET  /openapi.json             its description (no key needed)
//   POST /referrals                refer someone (Idempotency-Key required)
//   GET  /referrals                the organisation's referrals, in the order they changed
//   GET  /referrals/:reference     one referral's progress
// Every other call needs `Authorization: Bearer <key>`; the key is checked before the body is
// read, so an unknown caller cannot make Lantern parse anything. No session, no cookies, no CSRF
// (app.ts exempts /api/): a key in a header cannot be sent by another site's page. Errors come
// from the one error handler, as JSON.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.ts';
import { AppError } from '../../../platform/errors.ts';
import { authenticateApiKey } from './keys.ts';
import { openApiDocument } from './openapi.ts';
import { LIMITS } from './request.ts';
import { getApiReferral, listApiReferrals, submitApiReferral, type ApiContext } from './service.ts';

export interface ApiRoutesOptions {
  config: Config;
}

/**
 * Per key (or, without one, per address), from the settings (RATE_LIMIT_API): far more than a
 * partner system sends, a few referrals a minute at a national service's busiest, so only a
 * runaway loop meets it. The key is kept as its hash, never as the secret itself.
 */
function apiLimit(config: Config) {
  return {
    max: config.rateLimits.apiCalls,
    timeWindow: '1 minute',
    keyGenerator: (request: FastifyRequest) => crypto.createHash('sha256').update(request.headers.authorization ?? request.ip).digest('hex'),
  };
}

function isJson(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  const { config } = options;
  const API_LIMIT = apiLimit(config);

  app.addHook('onSend', async (_request, reply, payload) => {
    // Answers about people's referrals must not be kept by caches between Lantern and the partner.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get('/openapi.json', async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(openApiDocument()));

  await app.register(async (api) => {
    api.addHook('onRequest', async (request) => {
      const apiClient = await authenticateApiKey(request.ctx, request.headers.authorization);
      request.ctx = { ...request.ctx, actor: null, apiClient };
    });
    // Before the body is read: only JSON is accepted (the app also reads HTML forms elsewhere).
    api.addHook('preParsing', async (request) => {
      if (request.method === 'POST' && !isJson(request.headers['content-type'])) {
        throw new AppError({ status: 415, code: 'unsupported_media_type', message: 'Send the referral as JSON, with the header Content-Type: application/json.' });
      }
    });

    api.post('/referrals', { bodyLimit: LIMITS.body, config: { rateLimit: API_LIMIT } }, async (request, reply) => {
      const outcome = await submitApiReferral(
        request.ctx as ApiContext,
        { idempotencyKey: request.headers['idempotency-key'], body: request.body },
        { baseUrl: config.publicBaseUrl },
      );
      reply.header('location', outcome.body.links.self);
      if (outcome.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(outcome.replayed ? 200 : 201).send(outcome.body);
    });

    api.get('/referrals', { config: { rateLimit: API_LIMIT } }, async (request) => listApiReferrals(request.ctx as ApiContext, (request.query ?? {}) as Record<string, unknown>));

    api.get<{ Params: { reference: string } }>('/referrals/:reference', async (request) => getApiReferral(request.ctx as ApiContext, request.params.reference));
  });
}
