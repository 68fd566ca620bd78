// Staff sessions kept in the database: a random token in an HttpOnly, Secure, SameSite cookie;
// only the token's SHA-256 is stored. A session ends after SESSION_IDLE_MINUTES without use, or
// SESSION_ABSOLUTE_HOURS after sign-in, whichever comes first, and at once when the user is
// disabled (every lookup joins the user and checks disabled_at).
import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database, Queryable } from '../db/database.ts';
import type { Role, StaffActor } from './context.ts';

export const SESSION_COOKIE = 'lantern_session';
// Writing last_seen_at on every request would turn every page view into a write.
const TOUCH_AFTER_SECONDS = 60;
// Between a correct password and the second factor: long enough to open an app, no longer.
const SECOND_FACTOR_MINUTES = 10;

export interface SessionState {
  actor: StaffActor | null;
  /** signed in with a password, waiting for the second factor */
  pendingSecondFactor: { userId: string; tenantId: string; sessionHash: string } | null;
}

export const hashToken = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

export function cookieOptions(config: Config) {
  return {
    path: '/',
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax' as const,
  };
}

export async function loadSession(db: Database, config: Config, token: string | undefined): Promise<SessionState> {
  const none: SessionState = { actor: null, pendingSecondFactor: null };
  if (!token || token.length > 100) return none;
  const tokenHash = hashToken(token);
  const { rows } = await db.query<{
    user_id: string; tenant_id: string; organisation_id: string; role: Role; name: string; email: string;
    awaiting_second_factor: boolean; stale: boolean; must_change_password: boolean; team_lead: boolean;
  }>(
    `SELECT u.id AS user_id, u.tenant_id, u.organisation_id, u.role, u.name, u.email, u.must_change_password, u.team_lead,
            s.awaiting_second_factor,
            s.last_seen_at < now() - make_interval(secs => $3) AS stale
       FROM sessions s JOIN staff_users u ON u.id = s.user_id
      WHERE s.token_hash = $1
        AND u.disabled_at IS NULL
        AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(mins => $2)`,
    [tokenHash, config.sessionIdleMinutes, TOUCH_AFTER_SECONDS],
  );
  const row = rows[0];
  if (!row) return none;
  if (row.awaiting_second_factor) {
    return { actor: null, pendingSecondFactor: { userId: row.user_id, tenantId: row.tenant_id, sessionHash: tokenHash } };
  }
  if (row.stale) await db.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1', [tokenHash]);
  return {
    actor: {
      userId: row.user_id,
      tenantId: row.tenant_id,
      organisationId: row.organisation_id,
      role: row.role,
      name: row.name,
      email: row.email,
      sessionHash: tokenHash,
      mustChangePassword: row.must_change_password,
      teamLead: row.team_lead,
    },
    pendingSecondFactor: null,
  };
}

/**
 * Starts a new session for the user and ends the one the request came with, if any: a fresh
 * token at every sign-in step defeats session fixation.
 */
export async function startSession(
  tx: Queryable,
  config: Config,
  request: FastifyRequest,
  reply: FastifyReply,
  user: { id: string; tenantId: string },
  awaitingSecondFactor: boolean,
): Promise<string> {
  await endRequestSession(tx, request);
  const token = crypto.randomBytes(32).toString('base64url');
  const tokenHash = hashToken(token);
  await tx.query(
    `INSERT INTO sessions (token_hash, tenant_id, user_id, awaiting_second_factor, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))`,
    [tokenHash, user.tenantId, user.id, awaitingSecondFactor, awaitingSecondFactor ? SECOND_FACTOR_MINUTES : config.sessionAbsoluteHours * 60],
  );
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(config));
  return tokenHash;
}

export async function endRequestSession(tx: Queryable, request: FastifyRequest): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  if (token) await tx.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(config));
}

export async function endAllSessionsFor(tx: Queryable, userId: string, exceptHash?: string): Promise<void> {
  await tx.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [userId, exceptHash ?? null]);
}
