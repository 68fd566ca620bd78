// The single point of access's work on one referral: deciding who the person is, the triage
// decision (urgency, reasons, needs and route), changing urgency while someone waits, redirecting
// to a better-fitting service with the original date kept, allocating a responsible worker, and
// withdrawing a duplicate or a mistake.
//
// Every change goes through the referral core (withReferral: access, audit, a savepoint that a
// refusal rolls back; changeState: the state machine; recordChange for the rest), so a refused
// change writes nothing but the audit of the refusal. Messages to staff carry a reference and a
// link only.
import type { Queryable, Transaction } from '../../../db/database.ts';
import { audit } from '../../../platform/audit.ts';
import { endPersonAccess, grantPersonAccess, PERSON_ROLES, requireRole } from '../../../platform/access.ts';
import type { StaffContext } from '../../../platform/context.ts';
import { AppError, forbidden, invalid, type FieldError } from '../../../platform/errors.ts';
import { queueNotification } from '../../../platform/notifications.ts';
import { getTenantSettings, type TenantSettings } from '../../../platform/tenant-settings.ts';
import { hasPreferences, mayMessage } from '../../../domain/contact-preferences.ts';
import { transition, type ReferralAction } from '../../../domain/referral-states.ts';
import { URGENCY_RANK } from '../../../domain/triage-queue.ts';
import { NEEDS_TERMS } from '../../../seed/taxonomy.ts';
import * as people from '../../people/service.ts';
import { getListing } from '../../directory/store.ts';
import { readSearchInput, searchDirectory, type SearchResult } from '../../directory/search.ts';
import type { Listing } from '../../directory/listing.ts';
import { URGENCY_NAMES, type Referral, type ReferralSubmission } from '../model.ts';
import { changeState, dueAtFor, expectVersion, recordChange, submitReferral, withReferral, type ReferralAccess } from '../service.ts';
import { readReferral } from '../store.ts';
import {
  readAllocationForm, readMatchForm, readRedirectForm, readTriageForm, readUrgencyForm, readWithdrawalForm, WITHDRAW_REASONS,
  type PostedForm, type RedirectInput, type TriageValues,
} from './forms.ts';
import { allocatedMessage, routedMessage, signpostMessage, urgencyRaisedMessage } from './messages.ts';

/** The needs a triage worker may record: the directory's needs taxonomy. */
export const NEED_IDS: ReadonlySet<string> = new Set(NEEDS_TERMS.map((t) => t.id));

export interface Options {
  /** Lantern's address as people reach it, for the links in messages */
  baseUrl: string;
  /** the clock (tests); default now */
  now?: Date;
}

/** Triage, matching and withdrawal belong to the single point of access (and administrators). */
export function requireSinglePointOfAccess(ctx: StaffContext): void {
  if (ctx.actor.role === 'navigator' || ctx.actor.role === 'provider') {
    throw forbidden('Only the single point of access (triage workers and administrators) can do this. Ask them, or open the referral from your waiting list.');
  }
  requireRole(ctx.actor, ['triage', 'admin']);
}

const isSinglePointOfAccess = (ctx: StaffContext) => ctx.actor.role === 'triage' || ctx.actor.role === 'admin';

const refused = (code: string, message: string) => new AppError({ status: 409, code, message });

/** The state machine's refusal for `action`, or null when it is allowed. */
function refusal(referral: Referral, action: ReferralAction): string | null {
  const moved = transition(referral.state, action, { routed: referral.routedOrganisationId !== null, fastTrack: referral.fastTrack });
  return moved.ok ? null : moved.message;
}

function mustMove(referral: Referral, action: ReferralAction): void {
  const message = refusal(referral, action);
  if (message) throw refused('invalid_transition', message);
}

export const MATCH_FIRST =
  'Check who this is first. Someone we already know may be this person: decide whether they are, then triage the referral.';

function mustKnowPerson(referral: Referral): asserts referral is Referral & { personId: string } {
  if (referral.matchStatus === 'needs_review' || !referral.personId) throw refused('match_needed', MATCH_FIRST);
}

/** The person as the referral described them, in the shape the people service takes. */
function detailsOf(referral: Referral): people.PersonDetails {
  return {
    ...referral.subject,
    contactPreferences: hasPreferences(referral.contactPreferences) ? referral.contactPreferences : null,
    consentGpShare: referral.consentGpShare,
    needs: referral.needs,
  };
}

async function auditPersonRead(tx: Queryable, ctx: StaffContext, personId: string, basis: string, detail: Record<string, unknown>): Promise<void> {
  await audit(tx, ctx, { action: 'read', recordType: 'person', recordId: personId, personId, basis, outcome: 'success', detail });
}

const referralUrl = (baseUrl: string, id: string) => `${baseUrl.replace(/\/$/, '')}/referrals/${id}`;

// ---------------------------------------------------------------------------------------------
// Where a referral can go, and who can take it

export interface RouteOption {
  organisationId: string;
  organisationName: string;
  kind: 'strategic_partner' | 'delivery_provider';
  areaId: string | null;
  areaName: string | null;
}

