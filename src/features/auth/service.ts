// Sign-in rules: argon2id passwords, throttling by account and by address, an optional TOTP
// second factor, password change. Every outcome is audited.
import * as OTPAuth from 'otpauth';
import type { Queryable } from '../../db/database.ts';
import type { RequestContext, Role, StaffContext } from '../../platform/context.ts';
import { audit } from '../../platform/audit.ts';
import { AppError, invalid, type FieldError } from '../../platform/errors.ts';
import { hashPassword, newPasswordProblems, verifyPassword } from '../../platform/passwords.ts';
import { endAllSessionsFor } from '../../platform/sessions.ts';

/** Failures allowed inside the window before the account, or the address, must wait. */
export const THROTTLE = { windowMinutes: 15, perAccount: 5, perAddress: 30 } as const;

export interface StaffCredentials {
  id: string;
  tenantId: string;
  organisationId: string;
  role: Role;
  email: string;
  passwordHash: string;
  totpEnabled: boolean;
  mustChangePassword: boolean;
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

async function findByEmail(db: Queryable, email: string): Promise<StaffCredentials | null> {
  const { rows } = await db.query<{
    id: string; tenant_id: string; organisation_id: string; role: Role; email: string;
    password_hash: string; totp_enabled: boolean; must_change_password: boolean;
  }>(
    `SELECT id, tenant_id, organisation_id, role, email, password_hash, totp_enabled, must_change_password
       FROM staff_users WHERE email = $1 AND disabled_at IS NULL`,
    [email],
  );
  const row = rows[0];
  return row
    ? {
        id: row.id, tenantId: row.tenant_id, organisationId: row.organisation_id, role: row.role, email: row.email,
        passwordHash: row.password_hash, totpEnabled: row.totp_enabled, mustChangePassword: row.must_change_password,
      }
    : null;
}

async function throttled(db: Queryable, email: string, ip: string): Promise<boolean> {
  const { rows } = await db.query<{ by_account: number; by_address: number }>(
    `SELECT count(*) FILTER (WHERE email = $1) AS by_account,
            count(*) FILTER (WHERE ip = $2) AS by_address
       FROM sign_in_attempts
      WHERE NOT succeeded AND at > now() - make_interval(mins => $3) AND (email = $1 OR ip = $2)`,
    [email, ip, THROTTLE.windowMinutes],
  );
  const counts = rows[0];
  return !!counts && (Number(counts.by_account) >= THROTTLE.perAccount || Number(counts.by_address) >= THROTTLE.perAddress);
}

const WRONG = 'Enter a correct email address and password';

const tooManyAttempts = (): AppError =>
  new AppError({
    status: 429,
    code: 'throttled',
    message: `There have been too many attempts to sign in. Wait ${THROTTLE.windowMinutes} minutes and try again, or ask your administrator for help.`,
    headers: { 'retry-after': String(THROTTLE.windowMinutes * 60) },
  });

/**
 * Checks an email and password. Returns the staff member, or throws an AppError: 400 for wrong
 * details (never saying which was wrong), 429 when too many attempts have failed.
 */
export async function checkPassword(ctx: RequestContext, emailInput: string, password: string): Promise<StaffCredentials> {
  const email = normaliseEmail(emailInput);
  const fields: FieldError[] = [];
  if (!email) fields.push({ field: 'email', message: 'Enter your email address' });
  if (!password) fields.push({ field: 'password', message: 'Enter your password' });
  if (fields.length) throw invalid(fields);

  if (await throttled(ctx.db, email, ctx.ip)) {
    await ctx.db.transaction((tx) =>
      audit(tx, ctx, { action: 'sign_in', outcome: 'denied', basis: 'too many failed attempts', detail: { email } }),
    );
    throw tooManyAttempts();
  }
  const user = await findByEmail(ctx.db, email);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  await ctx.db.transaction(async (tx) => {
    await tx.query('INSERT INTO sign_in_attempts (email, ip, succeeded) VALUES ($1, $2, $3)', [email, ctx.ip, ok]);
    if (!ok) {
      await audit(tx, { ...ctx, actor: null }, {
        action: 'sign_in', outcome: 'failure', tenantId: user?.tenantId ?? null,
        recordType: user ? 'staff_user' : undefined, recordId: user?.id, detail: { email },
      });
    }
  });
  if (!ok || !user) throw invalid([{ field: 'email', message: WRONG }]);
  return user;
}

export async function auditSignIn(tx: Queryable, ctx: RequestContext, user: StaffCredentials, step: string): Promise<void> {
  await audit(tx, {
    requestId: ctx.requestId,
    actor: { userId: user.id, tenantId: user.tenantId, organisationId: user.organisationId, role: user.role, name: '', email: user.email, sessionHash: '', mustChangePassword: false, teamLead: false },
  }, { action: 'sign_in', outcome: 'success', recordType: 'staff_user', recordId: user.id, detail: { step } });
}

// ---- second factor (TOTP, RFC 6238: SHA-1, 6 digits, 30 seconds, one step of clock drift) ----

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

export function totpFor(secret: string, email: string): OTPAuth.TOTP {
  return new OTPAuth.TOTP({ issuer: 'Lantern', label: email, secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** The time step of a valid, unused code, or null. */
export function acceptedStep(secret: string, email: string, code: string, lastStep: number | null, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secret, email).validate({ token, timestamp: now, window: 1 });
  if (delta === null) return null;
  const step = Math.floor(now / 30_000) + delta;
  return lastStep !== null && step <= lastStep ? null : step;
}

/**
 * Checks the second factor of a half-signed-in session. Wrong codes count as failed sign-ins for
 * the account and the address, so guessing codes is throttled exactly as guessing passwords is.
 */
export async function checkSecondFactor(ctx: RequestContext, userId: string, code: string): Promise<StaffCredentials> {
  const { rows } = await ctx.db.query<{ email: string; totp_secret: string | null; totp_last_step: number | null; tenant_id: string }>(
    'SELECT email, tenant_id, totp_secret, totp_last_step FROM staff_users WHERE id = $1 AND disabled_at IS NULL',
    [userId],
  );
  const row = rows[0];
  if (!row) throw invalid([{ field: 'code', message: 'Your account is no longer active. Ask your administrator.' }]);
  if (await throttled(ctx.db, row.email, ctx.ip)) throw tooManyAttempts();
  const user = await ctx.db.transaction(async (tx) => {
    const locked = await tx.query<{ totp_last_step: number | null }>('SELECT totp_last_step FROM staff_users WHERE id = $1 FOR UPDATE', [userId]);
    const step = row.totp_secret ? acceptedStep(row.totp_secret, row.email, code, locked.rows[0]?.totp_last_step ?? null) : null;
    if (step === null) return null;
    await tx.query('UPDATE staff_users SET totp_last_step = $2 WHERE id = $1', [userId, step]);
    await tx.query('INSERT INTO sign_in_attempts (email, ip, succeeded) VALUES ($1, $2, true)', [row.email, ctx.ip]);
    return findByEmail(tx, row.email);
  });
  if (!user) {
    await ctx.db.transaction(async (tx) => {
      await tx.query('INSERT INTO sign_in_attempts (email, ip, succeeded) VALUES ($1, $2, false)', [row.email, ctx.ip]);
      await audit(tx, { ...ctx, actor: null }, {
        action: 'sign_in', outcome: 'failure', tenantId: row.tenant_id, recordType: 'staff_user', recordId: userId,
        detail: { email: row.email, step: 'second factor' },
      });
    });
    throw invalid([{ field: 'code', message: 'Enter the 6-digit code shown in your authenticator app now' }]);
  }
  return user;
}

export async function beginTotpSetup(ctx: StaffContext): Promise<string> {
  const secret = newTotpSecret();
  await ctx.db.query('UPDATE staff_users SET totp_secret = $2, totp_enabled = false WHERE id = $1', [ctx.actor.userId, secret]);
  return secret;
}

export async function pendingTotpSecret(ctx: StaffContext): Promise<{ secret: string | null; enabled: boolean }> {
  const { rows } = await ctx.db.query<{ totp_secret: string | null; totp_enabled: boolean }>(
    'SELECT totp_secret, totp_enabled FROM staff_users WHERE id = $1', [ctx.actor.userId],
  );
  return { secret: rows[0]?.totp_secret ?? null, enabled: rows[0]?.totp_enabled ?? false };
}

export async function confirmTotpSetup(ctx: StaffContext, code: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ totp_secret: string | null; totp_last_step: number | null }>(
      'SELECT totp_secret, totp_last_step FROM staff_users WHERE id = $1 FOR UPDATE', [ctx.actor.userId],
    );
    const secret = rows[0]?.totp_secret;
    const step = secret ? acceptedStep(secret, ctx.actor.email, code, rows[0]?.totp_last_step ?? null) : null;
    if (step === null) throw invalid([{ field: 'code', message: 'Enter the 6-digit code shown in your authenticator app now' }]);
    await tx.query('UPDATE staff_users SET totp_enabled = true, totp_last_step = $2 WHERE id = $1', [ctx.actor.userId, step]);
    await audit(tx, ctx, { action: 'second_factor_enabled', outcome: 'success', recordType: 'staff_user', recordId: ctx.actor.userId });
  });
}

