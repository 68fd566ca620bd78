// Coming back: someone discharged within the tenant's come-back period (comeBackMonths, 12 by
// default) returns by a fast route that skips the triage queue and reopens their record.
//
// In one transaction: a referral is made through the referral core (submitReferral, fastTrack,
// with the channel and source, so the commissioner counts it like any other referral by source),
// it is signed up at once (the state machine allows sign-up from 'received' only for fast-track
// referrals), and a new episode opens with the organisation that supported them last, linked to
// the previous one, with the worker chosen (by default their last worker, if still working
// there). If any step is refused, none of it is kept.
//
// After the come-back period, with support already open, or for someone never discharged, it is
// refused with a clear message: make a new referral through the single point of access.
import crypto from 'node:crypto';
import { comeBackDecision } from '../../domain/come-back.ts';
import { parseText } from '../../domain/person-fields.ts';
import { londonDate } from '../../domain/working-days.ts';
import type { Database, Queryable, Row, Transaction } from '../../db/database.ts';
import { personAccessBasis, personGrants } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffActor, StaffContext } from '../../platform/context.ts';
import { AppError, forbidden, invalid, type FieldError } from '../../platform/errors.ts';
import { queueNotification } from '../../platform/notifications.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { formatDate } from '../../platform/views.ts';
import { getPerson, type Person } from '../people/service.ts';
import { REFERRAL_CHANNELS, REFERRAL_SOURCES, type ReferralChannel, type ReferralSource, type ReferralSubmission } from '../referrals/model.ts';
import { changeState, submitReferral } from '../referrals/service.ts';
import { openEpisode } from './service.ts';
import { lastAcknowledgedHandover } from './handover.ts';
import { comeBackMessage } from './closing/messages.ts';
import { isUuid, organisationWorkers, readPersonEpisodes, type Episode, type Worker } from './with-episode.ts';

export type ComeBackStatus =
  | { kind: 'eligible'; last: Episode; dischargeDate: string; until: string }
  | { kind: 'open'; episode: Episode }
  | { kind: 'never' }
  | { kind: 'died'; last: Episode }
  | { kind: 'period_over'; last: Episode; dischargeDate: string; until: string };

/** Where the person stands for the fast route, from their episodes (newest first) on `today`. */
export function comeBackStatus(episodes: readonly Episode[], months: number, today: string): ComeBackStatus {
  const open = episodes.find((e) => e.state === 'open');
  if (open) return { kind: 'open', episode: open };
  const last = episodes.find((e) => e.state === 'discharged');
  if (!last) return { kind: 'never' };
  if (last.dischargeReason === 'died') return { kind: 'died', last };
  const dischargeDate = last.dischargeDate ?? londonDate(last.dischargedAt ?? last.startedAt);
  const decision = comeBackDecision(dischargeDate, months, today);
  return decision.ok ? { kind: 'eligible', last, dischargeDate, until: decision.until } : { kind: 'period_over', last, dischargeDate, until: decision.until };
}

/** Why the fast route is closed for them, in words that say what to do instead; null when it is open. */
export function statusRefusal(status: ComeBackStatus, months: number): string | null {
  switch (status.kind) {
    case 'eligible':
      return null;
    case 'open':
      return `They already have support open with ${status.episode.organisationName}. Open their current support instead of bringing them back.`;
    case 'never':
      return 'They have not had support from us that has ended, so they cannot come back by the fast route. Make a new referral through the single point of access.';
    case 'died':
      return 'Their last support ended because they died, so they cannot come back. If that is wrong, ask an administrator to correct their record.';
    case 'period_over':
      return `Their support ended on ${formatDate(status.dischargeDate)}, more than ${months} month${months === 1 ? '' : 's'} ago, so the fast route closed on ${formatDate(status.until)}. Make a new referral through the single point of access.`;
  }
}

/** Why the actor cannot bring them back, or null: it is for the organisation that supported them last, and administrators. */
export function actorRefusal(actor: StaffActor, last: Episode | null): string | null {
  if (actor.role === 'admin') return null;
  if (actor.role === 'triage') return 'The single point of access can see this but not use the fast route: it is for the organisation that supported them last. Make a new referral instead if they need support from elsewhere.';
  if ((actor.role === 'navigator' || actor.role === 'provider') && last && last.organisationId === actor.organisationId) return null;
  return `Only ${last?.organisationName ?? 'the organisation that supported them'}, who supported them last, or an administrator can bring them back by the fast route. To refer them to your organisation, make a new referral through the single point of access.`;
}

/** How people get back in touch (a partner system's API call is not how someone comes back). */
export const COME_BACK_CHANNELS = REFERRAL_CHANNELS.filter((c) => c !== 'api');

export interface ComeBackPage {
  person: Person;
  status: ComeBackStatus;
  comeBackMonths: number;
  /** why the actor cannot bring them back, even if the route is open for them */
  refusal: string | null;
  /** the workers of the organisation they return to, and who is chosen first */
  workers: Worker[];
  defaultWorkerId: string | null;
  /** what mattered to them, from the last handover between workers, if there was one */
  whatMattered: string | null;
  /** a new key for the form, so sending it twice makes one referral and one episode */
  token: string;
}

