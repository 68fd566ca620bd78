// The ways in, in a real browser with axe (WCAG 2.2 AA) on every page and every error state:
// the self-referral from /refer to the confirmation with JavaScript off (the crisis options, Back
// and Change included), a carer's referral with JavaScript on (the stop page when the person does
// not agree, saving and coming back, signposting for a young person), the professional referral
// signed in as a GP's referrer, and a referral entered by the single point of access.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, checkA11y, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';
import { at, listing, saveListings } from '../test/support/listings.ts';
import { seedTaxonomy } from '../src/seed/taxonomy.ts';
import { draftTokenHash } from '../src/features/referrals/intake/drafts.ts';

const pathOf = (page: Page): string => new URL(page.url()).pathname;
/** The page's main heading, without its caption. */
async function heading(page: Page): Promise<string> {
  const h1 = page.locator('h1').first();
  const caption = h1.locator('[class^="nhsuk-caption"]');
  const captionText = (await caption.count()) ? await caption.innerText() : '';
  return (await h1.innerText()).replace(captionText, '').replace(/\s+/g, ' ').trim();
}

describe('the ways in (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer({ people: 0 });
    await seedTaxonomy(server.db);
    await saveListings(server.db, [
      listing({ id: 'e2e-crisis-line', name: 'Kent Night Crisis Line', summary: 'Someone to talk to at night', crisis: true, phone: '01632 960123' }),
      listing({ id: 'e2e-youth', name: 'Kent Youth Wellbeing', summary: 'Support for young people aged 11 to 18', termIds: ['lantern-needs:young-people'],
        minimumAge: 11, maximumAge: 18, locations: [at('y1', 'DA1 1AA')] }),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Pages opened with JavaScript off: axe needs JavaScript in the page, so these are checked with it on, in their own journey. */
  const withoutJs = new WeakSet<WatchedPage>();

  /** Checks the page as it is now (after a form post there is no address to open again). */
  async function checkHere(w: WatchedPage, label: string): Promise<void> {
    if (!withoutJs.has(w)) await checkA11y(w.page, label);
    w.assertNoProblems(`on ${label}`);
  }

  /** Submits the form as it is and checks the page shown with its errors (axe too, with JavaScript on). */
  async function checkErrors(w: WatchedPage, button: string, label: string): Promise<void> {
    if (!withoutJs.has(w)) return checkFormErrors(w, button, label);
    const response = await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: button }));
    assert.equal(response.status(), 400, `status after submitting ${label}`);
    assert.match(await w.page.title(), /^Error: /);
    assert.ok(await w.page.locator('.nhsuk-error-summary').isVisible());
    w.assertNoProblems(`on ${label}`);
  }

  const cont = (w: WatchedPage, name = 'Continue') => clickAndWait(w.page, w.page.locator('main').getByRole('button', { name, exact: true }));

  /**
   * A question page: check it, check its error state, then answer it. `seen`: the same page (in
   * other words) was checked on another journey, so only answer it.
   */
  async function question(w: WatchedPage, expected: string, answer: (page: Page) => Promise<void>, options: { errors?: boolean; seen?: boolean } = {}): Promise<void> {
    assert.equal(await heading(w.page), expected);
    if (options.seen) w.assertNoProblems(`on ${expected}`);
    else await checkHere(w, expected);
    if (options.errors !== false && !options.seen) {
      await checkErrors(w, 'Continue', `${expected} (with errors)`);
      assert.equal(await heading(w.page), expected);
    }
    await answer(w.page);
    const response = await cont(w);
    assert.equal(response.status(), 200, `after answering "${expected}"`);
  }

  for (const javaScriptEnabled of [false, true]) {
  test(`a self-referral with JavaScript ${javaScriptEnabled ? 'on' : 'off'}: the crisis options, Back and Change, to the confirmation`, async () => {
    const w = await openPage(browser, { javaScriptEnabled });
    if (!javaScriptEnabled) withoutJs.add(w);
    const { page } = w;
    const surname = javaScriptEnabled ? 'Brightwell' : 'Brightwater';
    try {
      const home = await page.goto(`${server.baseUrl}/`);
      assert.equal(home?.status(), 200);
      await clickAndWait(page, page.locator('main').getByRole('link', { name: 'Refer yourself' }));
      assert.equal(pathOf(page), '/refer');
      await checkHere(w, 'the start page');
      await clickAndWait(page, page.getByRole('button', { name: 'Start now' }));

      await question(w, 'Who needs support?', (p) => p.getByLabel('Me', { exact: true }).check());
      await question(w, 'Are you in danger right now or thinking of ending your life?', (p) => p.getByLabel('Yes', { exact: true }).check());

      // The crisis options at once, with links that work with one tap.
      assert.equal(await heading(page), 'Get help now');
      await checkHere(w, 'the crisis options');
      for (const href of ['tel:999', 'tel:111', 'tel:116123', 'sms:85258?body=SHOUT', 'tel:01632960123']) {
        assert.equal(await page.locator(`main a[href="${href}"]`).count(), 1, href);
      }
      await screenshot(page, `refer-crisis-${javaScriptEnabled ? 'js' : 'nojs'}`);
      await cont(w, 'Carry on with the referral');

      await question(w, 'What is your name?', async (p) => {
        await p.getByLabel('First name').fill('Alex');
        await p.getByLabel('Last name').fill(surname);
      });
      // Back goes to the page before, with the answers kept; Continue comes forward again.
      await clickAndWait(page, page.getByRole('button', { name: 'Back', exact: true }));
      assert.equal(await heading(page), 'What is your name?');
      assert.equal(await page.getByLabel('First name').inputValue(), 'Alex');
      await cont(w);
      await question(w, 'What is your date of birth?', async (p) => {
        await p.getByLabel('Day').fill('12');
        await p.getByLabel('Month').fill('4');
        await p.getByLabel('Year').fill('1990');
      });
      await question(w, 'What is your postcode?', (p) => p.getByLabel('What is your postcode?').fill('DA1 1AA'));
      await question(w, 'Which GP surgery are you registered with?', async (p) => {
        await p.getByLabel('Choose from a list of local GP surgeries').check();
        await p.getByLabel('GP surgery', { exact: true }).selectOption({ label: 'Riverside Surgery (demo)' });
      });
      await question(w, 'What is your NHS number? (optional)', (p) => p.getByLabel('What is your NHS number? (optional)').fill('943 476 5919'), { errors: false });
      // The NHS number's error state: a number with a wrong check digit.
      await clickAndWait(page, page.getByRole('button', { name: 'Back', exact: true }));
      await page.getByLabel('What is your NHS number? (optional)').fill('943 476 5918');
      await checkErrors(w, 'Continue', 'the NHS number page (with errors)');
      await page.getByLabel('What is your NHS number? (optional)').fill('943 476 5919');
      await cont(w);

      await question(w, 'How can we contact you safely?', async (p) => {
        await p.getByLabel('Phone call').check();
        await p.getByLabel('Your phone number').fill('07700 900123');
      });
      await question(w, 'Before we contact you', async (p) => {
        await p.getByLabel('No', { exact: true }).check();
        await p.getByLabel(/What are the best times/).fill('Weekday mornings');
      }, { errors: false });
      // Its error state: a best time too long to be one.
      await clickAndWait(page, page.getByRole('button', { name: 'Back', exact: true }));
      assert.equal(await heading(page), 'Before we contact you');
      await page.getByLabel(/What are the best times/).fill('x'.repeat(201));
      await checkErrors(w, 'Continue', 'the contact safety page (with errors)');
      await page.getByLabel(/What are the best times/).fill('Weekday mornings');
      await page.getByLabel('No', { exact: true }).check();
      await cont(w);

      await question(w, 'What would you like help with?', (p) => p.getByLabel('Worry, stress or panic').check());
      // Nothing here is required; its error state is a story too long to keep.
      assert.equal(await heading(page), 'Tell us what is happening, in your own words');
      await page.getByLabel(/Tell us what is happening/).fill('z'.repeat(4001));
      await checkErrors(w, 'Continue', 'the your-words page (with errors)');
      await question(w, 'Tell us what is happening, in your own words', (p) => p.getByLabel(/Tell us what is happening/).fill('I have not slept properly for weeks.'), { errors: false });
      await question(w, 'Can we tell your GP about this referral?', (p) => p.getByLabel('Yes', { exact: true }).check());

      assert.equal(await heading(page), 'Check your answers before you send them');
      await checkHere(w, 'check your answers');
      await screenshot(page, `refer-check-${javaScriptEnabled ? 'js' : 'nojs'}`);
      // Change goes to the question and straight back.
      await clickAndWait(page, page.getByRole('button', { name: 'Change name' }));
      assert.equal(await heading(page), 'What is your name?');
      await page.getByLabel('First name').fill('Sam');
      await cont(w);
      assert.equal(await heading(page), 'Check your answers before you send them');
      assert.match(await page.locator('main').innerText(), new RegExp(`Sam ${surname}`));

      const sent = await clickAndWait(page, page.getByRole('button', { name: 'Send referral' }));
      assert.equal(sent.status(), 200);
      assert.equal(await heading(page), 'Referral sent');
      await checkHere(w, 'the confirmation (crisis)');
      await screenshot(page, `refer-confirmation-${javaScriptEnabled ? 'js' : 'nojs'}`);
      const reference = (await page.locator('.lantern-reference').innerText()).trim();
      const { rows } = await server.db.query<{ crisis_flag: boolean; given_name: string; gp_organisation_id: string | null; nhs_number: string }>(
        'SELECT crisis_flag, given_name, gp_organisation_id, nhs_number FROM referrals WHERE reference = $1', [reference],
      );
      assert.equal(rows[0]?.crisis_flag, true);
      assert.equal(rows[0]?.given_name, 'Sam');
      assert.ok(rows[0]?.gp_organisation_id);
      assert.equal(rows[0]?.nhs_number, '9434765919');
      assert.equal(await page.locator('main a[href="tel:999"]').count(), 1, 'the confirmation repeats the crisis options');
      if (!javaScriptEnabled) assert.equal(await page.locator('body.js-enabled').count(), 0, 'JavaScript was really off');
    } finally {
      await w.context.close();
    }
  });
  }

  test('a carer’s referral with JavaScript on: the stop page, saving and coming back, and signposting for a young person', async () => {
    const w = await openPage(browser);
    const { page } = w;
    try {
      await checkPage(w, `${server.baseUrl}/refer`, 'the start page (JavaScript on)');
      await clickAndWait(page, page.getByRole('button', { name: 'Start now' }));
      await page.getByLabel('Someone I care for').check();
      await cont(w);
      await page.getByLabel('No', { exact: true }).check();
      await cont(w);
      await question(w, 'Does the person you care for know about this referral and agree to it?', (p) => p.getByLabel('No', { exact: true }).check());
      assert.equal(await heading(page), 'We need them to agree first');
      await checkHere(w, 'the stop page');
      assert.equal(await page.locator('main').getByRole('button', { name: 'Continue' }).count(), 0);
      await clickAndWait(page, page.getByRole('button', { name: 'Change my answer' }));
      await page.getByLabel('Yes, they know and agree').check();
      await cont(w);

      await page.getByLabel('First name').fill('Jo');
      await page.getByLabel('Last name').fill('Brightwater');
      await cont(w);
      await question(w, 'What is Jo’s date of birth?', async (p) => {
        await p.getByLabel('Day').fill('1');
        await p.getByLabel('Month').fill('1');
        await p.getByLabel('Year').fill(String(new Date().getUTCFullYear() - 15));
      }, { seen: true });
      await question(w, 'What is Jo’s postcode?', (p) => p.getByLabel('What is Jo’s postcode?').fill('DA1 1AA'), { seen: true });
      // Save here, and come back later through the link.
      await clickAndWait(page, page.locator('main').getByRole('button', { name: 'Save and come back later' }));
      assert.equal(await heading(page), 'Your answers are saved');
      await checkHere(w, 'the saved page');
      const link = await page.locator('main a[href^="/refer/resume/"]').getAttribute('href');
      assert.ok(link);
      await checkFormErrors(w, 'Email me the link', 'the saved page (with errors)');
      await page.getByLabel('Email address').fill('pat@example.com');
      await clickAndWait(page, page.getByRole('button', { name: 'Email me the link' }));
      assert.match(await page.locator('main').innerText(), /We have sent the link to pat@example.com/);

      await checkPage(w, server.baseUrl + link, 'a saved draft, opened again');
      assert.equal(await heading(page), 'Which GP surgery is Jo registered with?');
      await question(w, 'Which GP surgery is Jo registered with?', (p) => p.getByLabel('I do not know').check(), { seen: true });
      await cont(w);
      await question(w, 'How can we contact Jo safely?', async (p) => {
        await p.getByLabel('Text message').check();
        await p.getByLabel('Their phone number').fill('07700 900456');
      }, { seen: true });
      await cont(w);
      await question(w, 'What would Jo like help with?', async (p) => {
        await p.getByLabel('Something else').check();
        await p.getByLabel('What else would they like help with?').fill('Making friends at college');
      }, { seen: true });
      await cont(w);
      await question(w, 'Can we tell Jo’s GP about this referral?', (p) => p.getByLabel('No', { exact: true }).check(), { seen: true });
      await question(w, 'About you', async (p) => {
        await p.getByLabel('Your full name').fill('Pat Brightwater');
        await p.getByLabel('How do you know them?').fill('I am their mum');
        await p.getByLabel('Your email address').fill('pat@example.com');
      });
      assert.equal(await heading(page), 'Check your answers before you send them');
      await checkHere(w, 'check your answers (carer)');
      await clickAndWait(page, page.getByRole('button', { name: 'Send referral' }));
      assert.equal(await heading(page), 'Referral sent');
      assert.match(await page.locator('main').innerText(), /Support for young people/);
      assert.equal(await page.locator('main a[href^="/services/e2e-youth"]').count(), 1);
      await checkHere(w, 'the confirmation (signposting for a young person)');
      await screenshot(page, 'refer-confirmation-young');

      // The draft went when the referral was sent: the link is refused kindly.
      const token = link.split('/').pop()!;
      const left = await server.db.query('SELECT 1 FROM referral_drafts WHERE token_hash = $1', [draftTokenHash(token)]);
      assert.equal(left.rows.length, 0);
      await checkPage(w, server.baseUrl + link, 'a draft link that no longer works', 404);
    } finally {
      await w.context.close();
    }
  });

  test('a professional referral, signed in as a GP practice’s referrer', async () => {
    const w = await openPage(browser);
    const { page } = w;
    try {
      await signIn(page, server.baseUrl, demoEmail('referrer'), DEMO_PASSWORD);
      await clickAndWait(page, page.getByRole('link', { name: 'Make a referral' }).first());
      assert.equal(pathOf(page), '/partner/referrals/new');
      await checkHere(w, 'the professional referral form');
      assert.equal(await page.getByLabel('Your name').inputValue(), 'Dr Amara Nwosu');
      await page.getByLabel('Your name').fill('');
      await checkFormErrors(w, 'Send referral', 'the professional referral form (with errors)');
      await screenshot(page, 'partner-new-errors');

      await page.getByLabel('Your name').fill('Dr Amara Nwosu');
      await page.getByLabel('Your job title (optional)').fill('GP');
      await page.getByLabel('First name').fill('Morgan');
      await page.getByLabel('Last name').fill('Brightwater');
      await page.getByLabel('Day').fill('5');
      await page.getByLabel('Month').fill('6');
      await page.getByLabel('Year').fill('1978');
      await page.getByLabel('Postcode').fill('DA1 2AA');
      await page.getByLabel('Their phone number (optional)').fill('07700 900222');
      await page.getByRole('group', { name: 'How can we contact them safely?' }).getByLabel('Phone call').check();
      await page.getByLabel('Urgent', { exact: true }).check();
      await page.getByLabel('Why is it urgent?').fill('Lost their home this week');
      await page.getByLabel('Why are you referring them?').fill('Low mood for months.');
      await page.getByLabel('Feeling low or sad').check();
      await page.getByRole('group', { name: 'Does the person know about this referral and agree to it?' }).getByLabel('Yes').check();
      await page.getByRole('group', { name: 'Does the person agree to us telling their GP about the referral?' }).getByLabel('No').check();
      const sent = await clickAndWait(page, page.getByRole('button', { name: 'Send referral' }));
      assert.equal(sent.status(), 200);
      assert.match(pathOf(page), /^\/partner\/referrals\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      assert.match(await page.locator('main').innerText(), /Referral sent/);
      await checkHere(w, 'the professional referral, sent');
      const reference = (await page.locator('.lantern-reference').innerText()).trim();

      await checkPage(w, `${server.baseUrl}/partner/referrals`, 'the organisation’s referrals');
      assert.equal(await page.locator(`main a[href="/partner/referrals/${reference}"]`).count(), 1);
      await checkPage(w, `${server.baseUrl}/partner/referrals?reference=hello`, 'the organisation’s referrals (with errors)', 400);
      await checkPage(w, `${server.baseUrl}/partner/referrals/${reference}`, 'one referral’s progress');
    } finally {
      await w.context.close();
    }
  });

  test('a referral taken by phone, entered by the single point of access, and by a navigator', async () => {
    const w = await openPage(browser);
    const { page } = w;
    try {
      await signIn(page, server.baseUrl, demoEmail('triage'), DEMO_PASSWORD);
      await checkPage(w, `${server.baseUrl}/referrals/new`, 'the staff referral form');
      await checkFormErrors(w, 'Save referral', 'the staff referral form (with errors)');
      await page.getByLabel('Phone (freephone)').check();
      await page.getByLabel('Who made the referral?').selectOption({ label: 'Self-referral' });
      await page.getByLabel('First name').fill('Robin');
      await page.getByLabel('Last name').fill('Brightwater');
      await page.getByLabel('Date of birth not known').check();
      await page.getByLabel('Postcode', { exact: true }).fill('ME4 4QF');
      await page.getByRole('group', { name: 'Their GP surgery' }).getByLabel('Not known').check();
      await page.getByRole('group', { name: 'Did they say they are in danger right now or thinking of ending their life?' }).getByLabel('No').check();
      await page.getByLabel('Routine', { exact: true }).check();
      await page.getByLabel('Reason for the referral').fill('Called the freephone line: feeling isolated.');
      await page.getByRole('group', { name: 'Do they agree to us telling their GP about the referral?' }).getByLabel('Not asked').check();
      const saved = await clickAndWait(page, page.getByRole('button', { name: 'Save referral' }));
      assert.equal(saved.status(), 200);
      assert.match(pathOf(page), /^\/referrals\/[0-9a-f-]{36}$/);
      assert.match(await page.locator('main').innerText(), /Referral saved. Its reference is shown below./);
      await checkHere(w, 'the referral, saved');
    } finally {
      await w.context.close();
    }

    const nav = await openPage(browser);
    try {
      await signIn(nav.page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
      await checkPage(nav, `${server.baseUrl}/referrals/new`, 'the staff referral form (navigator)');
      await nav.page.getByRole('radio', { name: 'Email' }).check();
      await nav.page.getByLabel('Who made the referral?').selectOption({ label: 'Self-referral' });
      await nav.page.getByLabel('First name').fill('Kim');
      await nav.page.getByLabel('Last name').fill('Brightwater');
      await nav.page.getByLabel('Date of birth not known').check();
      await nav.page.getByLabel('They do not have a fixed address').check();
      await nav.page.getByRole('group', { name: 'Their GP surgery' }).getByLabel('Not known').check();
      await nav.page.getByRole('group', { name: 'Did they say they are in danger right now or thinking of ending their life?' }).getByLabel('No').check();
      await nav.page.getByLabel('Routine', { exact: true }).check();
      await nav.page.getByLabel('Reason for the referral').fill('Emailed asking for help.');
      await nav.page.getByRole('group', { name: 'Do they agree to us telling their GP about the referral?' }).getByLabel('Yes').check();
      await clickAndWait(nav.page, nav.page.getByRole('button', { name: 'Save referral' }));
      assert.match(await nav.page.locator('main').innerText(), /Referral saved/);
      await checkHere(nav, 'the referral, saved (navigator)');
    } finally {
      await nav.context.close();
    }
  });
});
