// Personal budgets, handover, discharge and coming back, in a real browser: axe (WCAG 2.2 AA) on
// every page and every error state, with no console errors, uncaught exceptions or CSP
// violations; and the whole journey with JavaScript off: a navigator sets a personal budget with
// two items and records spending, hands the person to navigator3 who acknowledges, who then
// discharges them and brings them back by the fast route.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { addDays } from '../src/domain/calendar-date.ts';
import { londonDate } from '../src/domain/working-days.ts';
import { addItem, createBudget, recordSpending } from '../src/features/budgets/service.ts';
import { sendHandover } from '../src/features/episodes/handover.ts';
import { dischargeEpisode } from '../src/features/episodes/discharge.ts';
import { comeBack } from '../src/features/episodes/come-back.ts';
import { openTestEpisode, staffContextFor, staffMember, type TestEpisode } from '../test/support/closing.ts';
import { listing, saveListings } from '../test/support/listings.ts';
import { browserSkip, SUITE_TIMEOUT_MS, checkA11y, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

const today = () => londonDate(new Date());
const DAY = 86_400_000;
const parts = (iso: string) => {
  const [year, month, day] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
};
const dateForm = (name: string, iso: string) => {
  const p = parts(iso);
  return { [`${name}[day]`]: p.day, [`${name}[month]`]: p.month, [`${name}[year]`]: p.year };
};
const pathOf = (page: Page) => new URL(page.url()).pathname;

async function fillDate(page: Page, name: string, iso: string): Promise<void> {
  const p = parts(iso);
  await page.locator(`#${name}-day`).fill(p.day);
  await page.locator(`#${name}-month`).fill(p.month);
  await page.locator(`#${name}-year`).fill(p.year);
}

describe('personal budgets, handover, discharge and coming back (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  const baseUrl = () => server.baseUrl;

  before(async () => {
    browser = await launchBrowser();
    server = await startServer({ people: 0 });
    await saveListings(server.db, [
      listing({ id: 'e2e-art-in-mind', name: 'Canterbury Art in Mind', organisationName: 'Art in Mind', summary: 'Weekly art groups for people with mental health problems.' }),
      listing({ id: 'e2e-art-walks', name: 'Art walks by the sea', organisationName: 'Whitstable Walkers', summary: 'Sketching on a gentle walk.' }),
    ]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const episode = (worker = 'navigator', startedDaysAgo = 400): Promise<TestEpisode> =>
    openTestEpisode(server.db, { workerEmail: demoEmail(worker), startedAt: new Date(Date.now() - startedDaysAgo * DAY) });

  describe('every page and error state', () => {
    let w: WatchedPage;
    let empty: TestEpisode;
    let withBudget: TestEpisode;
    let itemId: string;
    let closedBudgetId: string;
    let pendingHandoverId: string;
    let dischargedOne: TestEpisode;
    let cameBack: TestEpisode;
    const check = (path: string, label: string, status = 200) => checkPage(w, baseUrl() + path, label, status);

    before(async () => {
      empty = await episode();
      withBudget = await episode();
      const tom = await staffContextFor(server.db, demoEmail('navigator'));
      await createBudget(tom, withBudget.episodeId, { amount: '800', ...dateForm('startsOn', addDays(today(), -20)), ...dateForm('endsOn', addDays(today(), 200)), brokerageBy: 'Kent Independent Brokerage', brokerageNotes: 'Direct payment.' });
      itemId = await addItem(tom, withBudget.episodeId, { choice: 'service:e2e-art-in-mind', planned: '300' });
      await addItem(tom, withBudget.episodeId, { choice: 'other', description: 'Swimming pass', planned: '200' });
      await recordSpending(tom, withBudget.episodeId, { itemId, amount: '45.50', description: 'Four sessions', ...dateForm('spentOn', today()) });
      const grace = await staffMember(server.db, demoEmail('navigator3'));
      pendingHandoverId = await sendHandover(tom, withBudget.episodeId, {
        toUserId: grace.id, whatMatters: 'Painting.', currentSituation: 'Art group weekly.', risks: 'No known risks.', nextSteps: 'Review in May.', version: '1',
      }, { baseUrl: 'http://lantern.test' });

      const ended = await episode();
      closedBudgetId = await createBudget(tom, ended.episodeId, { amount: '100', ...dateForm('startsOn', addDays(today(), -60)), ...dateForm('endsOn', addDays(today(), -1)) });
      dischargedOne = ended;
      await dischargeEpisode(tom, ended.episodeId, { reason: 'goals_met', closingSummary: 'Doing well.', ...dateForm('dischargeDate', addDays(today(), -1)), version: '1' }, { baseUrl: 'http://lantern.test' });

      cameBack = await episode();
      await dischargeEpisode(tom, cameBack.episodeId, { reason: 'moved_away', closingSummary: 'Moved to Leeds.', ...dateForm('dischargeDate', addDays(today(), -3)), version: '1' }, { baseUrl: 'http://lantern.test' });
      await comeBack(tom, cameBack.personId, { channel: 'phone', source: 'self', reason: 'Moved back.', workerId: tom.actor.userId, token: crypto.randomUUID() }, { baseUrl: 'http://lantern.test' });

      w = await openPage(browser);
      await signIn(w.page, baseUrl(), demoEmail('navigator'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('a budget page with no budget', () => check(`/episodes/${empty.episodeId}/budget`, 'personal budget, none yet'));
    test('set up a budget, and its errors', async () => {
      await check(`/episodes/${empty.episodeId}/budget/new`, 'set up a personal budget');
      await w.page.getByLabel('Amount').fill('12,50');
      await w.page.locator('#endsOn-day').fill('40');
      await checkFormErrors(w, 'Set up the budget', 'set up a personal budget with errors');
    });
    test('a budget with its plan and spending', () => check(`/episodes/${withBudget.episodeId}/budget`, 'personal budget with a plan and spending'));
    test('change the budget, and its errors', async () => {
      await check(`/episodes/${withBudget.episodeId}/budget/edit`, 'change the budget');
      await w.page.getByLabel('Amount').fill('10');
      await checkFormErrors(w, 'Save changes', 'change the budget with errors');
    });
    test('add an item, with directory results, and its errors', async () => {
      await check(`/episodes/${withBudget.episodeId}/budget/items/new`, 'add an item to the plan');
      await check(`/episodes/${withBudget.episodeId}/budget/items/new?q=art`, 'add an item to the plan, with directory results');
      await w.page.getByLabel('Planned amount').fill('9999');
      await checkFormErrors(w, 'Add to the plan', 'add an item to the plan with errors');
    });
    test('change an item, and its errors', async () => {
      await check(`/episodes/${withBudget.episodeId}/budget/items/${itemId}`, 'change an item of the plan');
      await w.page.getByLabel('Planned amount').fill('');
      await checkFormErrors(w, 'Save planned amount', 'change an item of the plan with errors');
    });
    test('record spending, and overspending refused', async () => {
      await check(`/episodes/${withBudget.episodeId}/budget/spending/new`, 'record spending');
      await w.page.getByLabel('Canterbury Art in Mind').check();
      await w.page.getByLabel('What was it for?').fill('A year of classes');
      await fillDate(w.page, 'spentOn', today());
      await w.page.getByLabel('Amount').fill('5000');
      await checkFormErrors(w, 'Record spending', 'record spending that would overspend');
      assert.match(await w.page.locator('.nhsuk-error-summary').innerText(), /£754.50 is left/);
    });
    test('close a budget before its period ends is refused on a page that says why', async () => {
      await check(`/episodes/${withBudget.episodeId}/budget/close`, 'close the budget');
      w.problems.splice(0);
      const response = await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: 'Close the budget' }));
      assert.equal(response.status(), 409);
      await checkA11y(w.page, 'close the budget too early');
      w.assertNoProblems('closing the budget too early');
    });
    test('an earlier budget', () => check(`/episodes/${dischargedOne.episodeId}/budget/${closedBudgetId}`, 'an earlier, closed budget'));

    test('hand over, and its errors', async () => {
      await check(`/episodes/${empty.episodeId}/handover`, 'hand over their support');
      await checkFormErrors(w, 'Send the handover', 'hand over with errors');
      await check(`/episodes/${withBudget.episodeId}/handover`, 'hand over, with a handover waiting');
      await check(`/handovers/${pendingHandoverId}`, 'a handover, seen by its sender');
    });
    test('a handover to acknowledge, and its error', async () => {
      const grace = await openPage(browser);
      try {
        await signIn(grace.page, baseUrl(), demoEmail('navigator3'), DEMO_PASSWORD);
        await checkPage(grace, `${baseUrl()}/handovers/${pendingHandoverId}`, 'a handover to acknowledge');
        await checkFormErrors(grace, 'Acknowledge the handover', 'acknowledging without saying it was read');
      } finally {
        await grace.context.close();
      }
    });
    test('discharge, and its errors', async () => {
      await check(`/episodes/${withBudget.episodeId}/discharge`, 'end their support, with things still open');
      await w.page.getByRole('radio', { name: 'Another reason' }).check();
      await fillDate(w.page, 'dischargeDate', addDays(today(), 3));
      await checkFormErrors(w, `Discharge ${withBudget.givenName} ${withBudget.familyName}`, 'discharge with errors');
      await check(`/episodes/${dischargedOne.episodeId}/discharge`, 'their support has ended');
    });
    test('come back, and its errors; refused with support open', async () => {
      await check(`/people/${dischargedOne.personId}/come-back`, 'come back for support');
      await checkFormErrors(w, 'Bring them back', 'come back with errors');
      await check(`/people/${withBudget.personId}/come-back`, 'come back refused: support is open');
      await check(`/people/${cameBack.personId}/come-back?done=1`, 'support reopened');
    });
    test('triage sees the pages without forms; a commissioner is refused', async () => {
      const triage = await openPage(browser);
      try {
        await signIn(triage.page, baseUrl(), demoEmail('triage'), DEMO_PASSWORD);
        await checkPage(triage, `${baseUrl()}/episodes/${withBudget.episodeId}/discharge`, 'end their support, as triage');
        await checkPage(triage, `${baseUrl()}/episodes/${withBudget.episodeId}/budget`, 'personal budget, as triage');
        await checkPage(triage, `${baseUrl()}/people/${dischargedOne.personId}/come-back`, 'come back, as triage');
        assert.equal(await triage.page.locator('main form').count(), 0);
      } finally {
        await triage.context.close();
      }
      const commissioner = await openPage(browser);
      try {
        await signIn(commissioner.page, baseUrl(), demoEmail('commissioner'), DEMO_PASSWORD);
        await checkPage(commissioner, `${baseUrl()}/episodes/${withBudget.episodeId}/budget`, 'personal budget refused to a commissioner', 403);
      } finally {
        await commissioner.context.close();
      }
    });
  });

  describe('the journey, with JavaScript off', () => {
    test('budget with two items and spending, handover acknowledged, discharge, and back by the fast route', async () => {
      const e = await episode('navigator', 400);
      const name = `${e.givenName} ${e.familyName}`;
      const tom = await openPage(browser, { javaScriptEnabled: false });
      const grace = await openPage(browser, { javaScriptEnabled: false });
      try {
        const { page } = tom;
        await signIn(page, baseUrl(), demoEmail('navigator'), DEMO_PASSWORD);
        assert.equal(await page.locator('body.js-enabled').count(), 0, 'JavaScript is really off');

        // A personal budget with two items: one from the directory, one from elsewhere.
        await visit(page, `${baseUrl()}/episodes/${e.episodeId}/budget`);
        await clickAndWait(page, page.getByRole('button', { name: 'Set up a personal budget' }));
        await page.getByLabel('Amount').fill('£1,250.00');
        await fillDate(page, 'startsOn', addDays(today(), -7));
        await fillDate(page, 'endsOn', addDays(today(), 358));
        await page.getByLabel('Who helped plan it (optional)').fill('Kent Independent Brokerage');
        await clickAndWait(page, page.getByRole('button', { name: 'Set up the budget' }));
        assert.match(await page.locator('.nhsuk-notification-banner').innerText(), /Personal budget set up/);

        await clickAndWait(page, page.getByRole('link', { name: 'Add an item to the plan' }));
        await page.getByLabel('What are you looking for?').fill('art');
        await clickAndWait(page, page.getByRole('button', { name: 'Search the directory' }));
        assert.match(page.url(), /q=art/);
        await page.getByLabel('Canterbury Art in Mind').check();
        await page.getByLabel('Planned amount').fill('450');
        await clickAndWait(page, page.getByRole('button', { name: 'Add to the plan' }));
        await clickAndWait(page, page.getByRole('link', { name: 'Add an item to the plan' }));
        await page.getByLabel('Something not in the directory').check();
        await page.getByLabel('If it is not in the directory, what is it?').fill('Gym membership');
        await page.getByLabel('Planned amount').fill('600.00');
        await clickAndWait(page, page.getByRole('button', { name: 'Add to the plan' }));

        await clickAndWait(page, page.getByRole('link', { name: 'Record spending' }));
        await page.getByLabel('Canterbury Art in Mind').check();
        await page.getByLabel('What was it for?').fill('Six weeks of classes');
        await fillDate(page, 'spentOn', today());
        await page.getByLabel('Amount').fill('120.10');
        await clickAndWait(page, page.getByRole('button', { name: 'Record spending' }));
        assert.equal(await page.locator('#budget-left').innerText(), '£1,129.90');
        assert.match(await page.locator('main').innerText(), /Gym membership\s+£600.00\s+£0.00\s+£600.00/);
        await screenshot(page, 'closing-budget-nojs');
        tom.assertNoProblems('setting up a personal budget without JavaScript');

        // Hand over to Grace, who must acknowledge it.
        await visit(page, `${baseUrl()}/episodes/${e.episodeId}/handover`);
        await page.getByLabel('Grace Adeyemi').check();
        await page.getByLabel('What matters to them').fill('Painting, and being called in the afternoon.');
        await page.getByLabel('What is going on now').fill('Art group weekly; personal budget for classes and the gym.');
        await page.getByLabel('Risks').fill('No known risks.');
        await page.getByLabel('What is next').fill('Review the plan next month.');
        await clickAndWait(page, page.getByRole('button', { name: 'Send the handover' }));
        assert.match(pathOf(page), /^\/handovers\/[0-9a-f-]{36}$/);
        const handoverPath = pathOf(page);
        assert.match(await page.locator('main').innerText(), /Responsible now\s+Tom Okafor/);
        tom.assertNoProblems('handing over without JavaScript');

        await signIn(grace.page, baseUrl(), demoEmail('navigator3'), DEMO_PASSWORD);
        await visit(grace.page, baseUrl() + handoverPath);
        await grace.page.getByLabel('I have read the handover and I am taking over their support').check();
        await clickAndWait(grace.page, grace.page.getByRole('button', { name: 'Acknowledge the handover' }));
        assert.match(await grace.page.locator('main').innerText(), /Responsible now\s+Grace Adeyemi/);

        // Grace discharges them.
        await visit(grace.page, `${baseUrl()}/episodes/${e.episodeId}/discharge`);
        assert.match(await grace.page.locator('main').innerText(), /Their personal budget is open/);
        await grace.page.getByLabel('Their goals are met').check();
        await grace.page.getByLabel('Closing summary').fill('Painting again and back at the gym. Knows to get in touch if things slip.');
        await fillDate(grace.page, 'dischargeDate', today());
        await clickAndWait(grace.page, grace.page.getByRole('button', { name: `Discharge ${name}` }));
        assert.match(await grace.page.locator('h1').innerText(), /Their support has ended/);
        assert.match(await grace.page.locator('.nhsuk-notification-banner').innerText(), /They have been discharged/);
        await screenshot(grace.page, 'closing-discharged-nojs');

        // And brings them back by the fast route.
        await clickAndWait(grace.page, grace.page.getByRole('link', { name: `Bring ${name} back for support` }));
        assert.equal(pathOf(grace.page), `/people/${e.personId}/come-back`);
        await grace.page.getByLabel('Phone (freephone)').check();
        await grace.page.getByLabel('Who asked for them to come back?').selectOption('self');
        await grace.page.getByLabel('What has changed, and what would they like help with now?').fill('Lost their job and would like help again.');
        assert.equal(await grace.page.getByLabel('Grace Adeyemi').isChecked(), true, 'their last worker is chosen');
        await clickAndWait(grace.page, grace.page.getByRole('button', { name: 'Bring them back' }));
        assert.match(await grace.page.locator('.nhsuk-panel').innerText(), /Welcome back: support reopened/);
        grace.assertNoProblems('discharging and bringing back without JavaScript');

        const { rows } = await server.db.query<{ previous_episode_id: string; fast_track: boolean; state: string }>(
          `SELECT e.previous_episode_id, r.fast_track, r.state FROM episodes e JOIN referrals r ON r.tenant_id = e.tenant_id AND r.id = e.referral_id
            WHERE e.person_id = $1 AND e.state = 'open'`,
          [e.personId],
        );
        assert.deepEqual(rows, [{ previous_episode_id: e.episodeId, fast_track: true, state: 'signed_up' }]);
      } finally {
        await tom.context.close();
        await grace.context.close();
      }
    });
  });
});
