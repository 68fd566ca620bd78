// "Report a problem with this page": anyone, without signing in, about a published listing of the
// public tenant; the report waits in the administrators' moderation area until resolved.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ListingInput } from '../src/features/directory/listing.ts';
import { saveListing } from '../src/features/directory/store.ts';
import { emptyListing } from '../src/features/directory/manage/edit.ts';
import { demoEmail, errorSummary, startTestApp, type TestApp, type TestClient } from './support/app.ts';

let t: TestApp;

function listing(id: string, tenant: string, overrides: Partial<ListingInput> = {}): ListingInput {
  return { ...emptyListing(tenant, id, null), organisationName: 'Somewhere (demo)', name: `Service ${id}`, summary: 'Help.', published: true, channels: ['phone'], ...overrides };
}

before(async () => {
  t = await startTestApp({ people: 0, config: { publicTenant: 'kent', tenantHosts: { 'kingston.example.org': 'kingston' } } });
  await t.db.transaction(async (tx) => {
    await saveListing(tx, listing('report-kent', 'kent'));
    await saveListing(tx, listing('report-draft', 'kent', { published: false }));
    await saveListing(tx, listing('report-kingston', 'kingston'));
  });
});
after(() => t.close());

async function reports(id: string) {
  const { rows } = await t.db.query<{ id: string; message: string; reporter_email: string | null; status: string; resolution_note: string | null; tenant_id: string }>(
    'SELECT id, tenant_id, message, reporter_email, status, resolution_note FROM directory_reports WHERE service_id = $1 ORDER BY created_at',
    [id],
  );
  return rows;
}

describe('reporting a problem', () => {
  const page = '/services/report-kent/report-a-problem';

  test('the form needs no sign-in', async () => {
    const response = await t.client().get(page);
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Report a problem with this page/);
    assert.match(response.body, /Service report-kent/);
  });

  test('only a published listing of this site’s tenant can be reported (404 otherwise)', async () => {
    const visitor = t.client();
    for (const id of ['report-draft', 'report-kingston', 'no-such-service']) {
      assert.equal((await visitor.get(`/services/${id}/report-a-problem`)).statusCode, 404, id);
    }
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await visitor.get(page)).body)![1]!;
    const posted = await visitor.post('/services/report-kingston/report-a-problem', { _csrf: csrf, message: 'Wrong' });
    assert.equal(posted.statusCode, 404);
    assert.equal((await reports('report-kingston')).length, 0);
  });

  test('on another tenant’s site, that tenant’s listings can be reported', async () => {
    const opened = await t.app.inject({ method: 'GET', url: '/services/report-kingston/report-a-problem', headers: { host: 'kingston.example.org' } });
    assert.equal(opened.statusCode, 200);
    const notHere = await t.app.inject({ method: 'GET', url: '/services/report-kent/report-a-problem', headers: { host: 'kingston.example.org' } });
    assert.equal(notHere.statusCode, 404);
  });

  test('says what is wrong with what was sent', async () => {
    const visitor = t.client();
    const empty = await visitor.submit(page, { message: '  ', email: 'not an email' });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(errorSummary(empty.body), [
      '#message: Enter what is wrong with this page',
      '#email: Enter an email address in the correct format, like name@example.com',
    ]);
    const long = await visitor.submit(page, { message: 'x'.repeat(2001) });
    assert.deepEqual(errorSummary(long.body), ['#message: What is wrong must be 2,000 characters or fewer']);
    assert.equal((await reports('report-kent')).length, 0);
  });

  test('a report is kept, and the visitor thanked', async () => {
    const visitor = t.client();
    const response = await visitor.submit(page, { message: 'The phone number is wrong.\nIt rings a fish shop.', email: 'Visitor@Example.org' });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/services/report-kent/report-a-problem/sent');
    const thanks = await visitor.get(String(response.headers.location));
    assert.equal(thanks.statusCode, 200);
    assert.match(thanks.body, /Thank you for telling us/);
    const saved = await reports('report-kent');
    assert.equal(saved.length, 1);
    assert.deepEqual([saved[0]!.tenant_id, saved[0]!.message, saved[0]!.reporter_email, saved[0]!.status], ['kent', 'The phone number is wrong.\nIt rings a fish shop.', 'visitor@example.org', 'open']);
    const noEmail = await visitor.submit(page, { message: 'x'.repeat(2000) });
    assert.equal(noEmail.statusCode, 303, 'exactly 2,000 characters is fine, and email is optional');
  });

  test('without the form’s CSRF token nothing is kept', async () => {
    const before = (await reports('report-kent')).length;
    const response = await t.client().post(page, { message: 'Spam' });
    assert.equal(response.statusCode, 403);
    assert.equal((await reports('report-kent')).length, before);
  });
});

