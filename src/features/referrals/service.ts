// The core of referrals, used by every way in (web forms, staff entry, the partner API) and every
// way of working them (triage, waiting lists, sign-up):
//
// - submitReferral: one referral per submission, however often it is sent (idempotency keys),
//   matched to the person once, with its first-response clock, acknowledgement and audit row
//   written in the same transaction, so nothing acknowledged is ever lost.
// - withReferral: reads one referral for a staff member, decides access (role x relationship),
//   audits the read or change, and runs the work; a refused change is rolled back to a savepoint
//   and audited as a failure, so nothing is half written.
// - changeState: every state change goes through the state machine in src/domain, is refused
//   with a clear message when impossible, and is recorded as an event and an audit row.
import crypto from 'node:crypto';
import type { Queryable, Transaction } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { checkEligibility } from '../../domain/eligibility.ts';
import { newReferenceCode } from '../../domain/reference-code.ts';
import { transition, type ReferralAction, type ReferralState } from '../../domain/referral-states.ts';
import { firstResponseDue, londonDate, type Urgency } from '../../domain/working-days.ts';
import { mayMessage } from '../../domain/contact-preferences.ts';
import { audit } from '../../platform/audit.ts';
import type { RequestContext, StaffActor, StaffContext } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { queueNotification } from '../../platform/notifications.ts';
import { getTenantSettings, type TenantSettings } from '../../platform/tenant-settings.ts';
import * as people from '../people/service.ts';
import { acknowledgementMessage, crisisAlertMessage } from './messages.ts';
import type { Referral, ReferralSubmission } from './model.ts';
import { REFERRAL_COLUMNS, REFERRAL_FROM, insertEvent, readEvents, readReferral, toReferral, writeReferral, type ReferralChanges, type ReferralEvent, type ReferralRow } from './store.ts';
import { scheduleDeadlineAlert } from './waiting/jobs.ts';
import { refusable } from '../../platform/refusable.ts';

// ---------------------------------------------------------------------------------------------
// Access

/** What the caller wants to do with the referral. Referrers may only see its progress. */
export type ReferralPurpose = 'read' | 'update' | 'status';

/** Why the actor may do this with the referral (written to the audit row), or null when not. */
export function referralAccessBasis(actor: StaffActor, referral: Pick<Referral, 'tenantId' | 'routedOrganisationId' | 'referrer'>, purpose: ReferralPurpose): string | null {
  if (referral.tenantId !== actor.tenantId) return null;
  switch (actor.role) {
    case 'admin':
      return 'tenant administrator';
    case 'triage':
      return 'single point of access';
    case 'navigator':
    case 'provider':
      if (referral.routedOrganisationId === actor.organisationId) return 'referral routed to organisation';
      // A navigator who took a referral by phone may see what they entered until it is routed on.
      return purpose !== 'update' && referral.referrer.userId === actor.userId && referral.routedOrganisationId === null ? 'entered by this worker' : null;
    case 'referrer':
      return purpose === 'status' && referral.referrer.organisationId === actor.organisationId ? 'referring organisation' : null;
    case 'commissioner':
      return null;
  }
}

export interface ReferralAccess {
  referral: Referral;
  /** why access was allowed, for audit rows the work writes */
  basis: string;
}

/**
 * Reads the referral (locked when `purpose` is 'update'), checks access, audits, and runs `work`
 * in the same transaction. Not found and no access both answer 404, and are audited as denied.
 * When `work` refuses with an AppError (an impossible transition, a stale version, bad input),
 * what it wrote is rolled back, the refusal is audited, and the error is thrown after commit.
 */
