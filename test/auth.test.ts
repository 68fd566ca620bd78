// Signing in and staying signed in safely: argon2id, throttling, rotation, timeouts, sign-out,
// disabled accounts, password change and the optional second factor.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as OTPAuth from 'otpauth';
import { DEMO_PASSWORD, demoEmail, errorSummary, startTestApp, type TestApp } from './support/app.ts';
import { hashToken } from '../src/platform/sessions.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const sessionCookie = (response: { cookies: { name: string; value: string; secure?: boolean; httpOnly?: boolean; sameSite?: string }[] }) =>
  response.cookies.find((c) => c.name === 'lantern_session');

async function auditActions(email: string): Promise<string[]> {
  const { rows } = await t.db.query<{ action: string; outcome: string }>(
    `SELECT action, outcome FROM audit_events WHERE detail->>'email' = $1 OR actor_user_id = (SELECT id FROM staff_users WHERE email = $1) ORDER BY id`,
    [email],
  );
  return rows.map((r) => `${r.action}:${r.outcome}`);
}

describe('sign-in', () => {
  test('stored passwords are argon2id with m=19456, t=2, p=1', async () => {
    const { rows } = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM staff_users WHERE email = $1', [demoEmail('admin')]);
    const params = /^\$argon2id\$v=19\$([^$]+)\$/.exec(rows[0]!.password_hash)![1]!.split(',').sort();
    assert.deepEqual(params, ['m=19456', 'p=1', 't=2']);
  });

  test('a correct password signs in with a Secure, HttpOnly, SameSite session cookie and is audited', async () => {
    const client = t.client();
    const response = await client.submit('/sign-in', { email: demoEmail('triage'), password: DEMO_PASSWORD });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/');
    const cookie = sessionCookie(response)!;
    assert.ok(cookie.secure && cookie.httpOnly);
    assert.equal(cookie.sameSite, 'Lax');
    const home = await client.get('/');
    assert.match(home.body, /Hello, /);
    assert.equal(home.headers['cache-control'], 'no-store');
    assert.ok((await auditActions(demoEmail('triage'))).includes('sign_in:success'));
  });

  test('the email is matched whatever its case and surrounding spaces', async () => {
    const response = await t.client().submit('/sign-in', { email: `  ${demoEmail('triage').toUpperCase()} `, password: DEMO_PASSWORD });
    assert.equal(response.statusCode, 303);
  });

  test('a wrong password or unknown email gets the same message, linked to the field, and is audited', async () => {
    const wrongPassword = await t.client().submit('/sign-in', { email: demoEmail('navigator'), password: 'not the password' });
    const unknownEmail = await t.client().submit('/sign-in', { email: 'nobody@example.com', password: 'whatever it is' });
    for (const response of [wrongPassword, unknownEmail]) {
      assert.equal(response.statusCode, 400);
      assert.deepEqual(errorSummary(response.body), ['#email: Enter a correct email address and password']);
      assert.match(response.body, /<title>Error: Sign in - Lantern<\/title>/);
    }
    assert.match(wrongPassword.body, new RegExp(`value="${demoEmail('navigator')}"`), 'keeps what was typed');
    assert.ok((await auditActions(demoEmail('navigator'))).includes('sign_in:failure'));
  });

  test('empty fields each get their own message', async () => {
    const response = await t.client().submit('/sign-in', { email: '', password: '' });
    assert.deepEqual(errorSummary(response.body), ['#email: Enter your email address', '#password: Enter your password']);
  });

  test('signing in issues a new session token and ends the one the browser had (no fixation)', async () => {
    const client = await t.signedIn(demoEmail('admin'));
    const before = client.cookies.get('lantern_session')!;
    const response = await client.submit('/account/password', { email: demoEmail('triage'), password: DEMO_PASSWORD }, '/sign-in');
    assert.equal(response.statusCode, 303);
    const afterToken = client.cookies.get('lantern_session')!;
    assert.notEqual(afterToken, before);
    const stale = t.client();
    stale.cookies.set('lantern_session', before);
    assert.equal((await stale.get('/people')).statusCode, 303, 'the old token no longer works');
  });

  test('after 5 failures the account must wait, even with the right password, and the refusal is audited', async () => {
    const email = demoEmail('provider');
    for (let i = 0; i < 5; i++) await t.client().submit('/sign-in', { email, password: `wrong ${i}` });
    const response = await t.client().submit('/sign-in', { email, password: DEMO_PASSWORD });
    assert.equal(response.statusCode, 429);
    assert.equal(response.headers['retry-after'], '900');
    assert.match(response.body, /too many attempts to sign in\. Wait 15 minutes/);
    assert.ok((await auditActions(email)).includes('sign_in:denied'));
    // Another account from another address is not affected.
    assert.equal((await t.client().submit('/sign-in', { email: demoEmail('commissioner'), password: DEMO_PASSWORD })).statusCode, 303);
  });

  test('after 30 failures from one address, that address must wait, whichever account it tries', async () => {
    const address = '203.0.113.9';
    for (let i = 0; i < 30; i++) await t.client(address).submit('/sign-in', { email: `guess${i}@example.com`, password: 'guess' });
    const refused = await t.client(address).submit('/sign-in', { email: demoEmail('admin', 'kingston'), password: DEMO_PASSWORD });
    assert.equal(refused.statusCode, 429);
    const elsewhere = await t.client('198.51.100.7').submit('/sign-in', { email: demoEmail('admin', 'kingston'), password: DEMO_PASSWORD });
    assert.equal(elsewhere.statusCode, 303, 'the account itself is not locked');
  });

  test('the return path after sign-in stays on this site', async () => {
    const client = t.client();
    const ok = await client.submit('/sign-in?returnTo=%2Fpeople', { email: demoEmail('triage'), password: DEMO_PASSWORD });
    assert.equal(ok.headers.location, '/people');
    const evil = await t.client().submit('/sign-in?returnTo=%2F%2Fevil.example', { email: demoEmail('triage'), password: DEMO_PASSWORD });
    assert.equal(evil.headers.location, '/');
  });

  test('a signed-out visitor to a staff page is sent to sign in and back', async () => {
    const response = await t.client().get('/people?q=smith');
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/sign-in?returnTo=%2Fpeople%3Fq%3Dsmith');
  });
});

