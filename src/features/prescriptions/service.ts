// Social prescribing that closes the loop. A navigator prescribes a directory service or a
// delivery network provider to a person in a support episode; the provider sees it in its own
// inbox (and only what was sent to it), answers, and records the start, attendances and the end;
// the navigator sees every change. Access is decided here for every read and write:
//
// - the episode's organisation's navigators, and administrators, prescribe and withdraw, and see
//   everything about the prescriptions of the episode (basis: support episode);
// - the receiving organisation's staff see and answer what was sent to them, with the person's
//   name and how to contact them safely (basis: social prescription), and nothing else about the
//   person: no grant to the person record is made;
// - triage workers, who reach the whole tenant, may read;
// - anyone else gets 404 (audited as denied), and commissioners and referrers 403.
//
// Every read and change writes an audit row in the same transaction; a refused change is rolled
// back to a savepoint and audited as a failure.
import crypto from 'node:crypto';
import type { Queryable, Transaction } from '../../db/database.ts';
import {
  ACTION_LABELS, ACTION_SIDE, allowedActions, isOpen, mayRecordAttendance, STATE_LABELS, transition,
  type PrescriptionAction, type PrescriptionSide,
} from '../../domain/prescription-states.ts';
import { disclosedSummary, periodInstants, reportingPeriod, reportingPeriods, summariseResponses, type ReportingPeriod, type ResponseSummary } from '../../domain/prescription-stats.ts';
import { londonDate } from '../../domain/working-days.ts';
import { requireRole, seesRoundedCounts } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import type { Role, StaffActor, StaffContext } from '../../platform/context.ts';
import { AppError, forbidden, invalid, notFound, type FieldError } from '../../platform/errors.ts';
import { queueNotification } from '../../platform/notifications.ts';
import { formatDate } from '../../platform/views.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { readSearchInput, searchDirectory, searchOptions, type SearchOutcome } from '../directory/search.ts';
import { getListing } from '../directory/store.ts';
import type { Listing } from '../directory/listing.ts';
import { currentEpisodeIdOf, episodeSummary, type EpisodeSummary } from '../episodes/summary.ts';
import { addCaseloadColumn } from '../episodes/caseload.ts';
import { addOpenWorkSource } from '../episodes/discharge.ts';
import { addPersonSection } from '../people/sections.ts';
import { personContact, personNames, type PersonContact } from '../people/service.ts';
import { firstChaseAt, navigatorsToTell, prescriptionUrl, scheduleChase } from './chasing.ts';
import { FIRST_FIELD, readActionForm, type ActionForm, type ActionInput, type DateBounds } from './forms.ts';
import { newPrescriptionMessage, outcomeMessage, withdrawnMessage } from './messages.ts';
import { isSelfRecorded, NOTE_MAX, type Attendance, type Prescription, type PrescriptionEvent } from './model.ts';
import * as store from './store.ts';
import { refusable } from '../../platform/refusable.ts';

// ---------------------------------------------------------------------------------------------
// Access

/** Roles that may open a prescription at all; the relationship then decides. */
export const PRESCRIPTION_ROLES: readonly Role[] = ['admin', 'triage', 'navigator', 'provider'];
/** Roles that may prescribe (for an episode their organisation holds, or any, for administrators). */
export const PRESCRIBER_ROLES: readonly Role[] = ['admin', 'navigator'];
/** Roles whose organisation may receive prescriptions in an inbox. */
export const RECEIVING_ROLES: readonly Role[] = ['provider', 'navigator'];

export interface Relationship {
  /** why, for the audit row */
  basis: string;
  /** the actor's organisation received it */
  receiving: boolean;
  /** the actor acts for the episode: its organisation's navigators, and administrators */
  prescribing: boolean;
}

/** The actor's relationship to a prescription on `episode`, or null when they have none. */
export function relationshipTo(actor: StaffActor, p: Pick<Prescription, 'tenantId' | 'providerOrganisationId'>, episode: Pick<EpisodeSummary, 'organisationId'>): Relationship | null {
  if (p.tenantId !== actor.tenantId) return null;
  const receiving = p.providerOrganisationId !== null && p.providerOrganisationId === actor.organisationId && RECEIVING_ROLES.includes(actor.role);
  const prescribing = actor.role === 'admin' || (actor.role === 'navigator' && episode.organisationId === actor.organisationId);
  if (prescribing) return { basis: actor.role === 'admin' ? 'tenant administrator' : 'support episode', receiving, prescribing };
  if (receiving) return { basis: 'prescription sent to organisation', receiving, prescribing };
  if (actor.role === 'triage') return { basis: 'single point of access', receiving, prescribing };
  return null;
}

/**
 * Refuses (403) a role that may not do this at all, with an audit row naming the record asked
 * for: a commissioner or referrer trying to open a prescription is worth knowing about.
 */
async function requireRoleFor(ctx: StaffContext, roles: readonly Role[], entry: { action: string; recordType: string; recordId: string }): Promise<void> {
  if (roles.includes(ctx.actor.role)) return;
  await audit(ctx.db, ctx, { action: entry.action, recordType: entry.recordType, recordId: entry.recordId.slice(0, 64), outcome: 'denied', basis: `role: ${ctx.actor.role}` });
  requireRole(ctx.actor, roles);
}

