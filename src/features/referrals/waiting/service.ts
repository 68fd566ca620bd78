// Waiting and sign-up: the waiting list (one responsible worker for each person, how long they
// have waited, when they were last contacted, who is due a contact), recording attempts to
// contact in the way the person said is safe, signing up (which opens a support episode), closing
// as "unable to sign up" with a reason the commissioner's report counts, reopening, and handing a
// referral back to the single point of access.
//
// Every function decides access in the referral core (withReferral: role x relationship, 404 for
// no relationship) and writes its audit rows in the same transaction as its work. A refused
// change writes nothing but the audit of the refusal.
import crypto from 'node:crypto';
import type { Queryable } from '../../../db/database.ts';
import {
  ATTEMPT_CHANNEL_NAMES, ATTEMPT_OUTCOME_NAMES, readAttemptForm, safeContactSummary, type AttemptForm,
} from '../../../domain/contact-attempts.ts';
import type { ContactPreferences } from '../../../domain/contact-preferences.ts';
import { londonTime } from '../../../domain/london-time.ts';
import { parseDateParts } from '../../../domain/person-fields.ts';
import { isOpen, transition, type ReferralAction } from '../../../domain/referral-states.ts';
import { closeNoteOf, contactDueBefore, isContactDue, readRequiredNote, readUnableForm } from '../../../domain/waiting.ts';
import { describeDeadline, describeWait, londonDate, startOfLondonDay, type DeadlineDescription, type Urgency } from '../../../domain/working-days.ts';
import { endPersonAccess, grantPersonAccess, requireRole } from '../../../platform/access.ts';
import { audit } from '../../../platform/audit.ts';
import type { StaffContext } from '../../../platform/context.ts';
import { AppError, conflict, invalid, type FieldError } from '../../../platform/errors.ts';
import { getTenantSettings } from '../../../platform/tenant-settings.ts';
import { openEpisode } from '../../episodes/service.ts';
import { contactPreferencesOf, personNames } from '../../people/service.ts';
import type { Referral } from '../model.ts';
import type { ReferralChanges } from '../store.ts';
import { changeState, expectVersion, recordChange, withReferral, type ReferralAccess } from '../service.ts';
import * as store from './store.ts';

/** Staff who work with named people's referrals. Commissioners and referrers are refused with 403. */
const WAITING_ROLES = ['admin', 'triage', 'navigator', 'provider'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The basis of access for the routed organisation's grant to the person (src/platform/access.ts). */
export const ROUTED_BASIS = 'referral routed to organisation';

// ---------------------------------------------------------------------------------------------
// The waiting list

export const PAGE_SIZE = 50;
/** Counting stops here: past it, narrow the list with the filters. */
export const MAX_COUNTED = 1_000;

export interface WaitingFilters {
  /** triage and admin only: one organisation's list */
  organisationId: string | null;
  /** triage and admin only */
  areaId: string | null;
  /** a worker's id, or 'none' for nobody allocated */
  worker: string | null;
  /** only the people the signed-in worker is responsible for */
  mine: boolean;
  sort: store.WaitingSort;
  page: number;
}

/** The filters from the page's address; anything unrecognised is left out rather than refused. */
export function readWaitingFilters(query: Record<string, string | undefined>): WaitingFilters {
  const uuid = (v: string | undefined) => (v && UUID.test(v) ? v.toLowerCase() : null);
  const sort = (store.WAITING_SORTS as readonly string[]).includes(query.sort ?? '') ? (query.sort as store.WaitingSort) : 'waiting';
  const page = Number(query.page);
  return {
    organisationId: uuid(query.organisation),
    areaId: uuid(query.area),
    worker: query.worker === 'none' ? 'none' : uuid(query.worker),
    mine: query.mine === 'yes',
    sort,
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, Math.ceil(MAX_COUNTED / PAGE_SIZE)) : 1,
  };
}

