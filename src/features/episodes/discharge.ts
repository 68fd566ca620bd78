// Discharge: support ends with a reason, a closing summary and the date it ended. Before the worker
// confirms, what is still open in the episode is shown to them (a handover waiting, an open
// personal budget, goals still being worked on, and what other features add with
// addOpenWorkSource, like social prescriptions not yet finished).
//
// What discharge changes about access: the organisation's 'support episode' grant to the person
// ends (endPersonAccess), but people.responsible_organisation_id is deliberately left as it is.
// The organisation that supported them stays responsible for their record, so its staff can
// still find them, read what happened, and welcome them back by the fast route within the
// come-back period without a new referral (see come-back.ts). A later referral routed elsewhere,
// or a new episode, moves responsibility on in the usual way.
import { parseDateParts, parseText } from '../../domain/person-fields.ts';
import { comeBackUntil } from '../../domain/come-back.ts';
import { londonDate } from '../../domain/working-days.ts';
import type { Transaction } from '../../db/database.ts';
import { endPersonAccess } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { AppError, invalid, type FieldError } from '../../platform/errors.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { formatDate } from '../../platform/views.ts';
import { formatPence } from '../../domain/money.ts';
import { closeBudgetAtDischarge, openBudgetFacts } from '../budgets/service.ts';
import { cancelHandoverAtDischarge, pendingHandover } from './handover.ts';
import { goalsStillOpen } from './plan.ts';
import { episodeAccess, withEpisode, type Episode, type EpisodeAccess } from './with-episode.ts';

export const DISCHARGE_REASONS = {
  goals_met: 'Their goals are met',
  moved_away: 'They moved away',
  no_longer_wants_support: 'They no longer want support',
  not_engaging: 'They are not engaging with support',
  transferred: 'Transferred to another service',
  died: 'They died',
  other: 'Another reason',
} as const;

export type DischargeReason = keyof typeof DISCHARGE_REASONS;

export function isDischargeReason(value: unknown): value is DischargeReason {
  return typeof value === 'string' && Object.hasOwn(DISCHARGE_REASONS, value);
}

/** The reason as words: the listed reason, or what the worker wrote for "another reason". */
export function dischargeReasonText(episode: Pick<Episode, 'dischargeReason' | 'dischargeReasonOther'>): string {
  if (episode.dischargeReason === 'other') return episode.dischargeReasonOther ?? DISCHARGE_REASONS.other;
  return isDischargeReason(episode.dischargeReason) ? DISCHARGE_REASONS[episode.dischargeReason] : (episode.dischargeReason ?? '');
}

// ---------------------------------------------------------------------------------------------
// What is still open

/** Something still open in an episode that the worker should see before they discharge. */
export interface OpenWork {
  heading: string;
  items: { text: string; href?: string }[];
  /** what discharge does about it */
  onDischarge: string;
}

/** Reports what is open of one kind, inside the discharge page's transaction (the caller has checked access). */
export type OpenWorkSource = (tx: Transaction, episode: Episode) => Promise<OpenWork | null>;

const pendingHandoverWork: OpenWorkSource = async (tx, episode) => {
  const handover = await pendingHandover(tx, episode.tenantId, episode.id);
  return handover
    ? {
      heading: 'A handover is waiting to be acknowledged',
      items: [{ text: `Sent to ${handover.toName} on ${formatDate(handover.sentAt)}`, href: `/handovers/${handover.id}` }],
      onDischarge: `It will be cancelled, and ${handover.toName} told.`,
    }
    : null;
};

const openBudgetWork: OpenWorkSource = async (tx, episode) => {
  const budget = await openBudgetFacts(tx, episode.tenantId, episode.id);
  return budget
    ? {
      heading: 'Their personal budget is open',
      items: [{ text: `${formatPence(budget.leftPence)} of ${formatPence(budget.amountPence)} not spent, until ${formatDate(budget.endsOn)}`, href: `/episodes/${episode.id}/budget` }],
      onDischarge: 'It will be closed. Record any spending before you discharge.',
    }
    : null;
};