/** May the actor take actions of this side? The provider's side of an activity nobody in Lantern runs is the navigator's. */
export function maySide(relationship: Relationship, p: Pick<Prescription, 'providerOrganisationId'>, side: PrescriptionSide): boolean {
  if (side === 'prescriber') return relationship.prescribing;
  return isSelfRecorded(p) ? relationship.prescribing : relationship.receiving;
}

export interface PrescriptionAccess {
  prescription: Prescription;
  episode: EpisodeSummary;
  relationship: Relationship;
}

/**
 * Reads the prescription (locked when `purpose` is 'update'), checks access, and runs `work` in
 * the same transaction. Not found and no relationship both answer 404, audited as denied. When
 * `work` refuses with an AppError, what it wrote is rolled back, the refusal is audited, and the
 * error is thrown after commit.
 */
async function withPrescription<T>(
  ctx: StaffContext,
  id: string,
  purpose: 'read' | 'update',
  action: string,
  work: (tx: Transaction, access: PrescriptionAccess) => Promise<T>,
): Promise<T> {
  await requireRoleFor(ctx, PRESCRIPTION_ROLES, { action: `prescription.${action}`, recordType: 'prescription', recordId: id });
  type Outcome = { kind: 'denied' } | { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    // Provider staff only ever load what was sent to their own organisation (the store filters);
    // everyone else's relationship is decided below from the prescription and its episode.
    const receivedBy = ctx.actor.role === 'provider' ? ctx.actor.organisationId : undefined;
    const prescription = await store.readPrescription(tx, ctx.actor.tenantId, id, purpose === 'update', receivedBy);
    const episode = prescription ? await episodeSummary(tx, prescription.tenantId, prescription.episodeId) : null;
    const relationship = prescription && episode ? relationshipTo(ctx.actor, prescription, episode) : null;
    if (!prescription || !episode || !relationship) {
      await audit(tx, ctx, {
        action: `prescription.${action}`, recordType: 'prescription', recordId: id.slice(0, 64), outcome: 'denied',
        basis: prescription ? 'no relationship' : receivedBy ? 'not sent to organisation' : 'not found in tenant',
      });
      return { kind: 'denied' };
    }
    return refusable(tx, () => work(tx, { prescription, episode, relationship }), async (error) => {
      await audit(tx, ctx, {
        action: `prescription.${action}`, recordType: 'prescription', recordId: prescription.id, personId: prescription.personId,
        basis: relationship.basis, outcome: error.status === 403 ? 'denied' : 'failure', detail: { code: error.code, message: error.message },
      });
    });
  });
  if (outcome.kind === 'denied') throw notFound('social prescription');
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

/** The episode, with the actor's reason to act on it, or 404 (audited as denied). */
async function episodeFor(tx: Queryable, ctx: StaffContext, episodeId: string, purpose: 'read' | 'prescribe', action: string): Promise<{ episode: EpisodeSummary; basis: string } | null> {
  const episode = await episodeSummary(tx, ctx.actor.tenantId, episodeId);
  const actor = ctx.actor;
  let basis: string | null = null;
  if (episode && actor.role === 'admin') basis = 'tenant administrator';
  else if (episode && actor.role === 'navigator' && episode.organisationId === actor.organisationId) basis = 'support episode';
  else if (episode && actor.role === 'triage' && purpose === 'read') basis = 'single point of access';
  if (!episode || !basis) {
    await audit(tx, ctx, {
      action: `prescription.${action}`, recordType: 'episode', recordId: episodeId.slice(0, 64), outcome: 'denied',
      basis: episode ? 'no relationship' : 'not found in tenant',
    });
    return null;
  }
  return { episode, basis };
}

// ---------------------------------------------------------------------------------------------
// Prescribing

export interface ProviderChoice {
  id: string;
  name: string;
}

export interface ServiceChoice {
  id: string;
  name: string;
  organisationName: string;
  summary: string;
  /** the Lantern organisation whose inbox it goes to; null when the navigator records progress */
  inboxOrganisationId: string | null;
}

export interface PrescribeForm {
  episode: EpisodeSummary;
  personName: string;
  search: { q: string; need: string; page: number; searched: boolean; outcome: SearchOutcome | null; problems: FieldError[] };
  services: ServiceChoice[];
  /** a listing chosen before (from a link or an earlier search), shown even if the search has moved on */
  chosen: ServiceChoice | null;
  providers: ProviderChoice[];
  needs: { id: string; name: string }[];
}

const choiceOf = (l: Listing): ServiceChoice => ({
  id: l.id, name: l.name, organisationName: l.organisationName, summary: l.summary, inboxOrganisationId: l.organisationId,
});

/** A listing that can be prescribed: published and still running. */
const prescribable = (l: Listing | null): l is Listing => l !== null && l.published && l.status !== 'defunct';

