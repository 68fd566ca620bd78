// Chasing unanswered social prescriptions. When a prescription goes to a provider's inbox, a job
// is queued for the tenant's prescriptionChaseDays later. If it is still unanswered then, each of
// the provider's staff gets an email (a link only) and the next reminder is queued a period
// later; after MAX_CHASES reminders the navigator is told instead, and chasing stops. Each step is
// its own job with a unique key (prescription-chase:<id>:<step>:<when due>), and the job checks
// the prescription's own chase_count before doing anything, so a step runs at most once however
// often it is queued. An hourly schedule queues any step that is due but has no job (a job table
// cleared, a runner that was down), so nothing is forgotten.
import type { Config } from '../../config.ts';
import type { Database, Queryable } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { enqueue, type JobHandlers } from '../../platform/jobs.ts';
import { queueNotification } from '../../platform/notifications.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { episodeSummary } from '../episodes/summary.ts';
import { chaseMessage, unansweredMessage } from './messages.ts';
import { MAX_CHASES, type Prescription } from './model.ts';
import { activeStaff, insertEvent, readPrescription, staffToTell, teamLeads, writePrescription } from './store.ts';

export const CHASE_JOB = 'prescription.chase';
const DAY_MS = 86_400_000;

export const prescriptionUrl = (baseUrl: string, id: string): string => `${baseUrl}/prescriptions/${id}`;

/** Queues reminder `step` (1, 2, 3, then MAX_CHASES + 1: telling the navigator) for `runAt`. Safe to call again. */
export async function scheduleChase(tx: Queryable, tenantId: string, prescriptionId: string, step: number, runAt: Date): Promise<void> {
  await enqueue(tx, {
    kind: CHASE_JOB, tenantId, payload: { tenantId, prescriptionId, step }, runAt, uniqueKey: `prescription-chase:${prescriptionId}:${step}:${runAt.toISOString()}`,
  });
}

/** When the first reminder is due for a prescription sent at `sentAt`. */
export function firstChaseAt(sentAt: Date, chaseDays: number): Date {
  return new Date(sentAt.getTime() + chaseDays * DAY_MS);
}

/**
 * Who to tell about a prescription as its navigator: the episode's responsible worker, else the
 * navigator who sent it, else the team leads of the organisation that sent it.
 */
export async function navigatorsToTell(tx: Queryable, p: Prescription): Promise<{ id: string; name: string; email: string }[]> {
  const episode = await episodeSummary(tx, p.tenantId, p.episodeId);
  const worker = await activeStaff(tx, p.tenantId, episode?.workerId ?? null);
  if (worker) return [worker];
  const prescriber = await activeStaff(tx, p.tenantId, p.prescribedBy);
  if (prescriber) return [prescriber];
  return teamLeads(tx, p.tenantId, p.prescriberOrganisationId);
}

const waitedDays = (p: Prescription, now: Date) => Math.max(0, Math.floor((now.getTime() - p.sentAt.getTime()) / DAY_MS));

export type ChaseOutcome = 'not_due' | 'chased' | 'navigator_told' | 'nothing_to_do';