export interface WaitingRow {
  id: string;
  reference: string;
  personName: string;
  dateOfBirth: string | null;
  urgency: Urgency;
  crisisFlag: boolean;
  originalReceivedAt: Date;
  waited: string;
  lastContactAt: Date | null;
  contactDue: boolean;
  /** the first-response deadline, while nobody has reached them */
  deadline: DeadlineDescription | null;
  dueAt: Date;
  attempts: number;
  responsibleUserName: string | null;
  mine: boolean;
  organisationName: string | null;
  areaName: string | null;
}

export interface WaitingListPage {
  rows: WaitingRow[];
  total: number;
  /** more than MAX_COUNTED match */
  more: boolean;
  contactDue: number;
  contactDueMore: boolean;
  page: number;
  pages: number;
  filters: WaitingFilters;
  /** the whole tenant's lists (triage, admin) or one organisation's */
  wholeTenant: boolean;
  noContactReminderDays: number;
  organisations: store.Option[];
  areas: store.Option[];
  workers: store.Option[];
}

/**
 * A waiting list: for navigators and providers their own organisation's, for the single point of
 * access and administrators every organisation's. The list is audited as one search, with the
 * referrals it showed.
 */
export async function listWaiting(ctx: StaffContext, input: WaitingFilters, now = new Date()): Promise<WaitingListPage> {
  requireRole(ctx.actor, WAITING_ROLES);
  const wholeTenant = ctx.actor.role === 'admin' || ctx.actor.role === 'triage';
  const tenantId = ctx.actor.tenantId;
  return ctx.db.transaction(async (tx) => {
    const settings = await getTenantSettings(tx, tenantId);
    const organisations = wholeTenant ? await store.routableOrganisations(tx, tenantId) : [];
    const areas = wholeTenant ? await store.tenantAreas(tx, tenantId) : [];
    const scopeOrganisation = wholeTenant ? null : ctx.actor.organisationId;
    const workers = await store.waitingWorkers(tx, tenantId, scopeOrganisation ?? input.organisationId);
    // Filters name only things the person can choose from; anything else is dropped.
    const filters: WaitingFilters = {
      ...input,
      organisationId: wholeTenant && organisations.some((o) => o.id === input.organisationId) ? input.organisationId : null,
      areaId: wholeTenant && areas.some((a) => a.id === input.areaId) ? input.areaId : null,
      worker: input.mine ? null : input.worker === 'none' || workers.some((w) => w.id === input.worker) ? input.worker : null,
    };
    const found = await store.queryWaitingList(tx, {
      tenantId,
      organisationId: scopeOrganisation ?? filters.organisationId,
      areaId: filters.areaId,
      worker: filters.mine ? ctx.actor.userId : filters.worker,
      contactDueBefore: contactDueBefore(now, settings.noContactReminderDays),
      sort: filters.sort,
      limit: PAGE_SIZE,
      offset: (filters.page - 1) * PAGE_SIZE,
    }, MAX_COUNTED);
    const names = await personNames(tx, tenantId, found.rows.flatMap((r) => (r.personId ? [r.personId] : [])));
    const rows: WaitingRow[] = found.rows.map((r) => {
      const person = r.personId ? names.get(r.personId) : undefined;
      return {
        id: r.id,
        reference: r.reference,
        personName: person ? `${person.givenName} ${person.familyName}` : `${r.givenName} ${r.familyName}`,
        dateOfBirth: person?.dateOfBirth ?? r.dateOfBirth,
        urgency: r.urgency,
        crisisFlag: r.crisisFlag,
        originalReceivedAt: r.originalReceivedAt,
        waited: describeWait(r.originalReceivedAt, now),
        lastContactAt: r.lastContactAt,
        contactDue: isContactDue(r, now, settings.noContactReminderDays),
        deadline: r.firstReachedAt ? null : describeDeadline(r.dueAt, now),
        dueAt: r.dueAt,
        attempts: r.contactAttempts,
        responsibleUserName: r.responsibleUserName,
        mine: r.responsibleUserId === ctx.actor.userId,
        organisationName: r.routedOrganisationName,
        areaName: r.areaName,
      };
    });
    const total = Math.min(found.total, MAX_COUNTED);
    await audit(tx, ctx, {
      action: 'referral.search', recordType: 'referral', outcome: 'success',
      basis: wholeTenant ? (ctx.actor.role === 'admin' ? 'tenant administrator' : 'single point of access') : 'referrals routed to organisation',
      detail: {
        list: 'waiting list', filters: { ...filters, organisationId: scopeOrganisation ?? filters.organisationId }, total, more: found.total > MAX_COUNTED,
        referralIds: rows.map((r) => r.id), personIds: found.rows.flatMap((r) => (r.personId ? [r.personId] : [])),
      },
    });
    return {
      rows, total, more: found.total > MAX_COUNTED, contactDue: Math.min(found.contactDue, MAX_COUNTED), contactDueMore: found.contactDue > MAX_COUNTED,
      page: filters.page, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)), filters, wholeTenant,
      noContactReminderDays: settings.noContactReminderDays, organisations, areas, workers,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Shared by the forms

/** A form page's read of the referral: access decided, the read audited with its purpose. */
async function readForForm<T>(ctx: StaffContext, id: string, view: string, work: (tx: Queryable, access: ReferralAccess) => Promise<T>): Promise<T> {
  requireRole(ctx.actor, WAITING_ROLES);
  return withReferral(ctx, id, 'read', async (tx, access) => {
    await audit(tx, ctx, {
      action: 'referral.read', recordType: 'referral', recordId: access.referral.id, personId: access.referral.personId,
      basis: access.basis, outcome: 'success', detail: { view },
    });
    return work(tx, access);
  });
}

/** Refuses, with the state machine's own words, an action the referral's state does not allow. */
function requireAllowed(referral: Referral, action: ReferralAction): void {
  const moved = transition(referral.state, action, { routed: referral.routedOrganisationId !== null, fastTrack: referral.fastTrack });
  if (!moved.ok) throw new AppError({ status: 409, code: 'invalid_transition', message: moved.message });
}

/** Why there is nothing to chase on a closed referral, and what to do instead. */
function closedForContact(referral: Referral): string {
  switch (referral.state) {
    case 'signed_up': return 'This referral is signed up, so attempts to contact are no longer recorded here. Record contacts in their support episode.';
    case 'unable_to_sign_up': return 'This referral was closed as unable to sign up. If the person has been in touch, reopen it first.';
    case 'redirected': return 'This referral has been redirected to another service, so there is no one to contact from here.';
    case 'withdrawn': return 'This referral has been withdrawn, so there is no one to contact from here.';
    default: return 'This referral is not open.';
  }
}

function dateParts(instant: Date): { day: string; month: string; year: string } {
  const [year, month, day] = londonDate(instant).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year! };
}

/** How it is safe to contact them: what their person record says now, else what the referral said. */
async function preferencesFor(tx: Queryable, referral: Referral): Promise<ContactPreferences> {
  return (referral.personId ? await contactPreferencesOf(tx, referral.tenantId, referral.personId) : null) ?? referral.contactPreferences;
}

/** A stale save as a problem shown on the form, so what was typed is kept and saving again is deliberate. */
export function staleAsFormError(error: AppError, field: string): AppError {
  if (error.code !== 'stale') return error;
  return new AppError({ status: 409, code: 'stale', message: error.message, fields: [{ field, message: error.message }] });
}

// ---------------------------------------------------------------------------------------------
// Contact attempts

export interface ContactAttemptPage {
  referral: Referral;
  preferences: ContactPreferences;
  safe: ReturnType<typeof safeContactSummary>;
  attempts: (store.RecordedAttempt & { channelName: string; outcomeName: string })[];
  defaults: { day: string; month: string; year: string; time: string };
  formKey: string;
  waited: string;
  deadline: DeadlineDescription | null;
}

export async function contactAttemptPage(ctx: StaffContext, id: string, now = new Date()): Promise<ContactAttemptPage> {
  return readForForm(ctx, id, 'contact attempt form', async (tx, { referral }) => {
    if (!isOpen(referral.state)) throw conflict(closedForContact(referral));
    const preferences = await preferencesFor(tx, referral);
    const attempts = (await store.readAttempts(tx, referral.tenantId, referral.id)).map((a) => ({
      ...a, channelName: ATTEMPT_CHANNEL_NAMES[a.channel], outcomeName: ATTEMPT_OUTCOME_NAMES[a.outcome],
    }));
    return {
      referral, preferences, safe: safeContactSummary(preferences), attempts,
      defaults: { ...dateParts(now), time: londonTime(now) }, formKey: crypto.randomUUID(),
      waited: describeWait(referral.originalReceivedAt, now),
      deadline: referral.firstReachedAt ? null : describeDeadline(referral.dueAt, now),
    };
  });
}

/**
 * Records an attempt to contact the person. Refused when it breaks what they said is safe. Moves
 * the last contact on, counts the attempt, and the first time they are reached (spoke, met,
 * declined) stops the first-response clock. A form sent twice records one attempt.
 */
export async function recordContactAttempt(
  ctx: StaffContext,
  id: string,
  form: AttemptForm & { formKey?: string },
  now = new Date(),
): Promise<{ attemptId: string; replayed: boolean }> {
  requireRole(ctx.actor, WAITING_ROLES);
  const formKey = form.formKey && UUID.test(form.formKey) ? form.formKey : null;
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    if (formKey) {
      const earlier = await store.attemptByFormKey(tx, referral.tenantId, formKey);
      if (earlier) return { attemptId: earlier, replayed: true };
    }
    if (!isOpen(referral.state)) throw conflict(closedForContact(referral));
    const read = readAttemptForm(form, { now, receivedAt: referral.receivedAt, preferences: await preferencesFor(tx, referral) });
    if (!read.ok) throw invalid(read.problems);
    const attempt = read.value;
    const attemptId = await store.insertAttempt(tx, { tenantId: referral.tenantId, referralId: referral.id, byUserId: ctx.actor.userId, formKey, attempt });
    if (!attemptId) throw new Error('a contact attempt with this form key was neither recorded nor found');
    const changes: ReferralChanges = {
      lastContactAt: referral.lastContactAt && referral.lastContactAt > attempt.at ? referral.lastContactAt : attempt.at,
      contactAttempts: referral.contactAttempts + 1,
    };
    if (attempt.reached && (!referral.firstReachedAt || attempt.at < referral.firstReachedAt)) changes.firstReachedAt = attempt.at;
    const summary = `${ATTEMPT_CHANNEL_NAMES[attempt.channel]}: ${ATTEMPT_OUTCOME_NAMES[attempt.outcome].toLowerCase()}.`;
    await recordChange(tx, ctx, access, 'contact_attempt', changes, {
      note: attempt.note ? `${summary} ${attempt.note}` : summary,
      detail: { attemptId, at: attempt.at.toISOString(), channel: attempt.channel, outcome: attempt.outcome, reached: attempt.reached, firstReached: 'firstReachedAt' in changes },
    });
    return { attemptId, replayed: false };
  });
}

