// The notification outbox: queued in the caller's transaction, delivered by a job through a
// transport: the log transport by default, or GOV.UK Notify's API, here a faithful fake Notify on
// 127.0.0.1 that checks the JWT, the body and the template's placeholders, and can fail on cue.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig, type NotifyConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { runDueJobs } from '../src/platform/jobs.ts';
import {
  logTransport, notificationJobs, notifyToken, notifyTransport, queueNotification, redactRecipient, transportFor, type NotificationInput,
} from '../src/platform/notifications.ts';
import { freshDatabase } from './support/database.ts';

const SERVICE_ID = crypto.randomUUID();
const SECRET = crypto.randomUUID();
const API_KEY = `lantern_test-${SERVICE_ID}-${SECRET}`;
const EMAIL_TEMPLATE = crypto.randomUUID();
const SMS_TEMPLATE = crypto.randomUUID();
const REMINDER_TEMPLATE = crypto.randomUUID();

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/**
 * A fake GOV.UK Notify: POST /v2/notifications/{email,sms} with a Bearer JWT (HS256, iss = the
 * service id, iat within 30 seconds) signed with the key's secret; JSON bodies checked the way
 * Notify checks them (a known template, every placeholder given, a valid address). Answers 201
 * with the created notification, or the errors Notify gives; `failNext` makes it fail on cue.
 */
class FakeNotify {
  readonly received: Received[] = [];
  private readonly failures: number[] = [];
  private readonly templates = new Map<string, { type: 'email' | 'sms'; placeholders: string[] }>([
    [EMAIL_TEMPLATE, { type: 'email', placeholders: ['subject', 'body'] }],
    [SMS_TEMPLATE, { type: 'sms', placeholders: ['body'] }],
    [REMINDER_TEMPLATE, { type: 'email', placeholders: ['listing_name', 'confirm_url'] }],
  ]);
  private server = http.createServer((req, res) => void this.handle(req, res));
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
  failNext(status: number): void {
    this.failures.push(status);
  }

  private send(res: http.ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  private error(res: http.ServerResponse, status: number, error: string, message: string): void {
    this.send(res, status, { errors: [{ error, message }], status_code: status });
  }

  private authorised(header: string | undefined): boolean {
    const token = /^Bearer (.+)$/.exec(header ?? '')?.[1];
    const [head, payload, signature] = token?.split('.') ?? [];
    if (!head || !payload || !signature) return false;
    const expected = crypto.createHmac('sha256', SECRET).update(`${head}.${payload}`).digest('base64url');
    if (expected !== signature) return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: string; iat?: number };
    const alg = (JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string }).alg;
    return alg === 'HS256' && claims.iss === SERVICE_ID && Math.abs(Date.now() / 1000 - (claims.iat ?? 0)) <= 30;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const channel = /^\/v2\/notifications\/(email|sms)$/.exec(req.url ?? '')?.[1] as 'email' | 'sms' | undefined;
    if (req.method !== 'POST' || !channel) return this.error(res, 404, 'NotFoundError', 'Not found');
    if (!this.authorised(req.headers.authorization)) return this.error(res, 403, 'AuthError', 'Invalid token: signature, api token not found');
    if (!String(req.headers['content-type']).startsWith('application/json')) return this.error(res, 400, 'BadRequestError', 'Content-Type must be application/json');
    const body = JSON.parse(text) as Record<string, unknown>;
    this.received.push({ path: req.url!, body });
    const failure = this.failures.shift();
    if (failure) return this.error(res, failure, 'Exception', 'Internal server error');
    const template = this.templates.get(String(body.template_id));
    if (!template || template.type !== channel) return this.error(res, 400, 'BadRequestError', 'Template not found');
    const personalisation = (body.personalisation ?? {}) as Record<string, string>;
    const missing = template.placeholders.filter((p) => personalisation[p] === undefined);
    if (missing.length) return this.error(res, 400, 'BadRequestError', `Missing personalisation: ${missing.join(', ')}`);
    if (channel === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(body.email_address))) {
      return this.error(res, 400, 'ValidationError', 'email_address Not a valid email address');
    }
    if (channel === 'sms' && !/^(?:\+44|0)7\d{9}$/.test(String(body.phone_number).replace(/\s/g, ''))) {
      return this.error(res, 400, 'ValidationError', 'phone_number Not a UK mobile number');
    }
    const id = crypto.randomUUID();
    this.send(res, 201, {
      id,
      reference: body.reference ?? null,
      content: channel === 'email'
        ? { subject: personalisation.subject ?? '', body: personalisation.body ?? '', from_email: 'lantern@notifications.service.gov.uk' }
        : { body: personalisation.body ?? '', from_number: 'LANTERN' },
      uri: `${this.url}/v2/notifications/${id}`,
      template: { id: body.template_id, version: 1, uri: `${this.url}/services/${SERVICE_ID}/templates/${body.template_id}` },
    });
  }
}

