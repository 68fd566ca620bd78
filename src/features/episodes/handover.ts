// Handover: a person's support passes from one worker to another in the same organisation with a
// handover summary the new worker must acknowledge ("I am only asked about my needs once and
// there is a proper handover between workers"). Until they do, the old worker stays responsible:
// the episode's worker changes only at acknowledgement. One handover waits at a time per episode;
// its sender may cancel it; discharge cancels it. Everyone involved is emailed a link, never a name.
//
// Who may hand over: the responsible worker (to another worker of the organisation), and team
// leads and administrators (any episode of the organisation, to any of its workers). Only the
// named worker may acknowledge it.
import { parseText } from '../../domain/person-fields.ts';
import { isUniqueViolation, type Queryable, type Transaction } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import { requireRole } from '../../platform/access.ts';
import type { StaffActor, StaffContext } from '../../platform/context.ts';
import { AppError, forbidden, invalid, type FieldError } from '../../platform/errors.ts';
import { queueNotification } from '../../platform/notifications.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { personNames } from '../people/service.ts';
import {
  episodeAccess, isUuid, organisationWorkers, runWithEpisode, withEpisode, WORKER_ROLES,
  type Episode, type EpisodeAccess, type EpisodeWork, type Worker,
} from './with-episode.ts';
import { handoverAcknowledgedMessage, handoverCancelledMessage, handoverSentMessage, handoverToAcknowledgeMessage } from './closing/messages.ts';

export type HandoverState = 'pending' | 'acknowledged' | 'cancelled';

export interface Handover {
  id: string;
  episodeId: string;
  personId: string;
  organisationId: string;
  fromUserId: string | null;
  fromName: string | null;
  toUserId: string;
  toName: string;
  sentBy: string;
  sentByName: string;
  whatMatters: string;
  currentSituation: string;
  risks: string;
  nextSteps: string;
  state: HandoverState;
  sentAt: Date;
  acknowledgedAt: Date | null;
  cancelledAt: Date | null;
  cancelledByName: string | null;
  cancelReason: 'sender' | 'discharged' | null;
  version: number;
}

/** The four parts of a handover summary, with how the form asks for them. */
export const SUMMARY_PARTS = [
  { key: 'whatMatters', label: 'What matters to them', missing: 'Enter what matters to them', hint: 'In their words where you can: what they care about, their strengths, how they like to be supported and contacted.' },
  { key: 'currentSituation', label: 'What is going on now', missing: 'Enter what is going on for them now', hint: 'Their plan and goals, activities and services they are using, who else is involved (carers, GP, other services).' },
  { key: 'risks', label: 'Risks', missing: 'Enter the risks, or write “No known risks”', hint: 'Anything the new worker must know to keep them and others safe, and their crisis plan. Write “No known risks” if there are none.' },
  { key: 'nextSteps', label: 'What is next', missing: 'Enter what is next', hint: 'What has been promised and when: the next contact, reviews, referrals waiting for an answer.' },
] as const;

type SummaryKey = (typeof SUMMARY_PARTS)[number]['key'];

const HANDOVER_SELECT = `
  SELECT h.id, h.episode_id, h.person_id, h.organisation_id, h.from_user_id, f.name AS from_name, h.to_user_id, t.name AS to_name,
         h.sent_by, s.name AS sent_by_name, h.what_matters, h.current_situation, h.risks, h.next_steps, h.state, h.sent_at,
         h.acknowledged_at, h.cancelled_at, c.name AS cancelled_by_name, h.cancel_reason, h.version
    FROM handovers h
    JOIN staff_users t ON t.tenant_id = h.tenant_id AND t.id = h.to_user_id
    JOIN staff_users s ON s.tenant_id = h.tenant_id AND s.id = h.sent_by
    LEFT JOIN staff_users f ON f.tenant_id = h.tenant_id AND f.id = h.from_user_id
    LEFT JOIN staff_users c ON c.tenant_id = h.tenant_id AND c.id = h.cancelled_by`;

