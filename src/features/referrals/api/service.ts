// The partner API's rules: a partner system refers through the referral core like every other way
// in, and sees only the progress of its own organisation's referrals, never clinical detail.
// Every call that touches a referral writes an audit row as the organisation (role 'api', with
// the key's id), in the same transaction as the read.
import { submitReferral } from '../service.ts';
import type { CloseReason, Referral, ReferralSource, ReferralSubmission } from '../model.ts';
import { REFERRER_STATUS, UNABLE_REASONS, type ReferralState } from '../../../domain/referral-states.ts';
import { normaliseReferenceCode } from '../../../domain/reference-code.ts';
import { londonDate } from '../../../domain/working-days.ts';
import { audit } from '../../../platform/audit.ts';
import type { ApiClient, RequestContext } from '../../../platform/context.ts';
import { AppError, invalid, notFound } from '../../../platform/errors.ts';
import { NEEDS_TERMS } from '../../../seed/taxonomy.ts';
import {
  encodeCursor, IDEMPOTENCY_HEADER, readIdempotencyKey, readListQuery, readReferralRequest, type ListQuery,
} from './request.ts';

/** A request made with a partner's key. */
export type ApiContext = RequestContext & { actor: null; apiClient: ApiClient };

export const API_BASE = '/api/v1';
export const KNOWN_NEEDS: ReadonlySet<string> = new Set(NEEDS_TERMS.map((t) => t.id));

/** Why a referral was closed, as the referrer is told: a category, never the worker's note. */
export const CLOSURE_TEXT: Readonly<Record<CloseReason, string>> = {
  ...UNABLE_REASONS,
  duplicate: 'A duplicate of another referral for the same person',
  entered_in_error: 'Made in error',
};

// ---------------------------------------------------------------------------------------------
// What the API answers

export interface ApiAcknowledgement {
  id: string;
  reference: string;
  status: ReferralState;
  statusText: string;
  receivedAt: string;
  links: { self: string };
}

export interface ApiReferralStatus extends ApiAcknowledgement {
  updatedAt: string;
  /** present once the referral is closed without support starting here */
  closure?: { reason: CloseReason; reasonText: string; closedAt: string };
}

export interface ApiReferralPage {
  data: ApiReferralStatus[];
  /** where this page ended: send it back as cursor to get what changed after it */
  nextCursor: string | null;
  links: { self: string; next: string | null };
}

export const selfLink = (reference: string): string => `${API_BASE}/referrals/${reference}`;

function acknowledgement(r: { id: string; reference: string; state: ReferralState; receivedAt: Date }): ApiAcknowledgement {
  return {
    id: r.id, reference: r.reference, status: r.state, statusText: REFERRER_STATUS[r.state], receivedAt: r.receivedAt.toISOString(),
    links: { self: selfLink(r.reference) },
  };
}

interface StatusRow {
  id: string;
  reference: string;
  state: ReferralState;
  received_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  close_reason: CloseReason | null;
  person_id: string | null;
  referrer_organisation_id: string | null;
}

const STATUS_COLUMNS = 'id, reference, state, received_at, updated_at, closed_at, close_reason, person_id, referrer_organisation_id';

function statusOf(row: StatusRow): ApiReferralStatus {
  const status: ApiReferralStatus = {
    ...acknowledgement({ id: row.id, reference: row.reference, state: row.state, receivedAt: row.received_at }),
    updatedAt: row.updated_at.toISOString(),
  };
  if (row.close_reason && (row.state === 'unable_to_sign_up' || row.state === 'withdrawn')) {
    status.closure = { reason: row.close_reason, reasonText: CLOSURE_TEXT[row.close_reason], closedAt: (row.closed_at ?? row.updated_at).toISOString() };
  }
  return status;
}

// ---------------------------------------------------------------------------------------------
// Submitting

export interface SubmitOutcome {
  body: ApiAcknowledgement;
  replayed: boolean;
}

/**
 * POST /api/v1/referrals: checks the Idempotency-Key and the body, counts the referral under the
 * organisation's source, and submits it through the core. The key is scoped to the organisation,
 * so two partners choosing the same key never meet.
 */
