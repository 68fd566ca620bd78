// npm run bench [-- foundation | directory | api | triage]: benchmarks over real HTTP on loopback, each beside
// the machine's own limit (a route that does nothing) and beside the same work done directly
// against the database, so the figures read as ratios rather than lone times. Runs on PGlite
// and, when it is reachable, on PostgreSQL (BENCH_DATABASE_URL, default the local server).
import { fork } from 'node:child_process';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { postgresDatabase } from '../src/db/database.ts';
import { DEMO_PASSWORD } from '../src/seed/generate.ts';
import { readSearchInput, searchDirectory } from '../src/features/directory/search.ts';
import { loadDistrictTable } from '../src/platform/places.ts';
import { readQueueRequest, triageQueue } from '../src/features/referrals/triage/queue.ts';
import type { StaffContext } from '../src/platform/context.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SUITES = process.argv.slice(2).filter((a) => a === 'foundation' || a === 'directory' || a === 'api' || a === 'triage');
const suites = SUITES.length ? SUITES : ['foundation', 'directory', 'api', 'triage'];

interface Measure { rps: number; p50: number; p95: number; p99: number; errors: number }
interface Row extends Measure { suite: string; driver: string; scenario: string }

interface Server { port: number; driver: string; url?: string; peopleSeconds: number; listingsSeconds: number; referralsSeconds: number; apiKey: string; stop(): Promise<void> }

async function startServer(databaseUrl: string | undefined, env: Record<string, string>): Promise<Server> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', ...env };
  delete childEnv.TEST_DATABASE_URL;
  if (databaseUrl) childEnv.TEST_DATABASE_URL = databaseUrl;
  const child = fork(new URL('./server.ts', import.meta.url), { execArgv: ['--import', 'tsx'], env: childEnv, stdio: 'inherit' });
  const ready = await new Promise<Omit<Server, 'stop'>>((resolve, reject) => {
    child.on('message', (m: Omit<Server, 'stop'> & { ready?: boolean }) => m.ready && resolve(m));
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { ...ready, stop: () => new Promise<void>((resolve) => { child.on('exit', () => resolve()); child.send({ stop: true }); }) };
}

async function load(base: string, paths: string[], cookie?: string): Promise<Measure> {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: cookie ? { cookie } : {},
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[i++ % paths.length]! }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p95: result.latency.p97_5, // autocannon reports 97.5, not 95: the stricter figure
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

type Call = Pick<autocannon.Request, 'method' | 'path' | 'headers' | 'body'>;

/** Like load(), for requests that differ in more than their path (method, headers, body). */
async function loadCalls(base: string, next: (i: number) => Call): Promise<Measure> {
  let i = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, ...next(i++) }) }],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p95: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

/** Runs `work` from CONNECTIONS concurrent loops for SECONDS, timing each call. */
async function direct(work: (i: number) => Promise<unknown>): Promise<Measure> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < until) {
      const t0 = performance.now();
      await work(n++);
      latencies.push(performance.now() - t0);
    }
  }));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.floor(latencies.length * p)]! * 100) / 100;
  return { rps: latencies.length / SECONDS, p50: q(0.5), p95: q(0.975), p99: q(0.99), errors: 0 };
}

