// Administration inside one tenant: staff accounts (create, disable, enable) and the audit log.
// Only administrators reach these functions, and only for their own tenant.
import crypto from 'node:crypto';
import type { StaffContext, Role } from '../../platform/context.ts';
import { ROLES } from '../../platform/context.ts';
import { requireRole } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import { invalid, notFound, type FieldError } from '../../platform/errors.ts';
import { hashPassword } from '../../platform/passwords.ts';
import { endAllSessionsFor } from '../../platform/sessions.ts';
import { isUniqueViolation } from '../../db/database.ts';

export interface StaffMember {
  id: string;
  name: string;
  email: string;
  role: Role;
  organisationId: string;
  organisationName: string;
  disabled: boolean;
  totpEnabled: boolean;
  createdAt: Date;
}

export interface Organisation {
  id: string;
  name: string;
  kind: string;
}

export async function listOrganisations(ctx: StaffContext): Promise<Organisation[]> {
  requireRole(ctx.actor, ['admin']);
  const { rows } = await ctx.db.query<Organisation>(
    'SELECT id, name, kind FROM organisations WHERE tenant_id = $1 ORDER BY name',
    [ctx.actor.tenantId],
  );
  return rows;
}

export async function listStaff(ctx: StaffContext): Promise<StaffMember[]> {
  requireRole(ctx.actor, ['admin']);
  const { rows } = await ctx.db.query<{
    id: string; name: string; email: string; role: Role; organisation_id: string; organisation_name: string;
    disabled: boolean; totp_enabled: boolean; created_at: Date;
  }>(
    `SELECT u.id, u.name, u.email, u.role, u.organisation_id, o.name AS organisation_name,
            u.disabled_at IS NOT NULL AS disabled, u.totp_enabled, u.created_at
       FROM staff_users u JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id
      WHERE u.tenant_id = $1
      ORDER BY u.disabled_at IS NOT NULL, lower(u.name)`,
    [ctx.actor.tenantId],
  );
  return rows.map((r) => ({
    id: r.id, name: r.name, email: r.email, role: r.role, organisationId: r.organisation_id,
    organisationName: r.organisation_name, disabled: r.disabled, totpEnabled: r.totp_enabled, createdAt: r.created_at,
  }));
}

export interface NewStaffInput {
  name: string;
  email: string;
  role: string;
  organisationId: string;
}

/** A temporary password: readable, 4 groups of 4 from an alphabet without look-alikes. */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = crypto.randomBytes(16);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Creates a staff account with a temporary password the person must change at first sign-in. */
export async function createStaff(ctx: StaffContext, input: NewStaffInput): Promise<{ member: StaffMember; temporaryPassword: string }> {
  requireRole(ctx.actor, ['admin']);
  const name = input.name.trim();
  const email = input.email.trim().toLowerCase();
  const problems: FieldError[] = [];
  if (!name) problems.push({ field: 'name', message: 'Enter their full name' });
  else if (name.length > 100) problems.push({ field: 'name', message: 'Enter a name that is 100 characters or fewer' });
  if (!email) problems.push({ field: 'email', message: 'Enter their work email address' });
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    problems.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' });
  }
  if (!(ROLES as readonly string[]).includes(input.role)) problems.push({ field: 'role', message: 'Select their role' });
  const organisations = await listOrganisations(ctx);
  if (!organisations.some((o) => o.id === input.organisationId)) problems.push({ field: 'organisation', message: 'Select their organisation' });
  if (problems.length) throw invalid(problems);

  const password = temporaryPassword();
  const hash = await hashPassword(password);
  try {
    const id = await ctx.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO staff_users (tenant_id, organisation_id, email, name, role, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, true) RETURNING id`,
        [ctx.actor.tenantId, input.organisationId, email, name, input.role, hash],
      );
      const newId = rows[0]!.id;
      await audit(tx, ctx, { action: 'staff_created', recordType: 'staff_user', recordId: newId, outcome: 'success', detail: { role: input.role, organisationId: input.organisationId } });
      return newId;
    });
    const member = (await listStaff(ctx)).find((m) => m.id === id)!;
    return { member, temporaryPassword: password };
  } catch (error) {
    if (isUniqueViolation(error)) throw invalid([{ field: 'email', message: 'There is already an account with this email address' }]);
    throw error;
  }
}

/** Disables (or enables again) a staff account. Disabling ends their sessions at once. */
export async function setStaffDisabled(ctx: StaffContext, userId: string, disabled: boolean): Promise<void> {
  requireRole(ctx.actor, ['admin']);
  if (disabled && userId === ctx.actor.userId) {
    throw invalid([{ field: 'disable', message: 'You cannot disable your own account. Ask another administrator.' }]);
  }
  const changed = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE staff_users SET disabled_at = ${disabled ? 'now()' : 'NULL'}, version = version + 1
        WHERE tenant_id = $1 AND id::text = $2 RETURNING id`,
      [ctx.actor.tenantId, userId],
    );
    if (!rows[0]) return false;
    if (disabled) await endAllSessionsFor(tx, userId);
    await audit(tx, ctx, { action: disabled ? 'staff_disabled' : 'staff_enabled', recordType: 'staff_user', recordId: userId, outcome: 'success' });
    return true;
  });
  if (!changed) throw notFound('staff member');
}

