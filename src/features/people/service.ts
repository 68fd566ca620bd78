// Person records: found, read and changed only by staff with a relationship to the person (see
// platform/access.ts). Every read, search and change writes an audit row in the same
// transaction; a refused or missing record answers "not found" and is audited as denied.
import type { Queryable } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import { PERSON_ROLES, personAccessBasis, requireRole } from '../../platform/access.ts';
import type { StaffContext } from '../../platform/context.ts';
import { AppError, invalid, notFound, type FieldError } from '../../platform/errors.ts';
import { parsePostcode } from '../../domain/postcode.ts';

export interface Person {
  id: string;
  tenantId: string;
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  gender: string | null;
  ethnicCategory: string | null;
  postcode: string | null;
  district: string | null;
  areaName: string | null;
  phone: string | null;
  email: string | null;
  responsibleOrganisationId: string | null;
  responsibleOrganisationName: string | null;
  version: number;
  updatedAt: Date;
}

const PERSON_COLUMNS = `
  p.id, p.tenant_id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.gender,
  p.ethnic_category, p.postcode, p.district, a.name AS area_name, p.phone, p.email,
  p.responsible_organisation_id, o.name AS responsible_organisation_name, p.version, p.updated_at`;
const PERSON_FROM = `
  people p
  LEFT JOIN areas a ON a.tenant_id = p.tenant_id AND a.id = p.area_id
  LEFT JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.responsible_organisation_id`;

type PersonRow = {
  id: string; tenant_id: string; nhs_number: string | null; given_name: string; family_name: string;
  date_of_birth: string | null; gender: string | null; ethnic_category: string | null; postcode: string | null;
  district: string | null; area_name: string | null; phone: string | null; email: string | null;
  responsible_organisation_id: string | null; responsible_organisation_name: string | null; version: number; updated_at: Date;
};