export async function submitApiReferral(
  ctx: ApiContext,
  input: { idempotencyKey: string | string[] | undefined; body: unknown },
  options: { baseUrl: string; now?: Date },
): Promise<SubmitOutcome> {
  const client = ctx.apiClient;
  const key = readIdempotencyKey(input.idempotencyKey);
  if (!key.ok) {
    throw new AppError({ status: 400, code: 'idempotency_key', message: key.message, fields: [{ field: IDEMPOTENCY_HEADER, message: key.message }] });
  }
  const read = readReferralRequest(input.body, { today: londonDate(options.now ?? new Date()), needs: KNOWN_NEEDS });
  if (!read.ok) throw invalid(read.problems, 'There is a problem with the referral. Nothing has been saved. Correct the fields listed and send it again.');
  const request = read.value;

  const { rows } = await ctx.db.query<{ referral_source: ReferralSource | null; gp_id: string | null }>(
    `SELECT o.referral_source, gp.id AS gp_id
       FROM organisations o
       LEFT JOIN organisations gp ON gp.tenant_id = o.tenant_id AND gp.kind = 'gp_practice' AND upper(gp.ods_code) = $3
      WHERE o.tenant_id = $1 AND o.id = $2
      ORDER BY gp.id LIMIT 1`,
    [client.tenantId, client.organisationId, request.person.gpPracticeOdsCode],
  );
  const organisation = rows[0];
  if (!organisation) throw new Error(`API key ${client.keyId} belongs to an organisation that does not exist`);
  const { gpPracticeOdsCode: odsCode, gpPracticeName: givenGpName, ...person } = request.person;
  // A practice the tenant knows is linked (it also tells eligibility the GP is in the area); one
  // it does not know is kept by name, with its code, for triage to read.
  const gpPracticeName = organisation.gp_id || !odsCode ? givenGpName : givenGpName ? `${givenGpName} (ODS code ${odsCode})` : `GP practice with ODS code ${odsCode}`;

  const submission: ReferralSubmission = {
    source: organisation.referral_source ?? 'other',
    channel: 'api',
    referrer: { organisationId: client.organisationId, userId: null, relationship: null, ...request.referrer },
    person: { ...person, gpOrganisationId: organisation.gp_id, gpPracticeName },
    contactPreferences: request.contactPreferences,
    consentGpShare: request.consentGpShare,
    personConsents: true,
    reason: request.reason,
    needs: request.needs,
    crisis: request.crisis,
    requestedUrgency: request.urgency,
    idempotencyKey: `api:${client.organisationId}:${key.value}`,
  };

  let result: { referral: Referral; replayed: boolean };
  try {
    result = await submitReferral(ctx, client.tenantId, submission, options);
  } catch (error) {
    if (error instanceof AppError && error.code === 'idempotency_key_reused') {
      await audit(ctx.db, ctx, { action: 'referral.submit', outcome: 'failure', basis: 'partner system', detail: { code: error.code } });
    }
    throw error;
  }
  const { referral, replayed } = result;
  if (replayed) {
    // The core audits the referral it creates; a retry that gets it back is a read of its status.
    await audit(ctx.db, ctx, {
      action: 'referral.submit_replayed', recordType: 'referral', recordId: referral.id, personId: referral.personId,
      basis: 'partner system', outcome: 'success', detail: { reference: referral.reference },
    });
  }
  return { body: acknowledgement(referral), replayed };
}

// ---------------------------------------------------------------------------------------------
// Reading progress

/**
 * GET /api/v1/referrals/:reference: the progress of one referral the organisation sent. Another
 * organisation's referral, another tenant's and a reference that does not exist all answer 404,
 * audited as denied.
 */
export async function getApiReferral(ctx: ApiContext, reference: string): Promise<ApiReferralStatus> {
  const client = ctx.apiClient;
  const code = normaliseReferenceCode(reference);
  const found = await ctx.db.transaction(async (tx) => {
    const { rows } = code
      ? await tx.query<StatusRow>(`SELECT ${STATUS_COLUMNS} FROM referrals WHERE tenant_id = $1 AND reference = $2`, [client.tenantId, code])
      : { rows: [] as StatusRow[] };
    const row = rows[0];
    if (!row || row.referrer_organisation_id !== client.organisationId) {
      await audit(tx, ctx, {
        action: 'referral.status', recordType: 'referral', recordId: row?.id ?? reference.slice(0, 64), outcome: 'denied',
        basis: row ? 'sent by another organisation' : 'not found in tenant',
      });
      return null;
    }
    await audit(tx, ctx, { action: 'referral.status', recordType: 'referral', recordId: row.id, personId: row.person_id, basis: 'referring organisation', outcome: 'success' });
    return row;
  });
  if (!found) throw notFound('referral');
  return statusOf(found);
}

/** The position of a row in (updated_at, id) order, to the microsecond. */
const POSITION = `to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * GET /api/v1/referrals: the organisation's referrals in the order they last changed, from a
 * position (cursor) or a time (updatedSince), a page at a time. Polling with the last page's
 * nextCursor returns only what changed since.
 */
export async function listApiReferrals(ctx: ApiContext, query: Record<string, unknown>): Promise<ApiReferralPage> {
  const read = readListQuery(query);
  if (!read.ok) throw invalid(read.problems, 'There is a problem with the query. Correct the parameters listed and try again.');
  const q: ListQuery = read.value;
  const client = ctx.apiClient;
  const params: unknown[] = [client.tenantId, client.organisationId];
  const where = ['tenant_id = $1', 'referrer_organisation_id = $2'];
  if (q.updatedSince) {
    params.push(q.updatedSince.toISOString());
    where.push(`updated_at >= $${params.length}::timestamptz`);
  }
  if (q.after) {
    params.push(q.after.at, q.after.id);
    where.push(`(updated_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(q.limit + 1);
  const rows = await ctx.db.transaction(async (tx) => {
    const result = await tx.query<StatusRow & { position: string }>(
      `SELECT ${STATUS_COLUMNS}, ${POSITION} AS position FROM referrals
        WHERE ${where.join(' AND ')} ORDER BY updated_at, id LIMIT $${params.length}`,
      params,
    );
    const page = result.rows.slice(0, q.limit);
    await audit(tx, ctx, {
      action: 'referral.status_list', recordType: 'referral', outcome: 'success', basis: 'referring organisation',
      detail: { count: page.length, referralIds: page.map((r) => r.id) },
    });
    return result.rows;
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const nextCursor = last ? encodeCursor({ at: last.position, id: last.id }) : q.after ? encodeCursor(q.after) : null;
  const search = (extra: Record<string, string>) => {
    const values: Record<string, string> = {};
    if (typeof query.updatedSince === 'string') values.updatedSince = query.updatedSince;
    if (typeof query.limit === 'string') values.limit = query.limit;
    const text = new URLSearchParams({ ...values, ...extra }).toString();
    return `${API_BASE}/referrals${text ? `?${text}` : ''}`;
  };
  return {
    data: page.map(statusOf),
    nextCursor,
    links: {
      self: search(typeof query.cursor === 'string' ? { cursor: query.cursor } : {}),
      next: rows.length > q.limit && nextCursor ? search({ cursor: nextCursor }) : null,
    },
  };
}