// ---------------------------------------------------------------------------------------------
// Sign-up

export interface SignUpPage {
  referral: Referral;
  /** the person record is decided (linked or newly made); otherwise "check who this is first" */
  matched: boolean;
  workers: store.Worker[];
  /** the organisation the support will be with, when the referral has been routed */
  organisationName: string | null;
  defaults: { worker: string; day: string; month: string; year: string };
  formKey: string;
}

async function signUpWorkers(tx: Queryable, referral: Referral): Promise<store.Worker[]> {
  return store.supportWorkers(tx, referral.tenantId, referral.routedOrganisationId);
}

export async function signUpPage(ctx: StaffContext, id: string, now = new Date()): Promise<SignUpPage> {
  return readForForm(ctx, id, 'sign-up form', async (tx, { referral }) => {
    requireAllowed(referral, 'sign_up');
    const workers = await signUpWorkers(tx, referral);
    const responsible = workers.find((w) => w.id === referral.responsibleUserId);
    return {
      referral,
      matched: referral.personId !== null,
      workers,
      organisationName: referral.routedOrganisationName,
      defaults: { worker: responsible?.id ?? '', ...dateParts(now) },
      formKey: crypto.randomUUID(),
    };
  });
}

export interface SignUpForm {
  worker: string;
  day: string;
  month: string;
  year: string;
  version: string;
  formKey: string;
}

