// The one place that reads the environment. Every setting is named, typed and documented in the
// README; in production a missing or unsafe setting stops the process at start, not later.
import path from 'node:path';
import crypto from 'node:crypto';

export interface Config {
  env: 'production' | 'development' | 'test';
  host: string;
  port: number;
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** Fill a newly created database with demo data (never in production). */
  demoData: boolean;
  logLevel: string;
  /** Secret used to sign the CSRF cookie. */
  cookieSecret: string;
  /** Send cookies only over HTTPS (browsers treat http://localhost as secure too). */
  secureCookies: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  /** Trust X-Forwarded-* from a reverse proxy (needed for the client's address behind one). */
  trustProxy: boolean;
  /** The tenant whose public pages (directory, Get help now, self-referral) a visitor sees. */
  publicTenant: string;
  /** Host names that show another tenant's public pages: host -> tenant id. */
  tenantHosts: Record<string, string>;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const production = nodeEnv === 'production';

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (it is "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be true or false (it is "${env[name]}")`);
    return fallback;
  };

  let cookieSecret = env.COOKIE_SECRET ?? '';
  if (cookieSecret.length < 32) {
    if (production) problems.push('COOKIE_SECRET must be set to at least 32 random characters in production');
    // Outside production a per-process secret is fine: only CSRF cookies are signed with it.
    cookieSecret = crypto.randomBytes(32).toString('hex');
  }

  const databaseUrl = env.DATABASE_URL || undefined;
  const demoData = bool('DEMO_DATA', !production);
  if (production && demoData) problems.push('DEMO_DATA must not be true in production');

  const tenantHosts: Record<string, string> = {};
  for (const pair of (env.TENANT_HOSTS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [host, tenant] = pair.split('=').map((p) => p.trim().toLowerCase());
    if (!host || !tenant) problems.push(`TENANT_HOSTS must be a list like "kent.example.org=kent,kingston.example.org=kingston" (it has "${pair}")`);
    else tenantHosts[host] = tenant;
  }

  const config: Config = {
    env: nodeEnv,
    host: env.HOST || '127.0.0.1',
    port: int('PORT', 3000, 0, 65535),
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR || 'data'),
    demoData,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    cookieSecret,
    secureCookies: bool('SECURE_COOKIES', true),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
    sessionAbsoluteHours: int('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 7),
    trustProxy: bool('TRUST_PROXY', false),
    publicTenant: (env.PUBLIC_TENANT || 'kent').toLowerCase(),
    tenantHosts,
  };
  if (problems.length > 0) {
    throw new ConfigError(`Lantern cannot start because of its settings:\n- ${problems.join('\n- ')}`);
  }
  return config;
}

/** Settings for tests and tools: development defaults with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ NODE_ENV: 'test' }), ...overrides };
}