export interface WorkerOption {
  id: string;
  name: string;
  email: string;
  organisationId: string;
  organisationName: string;
  teamLead: boolean;
}

/** Each area's strategic partner, and the delivery network providers, of the tenant. */
export async function routeOptions(tx: Queryable, tenantId: string): Promise<{ partners: RouteOption[]; providers: RouteOption[] }> {
  const { rows } = await tx.query<{ id: string; name: string; kind: RouteOption['kind']; area_id: string | null; area_name: string | null }>(
    `SELECT o.id, o.name, o.kind, o.area_id, a.name AS area_name
       FROM organisations o LEFT JOIN areas a ON a.tenant_id = o.tenant_id AND a.id = o.area_id
      WHERE o.tenant_id = $1 AND ((o.kind = 'strategic_partner' AND o.area_id IS NOT NULL) OR o.kind = 'delivery_provider')
      ORDER BY o.kind DESC, a.name NULLS FIRST, o.name`,
    [tenantId],
  );
  const options = rows.map((r): RouteOption => ({ organisationId: r.id, organisationName: r.name, kind: r.kind, areaId: r.area_id, areaName: r.area_name }));
  return {
    partners: options.filter((o) => o.kind === 'strategic_partner'),
    providers: options.filter((o) => o.kind === 'delivery_provider').sort((a, b) => a.organisationName.localeCompare(b.organisationName, 'en-GB')),
  };
}

/** Staff who can be a referral's responsible worker: of the given organisations, or of the single point of access. */
async function workerOptions(tx: Queryable, tenantId: string, scope: { organisationIds: string[] } | 'single point of access'): Promise<WorkerOption[]> {
  const spa = scope === 'single point of access';
  const { rows } = await tx.query<{ id: string; name: string; email: string; organisation_id: string; organisation_name: string; team_lead: boolean }>(
    `SELECT u.id, u.name, u.email, u.organisation_id, o.name AS organisation_name, u.team_lead
       FROM staff_users u JOIN organisations o ON o.tenant_id = u.tenant_id AND o.id = u.organisation_id
      WHERE u.tenant_id = $1 AND u.disabled_at IS NULL
        AND ${spa ? `o.kind = 'single_point_of_access' AND u.role IN ('triage', 'admin')` : `u.organisation_id = ANY($2::uuid[]) AND u.role IN ('navigator', 'provider')`}
      ORDER BY o.name, u.name`,
    spa ? [tenantId] : [tenantId, scope.organisationIds],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, organisationId: r.organisation_id, organisationName: r.organisation_name, teamLead: r.team_lead }));
}

/**
 * Emails an organisation's team about a referral: the named worker when there is one, else its
 * team leads, else everyone who works its waiting list. A reference and a link, nothing more.
 */
async function notifyTeam(
  tx: Queryable,
  tenantId: string,
  organisationId: string,
  workerId: string | null,
  message: (toWorker: boolean) => { template: string; personalisation: Record<string, string> },
  reference: string,
): Promise<number> {
  const team = await workerOptions(tx, tenantId, { organisationIds: [organisationId] });
  const worker = workerId ? team.find((w) => w.id === workerId) : undefined;
  const leads = team.filter((w) => w.teamLead);
  const recipients = worker ? [worker] : leads.length ? leads : team;
  for (const r of recipients) {
    await queueNotification(tx, { tenantId, channel: 'email', recipient: r.email, ...message(Boolean(worker)), reference: `${reference}:${r.id}` });
  }
  return recipients.length;
}

// ---------------------------------------------------------------------------------------------
// The triage decision

export interface TriagePage {
  referral: Referral;
  partners: RouteOption[];
  providers: RouteOption[];
  workers: WorkerOption[];
  /** the route suggested from where the person lives, as a form value ('org:<id>') */
  suggestedRoute: string | null;
  suggestedBecause: string | null;
  /** needs already known for the person (asked once): ticked on the form */
  personNeeds: string[];
  /** why the referral cannot be triaged now, when it cannot */
  blocked: { message: string; matchLink: boolean } | null;
  values: TriageValues;
}