type HandoverRow = {
  id: string; episode_id: string; person_id: string; organisation_id: string; from_user_id: string | null; from_name: string | null;
  to_user_id: string; to_name: string; sent_by: string; sent_by_name: string; what_matters: string; current_situation: string;
  risks: string; next_steps: string; state: HandoverState; sent_at: Date; acknowledged_at: Date | null; cancelled_at: Date | null;
  cancelled_by_name: string | null; cancel_reason: 'sender' | 'discharged' | null; version: number;
};

const toHandover = (r: HandoverRow): Handover => ({
  id: r.id, episodeId: r.episode_id, personId: r.person_id, organisationId: r.organisation_id, fromUserId: r.from_user_id,
  fromName: r.from_name, toUserId: r.to_user_id, toName: r.to_name, sentBy: r.sent_by, sentByName: r.sent_by_name,
  whatMatters: r.what_matters, currentSituation: r.current_situation, risks: r.risks, nextSteps: r.next_steps, state: r.state,
  sentAt: r.sent_at, acknowledgedAt: r.acknowledged_at, cancelledAt: r.cancelled_at, cancelledByName: r.cancelled_by_name,
  cancelReason: r.cancel_reason, version: r.version,
});

async function readHandover(tx: Queryable, tenantId: string, id: string, lock = false): Promise<Handover | null> {
  if (!isUuid(id)) return null;
  const { rows } = await tx.query<HandoverRow>(`${HANDOVER_SELECT} WHERE h.tenant_id = $1 AND h.id = $2${lock ? ' FOR UPDATE OF h' : ''}`, [tenantId, id]);
  return rows[0] ? toHandover(rows[0]) : null;
}

/** The episode's handover waiting to be acknowledged, if there is one. No access check: the caller has one. */
export async function pendingHandover(tx: Queryable, tenantId: string, episodeId: string, lock = false): Promise<Handover | null> {
  const { rows } = await tx.query<HandoverRow>(
    `${HANDOVER_SELECT} WHERE h.tenant_id = $1 AND h.episode_id = $2 AND h.state = 'pending'${lock ? ' FOR UPDATE OF h' : ''}`,
    [tenantId, episodeId],
  );
  return rows[0] ? toHandover(rows[0]) : null;
}

/** The episode's handovers, newest first. */
export async function episodeHandovers(tx: Queryable, tenantId: string, episodeId: string): Promise<Handover[]> {
  const { rows } = await tx.query<HandoverRow>(`${HANDOVER_SELECT} WHERE h.tenant_id = $1 AND h.episode_id = $2 ORDER BY h.sent_at DESC, h.id`, [tenantId, episodeId]);
  return rows.map(toHandover);
}

/** The last acknowledged handover of any of these episodes, for what mattered to the person last time. */
export async function lastAcknowledgedHandover(tx: Queryable, tenantId: string, episodeIds: readonly string[]): Promise<Handover | null> {
  if (!episodeIds.length) return null;
  const { rows } = await tx.query<HandoverRow>(
    `${HANDOVER_SELECT} WHERE h.tenant_id = $1 AND h.episode_id = ANY($2::uuid[]) AND h.state = 'acknowledged' ORDER BY h.acknowledged_at DESC LIMIT 1`,
    [tenantId, episodeIds],
  );
  return rows[0] ? toHandover(rows[0]) : null;
}

/**
 * Whether the actor may hand this episode over, and if not, why (in words for the page). The
 * episode's access rule has already let them read it.
 */
export function handoverRefusal(actor: StaffActor, episode: Episode, pending: Handover | null): string | null {
  if (episode.state !== 'open') return 'Their support has ended, so it cannot be handed over.';
  if (pending) return 'A handover is already waiting to be acknowledged. It must be acknowledged or cancelled before another can be sent.';
  if (!('basis' in episodeAccess(actor, episode, 'update'))) return 'The single point of access can see handovers but not send them.';
  if (actor.role === 'admin' || actor.teamLead || episode.workerId === actor.userId || episode.workerId === null) return null;
  return `Only their worker${episode.workerName ? `, ${episode.workerName},` : ''} or a team lead can hand them over.`;
}