/** One step of chasing, in the caller's transaction, by the clock `now`. */
export async function chasePrescription(
  tx: Queryable,
  config: Pick<Config, 'publicBaseUrl'>,
  tenantId: string,
  prescriptionId: string,
  step: number,
  now: Date,
): Promise<ChaseOutcome> {
  const p = await readPrescription(tx, tenantId, prescriptionId, true);
  // Answered, withdrawn, self-recorded or already told: nothing more to chase. A step that is not
  // the next one has already run (or was overtaken), so it does nothing.
  if (!p || p.state !== 'sent' || !p.providerOrganisationId || !p.nextChaseAt || p.unansweredReportedAt) return 'nothing_to_do';
  if (step !== p.chaseCount + 1) return 'nothing_to_do';
  if (p.nextChaseAt.getTime() > now.getTime()) {
    await scheduleChase(tx, tenantId, p.id, step, p.nextChaseAt);
    return 'not_due';
  }
  const url = prescriptionUrl(config.publicBaseUrl, p.id);
  const system: Pick<RequestContext, 'actor' | 'requestId'> = { actor: null, requestId: `job:${CHASE_JOB}:${p.id}:${step}` };
  const staff = p.chaseCount < MAX_CHASES ? await staffToTell(tx, tenantId, p.providerOrganisationId, ['provider']) : [];

  if (staff.length > 0) {
    for (const member of staff) {
      const message = chaseMessage({ waitedDays: waitedDays(p, now), reminder: step, of: MAX_CHASES, url });
      await queueNotification(tx, { tenantId, channel: 'email', recipient: member.email, ...message, reference: `prescription:${p.id}:chase:${step}` });
    }
    const settings = await getTenantSettings(tx, tenantId);
    const next = new Date(now.getTime() + settings.prescriptionChaseDays * DAY_MS);
    await writePrescription(tx, tenantId, p.id, { chaseCount: step, nextChaseAt: next }, undefined, { keepVersion: true });
    await insertEvent(tx, tenantId, p.id, { actorUserId: null, kind: 'chased', detail: { reminder: step, recipients: staff.length }, at: now });
    await audit(tx, system, {
      action: 'prescription.chase', recordType: 'prescription', recordId: p.id, personId: p.personId, tenantId, basis: 'unanswered prescription',
      outcome: 'success', detail: { reminder: step, recipients: staff.length },
    });
    await scheduleChase(tx, tenantId, p.id, step + 1, next);
    return 'chased';
  }

  // Every reminder has gone (or nobody at the provider can answer in Lantern): tell the navigator once.
  const navigators = await navigatorsToTell(tx, p);
  for (const navigator of navigators) {
    const message = unansweredMessage({ waitedDays: waitedDays(p, now), reminders: p.chaseCount, url });
    await queueNotification(tx, { tenantId, channel: 'email', recipient: navigator.email, ...message, reference: `prescription:${p.id}:unanswered` });
  }
  const reason = p.chaseCount >= MAX_CHASES ? 'reminders_used' : 'no_provider_staff';
  await writePrescription(tx, tenantId, p.id, { nextChaseAt: null, unansweredReportedAt: now }, undefined, { keepVersion: true });
  await insertEvent(tx, tenantId, p.id, { actorUserId: null, kind: 'unanswered_reported', detail: { reason, reminders: p.chaseCount, told: navigators.length }, at: now });
  await audit(tx, system, {
    action: 'prescription.unanswered_reported', recordType: 'prescription', recordId: p.id, personId: p.personId, tenantId,
    basis: 'unanswered prescription', outcome: 'success', detail: { reason, reminders: p.chaseCount, told: navigators.length },
  });
  return 'navigator_told';
}

/** Queues every chase that is due and has no job (safe to call often: the unique keys make a second call do nothing). */
export async function schedulePrescriptionChases(db: Database, now: Date): Promise<void> {
  const { rows } = await db.query<{ tenant_id: string; id: string; chase_count: number; next_chase_at: Date }>(
    `SELECT tenant_id, id, chase_count, next_chase_at FROM prescriptions
      WHERE state = 'sent' AND next_chase_at IS NOT NULL AND next_chase_at <= $1
      ORDER BY next_chase_at LIMIT 1000`,
    [now],
  );
  for (const r of rows) await scheduleChase(db, r.tenant_id, r.id, Number(r.chase_count) + 1, r.next_chase_at);
}

/** The jobs this feature runs. */
export function prescriptionJobs(config: Pick<Config, 'publicBaseUrl'>): JobHandlers {
  return {
    [CHASE_JOB]: async (tx, job, { now }) => {
      const { tenantId, prescriptionId, step } = job.payload as { tenantId?: unknown; prescriptionId?: unknown; step?: unknown };
      if (typeof tenantId !== 'string' || typeof prescriptionId !== 'string' || typeof step !== 'number') return;
      await chasePrescription(tx, config, tenantId, prescriptionId, step, now);
    },
  };
}