async function triagePageIn(tx: Transaction, ctx: StaffContext, access: ReferralAccess): Promise<TriagePage> {
  const { referral, basis } = access;
  const tenantId = ctx.actor.tenantId;
  const facts = referral.personId ? await people.personFacts(tx, tenantId, referral.personId) : null;
  if (referral.personId && facts) await auditPersonRead(tx, ctx, referral.personId, basis, { purpose: 'triage decision', referralId: referral.id });
  const { partners, providers } = await routeOptions(tx, tenantId);
  const workers = await workerOptions(tx, tenantId, { organisationIds: [...partners, ...providers].map((o) => o.organisationId) });

  const areaId = referral.areaId ?? facts?.areaId ?? null;
  const current = [...partners, ...providers].find((o) => o.organisationId === referral.routedOrganisationId);
  const local = partners.find((p) => p.areaId === areaId);
  const suggested = current ?? local ?? null;
  const suggestedBecause = current
    ? 'Where it went before it came back to triage'
    : local
      ? referral.subject.district && referral.areaId
        ? `Suggested from their postcode district, ${referral.subject.district}`
        : 'Suggested from the area on their person record'
      : null;

  const blockedMessage = refusal(referral, 'route');
  const blocked = blockedMessage
    ? { message: blockedMessage, matchLink: false }
    : referral.matchStatus === 'needs_review' || !referral.personId ? { message: MATCH_FIRST, matchLink: true } : null;

  const personNeeds = facts?.needs ?? [];
  const yesNo = (value: boolean | null, unknown: string) => (value === true ? 'yes' : value === false ? 'no' : unknown);
  return {
    referral, partners, providers, workers, suggestedRoute: suggested ? `org:${suggested.organisationId}` : null, suggestedBecause, personNeeds, blocked,
    values: {
      version: String(referral.version),
      urgency: referral.urgency,
      reasons: referral.triageReasons ?? '',
      mentalHealthNeed: referral.mentalHealthNeed ?? '',
      // Before a first triage nothing is known, so nothing is ticked; after one, null was "not known".
      dualDiagnosis: referral.dualDiagnosis === null && !referral.triagedAt ? '' : yesNo(referral.dualDiagnosis, 'not_known'),
      offendingHistory: yesNo(referral.offendingHistory, 'not_asked'),
      needs: [...new Set([...referral.needs, ...personNeeds])].filter((n) => NEED_IDS.has(n)),
      route: suggested ? `org:${suggested.organisationId}` : '',
      workerId: referral.responsibleUserId ?? '',
    },
  };
}

/** The triage form for a referral waiting for triage, with what is known already filled in. */
export async function startTriage(ctx: StaffContext, id: string): Promise<TriagePage> {
  requireSinglePointOfAccess(ctx);
  return withReferral(ctx, id, 'read', async (tx, access) => {
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: access.referral.id, personId: access.referral.personId, basis: access.basis, outcome: 'success', detail: { form: 'triage' } });
    return triagePageIn(tx, ctx, access);
  }, 'read');
}

/**
 * Saves a triage decision: urgency (the deadline worked out again from the original date when it
 * changed), reasons, needs, and the route. Routing adds the referral to the organisation's waiting
 * list, lets the organisation reach the person, and tells its team (or the allocated worker).
 */
export async function saveTriage(ctx: StaffContext, id: string, form: PostedForm, options: Options): Promise<Referral> {
  requireSinglePointOfAccess(ctx);
  const { values, decision, problems } = readTriageForm(form, NEED_IDS);
  const now = options.now ?? new Date();
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    const tenantId = ctx.actor.tenantId;
    // Someone else's change beats everything: what this page says may no longer be true.
    expectVersion(referral, Number(values.version));
    mustMove(referral, 'route');
    mustKnowPerson(referral);
    const route = decision?.route;
    if (!decision || route?.kind !== 'organisation') throw invalid(problems.length ? problems : [{ field: 'route', message: 'Choose where this referral should go' }]);

    const { partners, providers } = await routeOptions(tx, tenantId);
    const destination = [...partners, ...providers].find((o) => o.organisationId === route.organisationId);
    if (!destination) throw invalid([{ field: 'route', message: 'Choose one of the organisations listed' }]);
    let worker: WorkerOption | null = null;
    if (decision.workerId) {
      worker = (await workerOptions(tx, tenantId, { organisationIds: [destination.organisationId] })).find((w) => w.id === decision.workerId) ?? null;
      if (!worker) {
        throw invalid([{ field: 'workerId', message: `Choose someone who works for ${destination.organisationName}, or leave it empty to allocate later` }]);
      }
    }

    const settings = await getTenantSettings(tx, tenantId);
    const urgencyChanged = decision.urgency !== referral.urgency;
    const dueAt = urgencyChanged ? dueAtFor(referral.originalReceivedAt, decision.urgency, settings) : referral.dueAt;
    const facts = await people.personFacts(tx, tenantId, referral.personId);
    // The area is where the person lives (the commissioner counts by it): the chosen area's
    // partner says so; a delivery network provider may work anywhere, so the person's own area stays.
    const areaId = destination.kind === 'strategic_partner' ? destination.areaId : (referral.areaId ?? facts?.areaId ?? destination.areaId);
    await changeState(tx, ctx, access, 'route', {
      triagedAt: now, triagedBy: ctx.actor.userId, triageReasons: decision.reasons, mentalHealthNeed: decision.mentalHealthNeed,
      dualDiagnosis: decision.dualDiagnosis, offendingHistory: decision.offendingHistory, areaId, routedOrganisationId: destination.organisationId,
      responsibleUserId: worker?.id ?? null, urgency: decision.urgency, dueAt,
    }, {
      note: decision.reasons,
      detail: {
        urgency: decision.urgency, ...(urgencyChanged ? { previousUrgency: referral.urgency, dueAt: dueAt.toISOString() } : {}),
        routedOrganisationId: destination.organisationId, areaId, responsibleUserId: worker?.id ?? null, needs: decision.needs,
      },
    });
    await grantPersonAccess(tx, { tenantId, personId: referral.personId, organisationId: destination.organisationId, basis: 'referral routed to organisation', sourceId: referral.id });
    // Asked once: what the triage worker settled on is what the person's record says they need.
    await people.updateNeeds(tx, tenantId, referral.personId, decision.needs);
    await audit(tx, ctx, {
      action: 'update', recordType: 'person', recordId: referral.personId, personId: referral.personId, basis: access.basis, outcome: 'success',
      detail: { changed: ['needs'], by: 'triage decision', referralId: referral.id, grantedTo: destination.organisationId },
    });
    await notifyTeam(tx, tenantId, destination.organisationId, worker?.id ?? null, (toWorker) => routedMessage({
      serviceName: settings.serviceName, reference: referral.reference, organisationName: destination.organisationName, dueAt,
      url: referralUrl(options.baseUrl, referral.id), toWorker,
    }), `referral:${referral.id}:routed:${referral.version}`);
    return (await readReferral(tx, tenantId, referral.id))!;
  }, 'triage');
}