describe('sessions', () => {
  test('sign-out ends the session on the server, not just the cookie', async () => {
    const client = await t.signedIn(demoEmail('triage'));
    const token = client.cookies.get('lantern_session')!;
    const response = await client.post('/sign-out', {}, { 'sec-fetch-site': 'same-origin' });
    assert.equal(response.statusCode, 303);
    const replay = t.client();
    replay.cookies.set('lantern_session', token);
    assert.equal((await replay.get('/people')).statusCode, 303);
  });

  test('a cross-site sign-out without a token is refused', async () => {
    const client = await t.signedIn(demoEmail('triage'));
    const response = await client.post('/sign-out', {}, { 'sec-fetch-site': 'cross-site' });
    assert.equal(response.statusCode, 403);
    assert.equal((await client.get('/people')).statusCode, 200);
  });

  test('a session idle for longer than the idle timeout has ended', async () => {
    const client = await t.signedIn(demoEmail('triage'));
    const hash = hashToken(client.cookies.get('lantern_session')!);
    await t.db.query(`UPDATE sessions SET last_seen_at = now() - make_interval(mins => $2 + 1) WHERE token_hash = $1`, [hash, t.config.sessionIdleMinutes]);
    assert.equal((await client.get('/people')).statusCode, 303);
  });

  test('a session past its absolute lifetime has ended even if in use', async () => {
    const client = await t.signedIn(demoEmail('triage'));
    const hash = hashToken(client.cookies.get('lantern_session')!);
    await t.db.query(`UPDATE sessions SET expires_at = now() - interval '1 second', last_seen_at = now() WHERE token_hash = $1`, [hash]);
    assert.equal((await client.get('/people')).statusCode, 303);
  });

  test("disabling a user ends their sessions at once", async () => {
    const navigator = await t.signedIn(demoEmail('navigator2'));
    assert.equal((await navigator.get('/people')).statusCode, 200);
    const admin = await t.signedIn(demoEmail('admin'));
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [demoEmail('navigator2')]);
    const disable = await admin.submit('/admin/staff', {}, `/admin/staff/${rows[0]!.id}/disable`);
    assert.equal(disable.statusCode, 303);
    assert.equal((await navigator.get('/people')).statusCode, 303);
    const again = await t.client().submit('/sign-in', { email: demoEmail('navigator2'), password: DEMO_PASSWORD });
    assert.equal(again.statusCode, 400, 'cannot sign in while disabled');
    await admin.submit('/admin/staff', {}, `/admin/staff/${rows[0]!.id}/enable`);
    assert.equal((await t.client().submit('/sign-in', { email: demoEmail('navigator2'), password: DEMO_PASSWORD })).statusCode, 303);
  });
});

