// axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page built so far, as the browser
// shows it with JavaScript on: signed out, signed in as an administrator and as a commissioner
// (whose report pages show counts only),
// including each form with its error messages showing. Each page must also load with no console
// errors, uncaught exceptions or Content-Security-Policy violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, checkA11y, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage, checkPage, checkFormErrors } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';
import { personWithEpisode, staffContextOf } from '../test/support/episodes.ts';
import { recordContact } from '../src/features/episodes/contacts.ts';
import { datePartsFrom } from '../src/features/episodes/fields.ts';
import { londonDate } from '../src/domain/working-days.ts';

describe('accessibility (axe, WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let personId: string;

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer();
    const { rows } = await server.db.query<{ id: string }>(
      "SELECT id FROM people WHERE tenant_id = 'kent' ORDER BY family_name, given_name, id LIMIT 1",
    );
    personId = rows[0]!.id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const check = (w: WatchedPage, path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  const checkErrors = checkFormErrors;

  describe('signed out', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
    });
    after(() => w.context.close());

    test('home', () => check(w, '/', 'the home page'));
    test('get help now', () => check(w, '/get-help-now', 'Get help now'));
    test('sign in', () => check(w, '/sign-in', 'Sign in'));
    test('sign in with errors', async () => {
      await visit(w.page, `${server.baseUrl}/sign-in`);
      await checkErrors(w, 'Sign in', 'Sign in with errors');
      await screenshot(w.page, 'sign-in-errors');
    });
    test('page not found', () => check(w, '/no-such-page', 'the 404 page', 404));
    test('accessibility statement', () => check(w, '/accessibility', 'the accessibility statement'));
    test('privacy', () => check(w, '/privacy', 'Privacy'));
    test('signed out', () => check(w, '/signed-out', 'You have signed out'));
  });

  describe('signed in as an administrator', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('home', () => check(w, '/', 'the home page (admin)'));
    test('people', () => check(w, '/people', 'People'));
    test('people, searched with no match', () => check(w, '/people?q=zzzznobody', 'People with no match'));
    test('a person', () => check(w, `/people/${personId}`, 'a person'));
    test('change contact details', () => check(w, `/people/${personId}/contact-details`, 'Change contact details'));
    test('change contact details with errors', async () => {
      await visit(w.page, `${server.baseUrl}/people/${personId}/contact-details`);
      await w.page.getByLabel('Phone number').fill('not a phone');
      await w.page.getByLabel('Email address').fill('not an email');
      await w.page.getByLabel('Postcode').fill('XX');
      await checkErrors(w, 'Save contact details', 'Change contact details with errors');
      await screenshot(w.page, 'contact-details-errors');
    });
    test('your account', () => check(w, '/account', 'Your account'));
    test('change your password', () => check(w, '/account/password', 'Change your password'));
    test('change your password with errors', async () => {
      await visit(w.page, `${server.baseUrl}/account/password`);
      await checkErrors(w, 'Change password', 'Change your password with errors');
    });
    test('set up security codes', () => check(w, '/account/two-factor', 'Set up security codes'));
    test('set up security codes with errors', async () => {
      await visit(w.page, `${server.baseUrl}/account/two-factor`);
      await w.page.getByLabel('Security code').fill('000000x');
      await checkErrors(w, 'Turn on security codes', 'Set up security codes with errors');
    });
    test('staff', () => check(w, '/admin/staff', 'Staff'));
    test('add a staff member', () => check(w, '/admin/staff/new', 'Add a staff member'));
    test('add a staff member with errors, then added', async () => {
      await visit(w.page, `${server.baseUrl}/admin/staff/new`);
      await checkErrors(w, 'Add staff member', 'Add a staff member with errors');
      await w.page.getByLabel('Full name').fill('Alex Example');
      await w.page.getByLabel('Work email address').fill('alex.example@kent.demo.lantern.test');
      await w.page.getByLabel('Role').selectOption({ label: 'Triage worker' });
      await w.page.getByLabel('Organisation').selectOption({ index: 1 });
      const response = await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: 'Add staff member' }));
      assert.equal(response.status(), 200);
      await checkA11y(w.page, 'Staff member added');
      w.assertNoProblems('on Staff member added');
    });
    test('audit log', () => check(w, '/admin/audit', 'Audit log'));
    test('audit log with errors', () => check(w, '/admin/audit?from=yesterday&person=nobody', 'Audit log with errors', 400));
    test('sign out page (the form for browsers that send no Sec-Fetch-Site)', () => check(w, '/sign-out', 'Sign out'));
  });

  // WCAG 1.4.10 (reflow): at 320 CSS pixels wide nothing but a data table's own box scrolls sideways.
  describe('reflow at 320 pixels wide', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser, { viewport: { width: 320, height: 640 } });
      await signIn(w.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    for (const path of ['/', '/get-help-now', '/people', '/people/:id', '/people/:id/contact-details', '/account', '/account/two-factor', '/admin/staff', '/admin/staff/new', '/admin/audit']) {
      test(path, async () => {
        await visit(w.page, server.baseUrl + path.replace(':id', personId));
        const overflow = await w.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        if (overflow > 0) await screenshot(w.page, `reflow-${path.replace(/\W+/g, '-')}`);
        assert.equal(overflow, 0, `${path} scrolls sideways by ${overflow}px at 320px wide`);
        w.assertNoProblems(`on ${path} at 320px wide`);
      });
    }
  });

  describe('signed in as a commissioner', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('commissioner'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('home', () => check(w, '/', 'the home page (commissioner)'));
    test('brief advice given, counted', async () => {
      // a contact with brief advice, so the page shows its tables and not only "no contacts"
      const who = await personWithEpisode(server.db, { worker: 'navigator3', startedAt: new Date(Date.now() - 30 * 86_400_000) });
      const today = londonDate(new Date());
      await recordContact(await staffContextOf(server.db, 'navigator3'), who.episodeId, {
        contactOn: datePartsFrom(today), time: '00:00', kind: 'phone', duration: '20', note: '', mecc: ['alcohol', 'smoking'],
      });
      await check(w, '/reports/brief-advice', 'Brief advice given');
      assert.equal(await w.page.locator('caption', { hasText: 'Brief advice by organisation' }).count(), 1);
      await screenshot(w.page, 'brief-advice');
    });
    test('brief advice given, a quarter with none', async () => {
      const oldest = await w.page.locator('#period option').last().getAttribute('value');
      await check(w, `/reports/brief-advice?period=${oldest}`, 'Brief advice given, an empty quarter');
    });
    test('provider response times', () => check(w, '/prescriptions/providers', 'Provider response times (commissioner)'));
    test('brief advice given at 320 pixels wide scrolls only its table', async () => {
      const usual = w.page.viewportSize()!;
      await w.page.setViewportSize({ width: 320, height: 640 });
      try {
        await visit(w.page, `${server.baseUrl}/reports/brief-advice`);
        const overflow = await w.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        assert.equal(overflow, 0, `the page scrolls sideways by ${overflow}px at 320px wide`);
      } finally {
        await w.page.setViewportSize(usual);
      }
    });
    test('people is refused', async () => {
      await check(w, '/people', 'the 403 page', 403);
      assert.equal(await w.page.locator('h1').textContent(), 'You do not have access to this page');
    });
  });
});
