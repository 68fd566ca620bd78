// Debian's Chromium driven by playwright-core (no browser is ever downloaded), axe-core checks
// against WCAG 2.2 AA, and a watcher that fails a test on console errors, uncaught exceptions and
// Content-Security-Policy violations.
//
// Without Chromium the browser tests are skipped with a loud message on a developer's machine,
// and fail on CI (CI=true), where a skipped suite would hide a missing install step.
import fs from 'node:fs';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page, type Response } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Without the background-networking flags Chromium's own connections are refused on a closed network. */
export const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

const INSTALL_HINT = 'Install it with: sudo apt-get update && sudo apt-get install -y chromium (or set CHROMIUM_PATH).';

function missingChromium(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return false;
  } catch {
    return true;
  }
}

/**
 * How long one browser suite may take before it is stopped as hung. Generous: a suite that takes 4
 * minutes on a quiet machine took over 5 on one busy with other work, and a stopped suite closes
 * its browser under the tests still running.
 */
export const SUITE_TIMEOUT_MS = 15 * 60_000;

/**
 * `describe(name, { skip: browserSkip }, ...)`: a reason to skip when Chromium is missing on a
 * developer's machine; false on CI, where launchBrowser() then fails with a clear message.
 */
export const browserSkip: string | false = (() => {
  if (!missingChromium() || process.env.CI) return false;
  const line = '!'.repeat(78);
  console.error(
    `\n${line}\n!! BROWSER TESTS SKIPPED: Chromium was not found at ${CHROMIUM_PATH}.\n!! ${INSTALL_HINT}\n${line}\n`,
  );
  return `Chromium not found at ${CHROMIUM_PATH}`;
})();

export async function launchBrowser(): Promise<Browser> {
  if (missingChromium()) {
    throw new Error(`The browser tests need Chromium at ${CHROMIUM_PATH}, and it is not there. ${INSTALL_HINT}`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS, timeout: 60_000 });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** console errors, uncaught exceptions and CSP violations seen so far */
  problems: string[];
  /** fails if anything went wrong on the page since the last call, then forgets it */
  assertNoProblems(where: string): void;
}

/**
 * A new context (own cookies) with one page, watched for console errors (CSP violations are
 * reported there too) and uncaught exceptions. Error pages (400, 403, 404) make Chromium log
 * "Failed to load resource" for the document itself: that is the status the test expects, so
 * such messages about the top-level document are not counted as problems.
 */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-GB', ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const url = message.location().url;
    const isDocumentStatus = /^Failed to load resource: the server responded with a status of 4\d\d/.test(text) &&
      url !== '' && stripHash(url) === stripHash(page.url());
    if (!isDocumentStatus) problems.push(`console error on ${page.url()}: ${text}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught exception on ${page.url()}: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A navigation that replaces a page aborts its unfinished requests; those are not faults.
    const failure = request.failure()?.errorText ?? 'failed';
    if (failure !== 'net::ERR_ABORTED') problems.push(`request failed on ${page.url()}: ${request.url()} (${failure})`);
  });
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (response.status() >= 400 && type !== 'document') {
      problems.push(`${type} ${response.url()} answered ${response.status()} on ${page.url()}`);
    }
  });
  return {
    page,
    context,
    problems,
    assertNoProblems(where) {
      const seen = [...new Set(problems.splice(0))];
      if (seen.length > 0) assert.fail(`${seen.length} problem(s) in the browser ${where}:\n  ${seen.join('\n  ')}`);
    },
  };
}

function stripHash(url: string): string {
  return url.split('#')[0]!;
}

/** Runs axe-core (WCAG 2.0-2.2 A and AA rules) on the page as it is now; fails with a readable list. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) => {
    const targets = v.nodes.map((n) => `      - ${n.target.map(String).join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n\s*/g, ' | ')}` : ''}`);
    return `  * ${v.id} [${v.impact ?? 'unknown impact'}] ${v.help}\n    ${v.helpUrl}\n${targets.join('\n')}`;
  });
  assert.fail(`${results.violations.length} accessibility violation(s) on ${label} (${page.url()}):\n${lines.join('\n')}`);
}

/**
 * With E2E_SCREENSHOT_DIR set (somewhere outside the repository, e.g. /tmp/lantern-e2e), saves a
 * full-page screenshot there for a person to look at; otherwise does nothing.
 */
export async function screenshot(page: Page, name: string): Promise<string | undefined> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (!dir) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const file = `${dir}/${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Clicks something (or runs an action) that submits a form or follows a link, and waits until the
 * new page has replaced the old one and loaded; returns the response that page came from, after
 * any redirects (a 303 after a form post is followed), to check its status.
 */
export async function clickAndWait(page: Page, target: Locator | (() => Promise<void>)): Promise<Response> {
  const main = page.mainFrame();
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === main && (r.status() < 300 || r.status() >= 400)),
    // the response arrives before the new page is committed; until then page.url() is the old one
    page.waitForEvent('framenavigated', { predicate: (frame) => frame === main }),
    typeof target === 'function' ? target() : target.click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** Opens a path on the server and checks the status of the page it ends on. */
export async function visit(page: Page, url: string, status = 200): Promise<void> {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), status, `status of ${url} (ended at ${page.url()})`);
}

/** Signs in through the sign-in page with the mouse-free fill() API (the keyboard journey is in journeys.test.ts). */
export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await visit(page, `${baseUrl}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  const response = await clickAndWait(page, page.getByRole('button', { name: 'Sign in' }));
  assert.equal(response.status(), 200, `signed in as ${email}, ended at ${page.url()}`);
  assert.equal(new URL(page.url()).pathname, '/', `signed in as ${email}, ended at ${page.url()}`);
}

/** Opens a page, checks its status, runs axe, and checks the browser saw no problems. */
export async function checkPage(w: WatchedPage, url: string, label: string, status = 200): Promise<void> {
  w.problems.splice(0); // anything left by an earlier test that failed part-way belongs to that test
  await visit(w.page, url, status);
  await checkA11y(w.page, label);
  w.assertNoProblems(`on ${label}`);
}

/** Submits the page's main form (button by name), then checks the page shown with its errors. */
export async function checkFormErrors(w: WatchedPage, button: string, label: string, status = 400): Promise<void> {
  w.problems.splice(0);
  const response = await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: button }));
  assert.equal(response.status(), status, `status after submitting ${label}`);
  assert.match(await w.page.title(), /^Error: /, `the title of ${label} starts with "Error: "`);
  await w.page.locator('.nhsuk-error-summary').waitFor();
  await checkA11y(w.page, label);
  w.assertNoProblems(`on ${label}`);
}