describe('resolving reports', () => {
  let admin: TestClient;
  let reportId: string;
  before(async () => {
    admin = await t.signedIn(demoEmail('admin'));
    await t.db.query("INSERT INTO directory_reports (tenant_id, service_id, message) VALUES ('kent', 'report-kent', 'Opening times are wrong')");
    reportId = (await reports('report-kent')).find((r) => r.message === 'Opening times are wrong')!.id;
  });

  test('open reports are listed for the tenant’s administrators', async () => {
    const list = await admin.get('/admin/directory/reports');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /Opening times are wrong/);
    assert.match(list.body, new RegExp(`/admin/directory/reports/${reportId}`));
    const overview = await admin.get('/admin/directory');
    assert.match(overview.body, /Reported problems<\/a> \(\d+ open\)/);
  });

  test('others cannot see them: providers and other roles 403, another tenant 404', async () => {
    for (const role of ['provider', 'navigator', 'triage', 'commissioner']) {
      const client = await t.signedIn(demoEmail(role));
      assert.equal((await client.get('/admin/directory/reports')).statusCode, 403, role);
      assert.equal((await client.get(`/admin/directory/reports/${reportId}`)).statusCode, 403, role);
    }
    const kingston = await t.signedIn(demoEmail('admin', 'kingston'));
    assert.equal((await kingston.get(`/admin/directory/reports/${reportId}`)).statusCode, 404);
    assert.doesNotMatch((await kingston.get('/admin/directory/reports')).body, /Opening times are wrong/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await kingston.get('/account/password')).body)![1]!;
    assert.equal((await kingston.post(`/admin/directory/reports/${reportId}/resolve`, { _csrf: csrf, note: 'Mine now' })).statusCode, 404);
  });

  test('resolving needs a note of what was done', async () => {
    const response = await admin.submit(`/admin/directory/reports/${reportId}`, { note: '' });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorSummary(response.body), ['#note: Enter what was done about this report, like &quot;Phone number corrected&quot;']);
    const resolved = await admin.submit(`/admin/directory/reports/${reportId}`, { note: 'Hours corrected with the provider.' });
    assert.equal(resolved.statusCode, 303);
    const row = (await reports('report-kent')).find((r) => r.id === reportId)!;
    assert.deepEqual([row.status, row.resolution_note], ['resolved', 'Hours corrected with the provider.']);
    const list = await admin.get('/admin/directory/reports');
    assert.match(list.body, /Recently resolved[\s\S]*Hours corrected with the provider\./);
    const { rows } = await t.db.query<{ record_id: string; detail: { reportId: string } }>(
      "SELECT record_id, detail FROM audit_events WHERE action = 'directory_report_resolved' ORDER BY id DESC LIMIT 1",
    );
    assert.deepEqual([rows[0]!.record_id, rows[0]!.detail.reportId], ['report-kent', reportId]);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await admin.get('/account/password')).body)![1]!;
    const again = await admin.post(`/admin/directory/reports/${reportId}/resolve`, { _csrf: csrf, note: 'Again' });
    assert.equal(again.statusCode, 409);
  });
});
