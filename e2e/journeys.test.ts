// Real journeys in a real browser, with JavaScript on and off: a triage worker signs in with the
// keyboard alone, finds a person, corrects a mistake in their contact details and signs out with
// the header's button; the crisis page's links are checked as the browser sees them. Every page on
// the way must load without console errors, uncaught exceptions or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

interface Person {
  id: string;
  givenName: string;
  familyName: string;
}

/** The id of the focused element, or its tag and classes when it has no id. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(
    '(() => { const el = document.activeElement; return !el ? "" : el.id ? "#" + el.id : el.tagName.toLowerCase() + (el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : ""); })()',
  );
}

/** Presses Tab until the element with this id has focus (at most `limit` presses); returns how many. */
async function tabTo(page: Page, id: string, limit = 40): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if ((await focused(page)) === `#${id}`) return presses;
  }
  assert.fail(`#${id} did not get focus after ${limit} presses of Tab (focus is on ${await focused(page)})`);
}

const pathOf = (page: Page): string => new URL(page.url()).pathname;

describe('journeys in the browser', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let people: Person[];

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer();
    const { rows } = await server.db.query<{ id: string; given_name: string; family_name: string }>(
      "SELECT id, given_name, family_name FROM people WHERE tenant_id = 'kent' ORDER BY id LIMIT 2",
    );
    people = rows.map((r) => ({ id: r.id, givenName: r.given_name, familyName: r.family_name }));
    assert.equal(people.length, 2, 'the seed has people in Kent');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** From the people page: search by family name and open the person from the results. */
  async function findAndOpen(w: WatchedPage, person: Person): Promise<void> {
    const { page } = w;
    await page.getByLabel('Search by name or NHS number').fill(person.familyName);
    await clickAndWait(w.page, () => page.keyboard.press('Enter'));
    assert.equal(pathOf(page), '/people');
    assert.equal(new URL(page.url()).searchParams.get('q'), person.familyName);
    assert.match(await page.locator('main').innerText(), /\d+ (person|people) match/);
    const link = page.getByRole('link', { name: `${person.familyName.toUpperCase()}, ${person.givenName}`, exact: true });
    assert.ok((await link.count()) >= 1, `the search for ${person.familyName} finds ${person.givenName}`);
    await clickAndWait(page, link.first());
    assert.equal(pathOf(page), `/people/${person.id}`);
    assert.equal((await page.locator('h1').innerText()).replace(/\s+/g, ' ').trim(), `Person ${person.givenName} ${person.familyName}`);
    w.assertNoProblems('searching for and opening a person');
  }

  /** On a person's page: change the phone number, first wrongly, then rightly. */
  async function changePhone(w: WatchedPage, person: Person, phone: string, js: boolean): Promise<void> {
    const { page } = w;
    await clickAndWait(page, page.getByRole('link', { name: `Change contact details for ${person.givenName} ${person.familyName}` }));
    assert.equal(pathOf(page), `/people/${person.id}/contact-details`);

    await page.getByLabel('Phone number').fill('123');
    const refused = await clickAndWait(page, page.getByRole('button', { name: 'Save contact details' }));
    assert.equal(refused.status(), 400);
    assert.match(await page.title(), /^Error: Change contact details/);
    const summary = page.locator('.nhsuk-error-summary');
    assert.equal(await summary.getByRole('heading').innerText(), 'There is a problem');
    const summaryLink = summary.getByRole('link', { name: /Enter a UK phone number/ });
    assert.equal(await summaryLink.getAttribute('href'), '#phone', 'the summary links to the field');
    assert.equal(await page.locator('#phone').inputValue(), '123', 'what was typed is kept');
    assert.match(await page.locator('#phone-error').innerText(), /Enter a UK phone number/);
    assert.match((await page.locator('#phone').getAttribute('aria-describedby')) ?? '', /\bphone-error\b/,
      'the field is described by its error message');
    if (js) {
      // nhsuk-frontend moves focus to the summary, and its links focus the field they name
      assert.equal(await focused(page), 'div.nhsuk-error-summary', 'the error summary has focus');
      await summaryLink.click();
      assert.equal(await focused(page), '#phone', 'the summary link focuses the phone field');
    } else {
      // without JavaScript the link is a plain same-page link to the field
      await summaryLink.click();
      assert.equal(new URL(page.url()).hash, '#phone');
    }
    await screenshot(page, `contact-details-error-${js ? 'js' : 'nojs'}`);

    await page.getByLabel('Phone number').fill(phone);
    const saved = await clickAndWait(page, page.getByRole('button', { name: 'Save contact details' }));
    assert.equal(saved.status(), 200);
    assert.equal(pathOf(page), `/people/${person.id}`);
    assert.match(await page.locator('.nhsuk-notification-banner').innerText(), /Contact details saved/);
    assert.match(await page.locator('main').innerText(), new RegExp(phone.replace(/\s/g, '\\s?')));
    w.assertNoProblems('changing contact details');
  }

  /** Signs out with the header's button and checks staff pages now ask for sign-in. */
  async function signOutWithHeaderButton(w: WatchedPage): Promise<void> {
    const { page } = w;
    const button = page.getByRole('banner').getByRole('button', { name: 'Sign out' });
    const response = await clickAndWait(page, button);
    assert.equal(response.status(), 200, `signing out ended at ${page.url()}`);
    assert.equal(pathOf(page), '/signed-out');
    assert.equal(await page.locator('h1').innerText(), 'You have signed out');
    assert.equal(await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).count(), 0);
    assert.deepEqual((await w.context.cookies()).filter((c) => c.name === 'lantern_session'), [], 'the session cookie is gone');

    for (const path of ['/people', `/people/${people[0]!.id}`, '/account', '/admin/staff']) {
      await visit(page, server.baseUrl + path);
      assert.equal(pathOf(page), '/sign-in', `${path} asks for sign-in after signing out`);
      assert.equal(new URL(page.url()).searchParams.get('returnTo'), path);
    }
    w.assertNoProblems('signing out');
  }

  describe('with JavaScript on', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
    });
    after(() => w.context.close());

    test('a triage worker signs in with the keyboard alone', async () => {
      const { page } = w;
      await visit(page, `${server.baseUrl}/sign-in`);
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'a.nhsuk-skip-link', 'the first Tab reaches the skip link');
      assert.equal(await page.locator(':focus').innerText(), 'Skip to main content');
      await tabTo(page, 'email');
      await page.keyboard.type(demoEmail('triage'));
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), '#password', 'Tab goes from the email address to the password');
      await page.keyboard.type(DEMO_PASSWORD);
      await clickAndWait(page, () => page.keyboard.press('Enter'));
      assert.equal(pathOf(page), '/');
      assert.equal(await page.locator('h1').innerText(), 'Hello, Priya Chauhan');
      await screenshot(page, 'home-triage');
      w.assertNoProblems('signing in with the keyboard');
    });

    test('finds a person with the header navigation and the search', async () => {
      const { page } = w;
      await clickAndWait(page, page.getByRole('banner').getByRole('link', { name: 'People', exact: true }));
      assert.equal(pathOf(page), '/people');
      await findAndOpen(w, people[0]!);
    });

    test('changes contact details, correcting a mistake the error summary points to', () =>
      changePhone(w, people[0]!, '07700 900982', true));

    test('signs out with the header button, and staff pages then ask for sign-in', () => signOutWithHeaderButton(w));
  });

  describe('with JavaScript off', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser, { javaScriptEnabled: false });
    });
    after(() => w.context.close());

    test('a staff page sends a signed-out person to sign in, then back to the page', async () => {
      const { page } = w;
      await visit(page, `${server.baseUrl}/people`);
      assert.equal(pathOf(page), '/sign-in');
      assert.equal(await page.locator('body.js-enabled').count(), 0, 'JavaScript is really off');
      await page.getByLabel('Email address').fill(demoEmail('triage'));
      await page.getByLabel('Password').fill('not the password');
      const refused = await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
      assert.equal(refused.status(), 400);
      assert.equal(await page.locator('.nhsuk-error-summary a').first().getAttribute('href'), '#email');
      assert.equal(await page.getByLabel('Email address').inputValue(), demoEmail('triage'), 'the email address is kept');
      assert.equal(await page.getByLabel('Password').inputValue(), '', 'the password is not sent back');
      await page.getByLabel('Password').fill(DEMO_PASSWORD);
      await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
      assert.equal(pathOf(page), '/people', 'back to the page asked for');
      w.assertNoProblems('signing in without JavaScript');
    });

    test('finds a person', () => findAndOpen(w, people[1]!));

    test('changes contact details, correcting a mistake', () => changePhone(w, people[1]!, '01632 960001', false));

    test('signs out with the header button, and staff pages then ask for sign-in', () => signOutWithHeaderButton(w));
  });

  describe('Get help now', () => {
    const EXPECTED = [
      { href: 'tel:999', text: '999' },
      { href: 'tel:111', text: '111, then choose option 2' },
      { href: 'tel:116123', text: '116 123' },
      { href: 'sms:85258?body=SHOUT', text: 'SHOUT to 85258' },
    ];

    for (const javaScriptEnabled of [true, false]) {
      test(`is one step from every page and has one-tap links to call or text (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
        const w = await openPage(browser, { javaScriptEnabled });
        try {
          const { page } = w;
          await visit(page, `${server.baseUrl}/privacy`);
          await clickAndWait(page, page.getByRole('region', { name: 'Urgent help' }).getByRole('link', { name: 'Get help now' }));
          assert.equal(pathOf(page), '/get-help-now');
          assert.equal(await page.locator('h1').innerText(), 'Get help now');
          const links = [];
          for (const a of await page.locator('main a[href^="tel:"], main a[href^="sms:"]').all()) {
            links.push({ href: await a.getAttribute('href'), text: (await a.innerText()).trim() });
          }
          assert.deepEqual(links, EXPECTED);
          await screenshot(page, `get-help-now-${javaScriptEnabled ? 'js' : 'nojs'}`);
          w.assertNoProblems('on Get help now');

          // also reachable from an error page, signed out
          await visit(page, `${server.baseUrl}/no-such-page`, 404);
          await clickAndWait(page, page.getByRole('main').getByRole('link', { name: 'see the ways to get urgent help' }));
          assert.equal(pathOf(page), '/get-help-now');
          w.assertNoProblems('from the 404 page to Get help now');
        } finally {
          await w.context.close();
        }
      });
    }
  });

  test('an administrator signs in, and the header shows who is signed in', async () => {
    const w = await openPage(browser);
    try {
      await signIn(w.page, server.baseUrl, demoEmail('admin'), DEMO_PASSWORD);
      const banner = w.page.getByRole('banner');
      assert.match(await banner.innerText(), /Helen Marsh \(Administrator\)/);
      assert.equal(await banner.getByRole('link', { name: 'Lantern homepage' }).getAttribute('href'), '/');
      await screenshot(w.page, 'home-admin');
      w.assertNoProblems('signing in as an administrator');
    } finally {
      await w.context.close();
    }
  });
});
