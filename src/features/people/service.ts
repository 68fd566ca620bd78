// Person records: found, read and changed only by staff with a relationship to the person (see
// platform/access.ts). Every read, search and change writes an audit row in the same
// transaction; a refused or missing record answers "not found" and is audited as denied.
import type { Queryable, Transaction } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import { PERSON_ROLES, personAccessBasis, personGrants, reachablePeopleCondition, requireRole, type PersonRelationship } from '../../platform/access.ts';
import type { RequestContext, StaffContext } from '../../platform/context.ts';
import { AppError, invalid, notFound, type FieldError } from '../../platform/errors.ts';
import { parsePostcode } from '../../domain/postcode.ts';
import { contactPreferencesFrom, type ContactPreferences } from '../../domain/contact-preferences.ts';
import { OFFER_LEVELS, scoreMatch, type MatchInput } from '../../domain/person-match.ts';
import { refusable } from '../../platform/refusable.ts';

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
  /** needs (taxonomy term ids), asked once and kept with the person */
  needs: string[];
  contactPreferences: ContactPreferences;
  gpOrganisationId: string | null;
  gpPracticeName: string | null;
  /** null: not asked yet */
  consentGpShare: boolean | null;
  version: number;
  updatedAt: Date;
}

const PERSON_COLUMNS = `
  p.id, p.tenant_id, p.nhs_number, p.given_name, p.family_name, p.date_of_birth, p.gender,
  p.ethnic_category, p.postcode, p.district, a.name AS area_name, p.phone, p.email,
  p.responsible_organisation_id, o.name AS responsible_organisation_name, p.needs, p.contact_preferences,
  p.gp_organisation_id, coalesce(gp.name, p.gp_practice_name) AS gp_practice_name, p.consent_gp_share, p.version, p.updated_at`;
const PERSON_FROM = `
  people p
  LEFT JOIN areas a ON a.tenant_id = p.tenant_id AND a.id = p.area_id
  LEFT JOIN organisations o ON o.tenant_id = p.tenant_id AND o.id = p.responsible_organisation_id
  LEFT JOIN organisations gp ON gp.tenant_id = p.tenant_id AND gp.id = p.gp_organisation_id`;

type PersonRow = {
  id: string; tenant_id: string; nhs_number: string | null; given_name: string; family_name: string;
  date_of_birth: string | null; gender: string | null; ethnic_category: string | null; postcode: string | null;
  district: string | null; area_name: string | null; phone: string | null; email: string | null;
  responsible_organisation_id: string | null; responsible_organisation_name: string | null; needs: string[];
  contact_preferences: unknown; gp_organisation_id: string | null; gp_practice_name: string | null; consent_gp_share: boolean | null;
  version: number; updated_at: Date;
};

