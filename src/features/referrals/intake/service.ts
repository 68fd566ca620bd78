// The ways in, as services the routes call: the public self-referral, the professional referral
// and its status pages for the referring organisation, and staff-entered referrals. Each reads its
// form with its own reader (nothing is written when a reader finds a problem), then hands one
// ReferralSubmission to the referral core, which makes exactly one referral however often it is
// sent and writes the acknowledgement, the crisis alert and the audit row with it.
import crypto from 'node:crypto';
import type { Queryable } from '../../../db/database.ts';
import { ageOn } from '../../../domain/eligibility.ts';
import { normaliseReferenceCode } from '../../../domain/reference-code.ts';
import { REFERRER_STATUS, type ReferralState } from '../../../domain/referral-states.ts';
import { londonDate } from '../../../domain/working-days.ts';
import { mayMessage } from '../../../domain/contact-preferences.ts';
import { audit } from '../../../platform/audit.ts';
import { requireRole } from '../../../platform/access.ts';
import type { RequestContext, StaffContext } from '../../../platform/context.ts';
import { AppError, invalid, type FieldError } from '../../../platform/errors.ts';
import type { TenantSettings } from '../../../platform/tenant-settings.ts';
import { NATIONAL_CRISIS_OPTIONS } from '../../directory/crisis.ts';
import { present } from '../../directory/routes.ts';
import { crisisListings, readSearchInput, searchDirectory } from '../../directory/search.ts';
import type { Referral, ReferralSource, ReferralSubmission } from '../model.ts';
import { expectedContact, referralAccessBasis, submitReferral, withReferral } from '../service.ts';
import { readEvents, readReferral, readReferralByReference } from '../store.ts';
import { deleteDraft } from './drafts.ts';
import type { Answers, IntakeEnv } from './fields.ts';
import { readProfessionalReferral } from './professional.ts';
import { readSelfReferral, type SelfReading } from './self-referral.ts';
import { readStaffReferral, type StaffEnv } from './staff-entry.ts';

export const newWebKey = (): string => `web:${crypto.randomUUID()}`;
export const newStaffKey = (): string => `staff:${crypto.randomUUID()}`;