/** Said when the person record is not decided yet; the sign-up page links to the match page. */
export const CHECK_WHO_FIRST = 'Check who this is first. Someone we already know may be this person: decide whether to link them to a person record before signing them up.';

/**
 * Signs the person up: in one transaction, the referral moves to "signed up" and a support
 * episode opens with the chosen worker. A person has at most one open episode; a form sent twice
 * gives back the sign-up the first made.
 */
export async function signUp(ctx: StaffContext, id: string, form: SignUpForm, now = new Date()): Promise<{ episodeId: string; replayed: boolean }> {
  requireRole(ctx.actor, WAITING_ROLES);
  const formKey = UUID.test(form.formKey ?? '') ? form.formKey : null;
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    if (formKey && referral.episodeId && (await store.signUpByFormKey(tx, referral.tenantId, referral.id, formKey))) {
      await audit(tx, ctx, {
        action: 'referral.read', recordType: 'referral', recordId: referral.id, personId: referral.personId, basis: access.basis, outcome: 'success',
        detail: { view: 'sign-up sent again', episodeId: referral.episodeId },
      });
      return { episodeId: referral.episodeId, replayed: true };
    }
    requireAllowed(referral, 'sign_up');
    expectVersion(referral, Number(form.version));
    if (!referral.personId) throw new AppError({ status: 409, code: 'match_needed', message: CHECK_WHO_FIRST });

    const problems: FieldError[] = [];
    const workers = await signUpWorkers(tx, referral);
    const worker = workers.find((w) => w.id === form.worker);
    if (!worker) {
      problems.push({
        field: 'worker',
        message: referral.routedOrganisationName ? `Select a worker at ${referral.routedOrganisationName}` : 'Select the worker who will support them',
      });
    }
    const today = londonDate(now);
    const date = parseDateParts(form, { label: 'the date support started', today, past: false });
    const received = londonDate(referral.receivedAt);
    if (!date.ok) problems.push({ field: `started-${date.part ?? 'day'}`, message: date.message });
    else if (date.value! > today) problems.push({ field: 'started-day', message: 'The date support started must be today or in the past' });
    else if (date.value! < received) problems.push({ field: 'started-day', message: `The date support started must be on or after the day the referral came in, ${formatUkDate(received)}` });
    if (problems.length > 0 || !worker || !date.ok) throw invalid(problems);

    const dayStart = startOfLondonDay(date.value!);
    const startedAt = date.value === today ? now : dayStart < referral.receivedAt ? referral.receivedAt : dayStart;
    const episodeId = await openEpisode(tx, ctx, {
      tenantId: referral.tenantId, personId: referral.personId, referralId: referral.id, organisationId: worker.organisationId,
      workerId: worker.id, startedAt, basis: access.basis,
    });
    await changeState(tx, ctx, access, 'sign_up', {
      signedUpAt: startedAt, episodeId, responsibleUserId: worker.id,
      ...(referral.routedOrganisationId ? {} : { routedOrganisationId: worker.organisationId }),
    }, { detail: { formKey, episodeId, workerId: worker.id, organisationId: worker.organisationId, startedOn: date.value } });
    // The episode now gives the organisation its access to the person; the referral's grant ends.
    await endPersonAccess(tx, referral.tenantId, referral.id);
    return { episodeId, replayed: false };
  });
}

