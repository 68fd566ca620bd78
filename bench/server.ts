// The hub as a benchmark target, in its own process so the load generator does not share its
// CPU: a fresh database (PGlite in memory, or a new PostgreSQL database) seeded with
// BENCH_PEOPLE people, BENCH_LISTINGS synthetic listings and BENCH_OPEN_REFERRALS referrals
// waiting for triage, plus one route that does nothing, to show the machine's and framework's
// own limit, one that runs the triage queue's queries without HTTP sessions or HTML, and a
// partner API key for a GP practice.
import { createApp } from '../src/app.ts';
import { testConfig } from '../src/config.ts';
import { seedDatabase } from '../src/seed/generate.ts';
import { seedTaxonomy } from '../src/seed/taxonomy.ts';
import { seedSyntheticListings } from '../src/seed/synthetic-listings.ts';
import { seedReferrals } from '../src/seed/referrals.ts';
import { readQueueRequest, triageQueue } from '../src/features/referrals/triage/queue.ts';
import type { StaffContext } from '../src/platform/context.ts';
import { freshDatabase } from '../test/support/database.ts';
import { issueApiKey } from '../src/features/referrals/api/keys.ts';

const people = Number(process.env.BENCH_PEOPLE ?? 0);
const listings = Number(process.env.BENCH_LISTINGS ?? 0);
const openReferrals = Number(process.env.BENCH_OPEN_REFERRALS ?? 0);
const { db, drop, url } = await freshDatabase();
const started = performance.now();
await seedDatabase(db, { tenants: ['kent'], people, seed: 'bench' });
const peopleSeconds = (performance.now() - started) / 1000;
let listingsSeconds = 0;
if (listings > 0) {
  const t0 = performance.now();
  await seedTaxonomy(db);
  await seedSyntheticListings(db, { tenantId: 'kent', count: listings, seed: 'bench' });
  await db.query('ANALYZE');
  listingsSeconds = (performance.now() - t0) / 1000;
}
const gp = await db.query<{ id: string }>("SELECT id FROM organisations WHERE tenant_id = 'kent' AND kind = 'gp_practice' ORDER BY name LIMIT 1");
const apiKey = (await issueApiKey(db, { tenantId: 'kent', organisationId: gp.rows[0]!.id, name: 'Benchmark', createdBy: null })).key;
let referralsSeconds = 0;
if (openReferrals > 0) {
  const t0 = performance.now();
  await seedReferrals(db, { tenant: 'kent', count: openReferrals, seed: 'bench', mix: 'open' });
  referralsSeconds = (performance.now() - t0) / 1000;
}
const app = await createApp({ config: testConfig({ logLevel: 'silent', secureCookies: false, publicTenant: 'kent' }), db });
app.get('/bench/noop', async () => 'ok');
// The triage queue's work (its page, counts and audit row) as the triage worker, without a session or HTML.
const { rows: [triageUser] } = await db.query<{ id: string; organisation_id: string; name: string; email: string }>(
  "SELECT id, organisation_id, name, email FROM staff_users WHERE email = 'triage@kent.demo.lantern.test'",
);
app.get('/bench/triage-queue', async (request) => {
  const ctx: StaffContext = {
    db, requestId: request.id, ip: request.ip,
    actor: { userId: triageUser!.id, tenantId: 'kent', organisationId: triageUser!.organisation_id, role: 'triage', name: triageUser!.name, email: triageUser!.email, sessionHash: '', mustChangePassword: false, teamLead: false },
  };
  const page = await triageQueue(ctx, readQueueRequest(request.query as Record<string, string>));
  return { rows: page.rows.length };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.send?.({ ready: true, port, peopleSeconds, listingsSeconds, referralsSeconds, driver: db.kind, url, apiKey });
process.on('message', async (message: { stop?: boolean }) => {
  if (message.stop) {
    await app.close();
    await drop();
    process.exit(0);
  }
});
