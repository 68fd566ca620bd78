// The access policy: role x relationship x action. Stores call these before they return or
// change a record; routes may also check roles early for a clearer 403, but the store's check is
// the one that counts.
import { forbidden } from './errors.ts';
import type { Role, StaffActor } from './context.ts';

/** Roles that may work with person-level records at all. Commissioners see aggregates only. */
export const PERSON_ROLES: readonly Role[] = ['admin', 'triage', 'navigator', 'provider'];

export function requireRole(actor: StaffActor, roles: readonly Role[]): void {
  if (!roles.includes(actor.role)) {
    throw forbidden(
      actor.role === 'commissioner'
        ? 'Commissioners see reports, not records about named people.'
        : 'Your role does not give you access to this page.',
    );
  }
}

export interface PersonRelationship {
  tenantId: string;
  responsibleOrganisationId: string | null;
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
      return person.responsibleOrganisationId === actor.organisationId ? 'responsible organisation' : null;
    case 'provider':
      // Providers reach a person only through what was sent to them (referrals, prescriptions),
      // which later features grant; holding the person's support is one such relationship.
      return person.responsibleOrganisationId === actor.organisationId ? 'responsible organisation' : null;
    case 'commissioner':
      return null;
  }
}
