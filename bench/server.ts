// The hub as a benchmark target, in its own process so the load generator does not share its
// CPU: a fresh database (PGlite in memory, or a new PostgreSQL database), N seeded people, and
// one extra route that does nothing, to show the machine's and framework's own limit.
import { createApp } from '../src/app.ts';
import { testConfig } from '../src/config.ts';
import { seedDatabase } from '../src/seed/generate.ts';
import { freshDatabase } from '../test/support/database.ts';

const people = Number(process.env.BENCH_PEOPLE ?? 100_000);
const { db, drop } = await freshDatabase();
const started = performance.now();
await seedDatabase(db, { tenants: ['kent'], people, seed: 'bench' });
const seedSeconds = (performance.now() - started) / 1000;
const app = await createApp({ config: testConfig({ logLevel: 'silent', secureCookies: false }), db });
app.get('/bench/noop', async () => 'ok');
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ ready: true, port, seedSeconds, driver: db.kind });
process.on('message', async (message: { stop?: boolean }) => {
  if (message.stop) {
    await app.close();
    await drop();
    process.exit(0);
  }
});