// ---------------------------------------------------------------------------------------------
// Changing urgency while someone waits

export interface UrgencyPage {
  referral: Referral;
  blocked: string | null;
  values: Record<string, string>;
}

function urgencyBlock(referral: Referral): string | null {
  if (referral.state === 'received') return 'This referral is waiting for triage: set its urgency in the triage decision.';
  if (referral.state !== 'waiting') return 'This referral is closed, so its urgency can no longer change.';
  return null;
}

export async function startUrgencyChange(ctx: StaffContext, id: string): Promise<UrgencyPage> {
  requireRole(ctx.actor, PERSON_ROLES);
  return withReferral(ctx, id, 'read', async (tx, { referral, basis }) => {
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success', detail: { form: 'urgency' } });
    return { referral, blocked: urgencyBlock(referral), values: { version: String(referral.version), urgency: '', reason: '' } };
  });
}

/** Changes the urgency of a referral on a waiting list; the deadline is worked out again from the original date. */
export async function saveUrgencyChange(ctx: StaffContext, id: string, form: PostedForm, options: Options): Promise<Referral> {
  requireRole(ctx.actor, PERSON_ROLES);
  const { values, change, problems } = readUrgencyForm(form);
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    expectVersion(referral, Number(values.version));
    const blocked = urgencyBlock(referral);
    if (blocked) throw refused('invalid_state', blocked);
    if (!change) throw invalid(problems);
    if (change.urgency === referral.urgency) {
      throw invalid([{ field: 'urgency', message: `This referral is already ${change.urgency}. Choose a different urgency, or go back to the referral.` }]);
    }
    const settings = await getTenantSettings(tx, referral.tenantId);
    const dueAt = dueAtFor(referral.originalReceivedAt, change.urgency, settings);
    await recordChange(tx, ctx, access, 'urgency', { urgency: change.urgency, dueAt }, {
      note: change.reason, detail: { from: referral.urgency, to: change.urgency, dueAt: dueAt.toISOString() },
    });
    // More urgent now: the people who hold the waiting list must know today, not at their next look.
    if (URGENCY_RANK[change.urgency] < URGENCY_RANK[referral.urgency] && referral.routedOrganisationId) {
      await notifyTeam(tx, referral.tenantId, referral.routedOrganisationId, referral.responsibleUserId, () => urgencyRaisedMessage({
        reference: referral.reference, urgencyName: URGENCY_NAMES[change.urgency], dueAt, url: referralUrl(options.baseUrl, referral.id),
      }), `referral:${referral.id}:urgency:${referral.version}`);
    }
    return (await readReferral(tx, referral.tenantId, referral.id))!;
  }, 'urgency');
}

// ---------------------------------------------------------------------------------------------
// Who this is

export interface MatchPage {
  referral: Referral;
  candidates: people.MatchCandidate[];
  /** the decision was made already (or never needed) */
  decided: boolean;
  values: Record<string, string>;
}

/** Candidates for the person a referral describes. Each is a person record, so each read is audited. */
async function candidatesFor(tx: Queryable, ctx: StaffContext, access: ReferralAccess): Promise<people.MatchCandidate[]> {
  const candidates = await people.findLikelyMatches(tx, ctx.actor.tenantId, detailsOf(access.referral));
  for (const c of candidates) {
    await auditPersonRead(tx, ctx, c.id, access.basis, { purpose: 'possible match for a referral', referralId: access.referral.id, level: c.level });
  }
  return candidates;
}

export async function startMatch(ctx: StaffContext, id: string): Promise<MatchPage> {
  requireSinglePointOfAccess(ctx);
  return withReferral(ctx, id, 'read', async (tx, access) => {
    const { referral, basis } = access;
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success', detail: { form: 'match' } });
    const decided = referral.matchStatus !== 'needs_review';
    return { referral, decided, candidates: decided ? [] : await candidatesFor(tx, ctx, access), values: { version: String(referral.version), choice: '' } };
  });
}

/**
 * Records who the referred person is: someone already known (the referral is linked to them and
 * what it says is added to their record), or someone new (a record is made).
 */
