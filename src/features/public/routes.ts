// Public pages that need no sign-in: home, "Get help now", accessibility and privacy.
import type { FastifyPluginAsync } from 'fastify';
import { NATIONAL_CRISIS_OPTIONS } from './crisis.ts';

export const publicRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) => reply.render('public/views/home.njk', { title: 'Home' }));

  app.get('/get-help-now', async (_request, reply) =>
    reply.render('public/views/get-help-now.njk', { title: 'Get help now', options: NATIONAL_CRISIS_OPTIONS }),
  );

  app.get('/accessibility', async (_request, reply) =>
    reply.render('public/views/accessibility.njk', { title: 'Accessibility statement' }),
  );
  app.get('/privacy', async (_request, reply) => reply.render('public/views/privacy.njk', { title: 'Privacy' }));
};