describe('password change', () => {
  test('needs the current password and a strong new one; then other sessions end', async () => {
    const email = demoEmail('commissioner', 'kingston');
    const mine = await t.signedIn(email);
    const elsewhere = await t.signedIn(email);
    const weak = await mine.submit('/account/password', { 'current-password': DEMO_PASSWORD, 'new-password': 'short', 'confirm-password': 'short' });
    assert.equal(weak.statusCode, 400);
    assert.deepEqual(errorSummary(weak.body), ['#new-password: Enter a password that is at least 12 characters long']);
    const wrongCurrent = await mine.submit('/account/password', { 'current-password': 'nope', 'new-password': 'correct horse battery', 'confirm-password': 'correct horse battery' });
    assert.deepEqual(errorSummary(wrongCurrent.body), ['#current-password: Your current password is not correct. Enter it again']);
    const mismatch = await mine.submit('/account/password', { 'current-password': DEMO_PASSWORD, 'new-password': 'correct horse battery', 'confirm-password': 'correct horse batter' });
    assert.deepEqual(errorSummary(mismatch.body), ['#confirm-password: Enter the same new password twice']);
    const done = await mine.submit('/account/password', { 'current-password': DEMO_PASSWORD, 'new-password': 'correct horse battery', 'confirm-password': 'correct horse battery' });
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Your password has been changed/);
    assert.equal((await mine.get('/account')).statusCode, 200, 'this session carries on');
    assert.equal((await elsewhere.get('/account')).statusCode, 303, 'the other session has ended');
    assert.equal((await t.client().submit('/sign-in', { email, password: 'correct horse battery' })).statusCode, 303);
  });
});

describe('second factor (TOTP)', () => {
  test('set up, then sign-in asks for a code; a used code cannot be used again', async () => {
    const email = demoEmail('triage', 'kingston');
    const client = await t.signedIn(email);
    const setup = await client.get('/account/two-factor');
    assert.equal(setup.statusCode, 200);
    assert.match(setup.body, /<svg/);
    const key = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(setup.body)![1]!.replace(/ /g, '');
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key), digits: 6, period: 30, algorithm: 'SHA1' });
    const wrong = await client.submit('/account/two-factor', { code: '000000' === totp.generate() ? '111111' : '000000' });
    assert.deepEqual(errorSummary(wrong.body), ['#code: Enter the 6-digit code shown in your authenticator app now']);
    const used = totp.generate();
    const on = await client.submit('/account/two-factor', { code: used });
    assert.match(on.body, /Security codes are on/);
    // Visiting set-up again must not replace the working secret.
    assert.match((await client.get('/account/two-factor')).body, /already on/);

    const next = t.client();
    const password = await next.submit('/sign-in', { email, password: DEMO_PASSWORD });
    assert.equal(password.headers.location, '/sign-in/code?returnTo=%2F');
    assert.equal((await next.get('/people')).statusCode, 303, 'not signed in until the code is given');
    // The code used to turn the factor on cannot be replayed, however slowly the machine runs (a
    // code made afresh here could fall in the next time step and rightly be accepted).
    const replay = await next.submit('/sign-in/code', { code: used });
    assert.equal(replay.statusCode, 400);
    const nextCode = totp.generate({ timestamp: Date.now() + 30_000 });
    const accepted = await next.submit('/sign-in/code', { code: nextCode });
    assert.equal(accepted.statusCode, 303);
    assert.equal((await next.get('/people')).statusCode, 200);
  });
});

