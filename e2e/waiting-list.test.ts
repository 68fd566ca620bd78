// Waiting and sign-up in a real browser: axe (WCAG 2.2 AA) on every page and every error state of
// the waiting list's forms, and a journey with JavaScript off: a navigator opens the waiting list,
// records a failed call, then a successful one, and signs the person up. Each page must load
// without console errors, uncaught exceptions or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';
import { moveReferral, referralSubmission, waitingReferral } from '../test/support/referrals.ts';
import type { Referral } from '../src/features/referrals/model.ts';

describe('waiting and sign-up (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  /** on Porchlight's list with Tom (navigator), nobody has tried yet, overdue */
  let overdue: Referral;
  /** on Porchlight's list with nobody allocated */
  let unallocated: Referral;
  /** for the error states of the forms */
  let forErrors: Referral;
  /** someone we may already know: sign-up must wait for the match decision */
  let unmatched: Referral;
  /** closed as unable to sign up, to reopen */
  let closed: Referral;
  /** already signed up: its forms are refused */
  let signedUp: Referral;
  /** for the journey */
  let journey: Referral;

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer();
    const db = server.db;
    overdue = await waitingReferral(db, demoEmail('navigator'), { submission: referralSubmission({ requestedUrgency: 'urgent' }, { givenName: 'Olwen' }, { call: true, text: true, times: 'After 6pm', notes: 'Her partner must not know' }) });
    await db.query(`UPDATE referrals SET original_received_at = now() - interval '12 days', received_at = now() - interval '12 days', due_at = now() - interval '11 days' WHERE id = $1`, [overdue.id]);
    unallocated = await waitingReferral(db, demoEmail('navigator3'), { allocate: false, submission: referralSubmission({}, { givenName: 'Ifan' }) });
    forErrors = await waitingReferral(db, demoEmail('navigator'), { submission: referralSubmission({}, { givenName: 'Nia' }, { call: true }) });
    unmatched = await waitingReferral(db, demoEmail('navigator'));
    await db.query(`UPDATE referrals SET person_id = NULL, match_status = 'needs_review' WHERE id = $1`, [unmatched.id]);
    closed = await waitingReferral(db, demoEmail('navigator'));
    await moveReferral(db, closed.id, 'unable_to_sign_up', { closedAt: new Date(), closeReason: 'declined', closeNote: 'Not now, thank you' });
    signedUp = await waitingReferral(db, demoEmail('navigator'));
    await moveReferral(db, signedUp.id, 'sign_up', { signedUpAt: new Date() });
    journey = await waitingReferral(db, demoEmail('navigator'), { submission: referralSubmission({}, { givenName: 'Journey' }, { call: true, voicemail: true }) });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const check = (w: WatchedPage, path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  describe('a navigator', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('the waiting list, with "Not allocated", "Never", contact due and an overdue deadline', async () => {
      await check(w, '/waiting-list', 'the waiting list');
      const main = w.page.locator('main');
      await main.locator('.nhsuk-tag', { hasText: 'Not allocated' }).first().waitFor();
      assert.ok(await main.getByRole('link', { name: `Allocate a responsible worker for Ifan ${unallocated.subject.familyName}` }).isVisible());
      assert.ok(await main.getByText(/Overdue by 11 days/).isVisible(), 'overdue in words');
      assert.ok(await main.getByText('Contact due').first().isVisible());
      await screenshot(w.page, 'waiting-list');
    });
    test('the waiting list sorted by contact, only mine', () => check(w, '/waiting-list?sort=contact&mine=yes', 'the waiting list, mine only, by contact'));
    test('the waiting list when nothing matches', () => check(w, `/waiting-list?worker=${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}&mine=yes&sort=deadline`, 'the waiting list with nobody matching'));

    test('record an attempt to contact, with the safe-contact preferences above the form', async () => {
      await check(w, `/referrals/${overdue.id}/contact-attempts/new`, 'record an attempt to contact');
      assert.ok(await w.page.getByRole('region', { name: 'How it is safe to contact them' }).getByText('Her partner must not know').isVisible());
      await screenshot(w.page, 'contact-attempt');
    });
    test('record an attempt to contact: empty', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${forErrors.id}/contact-attempts/new`);
      await w.page.getByLabel('Day').fill('');
      await w.page.getByLabel('Time').fill('');
      await checkFormErrors(w, 'Save attempt', 'record an attempt to contact with errors');
    });
    test('record an attempt to contact: a voicemail they said is not safe', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${forErrors.id}/contact-attempts/new`);
      await w.page.getByLabel('Phone call').check();
      await w.page.getByLabel('Left a voicemail').check();
      await checkFormErrors(w, 'Save attempt', 'record an attempt to contact, refused as unsafe');
      assert.ok(await w.page.locator('.nhsuk-error-summary').getByText(/voicemails are not safe for them/).isVisible());
      await screenshot(w.page, 'contact-attempt-unsafe');
    });

    test('sign up', () => check(w, `/referrals/${forErrors.id}/sign-up`, 'sign up'));
    test('sign up with errors', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${forErrors.id}/sign-up`);
      await w.page.getByLabel('Who will support them?').selectOption('');
      await w.page.getByLabel('Year').fill('20');
      await checkFormErrors(w, 'Sign up', 'sign up with errors');
    });
    test('sign up: check who this is first', async () => {
      await check(w, `/referrals/${unmatched.id}/sign-up`, 'sign up when the person match is not decided');
      assert.ok(await w.page.getByRole('link', { name: 'Check whether we already know this person' }).isVisible());
    });
    test('sign up refused for a referral already signed up', () => check(w, `/referrals/${signedUp.id}/sign-up`, 'sign up refused (409)', 409));

    test('close as unable to sign up', () => check(w, `/referrals/${forErrors.id}/unable`, 'close as unable to sign up'));
    test('close as unable to sign up: no response too soon', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${forErrors.id}/unable`);
      await w.page.getByLabel('No response after several attempts to contact').check();
      await checkFormErrors(w, 'Close referral', 'close as unable to sign up, no response too soon');
      assert.ok(await w.page.locator('.nhsuk-error-summary').getByText(/only after 3 recorded attempts/).isVisible());
    });
    test('close as unable to sign up: not eligible without signposting', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${forErrors.id}/unable`);
      await w.page.getByLabel('Not eligible', { exact: true }).check();
      await checkFormErrors(w, 'Close referral', 'close as unable to sign up, not eligible with errors');
    });

    test('reopen', () => check(w, `/referrals/${closed.id}/reopen`, 'reopen'));
    test('reopen with errors', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${closed.id}/reopen`);
      await checkFormErrors(w, 'Reopen referral', 'reopen with errors');
    });
    test('return to the single point of access', () => check(w, `/referrals/${forErrors.id}/return-to-triage`, 'return to triage'));
    test('return to the single point of access with errors', async () => {
      await visit(w.page, `${server.baseUrl}/referrals/${forErrors.id}/return-to-triage`);
      await checkFormErrors(w, 'Return referral', 'return to triage with errors');
    });
    test('the referral after an action, and the waiting list after handing one back', async () => {
      await check(w, `/referrals/${overdue.id}?done=contact`, 'the referral with "Contact attempt recorded"');
      await check(w, `/waiting-list?done=returned&ref=${overdue.reference}`, 'the waiting list after returning a referral');
    });
    test('a form on a referral that cannot take it (409) and one for another organisation (404)', async () => {
      await check(w, `/referrals/${signedUp.id}/unable`, 'unable refused (409)', 409);
      const other = await waitingReferral(server.db, demoEmail('navigator2'));
      await check(w, `/referrals/${other.id}/contact-attempts/new`, 'another organisation’s referral (404)', 404);
    });
  });

  describe('the single point of access', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('triage'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('every organisation’s waiting lists, with the filters', async () => {
      await check(w, '/waiting-list', 'the waiting lists (triage)');
      await w.page.getByLabel('Responsible worker').selectOption('none');
      await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: 'Show' }));
      assert.equal(new URL(w.page.url()).searchParams.get('worker'), 'none');
      assert.ok(await w.page.getByText(unallocated.reference).isVisible());
      assert.equal(await w.page.getByText(overdue.reference).count(), 0);
      await screenshot(w.page, 'waiting-lists-triage');
    });
  });

  describe('a commissioner', () => {
    test('is refused the waiting list (403)', async () => {
      const w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('commissioner'), DEMO_PASSWORD);
      await check(w, '/waiting-list', 'the waiting list refused to a commissioner (403)', 403);
      await w.context.close();
    });
  });

  test('journey with JavaScript off: a failed call, a successful one, and sign-up', async () => {
    const w = await openPage(browser, { javaScriptEnabled: false });
    const { page } = w;
    try {
      await signIn(page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
      await visit(page, `${server.baseUrl}/waiting-list`);
      await clickAndWait(page, page.getByRole('link', { name: `Journey ${journey.subject.familyName}` }));
      assert.equal(new URL(page.url()).pathname, `/referrals/${journey.id}`);

      // A call nobody answered.
      await clickAndWait(page, page.getByRole('link', { name: 'Record an attempt to contact' }));
      await page.getByLabel('Phone call').check();
      await page.getByLabel('No answer').check();
      await page.getByLabel('Note (optional)').fill('Rang at 10, no answer');
      let response = await clickAndWait(page, page.getByRole('button', { name: 'Save attempt' }));
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, `/referrals/${journey.id}`);
      assert.ok(await page.getByText('Contact attempt recorded').isVisible());
      assert.ok(await page.getByText(/Phone call: no answer\. Rang at 10, no answer/).isVisible());

      // Then they answered.
      await clickAndWait(page, page.getByRole('link', { name: 'Record an attempt to contact' }));
      assert.ok(await page.getByRole('cell', { name: 'No answer' }).isVisible(), 'the attempts so far are listed');
      await page.getByLabel('Phone call').check();
      await page.getByLabel('Spoke with them').check();
      response = await clickAndWait(page, page.getByRole('button', { name: 'Save attempt' }));
      assert.equal(response.status(), 200);
      assert.equal(await page.getByText(/first response due/).count(), 0, 'the first-response clock has stopped');

      // And agreed to support.
      await clickAndWait(page, page.getByRole('link', { name: 'Sign up for support' }));
      assert.equal(await page.getByLabel('Who will support them?').inputValue(), (await server.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [demoEmail('navigator')])).rows[0]!.id);
      response = await clickAndWait(page, page.getByRole('button', { name: 'Sign up' }));
      assert.equal(response.status(), 200);
      assert.ok(await page.getByText('Signed up. Their support episode is open.').isVisible());
      assert.ok(await page.getByRole('link', { name: 'Open their support episode' }).isVisible());
      await screenshot(page, 'journey-signed-up');
      w.assertNoProblems('on the journey');

      const row = await server.db.query<{ state: string; contact_attempts: number; first_reached_at: Date | null; episode_id: string | null }>(
        'SELECT state, contact_attempts, first_reached_at, episode_id FROM referrals WHERE id = $1', [journey.id],
      );
      assert.equal(row.rows[0]!.state, 'signed_up');
      assert.equal(row.rows[0]!.contact_attempts, 2);
      assert.ok(row.rows[0]!.first_reached_at);
      assert.ok(row.rows[0]!.episode_id);
    } finally {
      await w.context.close();
    }
  });
});