/** Why the actor may read the person (they have been let in by getPerson), for audit rows. */
export async function basisFor(tx: Queryable, ctx: StaffContext, person: Person): Promise<string> {
  const grants = await personGrants(tx, person.tenantId, person.id);
  return personAccessBasis(ctx.actor, { tenantId: person.tenantId, responsibleOrganisationId: person.responsibleOrganisationId, grants }, 'read') ?? 'no relationship';
}

/**
 * The come-back page: whether the fast route is open for the person, and the form. Reached only by
 * those who may read the person (404 otherwise, 403 for commissioners and referrers). Audited.
 */
export async function getComeBackPage(ctx: StaffContext, personId: string, options: { today?: string } = {}): Promise<ComeBackPage> {
  const today = options.today ?? londonDate(new Date());
  const person = await getPerson(ctx, personId);
  return ctx.db.transaction(async (tx) => {
    const settings = await getTenantSettings(tx, person.tenantId);
    const episodes = await readPersonEpisodes(tx, person.tenantId, person.id);
    const status = comeBackStatus(episodes, settings.comeBackMonths, today);
    const last = status.kind === 'eligible' || status.kind === 'period_over' || status.kind === 'died' ? status.last : null;
    const workers = last ? await organisationWorkers(tx, person.tenantId, last.organisationId) : [];
    const handover = await lastAcknowledgedHandover(tx, person.tenantId, episodes.map((e) => e.id));
    await audit(tx, ctx, {
      action: 'come_back.read', recordType: 'person', recordId: person.id, personId: person.id, basis: await basisFor(tx, ctx, person),
      outcome: 'success', detail: { status: status.kind },
    });
    return {
      person, status, comeBackMonths: settings.comeBackMonths, refusal: actorRefusal(ctx.actor, last), workers,
      defaultWorkerId: last?.workerId && workers.some((w) => w.id === last.workerId) ? last.workerId : null,
      whatMattered: handover?.whatMatters ?? null, token: crypto.randomUUID(),
    };
  });
}

interface ComeBackInput {
  channel: ReferralChannel;
  source: ReferralSource;
  reason: string;
  workerId: string;
  token: string;
}

/** The come-back form, checked (the worker is checked against the organisation's workers later). */
export function readComeBackForm(form: Record<string, string>): ComeBackInput {
  const problems: FieldError[] = [];
  const channel = form.channel as ReferralChannel;
  if (!(COME_BACK_CHANNELS as readonly string[]).includes(channel)) problems.push({ field: 'channel', message: 'Choose how they got back in touch' });
  const source = form.source as ReferralSource;
  if (!(REFERRAL_SOURCES as readonly string[]).includes(source)) problems.push({ field: 'source', message: 'Choose who asked for them to come back' });
  const reason = parseText(form.reason ?? '', { label: 'what has changed', max: 5000 });
  if (!reason.ok) problems.push({ field: 'reason', message: reason.message });
  else if (!reason.value) problems.push({ field: 'reason', message: 'Enter what has changed and what they would like help with now' });
  if (!form.workerId) problems.push({ field: 'workerId', message: 'Choose their worker' });
  if (problems.length || !reason.ok) throw invalid(problems);
  if (!isUuid(form.token ?? '')) {
    throw new AppError({ status: 400, code: 'bad_request', message: 'This page has expired. Go back, refresh the page and try again.' });
  }
  return { channel, source, reason: reason.value, workerId: form.workerId!, token: form.token! };
}

/**
 * The caller's transaction as a Database, so a core function that opens its own transaction
 * (submitReferral) runs inside this one, its transaction becoming a savepoint: the referral, the
 * sign-up and the new episode then commit together or not at all.
 */
function withinTransaction(tx: Transaction, kind: Database['kind']): Database {
  let savepoints = 0;
  return {
    kind,
    query<T = Row>(sql: string, params?: readonly unknown[]) {
      return tx.query<T>(sql, params);
    },
    exec: (sql) => tx.exec(sql),
    async transaction(work) {
      const name = `within_${++savepoints}`;
      await tx.query(`SAVEPOINT ${name}`);
      try {
        const result = await work(tx);
        await tx.query(`RELEASE SAVEPOINT ${name}`);
        return result;
      } catch (error) {
        await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
        throw error;
      }
    },
    close: async () => {},
  };
}

export interface ComeBackOutcome {
  episodeId: string;
  referralId: string;
  reference: string;
  /** the same form was sent again: this is what the first one made */
  replayed: boolean;
}

/**
 * Brings the person back by the fast route: a fast-track referral (counted by its source), signed
 * up at once, and a new episode linked to the previous one. Sending the same form again gives
 * back what the first made. Refusals are audited and leave nothing behind.
 */