/** What each audited action is called on the audit page. */
export const AUDIT_ACTIONS: Readonly<Record<string, string>> = {
  read: 'Opened a record',
  update: 'Changed a record',
  search: 'Searched',
  sign_in: 'Signed in',
  sign_out: 'Signed out',
  password_changed: 'Changed own password',
  second_factor_enabled: 'Turned on security codes',
  staff_created: 'Added a staff member',
  staff_disabled: 'Disabled a staff member',
  staff_enabled: 'Enabled a staff member',
  staff_password_reset: 'Reset a password',
  audit_search: 'Searched the audit log',
  listing_change_proposed: 'Proposed a listing change',
  listing_change_withdrawn: 'Withdrew a listing change',
  listing_edited: 'Edited a listing',
  listing_change_approved: 'Approved a listing change',
  listing_change_rejected: 'Rejected a listing change',
  listing_confirmed: 'Confirmed a listing is right',
  listing_published: 'Published a listing',
  listing_unpublished: 'Unpublished a listing',
  directory_report_resolved: 'Resolved a problem report',
  tenant_settings_updated: 'Changed the settings',
  api_key_created: 'Made an API key',
  api_key_revoked: 'Revoked an API key',
  'api.authenticate': 'Partner system used a revoked API key',
  'referral.submit_replayed': 'Partner system sent a referral again',
  'referral.status': 'Read a referral’s progress',
  'referral.status_list': 'Listed referrals’ progress',
};

export const RECORD_TYPES: Readonly<Record<string, string>> = {
  person: 'Person',
  staff_user: 'Staff member',
  audit_events: 'Audit log',
  directory_service: 'Directory listing',
  api_key: 'API key',
  tenant: 'Settings',
  referral: 'Referral',
};

const OUTCOMES: Readonly<Record<string, string>> = { success: 'Done', failure: 'Failed', denied: 'Refused' };

export interface AuditQuery {
  personId?: string;
  actorEmail?: string;
  action?: string;
  from?: string;
  to?: string;
  page: number;
}

export interface AuditRow {
  id: number;
  at: Date;
  /** plain-English labels for the page */
  actionLabel: string;
  recordTypeLabel: string | null;
  outcomeLabel: string;
  actorName: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  personId: string | null;
  basis: string | null;
  outcome: string;
  requestId: string | null;
}

