// Carers: a carer's own record, their link to the person they care for with the person's consent
// and its scope (what the carer may see or be told), every consent decision kept with who
// recorded it, when and how it was given, and carers' assessments. Staff reach all of it only
// through a relationship to the person (./access.ts); the person and the carer reach parts of it
// through their own pages (src/features/portal/), which read consent afresh on every request.
//
// Other features: the person's summary page shows crisisPlanSection and carersSection (or both
// at once, personSummarySections) with the partials carers/views/_person-crisis-plan.njk and
// carers/views/_person-carers.njk; carersWhoMay answers "which carers may be told about this?".
import { addPersonSection } from '../people/sections.ts';
import { normalisePhone } from '../../domain/person-match.ts';
import type { Queryable, Transaction } from '../../db/database.ts';
import {
  describeScope, normaliseScope, scopeChange, type ConsentMethod, type ConsentScope, type ScopeChange,
} from '../../domain/carer-consent.ts';
import type { AssessmentInput, AssessmentOutcome, CarerDetails, ConsentDecision } from '../../domain/carer-details.ts';
import { contactPreferencesFrom, type ContactPreferences } from '../../domain/contact-preferences.ts';
import { PERSON_ROLES, personAccessBasis, requireRole, type PersonAction } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import type { RequestContext, StaffContext } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { personNames, personRelationship } from '../people/service.ts';
import { staleError, withPerson, type PersonHeading } from './access.ts';
import { readCrisisPlan, type CrisisPlan } from './crisis-plan.ts';
import { refusable } from '../../platform/refusable.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isId = (value: string): boolean => UUID.test(value);

// ---------------------------------------------------------------------------------------------
// Records