/**
 * Everything that reports what is open in an episode. The goals and social prescribing features
 * add their own source here (open goals; prescriptions not yet completed or ended), each a
 * function of (tx, episode) that reads its own tables.
 */
const openGoalsWork: OpenWorkSource = async (tx, episode) => {
  const goals = await goalsStillOpen(tx, episode.tenantId, episode.id);
  return goals.length
    ? {
      heading: goals.length === 1 ? 'A goal is still being worked on' : `${goals.length} goals are still being worked on`,
      items: goals.map((g) => ({ text: `“${g.description}”`, href: `/episodes/${episode.id}/goals/${g.id}` })),
      onDischarge: 'They stay as they are in the plan. Mark each achieved or stopped first if that is what happened.',
    }
    : null;
};

export const OPEN_WORK: OpenWorkSource[] = [pendingHandoverWork, openBudgetWork, openGoalsWork];

/** Another feature's source of open work (social prescriptions), added from its own module. */
export function addOpenWorkSource(source: OpenWorkSource): void {
  if (!OPEN_WORK.includes(source)) OPEN_WORK.push(source);
}

async function openWork(tx: Transaction, episode: Episode): Promise<OpenWork[]> {
  const found: OpenWork[] = [];
  for (const source of OPEN_WORK) {
    const work = await source(tx, episode);
    if (work) found.push(work);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// The discharge page

export interface DischargePage {
  episode: Episode;
  person: EpisodeAccess['person'];
  /** what is still open (shown before the worker confirms) */
  open: OpenWork[];
  /** the actor may discharge (not the single point of access; not once discharged) */
  mayDischarge: boolean;
  /** once discharged: the last day they can come back by the fast route, and the setting */
  comeBackUntil: string | null;
  comeBackMonths: number;
  /** the first day the discharge date can be (the day support started) */
  startedOn: string;
  today: string;
}

/** The discharge page: the form with what is still open, or the discharge as recorded. The read is audited. */
export async function getDischargePage(ctx: StaffContext, episodeId: string, options: { today?: string } = {}): Promise<DischargePage> {
  const today = options.today ?? londonDate(new Date());
  return withEpisode(ctx, episodeId, {
    action: 'discharge.read', purpose: 'read',
    work: async (tx, { episode, basis, person }) => {
      const settings = await getTenantSettings(tx, episode.tenantId);
      const open = episode.state === 'open' ? await openWork(tx, episode) : [];
      await audit(tx, ctx, { action: 'discharge.read', recordType: 'episode', recordId: episode.id, personId: episode.personId, basis, outcome: 'success' });
      const dischargeDate = episode.dischargeDate ?? (episode.dischargedAt ? londonDate(episode.dischargedAt) : null);
      return {
        episode, person, open,
        mayDischarge: episode.state === 'open' && 'basis' in episodeAccess(ctx.actor, episode, 'update'),
        comeBackUntil: dischargeDate && episode.dischargeReason !== 'died' ? comeBackUntil(dischargeDate, settings.comeBackMonths) : null,
        comeBackMonths: settings.comeBackMonths,
        startedOn: londonDate(episode.startedAt),
        today,
      };
    },
  });
}

interface DischargeInput {
  reason: DischargeReason;
  reasonOther: string | null;
  closingSummary: string;
  dischargeDate: string;
}

/** The discharge form, checked: a reason (with words for "another reason"), a closing summary, and a date from the start of support to today. */
export function readDischargeForm(form: Record<string, string>, limits: { startedOn: string; today: string }): DischargeInput {
  const problems: FieldError[] = [];
  const reason = form.reason;
  if (!isDischargeReason(reason)) problems.push({ field: 'reason', message: 'Choose why their support is ending' });
  let reasonOther: string | null = null;
  if (reason === 'other') {
    const other = parseText(form.reasonOther ?? '', { label: 'the reason', max: 500 });
    if (!other.ok) problems.push({ field: 'reasonOther', message: other.message });
    else if (!other.value) problems.push({ field: 'reasonOther', message: 'Enter the reason their support is ending' });
    else reasonOther = other.value;
  }
  const summary = parseText(form.closingSummary ?? '', { label: 'the closing summary', max: 5000 });
  if (!summary.ok) problems.push({ field: 'closingSummary', message: summary.message });
  else if (!summary.value) problems.push({ field: 'closingSummary', message: 'Enter a closing summary: what changed for them, and what they can do if they need support again' });
  const date = parseDateParts(
    { day: form['dischargeDate[day]'] ?? '', month: form['dischargeDate[month]'] ?? '', year: form['dischargeDate[year]'] ?? '' },
    { label: 'the date their support ended', today: limits.today, past: false },
  );
  if (!date.ok) problems.push({ field: `dischargeDate-${date.part ?? 'day'}`, message: date.message });
  else if (date.value && date.value > limits.today) problems.push({ field: 'dischargeDate-day', message: 'The date their support ended must be today or in the past' });
  else if (date.value && date.value < limits.startedOn) {
    problems.push({ field: 'dischargeDate-day', message: `The date their support ended must be on or after ${formatDate(limits.startedOn)}, when it started` });
  }
  if (problems.length || !isDischargeReason(reason) || !date.ok || !date.value || !summary.ok) throw invalid(problems);
  return { reason, reasonOther, closingSummary: summary.value, dischargeDate: date.value };
}

export interface DischargeOutcome {
  episode: Episode;
  handoverCancelled: boolean;
  budgetClosed: boolean;
}

/**
 * Discharges the episode: it becomes 'discharged' with its reason, summary and date; a waiting
 * handover is cancelled, an open budget closed, and the organisation's 'support episode' grant
 * ended. The person's responsible organisation is kept (see the top of this file).
 */
export async function dischargeEpisode(ctx: StaffContext, episodeId: string, form: Record<string, string>, options: { baseUrl: string; today?: string }): Promise<DischargeOutcome> {
  const today = options.today ?? londonDate(new Date());
  return withEpisode(ctx, episodeId, {
    action: 'episode.discharge', purpose: 'update',
    work: async (tx, access) => {
      const { episode, basis } = access;
      if (episode.state !== 'open') {
        throw new AppError({
          status: 409, code: 'already_discharged',
          message: `Their support already ended${episode.dischargeDate ? ` on ${formatDate(episode.dischargeDate)}` : ''}. If they need support again, bring them back from their person page.`,
        });
      }
      const input = readDischargeForm(form, { startedOn: londonDate(episode.startedAt), today });
      if (Number(form.version) !== episode.version) {
        throw new AppError({
          status: 409, code: 'stale', message: 'Their support changed while you had this page open.',
          fields: [{ field: 'reason', message: 'Their support changed while you had this page open (a handover, or a change by someone else). Nothing has been saved. Check what is still open below, then discharge again.' }],
        });
      }
      await tx.query(
        `UPDATE episodes
            SET state = 'discharged', discharged_at = now(), discharged_by = $3, discharge_date = $4, discharge_reason = $5,
                discharge_reason_other = $6, closing_summary = $7, version = version + 1, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [episode.tenantId, episode.id, ctx.actor.userId, input.dischargeDate, input.reason, input.reasonOther, input.closingSummary],
      );
      const handover = await cancelHandoverAtDischarge(tx, ctx, access, options.baseUrl);
      const budget = await closeBudgetAtDischarge(tx, ctx, access);
      // The support episode's grant ends; the responsible organisation stays (see above).
      await endPersonAccess(tx, episode.tenantId, episode.id);
      await audit(tx, ctx, {
        action: 'episode.discharge', recordType: 'episode', recordId: episode.id, personId: episode.personId, basis, outcome: 'success',
        detail: {
          reason: input.reason, dischargeDate: input.dischargeDate, grantEnded: true, responsibleOrganisationKept: episode.organisationId,
          handoverCancelled: handover?.id ?? null, budgetClosed: budget?.id ?? null,
        },
      });
      return {
        episode: { ...episode, state: 'discharged', dischargeDate: input.dischargeDate, dischargeReason: input.reason, dischargeReasonOther: input.reasonOther, closingSummary: input.closingSummary },
        handoverCancelled: Boolean(handover),
        budgetClosed: Boolean(budget),
      };
    },
  });
}