export async function saveMatch(ctx: StaffContext, id: string, form: PostedForm): Promise<{ personId: string; decision: 'same' | 'new' }> {
  requireSinglePointOfAccess(ctx);
  const { choice, version, problems } = readMatchForm(form);
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral, basis } = access;
    const tenantId = ctx.actor.tenantId;
    expectVersion(referral, version);
    if (referral.matchStatus !== 'needs_review') throw refused('already_matched', 'Who this is has already been decided for this referral.');
    if (!choice) throw invalid(problems);
    const details = detailsOf(referral);
    let personId: string;
    let level: string | null = null;
    if (choice.kind === 'same') {
      const candidate = (await candidatesFor(tx, ctx, access)).find((c) => c.id === choice.personId);
      if (!candidate) throw invalid([{ field: 'choice', message: 'Choose one of the people listed, or that this is someone new' }]);
      personId = candidate.id;
      level = candidate.level;
      await people.addReferralDetails(tx, tenantId, personId, details);
      await audit(tx, ctx, { action: 'update', recordType: 'person', recordId: personId, personId, basis, outcome: 'success', detail: { by: 'person match', referralId: referral.id } });
    } else {
      personId = await people.createPersonRecord(tx, tenantId, details);
      await audit(tx, ctx, { action: 'create', recordType: 'person', recordId: personId, personId, basis, outcome: 'success', detail: { by: 'person match', referralId: referral.id } });
    }
    const decision = choice.kind;
    // The audit row of the change names the person the referral now belongs to.
    await recordChange(tx, ctx, { ...access, referral: { ...referral, personId } }, 'match',
      { personId, matchStatus: decision === 'same' ? 'linked' : 'created' },
      {
        note: decision === 'same' ? 'The same person as someone we already know' : 'Someone new: a new person record was made',
        detail: { decision, personId, level },
      });
    return { personId, decision };
  }, 'match');
}

// ---------------------------------------------------------------------------------------------
// Redirect

/** Where a listing would take the referral: onto a Lantern organisation's waiting list, or a signpost. */
export type RedirectRoute = 'lantern' | 'signpost' | 'ours' | 'current';

export interface RedirectOption {
  listing: Listing;
  route: RedirectRoute;
}

export interface RedirectPage {
  referral: Referral;
  q: string;
  results: RedirectOption[];
  searched: boolean;
  searchProblems: FieldError[];
  /** the service chosen before (shown even when the search has moved on) */
  chosen: RedirectOption | null;
  blocked: string | null;
  values: Record<string, string>;
}

/** Organisation staff may redirect only what waits on their own list; the single point of access, anything open. */
function redirectBlock(ctx: StaffContext, referral: Referral): string | null {
  if (!isSinglePointOfAccess(ctx) && referral.state !== 'waiting') {
    return 'You can redirect a referral only while it waits on your organisation’s waiting list.';
  }
  return refusal(referral, 'redirect');
}

/** The redirect form, with the directory searched for `q` (published listings only). */
export async function startRedirect(ctx: StaffContext, id: string, q: string, chosenId = ''): Promise<RedirectPage> {
  requireRole(ctx.actor, PERSON_ROLES);
  return withReferral(ctx, id, 'read', async (tx, { referral, basis }) => {
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success', detail: { form: 'redirect' } });
    const found = await findServices(tx, ctx.actor.tenantId, q);
    const listed = chosenId ? await getListing(tx, ctx.actor.tenantId, chosenId) : null;
    const chosen = listed && isPublished(listed) ? listed : null;
    const routes = await redirectRoutes(tx, referral, [...found.results.map((r) => r.listing), ...(chosen ? [chosen] : [])]);
    return {
      referral, q: found.q, results: found.results.map((r) => ({ listing: r.listing, route: routes.get(r.listing.id)! })), searched: found.searched,
      searchProblems: found.problems, chosen: chosen ? { listing: chosen, route: routes.get(chosen.id)! } : null, blocked: redirectBlock(ctx, referral),
      values: { version: String(referral.version), q: found.q, serviceId: chosenId, note: '', outsideEligibility: '' },
    };
  });
}

async function findServices(tx: Queryable, tenantId: string, q: string): Promise<{ q: string; results: SearchResult[]; searched: boolean; problems: FieldError[] }> {
  const text = q.trim().slice(0, 200);
  if (!text) return { q: text, results: [], searched: false, problems: [] };
  const { input } = readSearchInput({ q: text });
  const outcome = await searchDirectory(tx, tenantId, input);
  if ('problems' in outcome) return { q: text, results: [], searched: true, problems: outcome.problems };
  return { q: text, results: outcome.results, searched: true, problems: [] };
}

const isPublished = (listing: Listing) => listing.published && listing.status === 'active';

