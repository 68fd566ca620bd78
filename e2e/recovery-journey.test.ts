// One person's whole way through support, in a real browser, as the people who do it would click:
// a navigator signs them up from the waiting list, writes the plan with them and a goal in their
// words, and prescribes Dartford Men's Shed; the provider there accepts it from their own inbox;
// the navigator sees the answer, discharges them with a closing summary, and their page says that
// support has ended. It runs twice: with JavaScript on, where axe (WCAG 2.2 AA) checks every page on
// the way, and with JavaScript off, where every step must still work (axe needs JavaScript). Every
// page must load without console errors, uncaught exceptions or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { seedDirectory } from '../src/seed/directory.ts';
import { londonDate } from '../src/domain/working-days.ts';
import { browserSkip, SUITE_TIMEOUT_MS, checkA11y, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';
import { referralSubmission, waitingReferral } from '../test/support/referrals.ts';
import type { Referral } from '../src/features/referrals/model.ts';

const pathOf = (page: Page): string => new URL(page.url()).pathname;
const mainText = (page: Page): Promise<string> => page.locator('main').innerText();

describe('from sign-up to discharge (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer({ people: 12 });
    await seedDirectory(server.db, ['kent']);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const javaScript of [true, false]) {
    test(`sign-up, plan, prescription, the provider accepts, discharge (JavaScript ${javaScript ? 'on, axe on every page' : 'off'})`, async () => {
      const referral: Referral = await waitingReferral(server.db, demoEmail('navigator'), {
        submission: referralSubmission({}, { givenName: javaScript ? 'Dylan' : 'Owain' }, { call: true, voicemail: true }),
      });
      const name = `${referral.subject.givenName} ${referral.subject.familyName}`;
      const nav = await openPage(browser, { javaScriptEnabled: javaScript });
      const prov = await openPage(browser, { javaScriptEnabled: javaScript });
      /** After each page the journey reaches: axe (when JavaScript is on) and no browser problems. */
      const checked = async (w: WatchedPage, label: string): Promise<void> => {
        if (javaScript) await checkA11y(w.page, label);
        w.assertNoProblems(`on ${label}`);
      };
      try {
        const { page } = nav;
        await signIn(page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
        assert.equal(await page.locator('body.js-enabled').count(), javaScript ? 1 : 0, `JavaScript is really ${javaScript ? 'on' : 'off'}`);

        // From the waiting list: they answered the phone and want support.
        await visit(page, `${server.baseUrl}/waiting-list`);
        await checked(nav, 'the waiting list');
        await clickAndWait(page, page.getByRole('link', { name }));
        assert.equal(pathOf(page), `/referrals/${referral.id}`);
        await checked(nav, 'their referral');
        await clickAndWait(page, page.getByRole('link', { name: 'Record an attempt to contact' }));
        await page.getByLabel('Phone call').check();
        await page.getByLabel('Spoke with them').check();
        await clickAndWait(page, page.getByRole('button', { name: 'Save attempt' }));
        assert.match(await mainText(page), /Contact attempt recorded/);
        await checked(nav, 'the referral after a call');
        await clickAndWait(page, page.getByRole('link', { name: 'Sign up for support' }));
        await checked(nav, 'sign up');
        await clickAndWait(page, page.getByRole('button', { name: 'Sign up' }));
        assert.match(await mainText(page), /Signed up\. Their support episode is open\./);
        await clickAndWait(page, page.getByRole('link', { name: 'Open their support episode' }));
        assert.match(pathOf(page), /^\/episodes\/[0-9a-f-]{36}$/);
        const episodePath = pathOf(page);
        await checked(nav, 'a new support episode');

        // The plan, written with them, and a goal in their own words.
        await clickAndWait(page, page.getByRole('link', { name: 'Write the plan with them' }));
        await checked(nav, 'write the plan');
        await page.getByLabel('What matters to them').fill('Being useful again, and getting out of the flat');
        await page.getByLabel('Their strengths').fill('Good with his hands; patient');
        await clickAndWait(page, page.getByRole('button', { name: 'Save the plan' }));
        assert.equal(pathOf(page), episodePath);
        assert.match(await mainText(page), /Plan saved/);
        await clickAndWait(page, page.getByRole('link', { name: 'Add a goal' }));
        await checked(nav, 'add a goal');
        await page.getByLabel('The goal, in their own words').fill('Make something with other people each week');
        await page.getByLabel('Connected to my community and less lonely').check();
        await clickAndWait(page, page.getByRole('button', { name: 'Add the goal' }));
        assert.match(await mainText(page), /Goal added/);
        await checked(nav, 'a new goal');

        // A social prescription to the men's shed, which is run by an organisation in Lantern.
        await visit(page, server.baseUrl + episodePath);
        assert.match(await mainText(page), /“Make something with other people each week”/);
        await clickAndWait(page, page.getByRole('button', { name: 'Prescribe a service or activity' }));
        await page.getByLabel('Name of the service, or what it helps with').fill("men's shed");
        await clickAndWait(page, page.getByRole('button', { name: 'Search the directory' }));
        await checked(nav, 'prescribe: search results');
        await page.getByLabel("Dartford Men's Shed", { exact: true }).check();
        await page.getByLabel('Note for the provider').fill('Used to be a carpenter. Quiet is easier for him at first.');
        await clickAndWait(page, page.getByRole('button', { name: 'Send the prescription' }));
        assert.match(pathOf(page), /^\/prescriptions\/[0-9a-f-]{36}$/);
        const prescriptionPath = pathOf(page);
        assert.match(await mainText(page), /Prescription sent[\s\S]*Waiting for an answer/);
        await checked(nav, 'a prescription just sent');

        // The provider finds it in their own inbox and accepts it.
        const p = prov.page;
        await signIn(p, server.baseUrl, demoEmail('provider'), DEMO_PASSWORD);
        await clickAndWait(p, p.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Social prescriptions' }));
        await checked(prov, 'the provider’s inbox');
        await clickAndWait(p, p.getByRole('link', { name }).first());
        assert.equal(pathOf(p), prescriptionPath);
        assert.match(await mainText(p), /Used to be a carpenter/);
        await checked(prov, 'a prescription waiting for an answer');
        await clickAndWait(p, p.getByRole('link', { name: 'Accept' }));
        await checked(prov, 'accept');
        await p.getByLabel('Anything the navigator should know (optional)').fill('Tuesdays at 10. Ask for Gareth.');
        await clickAndWait(p, p.getByRole('button', { name: 'Accept' }));
        assert.match(await mainText(p), /Accepted\. The navigator can see that you accepted it\./);
        await checked(prov, 'an accepted prescription (provider)');

        // The navigator sees the answer on the support plan.
        await visit(page, server.baseUrl + episodePath);
        const prescriptions = await page.locator('section', { has: page.locator('#social-prescriptions') }).innerText();
        assert.match(prescriptions, /Dartford Men's Shed[\s\S]*Accepted/);
        await checked(nav, 'the support plan with an accepted prescription');
        await clickAndWait(page, page.getByRole('link', { name: "Dartford Men's Shed" }));
        assert.match(await mainText(page), /Tuesdays at 10\. Ask for Gareth\./);
        await checked(nav, 'an accepted prescription (navigator)');

        // Later: support ends. What is still open is shown before the navigator confirms.
        await visit(page, server.baseUrl + episodePath);
        await clickAndWait(page, page.getByRole('link', { name: 'End their support (discharge)' }));
        assert.equal(pathOf(page), `${episodePath}/discharge`);
        const open = await mainText(page);
        assert.match(open, /A goal is still being worked on/);
        assert.match(open, /A social prescription is not finished[\s\S]*Dartford Men's Shed: accepted/);
        await checked(nav, 'discharge');
        await page.getByLabel('Their goals are met').check();
        await page.getByLabel('Closing summary').fill('At the shed every Tuesday and has made friends there. Knows how to get back in touch.');
        const today = londonDate(new Date());
        await page.locator('#dischargeDate-day').fill(String(Number(today.slice(8))));
        await page.locator('#dischargeDate-month').fill(String(Number(today.slice(5, 7))));
        await page.locator('#dischargeDate-year').fill(today.slice(0, 4));
        await clickAndWait(page, page.getByRole('button', { name: `Discharge ${name}` }));
        assert.match(await page.locator('h1').innerText(), /Their support has ended/);
        assert.match(await page.locator('.nhsuk-notification-banner').innerText(), /They have been discharged/);
        await checked(nav, 'after discharge');
        await screenshot(page, `recovery-journey-discharged-${javaScript ? 'js' : 'nojs'}`);

        // The plan can be read but not changed, and their page says support has ended.
        await visit(page, server.baseUrl + episodePath);
        assert.match(await mainText(page), /This support ended on/);
        assert.equal(await page.getByRole('link', { name: 'Add a goal' }).count(), 0, 'no goals can be added after discharge');
        assert.equal(await page.getByRole('button', { name: 'Prescribe a service or activity' }).count(), 0, 'nothing can be prescribed after discharge');
        await checked(nav, 'the plan after discharge');

        const { rows } = await server.db.query<{ referral: string; episode: string; reason: string; prescription: string }>(
          `SELECT r.state AS referral, e.state AS episode, e.discharge_reason AS reason, p.state AS prescription
             FROM referrals r JOIN episodes e ON e.tenant_id = r.tenant_id AND e.id = r.episode_id
             JOIN prescriptions p ON p.tenant_id = e.tenant_id AND p.episode_id = e.id
            WHERE r.id = $1`,
          [referral.id],
        );
        assert.deepEqual(rows, [{ referral: 'signed_up', episode: 'discharged', reason: 'goals_met', prescription: 'accepted' }]);
      } finally {
        await nav.context.close();
        await prov.context.close();
      }
    });
  }
});
