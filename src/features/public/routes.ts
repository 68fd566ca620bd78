// Public pages that need no sign-in: home, accessibility and privacy. ("Get help now" lives
// with the directory, which supplies its local options.)
import type { FastifyPluginAsync } from 'fastify';

export const publicRoutes: FastifyPluginAsync = async (app) => {
  app.get('/', async (request, reply) => reply.render('public/views/home.njk', { title: 'Home' }));

  app.get('/accessibility', async (_request, reply) =>
    reply.render('public/views/accessibility.njk', { title: 'Accessibility statement' }),
  );
  app.get('/privacy', async (_request, reply) => reply.render('public/views/privacy.njk', { title: 'Privacy' }));
};
