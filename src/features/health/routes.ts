// GET /health: is this instance able to serve? Reports the database's state for load balancers
// and monitoring; 503 when the database does not answer.
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../../db/database.ts';

export const healthRoutes: FastifyPluginAsync<{ db: Database }> = async (app, { db }) => {
  app.get('/health', async (_request, reply) => {
    const started = performance.now();
    try {
      const { rows } = await db.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
      return {
        status: 'ok',
        database: {
          status: 'ok',
          driver: db.kind,
          schemaVersion: rows[0]?.version ?? null,
          latencyMs: Math.round((performance.now() - started) * 10) / 10,
        },
      };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: { status: 'unavailable', driver: db.kind } });
    }
  });
};