const toPerson = (r: PersonRow): Person => ({
  id: r.id, tenantId: r.tenant_id, nhsNumber: r.nhs_number, givenName: r.given_name, familyName: r.family_name,
  dateOfBirth: r.date_of_birth, gender: r.gender, ethnicCategory: r.ethnic_category, postcode: r.postcode,
  district: r.district, areaName: r.area_name, phone: r.phone, email: r.email,
  responsibleOrganisationId: r.responsible_organisation_id, responsibleOrganisationName: r.responsible_organisation_name,
  version: r.version, updatedAt: r.updated_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SQL condition (and its parameters from index `next`) for the people this actor may reach. */
function reachCondition(ctx: StaffContext, next: number): { sql: string; params: unknown[] } {
  switch (ctx.actor.role) {
    case 'admin':
    case 'triage':
      return { sql: 'TRUE', params: [] };
    case 'navigator':
    case 'provider':
      return { sql: `p.responsible_organisation_id = $${next}`, params: [ctx.actor.organisationId] };
    case 'commissioner':
      return { sql: 'FALSE', params: [] };
  }
}

export const PAGE_SIZE = 20;
/** Counting stops here: past it, the person is asked to narrow the search, not to page on. */
export const MAX_RESULTS = 1_000;

export async function findPeople(
  ctx: StaffContext,
  input: { text: string; page: number },
): Promise<{ people: Person[]; total: number; more: boolean; page: number; pages: number }> {
  requireRole(ctx.actor, PERSON_ROLES);
  const text = input.text.trim().slice(0, 100);
  const digits = text.replace(/\s+/g, '');
  const params: unknown[] = [ctx.actor.tenantId];
  let match = 'TRUE';
  if (/^\d{10}$/.test(digits)) {
    params.push(digits);
    match = `p.nhs_number = $${params.length}`;
  } else if (text) {
    const words = text.toLowerCase().split(/\s+/).slice(0, 4);
    match = words
      .map((word) => {
        params.push(`${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
        return `(lower(p.family_name) LIKE $${params.length} OR lower(p.given_name) LIKE $${params.length})`;
      })
      .join(' AND ');
  }
  const reach = reachCondition(ctx, params.length + 1);
  params.push(...reach.params);
  const where = `p.tenant_id = $1 AND ${match} AND ${reach.sql}`;
  const lastPage = Math.ceil(MAX_RESULTS / PAGE_SIZE);
  const page = Math.max(1, Math.min(input.page || 1, lastPage));

  return ctx.db.transaction(async (tx) => {
    // A capped count: "more than 1,000" is all a person needs, and it stays fast at millions.
    const count = await tx.query<{ n: number }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM people p WHERE ${where} LIMIT ${MAX_RESULTS + 1}) AS capped`,
      params,
    );
    const more = Number(count.rows[0]?.n ?? 0) > MAX_RESULTS;
    const total = Math.min(Number(count.rows[0]?.n ?? 0), MAX_RESULTS);
    const { rows } = await tx.query<PersonRow>(
      `SELECT ${PERSON_COLUMNS} FROM ${PERSON_FROM} WHERE ${where}
        ORDER BY lower(p.family_name), lower(p.given_name), p.id
        LIMIT ${PAGE_SIZE} OFFSET ${(page - 1) * PAGE_SIZE}`,
      params,
    );
    const people = rows.map(toPerson);
    await audit(tx, ctx, {
      action: 'search', recordType: 'person', outcome: 'success', basis: reachBasis(ctx),
      detail: { query: text, page, total, more, personIds: people.map((p) => p.id) },
    });
    return { people, total, more, page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
  });
}

function reachBasis(ctx: StaffContext): string {
  return ctx.actor.role === 'admin' || ctx.actor.role === 'triage' ? 'whole tenant' : 'responsible organisation';
}

async function readForAccess(tx: Queryable, ctx: StaffContext, id: string, forUpdate: boolean): Promise<Person | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await tx.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM ${PERSON_FROM} WHERE p.tenant_id = $1 AND p.id = $2${forUpdate ? ' FOR UPDATE OF p' : ''}`,
    [ctx.actor.tenantId, id],
  );
  return rows[0] ? toPerson(rows[0]) : null;
}

/** One person's record, or 404. The read is audited, and so is a refusal. */
export async function getPerson(ctx: StaffContext, id: string): Promise<Person> {
  requireRole(ctx.actor, PERSON_ROLES);
  const person = await ctx.db.transaction(async (tx) => {
    const found = await readForAccess(tx, ctx, id, false);
    const basis = found ? personAccessBasis(ctx.actor, found, 'read') : null;
    await audit(tx, ctx, {
      action: 'read', recordType: 'person', recordId: id.slice(0, 64), personId: found && basis ? found.id : null,
      outcome: basis ? 'success' : 'denied', basis: basis ?? (found ? 'no relationship' : 'not found in tenant'),
    });
    return basis ? found : null;
  });
  if (!person) throw notFound('person');
  return person;
}

export interface ContactDetailsInput {
  phone: string;
  email: string;
  postcode: string;
  version: number;
}

const PHONE = /^(?:\+44|0)\d{9,10}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function contactDetailsProblems(input: ContactDetailsInput): FieldError[] {
  const problems: FieldError[] = [];
  if (input.phone && !PHONE.test(input.phone.replace(/[\s()-]/g, ''))) {
    problems.push({ field: 'phone', message: 'Enter a UK phone number, like 01632 960 001 or 07700 900 982' });
  }
  if (input.email && (!EMAIL.test(input.email) || input.email.length > 254)) {
    problems.push({ field: 'email', message: 'Enter an email address in the correct format, like name@example.com' });
  }
  if (input.postcode) {
    const parsed = parsePostcode(input.postcode);
    if (!parsed.ok || parsed.kind !== 'full') {
      // This form needs the whole postcode, so the parser's "or just the first part" does not apply.
      problems.push({ field: 'postcode', message: 'Enter the full postcode, like ME4 4QF' });
    }
  }
  return problems;
}

/**
 * Changes how to reach the person. Refused with a clear message when someone else saved a change
 * since this form was opened (the version moved), so neither change is silently lost.
 */
export async function updateContactDetails(ctx: StaffContext, id: string, input: ContactDetailsInput): Promise<Person> {
  requireRole(ctx.actor, PERSON_ROLES);
  const problems = contactDetailsProblems(input);
  if (problems.length) throw invalid(problems);
  const parsed = input.postcode ? parsePostcode(input.postcode) : null;
  const postcode = parsed?.ok ? parsed.postcode : null;
  const district = parsed?.ok ? parsed.district : null;

  const outcome = await ctx.db.transaction(async (tx) => {
    const current = await readForAccess(tx, ctx, id, true);
    const basis = current ? personAccessBasis(ctx.actor, current, 'update') : null;
    if (!current || !basis) {
      await audit(tx, ctx, { action: 'update', recordType: 'person', recordId: id.slice(0, 64), outcome: 'denied', basis: current ? 'no relationship' : 'not found in tenant' });
      return { kind: 'missing' as const };
    }
    if (current.version !== input.version) return { kind: 'stale' as const, current };
    await tx.query(
      `UPDATE people
          SET phone = $3, email = $4, postcode = $5, district = $6,
              area_id = (SELECT area_id FROM area_districts WHERE tenant_id = $1 AND district = $6),
              version = version + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [ctx.actor.tenantId, id, input.phone || null, input.email || null, postcode, district],
    );
    const changed = (['phone', 'email', 'postcode'] as const).filter((k) => (current[k] ?? '') !== ({ phone: input.phone, email: input.email, postcode: postcode ?? '' })[k]);
    await audit(tx, ctx, { action: 'update', recordType: 'person', recordId: id, personId: id, outcome: 'success', basis, detail: { changed } });
    return { kind: 'saved' as const, person: (await readForAccess(tx, ctx, id, false))! };
  });
  if (outcome.kind === 'missing') throw notFound('person');
  if (outcome.kind === 'stale') {
    throw new AppError({
      status: 409,
      code: 'stale',
      message: 'Someone else changed these details while you were editing them.',
      fields: [{ field: 'phone', message: 'Someone else changed these details while you were editing. What you typed is below but has not been saved. Check it against the saved details, then save again.' }],
    });
  }
  return outcome.person;
}