function formatUkDate(date: string): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

// ---------------------------------------------------------------------------------------------
// Unable to sign up

export interface UnablePage {
  referral: Referral;
  attemptsNeeded: number;
}

export async function unablePage(ctx: StaffContext, id: string): Promise<UnablePage> {
  return readForForm(ctx, id, 'unable to sign up form', async (tx, { referral }) => {
    requireAllowed(referral, 'unable_to_sign_up');
    const settings = await getTenantSettings(tx, referral.tenantId);
    return { referral, attemptsNeeded: settings.contactAttemptsBeforeClosing };
  });
}

/**
 * Closes the referral as unable to sign up, with the reason the commissioner's report counts.
 * The routed organisation's access to the person ends.
 */
export async function closeUnable(
  ctx: StaffContext,
  id: string,
  form: { reason: string; note: string; signposting: string; version: string },
  now = new Date(),
): Promise<void> {
  requireRole(ctx.actor, WAITING_ROLES);
  await withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    requireAllowed(referral, 'unable_to_sign_up');
    expectVersion(referral, Number(form.version));
    const settings = await getTenantSettings(tx, referral.tenantId);
    const read = readUnableForm(form, { attempts: referral.contactAttempts, attemptsNeeded: settings.contactAttemptsBeforeClosing });
    if (!read.ok) throw invalid(read.problems);
    const decision = read.value;
    await changeState(tx, ctx, access, 'unable_to_sign_up', {
      closedAt: now, closeReason: decision.reason, closeNote: closeNoteOf(decision),
    }, {
      note: closeNoteOf(decision),
      detail: { reason: decision.reason, attempts: referral.contactAttempts, signposting: decision.signposting },
    });
    if (referral.routedOrganisationId) await endPersonAccess(tx, referral.tenantId, referral.id, referral.routedOrganisationId);
  });
}