export async function withReferral<T>(
  ctx: StaffContext,
  id: string,
  purpose: ReferralPurpose,
  work: (tx: Transaction, access: ReferralAccess) => Promise<T>,
  action = purpose === 'update' ? 'update' : 'read',
): Promise<T> {
  type Outcome = { kind: 'denied' } | { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const referral = await readReferral(tx, ctx.actor.tenantId, id, purpose === 'update');
    const basis = referral ? referralAccessBasis(ctx.actor, referral, purpose) : null;
    if (!referral || !basis) {
      await audit(tx, ctx, {
        action: `referral.${action}`, recordType: 'referral', recordId: id.slice(0, 64), outcome: 'denied',
        basis: referral ? 'no relationship' : 'not found in tenant',
      });
      return { kind: 'denied' };
    }
    return refusable(tx, () => work(tx, { referral, basis }), async (error) => {
      await audit(tx, ctx, {
        action: `referral.${action}`, recordType: 'referral', recordId: referral.id, personId: referral.personId, basis,
        outcome: 'failure', detail: { code: error.code, message: error.message },
      });
    });
  });
  if (outcome.kind === 'denied') throw notFound('referral');
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

/** One referral for a staff member, with its history. The read is audited. */
export async function getReferral(ctx: StaffContext, id: string): Promise<{ referral: Referral; events: ReferralEvent[] }> {
  return withReferral(ctx, id, 'read', async (tx, { referral, basis }) => {
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success' });
    return { referral, events: await readEvents(tx, ctx.actor.tenantId, referral.id) };
  });
}

// ---------------------------------------------------------------------------------------------
// Changes

/** Refuses a save made from a page that was out of date: someone else changed the referral since. */
export function expectVersion(referral: Referral, version: number): void {
  if (referral.version === version) return;
  throw new AppError({
    status: 409,
    code: 'stale',
    message: 'Someone else changed this referral while you had it open. Nothing you entered has been saved. Check the referral as it is now, then try again.',
  });
}

/**
 * Moves the referral on by `action` (src/domain/referral-states.ts), writing `changes` with it,
 * an event for its history and an audit row. Refused with a 409 and the state machine's own
 * message when the move is impossible from where the referral is.
 */
export async function changeState(
  tx: Queryable,
  ctx: RequestContext,
  access: ReferralAccess,
  action: ReferralAction,
  changes: ReferralChanges,
  event: { note?: string | null; detail?: Record<string, unknown> } = {},
): Promise<{ from: ReferralState; to: ReferralState; version: number }> {
  const { referral, basis } = access;
  const moved = transition(referral.state, action, { routed: Boolean(changes.routedOrganisationId ?? referral.routedOrganisationId), fastTrack: referral.fastTrack });
  if (!moved.ok) throw new AppError({ status: 409, code: 'invalid_transition', message: moved.message });
  const version = await writeReferral(tx, referral.tenantId, referral.id, changes, moved.to);
  await rescheduleDeadlineAlert(tx, referral, changes);
  await insertEvent(tx, referral.tenantId, referral.id, {
    actorUserId: ctx.actor?.userId ?? null, kind: action, fromState: referral.state, toState: moved.to, note: event.note ?? null, detail: event.detail ?? null,
  });
  await audit(tx, ctx, {
    action: `referral.${action}`, recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success',
    detail: { from: referral.state, to: moved.to, ...event.detail },
  });
  return { from: referral.state, to: moved.to, version };
}

/** A change that is not a state change (allocation, a match decision, urgency): written, recorded and audited. */
export async function recordChange(
  tx: Queryable,
  ctx: RequestContext,
  access: ReferralAccess,
  kind: string,
  changes: ReferralChanges,
  event: { note?: string | null; detail?: Record<string, unknown> } = {},
): Promise<number> {
  const { referral, basis } = access;
  const version = await writeReferral(tx, referral.tenantId, referral.id, changes);
  await rescheduleDeadlineAlert(tx, referral, changes);
  await insertEvent(tx, referral.tenantId, referral.id, { actorUserId: ctx.actor?.userId ?? null, kind, note: event.note ?? null, detail: event.detail ?? null });
  await audit(tx, ctx, {
    action: `referral.${kind}`, recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success', detail: event.detail,
  });
  return version;
}

// ---------------------------------------------------------------------------------------------
// Deadlines