const toPerson = (r: PersonRow): Person => ({
  id: r.id, tenantId: r.tenant_id, nhsNumber: r.nhs_number, givenName: r.given_name, familyName: r.family_name,
  dateOfBirth: r.date_of_birth, gender: r.gender, ethnicCategory: r.ethnic_category, postcode: r.postcode,
  district: r.district, areaName: r.area_name, phone: r.phone, email: r.email,
  responsibleOrganisationId: r.responsible_organisation_id, responsibleOrganisationName: r.responsible_organisation_name,
  needs: r.needs ?? [], contactPreferences: contactPreferencesFrom(r.contact_preferences), gpOrganisationId: r.gp_organisation_id,
  gpPracticeName: r.gp_practice_name, consentGpShare: r.consent_gp_share, version: r.version, updatedAt: r.updated_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  const reach = reachablePeopleCondition(ctx.actor, params.length + 1);
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
  return ctx.actor.role === 'admin' || ctx.actor.role === 'triage' ? 'whole tenant' : 'people the organisation is responsible for or supports';
}

async function readForAccess(tx: Queryable, ctx: StaffContext, id: string, forUpdate: boolean): Promise<(Person & { grants: { organisationId: string; basis: string }[] }) | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await tx.query<PersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM ${PERSON_FROM} WHERE p.tenant_id = $1 AND p.id = $2${forUpdate ? ' FOR UPDATE OF p' : ''}`,
    [ctx.actor.tenantId, id],
  );
  if (!rows[0]) return null;
  return { ...toPerson(rows[0]), grants: await personGrants(tx, ctx.actor.tenantId, id) };
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
    return basis && found ? withoutGrants(found) : null;
  });
  if (!person) throw notFound('person');
  return person;
}

function withoutGrants<T extends { grants: unknown }>(person: T): Omit<T, 'grants'> {
  const { grants: _grants, ...rest } = person;
  return rest;
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
    return { kind: 'saved' as const, person: withoutGrants((await readForAccess(tx, ctx, id, false))!) };
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

// ---------------------------------------------------------------------------------------------
// For other features, inside their own transactions. These do no access check of their own: the
// caller has already decided access on the record that brings it here (a referral, an episode)
// and writes the audit row for it.

/** A person as a referral (or another record) describes them, already checked and normalised. */
export interface PersonDetails {
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  nhsNumber: string | null;
  /** a full, normalised postcode, or null */
  postcode: string | null;
  district: string | null;
  phone: string | null;
  email: string | null;
  gpOrganisationId: string | null;
  gpPracticeName: string | null;
  contactPreferences: ContactPreferences | null;
  consentGpShare: boolean | null;
  needs: string[];
}

/** Creates a person record from what a referral said; returns its id. The area follows the postcode district. */
export async function createPersonRecord(tx: Queryable, tenantId: string, details: PersonDetails): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO people (tenant_id, nhs_number, given_name, family_name, date_of_birth, postcode, district, area_id,
                         phone, email, gp_organisation_id, gp_practice_name, contact_preferences, consent_gp_share, needs)
     VALUES ($1, $2, $3, $4, $5, $6, $7,
             (SELECT area_id FROM area_districts WHERE tenant_id = $1 AND district = $7),
             $8, $9, $10, $11, $12, $13, $14)
     RETURNING id`,
    [
      tenantId, details.nhsNumber, details.givenName, details.familyName, details.dateOfBirth, details.postcode, details.district,
      details.phone, details.email, details.gpOrganisationId, details.gpPracticeName,
      JSON.stringify(details.contactPreferences ?? {}), details.consentGpShare, details.needs,
    ],
  );
  return rows[0]!.id;
}

/**
 * Adds what a new referral says to a known person without losing what they told us before: needs
 * are added to theirs; contact preferences, GP and consent are replaced only when the referral
 * gives them; contact details fill gaps but never overwrite (a worker checks a difference with the
 * person, on the referral's page).
 */