// ---------------------------------------------------------------------------------------------
// Reopening, and handing back to the single point of access

export async function reopenPage(ctx: StaffContext, id: string): Promise<{ referral: Referral }> {
  return readForForm(ctx, id, 'reopen form', async (_tx, { referral }) => {
    requireAllowed(referral, 'reopen');
    return { referral };
  });
}

/** Reopens a referral closed as unable to sign up (the person called back); the routed organisation's access comes back. */
export async function reopen(ctx: StaffContext, id: string, form: { note: string; version: string }): Promise<void> {
  requireRole(ctx.actor, WAITING_ROLES);
  await withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    requireAllowed(referral, 'reopen');
    expectVersion(referral, Number(form.version));
    const note = readRequiredNote(form.note, 'why you are reopening it, like: they called back and would like support');
    if (!note.ok) throw invalid([{ field: 'note', message: note.message }]);
    await changeState(tx, ctx, access, 'reopen', { closedAt: null, closeReason: null, closeNote: null }, {
      note: note.value, detail: { closedAs: referral.closeReason },
    });
    if (referral.routedOrganisationId && referral.personId) {
      await grantPersonAccess(tx, { tenantId: referral.tenantId, personId: referral.personId, organisationId: referral.routedOrganisationId, basis: ROUTED_BASIS, sourceId: referral.id });
    }
  });
}

export async function returnPage(ctx: StaffContext, id: string): Promise<{ referral: Referral }> {
  return readForForm(ctx, id, 'return to triage form', async (_tx, { referral }) => {
    requireAllowed(referral, 'return_to_triage');
    return { referral };
  });
}

/**
 * The routed organisation hands the referral back to the single point of access with a note. Its
 * access ends, and the referral goes back into the triage queue in order of its original deadline.
 * Returns whether the caller can still open the referral (the single point of access can).
 */
export async function returnToTriage(ctx: StaffContext, id: string, form: { note: string; version: string }): Promise<{ reference: string; canStillSee: boolean }> {
  requireRole(ctx.actor, WAITING_ROLES);
  return withReferral(ctx, id, 'update', async (tx, access) => {
    const { referral } = access;
    requireAllowed(referral, 'return_to_triage');
    expectVersion(referral, Number(form.version));
    const note = readRequiredNote(form.note, 'why you are returning it, so the single point of access knows what to do next');
    if (!note.ok) throw invalid([{ field: 'note', message: note.message }]);
    await changeState(tx, ctx, access, 'return_to_triage', { routedOrganisationId: null, responsibleUserId: null }, {
      note: note.value, detail: { from: referral.routedOrganisationId, fromName: referral.routedOrganisationName },
    });
    if (referral.routedOrganisationId) await endPersonAccess(tx, referral.tenantId, referral.id, referral.routedOrganisationId);
    return { reference: referral.reference, canStillSee: ctx.actor.role === 'admin' || ctx.actor.role === 'triage' };
  });
}