/** A new due date or urgency gets its own deadline alert (crisis and urgent referrals only). */
async function rescheduleDeadlineAlert(tx: Queryable, referral: Referral, changes: ReferralChanges): Promise<void> {
  if (changes.dueAt === undefined && changes.urgency === undefined) return;
  const dueAt = changes.dueAt ? new Date(changes.dueAt as Date | string) : referral.dueAt;
  const urgency = (changes.urgency as Urgency | undefined) ?? referral.urgency;
  await scheduleDeadlineAlert(tx, { tenantId: referral.tenantId, id: referral.id, urgency, dueAt });
}

/** Every clock a tenant keeps, as settings. */
export function clockSettings(settings: TenantSettings) {
  return {
    crisisResponseMinutes: settings.crisisResponseMinutes,
    urgentResponseHours: settings.urgentResponseHours,
    routineContactWorkingDays: settings.routineContactWorkingDays,
  };
}

/** When the first response is due, for a referral first received at `originalReceivedAt`. */
export function dueAtFor(originalReceivedAt: Date, urgency: Urgency, settings: TenantSettings): Date {
  return firstResponseDue(originalReceivedAt, urgency, clockSettings(settings));
}

/** What the person or referrer can expect, in plain words, for the acknowledgement. */
export function expectedContact(urgency: Urgency, settings: TenantSettings, toReferrer: boolean): string {
  const who = toReferrer ? 'the person' : 'you';
  switch (urgency) {
    case 'crisis':
      return `We have marked this referral to be looked at first. We will try to contact ${who} as soon as we can.`;
    case 'urgent':
      return `We aim to contact ${who} within ${settings.urgentResponseHours} hours.`;
    case 'routine':
      return `We aim to contact ${who} within ${settings.routineContactWorkingDays} working days. Weekends and bank holidays do not count.`;
  }
}

// ---------------------------------------------------------------------------------------------
// Submitting

/** The SHA-256 of what was sent, to tell a retry (same content) from a reused key (different content). */
export function submissionHash(submission: ReferralSubmission): string {
  const { idempotencyKey: _key, receivedAt: _received, ...content } = submission;
  return crypto.createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

const REFERENCE_ATTEMPTS = 5;

export interface SubmitOptions {
  /** Lantern's address as people reach it, for links in messages */
  baseUrl: string;
  /** the clock (tests); default now */
  now?: Date;
}

/**
 * Creates one referral for the tenant. With an idempotency key, sending the same thing again
 * (a resubmitted form, a retried API call, a hundred at once) gives back the first referral and
 * creates nothing; the same key with different content is refused.
 */
export async function submitReferral(
  ctx: RequestContext,
  tenantId: string,
  submission: ReferralSubmission,
  options: SubmitOptions,
): Promise<{ referral: Referral; replayed: boolean }> {
  const hash = submissionHash(submission);
  const replay = await findReplay(ctx.db, tenantId, submission.idempotencyKey, hash);
  if (replay) return { referral: replay, replayed: true };

  const settings = await getTenantSettings(ctx.db, tenantId);
  const now = options.now ?? new Date();
  const receivedAt = submission.receivedAt && submission.receivedAt < now ? submission.receivedAt : now;
  const originalReceivedAt = submission.originalReceivedAt && submission.originalReceivedAt < receivedAt ? submission.originalReceivedAt : receivedAt;
  const urgency: Urgency = submission.crisis ? 'crisis' : (submission.requestedUrgency ?? 'routine');
  const dueAt = dueAtFor(originalReceivedAt, urgency, settings);

  for (let attempt = 1; ; attempt++) {
    try {
      const created = await ctx.db.transaction((tx) =>
        insertSubmission(tx, ctx, tenantId, submission, { hash, settings, receivedAt, originalReceivedAt, urgency, dueAt, baseUrl: options.baseUrl }),
      );
      if (created) return { referral: created, replayed: false };
      // Another request with the same key committed first: give back what it made.
      const raced = await findReplay(ctx.db, tenantId, submission.idempotencyKey, hash);
      if (raced) return { referral: raced, replayed: true };
      throw new Error('a referral with this idempotency key was neither created nor found');
    } catch (error) {
      // A clash of random references (one in billions) is tried again with a new one.
      if (isUniqueViolation(error) && attempt < REFERENCE_ATTEMPTS && /reference/.test(String((error as { constraint?: string }).constraint ?? (error as Error).message))) continue;
      throw error;
    }
  }
}

async function findReplay(db: Queryable, tenantId: string, key: string | null, hash: string): Promise<Referral | null> {
  if (!key) return null;
  const { rows } = await db.query<{ id: string; request_hash: string | null }>(
    'SELECT id, request_hash FROM referrals WHERE tenant_id = $1 AND idempotency_key = $2',
    [tenantId, key],
  );
  const row = rows[0];
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw new AppError({
      status: 422,
      code: 'idempotency_key_reused',
      message: 'This idempotency key was already used for a different referral. Use a new key for each new referral, and the same key only to send the same referral again.',
    });
  }
  return readReferral(db, tenantId, row.id);
}

