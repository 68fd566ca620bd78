// The access policy: role x relationship x action. Stores call these before they return or
// change a record; routes may also check roles early for a clearer 403, but the store's check is
// the one that counts.
//
// An organisation's relationship to a person is either being responsible for them (the person
// record's responsible organisation) or a grant in person_access, written by the feature that
// makes the relationship (a referral routed to the organisation, a support episode it holds) and
// ended when that relationship ends. The check reads only those, so no feature needs another's
// tables to decide who may see a person.
import type { Queryable } from '../db/database.ts';
import { forbidden } from './errors.ts';
import type { Role, StaffActor } from './context.ts';

/** Roles that may work with person-level records at all. Commissioners see aggregates only. */
export const PERSON_ROLES: readonly Role[] = ['admin', 'triage', 'navigator', 'provider'];

/**
 * Whether counts reach this actor rounded for disclosure (domain/disclosure.ts): commissioners
 * see aggregates with small numbers suppressed; staff who run the service see exact counts.
 */
export function seesRoundedCounts(actor: StaffActor): boolean {
  return actor.role === 'commissioner';
}

export function requireRole(actor: StaffActor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) {
    throw forbidden(
      actor.role === 'commissioner'
        ? 'Commissioners see reports, not records about named people.'
        : actor.role === 'referrer'
          ? 'Referrers see the progress of the referrals they made, not records about people.'
          : 'Your role does not give you access to this page.',
    );
  }
}

export interface PersonRelationship {
  tenantId: string;
  responsibleOrganisationId: string | null;
  /** organisations granted access through person_access, with why */
  grants?: readonly { organisationId: string; basis: string }[];
}

export type PersonAction = 'read' | 'update';

/**
 * Why `actor` may take `action` on the person, or null when they may not. The returned basis is
 * written to the audit row.
 */
export function personAccessBasis(actor: StaffActor, person: PersonRelationship, _action: PersonAction): string | null {
  if (person.tenantId !== actor.tenantId) return null;
  switch (actor.role) {
    case 'admin':
      return 'tenant administrator';
    case 'triage':
      // The single point of access works the whole tenant's referrals.
      return 'single point of access';
    case 'navigator':
    case 'provider':
      // Navigators and providers reach a person through their organisation: responsible for the
      // person, or granted access by a referral routed to it or a support episode it holds.
      if (person.responsibleOrganisationId === actor.organisationId) return 'responsible organisation';
      return person.grants?.find((g) => g.organisationId === actor.organisationId)?.basis ?? null;
    case 'commissioner':
    case 'referrer':
      return null;
  }
}

/** The current grants for one person (ended grants excluded). */
export async function personGrants(tx: Queryable, tenantId: string, personId: string): Promise<{ organisationId: string; basis: string }[]> {
  const { rows } = await tx.query<{ organisation_id: string; basis: string }>(
    `SELECT organisation_id, basis FROM person_access
      WHERE tenant_id = $1 AND person_id = $2 AND ended_at IS NULL
      ORDER BY granted_at`,
    [tenantId, personId],
  );
  return rows.map((r) => ({ organisationId: r.organisation_id, basis: r.basis }));
}

export interface PersonAccessGrant {
  tenantId: string;
  personId: string;
  organisationId: string;
  /** why, in words for the audit row: 'referral routed to organisation', 'support episode' */
  basis: string;
  /** the record that makes the relationship */
  sourceId: string;
}

/** Gives an organisation access to a person, in the caller's transaction. Granting again does nothing. */
export async function grantPersonAccess(tx: Queryable, grant: PersonAccessGrant): Promise<void> {
  await tx.query(
    `INSERT INTO person_access (tenant_id, person_id, organisation_id, basis, source_id)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id, person_id, organisation_id, source_id) DO UPDATE SET ended_at = NULL, basis = EXCLUDED.basis`,
    [grant.tenantId, grant.personId, grant.organisationId, grant.basis, grant.sourceId],
  );
}

/** Ends the access a record gave (all organisations, or one), in the caller's transaction. */
export async function endPersonAccess(tx: Queryable, tenantId: string, sourceId: string, organisationId?: string): Promise<void> {
  await tx.query(
    `UPDATE person_access SET ended_at = now()
      WHERE tenant_id = $1 AND source_id = $2 AND ended_at IS NULL AND ($3::uuid IS NULL OR organisation_id = $3)`,
    [tenantId, sourceId, organisationId ?? null],
  );
}

/**
 * The SQL condition for the people (alias `p`) an actor may reach, with its parameters numbered
 * from `next`. For lists and searches, so they agree with personAccessBasis.
 */
export function reachablePeopleCondition(actor: StaffActor, next: number): { sql: string; params: unknown[] } {
  switch (actor.role) {
    case 'admin':
    case 'triage':
      return { sql: 'TRUE', params: [] };
    case 'navigator':
    case 'provider':
      return {
        sql: `(p.responsible_organisation_id = $${next} OR EXISTS (
                 SELECT 1 FROM person_access pa
                  WHERE pa.tenant_id = p.tenant_id AND pa.person_id = p.id AND pa.organisation_id = $${next} AND pa.ended_at IS NULL))`,
        params: [actor.organisationId],
      };
    case 'commissioner':
    case 'referrer':
      return { sql: 'FALSE', params: [] };
  }
}
