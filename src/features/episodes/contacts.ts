// Contacts with a person during their support (when, how, how long, a note) and the Making Every
// Contact Count brief advice given, which commissioners count per quarter; and the status they
// count at sign-up and as it changes (employment, accommodation, volunteering, education).
import { CONTACT_KINDS, DURATION_MAX_MINUTES, DURATION_MIN_MINUTES, londonInstant, MECC_TOPICS, MECC_TOPIC_NAMES, parseTimeOfDay, type MeccTopic } from '../../domain/contacts.ts';
import { periodInstants, reportingPeriod, reportingPeriods, type ReportingPeriod } from '../../domain/prescription-stats.ts';
import { disclosedCount, disclosedProportion } from '../../domain/disclosure.ts';
import { accommodationOf, ACCOMMODATION_TYPE_KEYS, EMPLOYMENT_STATUSES } from '../../domain/commissioned-status.ts';
import { londonDate } from '../../domain/working-days.ts';
import { audit } from '../../platform/audit.ts';
import { requireRole, seesRoundedCounts } from '../../platform/access.ts';
import type { StaffContext } from '../../platform/context.ts';
import { invalid, type FieldError } from '../../platform/errors.ts';
import { withEpisode } from './access.ts';
import { checkChoice, checkDate, checkText, submissionKeyOf, type DateParts } from './fields.ts';
import { contextOf, formatLong, type Clock, type EpisodeContext } from './plan.ts';
import { countContacts, insertContact, insertStatus, readContacts, readStatusHistory, refreshSummary, type Contact, type StatusRecord } from './store.ts';

// ---------------------------------------------------------------------------------------------
// Contacts

export interface ContactForm {
  contactOn: DateParts;
  time: string;
  kind: string;
  duration: string;
  note: string;
  mecc: string[];
  submission?: string;
}

/** Records a contact with the person, and any MECC brief advice given in it. Returns its id. */
export async function recordContact(ctx: StaffContext, episodeId: string, form: ContactForm, clock: Clock = {}): Promise<string> {
  const now = clock.now ?? new Date();
  const today = londonDate(now);
  return withEpisode(ctx, episodeId, 'update', { action: 'contact.create', recordType: 'contact' }, async (tx, access) => {
    const problems: FieldError[] = [];
    const began = londonDate(access.episode.startedAt);
    const contactOn = checkDate(form.contactOn, 'contactOn', {
      label: 'the date of the contact', required: true,
      earliest: { date: began, message: `The date of the contact must be on or after the day support started (${formatLong(began)})` },
      latest: { date: today, message: 'The date of the contact must be today or in the past' },
    }, problems);
    const time = parseTimeOfDay(form.time);
    if (!time.ok) problems.push({ field: 'time', message: time.message.replace('Enter the time', 'Enter the time of the contact') });
    const contactAt = contactOn && time.ok ? londonInstant(contactOn, time.minutes) : null;
    if (contactAt && contactAt.getTime() > now.getTime()) problems.push({ field: 'time', message: 'The time of the contact must be in the past' });
    const kind = checkChoice(form.kind, CONTACT_KINDS, 'kind', 'Select how the contact happened', problems);
    const durationText = String(form.duration ?? '').trim();
    let duration = 0;
    if (!durationText) problems.push({ field: 'duration', message: 'Enter how long the contact took, in minutes' });
    else if (!/^\d+$/.test(durationText)) problems.push({ field: 'duration', message: 'Enter the number of minutes as a whole number, like 30' });
    else if (Number(durationText) < DURATION_MIN_MINUTES || Number(durationText) > DURATION_MAX_MINUTES) {
      problems.push({ field: 'duration', message: `How long it took must be between ${DURATION_MIN_MINUTES} and ${DURATION_MAX_MINUTES} minutes` });
    } else duration = Number(durationText);
    const note = checkText(form.note, 'note', { label: 'The note', max: 5000 }, problems);
    const mecc = MECC_TOPICS.filter((t) => form.mecc.includes(t));
    if (problems.length || !contactAt || !kind) throw invalid(problems);
    const { id, replayed } = await insertContact(
      tx, ctx.actor.tenantId, episodeId, access.episode.organisationId,
      { contactAt, kind, durationMinutes: duration, note, mecc }, ctx.actor.userId, submissionKeyOf(form.submission, ctx.actor.userId),
    );
    if (!replayed) {
      await refreshSummary(tx, ctx.actor.tenantId, episodeId);
      await audit(tx, ctx, {
        action: 'contact.create', recordType: 'contact', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
        detail: { episodeId, kind, durationMinutes: duration, mecc },
      });
    }
    return id;
  });
}