async function insertSubmission(
  tx: Transaction,
  ctx: RequestContext,
  tenantId: string,
  s: ReferralSubmission,
  at: { hash: string; settings: TenantSettings; receivedAt: Date; originalReceivedAt: Date; urgency: Urgency; dueAt: Date; baseUrl: string },
): Promise<Referral | null> {
  const districts = await tx.query<{ district: string }>('SELECT district FROM area_districts WHERE tenant_id = $1', [tenantId]);
  const eligibility = checkEligibility(
    { dateOfBirth: s.person.dateOfBirth, district: s.person.district, gpInArea: s.person.gpOrganisationId ? true : null, on: londonDate(at.receivedAt) },
    { minimumAge: at.settings.minimumAge, districts: new Set(districts.rows.map((d) => d.district)) },
  );
  const reference = newReferenceCode((n) => crypto.randomBytes(n));
  const p = s.person;
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO referrals (
       tenant_id, reference, idempotency_key, request_hash, source, channel, received_at, original_received_at,
       redirected_from_id, fast_track, referrer_organisation_id, referrer_user_id, referrer_name, referrer_role,
       referrer_relationship, referrer_email, referrer_phone, given_name, family_name, date_of_birth, nhs_number, postcode,
       district, phone, email, gp_organisation_id, gp_practice_name, contact_preferences, consent_gp_share, person_consents,
       reason, needs, crisis_flag, eligibility, urgency, due_at, area_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24,
             $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36,
             (SELECT area_id FROM area_districts WHERE tenant_id = $1 AND district = $23))
     ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING id`,
    [
      tenantId, reference, s.idempotencyKey, at.hash, s.source, s.channel, at.receivedAt, at.originalReceivedAt,
      s.redirectedFromId ?? null, s.fastTrack ?? false, s.referrer.organisationId, s.referrer.userId, s.referrer.name,
      s.referrer.role, s.referrer.relationship, s.referrer.email, s.referrer.phone, p.givenName, p.familyName, p.dateOfBirth,
      p.nhsNumber, p.postcode, p.district, p.phone, p.email, p.gpOrganisationId, p.gpPracticeName,
      JSON.stringify(s.contactPreferences ?? {}), s.consentGpShare, s.personConsents, s.reason, s.needs, s.crisis,
      JSON.stringify(eligibility), at.urgency, at.dueAt,
    ],
  );
  const id = inserted.rows[0]?.id;
  if (!id) return null;

  // Know the person once: the same NHS number is the same person; otherwise a new record, unless
  // someone already known looks like them, when a triage worker decides.
  const details: people.PersonDetails = { ...p, contactPreferences: s.contactPreferences, consentGpShare: s.consentGpShare, needs: s.needs };
  let personId = s.knownPersonId ?? (p.nhsNumber ? await people.personIdByNhsNumber(tx, tenantId, p.nhsNumber) : null);
  let matchStatus: 'linked' | 'created' | 'needs_review' = 'linked';
  let candidates = 0;
  if (personId) {
    await people.addReferralDetails(tx, tenantId, personId, details);
  } else {
    candidates = (await people.findLikelyMatches(tx, tenantId, details)).length;
    if (candidates > 0) {
      matchStatus = 'needs_review';
    } else {
      personId = await people.createPersonRecord(tx, tenantId, details);
      matchStatus = 'created';
    }
  }
  await tx.query('UPDATE referrals SET person_id = $3, match_status = $4 WHERE tenant_id = $1 AND id = $2', [tenantId, id, personId, matchStatus]);
  await insertEvent(tx, tenantId, id, {
    actorUserId: ctx.actor?.userId ?? null, kind: 'received', toState: 'received',
    detail: { source: s.source, channel: s.channel, urgency: at.urgency, match: matchStatus, candidates, eligible: eligibility.eligible },
  });
  await audit(tx, ctx, {
    action: 'referral.submit', recordType: 'referral', recordId: id, personId, tenantId, outcome: 'success',
    basis: ctx.actor ? 'staff entry' : ctx.apiClient ? 'partner system' : 'public form',
    detail: { source: s.source, channel: s.channel, reference, match: matchStatus },
  });

  await acknowledge(tx, tenantId, s, { reference, ...at });
  if (at.urgency === 'crisis' && at.settings.triageEmail) {
    const alert = crisisAlertMessage({ serviceName: at.settings.serviceName, reference, receivedAt: at.receivedAt, triageUrl: `${at.baseUrl}/referrals/${id}` });
    await queueNotification(tx, { tenantId, channel: 'email', recipient: at.settings.triageEmail, ...alert, reference: `referral:${id}:crisis` });
  }
  await scheduleDeadlineAlert(tx, { tenantId, id, urgency: at.urgency, dueAt: at.dueAt });
  return readReferral(tx, tenantId, id);
}

/**
 * Tells whoever sent the referral that it arrived, with the reference: the professional or carer
 * who referred, or the person themselves, but only in a way they said is safe.
 */
async function acknowledge(
  tx: Queryable,
  tenantId: string,
  s: ReferralSubmission,
  at: { reference: string; settings: TenantSettings; receivedAt: Date; urgency: Urgency },
): Promise<void> {
  const toReferrer = s.source !== 'self';
  const base = { serviceName: at.settings.serviceName, reference: at.reference, receivedAt: at.receivedAt, toReferrer, expectContact: expectedContact(at.urgency, at.settings, toReferrer) };
  const queue = (channel: 'email' | 'sms', recipient: string) =>
    queueNotification(tx, { tenantId, channel, recipient, ...acknowledgementMessage(base), reference: `referral-ack:${at.reference}` });
  if (toReferrer) {
    if (s.referrer.email) await queue('email', s.referrer.email);
    return;
  }
  const prefs = s.contactPreferences;
  if (!prefs) return;
  if (s.person.email && mayMessage(prefs, 'email')) await queue('email', s.person.email);
  else if (s.person.phone && mayMessage(prefs, 'sms')) await queue('sms', s.person.phone);
}

// ---------------------------------------------------------------------------------------------
// A person's referrals, for their page

/** Referrals listed on a person's page, newest first. */
export const PERSON_REFERRALS_LIMIT = 20;

/**
 * The person's referrals the actor may read, newest first, in the caller's transaction (the
 * caller has already decided access to the person). Access is decided for each referral with
 * referralAccessBasis, and each one shown is audited as read with its basis.
 */
export async function referralsForPerson(tx: Queryable, ctx: StaffContext, personId: string): Promise<Referral[]> {
  const { rows } = await tx.query<ReferralRow>(
    `SELECT ${REFERRAL_COLUMNS} FROM ${REFERRAL_FROM}
      WHERE r.tenant_id = $1 AND r.person_id = $2
      ORDER BY r.received_at DESC, r.id LIMIT ${PERSON_REFERRALS_LIMIT}`,
    [ctx.actor.tenantId, personId],
  );
  const shown: Referral[] = [];
  for (const referral of rows.map(toReferral)) {
    const basis = referralAccessBasis(ctx.actor, referral, 'read');
    if (!basis) continue;
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId, basis, outcome: 'success', detail: { view: 'person page' } });
    shown.push(referral);
  }
  return shown;
}