/** What the prescribing form needs: the person's name, a search of the directory (without JavaScript), and the providers. */
export async function prescribeForm(ctx: StaffContext, episodeId: string, query: Record<string, string>): Promise<PrescribeForm> {
  await requireRoleFor(ctx, PRESCRIBER_ROLES, { action: 'prescription.new', recordType: 'episode', recordId: episodeId });
  const tenantId = ctx.actor.tenantId;
  const found = await ctx.db.transaction(async (tx) => {
    const access = await episodeFor(tx, ctx, episodeId, 'prescribe', 'new');
    if (!access) return null;
    const names = await personNames(tx, tenantId, [access.episode.personId]);
    await audit(tx, ctx, {
      action: 'prescription.new', recordType: 'episode', recordId: access.episode.id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
    });
    return { ...access, name: names.get(access.episode.personId) };
  });
  if (!found) throw notFound('support episode');
  if (found.episode.state !== 'open') throw episodeClosed();
  const q = (query.q ?? '').trim().slice(0, 200);
  const need = (query.need ?? '').trim().slice(0, 200);
  const searched = Boolean(q || need);
  const read = readSearchInput({ q, need, page: query.page ?? '1' });
  let outcome: SearchOutcome | null = null;
  let problems: FieldError[] = read.problems;
  if (searched && problems.length === 0) {
    const result = await searchDirectory(ctx.db, tenantId, read.input);
    if ('problems' in result) problems = result.problems;
    else outcome = result;
  }
  const services = (outcome?.results ?? []).map((r) => choiceOf(r.listing));
  const chosenId = (query.service ?? '').trim();
  const chosenListing = chosenId ? await getListing(ctx.db, tenantId, chosenId) : null;
  const chosen = prescribable(chosenListing) && !services.some((s) => s.id === chosenListing.id) ? choiceOf(chosenListing) : null;
  const [providers, options] = await Promise.all([store.deliveryProviders(ctx.db, tenantId), searchOptions(ctx.db, tenantId)]);
  return {
    episode: found.episode,
    personName: found.name ? `${found.name.givenName} ${found.name.familyName}` : 'this person',
    search: { q, need, page: read.input.page, searched, outcome, problems },
    services,
    chosen,
    providers,
    needs: options.needs,
  };
}

const episodeClosed = () =>
  new AppError({
    status: 409,
    code: 'episode_closed',
    message: 'This person’s support episode has ended, so nothing new can be prescribed in it. If they need support again, they can come back by the fast route.',
  });

/** Refused: the same service is already prescribed for this episode and still open. */
export class DuplicatePrescriptionError extends AppError {
  constructor(readonly existingId: string, serviceName: string, sentAt: Date) {
    super({
      status: 409,
      code: 'duplicate_prescription',
      message: `${serviceName} is already prescribed for this person and still open.`,
      fields: [{
        field: 'target',
        message: `${serviceName} was already prescribed for this person on ${formatDate(sentAt)} and is still open. See that prescription instead of sending another`,
      }],
    });
  }
}