/** For each listing, where redirecting to it would take the referral. One query for all of them. */
async function redirectRoutes(tx: Queryable, referral: Referral, listings: Listing[]): Promise<Map<string, RedirectRoute>> {
  const orgIds = [...new Set(listings.flatMap((l) => (l.hubReferral && l.organisationId ? [l.organisationId] : [])))];
  const { rows } = orgIds.length
    ? await tx.query<{ id: string; kind: string }>('SELECT id, kind FROM organisations WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [referral.tenantId, orgIds])
    : { rows: [] };
  const kinds = new Map(rows.map((r) => [r.id, r.kind]));
  return new Map(listings.map((l): [string, RedirectRoute] => {
    const kind = l.hubReferral && l.organisationId ? kinds.get(l.organisationId) : undefined;
    if (kind === 'single_point_of_access') return [l.id, 'ours'];
    if (kind !== 'strategic_partner' && kind !== 'delivery_provider') return [l.id, 'signpost'];
    return [l.id, l.organisationId === referral.routedOrganisationId ? 'current' : 'lantern'];
  }));
}

export type RedirectOutcome =
  | { kind: 'routed'; referral: Referral; organisationName: string }
  | { kind: 'signposted'; messaged: 'email' | 'sms' | null };

interface HubDestination {
  organisationId: string;
  organisationName: string;
  kind: 'strategic_partner' | 'delivery_provider';
  areaId: string | null;
}

/**
 * Hands the referral to a directory service with a note. A service that takes referrals through
 * Lantern gets a new referral, made through the core with the ORIGINAL received date, routed
 * straight onto its waiting list (so the person keeps their place by that date); any other
 * service is signposted, and the person is told how to reach it if they said messages are safe.
 * Either way the old referral is closed as redirected and its organisation's access ends.
 */
export async function saveRedirect(ctx: StaffContext, id: string, form: PostedForm, options: Options): Promise<RedirectOutcome> {
  requireRole(ctx.actor, PERSON_ROLES);
  const { values, input, problems } = readRedirectForm(form);
  const now = options.now ?? new Date();
  const tenantId = ctx.actor.tenantId;

  type Plan =
    | { kind: 'signposted'; messaged: 'email' | 'sms' | null }
    | { kind: 'hub'; referral: Referral & { personId: string }; listing: Listing; destination: HubDestination; input: RedirectInput };
  const plan = await withReferral(ctx, id, 'update', async (tx, access): Promise<Plan> => {
    const { referral } = access;
    expectVersion(referral, Number(values.version));
    const blocked = redirectBlock(ctx, referral);
    if (blocked) throw refused('invalid_transition', blocked);
    const listing = values.serviceId ? await getListing(tx, tenantId, values.serviceId) : null;
    const fieldProblems = [...problems];
    if (values.serviceId && (!listing || !isPublished(listing))) {
      fieldProblems.unshift({ field: 'serviceId', message: 'That service is no longer in the directory. Search again and choose another' });
    }
    if (fieldProblems.length || !input || !listing) throw invalid(fieldProblems);

    const destination = listing.hubReferral && listing.organisationId ? await hubDestination(tx, tenantId, listing.organisationId) : null;
    if (destination === 'single point of access') {
      throw invalid([{ field: 'serviceId', message: 'That is our own service. To keep the referral here, triage it instead of redirecting it' }]);
    }
    if (destination && destination.organisationId === referral.routedOrganisationId) {
      throw invalid([{ field: 'serviceId', message: `This referral is already with ${destination.organisationName}. Choose another service` }]);
    }
    if (destination) {
      mustKnowPerson(referral);
      return { kind: 'hub', referral, listing, destination, input };
    }

    // Signposting: the referral closes here, with where the person was pointed and why.
    const messaged = await signpost(tx, ctx, access, listing);
    await changeState(tx, ctx, access, 'redirect', {
      redirectServiceId: listing.id, redirectServiceName: listing.name, redirectNote: input.note, closedAt: now,
    }, { note: input.note, detail: { serviceId: listing.id, outsideEligibility: input.outsideEligibility, messaged } });
    await endPersonAccess(tx, tenantId, referral.id);
    return { kind: 'signposted', messaged };
  }, 'redirect');
  if (plan.kind === 'signposted') return plan;

  // A service in Lantern: a new referral for it through the core, so it is made, matched (to the
  // same person), acknowledged and audited like any other. The key makes a repeated attempt give
  // back the same new referral rather than a second one.
  const { referral: original, input: redirect } = plan;
  const { referral: created, replayed } = await submitReferral(ctx, tenantId, redirectSubmission(original, plan.destination), { baseUrl: options.baseUrl, now });
  try {
    return await withReferral(ctx, id, 'update', async (tx, access) => {
      expectVersion(access.referral, original.version);
      const settings = await getTenantSettings(tx, tenantId);
      const routed = await routeRedirected(tx, ctx, created.id, original, plan.destination, redirect.note, settings, now);
      await changeState(tx, ctx, access, 'redirect', {
        redirectServiceId: plan.listing.id, redirectServiceName: plan.listing.name, redirectNote: redirect.note, redirectedToId: routed.id, closedAt: now,
      }, {
        note: redirect.note,
        detail: { serviceId: plan.listing.id, organisationId: plan.destination.organisationId, newReferralId: routed.id, outsideEligibility: redirect.outsideEligibility },
      });
      await endPersonAccess(tx, tenantId, original.id);
      await notifyTeam(tx, tenantId, plan.destination.organisationId, null, (toWorker) => routedMessage({
        serviceName: settings.serviceName, reference: routed.reference, organisationName: plan.destination.organisationName, dueAt: routed.dueAt,
        url: referralUrl(options.baseUrl, routed.id), toWorker,
      }), `referral:${routed.id}:routed:redirect`);
      return { kind: 'routed' as const, referral: routed, organisationName: plan.destination.organisationName };
    }, 'redirect');
  } catch (error) {
    // The redirect did not complete (someone changed the referral meanwhile): the new referral
    // made for it must not wait in the triage queue as if someone had sent it.
    if (!replayed && error instanceof AppError) await withdrawUnfinished(ctx, created.id, original.reference);
    throw error;
  }
}

async function hubDestination(tx: Queryable, tenantId: string, organisationId: string): Promise<HubDestination | 'single point of access' | null> {
  const { rows } = await tx.query<{ id: string; name: string; kind: string; area_id: string | null }>(
    'SELECT id, name, kind, area_id FROM organisations WHERE tenant_id = $1 AND id = $2',
    [tenantId, organisationId],
  );
  const org = rows[0];
  if (!org) return null;
  if (org.kind === 'single_point_of_access') return 'single point of access';
  if (org.kind !== 'strategic_partner' && org.kind !== 'delivery_provider') return null;
  return { organisationId: org.id, organisationName: org.name, kind: org.kind, areaId: org.area_id };
}

/** The new referral for a service in Lantern: what the first one said, the person already known, and the original date. */
function redirectSubmission(original: Referral & { personId: string }, destination: HubDestination): ReferralSubmission {
  return {
    source: original.source,
    channel: original.channel,
    // The referrer stays who they were (they can follow it); no second acknowledgement goes to them.
    referrer: { ...original.referrer, email: null },
    person: original.subject,
    contactPreferences: hasPreferences(original.contactPreferences) ? original.contactPreferences : null,
    consentGpShare: original.consentGpShare,
    personConsents: original.personConsents,
    reason: original.reason,
    needs: original.needs,
    // Urgency and the crisis flag are set when it is routed, so no crisis alert goes back to triage.
    crisis: false,
    requestedUrgency: null,
    idempotencyKey: `redirect:${original.id}:${destination.organisationId}`,
    originalReceivedAt: original.originalReceivedAt,
    redirectedFromId: original.id,
    knownPersonId: original.personId,
  };
}

/** Puts the redirected referral straight on the destination's waiting list, with the first referral's triage. */
async function routeRedirected(
  tx: Transaction, ctx: StaffContext, newId: string, original: Referral, destination: HubDestination, note: string, settings: TenantSettings, now: Date,
): Promise<Referral> {
  const tenantId = ctx.actor.tenantId;
  const created = (await readReferral(tx, tenantId, newId, true))!;
  if (created.state === 'received') {
    await changeState(tx, ctx, { referral: created, basis: `redirected from referral ${original.reference}` }, 'route', {
      routedOrganisationId: destination.organisationId,
      areaId: destination.kind === 'strategic_partner' ? destination.areaId : (created.areaId ?? destination.areaId),
      urgency: original.urgency, crisisFlag: original.crisisFlag, dueAt: dueAtFor(created.originalReceivedAt, original.urgency, settings),
      triagedAt: now, triagedBy: ctx.actor.userId, triageReasons: note, mentalHealthNeed: original.mentalHealthNeed,
      dualDiagnosis: original.dualDiagnosis, offendingHistory: original.offendingHistory,
    }, { note, detail: { redirectedFromId: original.id } });
  }
  await grantPersonAccess(tx, { tenantId, personId: original.personId!, organisationId: destination.organisationId, basis: 'referral routed to organisation', sourceId: created.id });
  return (await readReferral(tx, tenantId, newId))!;
}

async function withdrawUnfinished(ctx: StaffContext, newId: string, originalReference: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const created = await readReferral(tx, ctx.actor.tenantId, newId, true);
    if (!created || created.state !== 'received') return;
    await changeState(tx, ctx, { referral: created, basis: `redirect of referral ${originalReference} did not complete` }, 'withdraw', {
      closedAt: new Date(), closeReason: 'entered_in_error', closeNote: `Made for a redirect of referral ${originalReference} that did not complete.`,
    });
  });
}

