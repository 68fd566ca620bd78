// npm run bench: foundation benchmarks over real HTTP on loopback, each beside the machine's own
// limit (a route that does nothing) and beside the same database work done directly, so the
// figures read as ratios rather than lone times. Runs on PGlite and, when it is reachable, on
// PostgreSQL (BENCH_DATABASE_URL, default the local server).
import { fork } from 'node:child_process';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { DEMO_PASSWORD } from '../src/seed/generate.ts';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;
const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  driver: string;
  scenario: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
}

async function startServer(databaseUrl: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', BENCH_PEOPLE: String(PEOPLE) };
  delete env.TEST_DATABASE_URL;
  if (databaseUrl) env.TEST_DATABASE_URL = databaseUrl;
  const child = fork(new URL('./server.ts', import.meta.url), { execArgv: ['--import', 'tsx'], env, stdio: 'inherit' });
  const ready = await new Promise<{ port: number; seedSeconds: number; driver: string }>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; port: number; seedSeconds: number; driver: string }) => m.ready && resolve(m));
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { ...ready, stop: () => new Promise<void>((resolve) => { child.on('exit', () => resolve()); child.send({ stop: true }); }) };
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

async function load(base: string, paths: string[], cookie?: string): Promise<Omit<Row, 'driver' | 'scenario'>> {
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

/** The person page's own queries, run directly with the same concurrency, for comparison. */
async function direct(databaseUrl: string, ids: string[]): Promise<Omit<Row, 'driver' | 'scenario'>> {
  const url = await databaseOf(databaseUrl);
  const pool = new pg.Pool({ connectionString: url, max: CONNECTIONS });
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  let n = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < until) {
      const id = ids[n++ % ids.length];
      const t0 = performance.now();
      await pool.query(
        `SELECT p.*, a.name, o.name FROM people p LEFT JOIN areas a ON a.tenant_id = p.tenant_id AND a.id = p.area_id
           LEFT JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.responsible_organisation_id
          WHERE p.tenant_id = 'kent' AND p.id = $1`, [id]);
      latencies.push(performance.now() - t0);
    }
  }));
  await pool.end();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.floor(latencies.length * p)]! * 100) / 100;
  return { rps: latencies.length / SECONDS, p50: q(0.5), p95: q(0.95), p99: q(0.99), errors: 0 };
}

// The bench server made its own database; find it (the newest lantern_test_ database).
async function databaseOf(serverUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const { rows } = await client.query(`SELECT datname FROM pg_database WHERE datname LIKE 'lantern_test_%' ORDER BY oid DESC LIMIT 1`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${rows[0].datname}`;
  return url.toString();
}

async function personIds(base: string, cookie: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ids.length < 200; page++) {
    const html = await (await fetch(`${base}/people?page=${page * 37}`, { headers: { cookie } })).text();
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
const drivers: (string | undefined)[] = [undefined];
if (await postgresReachable()) drivers.push(POSTGRES);
else notes.push(`PostgreSQL at ${POSTGRES} was not reachable: PGlite only.`);

for (const databaseUrl of drivers) {
  const server = await startServer(databaseUrl);
  const base = `http://127.0.0.1:${server.port}`;
  notes.push(`${server.driver}: seeded ${PEOPLE.toLocaleString('en-GB')} people in ${server.seedSeconds.toFixed(1)} s`);
  const cookie = await signIn(base);
  const ids = await personIds(base, cookie);
  const run = async (scenario: string, paths: string[], withCookie: boolean) => {
    rows.push({ driver: server.driver, scenario, ...(await load(base, paths, withCookie ? cookie : undefined)) });
  };
  await run('do-nothing route (limit)', ['/bench/noop'], false);
  await run('GET /health (one query)', ['/health'], false);
  await run('GET /get-help-now (page render only)', ['/get-help-now'], false);
  await run('GET /people/:id (session, read, audit row)', ids.map((id) => `/people/${id}`), true);
  await run('GET /people?q= (search, count, audit row)', ['smi', 'pat', 'jon', 'kha', 'wil'].map((q) => `/people?q=${q}`), true);
  if (databaseUrl) rows.push({ driver: server.driver, scenario: 'person query alone, in the database', ...(await direct(databaseUrl, ids)) });
  await server.stop();
}

const limit = new Map(rows.filter((r) => r.scenario.startsWith('do-nothing')).map((r) => [r.driver, r.rps]));
const fmt = (n: number, d = 1) => n.toLocaleString('en-GB', { maximumFractionDigits: d, minimumFractionDigits: d });
console.log(`\nLantern foundation benchmark: ${PEOPLE.toLocaleString('en-GB')} people, ${CONNECTIONS} connections, ${SECONDS} s a scenario`);
console.log(`Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
const header = ['driver', 'scenario', 'req/s', 'x of limit', 'p50 ms', 'p97.5 ms', 'p99 ms', 'errors'];
const table = rows.map((r) => [r.driver, r.scenario, fmt(r.rps, 0), fmt(r.rps / (limit.get(r.driver) ?? r.rps), 3), fmt(r.p50, 2), fmt(r.p95, 2), fmt(r.p99, 2), String(r.errors)]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
for (const r of table) console.log(line(r));
console.log('');
for (const n of notes) console.log(`- ${n}`);
console.log('- "x of limit": throughput as a share of the do-nothing route on the same server, the ceiling for this machine and framework.');
console.log('- The load generator runs in this process and the hub in another; both share the 2 cores.');
