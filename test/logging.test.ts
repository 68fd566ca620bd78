// Logs carry the request id on every line and nothing that identifies a person: no cookies,
// no passwords, no search terms (which are often names).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../src/app.ts';
import { testConfig } from '../src/config.ts';
import { seedDatabase } from '../src/seed/generate.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { DEMO_PASSWORD, demoEmail, TestClient } from './support/app.ts';

let database: TestDatabase;
const lines: Record<string, unknown>[] = [];
let client: TestClient;
let close: () => Promise<void>;

before(async () => {
  database = await freshDatabase();
  await seedDatabase(database.db, { tenants: ['kent'], people: 5, seed: 'logs' });
  const app = await createApp({
    config: testConfig({ logLevel: 'info' }),
    db: database.db,
    logStream: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  await app.ready();
  client = new TestClient(app);
  close = async () => {
    await app.close();
    await database.drop();
  };
});
after(() => close());

test('request logs have the request id and no cookies, passwords or search terms', async () => {
  await client.submit('/sign-in', { email: demoEmail('triage'), password: DEMO_PASSWORD });
  const search = await client.get('/people?q=Featherstonehaugh');
  const all = JSON.stringify(lines);
  assert.ok(lines.length > 0, 'something was logged');
  assert.ok(all.includes(String(search.headers['x-request-id'])), 'the request id is logged');
  for (const line of lines.filter((l) => l.req || l.res)) assert.ok(line.reqId, 'every request line has its id');
  assert.doesNotMatch(all, /Featherstonehaugh/);
  assert.doesNotMatch(all, new RegExp(DEMO_PASSWORD));
  assert.doesNotMatch(all, /lantern_session=/);
  assert.match(all, /"path":"\/people"/);
});
