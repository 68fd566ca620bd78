// Audit: one append-only row per read or write of a person's record, per sign-in and per staff
// change. Written with the same transaction handle as the work it records, so if the audit row
// cannot be written the work is rolled back and the request fails.
import type { Queryable } from '../db/database.ts';
import type { RequestContext } from './context.ts';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  action: string;
  recordType?: string;
  recordId?: string;
  personId?: string | null;
  /** why access was allowed (e.g. "responsible organisation"), or why it was refused */
  basis?: string;
  outcome: AuditOutcome;
  detail?: Record<string, unknown>;
  /** for events before there is an actor (failed sign-in): the tenant concerned, if known */
  tenantId?: string | null;
}

export async function audit(tx: Queryable, ctx: Pick<RequestContext, 'actor' | 'requestId' | 'apiClient' | 'portal'>, entry: AuditEntry): Promise<void> {
  const actor = ctx.actor;
  // A partner system's call is recorded as its organisation, with the key in the detail.
  const api = actor ? null : (ctx.apiClient ?? null);
  // The person or carer on their own pages is named as the actor, with the role 'person' or 'carer'.
  const portal = actor || api ? null : (ctx.portal ?? null);
  await tx.query(
    `INSERT INTO audit_events
       (tenant_id, actor_user_id, actor_role, actor_organisation_id, action, record_type, record_id,
        person_id, basis, outcome, request_id, detail, actor_subject_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      entry.tenantId ?? actor?.tenantId ?? api?.tenantId ?? portal?.tenantId ?? null,
      actor?.userId ?? null,
      actor?.role ?? (api ? 'api' : (portal?.kind ?? null)),
      actor?.organisationId ?? api?.organisationId ?? null,
      entry.action,
      entry.recordType ?? null,
      entry.recordId ?? null,
      entry.personId ?? null,
      entry.basis ?? null,
      entry.outcome,
      ctx.requestId,
      entry.detail || api ? JSON.stringify({ ...entry.detail, ...(api ? { apiKeyId: api.keyId } : {}) }) : null,
      portal ? (portal.carerId ?? portal.personId) : null,
    ],
  );
}

/**
 * Who has looked at or changed a person's record, for their subject access export: when, which
 * role and organisation, what, and whether it was allowed. Staff are named by role and
 * organisation only; request ids and details stay internal.
 */
export async function auditTrailOfPerson(tx: Queryable, tenantId: string, personId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT at, actor_role, actor_organisation_id, action, record_type, outcome, basis
       FROM audit_events WHERE tenant_id = $1 AND person_id = $2 ORDER BY id`,
    [tenantId, personId],
  );
  return rows;
}
