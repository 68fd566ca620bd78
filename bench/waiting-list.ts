// node --import tsx bench/waiting-list.ts [waiting referrals, default 100000]
//
// The waiting list at scale: a Kent tenant with that many referrals on waiting lists (most with
// the five strategic partners, some with delivery network providers; a third allocated), and the
// waiting list page fetched in-process (inject: routing, access, queries, audit and rendering,
// without the network) one request at a time, for the views people use. Then one run of the
// no-contact reminder sweep. On PGlite by default; BENCH_DATABASE_URL (or TEST_DATABASE_URL)=postgres://... for PostgreSQL.
import { createApp } from '../src/app.ts';
import { testConfig } from '../src/config.ts';
import { seedDatabase, DEMO_PASSWORD } from '../src/seed/generate.ts';
import { REMINDER_BATCH, sweepNoContactReminders } from '../src/features/referrals/waiting/jobs.ts';
import { benchDatabase, benchRuns, timeCalls } from './direct.ts';

const WAITING = Number(process.argv[2] ?? 100_000);
const RUNS = benchRuns(40);

const { db, drop } = await benchDatabase();
try {
  await seedDatabase(db, { tenants: ['kent'], people: 10_000, seed: 'bench' });
  const t0 = performance.now();
  await db.query(
    `WITH orgs AS (
       SELECT array_agg(id ORDER BY kind DESC, name) AS ids FROM organisations
        WHERE tenant_id = 'kent' AND kind IN ('strategic_partner', 'delivery_provider')),
     partners AS (SELECT array_agg(id ORDER BY name) AS ids FROM organisations WHERE tenant_id = 'kent' AND kind = 'strategic_partner'),
     people AS (SELECT array_agg(id ORDER BY id) AS ids FROM people WHERE tenant_id = 'kent'),
     staff AS (SELECT organisation_id, array_agg(id ORDER BY id) AS ids FROM staff_users WHERE tenant_id = 'kent' AND role IN ('navigator', 'provider') GROUP BY organisation_id),
     rows AS (
       SELECT g,
              -- four in five with a strategic partner, the rest across the delivery network
              CASE WHEN g % 5 <> 0 THEN partners.ids[1 + g % array_length(partners.ids, 1)] ELSE orgs.ids[1 + g % array_length(orgs.ids, 1)] END AS org,
              now() - make_interval(mins => (g * 7919) % (200 * 24 * 60)) AS received
         FROM generate_series(1, $1::int) g, orgs, partners)
     INSERT INTO referrals (tenant_id, reference, source, channel, received_at, original_received_at, given_name, family_name,
                            date_of_birth, urgency, due_at, state, routed_organisation_id, area_id, responsible_user_id, person_id,
                            match_status, last_contact_at, contact_attempts, first_reached_at)
     SELECT 'kent', 'BEN' || lpad(g::text, 7, '0'), 'self', 'web', received, received, 'Bench', 'Person ' || g, DATE '1980-01-01' + (g % 15000),
            CASE WHEN g % 50 = 0 THEN 'urgent' ELSE 'routine' END, received + interval '7 days', 'waiting', org,
            (SELECT area_id FROM organisations o WHERE o.tenant_id = 'kent' AND o.id = org),
            CASE WHEN g % 3 = 0 THEN (SELECT ids[1 + g % array_length(ids, 1)] FROM staff WHERE staff.organisation_id = org) END,
            people.ids[1 + g % array_length(people.ids, 1)], 'linked',
            CASE WHEN g % 4 = 0 THEN NULL ELSE received + make_interval(days => g % 20) END, g % 5,
            CASE WHEN g % 4 = 0 THEN NULL WHEN g % 2 = 0 THEN received + make_interval(days => g % 20) END
       FROM rows, people`,
    [WAITING],
  );
  await db.query('ANALYZE');
  console.log(`${WAITING.toLocaleString('en-GB')} waiting referrals made on ${db.kind} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const app = await createApp({ config: testConfig({ logLevel: 'silent', secureCookies: false }), db });
  await app.ready();
  async function signIn(email: string): Promise<string> {
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const cookies = page.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const response = await app.inject({
      method: 'POST', url: '/sign-in', headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: token, email, password: DEMO_PASSWORD }).toString(),
    });
    return [...page.cookies, ...response.cookies].map((c) => `${c.name}=${c.value}`).join('; ');
  }
  const triage = await signIn('triage@kent.demo.lantern.test');
  const navigator = await signIn('navigator@kent.demo.lantern.test');
  const { rows: area } = await db.query<{ id: string }>(`SELECT id FROM areas WHERE tenant_id = 'kent' ORDER BY name LIMIT 1`);

  const scenarios: [string, string, string][] = [
    ['baseline: a signed-in page with no data (your account)', navigator, '/account'],
    ['triage: every list, longest waiting', triage, '/waiting-list'],
    ['triage: every list, longest since contact', triage, '/waiting-list?sort=contact'],
    ['triage: every list, by deadline', triage, '/waiting-list?sort=deadline'],
    ['triage: nobody allocated', triage, '/waiting-list?worker=none'],
    ['triage: one area, page 10', triage, `/waiting-list?area=${area[0]!.id}&page=10`],
    ['navigator: own organisation', navigator, '/waiting-list'],
    ['navigator: own organisation, by contact', navigator, '/waiting-list?sort=contact'],
    ['navigator: own organisation, by deadline', navigator, '/waiting-list?sort=deadline'],
    ['navigator: mine only', navigator, '/waiting-list?mine=yes'],
  ];
  console.log(`\n| ${db.kind} | waiting list page (${WAITING.toLocaleString('en-GB')} waiting) | p50 | p95 | max |\n|---|---|---|---|---|`);
  for (const [name, cookie, url] of scenarios) {
    const page = async () => {
      const response = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
    };
    const { median, p95, max } = await timeCalls(page, RUNS, 3); // the first few warm the caches
    console.log(`| | ${name} | ${median.toFixed(1)} ms | ${p95.toFixed(1)} ms | ${max.toFixed(1)} ms |`);
  }

  const sweepStart = performance.now();
  const result = await db.transaction((tx) => sweepNoContactReminders(tx, { publicBaseUrl: 'http://bench' }, 'kent', new Date(), { actor: null, requestId: 'bench' }));
  console.log(`\nNo-contact reminder sweep: ${result.reminded.toLocaleString('en-GB')} referrals reminded (batch of ${REMINDER_BATCH.toLocaleString('en-GB')}), ${result.emails} emails, in ${((performance.now() - sweepStart) / 1000).toFixed(2)} s`);
  await app.close();
} finally {
  await drop();
}