async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/sign-in`);
  const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email: 'triage@kent.demo.lantern.test', password: DEMO_PASSWORD, returnTo: '/' }),
  });
  const session = response.headers.getSetCookie().find((c) => c.startsWith('lantern_session='));
  if (!session) throw new Error(`bench sign-in failed: ${response.status}`);
  return session.split(';')[0]!;
}

async function personIds(base: string, cookie: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ids.length < 200 && page < 50; page++) {
    const html = await (await fetch(`${base}/people?page=${page}`, { headers: { cookie } })).text();
    const found = [...html.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    if (found.length === 0) break;
    ids.push(...found);
  }
  return ids;
}

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const rows: Row[] = [];
const notes: string[] = [];
// Other work on the machine slows every row alike; the load says how busy it was.
const loadAtStart = os.loadavg()[0]!;
const drivers: (string | undefined)[] = [undefined];
if (await postgresReachable()) drivers.push(POSTGRES);
else notes.push(`PostgreSQL at ${POSTGRES} was not reachable: PGlite only.`);

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const LISTINGS = Number(process.env.BENCH_LISTINGS ?? 50_000);

async function foundation(databaseUrl: string | undefined): Promise<void> {
  const server = await startServer(databaseUrl, { BENCH_PEOPLE: String(PEOPLE), BENCH_LISTINGS: '0' });
  const base = `http://127.0.0.1:${server.port}`;
  notes.push(`foundation, ${server.driver}: seeded ${PEOPLE.toLocaleString('en-GB')} people in ${server.peopleSeconds.toFixed(1)} s`);
  const cookie = await signIn(base);
  const ids = await personIds(base, cookie);
  const run = async (scenario: string, paths: string[], withCookie: boolean) => {
    rows.push({ suite: `foundation (${PEOPLE.toLocaleString('en-GB')} people)`, driver: server.driver, scenario, ...(await load(base, paths, withCookie ? cookie : undefined)) });
  };
  await run('do-nothing route (limit)', ['/bench/noop'], false);
  await run('GET /health (one query)', ['/health'], false);
  await run('GET /get-help-now (page render)', ['/get-help-now'], false);
  await run('GET /people/:id (session, read, audit row)', ids.map((id) => `/people/${id}`), true);
  await run('GET /people?q= (search, count, audit row)', ['smi', 'pat', 'jon', 'kha', 'wil'].map((q) => `/people?q=${q}`), true);
  if (server.url) {
    const pool = new pg.Pool({ connectionString: server.url, max: CONNECTIONS });
    rows.push({
      suite: `foundation (${PEOPLE.toLocaleString('en-GB')} people)`, driver: server.driver, scenario: 'person query alone, in the database',
      ...(await direct((i) => pool.query(
        `SELECT p.*, a.name, o.name FROM people p LEFT JOIN areas a ON a.tenant_id = p.tenant_id AND a.id = p.area_id
           LEFT JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.responsible_organisation_id
          WHERE p.tenant_id = 'kent' AND p.id = $1`, [ids[i % ids.length]]))),
    });
    await pool.end();
  }
  await server.stop();
}

/** Searches as people make them: a need or a misspelling, a place in England, 10 miles, a filter. */
function directorySearches(): Record<string, string>[] {
  const words = ['counselling', 'debt advice', 'walking', 'singing', 'lonely', 'councelling', 'anxiety', 'gardening', 'carers', 'employment'];
  const filters: Record<string, string>[] = [{}, { free: 'yes' }, { self: 'yes' }, { channel: 'in_person' }, { free: 'yes', self: 'yes' }];
  const districts = [...loadDistrictTable().values()].filter((d) => d.country === 'England');
  return Array.from({ length: 400 }, (_, i) => ({
    q: words[i % words.length]!,
    place: districts[(i * 7919) % districts.length]!.district,
    within: '10',
    ...filters[i % filters.length],
  }));
}

async function directory(databaseUrl: string | undefined): Promise<void> {
  const server = await startServer(databaseUrl, { BENCH_PEOPLE: '0', BENCH_LISTINGS: String(LISTINGS) });
  const base = `http://127.0.0.1:${server.port}`;
  const suite = `directory (${LISTINGS.toLocaleString('en-GB')} listings)`;
  notes.push(`directory, ${server.driver}: seeded ${LISTINGS.toLocaleString('en-GB')} synthetic listings in ${server.listingsSeconds.toFixed(1)} s`);
  const searches = directorySearches();
  const run = async (scenario: string, paths: string[]) => {
    rows.push({ suite, driver: server.driver, scenario, ...(await load(base, paths)) });
  };
  await run('do-nothing route (limit)', ['/bench/noop']);
  await run('GET /services: words + place + 10 miles + filter (HTML)', searches.map((s) => `/services?${new URLSearchParams(s)}`));
  await run('GET /services: words only (HTML)', searches.map((s) => `/services?${new URLSearchParams({ q: s.q! })}`));
  if (server.url) {
    const db = postgresDatabase(server.url, { max: CONNECTIONS });
    rows.push({
      suite, driver: server.driver, scenario: 'the same search alone, in the database',
      ...(await direct((i) => searchDirectory(db, 'kent', readSearchInput(searches[i % searches.length]!).input))),
    });
    await db.close();
  }
  await server.stop();
}

const GIVEN = ['Olivia', 'Mohammed', 'Amelia', 'Jack', 'Priya', 'Tomasz', 'Grace', 'Kwame', 'Sophie', 'Daniel'];
const FAMILY = ['Smith', 'Khan', 'Jones', 'Patel', 'Williams', 'Nowak', 'Brown', 'Mensah', 'Taylor', 'Davies'];
const DISTRICTS = ['DA1', 'ME4', 'CT9', 'TN1', 'ME10', 'CT1', 'DA11', 'ME15'];