/** The tenant's GP practices, to choose from on every form. */
export async function gpPractices(db: Queryable, tenantId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM organisations WHERE tenant_id = $1 AND kind = 'gp_practice' ORDER BY lower(name), id`,
    [tenantId],
  );
  return rows;
}

export async function intakeEnv(db: Queryable, tenantId: string, now = new Date()): Promise<IntakeEnv> {
  return { today: londonDate(now), gpPractices: await gpPractices(db, tenantId) };
}

/** The options on "Get help now": the national ones and the tenant's own crisis listings. */
export async function crisisOptions(db: Queryable, tenantId: string, now = new Date()) {
  const local = await crisisListings(db, tenantId, null);
  return { national: NATIONAL_CRISIS_OPTIONS, local: local.map((r) => present(r.listing, r.distance, now)) };
}

/** The existing referral made with an idempotency key, if any. */
async function referralByKey(db: Queryable, tenantId: string, key: string | null): Promise<Referral | null> {
  if (!key) return null;
  const { rows } = await db.query<{ id: string }>('SELECT id FROM referrals WHERE tenant_id = $1 AND idempotency_key = $2', [tenantId, key]);
  return rows[0] ? readReferral(db, tenantId, rows[0].id) : null;
}

export interface Sent {
  referral: Referral;
  /** the same submission came again (a double click, a refresh): nothing new was made */
  replayed: boolean;
  /** the form was sent before with other answers: the first referral stands, the later answers were not sent */
  changedAfterSending: boolean;
}

/**
 * Sends to the core, and when the same key comes back with other answers (the person went back,
 * changed something and sent again) gives back the referral the first sending made, rather than
 * an error a member of the public cannot act on.
 */
async function send(ctx: RequestContext, tenantId: string, submission: ReferralSubmission, baseUrl: string, now?: Date): Promise<Sent> {
  try {
    const { referral, replayed } = await submitReferral(ctx, tenantId, submission, { baseUrl, now });
    return { referral, replayed, changedAfterSending: false };
  } catch (error) {
    if (error instanceof AppError && error.code === 'idempotency_key_reused') {
      const first = await referralByKey(ctx.db, tenantId, submission.idempotencyKey);
      if (first) return { referral: first, replayed: true, changedAfterSending: true };
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The public self-referral

export type SelfOutcome = { kind: 'sent'; sent: Sent } | { kind: 'problems'; reading: SelfReading };

/** Reads every answer again and sends the referral; a saved draft is deleted once it is sent. */
export async function submitSelfReferral(
  ctx: RequestContext,
  tenantId: string,
  answers: Answers,
  options: { baseUrl: string; now?: Date },
): Promise<SelfOutcome> {
  const env = await intakeEnv(ctx.db, tenantId, options.now);
  const reading = readSelfReferral(answers, env);
  if (!reading.submission) return { kind: 'problems', reading };
  const sent = await send(ctx, tenantId, reading.submission, options.baseUrl, options.now);
  if (answers.draft) await deleteDraft(ctx.db, answers.draft);
  return { kind: 'sent', sent };
}

export interface Confirmation {
  reference: string;
  crisis: boolean;
  carer: boolean;
  expectContact: string;
  /** how the reference was sent to them: 'email' or 'text' and where, or null */
  acknowledgedBy: { channel: 'email' | 'text'; to: string } | null;
  /** under the tenant's minimum age: services for young people */
  underAge: { age: number; minimumAge: number; services: ReturnType<typeof present>[]; searchHref: string } | null;
  /** living outside the tenant's districts, with no GP in the area: support where they live */
  outOfArea: { postcode: string; searchHref: string } | null;
}

/**
 * What the confirmation page says: the reference, what happens next, and signposting that fits
 * when the person may be outside who the service is for, so no one leaves with nothing.
 */
export async function confirmationFor(db: Queryable, referral: Referral, settings: TenantSettings, now = new Date()): Promise<Confirmation> {
  const carer = referral.source !== 'self';
  let acknowledgedBy: Confirmation['acknowledgedBy'] = null;
  if (carer) {
    if (referral.referrer.email) acknowledgedBy = { channel: 'email', to: referral.referrer.email };
  } else if (referral.subject.email && mayMessage(referral.contactPreferences, 'email')) {
    acknowledgedBy = { channel: 'email', to: referral.subject.email };
  } else if (referral.subject.phone && mayMessage(referral.contactPreferences, 'sms')) {
    acknowledgedBy = { channel: 'text', to: referral.subject.phone };
  }

  let underAge: Confirmation['underAge'] = null;
  const dob = referral.subject.dateOfBirth;
  const on = londonDate(referral.receivedAt);
  if (dob && dob <= on && ageOn(dob, on) < settings.minimumAge) {
    const age = ageOn(dob, on);
    const query: Record<string, string> = { need: 'lantern-needs:young-people', age: String(age) };
    if (referral.subject.postcode) query.place = referral.subject.postcode;
    const { input } = readSearchInput(query);
    const outcome = await searchDirectory(db, referral.tenantId, input, now);
    const services = 'results' in outcome ? outcome.results.slice(0, 3).map((r) => present(r.listing, r.distance, now)) : [];
    underAge = { age, minimumAge: settings.minimumAge, services, searchHref: `/services?${new URLSearchParams(query).toString()}` };
  }

  const outOfArea = referral.subject.postcode && referral.subject.district && !referral.areaId && !referral.subject.gpOrganisationId
    ? { postcode: referral.subject.postcode, searchHref: `/services?${new URLSearchParams({ place: referral.subject.postcode }).toString()}` }
    : null;

  return {
    reference: referral.reference,
    crisis: referral.crisisFlag,
    carer,
    expectContact: expectedContact(referral.urgency, settings, carer),
    acknowledgedBy,
    underAge,
    outOfArea,
  };
}

// ---------------------------------------------------------------------------------------------
// Professional referrals (the referrer role)

export interface ReferrerOrganisation {
  id: string;
  name: string;
  kind: string;
  source: ReferralSource;
}

export async function referrerOrganisation(ctx: StaffContext): Promise<ReferrerOrganisation> {
  requireRole(ctx.actor, ['referrer']);
  const { rows } = await ctx.db.query<{ id: string; name: string; kind: string; referral_source: ReferralSource | null }>(
    'SELECT id, name, kind, referral_source FROM organisations WHERE tenant_id = $1 AND id = $2',
    [ctx.actor.tenantId, ctx.actor.organisationId],
  );
  const o = rows[0];
  if (!o) throw new AppError({ status: 403, code: 'forbidden', message: 'Your account is not linked to an organisation. Ask an administrator to check it.' });
  return { id: o.id, name: o.name, kind: o.kind, source: o.referral_source ?? 'other' };
}

/** A signed-in referrer sends a referral for their organisation. Field problems throw (and nothing is written). */
export async function submitProfessionalReferral(ctx: StaffContext, answers: Answers, options: { baseUrl: string }): Promise<Sent> {
  const organisation = await referrerOrganisation(ctx);
  const env = await intakeEnv(ctx.db, ctx.actor.tenantId);
  const { submission, problems } = readProfessionalReferral(answers, env, {
    organisationId: organisation.id, userId: ctx.actor.userId, source: organisation.source,
  });
  if (!submission) throw invalid(problems);
  return send(ctx, ctx.actor.tenantId, submission, options.baseUrl);
}

export const PARTNER_PAGE_SIZE = 20;

export interface PartnerReferralRow {
  id: string;
  reference: string;
  name: string;
  receivedAt: Date;
  state: ReferralState;
  status: string;
}

/**
 * The referrer's organisation's referrals, newest first, with their status and nothing else
 * about them. Each one shown is audited as a status read in the same transaction.
 */
export async function listOrganisationReferrals(
  ctx: StaffContext,
  input: { reference: string; page: number },
): Promise<{ rows: PartnerReferralRow[]; total: number; page: number; pages: number; reference: string; problems: FieldError[] }> {
  requireRole(ctx.actor, ['referrer']);
  const typed = input.reference.trim().slice(0, 40);
  const reference = typed ? normaliseReferenceCode(typed) : null;
  if (typed && !reference) {
    return { rows: [], total: 0, page: 1, pages: 1, reference: typed, problems: [{ field: 'reference', message: 'Enter a reference like K7P9-Q2XM: 8 letters and numbers' }] };
  }
  return ctx.db.transaction(async (tx) => {
    const params: unknown[] = [ctx.actor.tenantId, ctx.actor.organisationId];
    let where = 'r.tenant_id = $1 AND r.referrer_organisation_id = $2';
    if (reference) {
      params.push(reference);
      where += ` AND r.reference = $${params.length}`;
    }
    const counted = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM referrals r WHERE ${where}`, params);
    const total = Number(counted.rows[0]?.n ?? 0);
    const pages = Math.max(1, Math.ceil(total / PARTNER_PAGE_SIZE));
    const page = Math.min(Math.max(1, Math.floor(input.page) || 1), pages);
    const { rows } = await tx.query<{ id: string; reference: string; given_name: string; family_name: string; received_at: Date; state: ReferralState; person_id: string | null }>(
      `SELECT r.id, r.reference, r.given_name, r.family_name, r.received_at, r.state, r.person_id
         FROM referrals r WHERE ${where}
        ORDER BY r.received_at DESC, r.id DESC
        LIMIT ${PARTNER_PAGE_SIZE} OFFSET ${(page - 1) * PARTNER_PAGE_SIZE}`,
      params,
    );
    for (const r of rows) {
      await audit(tx, ctx, {
        action: 'referral.status', recordType: 'referral', recordId: r.id, personId: r.person_id, basis: 'referring organisation',
        outcome: 'success', detail: { list: true, page, ...(reference ? { searched: reference } : {}) },
      });
    }
    return {
      rows: rows.map((r) => ({
        id: r.id, reference: r.reference, name: `${r.given_name} ${r.family_name}`, receivedAt: r.received_at, state: r.state, status: REFERRER_STATUS[r.state],
      })),
      total, page, pages, reference: reference ?? '', problems: [],
    };
  });
}

