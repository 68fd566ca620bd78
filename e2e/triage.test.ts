// Triage in a real browser: axe (WCAG 2.2 AA) on the queue and on every triage form and its error
// states (problems with the fields, a stale save, a person not yet known, a referral already
// routed), and one journey with JavaScript turned off: the triage worker opens the queue, checks
// who the person is, triages and routes them. (axe needs JavaScript in the page, so it checks
// the same pages in the first part, with JavaScript on.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { browserSkip, SUITE_TIMEOUT_MS, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage } from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';
import { seedDirectory } from '../src/seed/directory.ts';
import { seedReferrals } from '../src/seed/referrals.ts';
import { submitReferral } from '../src/features/referrals/service.ts';
import { saveTriage } from '../src/features/referrals/triage/service.ts';
import type { Referral } from '../src/features/referrals/model.ts';
import { publicContext, selfReferral, staffContext } from '../test/support/triage-referrals.ts';

describe('triage (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  const r: Record<'unknown' | 'journey' | 'plain' | 'stale' | 'waiting' | 'withdraw', Referral> = {} as never;

  async function refer(person: Record<string, string | null> = {}): Promise<Referral> {
    return (await submitReferral(publicContext(server.db), 'kent', selfReferral({}, person), { baseUrl: server.baseUrl })).referral;
  }

  /** Someone who looks like a person already known: a triage worker must say who they are. */
  async function lookalike(offset: number): Promise<Referral> {
    const { rows } = await server.db.query<{ given_name: string; family_name: string; date_of_birth: string; postcode: string }>(
      `SELECT given_name, family_name, date_of_birth, postcode FROM people WHERE tenant_id = 'kent' AND postcode IS NOT NULL ORDER BY id OFFSET $1 LIMIT 1`, [offset],
    );
    const known = rows[0]!;
    const referral = await refer({ givenName: known.given_name, familyName: known.family_name, dateOfBirth: known.date_of_birth, postcode: known.postcode, district: known.postcode.split(' ')[0]! });
    assert.equal(referral.matchStatus, 'needs_review');
    return referral;
  }

  before(async () => {
    browser = await launchBrowser();
    server = await startServer({ people: 40 });
    await seedDirectory(server.db, ['kent']);
    await seedReferrals(server.db, { tenant: 'kent', count: 60, seed: 'e2e' });
    r.unknown = await lookalike(0);
    r.journey = await lookalike(1);
    r.plain = await refer();
    r.stale = await refer();
    r.withdraw = await refer();
    const triage = await staffContext(server.db, 'triage');
    const { rows } = await server.db.query<{ id: string }>(`SELECT id FROM staff_users WHERE email = $1`, [demoEmail('navigator3')]);
    const waiting = await refer();
    const porchlight = await server.db.query<{ id: string }>(`SELECT id FROM organisations WHERE tenant_id = 'kent' AND name LIKE 'Porchlight (Dartford%'`);
    r.waiting = await saveTriage(triage, waiting.id, {
      version: '1', urgency: 'routine', reasons: 'Low mood, wants local groups.', mentalHealthNeed: 'cmi', dualDiagnosis: 'no',
      offendingHistory: 'not_asked', needs: ['lantern-needs:depression'], route: `org:${porchlight.rows[0]!.id}`, workerId: rows[0]!.id,
    }, { baseUrl: server.baseUrl });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const url = (path: string) => server.baseUrl + path;

  describe('pages and error states', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('triage'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    test('the triage queue', async () => {
      await checkPage(w, url('/triage'), 'the triage queue');
      await screenshot(w.page, 'triage-queue');
    });
    test('the queue, filtered', () => checkPage(w, url('/triage?match=yes&urgency=routine'), 'the queue filtered'));
    test('the queue, nothing matching', () => checkPage(w, url('/triage?urgency=crisis&overdue=yes&match=yes'), 'the queue with nothing matching'));

    test('the triage decision', async () => {
      await checkPage(w, url(`/referrals/${r.plain.id}/triage`), 'the triage decision');
      await screenshot(w.page, 'triage-decision');
    });
    test('the triage decision with problems', async () => {
      await visit(w.page, url(`/referrals/${r.plain.id}/triage`));
      await w.page.getByLabel('Reasons for your decision').fill('');
      await checkFormErrors(w, 'Save and add to the waiting list', 'the triage decision with problems');
      await screenshot(w.page, 'triage-decision-errors');
    });
    test('the triage decision saved by someone else meanwhile (stale)', async () => {
      await visit(w.page, url(`/referrals/${r.stale.id}/triage`));
      await server.db.query('UPDATE referrals SET version = version + 1 WHERE id = $1', [r.stale.id]);
      await w.page.getByLabel('Reasons for your decision').fill('Careful reasons that must not be lost.');
      await w.page.getByRole('group', { name: 'Mental health need' }).getByLabel('Common mental illness (CMI)').check();
      await w.page.getByRole('group', { name: 'Dual diagnosis' }).getByLabel('No', { exact: true }).check();
      await checkFormErrors(w, 'Save and add to the waiting list', 'the stale triage decision', 409);
      assert.equal(await w.page.getByLabel('Reasons for your decision').inputValue(), 'Careful reasons that must not be lost.');
    });
    test('the triage decision when who this is is not known yet', () => checkPage(w, url(`/referrals/${r.unknown.id}/triage`), 'the triage decision, person not known'));
    test('the triage decision for a referral already routed', () => checkPage(w, url(`/referrals/${r.waiting.id}/triage`), 'the triage decision, already routed'));

    test('check who this is', async () => {
      await checkPage(w, url(`/referrals/${r.unknown.id}/match`), 'check who this is');
      await screenshot(w.page, 'triage-match');
    });
    test('check who this is, with nothing chosen', async () => {
      await visit(w.page, url(`/referrals/${r.unknown.id}/match`));
      await checkFormErrors(w, 'Save who this is', 'check who this is with problems');
    });

    test('change the urgency', () => checkPage(w, url(`/referrals/${r.waiting.id}/urgency`), 'change the urgency'));
    test('change the urgency with problems', async () => {
      await visit(w.page, url(`/referrals/${r.waiting.id}/urgency`));
      await checkFormErrors(w, 'Change the urgency', 'change the urgency with problems');
    });

    test('redirect, with a search', async () => {
      await checkPage(w, url(`/referrals/${r.waiting.id}/redirect?q=debt`), 'redirect with search results');
      await screenshot(w.page, 'triage-redirect');
    });
    test('redirect with problems, with results on the page and without', async () => {
      await visit(w.page, url(`/referrals/${r.waiting.id}/redirect?q=debt`));
      await checkFormErrors(w, 'Redirect the referral', 'redirect with problems');
      await visit(w.page, url(`/referrals/${r.waiting.id}/redirect`));
      await checkFormErrors(w, 'Redirect the referral', 'redirect with problems and no search');
    });

    test('give to another worker', () => checkPage(w, url(`/referrals/${r.waiting.id}/allocate`), 'give to another worker'));
    test('give to another worker without a handover note', async () => {
      await visit(w.page, url(`/referrals/${r.waiting.id}/allocate`));
      await w.page.getByLabel('Who will be responsible?').selectOption({ label: 'Tom Okafor (team lead)' });
      await checkFormErrors(w, 'Save the responsible worker', 'give to another worker with problems');
    });

    test('withdraw', () => checkPage(w, url(`/referrals/${r.withdraw.id}/withdraw`), 'withdraw'));
    test('withdraw with problems', async () => {
      await visit(w.page, url(`/referrals/${r.withdraw.id}/withdraw`));
      await checkFormErrors(w, 'Withdraw the referral', 'withdraw with problems');
    });

    test('a navigator is told the queue is not theirs', async () => {
      const nav = await openPage(browser);
      try {
        await signIn(nav.page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
        await checkPage(nav, url('/triage'), 'the triage queue refused to a navigator', 403);
        assert.match(await nav.page.locator('main').innerText(), /for the single point of access/);
      } finally {
        await nav.context.close();
      }
    });
  });

  test('journey without JavaScript: open the queue, check who this is, triage and route', async () => {
    const w = await openPage(browser, { javaScriptEnabled: false });
    try {
      await signIn(w.page, server.baseUrl, demoEmail('triage'), DEMO_PASSWORD);
      await visit(w.page, url('/triage'));
      await w.page.getByLabel('Needs a check of who this is').check();
      await clickAndWait(w.page, w.page.getByRole('button', { name: 'Filter the queue' }));
      const row = w.page.locator(`tr[data-reference="${r.journey.reference}"]`);
      await assert.doesNotReject(row.getByText('Check who this is').waitFor());

      await clickAndWait(w.page, row.getByRole('link', { name: r.journey.reference }));
      await clickAndWait(w.page, w.page.getByRole('link', { name: 'Check whether we already know this person' }).first());
      await w.page.getByRole('radio', { name: /^Yes, this is / }).first().check();
      const matched = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Save who this is' }));
      assert.equal(matched.status(), 200);
      assert.match(await w.page.locator('main').innerText(), /Person record decision saved/);

      await clickAndWait(w.page, w.page.getByRole('link', { name: 'Triage this referral' }));
      await w.page.getByRole('group', { name: 'How urgent is this?' }).getByLabel('Urgent').check();
      await w.page.getByLabel('Reasons for your decision').fill('Spoke to them: worse this week, no plan to harm themselves. Urgent.');
      await w.page.getByRole('group', { name: 'Mental health need' }).getByLabel('Common mental illness (CMI)').check();
      await w.page.getByRole('group', { name: 'Dual diagnosis' }).getByLabel('No', { exact: true }).check();
      await w.page.getByLabel('Anxiety, worry and panic').check();
      const route = w.page.getByRole('group', { name: 'Where should this referral go?' });
      assert.equal(await route.getByRole('radio', { checked: true }).count(), 1, 'the area is suggested from the postcode');
      const saved = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Save and add to the waiting list' }));
      assert.equal(saved.status(), 200);
      const main = await w.page.locator('main').innerText();
      assert.match(main, /Triage decision saved/);
      assert.match(main, /On the waiting list/);
      w.assertNoProblems('in the journey without JavaScript');
      const { rows } = await server.db.query<{ state: string; urgency: string; match_status: string }>('SELECT state, urgency, match_status FROM referrals WHERE id = $1', [r.journey.id]);
      assert.deepEqual(rows[0], { state: 'waiting', urgency: 'urgent', match_status: 'linked' });
    } finally {
      await w.context.close();
    }
  });
});
