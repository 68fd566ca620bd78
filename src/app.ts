// createApp(deps): the whole web application, built without listening so tests drive it with
// inject(). Plugins go in a deliberate order: request ids and logging (Fastify), security
// headers, cookies and CSRF, body parsing, static assets, the session lookup, views and errors,
// then the feature modules.
import crypto from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { RequestContext, StaffActor } from './platform/context.ts';
import { AppError } from './platform/errors.ts';
import { loggerOptions } from './platform/logging.ts';
import { createViewEnvironment, registerViews } from './platform/views.ts';
import { registerAssets } from './platform/assets.ts';
import { registerErrorHandling } from './platform/error-handler.ts';
import { loadSession, SESSION_COOKIE, type SessionState } from './platform/sessions.ts';
import { publicRoutes } from './features/public/routes.ts';
import { directoryRoutes } from './features/directory/routes.ts';
import { directoryManageRoutes } from './features/directory/manage/routes.ts';
import { healthRoutes } from './features/health/routes.ts';
import { authRoutes } from './features/auth/routes.ts';
import { adminRoutes } from './features/admin/routes.ts';
import { peopleRoutes } from './features/people/routes.ts';
import { orukRoutes } from './features/directory/oruk/routes.ts';
import { referralRoutes } from './features/referrals/routes.ts';
import { carersRoutes } from './features/carers/routes.ts';
import { portalRoutes } from './features/portal/routes.ts';
import { secureLinkRoutes } from './features/portal/staff-routes.ts';
import { budgetRoutes } from './features/budgets/routes.ts';
import { closingRoutes } from './features/episodes/closing/routes.ts';
import { apiRoutes } from './features/referrals/api/routes.ts';
import { apiKeyAdminRoutes } from './features/referrals/api/admin-routes.ts';
import { settingsRoutes } from './features/admin/settings.ts';
import { waitingRoutes } from './features/referrals/waiting/routes.ts';
import { episodeRoutes } from './features/episodes/routes.ts';
import { intakeRoutes } from './features/referrals/intake/routes.ts';
import { triageRoutes } from './features/referrals/triage/routes.ts';
import { subjectAccessRoutes } from './features/subject-access/routes.ts';
import { prescriptionRoutes } from './features/prescriptions/routes.ts';

export interface AppDeps {
  config: Config;
  db: Database;
  /** where log lines go (default: standard output); tests read them back */
  logStream?: { write(line: string): void };
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: StaffActor | null;
    session: SessionState;
    ctx: RequestContext;
  }
  interface FastifyContextConfig {
    /** 'fetch-metadata': a same-origin Sec-Fetch-Site header is enough (sign-out in the header) */
    csrf?: 'token' | 'fetch-metadata' | 'none';
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, db } = deps;
  const app = Fastify({
    logger: loggerOptions(config, deps.logStream),
    trustProxy: config.trustProxy,
    // Keep a proxy's request id so one id follows the request across systems.
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return config.trustProxy && typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    },
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: config.env === 'production' ? [] : null,
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
  });
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    // Pages about people must not sit in a shared computer's cache.
    if (request.actor || request.session?.pendingSecondFactor) reply.header('cache-control', 'no-store');
    return payload;
  });

  await app.register(fastifyCookie, { secret: config.cookieSecret });
  await app.register(fastifyCsrf, {
    cookieKey: 'lantern_csrf',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
  });
  await app.register(fastifyFormbody);
  // Brakes on what one address (or one partner key) can send in a short time, on the routes that
  // ask for them, so a flood cannot bury real referrals in the triage queue. Kept in memory per
  // instance: a limit is a brake, not a record.
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new AppError({
      status: 429,
      code: 'rate_limited',
      message: `A lot has been sent from here in a short time, so we have paused this to keep the service safe. Try again in ${context.after}. If you need help now, call NHS 111 and choose option 2, or call 999 if a life is at risk.`,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
    }),
  });

  await registerAssets(app);

  app.decorateRequest('actor', null);
  app.decorateRequest('session', null as unknown as SessionState);
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request) => {
    const isAsset = request.url.startsWith('/assets/') || request.url === '/health';
    // The partner API is called by systems with a key, never with a person's session.
    const sessionless = isAsset || request.url.startsWith('/api/');
    request.session = sessionless
      ? { actor: null, pendingSecondFactor: null }
      : await loadSession(db, config, request.cookies[SESSION_COOKIE]);
    request.actor = request.session.actor;
    request.ctx = { db, actor: request.actor, requestId: request.id, ip: request.ip };
  });

  // CSRF on every state-changing browser request. The partner API authenticates with keys in
  // headers, not cookies, so it is exempt by design.
  app.addHook('preHandler', (request, reply, done) => {
    const mode = request.routeOptions.config.csrf ?? 'token';
    if (!UNSAFE_METHODS.has(request.method) || mode === 'none' || request.url.startsWith('/api/')) return done();
    if (mode === 'fetch-metadata' && request.headers['sec-fetch-site'] === 'same-origin') return done();
    app.csrfProtection(request, reply, done);
  });

  registerViews(app, createViewEnvironment());
  registerErrorHandling(app);

  await app.register(healthRoutes, { db });
  await app.register(publicRoutes);
  await app.register(directoryRoutes, { config });
  await app.register(directoryManageRoutes, { config });
  await app.register(authRoutes, { config });
  await app.register(peopleRoutes);
  await app.register(adminRoutes);
  await app.register(referralRoutes);
  await app.register(carersRoutes);
  await app.register(secureLinkRoutes, { config });
  // The person's and carer's own pages, with their own session: see src/features/portal/.
  await app.register(portalRoutes, { prefix: '/my', config });
  await app.register(budgetRoutes);
  await app.register(closingRoutes, { config });
  await app.register(settingsRoutes);
  await app.register(apiKeyAdminRoutes);
  await app.register(apiRoutes, { prefix: '/api/v1', config });
  await app.register(waitingRoutes);
  await app.register(episodeRoutes);
  await app.register(intakeRoutes, { config });
  await app.register(triageRoutes, { config });
  await app.register(subjectAccessRoutes);
  await app.register(prescriptionRoutes, { config });
  await app.register(orukRoutes, { prefix: '/oruk', config });
  return app;
}