export interface Carer {
  id: string;
  givenName: string;
  familyName: string;
  phone: string | null;
  email: string | null;
  contactPreferences: ContactPreferences;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

export interface CarerLink {
  id: string;
  personId: string;
  carerId: string;
  carerGivenName: string;
  carerFamilyName: string;
  relationship: string;
  /** what the person allows the carer now; empty: nothing is shared */
  scope: ConsentScope[];
  consentHow: ConsentMethod;
  consentRecordedAt: Date;
  /** the staff member who recorded the latest decision; null when the person made it in their own pages */
  consentRecordedByName: string | null;
  consentWithdrawnAt: Date | null;
  createdAt: Date;
  version: number;
}

export interface ConsentEvent {
  id: number;
  at: Date;
  previousScope: ConsentScope[] | null;
  scope: ConsentScope[];
  change: ScopeChange;
  how: ConsentMethod;
  recordedByName: string | null;
  note: string;
}

export interface Assessment {
  id: string;
  linkId: string;
  offeredOn: string;
  outcome: AssessmentOutcome | null;
  outcomeOn: string | null;
  notes: string;
  updatedAt: Date;
  updatedByName: string | null;
  version: number;
}

type CarerRow = {
  id: string; given_name: string; family_name: string; phone: string | null; email: string | null; contact_preferences: unknown;
  created_at: Date; updated_at: Date; version: number;
};
const toCarer = (r: CarerRow): Carer => ({
  id: r.id, givenName: r.given_name, familyName: r.family_name, phone: r.phone, email: r.email,
  contactPreferences: contactPreferencesFrom(r.contact_preferences), createdAt: r.created_at, updatedAt: r.updated_at, version: r.version,
});

/** A carer's own record. No access check: the caller has made one. */
export async function readCarer(tx: Queryable, tenantId: string, carerId: string, options: { forUpdate?: boolean } = {}): Promise<Carer | null> {
  if (!isId(carerId)) return null;
  const { rows } = await tx.query<CarerRow>(
    `SELECT id, given_name, family_name, phone, email, contact_preferences, created_at, updated_at, version
       FROM carers WHERE tenant_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, carerId],
  );
  return rows[0] ? toCarer(rows[0]) : null;
}

type LinkRow = {
  id: string; person_id: string; carer_id: string; given_name: string; family_name: string; relationship: string; consent_scope: string[];
  consent_how: ConsentMethod; consent_recorded_at: Date; recorded_by_name: string | null; consent_withdrawn_at: Date | null;
  created_at: Date; version: number;
};
const LINK_SELECT = `
  SELECT l.id, l.person_id, l.carer_id, c.given_name, c.family_name, l.relationship, l.consent_scope, l.consent_how,
         l.consent_recorded_at, u.name AS recorded_by_name, l.consent_withdrawn_at, l.created_at, l.version
    FROM carer_links l
    JOIN carers c ON c.tenant_id = l.tenant_id AND c.id = l.carer_id
    LEFT JOIN staff_users u ON u.tenant_id = l.tenant_id AND u.id = l.consent_recorded_by`;
const toLink = (r: LinkRow): CarerLink => ({
  id: r.id, personId: r.person_id, carerId: r.carer_id, carerGivenName: r.given_name, carerFamilyName: r.family_name,
  relationship: r.relationship, scope: normaliseScope(r.consent_scope ?? []), consentHow: r.consent_how,
  consentRecordedAt: r.consent_recorded_at, consentRecordedByName: r.recorded_by_name, consentWithdrawnAt: r.consent_withdrawn_at,
  createdAt: r.created_at, version: r.version,
});

/** The person's carers, those sharing most first. No access check: the caller has made one. */
export async function readLinksForPerson(tx: Queryable, tenantId: string, personId: string): Promise<CarerLink[]> {
  const { rows } = await tx.query<LinkRow>(
    `${LINK_SELECT} WHERE l.tenant_id = $1 AND l.person_id = $2
      ORDER BY cardinality(l.consent_scope) DESC, lower(c.family_name), lower(c.given_name), l.id`,
    [tenantId, personId],
  );
  return rows.map(toLink);
}

/** One of the person's carer links (locked for a change), or null when it is not theirs. No access check. */
export async function readLinkForPerson(tx: Queryable, tenantId: string, personId: string, linkId: string, options: { forUpdate?: boolean } = {}): Promise<CarerLink | null> {
  if (!isId(linkId)) return null;
  const { rows } = await tx.query<LinkRow>(
    `${LINK_SELECT} WHERE l.tenant_id = $1 AND l.person_id = $2 AND l.id = $3${options.forUpdate ? ' FOR UPDATE OF l' : ''}`,
    [tenantId, personId, linkId],
  );
  return rows[0] ? toLink(rows[0]) : null;
}

async function readLinksForCarer(tx: Queryable, tenantId: string, carerId: string): Promise<CarerLink[]> {
  const { rows } = await tx.query<LinkRow>(`${LINK_SELECT} WHERE l.tenant_id = $1 AND l.carer_id = $2 ORDER BY l.created_at, l.id`, [tenantId, carerId]);
  return rows.map(toLink);
}

async function readConsentEvents(tx: Queryable, tenantId: string, linkId: string): Promise<ConsentEvent[]> {
  const { rows } = await tx.query<{
    id: number; at: Date; previous_scope: string[] | null; scope: string[]; change: ScopeChange; how: ConsentMethod; recorded_by_name: string | null; note: string;
  }>(
    `SELECT e.id, e.at, e.previous_scope, e.scope, e.change, e.how, u.name AS recorded_by_name, e.note
       FROM carer_consent_events e LEFT JOIN staff_users u ON u.tenant_id = e.tenant_id AND u.id = e.recorded_by
      WHERE e.tenant_id = $1 AND e.link_id = $2 ORDER BY e.id DESC`,
    [tenantId, linkId],
  );
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, previousScope: r.previous_scope ? normaliseScope(r.previous_scope) : null, scope: normaliseScope(r.scope),
    change: r.change, how: r.how, recordedByName: r.recorded_by_name, note: r.note,
  }));
}

type AssessmentRow = {
  id: string; link_id: string; offered_on: string; outcome: AssessmentOutcome | null; outcome_on: string | null; notes: string;
  updated_at: Date; updated_by_name: string | null; version: number;
};
const ASSESSMENT_SELECT = `
  SELECT a.id, a.link_id, a.offered_on, a.outcome, a.outcome_on, a.notes, a.updated_at, u.name AS updated_by_name, a.version
    FROM carer_assessments a LEFT JOIN staff_users u ON u.tenant_id = a.tenant_id AND u.id = a.updated_by`;
const toAssessment = (r: AssessmentRow): Assessment => ({
  id: r.id, linkId: r.link_id, offeredOn: r.offered_on, outcome: r.outcome, outcomeOn: r.outcome_on, notes: r.notes,
  updatedAt: r.updated_at, updatedByName: r.updated_by_name, version: r.version,
});

async function readAssessments(tx: Queryable, tenantId: string, linkIds: readonly string[]): Promise<Assessment[]> {
  if (linkIds.length === 0) return [];
  const { rows } = await tx.query<AssessmentRow>(
    `${ASSESSMENT_SELECT} WHERE a.tenant_id = $1 AND a.link_id = ANY($2::uuid[]) ORDER BY a.offered_on DESC, a.created_at DESC`,
    [tenantId, linkIds],
  );
  return rows.map(toAssessment);
}

// ---------------------------------------------------------------------------------------------
// Consent

/**
 * Records a consent decision on the link, in the caller's transaction: the link holds the latest,
 * the events table every one. `recordedBy` is the staff member, or null for the person in their
 * own pages.
 */
async function applyConsent(
  tx: Queryable,
  tenantId: string,
  link: Pick<CarerLink, 'id' | 'scope'> | null,
  linkId: string,
  decision: { scope: readonly ConsentScope[]; how: ConsentMethod; note: string; recordedBy: string | null },
): Promise<ScopeChange> {
  const scope = normaliseScope(decision.scope);
  const change = scopeChange(link ? link.scope : null, scope);
  if (link) {
    await tx.query(
      `UPDATE carer_links
          SET consent_scope = $3, consent_how = $4, consent_recorded_at = now(), consent_recorded_by = $5,
              consent_withdrawn_at = CASE WHEN $6 THEN now() WHEN cardinality($3::text[]) > 0 THEN NULL ELSE consent_withdrawn_at END,
              version = version + 1
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, linkId, scope, decision.how, decision.recordedBy, change === 'withdrawn'],
    );
  }
  await tx.query(
    `INSERT INTO carer_consent_events (tenant_id, link_id, previous_scope, scope, change, how, recorded_by, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [tenantId, linkId, link ? link.scope : null, scope, change, decision.how, decision.recordedBy, decision.note],
  );
  return change;
}

/**
 * What the carer on this link may have now: read afresh from the database on every request that
 * shows a carer anything, never kept in a session, so a withdrawal counts from the very next
 * request. Null when there is no such link.
 */
export async function carerConsentNow(tx: Queryable, tenantId: string, linkId: string): Promise<{ personId: string; carerId: string; scope: ConsentScope[] } | null> {
  if (!isId(linkId)) return null;
  const { rows } = await tx.query<{ person_id: string; carer_id: string; consent_scope: string[] }>(
    'SELECT person_id, carer_id, consent_scope FROM carer_links WHERE tenant_id = $1 AND id = $2',
    [tenantId, linkId],
  );
  const r = rows[0];
  return r ? { personId: r.person_id, carerId: r.carer_id, scope: normaliseScope(r.consent_scope ?? []) } : null;
}

/** The person's carers who may have `what` now (for other features: who may be told about an appointment). No access check. */
export async function carersWhoMay(tx: Queryable, tenantId: string, personId: string, what: ConsentScope): Promise<CarerLink[]> {
  return (await readLinksForPerson(tx, tenantId, personId)).filter((l) => l.scope.includes(what));
}

// ---------------------------------------------------------------------------------------------
// Staff: a person's carers

export interface CarerLinkSummary extends CarerLink {
  /** what the carer may see or be told, in words */
  scopeText: string;
  /** the latest carer's assessment offered, if any */
  assessment: Assessment | null;
}

async function linkSummaries(tx: Queryable, tenantId: string, personId: string): Promise<CarerLinkSummary[]> {
  const links = await readLinksForPerson(tx, tenantId, personId);
  const assessments = await readAssessments(tx, tenantId, links.map((l) => l.id));
  return links.map((l) => ({ ...l, scopeText: describeScope(l.scope), assessment: assessments.find((a) => a.linkId === l.id) ?? null }));
}

/** The person's carers and what each may see, for staff with a relationship to the person. Audited. */
export async function listCarers(ctx: StaffContext, personId: string): Promise<{ person: PersonHeading; links: CarerLinkSummary[] }> {
  return withPerson(ctx, personId, 'read', { action: 'carer_link.list', recordType: 'carer_link' }, async (tx, { person, basis }) => {
    const links = await linkSummaries(tx, ctx.actor.tenantId, personId);
    await audit(tx, ctx, { action: 'carer_link.list', recordType: 'carer_link', recordId: personId, personId, basis, outcome: 'success', detail: { linkIds: links.map((l) => l.id) } });
    return { person, links };
  });
}

export interface NewCarerLink {
  carer: CarerDetails;
  relationship: string;
  consent: ConsentDecision;
  /**
   * After likely matches were shown: the id of the carer's existing record to link, or 'new' for
   * someone else. Absent the first time the form is sent.
   */
  sameCarer?: string;
}

/** A carer already known who is likely the one being linked, with the people they care for whom the staff member may reach. */
export interface LikelyCarer {
  id: string;
  givenName: string;
  familyName: string;
  phone: string | null;
  email: string | null;
  caresFor: PersonHeading[];
}

export type LinkResult = { kind: 'linked'; linkId: string } | { kind: 'likely matches'; person: PersonHeading; matches: LikelyCarer[] };

/**
 * Links a carer to the person with the person's consent as recorded now, so a carer of two people
 * has one record. The first time, carers already known with the same name and the same phone
 * number or email are looked for, among those caring for someone the staff member may reach (so
 * the search shows no one they could not see anyway); if there are any, nothing is written and
 * they are returned for the staff member to choose from. Otherwise, or once they chose 'new', the
 * carer's own record is made; when they chose an existing record, only the link is.
 */
export async function linkCarer(ctx: StaffContext, personId: string, input: NewCarerLink): Promise<LinkResult> {
  return withPerson(ctx, personId, 'update', { action: 'carer_link.create', recordType: 'carer_link' }, async (tx, { basis, person }) => {
    const tenantId = ctx.actor.tenantId;
    const c = input.carer;
    let carerId: string;
    if (input.sameCarer && input.sameCarer !== 'new') {
      if ((await reachableLinks(tx, ctx, input.sameCarer, 'read')).length === 0) throw notFound('carer');
      carerId = input.sameCarer;
    } else {
      const matches = await likelyCarers(tx, ctx, c);
      const here = matches.find((m) => m.caresFor.some((p) => p.id === personId));
      if (here) {
        throw new AppError({
          status: 409, code: 'already_linked', message: 'This carer is already linked to this person.',
          fields: [{ field: 'givenName', message: `${here.givenName} ${here.familyName} is already linked as a carer. Open their link on the carers page to change what they may see` }],
        });
      }
      if (matches.length && input.sameCarer !== 'new') {
        for (const m of matches) {
          for (const p of m.caresFor) {
            await audit(tx, ctx, { action: 'carer.read', recordType: 'carer', recordId: m.id, personId: p.id, basis: 'possible match when linking a carer', outcome: 'success' });
          }
        }
        return { kind: 'likely matches', person, matches };
      }
      const carer = await tx.query<{ id: string }>(
        `INSERT INTO carers (tenant_id, given_name, family_name, phone, email, contact_preferences, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [tenantId, c.givenName, c.familyName, c.phone, c.email, JSON.stringify(c.contactPreferences), ctx.actor.userId],
      );
      carerId = carer.rows[0]!.id;
      await audit(tx, ctx, { action: 'carer.create', recordType: 'carer', recordId: carerId, personId, basis, outcome: 'success' });
    }
    const scope = normaliseScope(input.consent.scope);
    const link = await tx.query<{ id: string }>(
      `INSERT INTO carer_links (tenant_id, person_id, carer_id, relationship, consent_scope, consent_how, consent_recorded_by, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (tenant_id, person_id, carer_id) DO NOTHING RETURNING id`,
      [tenantId, personId, carerId, input.relationship, scope, input.consent.how, ctx.actor.userId],
    );
    if (!link.rows[0]) {
      throw new AppError({
        status: 409, code: 'already_linked', message: 'This carer is already linked to this person.',
        fields: [{ field: 'givenName', message: 'This carer is already linked to this person. Open their link on the carers page to change what they may see' }],
      });
    }
    const linkId = link.rows[0].id;
    const change = await applyConsent(tx, tenantId, null, linkId, { ...input.consent, scope, recordedBy: ctx.actor.userId });
    await audit(tx, ctx, {
      action: 'carer_link.create', recordType: 'carer_link', recordId: linkId, personId, basis, outcome: 'success',
      detail: { carerId, existingCarer: Boolean(input.sameCarer && input.sameCarer !== 'new'), change, scope, how: input.consent.how },
    });
    return { kind: 'linked', linkId };
  });
}