let db: Database;
let drop: () => Promise<void>;
const fake = new FakeNotify();
const notifyConfig = (): NotifyConfig => ({
  apiKey: API_KEY, baseUrl: fake.url, emailTemplateId: EMAIL_TEMPLATE, smsTemplateId: SMS_TEMPLATE, templateIds: { 'listing-confirm-reminder': REMINDER_TEMPLATE },
});

before(async () => {
  ({ db, drop } = await freshDatabase());
  await fake.start();
});
after(async () => {
  await fake.stop();
  await drop();
});
beforeEach(async () => {
  await db.query('DELETE FROM jobs');
  await db.query('DELETE FROM notifications');
  fake.received.splice(0);
});

const email = (overrides: Partial<NotificationInput> = {}): NotificationInput => ({
  tenantId: 'kent', channel: 'email', recipient: 'gareth.lewis@example.com', template: 'listing-change-approved',
  personalisation: { subject: 'Your change is in the directory', body: 'Dear Gareth,\n\nApproved.' }, reference: 'directory_change:1',
  ...overrides,
});

async function queue(input: NotificationInput): Promise<number> {
  return db.transaction((tx) => queueNotification(tx, input));
}

async function row(id: number) {
  const { rows } = await db.query<{ status: string; attempts: number; last_error: string | null; sent_at: Date | null }>(
    'SELECT status, attempts, last_error, sent_at FROM notifications WHERE id = $1', [id],
  );
  return rows[0]!;
}

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe('queueing', () => {
  test('in the caller’s transaction, with its delivery job: rolled back together', async () => {
    await assert.rejects(db.transaction(async (tx) => {
      await queueNotification(tx, email());
      throw new Error('the approval failed');
    }));
    assert.equal((await db.query('SELECT 1 FROM notifications')).rows.length, 0);
    assert.equal((await db.query('SELECT 1 FROM jobs')).rows.length, 0);
    const id = await queue(email());
    assert.equal((await row(id)).status, 'queued');
    const jobs = await db.query<{ kind: string; payload: { notificationId: number } }>('SELECT kind, payload FROM jobs');
    assert.deepEqual(jobs.rows.map((j) => [j.kind, j.payload.notificationId]), [['notification.deliver', id]]);
  });
});

describe('the log transport (the default)', () => {
  test('writes the template and a redacted recipient, never the words, and marks it sent', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const id = await queue(email());
    const result = await runDueJobs(db, notificationJobs(logTransport(logger)));
    assert.equal(result.done, 1);
    const sent = await row(id);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.attempts, 1);
    assert.ok(sent.sent_at);
    const line = lines.map((l) => JSON.parse(l) as { notification?: { template: string; to: string; id: number } }).find((l) => l.notification)!;
    assert.deepEqual([line.notification!.id, line.notification!.template, line.notification!.to], [id, 'listing-change-approved', 'g***@example.com']);
    assert.doesNotMatch(lines.join('\n'), /gareth\.lewis|Dear Gareth/);
  });

  test('is what Lantern uses unless Notify is configured', () => {
    assert.equal(transportFor(loadConfig({}), { info() {} }).name, 'log');
    const config = loadConfig({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE, NOTIFY_BASE_URL: 'https://notify.example.org/' });
    assert.equal(transportFor(config, { info() {} }).name, 'notify');
    assert.equal(config.notify!.baseUrl, 'https://notify.example.org');
  });

  test('redacts email addresses and phone numbers', () => {
    assert.equal(redactRecipient('email', 'someone@nhs.net'), 's***@nhs.net');
    assert.equal(redactRecipient('sms', '07700 900982'), '********982');
    assert.equal(redactRecipient('email', 'broken'), '***');
  });
});

