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
  /** Lantern's address as people reach it, for links in emails (no trailing slash). */
  publicBaseUrl: string;
  /** How often the background job runner looks for due jobs. */
  jobPollSeconds: number;
  /** GOV.UK Notify (or a compatible service) for email and text messages; absent: messages are logged. */
  notify: NotifyConfig | undefined;
  /** Brakes on floods: posts of the public referral form per address per 10 minutes, API calls per key per minute. */
  rateLimits: { publicFormPosts: number; apiCalls: number };
}

export interface NotifyConfig {
  apiKey: string;
  baseUrl: string;
  /** a Notify template with ((subject)) and ((body)) placeholders, used for every email */
  emailTemplateId: string | undefined;
  /** a Notify template with a ((body)) placeholder, used for every text message */
  smsTemplateId: string | undefined;
  /** Lantern template name -> Notify template id, for messages with their own Notify template */
  templateIds: Record<string, string>;
}

const NOTIFY_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A Notify API key is its name, the service id and the secret: "name-{uuid}-{uuid}". */
const NOTIFY_API_KEY = /^.+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

  const port = int('PORT', 3000, 0, 65535);
  const httpUrl = (name: string, fallback: string): string => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    try {
      const url = new URL(raw);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
      return url.toString().replace(/\/+$/, '');
    } catch {
      problems.push(`${name} must be a web address starting with https:// (it is "${raw}")`);
      return fallback;
    }
  };
  const publicBaseUrl = httpUrl('PUBLIC_BASE_URL', `http://localhost:${port}`);
  let notify: NotifyConfig | undefined;
  if (env.NOTIFY_API_KEY) {
    if (!NOTIFY_API_KEY.test(env.NOTIFY_API_KEY)) problems.push('NOTIFY_API_KEY must be a GOV.UK Notify API key (its name, then the service id and secret key)');
    const templateIds: Record<string, string> = {};
    for (const pair of (env.NOTIFY_TEMPLATE_IDS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const [name, id] = pair.split('=').map((p) => p.trim());
      if (!name || !id || !NOTIFY_UUID.test(id)) problems.push(`NOTIFY_TEMPLATE_IDS must be a list like "listing-confirm-reminder=<template id>,..." (it has "${pair}")`);
      else templateIds[name] = id;
    }
    const templateId = (name: string): string | undefined => {
      const value = env[name] || undefined;
      if (value && !NOTIFY_UUID.test(value)) problems.push(`${name} must be a Notify template id (it is "${value}")`);
      return value;
    };
    notify = {
      apiKey: env.NOTIFY_API_KEY,
      baseUrl: httpUrl('NOTIFY_BASE_URL', 'https://api.notifications.service.gov.uk'),
      emailTemplateId: templateId('NOTIFY_EMAIL_TEMPLATE_ID'),
      smsTemplateId: templateId('NOTIFY_SMS_TEMPLATE_ID'),
      templateIds,
    };
    if (!notify.emailTemplateId) problems.push('NOTIFY_EMAIL_TEMPLATE_ID must be set when NOTIFY_API_KEY is: a Notify email template with ((subject)) and ((body))');
    // Real messages carry links: they must point at where people reach Lantern, not localhost.
    if (production && !env.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL must be set in production when NOTIFY_API_KEY is, for the links in messages');
  }

  const config: Config = {
    env: nodeEnv,
    host: env.HOST || '127.0.0.1',
    port,
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
    publicBaseUrl,
    jobPollSeconds: int('JOB_POLL_SECONDS', 5, 1, 3600),
    notify,
    // Tests drive hundreds of forms from one address, so the brakes are off unless a test sets them.
    rateLimits: {
      publicFormPosts: int('RATE_LIMIT_PUBLIC_FORM', nodeEnv === 'test' ? 1_000_000 : 120, 1, 1_000_000),
      apiCalls: int('RATE_LIMIT_API', nodeEnv === 'test' ? 1_000_000 : 600, 1, 1_000_000),
    },
  };
  if (problems.length > 0) {
    throw new ConfigError(`Lantern cannot start because of its settings:\n- ${problems.join('\n- ')}`);
  }
  return config;
}

/** Settings for tests and tools: development defaults with overrides. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // LOG_LEVEL=error npm test ... shows what the app logged, to debug a failing test
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL }), ...overrides };
}
