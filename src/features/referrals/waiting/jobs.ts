// The clocks the system keeps for people who wait, as durable jobs (src/platform/jobs.ts):
//
// - The deadline alert: a crisis or urgent referral gets a job at its first-response deadline,
//   enqueued in the transaction that creates it or changes its deadline (one job per referral and
//   due date). When it runs, if the referral is still open and nobody has reached the person, the
//   single point of access's inbox is emailed (reference and link only) and the referral's
//   history says so. A job for a deadline that has since changed does nothing: the new deadline
//   has its own.
// - The no-contact reminder: a sweep once a working day per tenant finds people on waiting lists
//   nobody has tried to contact for the tenant's number of days, and emails whoever should act:
//   the responsible worker, or when nobody is allocated the organisation's team leads, or else
//   the triage inbox. At most one reminder per referral per reminder period.
//
// This module is imported by the referral core (to schedule alerts), so it must not import the
// core's service.ts.
import type { Config } from '../../../config.ts';
import type { Database, Queryable, Transaction } from '../../../db/database.ts';
import { isOpen } from '../../../domain/referral-states.ts';
import { contactDueBefore, reminderRunAt } from '../../../domain/waiting.ts';
import { londonDate, type Urgency } from '../../../domain/working-days.ts';
import { audit } from '../../../platform/audit.ts';
import { enqueue, type Job, type JobHandlers } from '../../../platform/jobs.ts';
import { queueNotification } from '../../../platform/notifications.ts';
import { getTenantSettings } from '../../../platform/tenant-settings.ts';
import { insertEvent, readReferral } from '../store.ts';
import { insertReminderEvents } from './store.ts';
import { deadlineMissedMessage, noContactReminderMessage } from './messages.ts';

export const DEADLINE_ALERT = 'referral.deadline_alert';
export const NO_CONTACT_REMINDERS = 'waiting.no_contact_reminders';

/** The context of work the system does by itself, for audit rows: no actor, the job as the request. */
const systemContext = (job: Job) => ({ actor: null, requestId: `job:${job.id}` });

/**
 * Enqueues the alert for a crisis or urgent referral's first-response deadline, in the caller's
 * transaction. Call it whenever a referral is created or its due date or urgency changes; calling
 * it again for the same deadline does nothing.
 */
export async function scheduleDeadlineAlert(tx: Queryable, referral: { tenantId: string; id: string; urgency: Urgency; dueAt: Date }): Promise<void> {
  if (referral.urgency === 'routine') return;
  const due = referral.dueAt.toISOString();
  await enqueue(tx, {
    kind: DEADLINE_ALERT,
    tenantId: referral.tenantId,
    payload: { referralId: referral.id, dueAt: due },
    runAt: referral.dueAt,
    uniqueKey: `referral-deadline:${referral.tenantId}:${referral.id}:${due}`,
  });
}

export type DeadlineAlertOutcome = 'alerted' | 'reached' | 'closed' | 'deadline changed' | 'not found';

/** Runs one deadline alert by the clock `now`; says what it did. */
export async function alertMissedDeadline(tx: Transaction, config: Pick<Config, 'publicBaseUrl'>, job: Job, now: Date): Promise<DeadlineAlertOutcome> {
  const tenantId = job.tenantId ?? '';
  const referral = await readReferral(tx, tenantId, String(job.payload.referralId ?? ''), true);
  if (!referral) return 'not found';
  if (!isOpen(referral.state)) return 'closed';
  if (referral.firstReachedAt) return 'reached';
  if (referral.urgency === 'routine' || referral.dueAt.toISOString() !== job.payload.dueAt) return 'deadline changed';

  const settings = await getTenantSettings(tx, tenantId);
  const urgency = referral.urgency;
  if (settings.triageEmail) {
    const alert = deadlineMissedMessage({
      serviceName: settings.serviceName, reference: referral.reference, urgency, referralUrl: `${config.publicBaseUrl}/referrals/${referral.id}`,
    });
    await queueNotification(tx, { tenantId, channel: 'email', recipient: settings.triageEmail, ...alert, reference: `referral:${referral.id}:deadline:${referral.dueAt.toISOString()}` });
  }
  const told = settings.triageEmail ? 'the single point of access was emailed' : 'no triage inbox is set, so nobody was emailed';
  const detail = { urgency, dueAt: referral.dueAt.toISOString(), emailed: Boolean(settings.triageEmail) };
  await insertEvent(tx, tenantId, referral.id, {
    actorUserId: null, kind: 'deadline_missed', at: now, detail,
    note: `The first-response deadline passed and nobody had reached the person: ${told}.`,
  });
  await audit(tx, systemContext(job), {
    action: 'referral.deadline_missed', recordType: 'referral', recordId: referral.id, personId: referral.personId, tenantId,
    basis: 'first-response deadline clock (system)', outcome: 'success', detail,
  });
  return 'alerted';
}

