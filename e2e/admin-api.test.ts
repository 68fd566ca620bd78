// API keys and tenant settings in a real browser: axe (WCAG 2.2 AA) on the key list, the form
// and its errors, the page that shows a new key once, the revoke page, and the settings form with
// its errors; and an administrator's journey with JavaScript off: make a key, use it, revoke it.
// (axe runs in the page, so it checks the pages with JavaScript on; the journey checks they work without.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import {
  browserSkip, SUITE_TIMEOUT_MS, checkA11y, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage,
} from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

describe('API keys and settings (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let w: WatchedPage;

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer({ people: 0 });
    w = await openPage(browser);
    await signIn(w.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
  });
  after(async () => {
    await w?.context.close();
    await browser?.close();
    await server?.close();
  });

  const check = (path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  /** Makes a key through the form; returns it as the page shows it. */
  async function makeKey(organisation: string, name: string): Promise<string> {
    await visit(w.page, `${server.baseUrl}/admin/api-keys/new`);
    await w.page.getByLabel('Organisation').selectOption({ label: organisation });
    await w.page.getByLabel('Name of the key').fill(name);
    const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Make key' }));
    assert.equal(response.status(), 200);
    return (await w.page.getByTestId('api-key').textContent())!.trim();
  }

  test('the list of keys, with none yet', () => check('/admin/api-keys', 'API keys (none yet)'));

  test('the form to make a key', () => check('/admin/api-keys/new', 'Make an API key'));

  test('the form to make a key, with its errors', async () => {
    await visit(w.page, `${server.baseUrl}/admin/api-keys/new`);
    await checkFormErrors(w, 'Make key', 'Make an API key with errors');
    assert.equal(await w.page.locator('.nhsuk-error-summary a').first().getAttribute('href'), '#organisation');
    await w.page.locator('.nhsuk-error-summary a').first().click();
    assert.equal(await w.page.evaluate('document.activeElement ? document.activeElement.id : ""'), 'organisation', 'the summary link moves focus to the field');
  });

  test('the page that shows a new key once', async () => {
    const key = await makeKey('Kent Police (Police)', 'Niche RMS');
    assert.match(key, /^lantern_live_[A-Za-z0-9_-]{43}$/);
    await w.page.getByText('This is the only time you will see this key').waitFor();
    await checkA11y(w.page, 'the new key, shown once');
    await screenshot(w.page, 'api-key-created');
    w.assertNoProblems('on the new key page');
    await visit(w.page, `${server.baseUrl}/admin/api-keys`);
    assert.equal(await w.page.getByText(key).count(), 0, 'the list never shows the whole key');
  });

  test('the list of keys, and the page to revoke one', async () => {
    await check('/admin/api-keys', 'API keys (with a key)');
    const href = await w.page.getByRole('link', { name: /^Revoke the key “Niche RMS”/ }).getAttribute('href');
    assert.ok(href);
    await check(href, 'Revoke a key');
    const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Revoke key' }));
    assert.equal(response.status(), 200);
    await w.page.getByText('Key “Niche RMS” for Kent Police revoked.').waitFor();
    await checkA11y(w.page, 'API keys, after revoking one');
    w.assertNoProblems('after revoking a key');
    await check(href, 'Revoke a key that is already revoked');
  });

  test('the settings form', () => check('/admin/settings', 'Settings'));

  test('the settings form, with its errors', async () => {
    await visit(w.page, `${server.baseUrl}/admin/settings`);
    await w.page.getByLabel('Name of the service').fill('');
    await w.page.getByLabel('First contact for a routine referral within (working days)').fill('none');
    await w.page.getByLabel('The single point of access’s shared inbox (optional)').fill('not an email');
    await checkFormErrors(w, 'Save settings', 'Settings with errors');
    assert.equal(await w.page.locator('.nhsuk-error-summary li').count(), 3);
    await screenshot(w.page, 'settings-errors');
  });

  test('settings saved', async () => {
    await visit(w.page, `${server.baseUrl}/admin/settings`);
    await w.page.getByLabel('Attempts to make contact before closing as “no response”').fill('4');
    const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Save settings' }));
    assert.equal(response.status(), 200);
    await w.page.getByText('Settings saved. Lantern uses them from now on.').waitFor();
    assert.equal(await w.page.getByLabel('Attempts to make contact before closing as “no response”').inputValue(), '4');
    await checkA11y(w.page, 'Settings saved');
    w.assertNoProblems('after saving settings');
  });

  // WCAG 1.4.10 (reflow): at 320 CSS pixels wide nothing but a data table's own box scrolls sideways.
  test('at 320 pixels wide nothing scrolls sideways, the new key included', async () => {
    const narrow = await openPage(browser, { viewport: { width: 320, height: 640 } });
    try {
      const { page } = narrow;
      await signIn(page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
      const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      for (const path of ['/admin/api-keys', '/admin/api-keys/new', '/admin/settings']) {
        await visit(page, server.baseUrl + path);
        assert.equal(await overflow(), 0, `${path} scrolls sideways at 320px wide`);
      }
      await visit(page, `${server.baseUrl}/admin/api-keys/new`);
      await page.getByLabel('Organisation').selectOption({ label: 'Probation Service (Kent, Surrey and Sussex) (Probation)' });
      await page.getByLabel('Name of the key').fill('nDelius');
      await clickAndWait(page, page.getByRole('button', { name: 'Make key' }));
      await page.getByTestId('api-key').waitFor();
      assert.equal(await overflow(), 0, 'the new key wraps rather than scrolling sideways');
      narrow.assertNoProblems('at 320px wide');
    } finally {
      await narrow.context.close();
    }
  });

  test('with JavaScript off, an administrator makes a key, the partner uses it, and revoking it stops it at once', async () => {
    const off = await openPage(browser, { javaScriptEnabled: false });
    try {
      const { page } = off;
      await signIn(page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
      assert.equal(await page.locator('body.js-enabled').count(), 0, 'JavaScript is really off');
      await clickAndWait(page, page.getByRole('link', { name: 'API keys' }).first());
      await clickAndWait(page, page.getByRole('button', { name: 'Make a new key' }).or(page.getByRole('link', { name: 'Make a new key' })).first());
      await page.getByLabel('Organisation').selectOption({ label: 'Riverside Surgery (demo) (GP)' });
      await page.getByLabel('Name of the key').fill('EMIS Web');
      await clickAndWait(page, page.getByRole('button', { name: 'Make key' }));
      const key = (await page.getByTestId('api-key').textContent())!.trim();

      const call = () => fetch(`${server.baseUrl}/api/v1/referrals`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal((await call()).status, 200, 'the partner system can use the key at once');

      await clickAndWait(page, page.getByRole('link', { name: 'Back to API keys' }));
      await clickAndWait(page, page.getByRole('link', { name: /^Revoke the key “EMIS Web”/ }));
      const revoked = await clickAndWait(page, page.getByRole('button', { name: 'Revoke key' }));
      assert.equal(revoked.status(), 200);
      await page.getByText('Key “EMIS Web” for Riverside Surgery (demo) revoked.').waitFor();
      assert.equal((await call()).status, 401, 'the next request is refused');
      off.assertNoProblems('in the journey with JavaScript off');
    } finally {
      await off.context.close();
    }
  });
});