export interface HandoverStart {
  episode: Episode;
  person: EpisodeAccess['person'];
  pending: Handover | null;
  history: Handover[];
  /** the workers it can go to: the organisation's, but not the current worker */
  workers: Worker[];
  /** why the actor cannot hand over now, or null when they can */
  refusal: string | null;
}

/** The handover page of an episode: the form, or the handover waiting. The read is audited. */
export async function getHandoverStart(ctx: StaffContext, episodeId: string): Promise<HandoverStart> {
  return withEpisode(ctx, episodeId, {
    action: 'handover.read', purpose: 'read',
    work: async (tx, { episode, basis, person }) => {
      const history = await episodeHandovers(tx, episode.tenantId, episode.id);
      const pending = history.find((h) => h.state === 'pending') ?? null;
      const workers = (await organisationWorkers(tx, episode.tenantId, episode.organisationId)).filter((w) => w.id !== episode.workerId);
      await audit(tx, ctx, { action: 'handover.read', recordType: 'episode', recordId: episode.id, personId: episode.personId, basis, outcome: 'success' });
      return { episode, person, pending, history, workers, refusal: handoverRefusal(ctx.actor, episode, pending) };
    },
  });
}

/** The handover form, checked: the new worker and the four parts of the summary, all required. */
export function readHandoverForm(form: Record<string, string>, workers: readonly Worker[]): { toUserId: string } & Record<SummaryKey, string> {
  const problems: FieldError[] = [];
  const toUserId = form.toUserId ?? '';
  if (!workers.some((w) => w.id === toUserId)) problems.push({ field: 'toUserId', message: 'Choose the worker to hand over to' });
  const parts = {} as Record<SummaryKey, string>;
  for (const part of SUMMARY_PARTS) {
    const parsed = parseText(form[part.key] ?? '', { label: part.label.toLowerCase(), max: 5000 });
    if (!parsed.ok) problems.push({ field: part.key, message: parsed.message });
    else if (!parsed.value) problems.push({ field: part.key, message: part.missing });
    else parts[part.key] = parsed.value;
  }
  if (problems.length) throw invalid(problems);
  return { toUserId, ...parts };
}

const handoverUrl = (baseUrl: string, id: string) => `${baseUrl}/handovers/${id}`;

async function staffEmails(tx: Queryable, tenantId: string, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => Boolean(id)))];
  if (!wanted.length) return new Map();
  const { rows } = await tx.query<{ id: string; email: string }>('SELECT id, email FROM staff_users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, wanted]);
  return new Map(rows.map((r) => [r.id, r.email]));
}

/**
 * Sends a handover: the summary is saved and both workers are emailed a link. The episode stays
 * with its worker until the new worker acknowledges it. Returns the handover's id.
 */