describe('the GOV.UK Notify transport', () => {
  const jobs = () => notificationJobs(notifyTransport(notifyConfig()));

  test('sends an email through the generic template, signed with the API key', async () => {
    const id = await queue(email());
    assert.equal((await runDueJobs(db, jobs())).done, 1);
    assert.equal(fake.received.length, 1);
    const request = fake.received[0]!;
    assert.equal(request.path, '/v2/notifications/email');
    assert.deepEqual(request.body, {
      email_address: 'gareth.lewis@example.com',
      template_id: EMAIL_TEMPLATE,
      personalisation: { subject: 'Your change is in the directory', body: 'Dear Gareth,\n\nApproved.' },
      reference: `lantern-notification-${id}`,
    });
    assert.equal((await row(id)).status, 'sent');
  });

  test('sends a text message through the SMS template', async () => {
    const id = await queue(email({ channel: 'sms', recipient: '07700 900982', personalisation: { body: 'Your listing needs a check' } }));
    await runDueJobs(db, jobs());
    assert.equal(fake.received[0]!.path, '/v2/notifications/sms');
    assert.equal(fake.received[0]!.body.phone_number, '07700 900982');
    assert.equal(fake.received[0]!.body.template_id, SMS_TEMPLATE);
    assert.equal((await row(id)).status, 'sent');
  });

  test('uses a message’s own Notify template when one is named', async () => {
    const id = await queue(email({ template: 'listing-confirm-reminder', personalisation: { subject: 's', body: 'b', listing_name: 'Shed', confirm_url: 'https://x.example/c' } }));
    await runDueJobs(db, jobs());
    assert.equal(fake.received[0]!.body.template_id, REMINDER_TEMPLATE);
    assert.equal((await row(id)).status, 'sent');
  });

  test('Notify failing (500) keeps the message queued with the error; it is tried again and sent', async () => {
    fake.failNext(500);
    const id = await queue(email());
    assert.deepEqual(await runDueJobs(db, jobs()), { claimed: 1, done: 0, failed: 1 });
    let saved = await row(id);
    assert.equal(saved.status, 'queued');
    assert.equal(saved.attempts, 1);
    assert.equal(saved.last_error, 'Notify answered 500: Exception: Internal server error');
    assert.equal((await runDueJobs(db, jobs())).claimed, 0, 'it waits before trying again');

    assert.equal((await runDueJobs(db, jobs(), { now: later(31) })).done, 1);
    saved = await row(id);
    assert.equal(saved.status, 'sent');
    assert.equal(saved.attempts, 2);
    assert.equal(fake.received.length, 2);
    assert.equal((await runDueJobs(db, jobs(), { now: later(3600) })).claimed, 0, 'sent once');
  });

  test('a key Notify refuses (403) or too many requests (429) are tried again', async () => {
    const wrongKey = notificationJobs(notifyTransport({ ...notifyConfig(), apiKey: `lantern_test-${SERVICE_ID}-${crypto.randomUUID()}` }));
    const id = await queue(email());
    await runDueJobs(db, wrongKey);
    let saved = await row(id);
    assert.equal(saved.status, 'queued');
    assert.match(saved.last_error!, /^Notify answered 403: AuthError/);
    fake.failNext(429);
    await runDueJobs(db, jobs(), { now: later(31) });
    saved = await row(id);
    assert.equal(saved.status, 'queued');
    assert.match(saved.last_error!, /^Notify answered 429/);
    await runDueJobs(db, jobs(), { now: later(200) });
    assert.equal((await row(id)).status, 'sent');
  });

  test('a message Notify rejects as invalid (400) is marked failed with the reason, not retried', async () => {
    const id = await queue(email({ recipient: 'not-an-address' }));
    await runDueJobs(db, jobs());
    const saved = await row(id);
    assert.equal(saved.status, 'failed');
    assert.equal(saved.last_error, 'Notify answered 400: ValidationError: email_address Not a valid email address');
    assert.equal((await runDueJobs(db, jobs(), { now: later(86_400) })).claimed, 0);
  });

  test('Notify out of reach keeps the message queued', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const id = await queue(email());
    await runDueJobs(db, notificationJobs(notifyTransport({ ...notifyConfig(), baseUrl: `http://127.0.0.1:${port}` })));
    const saved = await row(id);
    assert.equal(saved.status, 'queued');
    assert.match(saved.last_error!, /^Notify could not be reached/);
    assert.equal(saved.attempts, 1);
  });

  test('the token is a JWT Notify accepts: HS256, the service id as issuer, issued now', () => {
    const [head, payload] = notifyToken(API_KEY, new Date('2026-05-01T10:00:00Z')).split('.');
    assert.deepEqual(JSON.parse(Buffer.from(head!, 'base64url').toString()), { typ: 'JWT', alg: 'HS256' });
    assert.deepEqual(JSON.parse(Buffer.from(payload!, 'base64url').toString()), { iss: SERVICE_ID, iat: Date.parse('2026-05-01T10:00:00Z') / 1000 });
  });
});

describe('Notify settings', () => {
  test('are checked at start', () => {
    assert.throws(() => loadConfig({ NOTIFY_API_KEY: 'not-a-key' }), /NOTIFY_API_KEY must be a GOV.UK Notify API key/);
    assert.throws(() => loadConfig({ NOTIFY_API_KEY: API_KEY }), /NOTIFY_EMAIL_TEMPLATE_ID must be set when NOTIFY_API_KEY is/);
    assert.throws(() => loadConfig({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: 'x' }), /NOTIFY_EMAIL_TEMPLATE_ID must be a Notify template id/);
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: 'x'.repeat(32), NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE }),
      /PUBLIC_BASE_URL must be set in production when NOTIFY_API_KEY is/,
    );
    assert.throws(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://x' }), /PUBLIC_BASE_URL must be a web address/);
    assert.throws(() => loadConfig({ JOB_POLL_SECONDS: '0' }), /JOB_POLL_SECONDS must be a whole number from 1 to 3600/);
    const config = loadConfig({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE, NOTIFY_TEMPLATE_IDS: `listing-confirm-reminder=${REMINDER_TEMPLATE}` });
    assert.deepEqual(config.notify!.templateIds, { 'listing-confirm-reminder': REMINDER_TEMPLATE });
    assert.equal(loadConfig({}).publicBaseUrl, 'http://localhost:3000');
  });
});
