// Brakes on floods: one address cannot post the public referral form (or one partner key call the
// API) without limit; the one who hits the brake is told in plain words when to try again and
// where to get help now, and everyone else is unaffected.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { issueApiKey } from '../src/features/referrals/api/keys.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ people: 5, config: { rateLimits: { publicFormPosts: 3, apiCalls: 2 } } });
});
after(() => t.close());

describe('rate limits', () => {
  test('the public form: the 4th post in 10 minutes from one address is paused, with when to try again and where to get help now', async () => {
    const flood = t.client('203.0.113.7');
    const start = await flood.get('/refer');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(start.body)![1]!;
    for (let i = 1; i <= 3; i++) assert.notEqual((await flood.post('/refer/start', { _csrf: csrf })).statusCode, 429, `post ${i}`);
    const paused = await flood.post('/refer/start', { _csrf: csrf });
    assert.equal(paused.statusCode, 429);
    assert.ok(Number(paused.headers['retry-after']) > 0);
    assert.match(paused.body, /paused this to keep the service safe\. Try again in 10 minutes/);
    assert.match(paused.body, /call NHS 111 and choose option 2/);
    assert.match(paused.body, /href="\/get-help-now"/, 'Get help now is still on the page');

    const someoneElse = t.client('198.51.100.20');
    const page = await someoneElse.get('/refer');
    const theirs = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    assert.notEqual((await someoneElse.post('/refer/start', { _csrf: theirs })).statusCode, 429);
  });

  test('the partner API: per key, in JSON, with Retry-After', async () => {
    const { rows } = await t.db.query<{ id: string }>("SELECT id FROM organisations WHERE tenant_id = 'kent' AND kind = 'gp_practice' ORDER BY name LIMIT 2");
    const [a, b] = await Promise.all(rows.map((r, i) => issueApiKey(t.db, { tenantId: 'kent', organisationId: r.id, name: `key ${i}`, createdBy: null })));
    const call = (key: string) => t.app.inject({ method: 'GET', url: '/api/v1/referrals', headers: { authorization: `Bearer ${key}` } });
    assert.equal((await call(a!.key)).statusCode, 200);
    assert.equal((await call(a!.key)).statusCode, 200);
    const paused = await call(a!.key);
    assert.equal(paused.statusCode, 429);
    assert.equal(paused.json().error.code, 'rate_limited');
    assert.ok(Number(paused.headers['retry-after']) > 0);
    assert.equal((await call(b!.key)).statusCode, 200, 'another partner’s key is not slowed');
  });
});