/** The carer's links to people the staff member may `purpose`, each with its basis: none when the carer is unknown or out of reach. */
async function reachableLinks(tx: Queryable, ctx: StaffContext, carerId: string, purpose: PersonAction): Promise<{ link: CarerLink; basis: string }[]> {
  if (!isId(carerId)) return [];
  const reachable: { link: CarerLink; basis: string }[] = [];
  for (const link of await readLinksForCarer(tx, ctx.actor.tenantId, carerId)) {
    const relationship = await personRelationship(tx, ctx.actor.tenantId, link.personId);
    const basis = relationship ? personAccessBasis(ctx.actor, relationship, purpose) : null;
    if (basis) reachable.push({ link, basis });
  }
  return reachable;
}

/** The people a carer cares for whom the staff member may reach, by name. */
async function reachableCarerPeople(tx: Queryable, ctx: StaffContext, carerId: string): Promise<PersonHeading[]> {
  const ids = (await reachableLinks(tx, ctx, carerId, 'read')).map((r) => r.link.personId);
  const names = await personNames(tx, ctx.actor.tenantId, ids);
  return ids.flatMap((id) => {
    const n = names.get(id);
    return n ? [{ id, givenName: n.givenName, familyName: n.familyName }] : [];
  });
}

/**
 * Carers with the same name and the same phone number (compared as person matching compares
 * them: digits, +44 as 0) or email, among those caring for someone the staff member may reach.
 */