export const CONTACTS_PAGE_SIZE = 25;

/** The episode's contacts, newest first, a page at a time. Audited with the contacts shown. */
export async function listContacts(ctx: StaffContext, episodeId: string, page: number): Promise<EpisodeContext & { contacts: Contact[]; total: number; page: number; pages: number }> {
  return withEpisode(ctx, episodeId, 'read', { action: 'contact.list' }, async (tx, access) => {
    const total = await countContacts(tx, ctx.actor.tenantId, episodeId);
    const pages = Math.max(1, Math.ceil(total / CONTACTS_PAGE_SIZE));
    const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
    const contacts = await readContacts(tx, ctx.actor.tenantId, episodeId, CONTACTS_PAGE_SIZE, (current - 1) * CONTACTS_PAGE_SIZE);
    await audit(tx, ctx, {
      action: 'contact.list', recordType: 'episode', recordId: episodeId, personId: access.episode.personId, basis: access.basis, outcome: 'success',
      detail: { contacts: contacts.map((c) => c.id), page: current },
    });
    return { ...contextOf(ctx, access), contacts, total, page: current, pages };
  });
}

export interface MeccCounts {
  period: ReportingPeriod;
  /** the periods to choose from, newest first (the same as every report's) */
  periods: ReportingPeriod[];
  /** true when every count below is rounded for disclosure (a commissioner's view) */
  rounded: boolean;
  /** contacts recorded in the period */
  contacts: number;
  /** contacts in which any brief advice was given */
  contactsWithAdvice: number;
  /** contactsWithAdvice / contacts from the exact counts; null when nothing to divide or (rounded) either is suppressed */
  shareWithAdvice: number | null;
  byTopic: { topic: MeccTopic; name: string; count: number }[];
  byOrganisation: { organisationId: string; name: string; contacts: number; withAdvice: number; shareWithAdvice: number | null; byTopic: Record<MeccTopic, number> }[];
}

/**
 * Making Every Contact Count brief advice given over a reporting period (the last 3 months, or a
 * financial quarter on UK dates), by topic and by the organisation that gave it: counts only,
 * never a person. For commissioners and administrators; a commissioner's counts are rounded
 * here, before they leave the data layer (NHS Digital method: 1 to 7 as 5, others to the nearest 5).
 */