/** A partner's referral for a made-up person: names and dates of birth vary, so some look like people already known. */
function apiReferral(i: number): string {
  const year = 1945 + (i % 60);
  const month = 1 + (Math.floor(i / 60) % 12);
  const day = 1 + (Math.floor(i / 720) % 28);
  return JSON.stringify({
    person: {
      givenName: GIVEN[i % GIVEN.length], familyName: FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length],
      dateOfBirth: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      postcode: `${DISTRICTS[i % DISTRICTS.length]} 1AA`, phone: `07700 900${String(i % 1000).padStart(3, '0')}`,
    },
    contactPreferences: { call: true, voicemail: false, text: true, email: false, letter: false, times: 'Mornings', notes: '' },
    consent: { personAgrees: true, gpShare: true },
    reason: 'Low mood and anxiety for several months; finding it hard to leave the house.',
    needs: ['lantern-needs:depression', 'lantern-needs:anxiety'],
    urgency: i % 10 === 0 ? 'urgent' : 'routine',
    crisis: false,
    referrer: { name: 'Dr Alex Morgan', role: 'GP', email: 'alex.morgan@example.org' },
  });
}

async function api(databaseUrl: string | undefined): Promise<void> {
  const server = await startServer(databaseUrl, { BENCH_PEOPLE: String(PEOPLE), BENCH_LISTINGS: '0' });
  const base = `http://127.0.0.1:${server.port}`;
  const suite = `api (${PEOPLE.toLocaleString('en-GB')} people)`;
  notes.push(`api, ${server.driver}: seeded ${PEOPLE.toLocaleString('en-GB')} people in ${server.peopleSeconds.toFixed(1)} s; each new referral is matched against them`);
  const auth = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
  const run = `${process.pid}-${Date.now()}`;
  rows.push({ suite, driver: server.driver, scenario: 'do-nothing route (limit)', ...(await load(base, ['/bench/noop'])) });
  const submitted = await loadCalls(base, (i) => ({
    method: 'POST', path: '/api/v1/referrals', headers: { ...auth, 'idempotency-key': `${run}-${i}` }, body: apiReferral(i),
  }));
  rows.push({ suite, driver: server.driver, scenario: 'POST /api/v1/referrals: a new referral each (match, clock, acknowledgement, audit)', ...submitted });

  // The same referral sent again and again: what a partner's retries cost.
  const retried = apiReferral(1);
  const first = await fetch(`${base}/api/v1/referrals`, { method: 'POST', headers: { ...auth, 'idempotency-key': `${run}-retried` }, body: retried });
  if (first.status !== 201) throw new Error(`bench: the first referral was refused with ${first.status}`);
  rows.push({
    suite, driver: server.driver, scenario: 'POST /api/v1/referrals: the same one again (idempotent replay)',
    ...(await loadCalls(base, () => ({ method: 'POST', path: '/api/v1/referrals', headers: { ...auth, 'idempotency-key': `${run}-retried` }, body: retried }))),
  });

  const page = await (await fetch(`${base}/api/v1/referrals?limit=100`, { headers: auth })).json() as { data: { reference: string }[] };
  const references = page.data.map((r) => r.reference);
  rows.push({
    suite, driver: server.driver, scenario: 'GET /api/v1/referrals/:reference (key, read, audit row)',
    ...(await loadCalls(base, (i) => ({ method: 'GET', path: `/api/v1/referrals/${references[i % references.length]}`, headers: { authorization: auth.authorization } }))),
  });
  await server.stop();
}

const OPEN_REFERRALS = Number(process.env.BENCH_OPEN_REFERRALS ?? 100_000);
const TRIAGE_PEOPLE = Number(process.env.BENCH_TRIAGE_PEOPLE ?? 20_000);

/** Links a triage worker follows: the filters, each area, and bookmarks down to the 40th page. */
async function queuePaths(base: string, cookie: string): Promise<{ filters: string[]; deep: string[] }> {
  const top = await (await fetch(`${base}/triage`, { headers: { cookie } })).text();
  const areas = [...top.matchAll(/<option value="([0-9a-f-]{36})"/g)].map((m) => m[1]!);
  const filters = ['/triage?urgency=crisis', '/triage?urgency=urgent', '/triage?overdue=yes', '/triage?match=yes', '/triage?urgency=routine&overdue=yes', ...areas.map((a) => `/triage?area=${a}`)];
  const deep: string[] = [];
  let html = top;
  for (let page = 0; page < 40; page++) {
    const next = /href="([^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    if (!next) break;
    deep.push(next);
    html = await (await fetch(`${base}${next}`, { headers: { cookie } })).text();
  }
  return { filters, deep };
}

