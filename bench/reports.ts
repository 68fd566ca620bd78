// How fast the brief advice report is (Making Every Contact Count counts by topic and
// organisation) as the contacts behind it grow: a year of contacts spread across the tenant's
// organisations, the report called through the service as its page does (the counts, rounding
// for a commissioner, the audit row), for the last 3 months and for one quarter. Beside it, the
// smallest call that still goes through a transaction and an audit row (the floor any report
// pays), so the figures read as ratios. PGlite by default; BENCH_DATABASE_URL (or
// TEST_DATABASE_URL) for PostgreSQL. Prints the median and 95th percentile of each.
//
//   node --import tsx bench/reports.ts [contacts in the year, default 1000000]
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/reports.ts
import { seedDatabase } from '../src/seed/generate.ts';
import { countMeccAdvice } from '../src/features/episodes/contacts.ts';
import { reportingPeriods } from '../src/domain/prescription-stats.ts';
import { londonDate } from '../src/domain/working-days.ts';
import { audit } from '../src/platform/audit.ts';
import { benchDatabase, benchRuns, timeCalls } from './direct.ts';
import { staffContextOf, staffMember } from '../test/support/episodes.ts';

const CONTACTS = Number(process.argv[2] ?? 1_000_000);
const EPISODES = 5_000;
const RUNS = benchRuns(20);

const { db, drop } = await benchDatabase();
try {
  const started = performance.now();
  await seedDatabase(db, { tenants: ['kent'], people: EPISODES + 1_000, seed: 'bench-reports' });
  const worker = await staffMember(db, 'navigator');
  // Episodes held by the tenant's strategic partners and delivery network, in turn.
  await db.query(
    `WITH orgs AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS total
                     FROM organisations WHERE tenant_id = 'kent' AND kind IN ('strategic_partner', 'delivery_provider')),
          chosen AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM people WHERE tenant_id = 'kent' ORDER BY id LIMIT $1)
     INSERT INTO episodes (tenant_id, person_id, organisation_id, worker_id, started_at)
     SELECT 'kent', c.id, o.id, NULL, now() - interval '400 days'
       FROM chosen c JOIN orgs o ON o.k = c.n % o.total`,
    [EPISODES],
  );
  // A year of contacts, a third of them with brief advice on one or two topics.
  await db.query(
    `WITH e AS (SELECT id, organisation_id, row_number() OVER (ORDER BY id) - 1 AS k FROM episodes WHERE tenant_id = 'kent')
     INSERT INTO episode_contacts (tenant_id, episode_id, organisation_id, contact_at, kind, duration_minutes, mecc, recorded_by)
     SELECT 'kent', e.id, e.organisation_id, now() - make_interval(mins => ((i::bigint * 7919) % 525600)::int), 'phone', 30,
            CASE i % 6 WHEN 0 THEN ARRAY['alcohol'] WHEN 1 THEN ARRAY['physical_activity', 'healthy_eating'] WHEN 2 THEN ARRAY['smoking'] ELSE '{}'::text[] END,
            $2
       FROM generate_series(0, $1 - 1) AS i JOIN e ON e.k = i % $3`,
    [CONTACTS, worker.id, EPISODES],
  );
  // As the live database would be: autovacuum on PostgreSQL, the daily job on PGlite.
  await db.query('VACUUM (ANALYZE) episode_contacts');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`${db.kind}: ${CONTACTS.toLocaleString('en-GB')} contacts over a year in ${EPISODES.toLocaleString('en-GB')} episodes, ready in ${seconds} s`);

  const admin = await staffContextOf(db, 'admin');
  const commissioner = await staffContextOf(db, 'commissioner');
  const quarter = reportingPeriods(londonDate(new Date()))[2]!; // the last whole quarter
  const floor = () => admin.db.transaction((tx) => audit(tx, admin, { action: 'report.bench', recordType: 'report', recordId: 'floor', outcome: 'success', basis: 'aggregate report' }));
  const scenarios: [string, () => Promise<unknown>][] = [
    ['the floor: a transaction and an audit row', floor],
    ['last 3 months, administrator (exact)', () => countMeccAdvice(admin, {})],
    ['last 3 months, commissioner (rounded)', () => countMeccAdvice(commissioner, {})],
    [`${quarter.label}, commissioner`, () => countMeccAdvice(commissioner, { period: quarter.key })],
  ];
  console.log(`| scenario (${CONTACTS.toLocaleString('en-GB')} contacts a year) | contacts counted | median ms | p95 ms | x the floor |`);
  console.log('|---|---|---|---|---|');
  let floorMedian = 0;
  for (const [name, call] of scenarios) {
    const { result, median, p95 } = await timeCalls(call, RUNS);
    floorMedian ||= median;
    const counted = typeof result === 'object' && result && 'contacts' in result ? (result.contacts as number).toLocaleString('en-GB') : '-';
    console.log(`| ${name} | ${counted} | ${median.toFixed(1)} | ${p95.toFixed(1)} | ${(median / floorMedian).toFixed(0)} |`);
  }
} finally {
  await drop();
}
