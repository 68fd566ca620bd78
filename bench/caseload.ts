// How fast the caseload is: a navigator's own 40 people, and a team lead's view of a 5,000-person
// organisation (each sort, and the filters), called directly through the service as the page
// does (counts, the page of rows, the audit row), on PGlite and, with BENCH_DATABASE_URL (or
// TEST_DATABASE_URL), on PostgreSQL. Prints the median and 95th percentile of each.
//
//   node --import tsx bench/caseload.ts
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/caseload.ts
import { seedDatabase } from '../src/seed/generate.ts';
import { caseload, caseloadQueryFrom } from '../src/features/episodes/caseload.ts';
import { benchDatabase, benchRuns, timeCalls } from './direct.ts';
import { staffContextOf, staffMember } from '../test/support/episodes.ts';

const ORGANISATION_PEOPLE = 5_000;
const OWN_PEOPLE = 40;
const RUNS = benchRuns(30);

const { db, drop } = await benchDatabase();
try {
  const started = performance.now();
  await seedDatabase(db, { tenants: ['kent'], people: ORGANISATION_PEOPLE + 1_000, seed: 'bench-caseload' });
  const own = await staffMember(db, 'navigator3');
  const lead = await staffMember(db, 'navigator');
  // 5,000 open episodes in the organisation: 40 with navigator3, the rest with the lead or no
  // one; reviews, follow-ups and last contacts spread over three months either side of today;
  // one in six with risk flags.
  await db.query(
    `WITH chosen AS (
       SELECT id, row_number() OVER (ORDER BY id) AS n FROM people WHERE tenant_id = 'kent' ORDER BY id LIMIT $1)
     INSERT INTO episodes (tenant_id, person_id, organisation_id, worker_id, started_at)
     SELECT 'kent', id, $2, CASE WHEN n <= $3 THEN $4::uuid WHEN n % 10 = 0 THEN NULL ELSE $5::uuid END,
            now() - make_interval(days => (n % 200)::int + 1)
       FROM chosen`,
    [ORGANISATION_PEOPLE, own.organisationId, OWN_PEOPLE, own.id, lead.id],
  );
  await db.query(
    `INSERT INTO episode_summaries (tenant_id, episode_id, plan_review_on, goal_review_on, step_due_on, last_contact_at)
     SELECT e.tenant_id, e.id,
            CASE WHEN r % 3 = 0 THEN NULL ELSE current_date + (r % 90 - 30)::int END,
            CASE WHEN r % 4 = 0 THEN NULL ELSE current_date + (r % 60 - 10)::int END,
            CASE WHEN r % 5 = 0 THEN NULL ELSE current_date + (r % 40 - 5)::int END,
            CASE WHEN r % 7 = 0 THEN NULL ELSE now() - make_interval(days => (r % 45)::int) END
       FROM (SELECT tenant_id, id, abs(hashtext(id::text)) AS r FROM episodes WHERE tenant_id = 'kent') e`,
  );
  await db.query(
    `INSERT INTO person_risks (tenant_id, person_id, flags, summary)
     SELECT tenant_id, person_id, CASE WHEN abs(hashtext(id::text)) % 2 = 0 THEN ARRAY['self_harm'] ELSE ARRAY['lone_working', 'substance_use'] END, 'Bench'
       FROM episodes WHERE tenant_id = 'kent' AND abs(hashtext(person_id::text)) % 6 = 0`,
  );
  await db.query('ANALYZE');
  console.log(`${db.kind}: ${ORGANISATION_PEOPLE.toLocaleString('en-GB')} open episodes ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const ownCtx = await staffContextOf(db, 'navigator3');
  const leadCtx = await staffContextOf(db, 'navigator');
  const scenarios: [string, typeof ownCtx, Record<string, string>][] = [
    ['own 40, by name', ownCtx, {}],
    ['own 40, by last contact', ownCtx, { sort: 'last_contact' }],
    ['own 40, something overdue', ownCtx, { overdue: '1' }],
    ['team 5,000, by name, page 1', leadCtx, { team: '1' }],
    ['team 5,000, by name, page 60', leadCtx, { team: '1', page: '60' }],
    ['team 5,000, by last contact', leadCtx, { team: '1', sort: 'last_contact' }],
    ['team 5,000, by next review', leadCtx, { team: '1', sort: 'next_review' }],
    ['team 5,000, by risk', leadCtx, { team: '1', sort: 'risk' }],
    ['team 5,000, overdue + review this week', leadCtx, { team: '1', overdue: '1', review: 'week' }],
    ['team 5,000, one worker, risk any', leadCtx, { team: '1', worker: lead.id, risk: 'any' }],
  ];
  console.log('| scenario | rows | median ms | p95 ms |');
  console.log('|---|---|---|---|');
  for (const [name, ctx, params] of scenarios) {
    const query = caseloadQueryFrom(params);
    const { result, median, p95 } = await timeCalls(() => caseload(ctx, query), RUNS);
    console.log(`| ${name} | ${result.matching.toLocaleString('en-GB')} | ${median.toFixed(1)} | ${p95.toFixed(1)} |`);
  }
} finally {
  await drop();
}