// ---------------------------------------------------------------------------------------------
// No-contact reminders

/** Enqueues today's reminder sweep for every tenant, on working days only (8am UK time, or now if later). Safe to call often. */
export async function scheduleNoContactReminders(db: Database, now: Date): Promise<void> {
  const when = reminderRunAt(now);
  if (!when) return;
  const { rows } = await db.query<{ id: string }>('SELECT id FROM tenants ORDER BY id');
  for (const tenant of rows) {
    await enqueue(db, {
      kind: NO_CONTACT_REMINDERS, tenantId: tenant.id, payload: { day: when.day, part: 1 }, runAt: when.runAt,
      uniqueKey: `waiting-reminders:${tenant.id}:${when.day}`,
    });
  }
}

/** Referrals handled by one run; past it, the run enqueues the next part of the day's sweep. */
export const REMINDER_BATCH = 2000;

export type Recipients = 'responsible worker' | 'team leads' | 'triage inbox';

const WHY: Record<Recipients, string> = {
  'responsible worker': 'you are their responsible worker',
  'team leads': 'nobody is allocated to them and you are a team lead for the organisation they are waiting for',
  'triage inbox': 'nobody is allocated to them and their organisation has no team lead in Lantern',
};

export interface ReminderResult {
  /** referrals reminded about */
  reminded: number;
  /** reminder emails queued */
  emails: number;
  /** referrals due a reminder with nobody to tell (no worker, team lead or triage inbox) */
  untold: number;
  /** true when the batch was full and the next part of the sweep was enqueued */
  more: boolean;
}

/**
 * One tenant's no-contact reminders by the clock `now`, in the caller's transaction. A referral is
 * included when nobody has tried to contact the person for the tenant's noContactReminderDays and
 * nobody was reminded about it in that time (isReminderDue in src/domain/waiting.ts, in SQL here
 * so the index finds them).
 */