export interface PrescribeOptions {
  /** Lantern's address as people reach it, for links in messages */
  baseUrl: string;
  /** the clock (tests); default now */
  now?: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fresh key for a form, so that sending it twice makes one change. */
export const newFormKey = (): string => crypto.randomUUID();

/**
 * Sends a prescription for the episode: to a listing in the directory (its organisation's inbox,
 * or the navigator's own record when nobody in Lantern runs it) or straight to a delivery network
 * provider. The same form sent twice makes one prescription; an open prescription to the same
 * service for the episode is refused with its id, to link to.
 */
export async function prescribe(
  ctx: StaffContext,
  episodeId: string,
  form: Record<string, string>,
  options: PrescribeOptions,
): Promise<{ prescription: Prescription; replayed: boolean }> {
  await requireRoleFor(ctx, PRESCRIBER_ROLES, { action: 'prescription.send', recordType: 'episode', recordId: episodeId });
  const tenantId = ctx.actor.tenantId;
  const now = options.now ?? new Date();
  const formKey = UUID.test(form.formKey ?? '') ? form.formKey! : null;
  const idempotencyKey = formKey ? `form:${ctx.actor.userId}:${formKey.toLowerCase()}` : null;

  // The fields first: what is wrong with the form is said before anything is looked up.
  const problems: FieldError[] = [];
  const target = form.target ?? '';
  const note = (form.note ?? '').trim();
  if (!target.startsWith('service:') && target !== 'provider') problems.push({ field: 'target', message: 'Choose a service from the directory, or a delivery network provider' });
  if (target === 'provider' && !form.providerOrganisationId) problems.push({ field: 'providerOrganisationId', message: 'Choose the delivery network provider to send it to' });
  if (!note) problems.push({ field: 'note', message: 'Write a note for the provider: what the person hopes for, and anything they need to know' });
  else if (note.length > NOTE_MAX) problems.push({ field: 'note', message: `Keep the note to ${NOTE_MAX.toLocaleString('en-GB')} characters or fewer (it has ${note.length.toLocaleString('en-GB')})` });

  type Outcome =
    | { kind: 'missing' }
    | { kind: 'refused'; error: AppError }
    | { kind: 'done'; id: string; replayed: boolean };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const access = await episodeFor(tx, ctx, episodeId, 'prescribe', 'send');
    if (!access) return { kind: 'missing' };
    const { episode, basis } = access;
    const refuse = async (error: AppError): Promise<Outcome> => {
      await audit(tx, ctx, {
        action: 'prescription.send', recordType: 'episode', recordId: episode.id, personId: episode.personId, basis, outcome: 'failure',
        detail: { code: error.code, message: error.message },
      });
      return { kind: 'refused', error };
    };
    if (idempotencyKey) {
      const earlier = await store.prescriptionIdByKey(tx, tenantId, idempotencyKey);
      if (earlier) return { kind: 'done', id: earlier, replayed: true };
    }
    if (problems.length) return refuse(invalid(problems));
    if (episode.state !== 'open') {
      return refuse(episodeClosed());
    }

    // What is prescribed, and whose inbox it goes to.
    let serviceId: string | null = null;
    let serviceName: string;
    let providerOrganisationId: string | null;
    let targetKey: string;
    if (target.startsWith('service:')) {
      const listing = await getListing(tx, tenantId, target.slice('service:'.length));
      if (!prescribable(listing)) return refuse(invalid([{ field: 'target', message: 'That service is no longer in the directory. Search again and choose another' }]));
      serviceId = listing.id;
      serviceName = listing.name;
      providerOrganisationId = listing.organisationId;
      targetKey = `service:${listing.id}`;
    } else {
      const organisation = (await store.organisationsById(tx, tenantId, UUID.test(form.providerOrganisationId ?? '') ? [form.providerOrganisationId!] : [])).get(form.providerOrganisationId ?? '');
      if (!organisation || organisation.kind !== 'delivery_provider') {
        return refuse(invalid([{ field: 'providerOrganisationId', message: 'Choose a delivery network provider from the list' }]));
      }
      serviceName = organisation.name;
      providerOrganisationId = organisation.id;
      targetKey = `organisation:${organisation.id}`;
    }

    const duplicate = await store.openPrescriptionFor(tx, tenantId, episode.id, targetKey);
    if (duplicate) return refuse(new DuplicatePrescriptionError(duplicate.id, serviceName, duplicate.sentAt));

    const settings = await getTenantSettings(tx, tenantId);
    const nextChaseAt = providerOrganisationId ? firstChaseAt(now, settings.prescriptionChaseDays) : null;
    const id = await store.insertPrescription(tx, {
      tenantId, episodeId: episode.id, personId: episode.personId, prescriberOrganisationId: episode.organisationId,
      prescribedBy: ctx.actor.userId, serviceId, serviceName, providerOrganisationId, targetKey, note, sentAt: now, nextChaseAt, idempotencyKey,
    });
    if (!id) {
      // Another request got there first: the same form (give back what it made) or the same service.
      const raced = idempotencyKey ? await store.prescriptionIdByKey(tx, tenantId, idempotencyKey) : null;
      if (raced) return { kind: 'done', id: raced, replayed: true };
      const open = await store.openPrescriptionFor(tx, tenantId, episode.id, targetKey);
      if (open) return refuse(new DuplicatePrescriptionError(open.id, serviceName, open.sentAt));
      throw new Error('a prescription was neither created nor found');
    }
    await store.insertEvent(tx, tenantId, id, {
      actorUserId: ctx.actor.userId, kind: 'sent', toState: 'sent', detail: { serviceId, providerOrganisationId }, at: now,
    });
    await audit(tx, ctx, {
      action: 'prescription.send', recordType: 'prescription', recordId: id, personId: episode.personId, basis, outcome: 'success',
      detail: { episodeId: episode.id, serviceId, providerOrganisationId, selfRecorded: providerOrganisationId === null },
    });
    if (providerOrganisationId && nextChaseAt) {
      const url = prescriptionUrl(options.baseUrl, id);
      for (const member of await store.staffToTell(tx, tenantId, providerOrganisationId, ['provider'])) {
        await queueNotification(tx, { tenantId, channel: 'email', recipient: member.email, ...newPrescriptionMessage({ url }), reference: `prescription:${id}:sent` });
      }
      await scheduleChase(tx, tenantId, id, 1, nextChaseAt);
    }
    return { kind: 'done', id, replayed: false };
  });
  if (outcome.kind === 'missing') throw notFound('support episode');
  if (outcome.kind === 'refused') throw outcome.error;
  const prescription = await store.readPrescription(ctx.db, tenantId, outcome.id);
  return { prescription: prescription!, replayed: outcome.replayed };
}

// ---------------------------------------------------------------------------------------------
// One prescription

export interface PrescriptionPage {
  prescription: Prescription;
  events: PrescriptionEvent[];
  attendances: Attendance[];
  relationship: Relationship;
  personName: string;
  /** how to contact the person safely: for the receiving organisation while the prescription is open */
  contact: PersonContact | null;
  /** the forms the actor may open now */
  actions: { href: string; text: string; action: ActionForm }[];
}

/** The forms the actor may use on the prescription now, in the order they are usually needed. */
export function availableActions(access: Pick<PrescriptionAccess, 'prescription' | 'relationship'>): { href: string; text: string; action: ActionForm }[] {
  const { prescription: p, relationship } = access;
  const base = `/prescriptions/${p.id}`;
  const links: { href: string; text: string; action: ActionForm }[] = [];
  for (const action of allowedActions(p.state)) {
    if (!maySide(relationship, p, ACTION_SIDE[action])) continue;
    const path = action === 'drop_out' ? 'drop-out' : action;
    links.push({ href: `${base}/${path}`, text: ACTION_LABELS[action], action });
  }
  if (mayRecordAttendance(p.state) && maySide(relationship, p, 'provider')) {
    links.unshift({ href: `${base}/attendances/new`, text: 'Record an attendance', action: 'attendance' });
  }
  return links;
}

