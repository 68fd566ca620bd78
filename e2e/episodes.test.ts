// The navigator's pages in a real browser, checked with axe (WCAG 2.2 AA): the caseload, the
// person's summary, risk flags and contact preferences, the support plan with its goals, steps,
// progress, contacts and status, each form with its errors and after a stale save; reflow at 320
// pixels; and a whole navigator's journey with JavaScript off, from the caseload to a plan with a
// goal and a step, progress and a contact with MECC advice (axe needs JavaScript, so the pages of
// the journey are checked with it on, above).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';
import { personWithEpisode, staffContextOf, type SupportedPerson } from '../test/support/episodes.ts';
import { createGoal, createStep, recordProgress, savePlan } from '../src/features/episodes/plan.ts';
import { recordContact, recordStatus } from '../src/features/episodes/contacts.ts';
import { datePartsFrom, NO_DATE } from '../src/features/episodes/fields.ts';
import { saveRisk } from '../src/features/people/risk.ts';
import { addDays } from '../src/domain/calendar-date.ts';
import { londonDate } from '../src/domain/working-days.ts';

const pathOf = (page: Page): string => new URL(page.url()).pathname;

describe('support plans in the browser', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let who: SupportedPerson;
  let goalId = '';
  let stepId = '';
  const today = londonDate(new Date());

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer();
    // Someone with a full plan, for the pages to show everything they can.
    who = await personWithEpisode(server.db, { worker: 'navigator3', givenName: 'Robin', familyName: 'Ashby', startedAt: new Date(`${addDays(today, -40)}T10:00:00Z`) });
    const ctx = await staffContextOf(server.db, 'navigator3');
    await savePlan(ctx, who.episodeId, { whatMatters: 'Being a good dad\nThe allotment', strengths: 'Practical, patient', nextReviewOn: datePartsFrom(addDays(today, 3)), version: 0 });
    goalId = await createGoal(ctx, who.episodeId, { description: 'Grow my own vegetables', domain: 'healthy_living', reviewOn: datePartsFrom(addDays(today, 20)) });
    stepId = await createStep(ctx, who.episodeId, goalId, { description: 'Ask about a plot', owner: 'other', ownerName: 'Allotment secretary', dueOn: datePartsFrom(addDays(today, 5)) });
    await createStep(ctx, who.episodeId, goalId, { description: 'Buy seeds', owner: 'person', ownerName: '', dueOn: NO_DATE });
    await recordProgress(ctx, who.episodeId, goalId, { rating: '2', note: 'Not started', ratedOn: datePartsFrom(addDays(today, -30)) });
    await recordProgress(ctx, who.episodeId, goalId, { rating: '5', note: 'Visited the site', ratedOn: datePartsFrom(addDays(today, -2)) });
    await recordContact(ctx, who.episodeId, { contactOn: datePartsFrom(addDays(today, -20)), time: '10:00', kind: 'face_to_face', duration: '50', note: 'Home visit', mecc: ['smoking', 'alcohol'] });
    await recordStatus(ctx, who.episodeId, { recordedOn: datePartsFrom(addDays(today, -40)), employmentStatus: '04', accommodationType: 'social_tenant', volunteering: 'no', educationTraining: 'no' });
    await saveRisk(ctx, who.personId, { flags: ['lone_working', 'substance_use'], summary: 'Large dog. Visit in pairs.', version: 0 });
    await personWithEpisode(server.db, { worker: 'navigator3', givenName: 'Kim', familyName: 'Baines' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const e = () => `/episodes/${who.episodeId}`;
  const g = () => `${e()}/goals/${goalId}`;

  describe('pages and their errors (JavaScript on)', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('navigator3'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    const check = (path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);
    const open = (path: string) => visit(w.page, server.baseUrl + path);
    const byId = (id: string) => w.page.locator(`#${id}`);

    test('the caseload', async () => {
      await check('/caseload', 'the caseload');
      await screenshot(w.page, 'caseload');
      const rows = await w.page.locator('tbody tr').count();
      assert.equal(rows, 2);
    });
    test('the caseload, filtered to nobody', () => check('/caseload?risk=harm_to_others&overdue=1', 'the caseload with no match'));
    test('the person’s summary', async () => {
      await check(`/people/${who.personId}`, 'the person’s summary page');
      await screenshot(w.page, 'person-summary');
    });
    test('risk flags', () => check(`/people/${who.personId}/risk`, 'risk flags'));
    test('risk flags with errors', async () => {
      await open(`/people/${who.personId}/risk`);
      await w.page.getByLabel('Self-harm').check();
      await byId('summary').fill('');
      await checkFormErrors(w, 'Save risk flags', 'risk flags with errors');
    });
    test('risk flags after a stale save', async () => {
      await open(`/people/${who.personId}/risk`);
      await server.db.query('UPDATE person_risks SET version = version + 1 WHERE person_id = $1', [who.personId]);
      await checkFormErrors(w, 'Save risk flags', 'risk flags after a stale save', 409);
    });
    test('contact preferences', () => check(`/people/${who.personId}/contact-preferences`, 'how they want to be contacted'));
    test('contact preferences with errors', async () => {
      await open(`/people/${who.personId}/contact-preferences`);
      await w.page.getByLabel('Voicemail').check();
      await checkFormErrors(w, 'Save how they want to be contacted', 'contact preferences with errors');
    });
    test('contact preferences after a stale save', async () => {
      await open(`/people/${who.personId}/contact-preferences`);
      await w.page.getByLabel('Text message').check();
      await server.db.query('UPDATE people SET version = version + 1 WHERE id = $1', [who.personId]);
      await checkFormErrors(w, 'Save how they want to be contacted', 'contact preferences after a stale save', 409);
    });
    test('the support plan', async () => {
      await check(e(), 'the episode and its plan');
      await screenshot(w.page, 'episode');
    });
    test('change the plan', () => check(`${e()}/plan`, 'change the plan'));
    test('change the plan with errors', async () => {
      await open(`${e()}/plan`);
      await byId('whatMatters').fill('');
      await byId('strengths').fill('');
      await byId('nextReviewOn-day').fill('31');
      await byId('nextReviewOn-month').fill('2');
      await checkFormErrors(w, 'Save the plan', 'change the plan with errors');
    });
    test('change the plan after a stale save', async () => {
      await open(`${e()}/plan`);
      await byId('whatMatters').fill('Being a good dad, and work');
      await server.db.query(`UPDATE support_plans SET what_matters = 'Being a good dad, and the allotment', version = version + 1 WHERE episode_id = $1`, [who.episodeId]);
      await checkFormErrors(w, 'Save the plan', 'change the plan after a stale save', 409);
      await screenshot(w.page, 'plan-stale');
      assert.equal(await byId('whatMatters').inputValue(), 'Being a good dad, and work');
    });
    test('add a goal', () => check(`${e()}/goals/new`, 'add a goal'));
    test('add a goal with errors', async () => {
      await open(`${e()}/goals/new`);
      await checkFormErrors(w, 'Add the goal', 'add a goal with errors');
    });
    test('a goal', async () => {
      await check(g(), 'a goal');
      await screenshot(w.page, 'goal');
    });
    test('change a goal', () => check(`${g()}/edit`, 'change a goal'));
    test('change a goal with errors', async () => {
      await open(`${g()}/edit`);
      await w.page.getByLabel('Stopped', { exact: true }).check();
      await checkFormErrors(w, 'Save the goal', 'change a goal with errors');
    });
    test('change a goal after a stale save', async () => {
      await open(`${g()}/edit`);
      await server.db.query('UPDATE goals SET version = version + 1 WHERE id = $1', [goalId]);
      await checkFormErrors(w, 'Save the goal', 'change a goal after a stale save', 409);
    });
    test('add a step', () => check(`${g()}/steps/new`, 'add a step'));
    test('add a step with errors', async () => {
      await open(`${g()}/steps/new`);
      await w.page.getByLabel('Someone else').check();
      await checkFormErrors(w, 'Add the step', 'add a step with errors');
    });
    test('change a step', () => check(`${g()}/steps/${stepId}`, 'change a step'));
    test('change a step with errors', async () => {
      await open(`${g()}/steps/${stepId}`);
      await byId('description').fill('');
      await checkFormErrors(w, 'Save the step', 'change a step with errors');
    });
    test('change a step after a stale save', async () => {
      await open(`${g()}/steps/${stepId}`);
      await byId('description').fill('Ask the secretary about a half plot');
      await server.db.query('UPDATE goal_steps SET version = version + 1 WHERE id = $1', [stepId]);
      await checkFormErrors(w, 'Save the step', 'change a step after a stale save', 409);
    });
    test('a step marked done from a stale page', async () => {
      await open(g());
      await server.db.query('UPDATE goal_steps SET version = version + 1 WHERE id = $1', [stepId]);
      await checkFormErrors(w, 'Mark as done : Ask about a plot', 'a goal after a stale step', 409);
    });
    test('record progress', () => check(`${g()}/progress/new`, 'record progress'));
    test('record progress with errors', async () => {
      await open(`${g()}/progress/new`);
      await checkFormErrors(w, 'Save progress', 'record progress with errors');
    });
    test('contacts', () => check(`${e()}/contacts`, 'contacts'));
    test('record a contact', () => check(`${e()}/contacts/new`, 'record a contact'));
    test('record a contact with errors', async () => {
      await open(`${e()}/contacts/new`);
      await byId('time').fill('25:99');
      await byId('duration').fill('0');
      await checkFormErrors(w, 'Save the contact', 'record a contact with errors');
    });
    test('status history', () => check(`${e()}/status`, 'status history'));
    test('record a change in status', () => check(`${e()}/status/new`, 'record a change in status'));
    test('record a change in status with errors', async () => {
      await open(`${e()}/status/new`);
      await byId('recordedOn-year').fill('20');
      await checkFormErrors(w, 'Save status', 'record a change in status with errors');
    });
  });

  describe('as a team lead, and read only for triage', () => {
    test('the team caseload', async () => {
      const w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
      await checkPage(w, `${server.baseUrl}/caseload?team=1`, 'the team caseload');
      await screenshot(w.page, 'caseload-team');
      await w.context.close();
    });
    test('a triage worker reads the plan without the links to change it', async () => {
      const w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('triage'), DEMO_PASSWORD);
      await checkPage(w, `${server.baseUrl}${e()}`, 'the plan, read only');
      assert.equal(await w.page.getByRole('link', { name: 'Add a goal' }).count(), 0);
      await checkPage(w, `${server.baseUrl}${e()}/plan`, 'the plan form, refused', 403);
      await w.context.close();
    });
  });

  // WCAG 1.4.10 (reflow): at 320 CSS pixels wide nothing but a data table's own box scrolls sideways.
  describe('reflow at 320 pixels wide', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser, { viewport: { width: 320, height: 640 } });
      await signIn(w.page, server.baseUrl, demoEmail('navigator3'), DEMO_PASSWORD);
    });
    after(() => w.context.close());
    for (const path of ['/caseload', '/people/:person', '/episodes/:episode', '/episodes/:episode/goals/:goal', '/episodes/:episode/contacts/new', '/episodes/:episode/status', '/episodes/:episode/status/new']) {
      test(path, async () => {
        await visit(w.page, server.baseUrl + path.replace(':person', who.personId).replace(':episode', who.episodeId).replace(':goal', goalId));
        const overflow = await w.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        if (overflow > 0) await screenshot(w.page, `reflow-${path.replace(/\W+/g, '-')}`);
        assert.equal(overflow, 0, `${path} scrolls sideways by ${overflow}px at 320px wide`);
        w.assertNoProblems(`on ${path} at 320px wide`);
      });
    }
  });

  describe('a navigator’s journey with JavaScript off', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser, { javaScriptEnabled: false });
      await signIn(w.page, server.baseUrl, demoEmail('navigator3'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('from the caseload: writes the plan with a goal and a step, records progress and a contact with MECC advice', async () => {
      const { page } = w;
      await visit(page, `${server.baseUrl}/caseload`);
      await clickAndWait(page, page.getByRole('link', { name: 'Support plan for Kim Baines' }));
      assert.match(pathOf(page), /^\/episodes\/[0-9a-f-]{36}$/);
      const episodePath = pathOf(page);

      // The plan, first with a mistake the error summary points to.
      await clickAndWait(page, page.getByRole('link', { name: 'Write the plan with them' }));
      await page.getByLabel('What matters to them').fill('Getting back to work, and my friends');
      await page.getByLabel('Their strengths').fill('Reliable; good with people');
      await page.locator('#nextReviewOn-day').fill('31');
      await page.locator('#nextReviewOn-month').fill('2');
      await page.locator('#nextReviewOn-year').fill(String(Number(today.slice(0, 4)) + 1));
      const refused = await clickAndWait(page, page.getByRole('button', { name: 'Save the plan' }));
      assert.equal(refused.status(), 400);
      assert.match(await page.locator('.nhsuk-error-summary').innerText(), /The next review date must be a real date/);
      const review = addDays(today, 14);
      await page.locator('#nextReviewOn-day').fill(String(Number(review.slice(8))));
      await page.locator('#nextReviewOn-month').fill(String(Number(review.slice(5, 7))));
      await page.locator('#nextReviewOn-year').fill(review.slice(0, 4));
      await clickAndWait(page, page.getByRole('button', { name: 'Save the plan' }));
      assert.equal(pathOf(page), episodePath);
      assert.match(await page.locator('main').innerText(), /Plan saved/);

      // A goal in their words.
      await clickAndWait(page, page.getByRole('link', { name: 'Add a goal' }));
      await page.getByLabel('The goal, in their own words').fill('Find part-time work in a shop');
      await page.getByLabel('Learning, employment and volunteering').check();
      await clickAndWait(page, page.getByRole('button', { name: 'Add the goal' }));
      assert.match(pathOf(page), /\/goals\/[0-9a-f-]{36}$/);
      assert.match(await page.locator('main').innerText(), /Goal added\. Add the first step towards it\./);

      // A step: who does it, by when.
      await clickAndWait(page, page.getByRole('link', { name: 'Add a step' }));
      await page.getByLabel('What will be done?').fill('Update my CV with the Jobcentre work coach');
      await page.getByLabel('Someone else').check();
      await page.getByLabel(/Their name or role/).fill('Jobcentre work coach');
      const due = addDays(today, 7);
      await page.locator('#dueOn-day').fill(String(Number(due.slice(8))));
      await page.locator('#dueOn-month').fill(String(Number(due.slice(5, 7))));
      await page.locator('#dueOn-year').fill(due.slice(0, 4));
      await clickAndWait(page, page.getByRole('button', { name: 'Add the step' }));
      assert.match(await page.locator('main').innerText(), /Step added/);
      assert.match(await page.locator('tbody').first().innerText(), /Update my CV with the Jobcentre work coach\s*Change[\s\S]*Jobcentre work coach/);

      // Progress: how close they feel, 0 to 10.
      await clickAndWait(page, page.getByRole('link', { name: 'Record progress' }));
      await page.getByLabel('4', { exact: true }).check();
      await page.getByLabel('Note (optional)').fill('Feels ready to start looking');
      await clickAndWait(page, page.getByRole('button', { name: 'Save progress' }));
      assert.match(await page.locator('main').innerText(), /First rating/);
      assert.match(await page.locator('main').innerText(), /4 out of 10/);

      // A contact with MECC brief advice.
      await visit(page, server.baseUrl + episodePath);
      await clickAndWait(page, page.getByRole('link', { name: 'Record a contact' }));
      await page.getByLabel('Phone call').check();
      await page.getByLabel('How long did it take?').fill('25');
      await page.getByLabel('Note', { exact: true }).fill('Talked through the CV');
      await page.getByLabel('Smoking').check();
      await page.getByLabel('Physical activity').check();
      await clickAndWait(page, page.getByRole('button', { name: 'Save the contact' }));
      assert.equal(pathOf(page), episodePath);
      const main = await page.locator('main').innerText();
      assert.match(main, /Contact recorded/);
      assert.match(main, /phone call, 25 minutes\. Brief advice: physical activity, smoking/);
      assert.match(main, /“Find part-time work in a shop”/);
      await screenshot(page, 'journey-episode-nojs');

      // Back on the caseload: contacted today, with the next review.
      await visit(page, `${server.baseUrl}/caseload`);
      const row = page.locator('tbody tr', { hasText: 'BAINES, Kim' });
      assert.match(await row.innerText(), new RegExp(new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' }).format(new Date())));
      w.assertNoProblems('on the navigator’s journey');
    });
  });
});
