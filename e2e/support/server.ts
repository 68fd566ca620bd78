// A real Lantern HTTP server for browser tests: the whole app on a fresh, seeded database,
// listening on 127.0.0.1 on a free port. Chromium treats http://127.0.0.1 as a secure context,
// so the app's Secure cookies work over plain HTTP here, as in production over HTTPS.
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/app.ts';
import { testConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/database.ts';
import { DEMO_PASSWORD, seedDatabase } from '../../src/seed/generate.ts';
import { freshDatabase } from '../../test/support/database.ts';

export interface TestServer {
  /** e.g. http://127.0.0.1:41234, without a trailing slash */
  baseUrl: string;
  app: FastifyInstance;
  db: Database;
  config: Config;
  close(): Promise<void>;
}

export const demoEmail = (role: string, tenant = 'kent'): string => `${role}@${tenant}.demo.lantern.test`;
export { DEMO_PASSWORD };

export async function startServer(options: { people?: number; config?: Partial<Config> } = {}): Promise<TestServer> {
  const { db, drop } = await freshDatabase();
  try {
    await seedDatabase(db, { tenants: ['kent', 'kingston'], people: options.people ?? 12, seed: 'e2e' });
    const config = testConfig(options.config);
    const app = await createApp({ config, db });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the test server has no TCP address');
    return {
      baseUrl: `http://127.0.0.1:${address.port}`,
      app,
      db,
      config,
      async close() {
        try {
          await app.close();
        } finally {
          await drop();
        }
      },
    };
  } catch (error) {
    await drop();
    throw error;
  }
}