export async function sendHandover(ctx: StaffContext, episodeId: string, form: Record<string, string>, options: { baseUrl: string }): Promise<string> {
  return withEpisode(ctx, episodeId, {
    action: 'handover.send', purpose: 'update',
    work: async (tx, { episode, basis }) => {
      const pending = await pendingHandover(tx, episode.tenantId, episode.id);
      const refusal = handoverRefusal(ctx.actor, episode, pending);
      if (refusal) throw new AppError({ status: pending || episode.state !== 'open' ? 409 : 403, code: 'handover_refused', message: refusal });
      const workers = (await organisationWorkers(tx, episode.tenantId, episode.organisationId)).filter((w) => w.id !== episode.workerId);
      const input = readHandoverForm(form, workers);
      if (Number(form.version) !== episode.version) {
        throw new AppError({
          status: 409, code: 'stale', message: 'Their support changed while you were writing the handover.',
          fields: [{ field: 'toUserId', message: 'Their support changed while you were writing the handover (their worker may have changed). What you wrote is below but has not been sent. Check who their worker is now, then send it again.' }],
        });
      }
      let id: string;
      try {
        await tx.query('SAVEPOINT handover_insert');
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO handovers (tenant_id, episode_id, person_id, organisation_id, from_user_id, to_user_id, sent_by,
                                  what_matters, current_situation, risks, next_steps)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [episode.tenantId, episode.id, episode.personId, episode.organisationId, episode.workerId, input.toUserId, ctx.actor.userId,
            input.whatMatters, input.currentSituation, input.risks, input.nextSteps],
        );
        await tx.query('RELEASE SAVEPOINT handover_insert');
        id = rows[0]!.id;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT handover_insert');
        throw new AppError({ status: 409, code: 'handover_pending', message: 'Someone else sent a handover for this person a moment ago. It must be acknowledged or cancelled before another can be sent.' });
      }
      const settings = await getTenantSettings(tx, episode.tenantId);
      const url = handoverUrl(options.baseUrl, id);
      const emails = await staffEmails(tx, episode.tenantId, [input.toUserId, episode.workerId]);
      const to = emails.get(input.toUserId);
      if (to) await queueNotification(tx, { tenantId: episode.tenantId, channel: 'email', recipient: to, ...handoverToAcknowledgeMessage({ serviceName: settings.serviceName, url }), reference: `handover:${id}:to` });
      const from = episode.workerId ? emails.get(episode.workerId) : undefined;
      if (from) await queueNotification(tx, { tenantId: episode.tenantId, channel: 'email', recipient: from, ...handoverSentMessage({ serviceName: settings.serviceName, url }), reference: `handover:${id}:from` });
      await audit(tx, ctx, {
        action: 'handover.send', recordType: 'handover', recordId: id, personId: episode.personId, basis, outcome: 'success',
        detail: { episodeId: episode.id, fromUserId: episode.workerId, toUserId: input.toUserId },
      });
      return id;
    },
  });
}

export interface HandoverPage {
  handover: Handover;
  episode: Episode;
  person: EpisodeAccess['person'];
  /** the actor is the worker it was sent to, and it is waiting */
  mayAcknowledge: boolean;
  /** the actor sent it, and it is waiting */
  mayCancel: boolean;
}