/** One prescription with its history, for anyone with a relationship to it. The read is audited. */
export async function getPrescription(ctx: StaffContext, id: string): Promise<PrescriptionPage> {
  return withPrescription(ctx, id, 'read', 'read', async (tx, access) => {
    const { prescription: p, relationship } = access;
    await audit(tx, ctx, { action: 'prescription.read', recordType: 'prescription', recordId: p.id, personId: p.personId, basis: relationship.basis, outcome: 'success' });
    const names = await personNames(tx, p.tenantId, [p.personId]);
    const name = names.get(p.personId);
    let contact: PersonContact | null = null;
    // The receiving organisation needs to reach the person while the prescription is open, and no
    // more: once it is closed the contact details are no longer shown.
    if (relationship.receiving && isOpen(p.state)) {
      contact = await personContact(tx, p.tenantId, p.personId);
      await audit(tx, ctx, {
        action: 'read', recordType: 'person', recordId: p.personId, personId: p.personId, basis: 'social prescription', outcome: 'success',
        detail: { prescriptionId: p.id, fields: ['name', 'contact details', 'contact preferences'] },
      });
    }
    return {
      prescription: p,
      events: await store.readEvents(tx, p.tenantId, p.id),
      attendances: await store.readAttendances(tx, p.tenantId, p.id),
      relationship,
      personName: name ? `${name.givenName} ${name.familyName}` : 'Unknown person',
      contact,
      actions: availableActions(access),
    };
  });
}

export interface ActionFormPage {
  prescription: Prescription;
  personName: string;
  bounds: DateBounds;
}

/** The dates an action's form accepts. */
function boundsFor(action: ActionForm, p: Prescription, now: Date): DateBounds {
  const today = londonDate(now);
  if (action === 'start' || !p.startedOn) return { today, earliest: londonDate(p.sentAt), earliestReason: 'when the prescription was sent' };
  return { today, earliest: p.startedOn, earliestReason: 'when they started' };
}

/** Refuses an action the actor may not take, or that the prescription's state does not allow now. */
function checkAction(access: PrescriptionAccess, action: ActionForm): void {
  const { prescription: p, relationship } = access;
  const side: PrescriptionSide = action === 'attendance' ? 'provider' : ACTION_SIDE[action];
  if (!maySide(relationship, p, side)) {
    throw forbidden(
      side === 'prescriber'
        ? 'Only the person’s navigator can withdraw a social prescription.'
        : `Only ${p.providerOrganisationName ?? 'the provider'} can answer this social prescription and record how it goes.`,
    );
  }
  if (action === 'attendance') {
    if (!mayRecordAttendance(p.state)) {
      throw new AppError({
        status: 409, code: 'invalid_transition',
        message: p.state === 'sent' || p.state === 'accepted'
          ? 'Attendances are recorded after the start. Record the start first.'
          : `This prescription is ${STATE_LABELS[p.state].toLowerCase()}, so no more attendances can be recorded.`,
      });
    }
    return;
  }
  const moved = transition(p.state, action);
  if (!moved.ok) throw new AppError({ status: 409, code: 'invalid_transition', message: moved.message });
}

/** What an action's form needs, after checking the actor may use it now. Audited as a read. */
export async function actionForm(ctx: StaffContext, id: string, action: ActionForm, now = new Date()): Promise<ActionFormPage> {
  return withPrescription(ctx, id, 'read', 'read', async (tx, access) => {
    checkAction(access, action);
    const p = access.prescription;
    await audit(tx, ctx, { action: 'prescription.read', recordType: 'prescription', recordId: p.id, personId: p.personId, basis: access.relationship.basis, outcome: 'success', detail: { form: action } });
    const name = (await personNames(tx, p.tenantId, [p.personId])).get(p.personId);
    return { prescription: p, personName: name ? `${name.givenName} ${name.familyName}` : 'Unknown person', bounds: boundsFor(action, p, now) };
  });
}

/** Refuses a save made from a page that was out of date. */
function expectVersion(p: Prescription, version: number, action: ActionForm): void {
  if (p.version === version) return;
  throw new AppError({
    status: 409,
    code: 'stale',
    message: 'Someone else changed this prescription while you had it open.',
    fields: [{
      field: FIRST_FIELD[action],
      message: 'Someone else changed this prescription while you had it open, so nothing you entered has been saved. Check it as it is now (below), then send the form again if it is still right.',
    }],
  });
}

export interface ActionOptions {
  baseUrl: string;
  now?: Date;
}

/**
 * Takes one action on a prescription from its form: checked against who may take it, the state
 * machine, the version the form was opened at, and the form's own rules; recorded as an event and
 * an audit row; the navigator emailed (a link) when the provider declines or records a drop-out.
 * The same form sent twice changes it once.
 */
