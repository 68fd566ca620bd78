// A copy of everything Lantern holds about a person, for a subject access request (UK GDPR
// article 15), made by an administrator on the person's request: machine readable (JSON) and
// printable. Each feature says what it holds in its own subject-access source; this puts them
// together, names the staff and organisations their ids point at, and audits the export.
import type { Queryable } from '../../db/database.ts';
import { requireRole } from '../../platform/access.ts';
import { audit, auditTrailOfPerson } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import type { SubjectAccessRecord, SubjectAccessSource } from '../../platform/subject-access.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { budgetSources } from '../budgets/subject-access.ts';
import { carerSources } from '../carers/subject-access.ts';
import { episodeSources } from '../episodes/subject-access.ts';
import { peopleSources } from '../people/subject-access.ts';
import { prescriptionSources } from '../prescriptions/subject-access.ts';
import { withPerson } from '../people/service.ts';
import { referralSources } from '../referrals/subject-access.ts';

const auditSource: SubjectAccessSource = {
  key: 'who-has-seen-your-record',
  title: 'Who has looked at or changed your record',
  description: 'Every time staff, a partner system or you yourself looked at or changed your record: when, which role and organisation, what they did, and whether it was allowed.',
  tables: ['audit_events'],
  load: (tx, tenantId, personId) => auditTrailOfPerson(tx, tenantId, personId),
};

/** Every source, in the order the export shows them. */
export const SUBJECT_ACCESS_SOURCES: readonly SubjectAccessSource[] = [
  ...peopleSources, ...referralSources, ...episodeSources, ...prescriptionSources, ...carerSources, ...budgetSources, auditSource,
];

/**
 * Tables that hold something about people but are left out of the export, and why; the test that
 * every table is covered reads this list too.
 */
export const NOT_EXPORTED: Readonly<Record<string, string>> = {
  episode_summaries: 'worked out from the plan, goals and contacts, which are exported',
  referral_drafts: 'not linked to a person, and deleted within 7 days',
  portal_link_attempts: 'security records of wrong links, not linked to a person',
  notifications: 'messages never carry personal details; they are deleted once sent when they carry a link',
};

export interface SubjectAccessSection {
  key: string;
  title: string;
  description: string;
  records: SubjectAccessRecord[];
}

export interface SubjectAccessExport {
  /** what this is, for whoever opens the file */
  about: string;
  service: string;
  generatedAt: string;
  generatedBy: { name: string; role: string };
  request: { reference: string };
  person: { id: string; name: string };
  sections: SubjectAccessSection[];
}

/** Keys whose values are staff ids, and keys whose values are organisation ids. */
const STAFF_KEY = /(^|_)(by|user_id|worker_id)$/;
const ORGANISATION_KEY = /organisation_id$/;

/** Adds `<key>_name` beside every staff and organisation id, in place, however deeply nested. */
async function nameIds(tx: Queryable, tenantId: string, sections: SubjectAccessSection[]): Promise<void> {
  const staff = new Set<string>();
  const organisations = new Set<string>();
  const visit = (value: unknown, each: (record: Record<string, unknown>) => void): void => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, each));
    else if (value && typeof value === 'object' && !(value instanceof Date)) {
      each(value as Record<string, unknown>);
      Object.values(value).forEach((v) => visit(v, each));
    }
  };
  const records = sections.flatMap((s) => s.records);
  visit(records, (r) => {
    for (const [key, value] of Object.entries(r)) {
      if (typeof value !== 'string') continue;
      if (STAFF_KEY.test(key)) staff.add(value);
      if (ORGANISATION_KEY.test(key)) organisations.add(value);
    }
  });
  const names = new Map<string, string>();
  if (staff.size) {
    const { rows } = await tx.query<{ id: string; name: string }>('SELECT id, name FROM staff_users WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, [...staff]]);
    for (const r of rows) names.set(`staff:${r.id}`, r.name);
  }
  if (organisations.size) {
    const { rows } = await tx.query<{ id: string; name: string }>('SELECT id, name FROM organisations WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, [...organisations]]);
    for (const r of rows) names.set(`organisation:${r.id}`, r.name);
  }
  visit(records, (r) => {
    for (const [key, value] of Object.entries(r)) {
      if (typeof value !== 'string') continue;
      const name = STAFF_KEY.test(key) ? names.get(`staff:${value}`) : ORGANISATION_KEY.test(key) ? names.get(`organisation:${value}`) : undefined;
      if (name) r[`${key}_name`] = name;
    }
  });
}

/** Reads what an administrator typed to identify the request (a case number, or the date it came). */
export function readRequestReference(value: string): string {
  const reference = value.trim();
  if (!reference) throw invalid([{ field: 'reference', message: 'Enter how the request can be found again, like the date it came in or a case number' }]);
  if (reference.length > 200) throw invalid([{ field: 'reference', message: 'The request reference must be 200 characters or fewer' }]);
  return reference;
}

/**
 * Everything held about the person, for an administrator answering their subject access request.
 * Access to the person is decided as for any read of their record; the export itself is audited
 * with the request's reference and what it held.
 */
export async function subjectAccessExport(ctx: StaffContext, personId: string, input: { reference: string; format: 'json' | 'html' }, now = new Date()): Promise<SubjectAccessExport> {
  requireRole(ctx.actor, ['admin']);
  const reference = readRequestReference(input.reference);
  return withPerson(ctx, personId, 'read', async (tx, { person, basis }) => {
    const settings = await getTenantSettings(tx, person.tenantId);
    const sections: SubjectAccessSection[] = [];
    for (const source of SUBJECT_ACCESS_SOURCES) {
      sections.push({ key: source.key, title: source.title, description: source.description, records: await source.load(tx, person.tenantId, person.id) });
    }
    await nameIds(tx, person.tenantId, sections);
    // Audited after reading, so the copy does not list its own making; the next copy will.
    await audit(tx, ctx, {
      action: 'person.subject_access_export', recordType: 'person', recordId: person.id, personId: person.id, basis, outcome: 'success',
      detail: { reference, format: input.format, records: Object.fromEntries(sections.map((s) => [s.key, s.records.length])) },
    });
    return {
      about: `A copy of everything ${settings.serviceName} holds about ${person.givenName} ${person.familyName} in Lantern, made for their subject access request.`,
      service: settings.serviceName,
      generatedAt: now.toISOString(),
      generatedBy: { name: ctx.actor.name, role: 'Administrator' },
      request: { reference },
      person: { id: person.id, name: `${person.givenName} ${person.familyName}` },
      sections,
    };
  }, 'person.subject_access_export');
}