/** Runs work on a handover after the access check on its episode, in one transaction. */
async function withHandover<T>(
  ctx: StaffContext,
  handoverId: string,
  spec: Omit<EpisodeWork<T>, 'work' | 'record'> & { work: (tx: Transaction, access: EpisodeAccess, handover: Handover) => Promise<T> },
): Promise<T> {
  const outcome = await ctx.db.transaction(async (tx) => {
    const found = await readHandover(tx, ctx.actor.tenantId, handoverId, spec.purpose === 'update');
    if (!found) {
      await audit(tx, ctx, { action: spec.action, recordType: 'handover', recordId: handoverId.slice(0, 64), outcome: 'denied', basis: 'not found in tenant' });
      return { kind: 'refused' as const, error: new AppError({ status: 404, code: 'not_found', message: 'We cannot find that handover. It may have moved, or you may not have access to it.' }) };
    }
    return runWithEpisode(tx, ctx, found.episodeId, {
      action: spec.action, purpose: spec.purpose, record: { type: 'handover', id: found.id },
      work: (inner, access) => spec.work(inner, access, found),
    });
  });
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

/** One handover, for anyone who may read its episode. The read is audited. */
export async function getHandover(ctx: StaffContext, handoverId: string): Promise<HandoverPage> {
  return withHandover(ctx, handoverId, {
    action: 'handover.read', purpose: 'read',
    work: async (tx, { episode, basis, person }, handover) => {
      await audit(tx, ctx, { action: 'handover.read', recordType: 'handover', recordId: handover.id, personId: handover.personId, basis, outcome: 'success' });
      const waiting = handover.state === 'pending';
      return { handover, episode, person, mayAcknowledge: waiting && handover.toUserId === ctx.actor.userId, mayCancel: waiting && handover.sentBy === ctx.actor.userId };
    },
  });
}

function expectPending(handover: Handover): void {
  if (handover.state === 'acknowledged') throw new AppError({ status: 409, code: 'handover_acknowledged', message: `This handover was already acknowledged by ${handover.toName}.` });
  if (handover.state === 'cancelled') {
    throw new AppError({
      status: 409, code: 'handover_cancelled',
      message: handover.cancelReason === 'discharged' ? 'This handover was cancelled because their support ended.' : 'This handover was cancelled by the worker who sent it.',
    });
  }
}

/**
 * The named worker acknowledges the handover: from now on the episode is theirs. Anyone else is
 * refused (403), and so is acknowledging without saying it has been read.
 */
export async function acknowledgeHandover(ctx: StaffContext, handoverId: string, form: Record<string, string>, options: { baseUrl: string }): Promise<Handover> {
  return withHandover(ctx, handoverId, {
    action: 'handover.acknowledge', purpose: 'update',
    work: async (tx, { episode, basis }, handover) => {
      if (handover.toUserId !== ctx.actor.userId) {
        throw forbidden(`Only ${handover.toName}, the worker it was sent to, can acknowledge this handover.`);
      }
      expectPending(handover);
      if (form.read !== 'yes') throw invalid([{ field: 'read', message: 'Confirm that you have read the handover and are taking over their support' }]);
      if (episode.state !== 'open') throw new AppError({ status: 409, code: 'episode_discharged', message: 'Their support has ended, so there is nothing to take over.' });
      const workers = await organisationWorkers(tx, episode.tenantId, episode.organisationId);
      if (!workers.some((w) => w.id === ctx.actor.userId)) {
        throw forbidden('You are no longer a worker of the organisation that supports them, so you cannot take over their support. Ask the sender to cancel the handover.');
      }
      await tx.query(`UPDATE handovers SET state = 'acknowledged', acknowledged_at = now(), version = version + 1 WHERE tenant_id = $1 AND id = $2`, [episode.tenantId, handover.id]);
      await tx.query('UPDATE episodes SET worker_id = $3, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2', [episode.tenantId, episode.id, ctx.actor.userId]);
      const settings = await getTenantSettings(tx, episode.tenantId);
      const url = handoverUrl(options.baseUrl, handover.id);
      const emails = await staffEmails(tx, episode.tenantId, [handover.fromUserId, handover.sentBy]);
      for (const [userId, email] of emails) {
        if (userId === ctx.actor.userId) continue;
        await queueNotification(tx, { tenantId: episode.tenantId, channel: 'email', recipient: email, ...handoverAcknowledgedMessage({ serviceName: settings.serviceName, url }), reference: `handover:${handover.id}:acknowledged:${userId}` });
      }
      await audit(tx, ctx, {
        action: 'handover.acknowledge', recordType: 'handover', recordId: handover.id, personId: handover.personId, basis, outcome: 'success',
        detail: { episodeId: episode.id, fromUserId: episode.workerId, toUserId: ctx.actor.userId },
      });
      return (await readHandover(tx, episode.tenantId, handover.id))!;
    },
  });
}

/** The sender cancels a handover that is still waiting; the worker it was sent to is told. */
export async function cancelHandover(ctx: StaffContext, handoverId: string, options: { baseUrl: string }): Promise<Handover> {
  return withHandover(ctx, handoverId, {
    action: 'handover.cancel', purpose: 'update',
    work: async (tx, { episode, basis }, handover) => {
      if (handover.sentBy !== ctx.actor.userId) throw forbidden(`Only ${handover.sentByName}, who sent this handover, can cancel it.`);
      expectPending(handover);
      await markCancelled(tx, ctx, episode, handover, 'sender', options.baseUrl);
      await audit(tx, ctx, {
        action: 'handover.cancel', recordType: 'handover', recordId: handover.id, personId: handover.personId, basis, outcome: 'success',
        detail: { episodeId: episode.id, toUserId: handover.toUserId },
      });
      return (await readHandover(tx, episode.tenantId, handover.id))!;
    },
  });
}

async function markCancelled(tx: Queryable, ctx: StaffContext, episode: Episode, handover: Handover, reason: 'sender' | 'discharged', baseUrl: string): Promise<void> {
  await tx.query(
    `UPDATE handovers SET state = 'cancelled', cancelled_at = now(), cancelled_by = $3, cancel_reason = $4, version = version + 1
      WHERE tenant_id = $1 AND id = $2`,
    [episode.tenantId, handover.id, ctx.actor.userId, reason],
  );
  const settings = await getTenantSettings(tx, episode.tenantId);
  const email = (await staffEmails(tx, episode.tenantId, [handover.toUserId])).get(handover.toUserId);
  if (email && handover.toUserId !== ctx.actor.userId) {
    await queueNotification(tx, {
      tenantId: episode.tenantId, channel: 'email', recipient: email,
      ...handoverCancelledMessage({ serviceName: settings.serviceName, url: handoverUrl(baseUrl, handover.id), discharged: reason === 'discharged' }),
      reference: `handover:${handover.id}:cancelled`,
    });
  }
}

/**
 * When support ends, a handover still waiting is cancelled (and its worker told), with an audit
 * row. No access check: discharge has made one. Returns the handover cancelled, if any.
 */
export async function cancelHandoverAtDischarge(tx: Queryable, ctx: StaffContext, access: { episode: Episode; basis: string }, baseUrl: string): Promise<Handover | null> {
  const handover = await pendingHandover(tx, access.episode.tenantId, access.episode.id, true);
  if (!handover) return null;
  await markCancelled(tx, ctx, access.episode, handover, 'discharged', baseUrl);
  await audit(tx, ctx, {
    action: 'handover.cancel', recordType: 'handover', recordId: handover.id, personId: handover.personId, basis: access.basis, outcome: 'success',
    detail: { episodeId: access.episode.id, atDischarge: true },
  });
  return handover;
}

// ---------------------------------------------------------------------------------------------
// For the caseload

export interface HandoverToAcknowledge {
  id: string;
  episodeId: string;
  personId: string;
  personName: string;
  fromName: string | null;
  toName: string;
  /** sent to the signed-in worker (in a team view, others' are listed too) */
  mine: boolean;
  sentAt: Date;
}

/**
 * "Handover to acknowledge" for the caseload: handovers waiting for the signed-in worker, or with
 * `team` (team leads only), every handover waiting in their organisation. The list is audited,
 * with the people it names.
 */
export async function handoversToAcknowledge(ctx: StaffContext, options: { team?: boolean } = {}): Promise<HandoverToAcknowledge[]> {
  requireRole(ctx.actor, WORKER_ROLES);
  const team = Boolean(options.team && ctx.actor.teamLead);
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<HandoverRow>(
      team
        ? `${HANDOVER_SELECT} WHERE h.tenant_id = $1 AND h.organisation_id = $2 AND h.state = 'pending' ORDER BY h.sent_at, h.id LIMIT 500`
        : `${HANDOVER_SELECT} WHERE h.tenant_id = $1 AND h.to_user_id = $2 AND h.state = 'pending' AND h.organisation_id = $3 ORDER BY h.sent_at, h.id LIMIT 500`,
      team ? [ctx.actor.tenantId, ctx.actor.organisationId] : [ctx.actor.tenantId, ctx.actor.userId, ctx.actor.organisationId],
    );
    const handovers = rows.map(toHandover);
    const names = await personNames(tx, ctx.actor.tenantId, handovers.map((h) => h.personId));
    await audit(tx, ctx, {
      action: 'handover.list', recordType: 'handover', outcome: 'success', basis: team ? 'team lead' : 'handovers sent to the worker',
      detail: { team, handoverIds: handovers.map((h) => h.id), personIds: handovers.map((h) => h.personId) },
    });
    return handovers.map((h) => {
      const name = names.get(h.personId);
      return {
        id: h.id, episodeId: h.episodeId, personId: h.personId, personName: name ? `${name.givenName} ${name.familyName}` : '',
        fromName: h.fromName, toName: h.toName, mine: h.toUserId === ctx.actor.userId, sentAt: h.sentAt,
      };
    });
  });
}
