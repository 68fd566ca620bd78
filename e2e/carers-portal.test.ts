// Carers, crisis plans and the person's and carer's own pages, in a real browser: axe (WCAG 2.2
// AA) on every page and every error state, and the journey with JavaScript off: a navigator links
// a carer with consent to the crisis plan and writes the plan, the person opens their secure link,
// sees their crisis plan and stops sharing with the carer, and the carer's next request is refused
// kindly. Each page must load without console errors, uncaught exceptions or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { StaffActor, StaffContext } from '../src/platform/context.ts';
import { saveCrisisPlan } from '../src/features/carers/crisis-plan.ts';
import { linkCarer, offerAssessment, type LinkResult } from '../src/features/carers/service.ts';
import { createSecureLink } from '../src/features/portal/service.ts';
import { NO_PREFERENCES } from '../src/domain/contact-preferences.ts';
import { ATTEMPT_LIMIT } from '../src/features/portal/service.ts';
import {
  browserSkip, SUITE_TIMEOUT_MS, checkA11y, checkFormErrors, checkPage, clickAndWait, launchBrowser, openPage, screenshot, signIn, visit, type WatchedPage,
} from './support/browser.ts';
import { DEMO_PASSWORD, demoEmail, startServer, type TestServer } from './support/server.ts';

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const pathOf = (page: Page): string => new URL(page.url()).pathname;