export async function sweepNoContactReminders(
  tx: Transaction,
  config: Pick<Config, 'publicBaseUrl'>,
  tenantId: string,
  now: Date,
  ctx: { actor: null; requestId: string },
): Promise<ReminderResult> {
  const settings = await getTenantSettings(tx, tenantId);
  const days = settings.noContactReminderDays;
  const threshold = contactDueBefore(now, days);
  const due = await tx.query<{
    id: string; reference: string; person_id: string | null; routed_organisation_id: string | null; worker_email: string | null;
  }>(
    `SELECT r.id, r.reference, r.person_id, r.routed_organisation_id, u.email AS worker_email
       FROM referrals r
       LEFT JOIN staff_users u ON u.tenant_id = r.tenant_id AND u.id = r.responsible_user_id AND u.disabled_at IS NULL
      WHERE r.tenant_id = $1 AND r.state = 'waiting'
        AND coalesce(r.last_contact_at, r.original_received_at) <= $2
        AND NOT EXISTS (SELECT 1 FROM referral_events e
                         WHERE e.tenant_id = r.tenant_id AND e.referral_id = r.id AND e.kind = 'reminder' AND e.at > $2)
      ORDER BY coalesce(r.last_contact_at, r.original_received_at), r.id
      LIMIT ${REMINDER_BATCH}
      FOR UPDATE OF r SKIP LOCKED`,
    [tenantId, threshold.toISOString()],
  );

  const organisations = [...new Set(due.rows.filter((r) => !r.worker_email && r.routed_organisation_id).map((r) => r.routed_organisation_id!))];
  const leads = new Map<string, string[]>();
  if (organisations.length > 0) {
    const found = await tx.query<{ organisation_id: string; email: string }>(
      `SELECT organisation_id, email FROM staff_users
        WHERE tenant_id = $1 AND organisation_id = ANY($2::uuid[]) AND team_lead AND disabled_at IS NULL ORDER BY email`,
      [tenantId, organisations],
    );
    for (const row of found.rows) leads.set(row.organisation_id, [...(leads.get(row.organisation_id) ?? []), row.email]);
  }

  const result: ReminderResult = { reminded: 0, emails: 0, untold: 0, more: due.rows.length === REMINDER_BATCH };
  const byRecipient = new Map<string, { email: string; recipients: Recipients; referrals: { reference: string; url: string }[] }>();
  const reminded: { id: string; personId: string | null; recipients: Recipients }[] = [];
  for (const referral of due.rows) {
    let recipients: Recipients;
    let emails: string[];
    if (referral.worker_email) {
      recipients = 'responsible worker';
      emails = [referral.worker_email];
    } else if (referral.routed_organisation_id && leads.get(referral.routed_organisation_id)?.length) {
      recipients = 'team leads';
      emails = leads.get(referral.routed_organisation_id)!;
    } else if (settings.triageEmail) {
      recipients = 'triage inbox';
      emails = [settings.triageEmail];
    } else {
      // Nobody to tell: the waiting list still flags them, and the next sweep tries again.
      result.untold += 1;
      continue;
    }
    for (const email of emails) {
      const key = `${recipients}\u0000${email}`;
      const entry = byRecipient.get(key) ?? { email, recipients, referrals: [] };
      entry.referrals.push({ reference: referral.reference, url: `${config.publicBaseUrl}/referrals/${referral.id}` });
      byRecipient.set(key, entry);
    }
    reminded.push({ id: referral.id, personId: referral.person_id, recipients });
  }

  if (reminded.length > 0) {
    // One statement for the whole batch: the history of each referral says who was reminded.
    await insertReminderEvents(tx, tenantId, now, reminded.map((r) => ({
      referralId: r.id,
      note: `Nobody had tried to contact them for ${days} days or more: a reminder was sent to the ${r.recipients}.`,
      detail: { told: r.recipients, days },
    })));
    // The sweep read and wrote these referrals: one audit row names them all, as a list does.
    await audit(tx, ctx, {
      action: 'referral.reminder', recordType: 'referral', tenantId, basis: 'no-contact reminder (system)', outcome: 'success',
      detail: { days, referralIds: reminded.map((r) => r.id), personIds: reminded.flatMap((r) => (r.personId ? [r.personId] : [])) },
    });
    result.reminded = reminded.length;
  }

  const waitingListUrl = `${config.publicBaseUrl}/waiting-list?sort=contact`;
  for (const entry of byRecipient.values()) {
    const reminder = noContactReminderMessage({ serviceName: settings.serviceName, days, why: WHY[entry.recipients], referrals: entry.referrals, waitingListUrl });
    await queueNotification(tx, { tenantId, channel: 'email', recipient: entry.email, ...reminder, reference: `waiting-reminder:${tenantId}:${londonDate(now)}` });
    result.emails += 1;
  }
  return result;
}

/** The jobs this feature runs. */
export function waitingJobs(config: Pick<Config, 'publicBaseUrl'>): JobHandlers {
  return {
    [DEADLINE_ALERT]: async (tx, job, { now }) => {
      await alertMissedDeadline(tx, config, job, now);
    },
    [NO_CONTACT_REMINDERS]: async (tx, job, { now }) => {
      if (!job.tenantId) return;
      const result = await sweepNoContactReminders(tx, config, job.tenantId, now, systemContext(job));
      if (result.more) {
        // A long list is worked through in parts, each its own job, so no one transaction is huge.
        const part = Number(job.payload.part ?? 1) + 1;
        await enqueue(tx, {
          kind: NO_CONTACT_REMINDERS, tenantId: job.tenantId, payload: { day: job.payload.day, part }, runAt: now,
          uniqueKey: `waiting-reminders:${job.tenantId}:${String(job.payload.day)}:${part}`,
        });
      }
    },
  };
}
