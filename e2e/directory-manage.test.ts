// Keeping listings true, in a real browser: axe (WCAG 2.2 AA) on every page of provider editing,
// moderation, reported problems and the emailed confirmation link, with their error states; and
// the journey: a provider changes a published listing, an administrator approves it, and the
// change shows in the administrator's view of the listing. Each page must load without console
// errors, uncaught exceptions or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { ListingInput } from '../src/features/directory/listing.ts';
import { getListing, saveListing } from '../src/features/directory/store.ts';
import { emptyListing } from '../src/features/directory/manage/edit.ts';
import { confirmPath, confirmToken } from '../src/features/directory/manage/tokens.ts';
import { browserSkip, SUITE_TIMEOUT_MS, checkA11y, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage, checkPage, checkFormErrors } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

describe('keeping listings true (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;

  function listing(id: string, org: { id: string; name: string }, overrides: Partial<ListingInput> = {}): ListingInput {
    return {
      ...emptyListing('kent', id, org),
      name: `Shed Walk ${id}`,
      summary: 'A friendly walk in the park with time to chat.',
      description: 'We meet at the gate.\nWe walk for an hour.',
      eligibility: 'Men in Dartford',
      howToAccess: 'Just turn up',
      published: true,
      phone: '01632 960 001',
      selfReferral: true,
      channels: ['in_person'],
      fiveWays: ['be_active'],
      hours: [{ id: `${id}-mo`, day: 'MO', opens: '10:00', closes: '12:00', locationId: null, description: '' }],
      locations: [{ id: `${id}-loc`, name: 'The Shed', address1: '1 Park Road', city: 'Dartford', postcode: 'DA1 1AA', district: null, latitude: null, longitude: null }],
      lastConfirmedAt: new Date(Date.now() - 400 * 24 * 60 * 60 * 1000),
      ...overrides,
    };
  }

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer({ people: 0 });
    const { rows } = await server.db.query<{ id: string; name: string }>("SELECT id, name FROM organisations WHERE tenant_id = 'kent' AND name LIKE 'Dartford Men%'");
    const shed = rows[0]!;
    await server.db.transaction(async (tx) => {
      await saveListing(tx, listing('e2e-a11y', shed));
      await saveListing(tx, listing('e2e-journey', shed));
      await saveListing(tx, listing('e2e-draft', shed, { published: false }));
      await saveListing(tx, listing('e2e-confirm', shed));
    });
    await server.db.query("INSERT INTO directory_reports (tenant_id, service_id, message, reporter_email) VALUES ('kent', 'e2e-a11y', 'The phone number is wrong.', 'visitor@example.org')");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const check = (w: WatchedPage, path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  const checkErrors = checkFormErrors;

  describe('provider staff', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('provider'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('your listings', () => check(w, '/manage/listings', 'Your listings'));
    test('a listing', () => check(w, '/manage/listings/e2e-a11y', 'a listing (provider)'));
    test('a listing not yet published', () => check(w, '/manage/listings/e2e-draft', 'a listing not yet published'));
    test('change a listing', () => check(w, '/manage/listings/e2e-a11y/edit', 'Change the listing'));
    test('change a listing with errors', async () => {
      await visit(w.page, `${server.baseUrl}/manage/listings/e2e-a11y/edit`);
      await w.page.getByLabel('Name of the service').fill('');
      await w.page.getByLabel('Phone number').fill('call us');
      await w.page.locator('#hours-TU-opens').fill('9');
      await w.page.getByLabel('Postcode').fill('XX');
      await checkErrors(w, 'Send for approval', 'Change the listing with errors');
      await screenshot(w.page, 'listing-edit-errors');
    });
    test('a listing with a change waiting for approval', async () => {
      await visit(w.page, `${server.baseUrl}/manage/listings/e2e-a11y/edit`);
      await w.page.getByLabel('Summary').fill('Walks every week, with tea after.');
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Send for approval' }));
      assert.equal(response.status(), 200);
      await checkA11y(w.page, 'a listing waiting for approval');
      w.assertNoProblems('on a listing waiting for approval');
    });
  });

  describe('administrators', () => {
    let w: WatchedPage;
    let changeId: string;
    let reportId: string;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
      changeId = (await server.db.query<{ id: string }>("SELECT id FROM directory_changes WHERE service_id = 'e2e-a11y' AND status = 'pending'")).rows[0]?.id ?? '';
      reportId = (await server.db.query<{ id: string }>("SELECT id FROM directory_reports WHERE service_id = 'e2e-a11y'")).rows[0]!.id;
    });
    after(() => w.context.close());

    test('the directory', () => check(w, '/admin/directory', 'Directory (admin)'));
    test('listings', () => check(w, '/admin/directory/listings', 'Directory listings'));
    test('listings, out of date', () => check(w, '/admin/directory/listings?show=out-of-date', 'Directory listings out of date'));
    test('listings, none match', () => check(w, '/admin/directory/listings?q=zzzznothing', 'Directory listings, none match'));
    test('a listing', () => check(w, '/admin/directory/listings/e2e-a11y', 'a listing (admin)'));
    test('change a listing', () => check(w, '/admin/directory/listings/e2e-draft/edit', 'Change the listing (admin)'));
    test('changes waiting for approval', () => check(w, '/admin/directory/changes', 'Changes waiting for approval'));
    test('a change', async () => {
      assert.ok(changeId, 'the provider tests left a change waiting');
      await check(w, `/admin/directory/changes/${changeId}`, 'a change to review');
      await screenshot(w.page, 'change-review');
    });
    test('rejecting without a reason', async () => {
      await visit(w.page, `${server.baseUrl}/admin/directory/changes/${changeId}`);
      await checkErrors(w, 'Reject the change', 'Reject a change with errors');
    });
    test('reported problems', () => check(w, '/admin/directory/reports', 'Reported problems'));
    test('a reported problem', () => check(w, `/admin/directory/reports/${reportId}`, 'a reported problem'));
    test('resolving without a note', async () => {
      await visit(w.page, `${server.baseUrl}/admin/directory/reports/${reportId}`);
      await checkErrors(w, 'Mark as resolved', 'Resolve a report with errors');
    });
    test('a resolved problem', async () => {
      await visit(w.page, `${server.baseUrl}/admin/directory/reports/${reportId}`);
      await w.page.getByLabel('What was done about it?').fill('Phone number corrected.');
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Mark as resolved' }));
      assert.equal(response.status(), 200);
      await checkA11y(w.page, 'a resolved problem');
      await check(w, '/admin/directory/reports', 'Reported problems with a resolved one');
    });
  });

  describe('anyone, without signing in', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
    });
    after(() => w.context.close());

    test('report a problem', () => check(w, '/services/e2e-a11y/report-a-problem', 'Report a problem'));
    test('report a problem with errors', async () => {
      await visit(w.page, `${server.baseUrl}/services/e2e-a11y/report-a-problem`);
      await w.page.getByLabel('Your email address (optional)').fill('not an email');
      await checkErrors(w, 'Send report', 'Report a problem with errors');
    });
    test('thank you', async () => {
      await visit(w.page, `${server.baseUrl}/services/e2e-a11y/report-a-problem`);
      await w.page.getByLabel('What is wrong?').fill('The opening times have changed.');
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Send report' }));
      assert.equal(response.status(), 200);
      assert.match(await w.page.locator('h1').innerText(), /Thank you for telling us/);
      await checkA11y(w.page, 'Report sent');
    });
    test('the confirmation link, confirmed, and used again', async () => {
      const found = (await getListing(server.db, 'kent', 'e2e-confirm'))!;
      const link = confirmPath('e2e-confirm', confirmToken(server.config.cookieSecret, 'kent', 'e2e-confirm', found.lastConfirmedAt));
      await check(w, link, 'the confirmation link');
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Yes, this listing is still right' }));
      assert.equal(response.status(), 200);
      await checkA11y(w.page, 'Listing confirmed');
      w.assertNoProblems('on Listing confirmed');
      await check(w, link, 'a used confirmation link', 404);
    });
  });

  test('journey: a provider changes a published listing, an administrator approves it, and it shows', async () => {
    const provider = await openPage(browser);
    const admin = await openPage(browser);
    try {
      await signIn(provider.page, server.baseUrl, demoEmail('provider'), DEMO_PASSWORD);
      const p = provider.page;
      await clickAndWait(p, p.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Your listings' }));
      await clickAndWait(p, p.getByRole('link', { name: 'Shed Walk e2e-journey' }));
      await clickAndWait(p, p.getByRole('link', { name: 'Change this listing' }));
      await p.getByLabel('Phone number').fill('0800 123 4567');
      await p.locator('#hours-WE-opens').fill('18:00');
      await p.locator('#hours-WE-closes').fill('20:00');
      await clickAndWait(p, p.getByRole('button', { name: 'Send for approval' }));
      assert.match(await p.locator('main').innerText(), /sent for approval/);
      assert.match(await p.locator('main').innerText(), /Waiting for approval/);
      assert.equal((await getListing(server.db, 'kent', 'e2e-journey'))!.phone, '01632 960 001', 'the public listing waits');
      provider.assertNoProblems('on the provider’s journey');

      await signIn(admin.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
      const a = admin.page;
      await clickAndWait(a, a.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Directory' }));
      await clickAndWait(a, a.getByRole('link', { name: 'Changes waiting for approval' }));
      await clickAndWait(a, a.getByRole('link', { name: 'Approve or reject the change to Shed Walk e2e-journey' }));
      const table = await a.locator('main table').innerText();
      assert.match(table, /Phone\s+01632 960 001\s+0800 123 4567/);
      assert.match(table, /Opening times on Wednesday\s+Closed\s+18:00 to 20:00/);
      await screenshot(a, 'journey-review');
      await clickAndWait(a, a.getByRole('button', { name: 'Approve and publish' }));
      assert.match(await a.locator('main').innerText(), /Change approved and published/);
      await clickAndWait(a, a.getByRole('link', { name: 'See the listing as it is now' }));
      const view = await a.locator('main').innerText();
      assert.match(view, /0800 123 4567/);
      assert.match(view, /Wednesday: 18:00 to 20:00/);
      assert.match(view, /Last confirmed on/);
      admin.assertNoProblems('on the administrator’s journey');
      assert.equal((await getListing(server.db, 'kent', 'e2e-journey'))!.phone, '0800 123 4567');
    } finally {
      await provider.context.close();
      await admin.context.close();
    }
  });
});
