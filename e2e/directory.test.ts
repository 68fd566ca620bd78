// The public directory in a real browser: axe (WCAG 2.2 AA) on the search page in each of its
// states, a service page and Get help now; and finding support with JavaScript off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, clickAndWait, launchBrowser, openPage, screenshot, visit, type WatchedPage, checkPage } from './support/browser.ts';
import { startServer, type TestServer } from './support/server.ts';
import { at, listing, saveListings } from '../test/support/listings.ts';
import { WEEK_DAYS } from '../src/domain/opening-hours.ts';

const TENANT = 'e2eshire';

describe('the directory in the browser', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
    server = await startServer({ config: { publicTenant: TENANT } });
    await server.db.query(`INSERT INTO tenants (id, name) VALUES ($1, 'E2E shire')`, [TENANT]);
    const l = (o: Parameters<typeof listing>[0]) => listing(o, TENANT);
    await saveListings(server.db, [
      l({ id: 'talk', name: 'Canterbury Talking Therapies', summary: 'Free counselling for adults', selfReferral: true, minimumAge: 18,
        description: 'Talk to a trained counsellor.\n\nUp to 12 sessions.', eligibility: 'Adults who live in Canterbury.',
        phone: '01632 960123', url: 'https://example.org/talk', channels: ['in_person', 'phone'], accessibility: ['step_free'],
        locations: [at('t1', 'CT1 2AB')], hours: [{ id: 'h', day: 'TU', opens: '09:00', closes: '17:00', locationId: null, description: '' }] }),
      l({ id: 'cafe', name: 'Canterbury Safe Haven', summary: 'An evening crisis cafe', crisis: true, phone: '01632 960002',
        locations: [at('s1', 'CT2 7AA')], hours: WEEK_DAYS.map((day, i) => ({ id: `h${i}`, day, opens: '18:00', closes: '02:00', locationId: null, description: '' })) }),
      ...Array.from({ length: 14 }, (_, i) => l({ id: `walk-${i}`, name: `Walking Group ${i + 1}`, summary: 'Gentle walks', fiveWays: ['be_active'],
        locations: [at(`w${i}`, 'CT1 1AA')], free: true })),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const check = (w: WatchedPage, path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  describe('axe on every directory page', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
    });
    after(() => w.context.close());

    test('the search page before a search', () => check(w, '/services', 'Find support'));
    test('results with a place, paged', () => check(w, '/services?q=walking&place=CT1+1AA', 'search results'));
    test('results with all filters open', () => check(w, '/services?q=counselling&self=yes&free=yes&open=now&channel=phone&age=30&access=step_free', 'filtered results'));
    test('nothing found', () => check(w, '/services?q=zebra+juggling', 'no results'));
    test('crisis options first', async () => {
      await check(w, '/services?q=suicide', 'a crisis search');
      const crisisBox = await w.page.locator('#crisis-options').boundingBox();
      const results = await w.page.locator('#results').boundingBox();
      assert.ok(crisisBox && results && crisisBox.y < results.y, 'crisis options are above the results');
    });
    test('a place that is not found', () => check(w, '/services?place=Atlantis', 'search with a place error', 400));
    test('a service page', async () => {
      await check(w, '/services/talk?place=CT2', 'a service page');
      await screenshot(w.page, 'service-page');
    });
    test('Get help now with local options', () => check(w, '/get-help-now?place=CT2+7AA', 'Get help now near a place'));
    test('Get help now with a place error', () => check(w, '/get-help-now?place=nowhere-at-all', 'Get help now with an error', 400));
  });

  test('finding support with JavaScript off: search, filter, page on, open a service, go back', async () => {
    const w = await openPage(browser, { javaScriptEnabled: false });
    try {
      await visit(w.page, `${server.baseUrl}/`);
      await w.page.getByLabel('What do you want help with?').fill('walks');
      await w.page.getByLabel('Town or postcode').fill('ct1 1aa');
      let response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Find support' }));
      assert.equal(response.status(), 200);
      await w.page.getByText('14 services found near CT1 1AA').waitFor();
      await screenshot(w.page, 'search-results');
      response = await clickAndWait(w.page, w.page.getByRole('link', { name: /Next/ }));
      assert.equal(response.status(), 200);
      assert.equal(await w.page.locator('.lantern-results > li').count(), 4);
      // The filters are in a details element, which opens without JavaScript.
      await w.page.getByText('More filters').click();
      await w.page.getByLabel('Be active').check();
      response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Search', exact: true }));
      assert.equal(response.status(), 200);
      await w.page.getByRole('link', { name: 'Walking Group 1', exact: true }).click();
      await w.page.getByRole('heading', { level: 1, name: 'Walking Group 1' }).waitFor();
      response = await clickAndWait(w.page, w.page.getByRole('link', { name: 'Back to results' }));
      assert.match(w.page.url(), /\/services\?q=walks&place=ct1\+1aa/);
      w.assertNoProblems('finding support without JavaScript');
    } finally {
      await w.context.close();
    }
  });
});
