// A copy of everything held about a person, in a real browser: axe (WCAG 2.2 AA) on the page that
// asks for the request's reference, its error, and the printable copy; and the copy made with
// JavaScript off.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, checkA11y, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

describe('subject access copy (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let personId = '';

  before(async () => {
    browser = await launchBrowser();
    server = await startServer();
    personId = (await server.db.query<{ id: string }>(`SELECT id FROM people WHERE tenant_id = 'kent' ORDER BY id LIMIT 1`)).rows[0]!.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function admin(javaScriptEnabled: boolean): Promise<WatchedPage> {
    const w = await openPage(browser, { javaScriptEnabled });
    await signIn(w.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
    return w;
  }

  test('the request page, its error, and the printable copy', async () => {
    const w = await admin(true);
    await checkPage(w, `${server.baseUrl}/people/${personId}/export`, 'make a copy of everything we hold');
    await checkFormErrors(w, 'Make the copy', 'make a copy, with no reference');
    await w.page.getByLabel('Request reference').fill('SAR 2 December');
    const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Make the copy' }));
    assert.equal(response.status(), 200);
    await w.page.getByRole('heading', { level: 1, name: /Everything we hold about/ }).waitFor();
    await checkA11y(w.page, 'the printable copy');
    w.assertNoProblems('on the printable copy');
    await w.context.close();
  });

  test('with JavaScript off: from the person’s page to the printable copy', async () => {
    const w = await admin(false);
    await visit(w.page, `${server.baseUrl}/people/${personId}`);
    await clickAndWait(w.page, w.page.getByRole('link', { name: /Make a copy of everything we hold about them/ }));
    await w.page.getByLabel('Request reference').fill('Letter of 1 December');
    const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Make the copy' }));
    assert.equal(response.status(), 200);
    assert.match(await w.page.locator('main').innerText(), /Who has looked at or changed your record/);
    w.assertNoProblems('making a copy without JavaScript');
    await w.context.close();
  });
});