export interface PartnerReferral {
  reference: string;
  name: string;
  receivedAt: Date;
  referrerName: string | null;
  /** where the acknowledgement went */
  referrerEmail: string | null;
  state: ReferralState;
  status: string;
  /** when it reached the state it is in */
  since: Date;
}

/** One of the organisation's referrals by its reference: the status only. Others answer 404. */
export async function getOrganisationReferral(ctx: StaffContext, reference: string): Promise<PartnerReferral> {
  requireRole(ctx.actor, ['referrer']);
  const code = normaliseReferenceCode(reference);
  const found = code ? await readReferralByReference(ctx.db, ctx.actor.tenantId, code) : null;
  return withReferral(ctx, found?.id ?? String(reference).slice(0, 64), 'status', async (tx, { referral, basis }) => {
    await audit(tx, ctx, { action: 'referral.status', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success' });
    const events = await readEvents(tx, referral.tenantId, referral.id);
    const lastMove = [...events].reverse().find((e) => e.toState === referral.state);
    return {
      reference: referral.reference,
      name: `${referral.subject.givenName} ${referral.subject.familyName}`,
      receivedAt: referral.receivedAt,
      referrerName: referral.referrer.name,
      referrerEmail: referral.referrer.email,
      state: referral.state,
      status: REFERRER_STATUS[referral.state],
      since: lastMove?.at ?? referral.receivedAt,
    };
  }, 'status');
}

// ---------------------------------------------------------------------------------------------
// Staff-entered referrals

export const STAFF_ENTRY_ROLES = ['admin', 'triage', 'navigator'] as const;

export async function staffEnv(ctx: StaffContext, now = new Date()): Promise<StaffEnv> {
  requireRole(ctx.actor, STAFF_ENTRY_ROLES);
  const base = await intakeEnv(ctx.db, ctx.actor.tenantId, now);
  const { rows } = await ctx.db.query<{ id: string; name: string }>(
    `SELECT id, name FROM organisations
      WHERE tenant_id = $1 AND kind IN ('gp_practice', 'referrer', 'delivery_provider', 'strategic_partner')
      ORDER BY lower(name), id`,
    [ctx.actor.tenantId],
  );
  return { ...base, now, organisations: rows };
}

/**
 * A referral that came by phone, email, text, letter or in person, entered by staff. Field
 * problems throw (and nothing is written). `readable`: the person entering it may open its page
 * (a navigator may not until it is routed to their organisation).
 */
export async function submitStaffReferral(
  ctx: StaffContext,
  answers: Answers,
  options: { baseUrl: string; now?: Date },
): Promise<Sent & { readable: boolean }> {
  const env = await staffEnv(ctx, options.now);
  const { submission, problems } = readStaffReferral(answers, env);
  if (!submission) throw invalid(problems);
  const sent = await send(ctx, ctx.actor.tenantId, submission, options.baseUrl, options.now);
  return { ...sent, readable: referralAccessBasis(ctx.actor, sent.referral, 'read') !== null };
}