export async function changePassword(
  ctx: StaffContext,
  input: { current: string; next: string; confirm: string },
): Promise<void> {
  const fields: FieldError[] = [];
  if (!input.current) fields.push({ field: 'current-password', message: 'Enter your current password' });
  fields.push(...newPasswordProblems(input.next, ctx.actor.email));
  if (input.next && input.next !== input.confirm) fields.push({ field: 'confirm-password', message: 'Enter the same new password twice' });
  if (fields.length) throw invalid(fields);
  const { rows } = await ctx.db.query<{ password_hash: string }>('SELECT password_hash FROM staff_users WHERE id = $1', [ctx.actor.userId]);
  if (!(await verifyPassword(rows[0]?.password_hash ?? null, input.current))) {
    throw invalid([{ field: 'current-password', message: 'Your current password is not correct. Enter it again' }]);
  }
  const hash = await hashPassword(input.next);
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE staff_users SET password_hash = $2, password_changed_at = now(), must_change_password = false, version = version + 1
        WHERE id = $1`,
      [ctx.actor.userId, hash],
    );
    // Anyone else signed in as this person (a stolen session) is signed out.
    await endAllSessionsFor(tx, ctx.actor.userId, ctx.actor.sessionHash);
    await audit(tx, ctx, { action: 'password_changed', outcome: 'success', recordType: 'staff_user', recordId: ctx.actor.userId });
  });
}