async function triage(databaseUrl: string | undefined): Promise<void> {
  const server = await startServer(databaseUrl, { BENCH_PEOPLE: String(TRIAGE_PEOPLE), BENCH_LISTINGS: '0', BENCH_OPEN_REFERRALS: String(OPEN_REFERRALS) });
  const base = `http://127.0.0.1:${server.port}`;
  const suite = `triage (${OPEN_REFERRALS.toLocaleString('en-GB')} open referrals)`;
  notes.push(`triage, ${server.driver}: seeded ${OPEN_REFERRALS.toLocaleString('en-GB')} referrals, all waiting for triage, from ${TRIAGE_PEOPLE.toLocaleString('en-GB')} people in ${server.referralsSeconds.toFixed(1)} s`);
  const cookie = await signIn(base);
  const { filters, deep } = await queuePaths(base, cookie);
  if (deep.length < 40) throw new Error(`the triage queue had only ${deep.length + 1} pages`);
  const run = async (scenario: string, paths: string[], withCookie: boolean) => {
    rows.push({ suite, driver: server.driver, scenario, ...(await load(base, paths, withCookie ? cookie : undefined)) });
  };
  await run('do-nothing route (limit)', ['/bench/noop'], false);
  await run('GET /triage: top of the queue (HTML, session, counts, audit row)', ['/triage'], true);
  await run('GET /triage: filters, and pages 2 to 41 (HTML)', [...filters, ...deep], true);
  await run('the queue’s queries alone: page, counts, audit row (no session, no HTML)', ['/bench/triage-queue', ...filters.map((f) => f.replace('/triage', '/bench/triage-queue'))], false);
  if (server.url) {
    const db = postgresDatabase(server.url, { max: CONNECTIONS });
    const { rows: [u] } = await db.query<{ id: string; organisation_id: string; name: string; email: string }>(
      "SELECT id, organisation_id, name, email FROM staff_users WHERE email = 'triage@kent.demo.lantern.test'",
    );
    const ctx = (i: number): StaffContext => ({
      db, requestId: `bench-${i}`, ip: '127.0.0.1',
      actor: { userId: u!.id, tenantId: 'kent', organisationId: u!.organisation_id, role: 'triage', name: u!.name, email: u!.email, sessionHash: '', mustChangePassword: false, teamLead: false },
    });
    const requests = ['/triage', ...filters].map((p) => readQueueRequest(Object.fromEntries(new URL(p, base).searchParams)));
    rows.push({
      suite, driver: server.driver, scenario: 'the same queries alone, in the database',
      ...(await direct((i) => triageQueue(ctx(i), requests[i % requests.length]!))),
    });
    await db.close();
  }
  await server.stop();
}

for (const databaseUrl of drivers) {
  if (suites.includes('foundation')) await foundation(databaseUrl);
  if (suites.includes('directory')) await directory(databaseUrl);
  if (suites.includes('api')) await api(databaseUrl);
  if (suites.includes('triage')) await triage(databaseUrl);
}

const limits = new Map(rows.filter((r) => r.scenario.startsWith('do-nothing')).map((r) => [`${r.suite}/${r.driver}`, r.rps]));
const fmt = (n: number, d = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\nLantern benchmarks: ${CONNECTIONS} connections, ${SECONDS} s a scenario`);
console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end\n`);
const header = ['suite', 'driver', 'scenario', 'req/s', 'x of limit', 'p50 ms', 'p97.5 ms', 'p99 ms', 'errors'];
const table = rows.map((r) => [r.suite, r.driver, r.scenario, fmt(r.rps, 0), fmt(r.rps / (limits.get(`${r.suite}/${r.driver}`) ?? r.rps), 3), fmt(r.p50, 2), fmt(r.p95, 2), fmt(r.p99, 2), String(r.errors)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i < 3 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const r of table) console.log(line(r));
console.log('');
for (const n of notes) console.log(`- ${n}`);
console.log('- "x of limit": throughput as a share of the do-nothing route on the same server: the ceiling for this machine and framework.');
console.log('- "alone, in the database": the same work called directly from this process over a connection pool, without HTTP or HTML.');
console.log('- The load generator runs in this process and the hub in another; both share the machine\'s cores.');
