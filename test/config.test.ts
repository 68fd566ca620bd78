import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../src/config.ts';

describe('configuration', () => {
  test('development defaults need no settings at all', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.demoData, true);
    assert.equal(config.secureCookies, true);
  });

  test('production refuses to start without a cookie secret, or with demo data', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', DEMO_DATA: 'true' }), (error: Error) => {
      assert.match(error.message, /COOKIE_SECRET must be set to at least 32 random characters in production/);
      assert.match(error.message, /DEMO_DATA must not be true in production/);
      return true;
    });
    const ok = loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://db/lantern' });
    assert.equal(ok.demoData, false);
  });

  test('bad values are named with what is allowed', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be a whole number from 0 to 65535 \(it is "eighty"\)/);
    assert.throws(() => loadConfig({ SECURE_COOKIES: 'maybe' }), /SECURE_COOKIES must be true or false/);
    assert.throws(() => loadConfig({ SESSION_IDLE_MINUTES: '0' }), /SESSION_IDLE_MINUTES must be a whole number from 1 to 1440/);
  });
});
