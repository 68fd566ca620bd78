// API keys as an administrator manages them: made for an organisation and shown once, stored
// only as a fingerprint, listed with when each was last used, revoked with effect from the very
// next request, each step audited, and no reach into another tenant's keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';
import { ApiCaller } from './support/api.ts';

let t: TestApp;
let admin: TestClient;
let kentPolice: string;
let kentGp: string;

before(async () => {
  t = await startTestApp({ people: 0 });
  admin = await t.signedIn(demoEmail('admin'));
  const org = async (name: string) => (await t.db.query<{ id: string }>("SELECT id FROM organisations WHERE tenant_id = 'kent' AND name = $1", [name])).rows[0]!.id;
  kentPolice = await org('Kent Police');
  kentGp = await org('Riverside Surgery (demo)');
});
after(() => t.close());

const KEY = /<code class="lantern-wrap-anywhere" data-testid="api-key">(lantern_live_[A-Za-z0-9_-]{43})<\/code>/;

async function makeKey(organisation: string, name: string): Promise<{ key: string; id: string }> {
  const response = await admin.submit('/admin/api-keys/new', { organisation, name });
  assert.equal(response.statusCode, 200, response.body.slice(0, 500));
  const key = KEY.exec(response.body)?.[1];
  assert.ok(key, 'the key is on the page');
  const { rows } = await t.db.query<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = $1', [crypto.createHash('sha256').update(key).digest('hex')]);
  return { key, id: rows[0]!.id };
}

