// The notification outbox. A message is a row in `notifications`, written in the same transaction
// as the change that caused it, with a job to deliver it; a transport sends it later. By default
// the transport writes a log line (no message leaves Lantern); with NOTIFY_API_KEY set it is GOV.UK
// Notify, or any service that speaks Notify's API. A delivery that fails for a reason that may
// pass (a network fault, Notify busy or down, a key refused) stays queued with its attempts and
// last error and is tried again later; one Notify refuses as invalid is marked failed, with the
// reason. Nothing acknowledged is lost.
import crypto from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import type { Config, NotifyConfig } from '../config.ts';
import { enqueue, type JobDefinition, type JobHandlers, type JobLogger } from './jobs.ts';

export type NotificationChannel = 'email' | 'sms';

export interface NotificationInput {
  tenantId: string | null;
  channel: NotificationChannel;
  /** an email address or a phone number */
  recipient: string;
  /** Lantern's name for the message, like "listing-change-approved" */
  template: string;
  /**
   * The values of the message. Include `subject` (email) and `body`: Lantern writes its own
   * words, sent through one generic Notify template unless NOTIFY_TEMPLATE_IDS names another.
   */
  personalisation: Record<string, string>;
  /** the record that caused it, for tracing and for not sending the same thing twice */
  reference?: string | null;
  /**
   * The message carries something that signs a person in (a secure link): its words are kept
   * only until it is sent, or refused for good, then removed from the outbox.
   */
  forgetAfterSend?: boolean;
}

export const DELIVER_NOTIFICATION = 'notification.deliver';

