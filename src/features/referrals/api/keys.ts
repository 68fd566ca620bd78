// API keys: one or more per organisation, made and revoked by the tenant's administrators.
//
// A key is 'lantern_live_' and 43 characters of base64url: 256 random bits, so guessing one is
// hopeless and a plain SHA-256 of it is a safe thing to store (a slow password hash protects
// short secrets people choose; this one is long and random). The key itself is shown once, when
// it is made; afterwards only its first characters are kept, to tell keys apart on the page.
// Every request looks its key up afresh, so a revoked key is refused from the very next request
// on every Lantern instance.
import crypto from 'node:crypto';
import type { Queryable } from '../../../db/database.ts';
import { isUniqueViolation } from '../../../db/database.ts';
import { audit } from '../../../platform/audit.ts';
import { requireRole } from '../../../platform/access.ts';
import type { ApiClient, RequestContext, StaffContext } from '../../../platform/context.ts';
import { AppError, invalid, notFound, type FieldError } from '../../../platform/errors.ts';
import { SOURCE_NAMES, type ReferralSource } from '../model.ts';

export const KEY_PREFIX = 'lantern_live_';
const KEY_BYTES = 32;
/** 'lantern_live_' and 43 base64url characters */
export const API_KEY_PATTERN = /^lantern_live_[A-Za-z0-9_-]{43}$/;
/** How much of the key the admin page shows: the fixed part and 6 random characters (36 bits). */
const SHOWN_LENGTH = KEY_PREFIX.length + 6;
/** last_used_at is written at most this often per key, so busy keys do not write on every call. */
export const LAST_USED_RESOLUTION_SECONDS = 60;

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A new random key, with what is stored about it. */
export function newApiKey(): { key: string; prefix: string; hash: string } {
  const key = KEY_PREFIX + crypto.randomBytes(KEY_BYTES).toString('base64url');
  return { key, prefix: key.slice(0, SHOWN_LENGTH), hash: hashApiKey(key) };
}

// ---------------------------------------------------------------------------------------------
// Authenticating a request

const BEARER_CHALLENGE = 'Bearer realm="Lantern partner API"';

function unauthenticated(message: string, error?: 'invalid_request' | 'invalid_token'): AppError {
  return new AppError({
    status: 401,
    code: 'unauthenticated',
    message,
    headers: { 'www-authenticate': error ? `${BEARER_CHALLENGE}, error="${error}"` : BEARER_CHALLENGE },
  });
}

/**
 * The partner system a request comes from, by the key in its Authorization header. Missing,
 * malformed, unknown and revoked keys are refused with 401 and a message saying what to do. A
 * revoked key's use is audited, so an administrator can see a system still trying an old key.
 */
export async function authenticateApiKey(ctx: RequestContext, authorization: string | undefined): Promise<ApiClient> {
  if (!authorization) {
    throw unauthenticated('Send your organisation’s API key in the Authorization header, like: Authorization: Bearer lantern_live_… Ask your Lantern administrator for a key.');
  }
  const match = /^Bearer +(\S+) *$/i.exec(authorization);
  if (!match) throw unauthenticated('The Authorization header must be the word Bearer, a space, and your API key, like: Authorization: Bearer lantern_live_…', 'invalid_request');
  const key = match[1]!;
  if (!API_KEY_PATTERN.test(key)) {
    throw unauthenticated('This is not a Lantern API key. Keys start with lantern_live_ and are 56 characters long. Check it was copied in full.', 'invalid_token');
  }
  const { rows } = await ctx.db.query<{ tenant_id: string; id: string; organisation_id: string; revoked: boolean; touch: boolean }>(
    `SELECT tenant_id, id, organisation_id, revoked_at IS NOT NULL AS revoked,
            (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2)) AS touch
       FROM api_keys WHERE key_hash = $1`,
    [hashApiKey(key), LAST_USED_RESOLUTION_SECONDS],
  );
  const row = rows[0];
  if (!row) throw unauthenticated('This API key is not known. Check it was copied in full, or ask your Lantern administrator for a new key.', 'invalid_token');
  const client: ApiClient = { tenantId: row.tenant_id, organisationId: row.organisation_id, keyId: row.id };
  if (row.revoked) {
    await audit(ctx.db, { ...ctx, actor: null, apiClient: client }, {
      action: 'api.authenticate', recordType: 'api_key', recordId: row.id, outcome: 'denied', basis: 'key revoked',
    });
    throw unauthenticated('This API key has been revoked. Ask your Lantern administrator for a new key.', 'invalid_token');
  }
  if (row.touch) {
    // Only one of many concurrent requests moves it; the others find it already fresh.
    await ctx.db.query(
      `UPDATE api_keys SET last_used_at = now()
        WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $3))`,
      [row.tenant_id, row.id, LAST_USED_RESOLUTION_SECONDS],
    );
  }
  return client;
}

// ---------------------------------------------------------------------------------------------
// Administration

export interface ApiKeySummary {
  id: string;
  organisationId: string;
  organisationName: string;
  /** what referrals sent with it count as in reports */
  sourceName: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdByName: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedByName: string | null;
}

export interface KeyOrganisation {
  id: string;
  name: string;
  sourceName: string;
}

/** Organisations a key may be made for: every organisation in the tenant that could refer. */
export async function keyOrganisations(ctx: StaffContext): Promise<KeyOrganisation[]> {
  requireRole(ctx.actor, ['admin']);
  const { rows } = await ctx.db.query<{ id: string; name: string; referral_source: ReferralSource | null }>(
    `SELECT id, name, referral_source FROM organisations
      WHERE tenant_id = $1 AND kind <> 'commissioner' ORDER BY name`,
    [ctx.actor.tenantId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, sourceName: SOURCE_NAMES[r.referral_source ?? 'other'] }));
}

