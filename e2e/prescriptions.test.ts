// Social prescribing in a real browser: axe (WCAG 2.2 AA) on every page and every error state, for
// the navigator and the provider (axe itself needs JavaScript, so it runs with JavaScript on); and
// the journey with JavaScript off: a navigator prescribes
// Dartford Men's Shed (demo) to a person, the provider (who works there) accepts it and records a
// start and an attendance, and the navigator sees it. Each page must load without console errors,
// uncaught exceptions or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { seedDirectory } from '../src/seed/directory.ts';
import { prescribe, takeAction } from '../src/features/prescriptions/service.ts';
import { openTestEpisode, staffContext, type TestEpisode } from '../test/support/prescriptions.ts';
import { browserSkip, SUITE_TIMEOUT_MS, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

const SHED = 'kent-dartford-mens-shed';
const pathOf = (page: Page): string => new URL(page.url()).pathname;

/** The day, month and year boxes for a UK date. */
function dateFields(at: Date): { day: string; month: string; year: string } {
  const [year, month, day] = at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' }).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

describe('social prescribing (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  /** an episode whose prescriptions are in every state, for the pages */
  let shown: TestEpisode;
  const ids = { waiting: '', started: '', declined: '', selfRecorded: '' };

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer({ people: 12 });
    await seedDirectory(server.db, ['kent']);
    shown = await openTestEpisode(server.db);
    const navigator = await staffContext(server.db, demoEmail('navigator'));
    const provider = await staffContext(server.db, demoEmail('provider'));
    const options = { baseUrl: server.baseUrl };
    const send = async (form: Record<string, string>, now?: Date) =>
      (await prescribe(navigator, shown.episodeId, { note: 'Would like to meet people and use his hands again.', ...form }, { ...options, now })).prescription;
    // Started a week ago, with an attendance; then one waiting for an answer; one declined; one nobody in Lantern runs.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    const started = await send({ target: `service:${SHED}` }, weekAgo);
    const date = dateFields(weekAgo);
    await takeAction(provider, started.id, 'accept', { version: '1', note: 'First session on Tuesday.' }, { ...options, now: weekAgo });
    await takeAction(provider, started.id, 'start', { version: '2', ...date }, options);
    await takeAction(provider, started.id, 'attendance', { version: '3', ...date, attended: 'yes', note: '' }, options);
    ids.started = started.id;
    const { rows } = await server.db.query<{ id: string }>("SELECT id FROM organisations WHERE tenant_id = 'kent' AND kind = 'delivery_provider' AND name LIKE 'Dartford Men%'");
    ids.waiting = (await send({ target: 'provider', providerOrganisationId: rows[0]!.id })).id;
    const declined = await send({ target: 'service:kent-dartford-repair-cafe' });
    await takeAction(provider, declined.id, 'decline', { version: '1', reason: 'full', note: 'Try again next month.' }, options);
    ids.declined = declined.id;
    const { rows: unrun } = await server.db.query<{ id: string }>("SELECT id FROM directory_services WHERE tenant_id = 'kent' AND published AND organisation_id IS NULL AND NOT crisis ORDER BY id LIMIT 1");
    ids.selfRecorded = (await send({ target: `service:${unrun[0]!.id}` })).id;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const check = (w: WatchedPage, path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  describe('the navigator’s pages', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('the episode’s prescriptions', async () => {
      await check(w, `/episodes/${shown.episodeId}/prescriptions`, 'the episode’s social prescriptions');
      await screenshot(w.page, 'prescriptions-episode');
    });
    test('prescribe: before searching', () => check(w, `/episodes/${shown.episodeId}/prescriptions/new`, 'Prescribe, before searching'));
    test('prescribe: search results', async () => {
      await check(w, `/episodes/${shown.episodeId}/prescriptions/new?q=walk`, 'Prescribe, with search results');
      await screenshot(w.page, 'prescriptions-new');
    });
    test('prescribe: a search that finds nothing', () => check(w, `/episodes/${shown.episodeId}/prescriptions/new?q=zzzznothing`, 'Prescribe, nothing found'));
    test('prescribe: with nothing chosen', async () => {
      await visit(w.page, `${server.baseUrl}/episodes/${shown.episodeId}/prescriptions/new?q=shed`);
      await checkFormErrors(w, 'Send the prescription', 'Prescribe with errors');
    });
    test('prescribe: already prescribed', async () => {
      await visit(w.page, `${server.baseUrl}/episodes/${shown.episodeId}/prescriptions/new?q=shed`);
      await w.page.getByLabel("Dartford Men's Shed", { exact: true }).check();
      await w.page.getByLabel('Note for the provider').fill('Again');
      await checkFormErrors(w, 'Send the prescription', 'Prescribe something already prescribed', 409);
      await assert.doesNotReject(w.page.getByRole('link', { name: 'See the open prescription' }).waitFor());
    });
    test('a prescription that has started', () => check(w, `/prescriptions/${ids.started}`, 'a started prescription (navigator)'));
    test('a declined prescription', () => check(w, `/prescriptions/${ids.declined}`, 'a declined prescription (navigator)'));
    test('one nobody in Lantern runs', () => check(w, `/prescriptions/${ids.selfRecorded}`, 'a self-recorded prescription'));
    test('accepting one nobody in Lantern runs', () => check(w, `/prescriptions/${ids.selfRecorded}/accept`, 'Accept (navigator, self-recorded)'));
    test('withdraw', () => check(w, `/prescriptions/${ids.waiting}/withdraw`, 'Withdraw'));
    test('withdraw without a reason', async () => {
      await visit(w.page, `${server.baseUrl}/prescriptions/${ids.waiting}/withdraw`);
      await checkFormErrors(w, 'Withdraw the prescription', 'Withdraw with errors');
    });
    test('provider response times', async () => {
      await check(w, '/prescriptions/providers', 'Provider response times');
      await screenshot(w.page, 'prescriptions-providers');
    });
    test('provider response times for a quarter', async () => {
      const quarter = await w.page.locator('#period option').nth(2).getAttribute('value');
      await check(w, `/prescriptions/providers?period=${quarter}`, 'Provider response times for a quarter');
    });
    test('an answer form the navigator may not use', () => check(w, `/prescriptions/${ids.waiting}/accept`, 'Accept (navigator, refused)', 403));
  });

  describe('the provider’s pages', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('provider'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('the inbox', async () => {
      await check(w, '/prescriptions', 'Social prescriptions inbox');
      await screenshot(w.page, 'prescriptions-inbox');
    });
    test('one waiting for an answer, with how to contact the person', async () => {
      await check(w, `/prescriptions/${ids.waiting}`, 'a prescription waiting (provider)');
      assert.match(await w.page.locator('main').innerText(), /Weekday mornings/);
      await screenshot(w.page, 'prescription-provider');
    });
    test('accept', () => check(w, `/prescriptions/${ids.waiting}/accept`, 'Accept'));
    test('decline', () => check(w, `/prescriptions/${ids.waiting}/decline`, 'Decline'));
    test('decline without a reason', async () => {
      await visit(w.page, `${server.baseUrl}/prescriptions/${ids.waiting}/decline`);
      await checkFormErrors(w, 'Decline', 'Decline with errors');
    });
    test('decline for another reason without saying why', async () => {
      await visit(w.page, `${server.baseUrl}/prescriptions/${ids.waiting}/decline`);
      await w.page.getByLabel('Another reason').check();
      await checkFormErrors(w, 'Decline', 'Decline for another reason with errors');
    });
    test('a started prescription', () => check(w, `/prescriptions/${ids.started}`, 'a started prescription (provider)'));
    for (const [path, button, label] of [
      ['attendances/new', 'Record the attendance', 'Record an attendance'],
      ['complete', 'Record completion', 'Record completion'],
      ['drop-out', 'Record the drop-out', 'Record a drop-out'],
    ] as const) {
      test(label, () => check(w, `/prescriptions/${ids.started}/${path}`, label));
      test(`${label} with errors`, async () => {
        await visit(w.page, `${server.baseUrl}/prescriptions/${ids.started}/${path}`);
        await w.page.getByLabel('Year').fill('20x5');
        await checkFormErrors(w, button, `${label} with errors`);
      });
    }
    test('recording a start before accepting is refused', async () => {
      await check(w, `/prescriptions/${ids.waiting}/start`, 'Record the start, refused before acceptance', 409);
    });
    test('someone else changed it while the form was open', async () => {
      await visit(w.page, `${server.baseUrl}/prescriptions/${ids.started}/complete`);
      // Meanwhile a colleague records yesterday's session.
      const colleague = await staffContext(server.db, demoEmail('provider'));
      const { rows } = await server.db.query<{ version: number }>('SELECT version FROM prescriptions WHERE id = $1', [ids.started]);
      await takeAction(colleague, ids.started, 'attendance', { version: String(rows[0]!.version), ...dateFields(new Date(Date.now() - 86_400_000)), attended: 'no', note: '' }, { baseUrl: server.baseUrl });
      await checkFormErrors(w, 'Record completion', 'Record completion after someone else changed it', 409);
      assert.match(await w.page.locator('main').innerText(), /It has changed since you opened it/);
    });
    test('a prescription sent to someone else', () => check(w, '/prescriptions/00000000-0000-4000-8000-000000000000', 'a prescription that is not theirs', 404));
  });

  describe('the journey, with JavaScript off', () => {
    let episode: TestEpisode;
    before(async () => {
      episode = await openTestEpisode(server.db);
    });

    test('a navigator prescribes Dartford Men’s Shed, the provider accepts it and records a start and an attendance, and the navigator sees it', async () => {
      // The navigator
      const nav = await openPage(browser, { javaScriptEnabled: false });
      const { page } = nav;
      await signIn(page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
      await visit(page, `${server.baseUrl}/episodes/${episode.episodeId}/prescriptions`);
      assert.match(await page.locator('main').innerText(), /Nothing has been prescribed yet/);
      await clickAndWait(page, page.getByRole('button', { name: 'Prescribe a service or activity' }));
      assert.equal(pathOf(page), `/episodes/${episode.episodeId}/prescriptions/new`);
      await page.getByLabel('Name of the service, or what it helps with').fill("men's shed");
      await clickAndWait(page, page.getByRole('button', { name: 'Search the directory' }));
      const shed = page.getByLabel("Dartford Men's Shed", { exact: true });
      await shed.check();
      assert.match(await page.locator('main').innerText(), /Goes to their inbox in Lantern/);
      await page.getByLabel('Note for the provider').fill('He used to be a carpenter and would like to make things again. Quiet is easier for him at first.');
      const sent = await clickAndWait(page, page.getByRole('button', { name: 'Send the prescription' }));
      assert.equal(sent.status(), 200);
      assert.match(pathOf(page), /^\/prescriptions\/[0-9a-f-]{36}$/);
      const prescriptionPath = pathOf(page);
      assert.match(await page.locator('main').innerText(), /Prescription sent[\s\S]*Waiting for an answer/);
      nav.assertNoProblems('prescribing');

      // The provider at Dartford Men's Shed
      const prov = await openPage(browser, { javaScriptEnabled: false });
      const p = prov.page;
      await signIn(p, server.baseUrl, demoEmail('provider'), DEMO_PASSWORD);
      await clickAndWait(p, p.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Social prescriptions' }));
      assert.equal(pathOf(p), '/prescriptions');
      await clickAndWait(p, p.getByRole('link', { name: episode.personName }).first());
      assert.equal(pathOf(p), prescriptionPath);
      const details = await p.locator('main').innerText();
      assert.match(details, /He used to be a carpenter/);
      assert.match(details, /07700 900456/);
      await clickAndWait(p, p.getByRole('link', { name: 'Accept' }));
      await p.getByLabel('Anything the navigator should know (optional)').fill('Come on Tuesday at 10, ask for Gareth.');
      await clickAndWait(p, p.getByRole('button', { name: 'Accept' }));
      assert.match(await p.locator('main').innerText(), /Accepted\. The navigator can see that you accepted it\./);
      await clickAndWait(p, p.getByRole('link', { name: 'Record the start' }));
      assert.notEqual(await p.getByLabel('Day').inputValue(), '', 'the date starts as today');
      await clickAndWait(p, p.getByRole('button', { name: 'Record the start' }));
      assert.match(await p.locator('main').innerText(), /Start recorded/);
      await clickAndWait(p, p.getByRole('link', { name: 'Record an attendance' }));
      await p.getByLabel('Yes').check();
      await clickAndWait(p, p.getByRole('button', { name: 'Record the attendance' }));
      assert.match(await p.locator('main').innerText(), /Attendance recorded[\s\S]*Came to 1 of 1 recorded session/);
      prov.assertNoProblems('answering and recording');
      await prov.context.close();

      // The navigator sees it
      await visit(page, `${server.baseUrl}/episodes/${episode.episodeId}/prescriptions`);
      const section = await page.locator('main').innerText();
      assert.match(section, /Dartford Men's Shed/);
      assert.match(section, /Started/);
      assert.match(section, /Attendance recorded by Gareth Lewis/);
      assert.match(section, /Came to 1 of 1/);
      await clickAndWait(page, page.getByRole('link', { name: "Dartford Men's Shed" }));
      assert.match(await page.locator('main').innerText(), /Come on Tuesday at 10, ask for Gareth\./);
      nav.assertNoProblems('seeing the provider’s changes');
      await nav.context.close();
    });
  });
});