export async function takeAction(
  ctx: StaffContext,
  id: string,
  action: ActionForm,
  form: Record<string, string>,
  options: ActionOptions,
): Promise<{ prescription: Prescription; replayed: boolean }> {
  const now = options.now ?? new Date();
  const formKey = UUID.test(form.formKey ?? '') ? form.formKey!.toLowerCase() : null;
  const version = Number(form.version);
  const auditAction = action === 'drop_out' ? 'drop_out' : action;
  const replayed = await withPrescription(ctx, id, 'update', auditAction, async (tx, access) => {
    const { prescription: p, relationship } = access;
    if (formKey && await store.formAlreadyUsed(tx, p.tenantId, p.id, formKey)) return true;
    checkAction(access, action);
    expectVersion(p, version, action);
    const { input, problems } = readActionForm(action, form, boundsFor(action, p, now));
    if (!input) throw invalid(problems);
    await apply(tx, ctx, access, input, { formKey, now, baseUrl: options.baseUrl });
    await audit(tx, ctx, {
      action: `prescription.${auditAction}`, recordType: 'prescription', recordId: p.id, personId: p.personId, basis: relationship.basis, outcome: 'success',
      detail: { from: p.state, ...detailOf(input) },
    });
    return false;
  });
  const prescription = await store.readPrescription(ctx.db, ctx.actor.tenantId, id);
  return { prescription: prescription!, replayed };
}

/** What the audit row and history keep about an action: its choices, never its free text. */
function detailOf(input: ActionInput): Record<string, unknown> {
  switch (input.action) {
    case 'accept': return {};
    case 'decline': return { reason: input.reason };
    case 'start': return { date: input.date };
    case 'attendance': return { date: input.date, attended: input.attended };
    case 'complete': return { date: input.date };
    case 'drop_out': return { date: input.date, reason: input.reason };
    case 'withdraw': return { reason: input.reason };
  }
}

