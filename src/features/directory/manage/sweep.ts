// The daily staleness sweep, one job per tenant per day. A published listing nobody has confirmed
// for 6 months gets one reminder (an email to each of its organisation's provider staff, with a
// one-click confirmation link); at 12 months the tenant's administrators get one email listing the
// listings that have newly gone that long. confirm_reminder_sent_at and stale_alert_sent_at
// remember what was sent since the listing was last confirmed, so running the sweep again (or
// twice in a day) sends nothing more; confirming the listing starts the clock again.
import type { Config } from '../../../config.ts';
import type { Database, Queryable } from '../../../db/database.ts';
import { CONFIRM_REMINDER_MONTHS, OUT_OF_DATE_MONTHS } from '../../../domain/listing-freshness.ts';
import { enqueue, type JobHandlers } from '../../../platform/jobs.ts';
import { queueNotification } from '../../../platform/notifications.ts';
import { confirmReminderMessage, staleAlertMessage } from './messages.ts';
import { listingPath, monthsOldSql } from './service.ts';
import { confirmPath, confirmToken } from './tokens.ts';

export const DIRECTORY_SWEEP = 'directory.sweep';
/** At most this many listings are handled in one sweep; the rest wait for the next day. */
const SWEEP_BATCH = 1000;
/** Listings named in an administrator's alert; the rest are counted. */
const ALERT_NAMES = 20;

/** Enqueues today's sweep for every tenant (at 7am UK time, or now if later). Safe to call often. */
export async function scheduleDirectorySweeps(db: Database, now: Date): Promise<void> {
  const { rows } = await db.query<{ id: string; day: string; run_at: Date }>(
    `SELECT t.id, d.day, greatest($1::timestamptz, (d.day || ' 07:00')::timestamp AT TIME ZONE 'Europe/London') AS run_at
       FROM tenants t, (SELECT to_char($1::timestamptz AT TIME ZONE 'Europe/London', 'YYYY-MM-DD') AS day) d
      ORDER BY t.id`,
    [now],
  );
  for (const row of rows) {
    await enqueue(db, { kind: DIRECTORY_SWEEP, tenantId: row.id, payload: { tenantId: row.id, day: row.day }, uniqueKey: `directory-sweep:${row.id}:${row.day}`, runAt: row.run_at });
  }
}

export interface SweepResult {
  /** listings whose providers were reminded */
  reminded: number;
  /** reminder emails queued */
  reminders: number;
  /** listings newly 12 months old, told to administrators */
  alerted: number;
  /** alert emails queued */
  alerts: number;
}

/** One tenant's sweep, in the caller's transaction, by the clock `now`. */
export async function sweepTenant(tx: Queryable, config: Pick<Config, 'cookieSecret' | 'publicBaseUrl'>, tenantId: string, now: Date): Promise<SweepResult> {
  const result: SweepResult = { reminded: 0, reminders: 0, alerted: 0, alerts: 0 };

  const due = await tx.query<{ id: string; name: string; organisation_id: string; last_confirmed_at: Date }>(
    `SELECT s.id, s.name, s.organisation_id, s.last_confirmed_at
       FROM directory_services s
      WHERE s.tenant_id = $1 AND s.published AND s.status <> 'defunct' AND s.organisation_id IS NOT NULL
        AND ${monthsOldSql('s.last_confirmed_at', CONFIRM_REMINDER_MONTHS, '$2::timestamptz')}
        AND (s.confirm_reminder_sent_at IS NULL OR s.confirm_reminder_sent_at < s.last_confirmed_at)
      ORDER BY s.last_confirmed_at, s.id
      LIMIT ${SWEEP_BATCH}
      FOR UPDATE OF s`,
    [tenantId, now],
  );
  const staffByOrganisation = new Map<string, { name: string; email: string }[]>();
  for (const listing of due.rows) {
    let staff = staffByOrganisation.get(listing.organisation_id);
    if (!staff) {
      const found = await tx.query<{ name: string; email: string }>(
        `SELECT name, email FROM staff_users
          WHERE tenant_id = $1 AND organisation_id = $2 AND role = 'provider' AND disabled_at IS NULL ORDER BY email`,
        [tenantId, listing.organisation_id],
      );
      staff = found.rows;
      staffByOrganisation.set(listing.organisation_id, staff);
    }
    // No one to ask: the administrators hear about it at 12 months.
    if (staff.length === 0) continue;
    const token = confirmToken(config.cookieSecret, tenantId, listing.id, listing.last_confirmed_at);
    for (const member of staff) {
      const message = confirmReminderMessage({
        staffName: member.name, listingName: listing.name, lastConfirmedAt: listing.last_confirmed_at,
        confirmUrl: `${config.publicBaseUrl}${confirmPath(listing.id, token)}`,
        listingUrl: `${config.publicBaseUrl}${listingPath('provider', listing.id)}`,
      });
      await queueNotification(tx, { tenantId, channel: 'email', recipient: member.email, ...message, reference: `directory_service:${listing.id}` });
      result.reminders += 1;
    }
    await tx.query('UPDATE directory_services SET confirm_reminder_sent_at = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, listing.id, now]);
    result.reminded += 1;
  }

  const stale = await tx.query<{ id: string; name: string; organisation_name: string; last_confirmed_at: Date }>(
    `SELECT s.id, s.name, s.organisation_name, s.last_confirmed_at
       FROM directory_services s
      WHERE s.tenant_id = $1 AND s.published AND s.status <> 'defunct'
        AND ${monthsOldSql('s.last_confirmed_at', OUT_OF_DATE_MONTHS, '$2::timestamptz')}
        AND (s.stale_alert_sent_at IS NULL OR s.stale_alert_sent_at < s.last_confirmed_at)
      ORDER BY s.last_confirmed_at, s.id
      LIMIT ${SWEEP_BATCH}
      FOR UPDATE OF s`,
    [tenantId, now],
  );
  if (stale.rows.length > 0) {
    const admins = await tx.query<{ name: string; email: string }>(
      `SELECT name, email FROM staff_users WHERE tenant_id = $1 AND role = 'admin' AND disabled_at IS NULL ORDER BY email`,
      [tenantId],
    );
    if (admins.rows.length > 0) {
      const listings = stale.rows.slice(0, ALERT_NAMES).map((l) => ({ name: l.name, organisationName: l.organisation_name, lastConfirmedAt: l.last_confirmed_at }));
      for (const admin of admins.rows) {
        const message = staleAlertMessage({
          staffName: admin.name, listings, total: stale.rows.length,
          listUrl: `${config.publicBaseUrl}/admin/directory/listings?show=out-of-date`,
        });
        await queueNotification(tx, { tenantId, channel: 'email', recipient: admin.email, ...message, reference: `directory-stale:${tenantId}` });
        result.alerts += 1;
      }
      await tx.query(
        'UPDATE directory_services SET stale_alert_sent_at = $3 WHERE tenant_id = $1 AND id = ANY($2::text[])',
        [tenantId, stale.rows.map((l) => l.id), now],
      );
      result.alerted = stale.rows.length;
    }
  }
  return result;
}

/** The jobs this feature runs. */
export function directoryManageJobs(config: Pick<Config, 'cookieSecret' | 'publicBaseUrl'>): JobHandlers {
  return {
    [DIRECTORY_SWEEP]: async (tx, job, { now }) => {
      if (!job.tenantId) return;
      await sweepTenant(tx, config, job.tenantId, now);
    },
  };
}