describe('second factor guessing', () => {
  test('wrong codes are throttled like wrong passwords, and audited', async () => {
    const email = demoEmail('navigator', 'kingston');
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [email]);
    await t.db.query(`UPDATE staff_users SET totp_enabled = true, totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = $1`, [rows[0]!.id]);
    const client = t.client('192.0.2.44');
    await client.submit('/sign-in', { email, password: DEMO_PASSWORD });
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32('JBSWY3DPEHPK3PXP') });
    const wrong = String((Number(totp.generate()) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i++) assert.equal((await client.submit('/sign-in/code', { code: wrong })).statusCode, 400);
    const blocked = await client.submit('/sign-in/code', { code: totp.generate() });
    assert.equal(blocked.statusCode, 429, 'even the right code waits once guessing has been seen');
    const failures = await t.db.query<{ n: number }>(
      `SELECT count(*) AS n FROM audit_events WHERE action = 'sign_in' AND outcome = 'failure' AND record_id = $1`, [rows[0]!.id],
    );
    assert.equal(Number(failures.rows[0]!.n), 5);
  });

  test('a half-finished sign-in expires after 10 minutes', async () => {
    const email = demoEmail('navigator2', 'kingston');
    await t.db.query(`UPDATE staff_users SET totp_enabled = true, totp_secret = 'JBSWY3DPEHPK3PXP' WHERE email = $1`, [email]);
    const client = t.client('192.0.2.45');
    const response = await client.submit('/sign-in', { email, password: DEMO_PASSWORD });
    assert.match(String(response.headers.location), /^\/sign-in\/code/);
    const hash = hashToken(client.cookies.get('lantern_session')!);
    const { rows } = await t.db.query<{ minutes: number }>(
      `SELECT round(extract(epoch FROM expires_at - created_at) / 60) AS minutes FROM sessions WHERE token_hash = $1 AND awaiting_second_factor`,
      [hash],
    );
    assert.equal(Number(rows[0]?.minutes), 10);
    await t.db.query('UPDATE sessions SET expires_at = now() WHERE token_hash = $1', [hash]);
    assert.equal((await client.get('/sign-in/code')).headers.location, '/sign-in', 'expired: start again');
  });
});

describe('temporary passwords', () => {
  test('a new staff member signs in with the temporary password and must change it first', async () => {
    const admin = await t.signedIn(demoEmail('admin'));
    const form = await admin.get('/admin/staff/new');
    const organisationId = /<option value="([0-9a-f-]{36})"/.exec(form.body)![1]!;
    const created = await admin.submit('/admin/staff/new', { name: 'Sam Newcomer', email: 'sam.newcomer@example.org', role: 'navigator', organisation: organisationId });
    assert.equal(created.statusCode, 200);
    const temporary = /<code>([a-z0-9-]{19})<\/code>/.exec(created.body)![1]!;
    const sam = t.client();
    const signIn = await sam.submit('/sign-in', { email: 'sam.newcomer@example.org', password: temporary });
    assert.equal(signIn.headers.location, '/account/password');
    assert.equal((await sam.get('/people')).headers.location, '/account/password');
    await sam.submit('/account/password', { 'current-password': temporary, 'new-password': 'maple otter lantern', 'confirm-password': 'maple otter lantern' });
    assert.equal((await sam.get('/people')).statusCode, 200);
  });
});

describe('forgotten passwords', () => {
  test('an admin reset ends the person\'s sessions, turns off security codes, and gives a temporary password', async () => {
    const email = demoEmail('provider', 'kingston');
    const person = await t.signedIn(email);
    const admin = await t.signedIn(demoEmail('admin', 'kingston'));
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [email]);
    await t.db.query(`UPDATE staff_users SET totp_enabled = true, totp_secret = 'JBSWY3DPEHPK3PXP' WHERE id = $1`, [rows[0]!.id]);
    const reset = await admin.submit('/admin/staff', {}, `/admin/staff/${rows[0]!.id}/reset-password`);
    assert.equal(reset.statusCode, 200);
    assert.match(reset.body, /has a new temporary password/);
    const temporary = /<code>([a-z0-9-]{19})<\/code>/.exec(reset.body)![1]!;
    assert.equal((await person.get('/account')).statusCode, 303, 'signed out everywhere');
    const again = await t.client().submit('/sign-in', { email, password: temporary });
    assert.equal(again.headers.location, '/account/password', 'no security code asked; must choose a new password');
    assert.equal((await t.client().submit('/sign-in', { email, password: DEMO_PASSWORD })).statusCode, 400, 'the old password no longer works');
  });

  test("an admin cannot reset another tenant's staff", async () => {
    const { rows } = await t.db.query<{ id: string }>('SELECT id FROM staff_users WHERE email = $1', [demoEmail('triage')]);
    const admin = await t.signedIn(demoEmail('admin', 'kingston'));
    assert.equal((await admin.submit('/admin/staff', {}, `/admin/staff/${rows[0]!.id}/reset-password`)).statusCode, 404);
  });
});