async function likelyCarers(tx: Queryable, ctx: StaffContext, details: CarerDetails): Promise<LikelyCarer[]> {
  const phone = normalisePhone(details.phone);
  // Found by name on its index (0015); few carers in a tenant share a whole name.
  const { rows } = await tx.query<{ id: string; given_name: string; family_name: string; phone: string | null; email: string | null }>(
    `SELECT id, given_name, family_name, phone, email FROM carers
      WHERE tenant_id = $1 AND lower(family_name) = lower($2) AND lower(given_name) = lower($3)
      ORDER BY created_at, id`,
    [ctx.actor.tenantId, details.familyName, details.givenName],
  );
  const matches: LikelyCarer[] = [];
  for (const r of rows) {
    // emails are stored lower-cased (parseEmail)
    const same = (phone !== null && normalisePhone(r.phone) === phone) || (details.email !== null && r.email === details.email);
    if (!same) continue;
    const caresFor = await reachableCarerPeople(tx, ctx, r.id);
    if (caresFor.length) matches.push({ id: r.id, givenName: r.given_name, familyName: r.family_name, phone: r.phone, email: r.email, caresFor });
  }
  return matches;
}

export interface CarerLinkPage {
  person: PersonHeading;
  link: CarerLink;
  carer: Carer;
  events: ConsentEvent[];
  assessments: Assessment[];
}

