// npm test: every test file (unit tests beside the code in src/, integration tests in test/,
// browser tests in e2e/) in one run of Node's test runner, so the closing summary counts them all.
//   npm test                      all suites on the embedded database (PGlite)
//   TEST_DATABASE_URL=... npm test   integration suites on PostgreSQL instead
//   npm test -- unit integration     only the named suites
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SUITES = { unit: 'src', integration: 'test', e2e: 'e2e' };
const asked = process.argv.slice(2).filter((a) => a in SUITES);
const suites = asked.length ? asked : Object.keys(SUITES);

function testFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
    .map((f) => path.join(dir, f))
    .sort();
}

const files = suites.flatMap((s) => testFiles(SUITES[s]));
if (files.length === 0) {
  console.error(`No test files found for: ${suites.join(', ')}`);
  process.exit(1);
}
console.log(`Running ${files.length} test files (${suites.join(', ')}) on ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
