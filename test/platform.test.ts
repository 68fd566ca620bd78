// The web platform as a visitor meets it: crisis options on every page, security headers, CSRF,
// the NHS-styled error pages and the health check.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from './support/app.ts';
import { AppError } from '../src/platform/errors.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({
    beforeReady(app) {
      app.get('/test/fault', async () => {
        throw new Error('secret internal detail at /srv/lantern/src/thing.ts:42');
      });
      app.get('/test/refused', async () => {
        throw new AppError({ status: 403, code: 'forbidden', message: 'You cannot see this test page.' });
      });
    },
  });
});
after(() => t.close());

describe('Get help now', () => {
  test('the crisis page gives working tel: and sms: links for each national option', async () => {
    const page = await t.client().get('/get-help-now');
    assert.equal(page.statusCode, 200);
    for (const href of ['tel:999', 'tel:111', 'tel:116123', 'sms:85258?body=SHOUT']) {
      assert.ok(page.body.includes(`href="${href}"`), `missing ${href}`);
    }
    assert.match(page.body, /option 2/);
    assert.match(page.body, /Samaritans/);
    assert.match(page.body, /text the word SHOUT to 85258/i);
    // Works without JavaScript: the options are in the HTML itself, not loaded by script.
    assert.doesNotMatch(page.body, /<noscript/);
  });

  test('every page, including sign-in and error pages, links to Get help now', async () => {
    const client = t.client();
    for (const url of ['/', '/sign-in', '/accessibility', '/privacy', '/no-such-page']) {
      const page = await client.get(url);
      assert.match(page.body, /<a class="lantern-help-now__link" href="\/get-help-now">Get help now<\/a>/, url);
    }
  });
});

describe('security headers', () => {
  test('CSP with a fresh nonce per request, HSTS, nosniff and no framing', async () => {
    const client = t.client();
    const first = await client.get('/');
    const second = await client.get('/');
    const csp = String(first.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, 'script nonce in CSP');
    assert.ok(first.body.includes(`nonce="${nonce}"`), 'the page uses the nonce');
    assert.notEqual(nonce, /'nonce-([^']+)'/.exec(String(second.headers['content-security-policy']))?.[1]);
    assert.match(String(first.headers['strict-transport-security']), /max-age=31536000; includeSubDomains/);
    assert.equal(first.headers['x-content-type-options'], 'nosniff');
    assert.equal(first.headers['x-frame-options'], 'DENY');
  });

  test('every response carries a request id', async () => {
    const page = await t.client().get('/');
    assert.match(String(page.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  test('the NHS.UK frontend assets are served locally', async () => {
    const client = t.client();
    assert.equal((await client.get('/assets/nhsuk/nhsuk-frontend.min.css')).statusCode, 200);
    assert.equal((await client.get('/assets/nhsuk/nhsuk-frontend.min.js')).statusCode, 200);
    assert.equal((await client.get('/assets/app.mjs')).statusCode, 200);
  });

  test('the NHS.UK stylesheet asks for nothing from other sites (no web font from assets.nhs.uk)', async () => {
    const css = await t.client().get('/assets/nhsuk/nhsuk-frontend.min.css');
    assert.equal(css.statusCode, 200);
    assert.match(String(css.headers['content-type']), /^text\/css/);
    assert.ok(css.body.length > 100_000, 'the whole stylesheet is there');
    assert.doesNotMatch(css.body, /@font-face|https?:\/\//);
  });
});

describe('CSRF', () => {
  test('a form posted without its token is refused with a plain message, and nothing happens', async () => {
    const client = t.client();
    const response = await client.post('/sign-in', { email: 'admin@kent.demo.lantern.test', password: 'lantern-demo-2026' });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /This page has expired/);
    assert.equal(client.cookies.has('lantern_session'), false);
  });

  test('a token from another browser does not work', async () => {
    const other = t.client();
    const page = await other.get('/sign-in');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const response = await t.client().post('/sign-in', { _csrf: token, email: 'x@example.com', password: 'y' });
    assert.equal(response.statusCode, 403);
  });
});

describe('errors', () => {
  test('an unknown page is an NHS-styled 404', async () => {
    const page = await t.client().get('/no-such-page');
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /<h1>Page not found<\/h1>/);
    assert.match(page.body, /nhsuk-header/);
  });

  test('a fault shows a calm 500 with a reference, never the stack or the message', async () => {
    const page = await t.client().get('/test/fault');
    assert.equal(page.statusCode, 500);
    assert.match(page.body, /Sorry, there is a problem with the service/);
    assert.ok(page.body.includes(String(page.headers['x-request-id'])), 'shows the reference');
    assert.doesNotMatch(page.body, /secret internal detail|thing\.ts|at \w+ \(/);
  });

  test('a refusal is a 403 page with its message', async () => {
    const page = await t.client().get('/test/refused');
    assert.equal(page.statusCode, 403);
    assert.match(page.body, /You cannot see this test page\./);
  });

  test('JSON callers get JSON errors', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/no-such', headers: { accept: 'application/json' } });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().error.code, 'not_found');
  });

  test('a malformed form body is a 400 page, not a 500', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/sign-in', headers: { 'content-type': 'application/json' }, payload: '{"oops' });
    assert.equal(response.statusCode, 400);
  });
});

describe('health', () => {
  test('reports the database state and schema version', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/health' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.database.status, 'ok');
    assert.ok(body.database.schemaVersion >= 1);
    assert.equal(body.database.driver, process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite');
  });
});