async function linkOrNotFound(tx: Queryable, tenantId: string, personId: string, linkId: string, forUpdate = false): Promise<CarerLink> {
  const link = await readLinkForPerson(tx, tenantId, personId, linkId, { forUpdate });
  if (!link) throw notFound('carer');
  return link;
}

/** A carer's link to the person: consent and its history, and carers' assessments. Audited. */
export async function getCarerLink(ctx: StaffContext, personId: string, linkId: string): Promise<CarerLinkPage> {
  return withPerson(ctx, personId, 'read', { action: 'carer_link.read', recordType: 'carer_link', recordId: linkId }, async (tx, { person, basis }) => {
    const tenantId = ctx.actor.tenantId;
    const link = await linkOrNotFound(tx, tenantId, personId, linkId);
    const carer = (await readCarer(tx, tenantId, link.carerId))!;
    const events = await readConsentEvents(tx, tenantId, linkId);
    const assessments = await readAssessments(tx, tenantId, [linkId]);
    await audit(tx, ctx, { action: 'carer_link.read', recordType: 'carer_link', recordId: linkId, personId, basis, outcome: 'success' });
    return { person, link, carer, events, assessments };
  });
}

/**
 * Records the person's decision about what the carer may see or be told: given, widened,
 * narrowed or withdrawn (an empty scope). Takes effect on the carer's very next request.
 */
export async function changeConsent(ctx: StaffContext, personId: string, linkId: string, decision: ConsentDecision, version: number): Promise<ScopeChange> {
  return withPerson(ctx, personId, 'update', { action: 'carer_consent.change', recordType: 'carer_link', recordId: linkId }, async (tx, { basis }) => {
    const tenantId = ctx.actor.tenantId;
    const link = await linkOrNotFound(tx, tenantId, personId, linkId, true);
    if (link.version !== version) throw staleError('scope', 'what this carer may see');
    const change = await applyConsent(tx, tenantId, link, linkId, { ...decision, recordedBy: ctx.actor.userId });
    await audit(tx, ctx, {
      action: 'carer_consent.change', recordType: 'carer_link', recordId: linkId, personId, basis, outcome: 'success',
      detail: { change, from: link.scope, to: normaliseScope(decision.scope), how: decision.how },
    });
    return change;
  });
}

// ---------------------------------------------------------------------------------------------
// Staff: carers' assessments