describe('API keys for administrators', () => {
  test('only administrators reach the pages; the navigation has them', async () => {
    const page = await admin.get('/admin/api-keys');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /class="nhsuk-header__navigation-link" href="\/admin\/api-keys"[^>]*>(<strong[^>]*>)?API keys/);
    assert.match(page.body, /There are no keys yet\./);
    for (const role of ['triage', 'navigator', 'provider', 'commissioner', 'referrer']) {
      const other = await t.signedIn(demoEmail(role));
      assert.equal((await other.get('/admin/api-keys')).statusCode, 403, role);
      assert.equal((await other.get('/admin/api-keys/new')).statusCode, 403, role);
    }
    const anonymous = await t.client().get('/admin/api-keys');
    assert.equal(anonymous.statusCode, 303);
    assert.match(String(anonymous.headers.location), /^\/sign-in/);
  });

  test('a key is shown once, stored only as its SHA-256 and first characters, and works at once', async () => {
    const { key, id } = await makeKey(kentPolice, 'Niche RMS');
    const { rows } = await t.db.query<{ row: string; prefix: string; key_hash: string; created_by: string }>(
      'SELECT row_to_json(k)::text AS row, prefix, key_hash, created_by FROM api_keys k WHERE id = $1', [id],
    );
    const stored = rows[0]!;
    assert.equal(stored.key_hash, crypto.createHash('sha256').update(key).digest('hex'));
    assert.equal(stored.prefix, key.slice(0, 19));
    assert.ok(!stored.row.includes(key.slice(19)), 'the secret part of the key is not stored');
    const audits = await t.db.query<{ detail: Record<string, string>; actor_role: string; outcome: string }>(
      "SELECT detail, actor_role, outcome FROM audit_events WHERE action = 'api_key_created' AND record_id = $1", [id],
    );
    assert.equal(audits.rows.length, 1);
    assert.deepEqual(audits.rows[0]!.detail, { organisationId: kentPolice, name: 'Niche RMS', prefix: stored.prefix });
    assert.ok(!JSON.stringify(audits.rows).includes(key.slice(19)));

    const list = await admin.get('/admin/api-keys');
    assert.ok(!list.body.includes(key), 'the list never shows the whole key');
    assert.match(list.body, new RegExp(`${stored.prefix}…`));
    assert.match(list.body, /Kent Police<br><span class="nhsuk-body-s nhsuk-u-secondary-text-color">Counts as: Police<\/span>/);
    assert.match(list.body, /Niche RMS[\s\S]*Never/);

    assert.equal((await new ApiCaller(t, key).get('/api/v1/referrals')).status, 200);
    assert.doesNotMatch((await admin.get('/admin/api-keys')).body, /Niche RMS<\/td>[\s\S]{0,400}Never/, 'last used is shown once the key is used');
  });

  test('the form says what is missing; a working key’s name is not used twice for one organisation', async () => {
    const empty = await admin.submit('/admin/api-keys/new', { organisation: '', name: '  ' });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [
      '#organisation: Select the organisation whose system will send referrals',
      '#name: Enter a name for the key, like the system that will use it',
    ]);
    const kingstonOrg = (await t.db.query<{ id: string }>("SELECT id FROM organisations WHERE tenant_id = 'kingston' LIMIT 1")).rows[0]!.id;
    const otherTenant = await admin.submit('/admin/api-keys/new', { organisation: kingstonOrg, name: 'Sneaky' });
    assert.deepEqual(errorSummary(otherTenant.body), ['#organisation: Select the organisation whose system will send referrals']);
    const long = await admin.submit('/admin/api-keys/new', { organisation: kentGp, name: 'x'.repeat(101) });
    assert.deepEqual(errorSummary(long.body), ['#name: The key’s name must be 100 characters or fewer']);
    assert.match(long.body, /value="x{101}"/, 'what was typed is kept');

    await makeKey(kentGp, 'EMIS Web');
    const twice = await admin.submit('/admin/api-keys/new', { organisation: kentGp, name: 'emis  web' });
    assert.equal(twice.statusCode, 400);
    assert.deepEqual(errorSummary(twice.body), ['#name: This organisation already has a working key with this name. Give the new key a different name']);
    assert.equal((await admin.submit('/admin/api-keys/new', { organisation: kentPolice, name: 'EMIS Web' })).statusCode, 200, 'another organisation may use the name');
  });

  test('revoking asks first, then refuses the key from the next request; the change is audited once', async () => {
    const { key, id } = await makeKey(kentGp, 'Old system');
    const caller = new ApiCaller(t, key);
    assert.equal((await caller.get('/api/v1/referrals')).status, 200);

    const confirm = await admin.get(`/admin/api-keys/${id}/revoke`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /The system using this key will stop working/);
    const revoked = await admin.submit(`/admin/api-keys/${id}/revoke`, {});
    assert.equal(revoked.statusCode, 303);
    assert.equal(revoked.headers.location, `/admin/api-keys?revoked=${id}`);
    const list = await admin.get(String(revoked.headers.location));
    assert.match(list.body, /Key “Old system” for Riverside Surgery \(demo\) revoked\. Requests made with it are refused from now on\./);
    assert.match(list.body, /<strong class="nhsuk-tag nhsuk-tag--grey">\s*Revoked\s*<\/strong>/);

    const refused = await caller.get('/api/v1/referrals');
    assert.equal(refused.status, 401);
    assert.match(refused.body.error.message, /revoked/);

    const again = await admin.get(`/admin/api-keys/${id}/revoke`);
    assert.match(again.body, /This key was revoked on/);
    assert.doesNotMatch(again.body, /Revoke key<\/button>/);
    const token = /name="_csrf" value="([^"]+)"/.exec((await admin.get('/admin/api-keys/new')).body)![1]!;
    assert.equal((await admin.post(`/admin/api-keys/${id}/revoke`, { _csrf: token })).statusCode, 303, 'revoking again is harmless');
    const audits = await t.db.query<{ actor_role: string }>("SELECT actor_role FROM audit_events WHERE action = 'api_key_revoked' AND record_id = $1", [id]);
    assert.deepEqual(audits.rows.map((r) => r.actor_role), ['admin']);

    const name = await makeKey(kentGp, 'Old system');
    assert.ok(name.key, 'a revoked key’s name may be used again');
  });

  test('another tenant’s administrator cannot see or revoke a key; posting without the form’s token is refused', async () => {
    const { key, id } = await makeKey(kentPolice, 'Cross-tenant check');
    const kingstonAdmin = await t.signedIn(demoEmail('admin', 'kingston'));
    assert.doesNotMatch((await kingstonAdmin.get('/admin/api-keys')).body, /Cross-tenant check/);
    assert.equal((await kingstonAdmin.get(`/admin/api-keys/${id}/revoke`)).statusCode, 404);
    const page = await kingstonAdmin.get('/admin/api-keys/new');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    assert.equal((await kingstonAdmin.post(`/admin/api-keys/${id}/revoke`, { _csrf: token })).statusCode, 404);
    assert.equal((await admin.post(`/admin/api-keys/${id}/revoke`, {})).statusCode, 403, 'no CSRF token');
    assert.equal((await new ApiCaller(t, key).get('/api/v1/referrals')).status, 200, 'the key still works');
    assert.equal((await admin.get('/admin/api-keys/not-a-key/revoke')).statusCode, 404);
  });
});
