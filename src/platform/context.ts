// Who is asking, and for which request. Every service function takes a RequestContext so that
// access checks and audit rows are made where the data is read or written, not only in routes.
import crypto from 'node:crypto';
import type { Database } from '../db/database.ts';

export const ROLES = ['admin', 'triage', 'navigator', 'provider', 'commissioner', 'referrer'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  admin: 'Administrator',
  triage: 'Triage worker',
  navigator: 'Wellbeing navigator',
  provider: 'Provider staff',
  commissioner: 'Commissioner',
  referrer: 'Referrer',
};

export interface StaffActor {
  userId: string;
  tenantId: string;
  organisationId: string;
  role: Role;
  name: string;
  email: string;
  sessionHash: string;
  /** an administrator set a temporary password: every page asks for a new one first */
  mustChangePassword: boolean;
  /** sees the whole organisation's caseloads, not only their own */
  teamLead: boolean;
}

/** A partner system calling the API with its organisation's key. */
export interface ApiClient {
  tenantId: string;
  organisationId: string;
  keyId: string;
}

/**
 * Someone using their own pages through a secure link (/my): the person, or a carer the person
 * shares with. Never a staff member: a portal session is a different cookie and table.
 */
export interface PortalActor {
  kind: 'person' | 'carer';
  tenantId: string;
  /** the person whose pages these are (for a carer, the person they care for) */
  personId: string;
  /** for a carer: their own record, and their link to the person (which holds the consent) */
  carerId: string | null;
  carerLinkId: string | null;
  sessionHash: string;
}

export interface RequestContext {
  db: Database;
  actor: StaffActor | null;
  /** set on API requests made with a partner's key (never together with actor) */
  apiClient?: ApiClient | null;
  /** set on the person's or carer's own pages (never together with actor in a service call) */
  portal?: PortalActor | null;
  requestId: string;
  ip: string;
}

/** The context of a signed-in staff member. */
export type StaffContext = RequestContext & { actor: StaffActor };

/** The context of a person or carer on their own pages. */
export type PortalContext = RequestContext & { actor: null; portal: PortalActor };

/**
 * The context of work done as a member of staff outside a web request (the demo seed, and tests
 * that call services directly): their actor as a session would give it, without a session.
 * Throws when nobody has this email.
 */
export async function staffContextFor(db: Database, email: string, requestId = `direct-${crypto.randomUUID()}`): Promise<StaffContext> {
  const { rows } = await db.query<{ id: string; tenant_id: string; organisation_id: string; role: Role; name: string; must_change_password: boolean; team_lead: boolean }>(
    'SELECT id, tenant_id, organisation_id, role, name, must_change_password, team_lead FROM staff_users WHERE email = $1',
    [email],
  );
  const u = rows[0];
  if (!u) throw new Error(`No member of staff has the email ${email}`);
  return {
    db, requestId, ip: '127.0.0.1',
    actor: {
      userId: u.id, tenantId: u.tenant_id, organisationId: u.organisation_id, role: u.role, name: u.name, email,
      sessionHash: '', mustChangePassword: u.must_change_password, teamLead: u.team_lead,
    },
  };
}