export const AUDIT_PAGE_SIZE = 50;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Searches the tenant's audit trail, newest first. The search itself is audited. */
export async function searchAudit(ctx: StaffContext, query: AuditQuery): Promise<{ rows: AuditRow[]; page: number; hasMore: boolean }> {
  requireRole(ctx.actor, ['admin']);
  const problems: FieldError[] = [];
  if (query.personId && !UUID.test(query.personId)) problems.push({ field: 'person', message: 'Enter a person reference in the form shown on their record' });
  if (query.from && !DATE.test(query.from)) problems.push({ field: 'from', message: 'Enter the from date as YYYY-MM-DD, like 2026-11-01' });
  if (query.action && !(query.action in AUDIT_ACTIONS)) problems.push({ field: 'action', message: 'Select an action from the list' });
  if (query.to && !DATE.test(query.to)) problems.push({ field: 'to', message: 'Enter the to date as YYYY-MM-DD, like 2026-11-30' });
  if (problems.length) throw invalid(problems);

  const params: unknown[] = [ctx.actor.tenantId];
  const where = ['e.tenant_id = $1'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.personId) add('e.person_id = ?', query.personId);
  if (query.actorEmail) add('u.email = ?', query.actorEmail.toLowerCase());
  if (query.action) add('e.action = ?', query.action);
  if (query.from) add("e.at >= ?::date", query.from);
  if (query.to) add("e.at < ?::date + 1", query.to);
  const page = Math.max(1, Math.min(query.page || 1, 1000));

  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      id: number; at: Date; actor_name: string | null; actor_email: string | null; actor_role: string | null; action: string;
      record_type: string | null; record_id: string | null; person_id: string | null; basis: string | null; outcome: string; request_id: string | null;
    }>(
      `SELECT e.id, e.at, u.name AS actor_name, u.email AS actor_email, e.actor_role, e.action, e.record_type,
              e.record_id, e.person_id, e.basis, e.outcome, e.request_id
         FROM audit_events e LEFT JOIN staff_users u ON u.id = e.actor_user_id
        WHERE ${where.join(' AND ')}
        ORDER BY e.at DESC, e.id DESC
        LIMIT ${AUDIT_PAGE_SIZE + 1} OFFSET ${(page - 1) * AUDIT_PAGE_SIZE}`,
      params,
    );
    await audit(tx, ctx, { action: 'audit_search', recordType: 'audit_events', outcome: 'success', personId: query.personId || null, detail: { ...query } });
    return {
      rows: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
        actionLabel: AUDIT_ACTIONS[r.action] ?? r.action,
        recordTypeLabel: r.record_type ? (RECORD_TYPES[r.record_type] ?? r.record_type) : null,
        outcomeLabel: OUTCOMES[r.outcome] ?? r.outcome,
        id: r.id, at: r.at, actorName: r.actor_name, actorEmail: r.actor_email, actorRole: r.actor_role, action: r.action,
        recordType: r.record_type, recordId: r.record_id, personId: r.person_id, basis: r.basis, outcome: r.outcome, requestId: r.request_id,
      })),
      page,
      hasMore: rows.length > AUDIT_PAGE_SIZE,
    };
  });
}

/**
 * Gives a staff member a new temporary password (for a forgotten password or a lost phone): their
 * sessions end, security codes are turned off, and they must choose a new password at sign-in.
 */
export async function resetStaffPassword(ctx: StaffContext, userId: string): Promise<{ member: StaffMember; temporaryPassword: string }> {
  requireRole(ctx.actor, ['admin']);
  const password = temporaryPassword();
  const hash = await hashPassword(password);
  const changed = await ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string }>(
      `UPDATE staff_users
          SET password_hash = $3, must_change_password = true, password_changed_at = now(),
              totp_enabled = false, totp_secret = NULL, totp_last_step = NULL, version = version + 1
        WHERE tenant_id = $1 AND id::text = $2 RETURNING id`,
      [ctx.actor.tenantId, userId, hash],
    );
    if (!rows[0]) return false;
    await endAllSessionsFor(tx, userId);
    await audit(tx, ctx, { action: 'staff_password_reset', recordType: 'staff_user', recordId: userId, outcome: 'success' });
    return true;
  });
  if (!changed) throw notFound('staff member');
  const member = (await listStaff(ctx)).find((m) => m.id === userId)!;
  return { member, temporaryPassword: password };
}