describe('carers and the person’s own pages (browser, axe WCAG 2.2 AA)', { skip: browserSkip, timeout: SUITE_TIMEOUT_MS }, () => {
  let server: TestServer;
  let browser: Browser;
  let ctx: StaffContext;
  /** a person with a plan, a carer sharing the crisis plan, and an assessment: for the page checks */
  const a11y = { personId: '', linkId: '', carerId: '', assessmentId: '', quietLinkId: '' };
  /** a person with nothing yet: for the journey */
  let journeyPerson = { id: '', givenName: '', familyName: '' };

  const check = (w: WatchedPage, path: string, label: string, status = 200) => checkPage(w, server.baseUrl + path, label, status);

  /** A secure link made as staff would (given in person), as a path. */
  async function linkFor(personId: string, forWhom: string): Promise<string> {
    const made = await createSecureLink(ctx, personId, { for: forWhom, delivery: 'in_person' }, { baseUrl: '' });
    return made.url!;
  }

  /** Opens a secure link and presses Continue. */
  async function openLink(w: WatchedPage, path: string): Promise<void> {
    await visit(w.page, server.baseUrl + path);
    const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Continue' }));
    assert.equal(response.status(), 200);
    assert.equal(pathOf(w.page), '/my');
  }

  before(async () => {
    browser = await launchBrowser(); // first: without Chromium there is no server to clean up
    server = await startServer({ people: 40 });
    const { rows } = await server.db.query<{ id: string; tenant_id: string; organisation_id: string; role: StaffActor['role']; name: string; email: string }>(
      'SELECT id, tenant_id, organisation_id, role, name, email FROM staff_users WHERE email = $1', [demoEmail('navigator')],
    );
    const u = rows[0]!;
    ctx = {
      db: server.db, requestId: 'e2e-setup', ip: '127.0.0.1',
      actor: { userId: u.id, tenantId: u.tenant_id, organisationId: u.organisation_id, role: u.role, name: u.name, email: u.email, sessionHash: '', mustChangePassword: false, teamLead: false },
    };
    const people = await server.db.query<{ id: string; given_name: string; family_name: string }>(
      `SELECT id, given_name, family_name FROM people WHERE tenant_id = 'kent' AND responsible_organisation_id = $1 ORDER BY id LIMIT 2`, [u.organisation_id],
    );
    assert.equal(people.rows.length, 2, 'the seed has two people the navigator’s organisation is responsible for');
    a11y.personId = people.rows[0]!.id;
    journeyPerson = { id: people.rows[1]!.id, givenName: people.rows[1]!.given_name, familyName: people.rows[1]!.family_name };

    await saveCrisisPlan(ctx, a11y.personId, {
      warningSigns: 'Stops answering the phone.\nSleeps in the day.', whatHelps: 'A walk by the river', whatToAvoid: 'Being told to cheer up',
      contacts: [{ name: 'Alex Morgan', role: 'Brother', phone: '07700 900 111' }, { name: 'Release the Pressure', role: '24-hour helpline', phone: '0800 107 0160' }],
      reviewedOn: today,
    }, null);
    const carer = { givenName: 'Robin', familyName: 'Carer', phone: '07700 900 222', email: 'robin@example.com', contactPreferences: { ...NO_PREFERENCES, email: true } };
    const linked = (result: LinkResult) => {
      assert.equal(result.kind, 'linked');
      return result.kind === 'linked' ? result.linkId : '';
    };
    a11y.linkId = linked(await linkCarer(ctx, a11y.personId, { carer, relationship: 'partner', consent: { scope: ['crisis_plan'], how: 'in_person', note: '' } }));
    a11y.quietLinkId = linked(await linkCarer(ctx, a11y.personId, { carer: { ...carer, givenName: 'Quinn' }, relationship: 'friend', consent: { scope: [], how: 'phone', note: 'Not yet' } }));
    a11y.assessmentId = await offerAssessment(ctx, a11y.personId, a11y.linkId, { offeredOn: today, outcome: null, outcomeOn: null, notes: '' });
    const link = await server.db.query<{ carer_id: string }>('SELECT carer_id FROM carer_links WHERE id = $1', [a11y.linkId]);
    a11y.carerId = link.rows[0]!.carer_id;
    await server.db.query(`UPDATE people SET email = 'person@example.com', contact_preferences = '{"email": true}' WHERE id = $1`, [a11y.personId]);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  describe('staff pages', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await signIn(w.page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
    });
    after(() => w.context.close());

    const p = () => `/people/${a11y.personId}`;
    test('the person’s page with its links', () => check(w, p(), 'the person’s page'));
    test('a crisis plan', async () => {
      await check(w, `${p()}/crisis-plan`, 'a crisis plan');
      await screenshot(w.page, 'staff-crisis-plan');
    });
    test('no crisis plan yet', () => check(w, `/people/${journeyPerson.id}/crisis-plan`, 'no crisis plan yet'));
    test('change the crisis plan', () => check(w, `${p()}/crisis-plan/edit`, 'change the crisis plan'));
    test('change the crisis plan with errors', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/crisis-plan/edit`);
      await w.page.locator('#contact-1-phone').fill('call him');
      await w.page.locator('#contact-3-role').fill('GP');
      await w.page.locator('#reviewed-year').fill('20');
      await checkFormErrors(w, 'Save the crisis plan', 'the crisis plan with errors');
    });
    test('a stale crisis plan save', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/crisis-plan/edit`);
      await server.db.query('UPDATE crisis_plans SET version = version + 1 WHERE person_id = $1', [a11y.personId]);
      await checkFormErrors(w, 'Save the crisis plan', 'a stale crisis plan save', 409);
      assert.match(await w.page.locator('main').innerText(), /The plan as it is saved now/);
    });
    test('carers', () => check(w, `${p()}/carers`, 'the person’s carers'));
    test('no carers yet', () => check(w, `/people/${journeyPerson.id}/carers`, 'no carers yet'));
    test('link a carer', () => check(w, `${p()}/carers/new`, 'link a carer'));
    test('link a carer with errors', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/carers/new`);
      await w.page.getByLabel('Email address').fill('not an email');
      await checkFormErrors(w, 'Link this carer', 'link a carer with errors');
    });
    test('a carer already known, and its errors', async () => {
      // Robin Carer already cares for the first person; linking the same name and phone to another
      // person the navigator supports asks whether it is the same carer.
      await visit(w.page, `${server.baseUrl}/people/${journeyPerson.id}/carers/new`);
      await w.page.getByLabel('First name').fill('Robin');
      await w.page.getByLabel('Last name').fill('Carer');
      await w.page.getByLabel(`Who they are to ${journeyPerson.givenName}`).fill('neighbour');
      await w.page.getByLabel('Phone number').fill('07700900222');
      await w.page.getByLabel('In person').check();
      const response = await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: 'Link this carer' }));
      assert.equal(response.status(), 200);
      assert.equal(await w.page.locator('h1').innerText(), `${journeyPerson.givenName} ${journeyPerson.familyName}\nIs this a carer already known?`);
      await checkA11y(w.page, 'a carer already known');
      await screenshot(w.page, 'staff-carer-match');
      await checkFormErrors(w, 'Continue', 'a carer already known, with errors');
    });
    test('a carer’s link to the person', async () => {
      await check(w, `${p()}/carers/${a11y.linkId}`, 'a carer’s link');
      await screenshot(w.page, 'staff-carer-link');
    });
    test('consent', () => check(w, `${p()}/carers/${a11y.linkId}/consent`, 'consent'));
    test('consent with errors', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/carers/${a11y.linkId}/consent`);
      await checkFormErrors(w, 'Save consent', 'consent with errors');
    });
    test('consent changed meanwhile', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/carers/${a11y.linkId}/consent`);
      await w.page.getByLabel('By phone').check();
      await server.db.query('UPDATE carer_links SET version = version + 1 WHERE id = $1', [a11y.linkId]);
      await checkFormErrors(w, 'Save consent', 'consent changed meanwhile', 409);
    });
    test('offer a carer’s assessment', () => check(w, `${p()}/carers/${a11y.linkId}/assessments/new`, 'offer an assessment'));
    test('offer a carer’s assessment with errors', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/carers/${a11y.linkId}/assessments/new`);
      await w.page.getByLabel('Declined').check();
      await checkFormErrors(w, 'Save', 'an assessment with errors');
    });
    test('a carer’s assessment', () => check(w, `${p()}/carers/${a11y.linkId}/assessments/${a11y.assessmentId}`, 'an assessment'));
    test('a carer’s assessment changed meanwhile', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/carers/${a11y.linkId}/assessments/${a11y.assessmentId}`);
      await server.db.query('UPDATE carer_assessments SET version = version + 1 WHERE id = $1', [a11y.assessmentId]);
      await checkFormErrors(w, 'Save', 'an assessment changed meanwhile', 409);
    });
    test('a carer’s own record', () => check(w, `/carers/${a11y.carerId}`, 'a carer’s own record'));
    test('change a carer’s details with errors', async () => {
      await check(w, `/carers/${a11y.carerId}/edit`, 'change a carer’s details');
      await w.page.getByLabel('Phone number').fill('');
      await w.page.getByLabel('Email address').fill('');
      await checkFormErrors(w, 'Save', 'a carer’s details with errors');
    });
    test('a carer’s details changed meanwhile', async () => {
      await visit(w.page, `${server.baseUrl}/carers/${a11y.carerId}/edit`);
      await server.db.query('UPDATE carers SET version = version + 1 WHERE id = $1', [a11y.carerId]);
      await checkFormErrors(w, 'Save', 'a carer’s details changed meanwhile', 409);
    });
    test('secure links', () => check(w, `${p()}/secure-links`, 'secure links'));
    test('make a secure link, with errors', async () => {
      await check(w, `${p()}/secure-links/new`, 'make a secure link');
      await checkFormErrors(w, 'Make the link', 'make a secure link with errors');
    });
    test('a secure link sent', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/secure-links/new`);
      await w.page.locator('input[name="for"][value="person"]').check();
      await w.page.getByLabel('Send it by email').check();
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Make the link' }));
      assert.equal(response.status(), 200);
      await w.page.getByRole('heading', { name: 'Secure link sent' }).waitFor();
      await checkA11y(w.page, 'a secure link sent');
    });
    test('a secure link to give in person', async () => {
      await visit(w.page, `${server.baseUrl}${p()}/secure-links/new`);
      await w.page.locator(`input[name="for"][value="${a11y.linkId}"]`).check();
      await w.page.getByLabel('Show it on screen to give in person').check();
      await clickAndWait(w.page, w.page.getByRole('button', { name: 'Make the link' }));
      await w.page.getByText('This link is shown once').waitFor();
      await checkA11y(w.page, 'a secure link to give in person');
      w.assertNoProblems('making a link');
    });
    test('someone else’s person is not found', async () => {
      const other = await openPage(browser);
      try {
        await signIn(other.page, server.baseUrl, demoEmail('navigator2'), DEMO_PASSWORD);
        await check(other, `${p()}/crisis-plan`, 'another organisation’s person', 404);
      } finally {
        await other.context.close();
      }
    });
  });

  describe('the person’s own pages', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
    });
    after(() => w.context.close());

    test('opening a link', async () => {
      const path = await linkFor(a11y.personId, 'person');
      await check(w, path, 'opening a secure link');
      await clickAndWait(w.page, w.page.getByRole('button', { name: 'Continue' }));
      assert.equal(pathOf(w.page), '/my');
      await checkA11y(w.page, 'the person’s home');
      await screenshot(w.page, 'portal-person-home');
    });
    test('their crisis plan', async () => {
      await check(w, '/my/crisis-plan', 'the person’s crisis plan');
      await screenshot(w.page, 'portal-person-crisis-plan');
    });
    test('their plan and goals', () => check(w, '/my/plan', 'the person’s plan and goals'));
    test('their carers', () => check(w, '/my/carers', 'the person’s carers'));
    test('what a carer can see', () => check(w, `/my/carers/${a11y.linkId}`, 'what a carer can see'));
    test('what a carer can see, changed meanwhile', async () => {
      await visit(w.page, `${server.baseUrl}/my/carers/${a11y.linkId}`);
      await server.db.query('UPDATE carer_links SET version = version + 1 WHERE id = $1', [a11y.linkId]);
      await checkFormErrors(w, 'Save what I share', 'what a carer can see, stale', 409);
    });
    test('how we contact you, with errors, then saved', async () => {
      await check(w, '/my/contact-preferences', 'how we contact you');
      await w.page.getByLabel('Best times to contact').fill('x'.repeat(201));
      await checkFormErrors(w, 'Save', 'how we contact you with errors');
      await w.page.getByLabel('Best times to contact').fill('Weekday mornings');
      const saved = await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: 'Save' }));
      assert.equal(saved.status(), 200);
      await w.page.getByText('We will contact you only in the ways you chose').waitFor();
      await checkA11y(w.page, 'how we contact you, saved');
    });
    test('a page that is not theirs', () => check(w, `/my/carers/${crypto.randomUUID()}`, 'another person’s carer', 404));
    test('closing their pages', async () => {
      await check(w, '/my/sign-out', 'close your pages');
      await clickAndWait(w.page, w.page.locator('main').getByRole('button', { name: 'Close your pages' }));
      assert.equal(pathOf(w.page), '/my/signed-out');
      await checkA11y(w.page, 'pages closed');
      await check(w, '/my', 'pages closed, then opened again', 401);
    });
    test('a link that cannot be used', async () => {
      await check(w, '/my/open?token=not-a-real-token', 'a link that cannot be used: continue');
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Continue' }));
      assert.equal(response.status(), 400);
      await checkA11y(w.page, 'a link that cannot be used');
    });
  });

  describe('a carer’s own pages', () => {
    let w: WatchedPage;
    before(async () => {
      w = await openPage(browser);
      await openLink(w, await linkFor(a11y.personId, a11y.linkId));
    });
    after(() => w.context.close());

    test('what is shared with them', () => check(w, '/my', 'the carer’s home'));
    test('the crisis plan they may see', () => check(w, '/my/crisis-plan', 'the carer’s crisis plan'));
    test('what is not shared with them', () => check(w, '/my/plan', 'not shared with the carer', 403));
    test('how we contact them', () => check(w, '/my/contact-preferences', 'how we contact the carer'));
    test('no longer shared with them', async () => {
      await server.db.query(`UPDATE carer_links SET consent_scope = '{}' WHERE id = $1`, [a11y.linkId]);
      try {
        await check(w, '/my', 'a carer who no longer has access', 403);
      } finally {
        await server.db.query(`UPDATE carer_links SET consent_scope = '{crisis_plan}' WHERE id = $1`, [a11y.linkId]);
      }
    });
  });

  describe('the journey, with JavaScript off', () => {
    let staff: WatchedPage;
    let carer: WatchedPage;
    let person: WatchedPage;
    let carerLink = '';
    let personLink = '';
    const carerName = 'Sam Okafor';

    before(async () => {
      staff = await openPage(browser, { javaScriptEnabled: false });
      carer = await openPage(browser, { javaScriptEnabled: false });
      person = await openPage(browser, { javaScriptEnabled: false });
    });
    after(async () => {
      await staff.context.close();
      await carer.context.close();
      await person.context.close();
    });

    test('a navigator links a carer with consent to see the crisis plan', async () => {
      const { page } = staff;
      await signIn(page, server.baseUrl, demoEmail('navigator'), DEMO_PASSWORD);
      await visit(page, `${server.baseUrl}/people/${journeyPerson.id}`);
      assert.equal(await page.locator('body.js-enabled').count(), 0, 'JavaScript is really off');
      await clickAndWait(page, page.getByRole('link', { name: 'Carers and consent' }));
      await clickAndWait(page, page.getByRole('link', { name: 'Link a carer' }));
      await page.getByLabel('First name').fill('Sam');
      await page.getByLabel('Last name').fill('Okafor');
      await page.getByLabel(`Who they are to ${journeyPerson.givenName}`).fill('brother');
      await page.getByLabel('Phone number').fill('07700 900 333');
      await page.getByLabel('Email', { exact: true }).check();
      await page.getByLabel('Email address').fill('sam@example.org');
      await page.getByLabel('Crisis plan', { exact: true }).check();
      // Forgot how the person said so: the form says what is missing and keeps the rest.
      let response = await clickAndWait(page, page.getByRole('button', { name: 'Link this carer' }));
      assert.equal(response.status(), 400);
      assert.equal(await page.locator('.nhsuk-error-summary a').first().getAttribute('href'), '#consentHow');
      assert.ok(await page.getByLabel('Crisis plan', { exact: true }).isChecked(), 'the ticked scope is kept');
      await page.getByLabel('In person').check();
      response = await clickAndWait(page, page.getByRole('button', { name: 'Link this carer' }));
      assert.equal(response.status(), 200);
      await page.getByText('Carer linked').waitFor();
      assert.match(await page.locator('main').innerText(), /May see or be told\s+Crisis plan/);
      staff.assertNoProblems('linking a carer');
    });

    test('the navigator writes the crisis plan with the person', async () => {
      const { page } = staff;
      await visit(page, `${server.baseUrl}/people/${journeyPerson.id}`);
      // The person's page shows the crisis plan section, with a way to write one.
      await clickAndWait(page, page.getByRole('link', { name: /^Write a crisis plan/ }));
      await page.getByLabel('Warning signs').fill('Not sleeping. Stops going out.');
      await page.getByLabel('What helps').fill('Talking to Sam. Walking the dog.');
      await page.locator('#contact-1-name').fill(carerName);
      await page.locator('#contact-1-role').fill('Brother');
      await page.locator('#contact-1-phone').fill('07700 900 333');
      const response = await clickAndWait(page, page.getByRole('button', { name: 'Save the crisis plan' }));
      assert.equal(response.status(), 200);
      await page.getByText('Crisis plan saved').waitFor();
      assert.equal(await page.getByRole('link', { name: /07700 900 333/ }).getAttribute('href'), 'tel:07700900333');
      staff.assertNoProblems('writing the crisis plan');
    });

    test('the navigator makes secure links for the carer and for the person, to give in person', async () => {
      const { page } = staff;
      const make = async (choose: RegExp) => {
        await visit(page, `${server.baseUrl}/people/${journeyPerson.id}/secure-links/new`);
        await page.getByLabel(choose).check();
        await page.getByLabel('Show it on screen to give in person').check();
        await clickAndWait(page, page.getByRole('button', { name: 'Make the link' }));
        return new URL(await page.locator('.lantern-secure-link a').innerText()).pathname + new URL(await page.locator('.lantern-secure-link a').innerText()).search;
      };
      carerLink = await make(new RegExp(`${carerName} \\(brother, carer\\)`));
      personLink = await make(new RegExp(`${journeyPerson.givenName} ${journeyPerson.familyName} \\(the person\\)`));
      assert.match(carerLink, /^\/my\/open\?token=/);
      staff.assertNoProblems('making secure links');
    });

    test('the carer opens their link and sees the crisis plan', async () => {
      await openLink(carer, carerLink);
      await clickAndWait(carer.page, carer.page.getByRole('link', { name: `See ${journeyPerson.givenName}’s crisis plan` }));
      assert.match(await carer.page.locator('main').innerText(), /Not sleeping\. Stops going out\./);
      carer.assertNoProblems('the carer reading the crisis plan');
    });

    test('the person opens their link, sees their crisis plan and stops sharing with the carer', async () => {
      const { page } = person;
      await openLink(person, personLink);
      await clickAndWait(page, page.getByRole('link', { name: 'Your crisis plan' }));
      assert.match(await page.locator('main').innerText(), /Talking to Sam\. Walking the dog\./);
      await clickAndWait(page, page.getByRole('banner').getByRole('link', { name: 'Carers', exact: true }));
      assert.match(await page.locator('main').innerText(), /They can see your crisis plan/);
      await clickAndWait(page, page.getByRole('link', { name: new RegExp(`Stop sharing some or all of this.*${carerName}`) }));
      const response = await clickAndWait(page, page.getByRole('button', { name: 'Stop sharing anything with Sam' }));
      assert.equal(response.status(), 200);
      await page.getByText('Saved. It counts from now.').waitFor();
      assert.match(await page.locator('main').innerText(), /You do not share anything with Sam/);
      person.assertNoProblems('the person stopping sharing');
    });

    test('the carer’s next request is refused kindly, showing nothing else', async () => {
      const { page } = carer;
      const response = await page.reload();
      assert.equal(response?.status(), 403);
      const text = await page.locator('main').innerText();
      assert.match(text, /You no longer have access/);
      assert.doesNotMatch(text, /Not sleeping|Walking the dog|07700 900 333/);
      assert.equal(await page.getByRole('banner').getByRole('link', { name: 'Crisis plan' }).count(), 0, 'no way on to anything');
      await screenshot(page, 'portal-carer-no-access');
      carer.assertNoProblems('the carer refused');
    });

    test('the person’s session ends after 30 minutes without use', async () => {
      await server.db.query(`UPDATE portal_sessions SET last_seen_at = now() - interval '31 minutes' WHERE person_id = $1 AND carer_link_id IS NULL`, [journeyPerson.id]);
      await visit(person.page, `${server.baseUrl}/my/crisis-plan`, 401);
      const text = await person.page.locator('main').innerText();
      assert.match(text, /Your secure pages have closed/);
      assert.doesNotMatch(text, /Not sleeping/);
      person.assertNoProblems('the person’s pages after 30 minutes');
    });
  });

  test('too many attempts from one address are held up, with a page that says when to try again', async () => {
    const w = await openPage(browser);
    try {
      await server.db.query('INSERT INTO portal_link_attempts (ip, succeeded) SELECT $1, false FROM generate_series(1, $2)', ['127.0.0.1', ATTEMPT_LIMIT]);
      await check(w, '/my/open?token=anything', 'opening a link when held up');
      const response = await clickAndWait(w.page, w.page.getByRole('button', { name: 'Continue' }));
      assert.equal(response.status(), 429);
      await checkA11y(w.page, 'too many attempts');
    } finally {
      await server.db.query(`DELETE FROM portal_link_attempts WHERE ip = '127.0.0.1'`);
      await w.context.close();
    }
  });
});