export async function countMeccAdvice(ctx: StaffContext, input: { period?: string }, clock: Clock = {}): Promise<MeccCounts> {
  requireRole(ctx.actor, ['admin', 'commissioner']);
  const today = londonDate(clock.now ?? new Date());
  const period = reportingPeriod(input.period, today);
  const { from, to } = periodInstants(period);
  const rounded = seesRoundedCounts(ctx.actor);
  const shown = rounded ? disclosedCount : (count: number) => count;
  const share = rounded ? disclosedProportion : (part: number, whole: number) => (whole === 0 ? null : part / whole);
  return ctx.db.transaction(async (tx) => {
    const { rows } = await tx.query<{ organisation_id: string; name: string; contacts: number; with_advice: number } & Record<MeccTopic, number>>(
      `SELECT c.organisation_id, o.name, count(*) AS contacts, count(*) FILTER (WHERE c.mecc <> '{}') AS with_advice,
              ${MECC_TOPICS.map((t) => `count(*) FILTER (WHERE '${t}' = ANY(c.mecc)) AS ${t}`).join(', ')}
         FROM episode_contacts c JOIN organisations o ON o.tenant_id = c.tenant_id AND o.id = c.organisation_id
        WHERE c.tenant_id = $1 AND c.contact_at >= $2 AND c.contact_at < $3
        GROUP BY c.organisation_id, o.name ORDER BY o.name`,
      [ctx.actor.tenantId, from.toISOString(), to.toISOString()],
    );
    const exact = rows.map((r) => ({
      organisationId: r.organisation_id, name: r.name, contacts: Number(r.contacts), withAdvice: Number(r.with_advice),
      byTopic: Object.fromEntries(MECC_TOPICS.map((t) => [t, Number(r[t])])) as Record<MeccTopic, number>,
    }));
    const contacts = exact.reduce((sum, o) => sum + o.contacts, 0);
    const contactsWithAdvice = exact.reduce((sum, o) => sum + o.withAdvice, 0);
    await audit(tx, ctx, { action: 'report.mecc', recordType: 'report', recordId: period.key, outcome: 'success', basis: 'aggregate report', detail: { rounded } });
    return {
      period,
      periods: reportingPeriods(today),
      rounded,
      contacts: shown(contacts),
      contactsWithAdvice: shown(contactsWithAdvice),
      shareWithAdvice: share(contactsWithAdvice, contacts),
      byTopic: MECC_TOPICS.map((topic) => ({ topic, name: MECC_TOPIC_NAMES[topic], count: shown(exact.reduce((sum, o) => sum + o.byTopic[topic], 0)) })),
      byOrganisation: exact.map((o) => ({
        ...o,
        contacts: shown(o.contacts),
        withAdvice: shown(o.withAdvice),
        shareWithAdvice: share(o.withAdvice, o.contacts),
        byTopic: Object.fromEntries(MECC_TOPICS.map((t) => [t, shown(o.byTopic[t])])) as Record<MeccTopic, number>,
      })),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Status commissioners count

export interface StatusForm {
  recordedOn: DateParts;
  employmentStatus: string;
  accommodationType: string;
  volunteering: string;
  educationTraining: string;
  submission?: string;
}

/** The episode's status history, latest first (the first is marked "at sign-up"). Audited. */
export async function statusHistory(ctx: StaffContext, episodeId: string, purpose: 'read' | 'update' = 'read'): Promise<EpisodeContext & { history: StatusRecord[] }> {
  return withEpisode(ctx, episodeId, purpose, { action: 'status.read' }, async (tx, access) => {
    const history = await readStatusHistory(tx, ctx.actor.tenantId, episodeId);
    await audit(tx, ctx, { action: 'status.read', recordType: 'episode', recordId: episodeId, personId: access.episode.personId, basis: access.basis, outcome: 'success' });
    return { ...contextOf(ctx, access), history };
  });
}

/**
 * Records the person's employment, accommodation, volunteering and education now. The episode's
 * first record is its status at sign-up; later ones cannot be dated before it.
 */
export async function recordStatus(ctx: StaffContext, episodeId: string, form: StatusForm, clock: Clock = {}): Promise<{ atSignUp: boolean }> {
  const today = londonDate(clock.now ?? new Date());
  return withEpisode(ctx, episodeId, 'update', { action: 'status.create', recordType: 'status' }, async (tx, access) => {
    const history = await readStatusHistory(tx, ctx.actor.tenantId, episodeId);
    const signUp = history.find((h) => h.atSignUp);
    const began = londonDate(access.episode.startedAt);
    const earliest = signUp && signUp.recordedOn > began
      ? { date: signUp.recordedOn, message: `A change must be dated on or after their status at sign-up (${formatLong(signUp.recordedOn)})` }
      : { date: began, message: `The date must be on or after the day support started (${formatLong(began)})` };
    const problems: FieldError[] = [];
    const recordedOn = checkDate(form.recordedOn, 'recordedOn', {
      label: 'the date', required: true, earliest, latest: { date: today, message: 'The date must be today or in the past' },
    }, problems);
    const employmentStatus = checkChoice(form.employmentStatus, EMPLOYMENT_STATUSES, 'employmentStatus', 'Select their employment status', problems);
    const accommodationType = checkChoice(form.accommodationType, ACCOMMODATION_TYPE_KEYS, 'accommodationType', 'Select where they live now', problems);
    const volunteering = checkChoice(form.volunteering, ['yes', 'no'] as const, 'volunteering', 'Select yes if they volunteer, or no if they do not', problems);
    const education = checkChoice(form.educationTraining, ['yes', 'no'] as const, 'educationTraining', 'Select yes if they are in education or training, or no if they are not', problems);
    if (problems.length || !recordedOn || !employmentStatus || !accommodationType || !volunteering || !education) throw invalid(problems);
    const fields = {
      recordedOn, employmentStatus, accommodation: accommodationOf(accommodationType), accommodationType,
      volunteering: volunteering === 'yes', educationTraining: education === 'yes',
    };
    const { id, replayed, atSignUp } = await insertStatus(tx, ctx.actor.tenantId, episodeId, access.episode.personId, fields, ctx.actor.userId, submissionKeyOf(form.submission, ctx.actor.userId));
    if (!replayed) {
      await audit(tx, ctx, {
        action: 'status.create', recordType: 'status', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
        detail: { episodeId, atSignUp, employmentStatus, accommodation: fields.accommodation },
      });
    }
    return { atSignUp };
  });
}