/** Queues a message in the caller's transaction, with the job that will deliver it. Returns its id. */
export async function queueNotification(tx: Queryable, input: NotificationInput): Promise<number> {
  const recipient = input.recipient.trim();
  if (!recipient) throw new Error('A notification needs a recipient');
  const { rows } = await tx.query<{ id: number }>(
    `INSERT INTO notifications (tenant_id, channel, recipient, template, personalisation, reference, forget_after_send)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [input.tenantId, input.channel, recipient, input.template, JSON.stringify(input.personalisation), input.reference ?? null, input.forgetAfterSend ?? false],
  );
  const id = Number(rows[0]!.id);
  await enqueue(tx, { kind: DELIVER_NOTIFICATION, payload: { notificationId: id }, uniqueKey: `notification:${id}`, tenantId: input.tenantId });
  return id;
}

export interface OutgoingNotification {
  id: number;
  tenantId: string | null;
  channel: NotificationChannel;
  recipient: string;
  template: string;
  personalisation: Record<string, string>;
  reference: string | null;
}

export interface Transport {
  readonly name: string;
  /** Sends one message, or throws (a DeliveryError says whether trying again can help). */
  send(notification: OutgoingNotification): Promise<{ providerId?: string }>;
}

export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Enough of a recipient to recognise in a log, not enough to contact: g***@example.com, *******982. */
export function redactRecipient(channel: NotificationChannel, recipient: string): string {
  if (channel === 'email') {
    const at = recipient.lastIndexOf('@');
    return at > 0 ? `${recipient[0]}***${recipient.slice(at)}` : '***';
  }
  const digits = recipient.replace(/\D/g, '');
  return digits.length > 3 ? `${'*'.repeat(digits.length - 3)}${digits.slice(-3)}` : '***';
}

/** Delivers by writing a log line: the template and a redacted recipient, never the words (they may carry links that sign people in). */
export function logTransport(log: Pick<JobLogger, 'info'>): Transport {
  return {
    name: 'log',
    async send(n) {
      log.info(
        { notification: { id: n.id, channel: n.channel, template: n.template, to: redactRecipient(n.channel, n.recipient), reference: n.reference } },
        'notification delivered by the log transport (set NOTIFY_API_KEY to send it)',
      );
      return {};
    },
  };
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** The bearer token Notify expects: a JWT (HS256) with iss = service id and iat = now, signed with the secret key. */
export function notifyToken(apiKey: string, now: Date = new Date()): string {
  const secret = apiKey.slice(-36);
  const serviceId = apiKey.slice(-73, -37);
  const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }));
  const payload = base64url(JSON.stringify({ iss: serviceId, iat: Math.floor(now.getTime() / 1000) }));
  const signature = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export interface NotifyTransportOptions extends NotifyConfig {
  /** for tests: another fetch */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** GOV.UK Notify's API (POST /v2/notifications/email and /sms), or a service compatible with it. */
export function notifyTransport(options: NotifyTransportOptions): Transport {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    name: 'notify',
    async send(n) {
      const templateId = options.templateIds[n.template] ?? (n.channel === 'email' ? options.emailTemplateId : options.smsTemplateId);
      // A missing setting is put right by an operator, then the message goes: so try again later.
      if (!templateId) throw new DeliveryError(`No Notify template for ${n.channel} messages: set NOTIFY_${n.channel === 'email' ? 'EMAIL' : 'SMS'}_TEMPLATE_ID`, false);
      const body = {
        ...(n.channel === 'email' ? { email_address: n.recipient } : { phone_number: n.recipient }),
        template_id: templateId,
        personalisation: n.personalisation,
        reference: `lantern-notification-${n.id}`,
      };
      let response: Response;
      try {
        response = await doFetch(`${options.baseUrl}/v2/notifications/${n.channel}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${notifyToken(options.apiKey)}`,
            'content-type': 'application/json',
            'user-agent': 'lantern',
          },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new DeliveryError(`Notify could not be reached: ${(error as Error).message}`, false);
      }
      const text = await response.text().catch(() => '');
      if (response.status === 201 || response.status === 200) {
        let providerId: string | undefined;
        try {
          providerId = (JSON.parse(text) as { id?: string }).id;
        } catch {
          providerId = undefined;
        }
        return providerId ? { providerId } : {};
      }
      let reason = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { errors?: { error?: string; message?: string }[] };
        const first = parsed.errors?.[0];
        if (first) reason = `${first.error ?? 'Error'}: ${first.message ?? ''}`;
      } catch {
        // not JSON: keep the text
      }
      // 400 is Notify saying this message can never be sent as it is (a bad address, a missing
      // placeholder). 403 (a key refused), 429 (too many) and 5xx may pass, so try again.
      throw new DeliveryError(`Notify answered ${response.status}: ${reason}`, response.status === 400);
    },
  };
}

/** The transport the settings ask for. */
export function transportFor(config: Pick<Config, 'notify'>, log: Pick<JobLogger, 'info'>): Transport {
  return config.notify ? notifyTransport(config.notify) : logTransport(log);
}

/** What a message that carried a sign-in link keeps once it is sent: that it had words, not the words. */
const FORGOTTEN = `'{"removed": "The words held a sign-in link, so they were removed once sent."}'::jsonb`;

type NotificationRow = {
  id: number; tenant_id: string | null; channel: NotificationChannel; recipient: string; template: string;
  personalisation: Record<string, string>; reference: string | null; status: string;
};

/** The job that delivers one queued notification through the transport. */
export function notificationJobs(transport: Transport, log?: Pick<JobLogger, 'info'>): JobHandlers {
  const deliver: JobDefinition<{ sent: boolean }> = {
    // The call to the transport happens outside any transaction, so an embedded database is not
    // held while Notify answers.
    async prepare(job, { db }) {
      const id = Number(job.payload.notificationId);
      const { rows } = await db.query<NotificationRow>(
        'SELECT id, tenant_id, channel, recipient, template, personalisation, reference, status FROM notifications WHERE id = $1',
        [id],
      );
      const row = rows[0];
      if (!row || row.status !== 'queued') return { sent: false };
      const result = await transport.send({
        id: Number(row.id), tenantId: row.tenant_id, channel: row.channel, recipient: row.recipient, template: row.template,
        personalisation: row.personalisation ?? {}, reference: row.reference,
      });
      if (result.providerId) log?.info({ notification: { id: row.id, providerId: result.providerId } }, 'notification accepted by Notify');
      return { sent: true };
    },
    async run(tx, job, { now }, prepared) {
      if (!prepared?.sent) return;
      await tx.query(
        `UPDATE notifications SET status = 'sent', attempts = attempts + 1, sent_at = $2,
                personalisation = CASE WHEN forget_after_send THEN ${FORGOTTEN} ELSE personalisation END
          WHERE id = $1 AND status = 'queued'`,
        [Number(job.payload.notificationId), now],
      );
    },
    async failed(tx, job, error) {
      const permanent = (error as { permanent?: unknown }).permanent === true;
      await tx.query(
        `UPDATE notifications SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3 THEN 'failed' ELSE status END,
                personalisation = CASE WHEN $3 AND forget_after_send THEN ${FORGOTTEN} ELSE personalisation END
          WHERE id = $1 AND status = 'queued'`,
        [Number(job.payload.notificationId), error.message.slice(0, 2000), permanent],
      );
    },
  };
  return { [DELIVER_NOTIFICATION]: deliver as JobDefinition };
}