/** Records that a carer's assessment was offered (and the outcome, if already known). Returns its id. */
export async function offerAssessment(ctx: StaffContext, personId: string, linkId: string, input: AssessmentInput): Promise<string> {
  return withPerson(ctx, personId, 'update', { action: 'carer_assessment.create', recordType: 'carer_assessment', recordId: linkId }, async (tx, { basis }) => {
    const tenantId = ctx.actor.tenantId;
    await linkOrNotFound(tx, tenantId, personId, linkId);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO carer_assessments (tenant_id, link_id, offered_on, outcome, outcome_on, notes, created_by, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
      [tenantId, linkId, input.offeredOn, input.outcome, input.outcomeOn, input.notes, ctx.actor.userId],
    );
    const id = rows[0]!.id;
    await audit(tx, ctx, {
      action: 'carer_assessment.create', recordType: 'carer_assessment', recordId: id, personId, basis, outcome: 'success',
      detail: { linkId, offeredOn: input.offeredOn, outcome: input.outcome },
    });
    return id;
  });
}

async function assessmentOrNotFound(tx: Queryable, tenantId: string, linkId: string, assessmentId: string, forUpdate = false): Promise<Assessment> {
  if (!isId(assessmentId)) throw notFound('carer’s assessment');
  const { rows } = await tx.query<AssessmentRow>(
    `${ASSESSMENT_SELECT} WHERE a.tenant_id = $1 AND a.link_id = $2 AND a.id = $3${forUpdate ? ' FOR UPDATE OF a' : ''}`,
    [tenantId, linkId, assessmentId],
  );
  if (!rows[0]) throw notFound('carer’s assessment');
  return toAssessment(rows[0]);
}

/** One carer's assessment, to record its outcome. Audited. */
export async function getAssessment(ctx: StaffContext, personId: string, linkId: string, assessmentId: string): Promise<{ person: PersonHeading; link: CarerLink; assessment: Assessment }> {
  return withPerson(ctx, personId, 'read', { action: 'carer_assessment.read', recordType: 'carer_assessment', recordId: assessmentId }, async (tx, { person, basis }) => {
    const tenantId = ctx.actor.tenantId;
    const link = await linkOrNotFound(tx, tenantId, personId, linkId);
    const assessment = await assessmentOrNotFound(tx, tenantId, linkId, assessmentId);
    await audit(tx, ctx, { action: 'carer_assessment.read', recordType: 'carer_assessment', recordId: assessmentId, personId, basis, outcome: 'success' });
    return { person, link, assessment };
  });
}