export async function comeBack(ctx: StaffContext, personId: string, form: Record<string, string>, options: { baseUrl: string; today?: string }): Promise<ComeBackOutcome> {
  const today = options.today ?? londonDate(new Date());
  const person = await getPerson(ctx, personId);
  type Outcome = { kind: 'done'; value: ComeBackOutcome } | { kind: 'refused'; error: AppError };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const basis = await basisFor(tx, ctx, person);
    await tx.query('SAVEPOINT come_back');
    try {
      const value = await bringBack(tx, ctx, person, form, { ...options, today, basis });
      await tx.query('RELEASE SAVEPOINT come_back');
      return { kind: 'done', value };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await tx.query('ROLLBACK TO SAVEPOINT come_back');
      await audit(tx, ctx, {
        action: 'episode.come_back', recordType: 'person', recordId: person.id, personId: person.id, basis, outcome: 'failure',
        detail: { code: error.code, message: error.message, fields: error.fields.map((f) => f.field) },
      });
      return { kind: 'refused', error };
    }
  });
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

async function bringBack(
  tx: Transaction,
  ctx: StaffContext,
  person: Person,
  form: Record<string, string>,
  options: { baseUrl: string; today: string; basis: string },
): Promise<ComeBackOutcome> {
  if (ctx.actor.role === 'triage') throw forbidden(actorRefusal(ctx.actor, null)!);
  const input = readComeBackForm(form);
  const submission: ReferralSubmission = {
    source: input.source,
    channel: input.channel,
    referrer: { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null },
    person: {
      givenName: person.givenName, familyName: person.familyName, dateOfBirth: person.dateOfBirth, nhsNumber: person.nhsNumber,
      postcode: person.postcode, district: person.district, phone: person.phone, email: person.email,
      gpOrganisationId: person.gpOrganisationId, gpPracticeName: person.gpPracticeName,
    },
    // Nothing new about contact or consent: what the person record holds stays as it is, and no
    // acknowledgement is sent (they are speaking to their worker).
    contactPreferences: null,
    consentGpShare: null,
    personConsents: null,
    reason: input.reason,
    needs: person.needs,
    crisis: false,
    requestedUrgency: null,
    idempotencyKey: `staff:${input.token}`,
    fastTrack: true,
    knownPersonId: person.id,
  };
  const { referral, replayed } = await submitReferral({ ...ctx, db: withinTransaction(tx, ctx.db.kind) }, person.tenantId, submission, { baseUrl: options.baseUrl });
  if (replayed && referral.episodeId) return { episodeId: referral.episodeId, referralId: referral.id, reference: referral.reference, replayed: true };

  const settings = await getTenantSettings(tx, person.tenantId);
  const episodes = await readPersonEpisodes(tx, person.tenantId, person.id);
  const status = comeBackStatus(episodes, settings.comeBackMonths, options.today);
  const last = status.kind === 'eligible' || status.kind === 'period_over' || status.kind === 'died' ? status.last : null;
  const notForActor = actorRefusal(ctx.actor, last);
  if (status.kind !== 'eligible') throw new AppError({ status: 409, code: `come_back_${status.kind}`, message: statusRefusal(status, settings.comeBackMonths)! });
  if (notForActor) throw forbidden(notForActor);
  const workers = await organisationWorkers(tx, person.tenantId, status.last.organisationId);
  if (!workers.some((w) => w.id === input.workerId)) throw invalid([{ field: 'workerId', message: 'Choose their worker from the list' }]);

  const episodeId = await openEpisode(tx, ctx, {
    tenantId: person.tenantId, personId: person.id, referralId: referral.id, organisationId: status.last.organisationId,
    workerId: input.workerId, previousEpisodeId: status.last.id, basis: options.basis,
  });
  const now = new Date();
  await changeState(tx, ctx, { referral, basis: options.basis }, 'sign_up', {
    routedOrganisationId: status.last.organisationId, responsibleUserId: input.workerId, signedUpAt: now, firstReachedAt: now, episodeId,
  }, { note: 'Came back by the fast route within the come-back period.', detail: { fastTrack: true, previousEpisodeId: status.last.id, episodeId } });
  if (input.workerId !== ctx.actor.userId) {
    const { rows } = await tx.query<{ email: string }>('SELECT email FROM staff_users WHERE tenant_id = $1 AND id = $2', [person.tenantId, input.workerId]);
    if (rows[0]) {
      await queueNotification(tx, {
        tenantId: person.tenantId, channel: 'email', recipient: rows[0].email,
        ...comeBackMessage({ serviceName: settings.serviceName, url: `${options.baseUrl}/episodes/${episodeId}` }), reference: `episode:${episodeId}:come-back`,
      });
    }
  }
  await audit(tx, ctx, {
    action: 'episode.come_back', recordType: 'episode', recordId: episodeId, personId: person.id, basis: options.basis, outcome: 'success',
    detail: {
      referralId: referral.id, reference: referral.reference, previousEpisodeId: status.last.id, source: input.source, channel: input.channel,
      workerId: input.workerId, dischargeDate: status.dischargeDate, until: status.until,
    },
  });
  return { episodeId, referralId: referral.id, reference: referral.reference, replayed: false };
}