/** Tells the person where to go (service name and how to reach it), if they said email or texts are safe. */
async function signpost(tx: Queryable, ctx: StaffContext, access: ReferralAccess, listing: Listing): Promise<'email' | 'sms' | null> {
  const { referral } = access;
  const facts = referral.personId ? await people.personFacts(tx, referral.tenantId, referral.personId) : null;
  const prefs = facts ? facts.contactPreferences : referral.contactPreferences;
  const email = facts?.email ?? referral.subject.email;
  const phone = facts?.phone ?? referral.subject.phone;
  const channel = email && mayMessage(prefs, 'email') ? 'email' : phone && mayMessage(prefs, 'sms') ? 'sms' : null;
  if (!channel) return null;
  const settings = await getTenantSettings(tx, referral.tenantId);
  await queueNotification(tx, {
    tenantId: referral.tenantId, channel, recipient: channel === 'email' ? email! : phone!,
    ...signpostMessage({ serviceName: settings.serviceName, reference: referral.reference, listing, sms: channel === 'sms' }),
    reference: `referral:${referral.id}:signposted`,
  });
  return channel;
}

// ---------------------------------------------------------------------------------------------
// Allocation

export interface AllocationPage {
  referral: Referral;
  workers: WorkerOption[];
  /** whose staff these are, in words */
  team: string;
  blocked: string | null;
  values: Record<string, string>;
}