/** Changes a carer's assessment (its outcome, usually), refused when it changed since the form was opened. */
export async function updateAssessment(ctx: StaffContext, personId: string, linkId: string, assessmentId: string, input: AssessmentInput, version: number): Promise<void> {
  await withPerson(ctx, personId, 'update', { action: 'carer_assessment.update', recordType: 'carer_assessment', recordId: assessmentId }, async (tx, { basis }) => {
    const tenantId = ctx.actor.tenantId;
    await linkOrNotFound(tx, tenantId, personId, linkId);
    const current = await assessmentOrNotFound(tx, tenantId, linkId, assessmentId, true);
    if (current.version !== version) throw staleError('outcome', 'this carer’s assessment');
    await tx.query(
      `UPDATE carer_assessments SET offered_on = $3, outcome = $4, outcome_on = $5, notes = $6, updated_at = now(), updated_by = $7, version = version + 1
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, assessmentId, input.offeredOn, input.outcome, input.outcomeOn, input.notes, ctx.actor.userId],
    );
    await audit(tx, ctx, {
      action: 'carer_assessment.update', recordType: 'carer_assessment', recordId: assessmentId, personId, basis, outcome: 'success',
      detail: { linkId, from: current.outcome, to: input.outcome },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Staff: a carer's own record

export interface CarerPage {
  carer: Carer;
  /** the people this carer is linked to that the staff member may reach */
  links: (CarerLink & { person: PersonHeading })[];
}

/**
 * Runs `work` on a carer's record for a staff member who may reach at least one person the carer
 * is linked to (the same rule as for the people themselves); otherwise 404, audited as denied.
 */
async function withCarer<T>(
  ctx: StaffContext,
  carerId: string,
  purpose: PersonAction,
  action: string,
  work: (tx: Transaction, page: CarerPage, bases: Map<string, string>) => Promise<T>,
): Promise<T> {
  requireRole(ctx.actor, PERSON_ROLES);
  type Outcome = { kind: 'denied' } | { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const tenantId = ctx.actor.tenantId;
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const carer = await readCarer(tx, tenantId, carerId, { forUpdate: purpose === 'update' });
    const reach = carer ? await reachableLinks(tx, ctx, carerId, purpose) : [];
    const bases = new Map(reach.map((r) => [r.link.personId, r.basis]));
    const reachable = reach.map((r) => r.link);
    if (!carer || reachable.length === 0) {
      await audit(tx, ctx, {
        action, recordType: 'carer', recordId: carerId.slice(0, 64), outcome: 'denied',
        basis: carer ? 'no relationship to anyone the carer cares for' : 'not found in tenant',
      });
      return { kind: 'denied' };
    }
    const names = await personNames(tx, tenantId, reachable.map((l) => l.personId));
    const page: CarerPage = {
      carer,
      links: reachable.map((l) => {
        const n = names.get(l.personId)!;
        return { ...l, person: { id: l.personId, givenName: n.givenName, familyName: n.familyName } };
      }),
    };
    return refusable(tx, () => work(tx, page, bases), async (error) => {
      for (const l of reachable) {
        await audit(tx, ctx, { action, recordType: 'carer', recordId: carerId, personId: l.personId, basis: bases.get(l.personId), outcome: 'failure', detail: { code: error.code } });
      }
    });
  });
  if (outcome.kind === 'denied') throw notFound('carer');
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

/** A carer's own record, with the people they care for that the staff member may reach. Audited for each of those people. */
export async function getCarer(ctx: StaffContext, carerId: string): Promise<CarerPage> {
  return withCarer(ctx, carerId, 'read', 'carer.read', async (tx, page, bases) => {
    for (const l of page.links) {
      await audit(tx, ctx, { action: 'carer.read', recordType: 'carer', recordId: carerId, personId: l.personId, basis: bases.get(l.personId), outcome: 'success' });
    }
    return page;
  });
}

/** Changes the carer's own details and contact preferences, refused when they changed since the form was opened. */
export async function updateCarer(ctx: StaffContext, carerId: string, details: CarerDetails, version: number): Promise<void> {
  await withCarer(ctx, carerId, 'update', 'carer.update', async (tx, page, bases) => {
    const before = page.carer;
    if (before.version !== version) throw staleError('givenName', 'this carer’s details');
    await tx.query(
      `UPDATE carers SET given_name = $3, family_name = $4, phone = $5, email = $6, contact_preferences = $7, updated_at = now(), version = version + 1
        WHERE tenant_id = $1 AND id = $2`,
      [ctx.actor.tenantId, carerId, details.givenName, details.familyName, details.phone, details.email, JSON.stringify(details.contactPreferences)],
    );
    const changed: string[] = (['givenName', 'familyName', 'phone', 'email'] as const).filter((k) => (before[k] ?? null) !== (details[k] ?? null));
    if (JSON.stringify(before.contactPreferences) !== JSON.stringify(details.contactPreferences)) changed.push('contactPreferences');
    for (const l of page.links) {
      await audit(tx, ctx, { action: 'carer.update', recordType: 'carer', recordId: carerId, personId: l.personId, basis: bases.get(l.personId), outcome: 'success', detail: { changed } });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The person's summary page (built by the episodes feature): one line to include each section

export interface CrisisPlanSection {
  personId: string;
  personName: string;
  plan: CrisisPlan | null;
}

export interface CarersSection {
  personId: string;
  personName: string;
  links: CarerLinkSummary[];
}

async function readCrisisPlanSection(tx: Queryable, ctx: StaffContext, person: PersonHeading, basis: string): Promise<CrisisPlanSection> {
  const plan = await readCrisisPlan(tx, ctx.actor.tenantId, person.id);
  await audit(tx, ctx, { action: 'crisis_plan.read', recordType: 'crisis_plan', recordId: person.id, personId: person.id, basis, outcome: 'success', detail: { exists: plan !== null, on: 'person summary' } });
  return { personId: person.id, personName: `${person.givenName} ${person.familyName}`, plan };
}

async function readCarersSection(tx: Queryable, ctx: StaffContext, person: PersonHeading, basis: string): Promise<CarersSection> {
  const links = await linkSummaries(tx, ctx.actor.tenantId, person.id);
  await audit(tx, ctx, { action: 'carer_link.list', recordType: 'carer_link', recordId: person.id, personId: person.id, basis, outcome: 'success', detail: { linkIds: links.map((l) => l.id), on: 'person summary' } });
  return { personId: person.id, personName: `${person.givenName} ${person.familyName}`, links };
}

// The person's summary page (src/features/people/summary.ts) reads both sections in its own
// transaction, after it has decided access to the person.
addPersonSection({ key: 'crisisPlan', load: (tx, ctx, person, basis) => readCrisisPlanSection(tx, ctx, person, basis) });
addPersonSection({ key: 'carers', load: (tx, ctx, person, basis) => readCarersSection(tx, ctx, person, basis) });

/**
 * Both sections of the person's summary page in one go, for
 * `{% include "carers/views/_person-crisis-plan.njk" %}` and `{% include "carers/views/_person-carers.njk" %}`:
 * spread the result into the page's data. Access is checked and each read audited.
 */
export async function personSummarySections(ctx: StaffContext, personId: string): Promise<{ crisisPlanSection: CrisisPlanSection; carersSection: CarersSection }> {
  return withPerson(ctx, personId, 'read', { action: 'crisis_plan.read', recordType: 'crisis_plan' }, async (tx, { person, basis }) => ({
    crisisPlanSection: await readCrisisPlanSection(tx, ctx, person, basis),
    carersSection: await readCarersSection(tx, ctx, person, basis),
  }));
}

/** The crisis plan section alone (data for carers/views/_person-crisis-plan.njk as `crisisPlanSection`). Audited. */
export async function crisisPlanSection(ctx: StaffContext, personId: string): Promise<CrisisPlanSection> {
  return withPerson(ctx, personId, 'read', { action: 'crisis_plan.read', recordType: 'crisis_plan' }, (tx, { person, basis }) => readCrisisPlanSection(tx, ctx, person, basis));
}

/** The carers section alone (data for carers/views/_person-carers.njk as `carersSection`). Audited. */
export async function carersSection(ctx: StaffContext, personId: string): Promise<CarersSection> {
  return withPerson(ctx, personId, 'read', { action: 'carer_link.list', recordType: 'carer_link' }, (tx, { person, basis }) => readCarersSection(tx, ctx, person, basis));
}

// ---------------------------------------------------------------------------------------------
// The person and the carer on their own pages (src/features/portal/ decides access and calls these
// in its transaction)

/**
 * The person narrows or withdraws what a carer may see, from their own pages. Only narrowing: to
 * let a carer see more, the person talks to their worker, who records it (so nobody can be
 * pressed into widening it on the spot). Returns 'stale' without writing when the link changed
 * since `version`.
 */
export async function narrowConsentByPerson(
  tx: Queryable,
  ctx: RequestContext,
  change: { tenantId: string; personId: string; linkId: string; scope: readonly ConsentScope[]; version: number },
): Promise<ScopeChange | 'stale'> {
  const link = await readLinkForPerson(tx, change.tenantId, change.personId, change.linkId, { forUpdate: true });
  if (!link) throw notFound('carer');
  if (link.version !== change.version) return 'stale';
  const scope = normaliseScope(change.scope);
  if (!scope.every((s) => link.scope.includes(s))) {
    throw new AppError({
      status: 400, code: 'invalid', message: 'There is a problem',
      fields: [{ field: 'scope', message: `To let ${link.carerGivenName} see more, talk to your worker. Here you can only stop sharing things.` }],
    });
  }
  const result = await applyConsent(tx, change.tenantId, link, link.id, { scope, how: 'own_pages', note: '', recordedBy: null });
  await audit(tx, ctx, {
    action: 'carer_consent.change', recordType: 'carer_link', recordId: link.id, personId: change.personId, basis: 'own record', outcome: 'success',
    tenantId: change.tenantId, detail: { change: result, from: link.scope, to: scope, how: 'own_pages' },
  });
  return result;
}

/** The carer changes how they want to be contacted, from their own pages. 'stale' when their record changed since `version`. */
export async function setCarerPreferencesByCarer(
  tx: Queryable,
  ctx: RequestContext,
  change: { tenantId: string; carerId: string; personId: string; preferences: ContactPreferences; version: number },
): Promise<'saved' | 'stale'> {
  const carer = await readCarer(tx, change.tenantId, change.carerId, { forUpdate: true });
  if (!carer) throw notFound('carer');
  if (carer.version !== change.version) return 'stale';
  await tx.query(
    'UPDATE carers SET contact_preferences = $3, updated_at = now(), version = version + 1 WHERE tenant_id = $1 AND id = $2',
    [change.tenantId, change.carerId, JSON.stringify(change.preferences)],
  );
  const changed = (Object.keys(change.preferences) as (keyof ContactPreferences)[]).filter((k) => carer.contactPreferences[k] !== change.preferences[k]);
  await audit(tx, ctx, {
    action: 'carer.update', recordType: 'carer', recordId: change.carerId, personId: change.personId, basis: 'own record', outcome: 'success',
    tenantId: change.tenantId, detail: { changed: changed.map((k) => `contactPreferences.${k}`) },
  });
  return 'saved';
}