export async function listApiKeys(ctx: StaffContext): Promise<ApiKeySummary[]> {
  requireRole(ctx.actor, ['admin']);
  return readKeys(ctx, null);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getApiKey(ctx: StaffContext, id: string): Promise<ApiKeySummary> {
  requireRole(ctx.actor, ['admin']);
  const key = UUID.test(id) ? (await readKeys(ctx, id))[0] : undefined;
  if (!key) throw notFound('API key');
  return key;
}

/** The tenant's keys (or one of them), working keys first, by organisation and name. */
async function readKeys(ctx: StaffContext, id: string | null): Promise<ApiKeySummary[]> {
  const { rows } = await ctx.db.query<{
    id: string; organisation_id: string; organisation_name: string; referral_source: ReferralSource | null; name: string; prefix: string;
    created_at: Date; created_by_name: string | null; last_used_at: Date | null; revoked_at: Date | null; revoked_by_name: string | null;
  }>(
    `SELECT k.id, k.organisation_id, o.name AS organisation_name, o.referral_source, k.name, k.prefix, k.created_at,
            c.name AS created_by_name, k.last_used_at, k.revoked_at, r.name AS revoked_by_name
       FROM api_keys k
       JOIN organisations o ON o.tenant_id = k.tenant_id AND o.id = k.organisation_id
       LEFT JOIN staff_users c ON c.tenant_id = k.tenant_id AND c.id = k.created_by
       LEFT JOIN staff_users r ON r.tenant_id = k.tenant_id AND r.id = k.revoked_by
      WHERE k.tenant_id = $1 AND ($2::uuid IS NULL OR k.id = $2::uuid)
      ORDER BY k.revoked_at IS NOT NULL, o.name, lower(k.name), k.created_at DESC`,
    [ctx.actor.tenantId, id],
  );
  return rows.map((r) => ({
    id: r.id, organisationId: r.organisation_id, organisationName: r.organisation_name,
    sourceName: SOURCE_NAMES[r.referral_source ?? 'other'], name: r.name, prefix: r.prefix, createdAt: r.created_at,
    createdByName: r.created_by_name, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, revokedByName: r.revoked_by_name,
  }));
}

/**
 * Stores a new key for an organisation of the tenant (no checks: for administrators through
 * createApiKey, and for seeding benchmarks). Returns the key, which is never stored.
 */
export async function issueApiKey(
  tx: Queryable,
  input: { tenantId: string; organisationId: string; name: string; createdBy: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const { key, prefix, hash } = newApiKey();
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO api_keys (tenant_id, organisation_id, name, prefix, key_hash, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [input.tenantId, input.organisationId, input.name, prefix, hash, input.createdBy],
  );
  return { id: rows[0]!.id, key, prefix };
}

export interface NewKeyInput {
  organisationId: string;
  name: string;
}

/** An administrator makes a key for an organisation; the key is returned once, to be shown once. */
export async function createApiKey(ctx: StaffContext, input: NewKeyInput): Promise<{ key: string; summary: ApiKeySummary }> {
  requireRole(ctx.actor, ['admin']);
  const name = input.name.trim().replace(/\s+/g, ' ');
  const problems: FieldError[] = [];
  const organisations = await keyOrganisations(ctx);
  if (!organisations.some((o) => o.id === input.organisationId)) problems.push({ field: 'organisation', message: 'Select the organisation whose system will send referrals' });
  if (!name) problems.push({ field: 'name', message: 'Enter a name for the key, like the system that will use it' });
  else if (name.length > 100) problems.push({ field: 'name', message: 'The key’s name must be 100 characters or fewer' });
  if (problems.length) throw invalid(problems);
  try {
    const issued = await ctx.db.transaction(async (tx) => {
      const made = await issueApiKey(tx, { tenantId: ctx.actor.tenantId, organisationId: input.organisationId, name, createdBy: ctx.actor.userId });
      await audit(tx, ctx, {
        action: 'api_key_created', recordType: 'api_key', recordId: made.id, outcome: 'success',
        detail: { organisationId: input.organisationId, name, prefix: made.prefix },
      });
      return made;
    });
    return { key: issued.key, summary: await getApiKey(ctx, issued.id) };
  } catch (error) {
    if (isUniqueViolation(error) && /api_keys_active_name/.test(String((error as { constraint?: string }).constraint ?? (error as Error).message))) {
      throw invalid([{ field: 'name', message: 'This organisation already has a working key with this name. Give the new key a different name' }]);
    }
    throw error;
  }
}

/** Revokes a key: the next request made with it is refused. Revoking a revoked key changes nothing. */
export async function revokeApiKey(ctx: StaffContext, id: string): Promise<ApiKeySummary> {
  requireRole(ctx.actor, ['admin']);
  if (!UUID.test(id)) throw notFound('API key');
  const found = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ revoked: boolean }>(
      'SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
      [ctx.actor.tenantId, id],
    );
    if (!rows[0]) return false;
    if (rows[0].revoked) return true;
    await tx.query('UPDATE api_keys SET revoked_at = now(), revoked_by = $3 WHERE tenant_id = $1 AND id = $2', [ctx.actor.tenantId, id, ctx.actor.userId]);
    await audit(tx, ctx, { action: 'api_key_revoked', recordType: 'api_key', recordId: id, outcome: 'success' });
    return true;
  });
  if (!found) throw notFound('API key');
  return getApiKey(ctx, id);
}