export async function addReferralDetails(tx: Queryable, tenantId: string, personId: string, details: PersonDetails): Promise<void> {
  await tx.query(
    `UPDATE people SET
        needs = ARRAY(SELECT DISTINCT unnest(needs || $3::text[]) ORDER BY 1),
        contact_preferences = CASE WHEN $4::jsonb IS NULL THEN contact_preferences ELSE $4::jsonb END,
        gp_organisation_id = coalesce($5, gp_organisation_id),
        gp_practice_name = coalesce($6, gp_practice_name),
        consent_gp_share = coalesce($7, consent_gp_share),
        nhs_number = coalesce(nhs_number, $8),
        date_of_birth = coalesce(date_of_birth, $9),
        phone = coalesce(phone, $10),
        email = coalesce(email, $11),
        postcode = coalesce(postcode, $12),
        district = coalesce(district, $13),
        area_id = coalesce(area_id, (SELECT area_id FROM area_districts WHERE tenant_id = $1 AND district = $13)),
        version = version + 1, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [
      tenantId, personId, details.needs, details.contactPreferences ? JSON.stringify(details.contactPreferences) : null,
      details.gpOrganisationId, details.gpPracticeName, details.consentGpShare, details.nhsNumber, details.dateOfBirth,
      details.phone, details.email, details.postcode, details.district,
    ],
  );
}

/** The person with this NHS number in the tenant, if there is one. */
export async function personIdByNhsNumber(tx: Queryable, tenantId: string, nhsNumber: string): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    'SELECT id FROM people WHERE tenant_id = $1 AND nhs_number = $2 ORDER BY created_at LIMIT 1',
    [tenantId, nhsNumber],
  );
  return rows[0]?.id ?? null;
}

export interface MatchCandidate {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  nhsNumber: string | null;
  postcode: string | null;
  level: 'certain' | 'likely' | 'possible' | 'unlikely';
  score: number;
  reasons: string[];
}

const dayMonthSwapped = (date: string | null): string | null => {
  const m = date ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(date) : null;
  if (!m || m[2] === m[3] || Number(m[3]) > 12) return null;
  return `${m[1]}-${m[3]}-${m[2]}`;
};

/**
 * People who may be the person described, best first, scored by src/domain/person-match.ts. The
 * query looks only where an index can: same NHS number, same date of birth (or with day and month
 * swapped), same family and given name, or same family name at the same postcode.
 */
export async function findLikelyMatches(tx: Queryable, tenantId: string, details: PersonDetails, limit = 5): Promise<MatchCandidate[]> {
  const { rows } = await tx.query<{
    id: string; given_name: string; family_name: string; date_of_birth: string | null; nhs_number: string | null;
    postcode: string | null; phone: string | null; email: string | null;
  }>(
    `SELECT id, given_name, family_name, date_of_birth, nhs_number, postcode, phone, email
       FROM people
      WHERE tenant_id = $1 AND (
            ($2::text IS NOT NULL AND nhs_number = $2)
         OR date_of_birth = $3::date OR date_of_birth = $4::date
         OR (lower(family_name) = $5 AND lower(given_name) = $6)
         OR ($7::text IS NOT NULL AND postcode = $7 AND lower(family_name) = $5))
      LIMIT 200`,
    [tenantId, details.nhsNumber, details.dateOfBirth, dayMonthSwapped(details.dateOfBirth), details.familyName.toLowerCase(), details.givenName.toLowerCase(), details.postcode],
  );
  const referred: MatchInput = {
    nhsNumber: details.nhsNumber, givenName: details.givenName, familyName: details.familyName, dateOfBirth: details.dateOfBirth,
    postcode: details.postcode, phone: details.phone, email: details.email,
  };
  return rows
    .map((r) => {
      const match = scoreMatch(referred, {
        nhsNumber: r.nhs_number, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth,
        postcode: r.postcode, phone: r.phone, email: r.email,
      });
      return {
        id: r.id, givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth, nhsNumber: r.nhs_number,
        postcode: r.postcode, ...match,
      };
    })
    .filter((c) => (OFFER_LEVELS as readonly string[]).includes(c.level))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .slice(0, limit);
}

/** Names the organisation responsible for the person now (at sign-up: the one giving support). */
export async function setResponsibleOrganisation(tx: Queryable, tenantId: string, personId: string, organisationId: string | null): Promise<void> {
  await tx.query(
    'UPDATE people SET responsible_organisation_id = $3, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2',
    [tenantId, personId, organisationId],
  );
}

/** Short facts about people for lists elsewhere (names for a queue), without an access check: the caller has one. */
export async function personNames(tx: Queryable, tenantId: string, ids: readonly string[]): Promise<Map<string, { givenName: string; familyName: string; dateOfBirth: string | null }>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ id: string; given_name: string; family_name: string; date_of_birth: string | null }>(
    'SELECT id, given_name, family_name, date_of_birth FROM people WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
    [tenantId, ids],
  );
  return new Map(rows.map((r) => [r.id, { givenName: r.given_name, familyName: r.family_name, dateOfBirth: r.date_of_birth }]));
}

/**
 * Who may reach the person (for another feature's access check through personAccessBasis), or
 * null when there is no such person in the tenant. Does no check of its own.
 */
export async function personRelationship(tx: Queryable, tenantId: string, personId: string): Promise<PersonRelationship | null> {
  if (!UUID.test(personId)) return null;
  const { rows } = await tx.query<{ responsible_organisation_id: string | null }>(
    'SELECT responsible_organisation_id FROM people WHERE tenant_id = $1 AND id = $2',
    [tenantId, personId],
  );
  if (!rows[0]) return null;
  return { tenantId, responsibleOrganisationId: rows[0].responsible_organisation_id, grants: await personGrants(tx, tenantId, personId) };
}

/** What a person sees of their own record in their own pages: their name, how to reach them, how they want to be contacted. */
export interface OwnRecord {
  id: string;
  givenName: string;
  familyName: string;
  phone: string | null;
  email: string | null;
  contactPreferences: ContactPreferences;
  version: number;
}

/** The person's own record, for their own pages: the caller has already decided the portal session is theirs. */
export async function ownRecord(tx: Queryable, tenantId: string, personId: string): Promise<OwnRecord | null> {
  const { rows } = await tx.query<{ id: string; given_name: string; family_name: string; phone: string | null; email: string | null; contact_preferences: unknown; version: number }>(
    'SELECT id, given_name, family_name, phone, email, contact_preferences, version FROM people WHERE tenant_id = $1 AND id = $2',
    [tenantId, personId],
  );
  const r = rows[0];
  return r
    ? { id: r.id, givenName: r.given_name, familyName: r.family_name, phone: r.phone, email: r.email, contactPreferences: contactPreferencesFrom(r.contact_preferences), version: r.version }
    : null;
}

/**
 * Changes how and when the person wants to be contacted ("I decide how I am communicated with"),
 * in the caller's transaction, audited as whoever `ctx` names (the person themselves, on their own
 * pages) with `basis`. Returns 'stale' without writing when the record changed since `version`.
 */
export async function setContactPreferences(
  tx: Queryable,
  ctx: RequestContext,
  change: { tenantId: string; personId: string; preferences: ContactPreferences; version: number; basis: string },
): Promise<'saved' | 'stale'> {
  const { rows } = await tx.query<{ version: number; contact_preferences: unknown }>(
    'SELECT version, contact_preferences FROM people WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
    [change.tenantId, change.personId],
  );
  const current = rows[0];
  if (!current) throw notFound('person');
  if (current.version !== change.version) return 'stale';
  const before = contactPreferencesFrom(current.contact_preferences);
  const after = contactPreferencesFrom(change.preferences);
  await tx.query(
    'UPDATE people SET contact_preferences = $3, version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2',
    [change.tenantId, change.personId, JSON.stringify(after)],
  );
  const changed = (Object.keys(after) as (keyof ContactPreferences)[]).filter((k) => before[k] !== after[k]);
  await audit(tx, ctx, {
    action: 'update', recordType: 'person', recordId: change.personId, personId: change.personId, outcome: 'success',
    basis: change.basis, tenantId: change.tenantId, detail: { changed: changed.map((k) => `contactPreferences.${k}`) },
  });
  return 'saved';
}

/** How it is safe to contact the person, as kept on their record (the latest they told us), without an access check: the caller has one. */
export async function contactPreferencesOf(tx: Queryable, tenantId: string, personId: string): Promise<ContactPreferences | null> {
  const { rows } = await tx.query<{ contact_preferences: unknown }>('SELECT contact_preferences FROM people WHERE tenant_id = $1 AND id = $2', [tenantId, personId]);
  return rows[0] ? contactPreferencesFrom(rows[0].contact_preferences) : null;
}

// ---------------------------------------------------------------------------------------------
// For pages and features that read or change a person's record with other work in one transaction.

export interface PersonAccess {
  person: Person;
  /** why access was allowed, for the audit rows the work writes */
  basis: string;
}

/**
 * Reads the person (locked when `purpose` is 'update'), decides access, and runs `work` in the
 * same transaction; `work` writes its own audit rows. Not found and no relationship both answer
 * 404, audited as denied. When `work` refuses with an AppError, what it wrote is rolled back, the
 * refusal is audited as a failure, and the error is thrown after commit.
 */
export async function withPerson<T>(
  ctx: StaffContext,
  id: string,
  purpose: 'read' | 'update',
  work: (tx: Transaction, access: PersonAccess) => Promise<T>,
  action: string = purpose,
): Promise<T> {
  requireRole(ctx.actor, PERSON_ROLES);
  type Outcome = { kind: 'denied' } | { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const found = await readForAccess(tx, ctx, id, purpose === 'update');
    const basis = found ? personAccessBasis(ctx.actor, found, purpose) : null;
    if (!found || !basis) {
      await audit(tx, ctx, {
        action, recordType: 'person', recordId: id.slice(0, 64), outcome: 'denied', basis: found ? 'no relationship' : 'not found in tenant',
      });
      return { kind: 'denied' };
    }
    return refusable(tx, () => work(tx, { person: withoutGrants(found), basis }), async (error) => {
      await audit(tx, ctx, {
        action, recordType: 'person', recordId: found.id, personId: found.id, basis, outcome: 'failure',
        detail: { code: error.code, message: error.message },
      });
    });
  });
  if (outcome.kind === 'denied') throw notFound('person');
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

export interface ContactPreferencesInput {
  preferences: ContactPreferences;
  /** null: not asked yet */
  consentGpShare: boolean | null;
  version: number;
}

export function contactPreferencesProblems(input: ContactPreferencesInput): FieldError[] {
  const problems: FieldError[] = [];
  if (input.preferences.voicemail && !input.preferences.call) {
    problems.push({ field: 'methods', message: 'Select phone call as well if a voicemail is safe, or untick voicemail' });
  }
  if (input.preferences.times.length > 200) problems.push({ field: 'times', message: 'Best times must be 200 characters or fewer' });
  if (input.preferences.notes.length > 500) problems.push({ field: 'notes', message: 'Anything else about contact must be 500 characters or fewer' });
  return problems;
}

/**
 * Records how the person wants to be contacted ("I decide how I am communicated with") and
 * whether they agree to information being shared with their GP. Refused when someone else saved
 * the record since this form was opened, so neither change is lost without a person deciding.
 */
export async function updateContactPreferences(ctx: StaffContext, id: string, input: ContactPreferencesInput): Promise<Person> {
  const problems = contactPreferencesProblems(input);
  if (problems.length) throw invalid(problems);
  return withPerson(ctx, id, 'update', async (tx, { person, basis }) => {
    if (person.version !== input.version) {
      throw new AppError({
        status: 409,
        code: 'stale',
        message: 'Someone else changed this person’s record while you were editing.',
        fields: [{ field: 'methods', message: 'Someone else changed this person’s record while you were editing. What you chose is below but has not been saved. Check it against what is saved now, then save again.' }],
      });
    }
    const before = person.contactPreferences;
    await tx.query(
      `UPDATE people SET contact_preferences = $3::jsonb, consent_gp_share = $4, version = version + 1, updated_at = now()
        WHERE tenant_id = $1 AND id = $2`,
      [ctx.actor.tenantId, id, JSON.stringify(input.preferences), input.consentGpShare],
    );
    const changed = (Object.keys(before) as (keyof ContactPreferences)[]).filter((k) => before[k] !== input.preferences[k]);
    if (person.consentGpShare !== input.consentGpShare) changed.push('consentGpShare' as keyof ContactPreferences);
    await audit(tx, ctx, { action: 'update', recordType: 'person', recordId: id, personId: id, outcome: 'success', basis, detail: { changed, part: 'contact preferences' } });
    return withoutGrants((await readForAccess(tx, ctx, id, false))!);
  }, 'update');
}

/** What a triage worker decided the person needs: replaces the needs kept with the person (a sorted, distinct list). */
export async function updateNeeds(tx: Queryable, tenantId: string, personId: string, needs: readonly string[]): Promise<void> {
  await tx.query(
    `UPDATE people SET needs = ARRAY(SELECT DISTINCT unnest($3::text[]) ORDER BY 1), version = version + 1, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, personId, [...needs]],
  );
}