async function apply(
  tx: Queryable,
  ctx: StaffContext,
  access: PrescriptionAccess,
  input: ActionInput,
  at: { formKey: string | null; now: Date; baseUrl: string },
): Promise<void> {
  const { prescription: p } = access;
  const tenantId = p.tenantId;
  const event = (kind: string, to: Prescription['state'] | null, note: string | null) =>
    store.insertEvent(tx, tenantId, p.id, {
      actorUserId: ctx.actor.userId, kind, fromState: p.state, toState: to, note: note || null, detail: detailOf(input), formKey: at.formKey, at: at.now,
    });

  if (input.action === 'attendance') {
    const added = await store.insertAttendance(tx, tenantId, p.id, { sessionOn: input.date, attended: input.attended, note: input.note, recordedBy: ctx.actor.userId });
    if (!added) throw invalid([{ field: 'date-day', message: 'A session on that date is already recorded. Choose another date' }]);
    await store.writePrescription(tx, tenantId, p.id, {});
    await event('attendance', null, input.note);
    return;
  }

  const action: PrescriptionAction = input.action;
  const moved = transition(p.state, action);
  if (!moved.ok) throw new AppError({ status: 409, code: 'invalid_transition', message: moved.message });
  const closing = !isOpen(moved.to) ? { closedAt: at.now } : {};
  switch (input.action) {
    case 'accept':
      await store.writePrescription(tx, tenantId, p.id, { answeredAt: at.now, nextChaseAt: null }, moved.to);
      await event('accept', moved.to, input.note);
      break;
    case 'decline':
      await store.writePrescription(tx, tenantId, p.id, { answeredAt: at.now, declineReason: input.reason, outcomeNote: input.note || null, nextChaseAt: null, ...closing }, moved.to);
      await event('decline', moved.to, input.note);
      break;
    case 'start':
      await store.writePrescription(tx, tenantId, p.id, { startedOn: input.date }, moved.to);
      await event('start', moved.to, null);
      break;
    case 'complete':
      await store.writePrescription(tx, tenantId, p.id, { endedOn: input.date, outcomeNote: input.note || null, ...closing }, moved.to);
      await event('complete', moved.to, input.note);
      break;
    case 'drop_out':
      await store.writePrescription(tx, tenantId, p.id, { endedOn: input.date, dropOutReason: input.reason, outcomeNote: input.note || null, ...closing }, moved.to);
      await event('drop_out', moved.to, input.note);
      break;
    case 'withdraw':
      await store.writePrescription(tx, tenantId, p.id, { withdrawReason: input.reason, outcomeNote: input.note || null, nextChaseAt: null, ...closing }, moved.to);
      await event('withdraw', moved.to, input.note);
      break;
  }

  // The provider hears when a prescription it may be acting on is taken back, so nobody calls the
  // person about it: a link only.
  if (input.action === 'withdraw' && p.providerOrganisationId) {
    const message = withdrawnMessage({ url: prescriptionUrl(at.baseUrl, p.id) });
    for (const member of await store.staffToTell(tx, tenantId, p.providerOrganisationId, ['provider'])) {
      await queueNotification(tx, { tenantId, channel: 'email', recipient: member.email, ...message, reference: `prescription:${p.id}:withdraw` });
    }
  }

  // The navigator hears at once when the provider says no or the person stops going: a link only.
  if (input.action === 'decline' || input.action === 'drop_out') {
    const url = prescriptionUrl(at.baseUrl, p.id);
    const message = outcomeMessage({ outcome: input.action === 'decline' ? 'declined' : 'dropped_out', url });
    for (const navigator of await navigatorsToTell(tx, p)) {
      if (navigator.id === ctx.actor.userId) continue; // they did it themselves
      await queueNotification(tx, { tenantId, channel: 'email', recipient: navigator.email, ...message, reference: `prescription:${p.id}:${input.action}` });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The provider's inbox

export interface InboxItem extends store.InboxRow {
  personName: string;
  stateLabel: string;
}

export interface Inbox {
  organisationName: string;
  items: InboxItem[];
  total: number;
  waiting: number;
  page: number;
  pages: number;
}

/** What was sent to the actor's organisation, and only that: unanswered first, then newest first. The list is audited. */
export async function providerInbox(ctx: StaffContext, input: { page: number }): Promise<Inbox> {
  requireRole(ctx.actor, RECEIVING_ROLES);
  const { tenantId, organisationId } = ctx.actor;
  return ctx.db.transaction(async (tx) => {
    const first = await store.inboxRows(tx, tenantId, organisationId, 1);
    const pages = Math.max(1, Math.ceil(first.total / store.INBOX_PAGE_SIZE));
    const page = Math.min(Math.max(1, input.page || 1), pages);
    const { rows, total, waiting } = page === 1 ? first : await store.inboxRows(tx, tenantId, organisationId, page);
    const names = await personNames(tx, tenantId, [...new Set(rows.map((r) => r.personId))]);
    const organisation = (await store.organisationsById(tx, tenantId, [organisationId])).get(organisationId);
    await audit(tx, ctx, {
      action: 'prescription.inbox', recordType: 'prescription', basis: 'prescriptions sent to organisation', outcome: 'success',
      detail: { page, prescriptionIds: rows.map((r) => r.id), personIds: [...new Set(rows.map((r) => r.personId))] },
    });
    const items = rows.map((r) => {
      const name = names.get(r.personId);
      return { ...r, personName: name ? `${name.givenName} ${name.familyName}` : 'Unknown person', stateLabel: STATE_LABELS[r.state] };
    });
    return { organisationName: organisation?.name ?? '', items, total, waiting, page, pages };
  });
}

// ---------------------------------------------------------------------------------------------
// For the episode and caseload pages

export interface EpisodePrescriptionItem extends store.EpisodeRow {
  stateLabel: string;
  /** the latest change, in words: 'Accepted by Gareth Lewis' */
  lastChangeText: string | null;
  /** still waiting for an answer after every reminder */
  unansweredReported: boolean;
}

export interface EpisodePrescriptions {
  episodeId: string;
  personId: string;
  personName: string;
  /** the actor may send a new prescription (the episode is open and theirs) */
  canPrescribe: boolean;
  items: EpisodePrescriptionItem[];
  /** how many are waiting for a provider's answer */
  awaitingAnswer: number;
}

const EVENT_WORDS: Record<string, string> = {
  sent: 'Sent',
  accept: 'Accepted',
  decline: 'Declined',
  start: 'Start recorded',
  complete: 'Completion recorded',
  drop_out: 'Drop-out recorded',
  withdraw: 'Withdrawn',
  attendance: 'Attendance recorded',
  chased: 'Provider reminded',
  unanswered_reported: 'Navigator told it is still unanswered',
};

/** Words for a history entry's kind. */
export function eventWords(kind: string): string {
  return EVENT_WORDS[kind] ?? kind;
}

/**
 * The episode's social prescriptions, for the episode page's section
 * (prescriptions/views/_episode-prescriptions.njk): every prescription with its state and latest
 * change. For the episode's organisation's navigators, administrators and triage workers; anyone
 * else gets 404. The read is audited.
 */
export async function episodePrescriptions(ctx: StaffContext, episodeId: string): Promise<EpisodePrescriptions> {
  await requireRoleFor(ctx, ['admin', 'triage', 'navigator'], { action: 'prescription.list', recordType: 'episode', recordId: episodeId });
  const result = await ctx.db.transaction((tx) => readEpisodePrescriptions(tx, ctx, episodeId));
  if (!result) throw notFound('support episode');
  return result;
}

/** The same, in the caller's transaction: null (audited as denied) when the actor may not see the episode. */
async function readEpisodePrescriptions(tx: Transaction, ctx: StaffContext, episodeId: string): Promise<EpisodePrescriptions | null> {
  const access = await episodeFor(tx, ctx, episodeId, 'read', 'list');
  if (!access) return null;
  const { episode, basis } = access;
  const rows = await store.episodeRows(tx, episode.tenantId, episode.id);
  const name = (await personNames(tx, episode.tenantId, [episode.personId])).get(episode.personId);
  await audit(tx, ctx, {
    action: 'prescription.list', recordType: 'episode', recordId: episode.id, personId: episode.personId, basis, outcome: 'success',
    detail: { prescriptionIds: rows.map((r) => r.id) },
  });
  const items = rows.map((r) => ({
    ...r,
    stateLabel: STATE_LABELS[r.state],
    lastChangeText: r.lastEvent ? `${eventWords(r.lastEvent.kind)}${r.lastEvent.actorName ? ` by ${r.lastEvent.actorName}` : ''}` : null,
    unansweredReported: r.state === 'sent' && r.unansweredReportedAt !== null,
  }));
  return {
    episodeId: episode.id,
    personId: episode.personId,
    personName: name ? `${name.givenName} ${name.familyName}` : 'this person',
    canPrescribe: episode.state === 'open' && PRESCRIBER_ROLES.includes(ctx.actor.role),
    items,
    awaitingAnswer: items.filter((i) => i.state === 'sent').length,
  };
}

// The person's page shows the social prescriptions of their current (or latest) support, when
// the viewer's organisation holds it; the caseload shows how many wait for a provider's answer.
addPersonSection({
  key: 'prescriptions',
  async load(tx, ctx, person) {
    if (!['admin', 'triage', 'navigator'].includes(ctx.actor.role)) return null;
    const episodeId = await currentEpisodeIdOf(tx, person.tenantId, person.id);
    return episodeId ? readEpisodePrescriptions(tx, ctx, episodeId) : null;
  },
});
addOpenWorkSource(async (tx, episode) => {
  const open = (await store.episodeRows(tx, episode.tenantId, episode.id)).filter((r) => isOpen(r.state));
  return open.length
    ? {
      heading: open.length === 1 ? 'A social prescription is not finished' : `${open.length} social prescriptions are not finished`,
      items: open.map((r) => ({ text: `${r.serviceName}: ${STATE_LABELS[r.state].toLowerCase()}`, href: `/prescriptions/${r.id}` })),
      onDischarge: 'They stay as they are. Withdraw any that should stop, or tell the provider support is ending.',
    }
    : null;
});
addCaseloadColumn({
  key: 'prescriptions',
  heading: 'Social prescriptions',
  async cells(tx, ctx, rows) {
    const counts = await prescriptionsAwaitingAnswer(tx, ctx.actor.tenantId, rows.map((r) => r.episodeId));
    return new Map([...counts].map(([episodeId, n]) => [episodeId, { text: `${n} waiting for an answer`, tag: 'orange' as const, href: `/episodes/${episodeId}/prescriptions` }]));
  },
});

/**
 * For the caseload: how many prescriptions are waiting for a provider's answer, for each of the
 * episodes given (episodes with none are left out). No access check and no audit row: the caller
 * has already decided the actor may see these episodes, and counts name nobody.
 */
export function prescriptionsAwaitingAnswer(db: Queryable, tenantId: string, episodeIds: readonly string[]): Promise<Map<string, number>> {
  return store.awaitingAnswerCounts(db, tenantId, episodeIds);
}

// ---------------------------------------------------------------------------------------------
// Provider response times and acceptance rates

export interface ProviderResponseRow {
  organisationId: string | null;
  name: string;
  summary: ResponseSummary;
}

export interface ProviderResponseTimes {
  period: ReportingPeriod;
  periods: ReportingPeriod[];
  /** true when every count is rounded for disclosure (a commissioner's view) */
  rounded: boolean;
  providers: ProviderResponseRow[];
  total: ProviderResponseRow;
}

/**
 * For each provider organisation in the tenant, over a period (the last 3 months, or a quarter):
 * prescriptions received and answered, median working days to answer, and the acceptance rate
 * with its Wilson 95% interval (none under 5 answers). Aggregates only: nothing names a person.
 */
export async function providerResponseTimes(ctx: StaffContext, input: { period?: string }, now = new Date()): Promise<ProviderResponseTimes> {
  // navigators choose where to send people; commissioners hold the delivery network to account,
  // and see counts rounded before they leave the data layer
  requireRole(ctx.actor, [...PRESCRIBER_ROLES, 'commissioner']);
  const rounded = seesRoundedCounts(ctx.actor);
  const shown = rounded ? disclosedSummary : (summary: ResponseSummary) => summary;
  const tenantId = ctx.actor.tenantId;
  const today = londonDate(now);
  const period = reportingPeriod(input.period, today);
  const { from, to } = periodInstants(period);
  const outcomes = await store.outcomesBetween(ctx.db, tenantId, from, to);
  const providers = await store.deliveryProviders(ctx.db, tenantId);
  const others = [...new Set(outcomes.map((o) => o.organisationId))].filter((id) => !providers.some((p) => p.id === id));
  const otherNames = await store.organisationsById(ctx.db, tenantId, others);
  const all = [...providers, ...others.map((id) => ({ id, name: otherNames.get(id)?.name ?? 'Unknown organisation' }))]
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
  const byOrganisation = new Map<string, typeof outcomes>();
  for (const o of outcomes) {
    const list = byOrganisation.get(o.organisationId);
    if (list) list.push(o);
    else byOrganisation.set(o.organisationId, [o]);
  }
  return {
    period,
    periods: reportingPeriods(today),
    rounded,
    providers: all.map((o) => ({ organisationId: o.id, name: o.name, summary: shown(summariseResponses(byOrganisation.get(o.id) ?? [])) })),
    total: { organisationId: null, name: 'All providers', summary: shown(summariseResponses(outcomes)) },
  };
}