async function allocationWorkers(tx: Queryable, referral: Referral): Promise<{ workers: WorkerOption[]; team: string }> {
  if (referral.routedOrganisationId) {
    return { workers: await workerOptions(tx, referral.tenantId, { organisationIds: [referral.routedOrganisationId] }), team: referral.routedOrganisationName ?? 'the organisation' };
  }
  return { workers: await workerOptions(tx, referral.tenantId, 'single point of access'), team: 'the single point of access' };
}

const allocationBlock = (referral: Referral) =>
  referral.state === 'received' || referral.state === 'waiting' ? null : 'This referral is closed, so it has no responsible worker to change.';

export async function startAllocation(ctx: StaffContext, id: string): Promise<AllocationPage> {
  requireRole(ctx.actor, PERSON_ROLES);
  return withReferral(ctx, id, 'read', async (tx, { referral, basis }) => {
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success', detail: { form: 'allocate' } });
    return { referral, ...(await allocationWorkers(tx, referral)), blocked: allocationBlock(referral), values: { version: String(referral.version), workerId: '', note: '' } };
  });
}

/** Names the referral's responsible worker. Giving it to someone else needs a handover note. */
export async function saveAllocation(ctx: StaffContext, id: string, form: PostedForm, options: Options): Promise<Referral> {
  requireRole(ctx.actor, PERSON_ROLES);
  const { values, input, problems } = readAllocationForm(form);
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    expectVersion(referral, Number(values.version));
    const blocked = allocationBlock(referral);
    if (blocked) throw refused('invalid_state', blocked);
    const { workers, team } = await allocationWorkers(tx, referral);
    const fieldProblems = [...problems];
    const worker = input ? workers.find((w) => w.id === input.workerId) : undefined;
    if (input && !worker) fieldProblems.unshift({ field: 'workerId', message: `Choose someone who works for ${team}` });
    if (worker && worker.id === referral.responsibleUserId) {
      fieldProblems.unshift({ field: 'workerId', message: `${worker.name} is already responsible for this referral. Choose someone else, or go back` });
    }
    const reallocation = referral.responsibleUserId !== null;
    if (reallocation && !values.note) {
      fieldProblems.push({ field: 'note', message: `Write a handover note for the new worker: what ${referral.responsibleUserName ?? 'the worker before'} knows that they need to know` });
    }
    if (fieldProblems.length || !input || !worker) throw invalid(fieldProblems);
    await recordChange(tx, ctx, access, 'allocate', { responsibleUserId: worker.id }, {
      note: input.note || null, detail: { from: referral.responsibleUserId, to: worker.id, handover: reallocation },
    });
    // Someone taking a referral on themselves does not need telling.
    if (worker.id !== ctx.actor.userId) {
      await queueNotification(tx, {
        tenantId: referral.tenantId, channel: 'email', recipient: worker.email,
        ...allocatedMessage({ reference: referral.reference, handover: reallocation, url: referralUrl(options.baseUrl, referral.id) }),
        reference: `referral:${referral.id}:allocated:${referral.version}`,
      });
    }
    return (await readReferral(tx, referral.tenantId, referral.id))!;
  }, 'allocate');
}

// ---------------------------------------------------------------------------------------------
// Withdrawal

export interface WithdrawalPage {
  referral: Referral;
  blocked: string | null;
  values: Record<string, string>;
}

export async function startWithdrawal(ctx: StaffContext, id: string): Promise<WithdrawalPage> {
  requireSinglePointOfAccess(ctx);
  return withReferral(ctx, id, 'read', async (tx, { referral, basis }) => {
    await audit(tx, ctx, { action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis, outcome: 'success', detail: { form: 'withdraw' } });
    return { referral, blocked: refusal(referral, 'withdraw'), values: { version: String(referral.version), reason: '', note: '' } };
  });
}

/** Withdraws a referral that should not exist (a duplicate, or entered in error). Any access it gave ends. */
export async function saveWithdrawal(ctx: StaffContext, id: string, form: PostedForm, options: Pick<Options, 'now'> = {}): Promise<Referral> {
  requireSinglePointOfAccess(ctx);
  const { values, input, problems } = readWithdrawalForm(form);
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    expectVersion(referral, Number(values.version));
    mustMove(referral, 'withdraw');
    if (!input) throw invalid(problems);
    await changeState(tx, ctx, access, 'withdraw', { closedAt: options.now ?? new Date(), closeReason: input.reason, closeNote: input.note }, {
      note: `${WITHDRAW_REASONS[input.reason]}: ${input.note}`, detail: { reason: input.reason },
    });
    await endPersonAccess(tx, referral.tenantId, referral.id);
    return (await readReferral(tx, referral.tenantId, referral.id))!;
  }, 'withdraw');
}