/** What other features need to know about a person they already have access to, without an access check: the caller has one. */
export interface PersonFacts {
  needs: string[];
  contactPreferences: ContactPreferences;
  phone: string | null;
  email: string | null;
  district: string | null;
  areaId: string | null;
}

export async function personFacts(tx: Queryable, tenantId: string, personId: string): Promise<PersonFacts | null> {
  const { rows } = await tx.query<{ needs: string[]; contact_preferences: unknown; phone: string | null; email: string | null; district: string | null; area_id: string | null }>(
    'SELECT needs, contact_preferences, phone, email, district, area_id FROM people WHERE tenant_id = $1 AND id = $2',
    [tenantId, personId],
  );
  const r = rows[0];
  if (!r) return null;
  return { needs: r.needs ?? [], contactPreferences: contactPreferencesFrom(r.contact_preferences), phone: r.phone, email: r.email, district: r.district, areaId: r.area_id };
}

/** How to reach a person safely, for a feature that has already decided the caller may (a provider answering a social prescription). */
export interface PersonContact {
  givenName: string;
  familyName: string;
  phone: string | null;
  email: string | null;
  contactPreferences: ContactPreferences;
}

/** The person's name, contact details and contact preferences, without an access check: the caller has one and audits the read. */
export async function personContact(tx: Queryable, tenantId: string, personId: string): Promise<PersonContact | null> {
  const { rows } = await tx.query<{ given_name: string; family_name: string; phone: string | null; email: string | null; contact_preferences: unknown }>(
    'SELECT given_name, family_name, phone, email, contact_preferences FROM people WHERE tenant_id = $1 AND id = $2',
    [tenantId, personId],
  );
  const r = rows[0];
  return r
    ? { givenName: r.given_name, familyName: r.family_name, phone: r.phone, email: r.email, contactPreferences: contactPreferencesFrom(r.contact_preferences) }
    : null;
}
