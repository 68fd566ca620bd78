// "Save and come back later" on the self-referral: the only time the public form keeps anything
// before it is sent, and only because the person asked. The answers so far are kept for 7 days
// under the SHA-256 of a random token; the token itself is only in the link the person is given
// (on screen, and by email if they ask), so a copy of the table cannot open a draft. A draft is
// deleted when the referral is sent, and a recurring job deletes expired ones.
import crypto from 'node:crypto';
import type { Database, Queryable } from '../../../db/database.ts';
import { enqueue, type JobHandlers } from '../../../platform/jobs.ts';
import { queueNotification } from '../../../platform/notifications.ts';
import { formatDate } from '../../../platform/views.ts';
import type { Answers } from './fields.ts';
import { isSelfStep, SELF_KEYS, type SelfStep } from './self-referral.ts';

export const DRAFT_DAYS = 7;
/** Emails of one draft's link: enough for a typo and a retry, not enough to make Lantern a mailer. */
export const DRAFT_EMAILS = 3;
export const DRAFT_CLEANUP = 'referral.drafts.cleanup';
const DAY_MS = 86_400_000;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newDraftToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

export const isDraftToken = (value: string | undefined): value is string => TOKEN.test(value ?? '');

export function draftTokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export interface Draft {
  step: SelfStep;
  answers: Answers;
  expiresAt: Date;
}

/** Only the flow's own answers are kept (never the draft token). */
function keptAnswers(answers: Answers): Answers {
  const kept: Answers = {};
  for (const key of SELF_KEYS) if (key !== 'draft' && key !== 'returnTo' && answers[key]) kept[key] = answers[key]!;
  return kept;
}

/**
 * Keeps the answers so far under the token (a new draft, or the same one saved again: its 7 days
 * start again). Returns when it expires.
 */
export async function saveDraft(db: Queryable, tenantId: string, token: string, step: SelfStep, answers: Answers, now = new Date()): Promise<Date> {
  const expiresAt = new Date(now.getTime() + DRAFT_DAYS * DAY_MS);
  await db.query(
    `INSERT INTO referral_drafts (token_hash, tenant_id, answers, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (token_hash) DO UPDATE SET answers = EXCLUDED.answers, expires_at = EXCLUDED.expires_at
      WHERE referral_drafts.tenant_id = EXCLUDED.tenant_id`,
    [draftTokenHash(token), tenantId, JSON.stringify({ step, answers: keptAnswers(answers) }), now, expiresAt],
  );
  return expiresAt;
}

/** The draft for a token in the tenant, or null when there is none or it has expired (an expired one is deleted). */
export async function loadDraft(db: Queryable, tenantId: string, token: string, now = new Date()): Promise<Draft | null> {
  if (!isDraftToken(token)) return null;
  const hash = draftTokenHash(token);
  const { rows } = await db.query<{ answers: { step?: unknown; answers?: unknown }; expires_at: Date }>(
    'SELECT answers, expires_at FROM referral_drafts WHERE token_hash = $1 AND tenant_id = $2',
    [hash, tenantId],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.expires_at <= now) {
    await db.query('DELETE FROM referral_drafts WHERE token_hash = $1', [hash]);
    return null;
  }
  const stored = row.answers ?? {};
  const answers: Answers = {};
  const raw = stored.answers && typeof stored.answers === 'object' ? (stored.answers as Record<string, unknown>) : {};
  for (const key of SELF_KEYS) if (typeof raw[key] === 'string') answers[key] = raw[key] as string;
  return { step: isSelfStep(stored.step) ? stored.step : 'who', answers, expiresAt: row.expires_at };
}

export async function deleteDraft(db: Queryable, token: string): Promise<void> {
  if (isDraftToken(token)) await db.query('DELETE FROM referral_drafts WHERE token_hash = $1', [draftTokenHash(token)]);
}

/** The email with the link to carry on: the link and its expiry only, never an answer. */
export function draftLinkMessage(v: { serviceName: string; link: string; expiresAt: Date }) {
  const until = formatDate(v.expiresAt);
  return {
    template: 'referral-draft-link',
    personalisation: {
      subject: `Your saved answers for ${v.serviceName}`,
      body: [
        `You saved your answers on the ${v.serviceName} website so you can finish asking for support later.`,
        `To carry on, open this link: ${v.link}`,
        `The link works until ${until}. After that your answers are deleted and you will need to start again.`,
        'Anyone with this link can see your answers, so do not share it. If you did not ask for this email, you can ignore it.',
        'If you or someone else is in danger now, call 999. For urgent mental health help, call NHS 111 and choose option 2, any time of day or night.',
      ].join('\n\n'),
      service_name: v.serviceName,
      link: v.link,
      expires: until,
    },
  };
}

export type EmailDraftOutcome = 'sent' | 'gone' | 'limit';

/** Emails the draft's link, if the draft is still there and has not been emailed too often. */
export async function emailDraftLink(
  db: Database,
  tenantId: string,
  token: string,
  email: string,
  v: { serviceName: string; baseUrl: string },
  now = new Date(),
): Promise<EmailDraftOutcome> {
  return db.transaction(async (tx) => {
    if (!isDraftToken(token)) return 'gone';
    const hash = draftTokenHash(token);
    const { rows } = await tx.query<{ expires_at: Date }>(
      'SELECT expires_at FROM referral_drafts WHERE token_hash = $1 AND tenant_id = $2 FOR UPDATE',
      [hash, tenantId],
    );
    const draft = rows[0];
    if (!draft || draft.expires_at <= now) return 'gone';
    // Notifications are traced by a reference made from the hash, so the outbox never holds the token's hash in full either.
    const reference = `referral-draft:${hash.slice(0, 16)}`;
    const sent = await tx.query<{ n: number }>('SELECT count(*) AS n FROM notifications WHERE tenant_id = $1 AND reference = $2', [tenantId, reference]);
    if (Number(sent.rows[0]?.n ?? 0) >= DRAFT_EMAILS) return 'limit';
    const message = draftLinkMessage({ serviceName: v.serviceName, link: `${v.baseUrl}/refer/resume/${token}`, expiresAt: draft.expires_at });
    // The link opens the draft, so the outbox forgets the words once the email has gone.
    await queueNotification(tx, { tenantId, channel: 'email', recipient: email, ...message, reference, forgetAfterSend: true });
    return 'sent';
  });
}

/** Deletes drafts whose 7 days are over; returns how many. */
export async function deleteExpiredDrafts(db: Queryable, now: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM referral_drafts WHERE expires_at <= $1', [now]);
  return rowCount;
}

/** Enqueues this hour's cleanup (one job an hour, whoever asks). Safe to call often. */
export async function scheduleDraftCleanup(db: Database, now: Date): Promise<void> {
  const hour = now.toISOString().slice(0, 13);
  await enqueue(db, { kind: DRAFT_CLEANUP, payload: { hour }, uniqueKey: `referral-drafts-cleanup:${hour}`, runAt: now });
}

/** The jobs of the ways in. */
export function intakeJobs(): JobHandlers {
  return {
    [DRAFT_CLEANUP]: async (tx, _job, { now }) => {
      await deleteExpiredDrafts(tx, now);
    },
  };
}
