// Static assets, served from this server only (the CSP allows nothing else): the NHS.UK
// frontend's CSS, JavaScript and images from the nhsuk-frontend package, and Lantern's own few.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { NHSUK_DIST } from './views.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * nhsuk-frontend's stylesheet loads the Frutiger web font from assets.nhs.uk. Our CSP
 * (font-src 'self') blocks it, so browsers log errors on every page and fall back to Arial
 * anyway; loading it would also tell a third party who visits. Serve the stylesheet without its
 * @font-face rules (and without the source map comment, whose map we do not serve beside it).
 */
export function withoutWebFonts(css: string): string {
  return css.replace(/@font-face\s*\{[^}]*\}/g, '').replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
}

export async function registerAssets(app: FastifyInstance): Promise<void> {
  const nhsukDir = path.join(NHSUK_DIST, 'nhsuk');
  const stylesheet = withoutWebFonts(fs.readFileSync(path.join(nhsukDir, 'nhsuk-frontend.min.css'), 'utf8'));
  app.get('/assets/nhsuk/nhsuk-frontend.min.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=86400').send(stylesheet),
  );
  await app.register(fastifyStatic, { root: nhsukDir, prefix: '/assets/nhsuk/', maxAge: '1d' });
  await app.register(fastifyStatic, {
    root: path.join(here, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1h',
  });
}
