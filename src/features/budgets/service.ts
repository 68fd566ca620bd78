// Personal budgets (Live It Well commitments 7 and 8: choice and control): an amount for the
// person over a period, the plan they agreed for spending it (services from the directory or
// anything else), the spending recorded against it, the balance, and who helped plan it.
//
// Every read and write goes through the episode's access rule (src/features/episodes/
// with-episode.ts) and writes an audit row in the same transaction. Money is whole pence
// throughout. Spending that would take the balance below nothing is refused, under a lock on the
// budget, so two workers recording at once cannot overspend it between them; edits carry the
// budget's version, so a save made from an out-of-date page is refused, not lost.
import { amountProblem, overplanProblem, overspendProblem } from '../../domain/budget-balance.ts';
import { formatPence, parsePounds } from '../../domain/money.ts';
import { parseDateParts, parseText } from '../../domain/person-fields.ts';
import { londonDate } from '../../domain/working-days.ts';
import type { Queryable, Transaction } from '../../db/database.ts';
import { audit } from '../../platform/audit.ts';
import type { RequestContext, StaffContext } from '../../platform/context.ts';
import { AppError, invalid, notFound, type FieldError } from '../../platform/errors.ts';
import { formatDate } from '../../platform/views.ts';
import { getListing } from '../directory/store.ts';
import { readSearchInput, searchDirectory } from '../directory/search.ts';
import { episodeAccess, expectOpen, withEpisode, type Episode, type EpisodeAccess } from '../episodes/with-episode.ts';
import { episodeBudgets, openBudgetId, readBudget, touchBudget, type Budget, type BudgetSummary } from './store.ts';

export type { Budget, BudgetItem, BudgetSummary, Spending } from './store.ts';

/** The largest personal budget Lantern records: £1,000,000.00. */
export const MAX_BUDGET_PENCE = 100_000_000;

export type Form = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Reading forms

function money(form: Form, field: string, label: string, problems: FieldError[]): number | null {
  const parsed = parsePounds(form[field] ?? '', { label });
  const Label = label.charAt(0).toUpperCase() + label.slice(1);
  if (!parsed.ok) problems.push({ field, message: parsed.message });
  else if (parsed.pence <= 0) problems.push({ field, message: `${Label} must be more than £0` });
  else if (parsed.pence > MAX_BUDGET_PENCE) problems.push({ field, message: `${Label} must be ${formatPence(MAX_BUDGET_PENCE)} or less` });
  else return parsed.pence;
  return null;
}

/** A date typed in three boxes named `name[day]`, `name[month]`, `name[year]` (ids `name-day` ...). */
function date(form: Form, name: string, label: string, today: string, problems: FieldError[]): string | null {
  const parsed = parseDateParts(
    { day: form[`${name}[day]`] ?? '', month: form[`${name}[month]`] ?? '', year: form[`${name}[year]`] ?? '' },
    { label, today, past: false },
  );
  if (!parsed.ok) {
    problems.push({ field: `${name}-${parsed.part ?? 'day'}`, message: parsed.message });
    return null;
  }
  return parsed.value;
}

function text(form: Form, field: string, options: { label: string; max: number; required?: boolean }, problems: FieldError[]): string {
  const parsed = parseText(form[field] ?? '', options);
  if (!parsed.ok) {
    problems.push({ field, message: parsed.message });
    return '';
  }
  return parsed.value;
}

function version(form: Form): number {
  const value = Number(form.version);
  return Number.isInteger(value) ? value : -1;
}

interface BudgetDetails {
  amountPence: number;
  startsOn: string;
  endsOn: string;
  brokerageBy: string;
  brokerageNotes: string;
}

/** The budget form: amount, period and brokerage. Throws every problem at once. */
export function readBudgetForm(form: Form, today: string): BudgetDetails {
  const problems: FieldError[] = [];
  const amountPence = money(form, 'amount', 'the budget amount', problems);
  const startsOn = date(form, 'startsOn', 'the start date', today, problems);
  const endsOn = date(form, 'endsOn', 'the end date', today, problems);
  if (startsOn && endsOn && endsOn < startsOn) problems.push({ field: 'endsOn-day', message: 'The end date must be the same as or after the start date' });
  const brokerageBy = text(form, 'brokerageBy', { label: 'who helped plan it', max: 200 }, problems);
  const brokerageNotes = text(form, 'brokerageNotes', { label: 'the notes about brokerage', max: 2000 }, problems);
  if (problems.length || amountPence === null || !startsOn || !endsOn) throw invalid(problems);
  return { amountPence, startsOn, endsOn, brokerageBy, brokerageNotes };
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface BudgetPage {
  episode: Episode;
  person: EpisodeAccess['person'];
  /** the budget shown: the open one, or the one asked for */
  budget: Budget | null;
  /** every budget of the episode, newest first */
  budgets: BudgetSummary[];
  /** the actor may change budgets in this episode (not the single point of access; not after discharge) */
  mayChange: boolean;
  /** the shown budget's period has ended, so it can be closed */
  closable: boolean;
  /** the episode has an open budget (shown or not) */
  hasOpenBudget: boolean;
}

const stale = (field: string): AppError =>
  new AppError({
    status: 409,
    code: 'stale',
    message: 'Someone else changed this budget while you had it open.',
    fields: [{ field, message: 'Someone else changed this budget while you had it open. What you entered is below but has not been saved. Check the budget as it is now, then save again.' }],
  });

/**
 * The episode's budget page: the open budget (or `budgetId`, an earlier one), with every budget
 * of the episode. The read is audited.
 */
export async function getBudgetPage(ctx: StaffContext, episodeId: string, options: { budgetId?: string; purpose?: 'read' | 'update'; today?: string } = {}): Promise<BudgetPage> {
  const today = options.today ?? londonDate(new Date());
  return withEpisode(ctx, episodeId, {
    action: 'budget.read', purpose: options.purpose ?? 'read', lock: false,
    work: async (tx, { episode, basis, person }) => {
      const id = options.budgetId ?? (await openBudgetId(tx, episode.tenantId, episode.id));
      const budget = id ? await readBudget(tx, episode.tenantId, episode.id, id) : null;
      if (options.budgetId && !budget) throw notFound('personal budget');
      await audit(tx, ctx, {
        action: 'budget.read', recordType: budget ? 'personal_budget' : 'episode', recordId: budget?.id ?? episode.id, personId: episode.personId,
        basis, outcome: 'success', detail: { episodeId: episode.id },
      });
      const mayChange = 'basis' in episodeAccess(ctx.actor, episode, 'update') && episode.state === 'open';
      const budgets = await episodeBudgets(tx, episode.tenantId, episode.id);
      return {
        episode, person, budget, budgets, mayChange, hasOpenBudget: budgets.some((b) => b.state === 'open'),
        closable: Boolean(budget && budget.state === 'open' && today >= budget.endsOn),
      };
    },
  });
}

/**
 * For a form that changes the open budget: the page's data, refused (403) for those who may only
 * read, and with a clear message when there is no open budget to change.
 */
export async function getBudgetForm(ctx: StaffContext, episodeId: string, needsBudget = true): Promise<BudgetPage> {
  const page = await getBudgetPage(ctx, episodeId, { purpose: 'update' });
  expectOpen(page.episode, 'their personal budget cannot be changed');
  if (needsBudget && (!page.budget || page.budget.state !== 'open')) throw noOpenBudget();
  return page;
}

const noOpenBudget = () =>
  new AppError({ status: 409, code: 'no_open_budget', message: 'There is no open personal budget to change. Set up a budget first from the personal budget page.' });

/** Runs a change to the episode's open budget, locked, after the access check. */
function changeOpenBudget<T>(
  ctx: StaffContext,
  episodeId: string,
  action: string,
  work: (tx: Transaction, access: EpisodeAccess, budget: Budget) => Promise<T>,
): Promise<T> {
  return withEpisode(ctx, episodeId, {
    action, purpose: 'update',
    work: async (tx, access) => {
      expectOpen(access.episode, 'their personal budget cannot be changed');
      const id = await openBudgetId(tx, access.episode.tenantId, access.episode.id, true);
      const budget = id ? await readBudget(tx, access.episode.tenantId, access.episode.id, id, true) : null;
      if (!budget) throw noOpenBudget();
      return work(tx, access, budget);
    },
  });
}

const auditBudget = (tx: Queryable, ctx: RequestContext, access: EpisodeAccess, budgetId: string, action: string, detail: Record<string, unknown>) =>
  audit(tx, ctx, {
    action, recordType: 'personal_budget', recordId: budgetId, personId: access.episode.personId, basis: access.basis, outcome: 'success',
    detail: { episodeId: access.episode.id, ...detail },
  });

// ---------------------------------------------------------------------------------------------
// The budget itself

/** Sets up a personal budget in the episode; returns its id. One open budget at a time. */
export async function createBudget(ctx: StaffContext, episodeId: string, form: Form, options: { today?: string } = {}): Promise<string> {
  const today = options.today ?? londonDate(new Date());
  return withEpisode(ctx, episodeId, {
    action: 'budget.create', purpose: 'update',
    work: async (tx, access) => {
      const { episode } = access;
      expectOpen(episode, 'a personal budget cannot be set up');
      const details = readBudgetForm(form, today);
      if (await openBudgetId(tx, episode.tenantId, episode.id, true)) {
        throw new AppError({
          status: 409, code: 'budget_open',
          message: 'They already have an open personal budget. Change that one, or close it at the end of its period before setting up the next.',
        });
      }
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO personal_budgets (tenant_id, episode_id, person_id, amount_pence, starts_on, ends_on, brokerage_by, brokerage_notes, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [episode.tenantId, episode.id, episode.personId, details.amountPence, details.startsOn, details.endsOn, details.brokerageBy, details.brokerageNotes, ctx.actor.userId],
      );
      const id = rows[0]!.id;
      await auditBudget(tx, ctx, access, id, 'budget.create', { amountPence: details.amountPence, startsOn: details.startsOn, endsOn: details.endsOn });
      return id;
    },
  });
}

/** Changes the open budget's amount, period or brokerage, if nobody changed it since `form.version`. */
export async function updateBudget(ctx: StaffContext, episodeId: string, form: Form, options: { today?: string } = {}): Promise<void> {
  const today = options.today ?? londonDate(new Date());
  await changeOpenBudget(ctx, episodeId, 'budget.update', async (tx, access, budget) => {
    const details = readBudgetForm(form, today);
    if (budget.version !== version(form)) throw stale('amount');
    const problems: FieldError[] = [];
    const tooSmall = amountProblem(budget.balance, details.amountPence);
    if (tooSmall) problems.push({ field: 'amount', message: tooSmall });
    const outside = budget.spending.filter((s) => s.spentOn < details.startsOn || s.spentOn > details.endsOn);
    if (outside.length) {
      const dates = [...new Set(outside.map((s) => formatDate(s.spentOn)))].slice(0, 3).join(', ');
      problems.push({ field: outside.some((s) => s.spentOn < details.startsOn) ? 'startsOn-day' : 'endsOn-day', message: `Spending was recorded on ${dates}, so the period must include ${outside.length === 1 ? 'that date' : 'those dates'}` });
    }
    if (problems.length) throw invalid(problems);
    await tx.query(
      `UPDATE personal_budgets SET amount_pence = $3, starts_on = $4, ends_on = $5, brokerage_by = $6, brokerage_notes = $7
        WHERE tenant_id = $1 AND id = $2`,
      [access.episode.tenantId, budget.id, details.amountPence, details.startsOn, details.endsOn, details.brokerageBy, details.brokerageNotes],
    );
    await touchBudget(tx, access.episode.tenantId, budget.id);
    const changed = (['amountPence', 'startsOn', 'endsOn', 'brokerageBy', 'brokerageNotes'] as const).filter((k) => budget[k] !== details[k]);
    await auditBudget(tx, ctx, access, budget.id, 'budget.update', { changed, amountPence: details.amountPence });
  });
}

/** Closes the open budget once its period has ended. */
export async function closeBudget(ctx: StaffContext, episodeId: string, form: Form, options: { today?: string } = {}): Promise<void> {
  const today = options.today ?? londonDate(new Date());
  await changeOpenBudget(ctx, episodeId, 'budget.close', async (tx, access, budget) => {
    const problems: FieldError[] = [];
    const note = text(form, 'note', { label: 'the note', max: 2000 }, problems);
    if (problems.length) throw invalid(problems);
    if (budget.version !== version(form)) throw stale('note');
    if (today < budget.endsOn) {
      throw new AppError({
        status: 409, code: 'period_not_over',
        message: `This budget runs until ${formatDate(budget.endsOn)}, so it can be closed from then. To end it sooner, change its end date first.`,
      });
    }
    await markClosed(tx, ctx.actor.userId, access.episode.tenantId, budget.id, note || null);
    await auditBudget(tx, ctx, access, budget.id, 'budget.close', { leftPence: budget.balance.leftPence });
  });
}

async function markClosed(tx: Queryable, userId: string | null, tenantId: string, budgetId: string, note: string | null): Promise<void> {
  await tx.query(
    `UPDATE personal_budgets SET state = 'closed', closed_at = now(), closed_by = $3, close_note = $4, version = version + 1, updated_at = now()
      WHERE tenant_id = $1 AND id = $2`,
    [tenantId, budgetId, userId, note],
  );
}

// ---------------------------------------------------------------------------------------------
// The plan for spending it

export interface ServiceChoice {
  id: string;
  name: string;
  organisationName: string;
  summary: string;
}

/** Directory services matching the words, for the plan's "from the directory" choice. */
export async function findServicesForPlan(ctx: StaffContext, words: string): Promise<{ services: ServiceChoice[]; total: number }> {
  if (!words.trim()) return { services: [], total: 0 };
  const { input } = readSearchInput({ words });
  const outcome = await searchDirectory(ctx.db, ctx.actor.tenantId, input);
  if ('problems' in outcome) return { services: [], total: 0 };
  return {
    services: outcome.results.map((r) => ({ id: r.listing.id, name: r.listing.name, organisationName: r.listing.organisationName, summary: r.listing.summary })),
    total: outcome.total,
  };
}

/** Adds an item to the plan: a directory service (`choice` = 'service:<id>') or something else (`choice` = 'other'). */
export async function addItem(ctx: StaffContext, episodeId: string, form: Form): Promise<string> {
  return changeOpenBudget(ctx, episodeId, 'budget.item_add', async (tx, access, budget) => {
    const problems: FieldError[] = [];
    const choice = form.choice ?? '';
    let serviceId: string | null = null;
    let description = '';
    if (choice === 'other') {
      description = text(form, 'description', { label: 'what it is', max: 200, required: true }, problems);
    } else if (choice.startsWith('service:')) {
      const listing = await getListing(tx, access.episode.tenantId, choice.slice('service:'.length));
      if (!listing || !listing.published) problems.push({ field: 'choice', message: 'That service is no longer in the directory. Search again, or choose something else' });
      else {
        serviceId = listing.id;
        description = listing.name.slice(0, 200);
      }
    } else {
      problems.push({ field: 'choice', message: 'Choose a service from the directory, or choose something not in the directory' });
    }
    const planned = money(form, 'planned', 'the planned amount', problems);
    if (planned !== null) {
      const over = overplanProblem(budget.balance, planned);
      if (over) problems.push({ field: 'planned', message: over });
    }
    if (problems.length || planned === null) throw invalid(problems);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO personal_budget_items (tenant_id, budget_id, service_id, description, planned_pence, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [access.episode.tenantId, budget.id, serviceId, description, planned, ctx.actor.userId],
    );
    await touchBudget(tx, access.episode.tenantId, budget.id);
    await auditBudget(tx, ctx, access, budget.id, 'budget.item_add', { itemId: rows[0]!.id, serviceId, plannedPence: planned });
    return rows[0]!.id;
  });
}

function itemOf(budget: Budget, itemId: string) {
  const item = budget.items.find((i) => i.id === itemId);
  if (!item) throw notFound('item in the plan');
  return item;
}

/** Changes an item's planned amount. */
export async function updateItem(ctx: StaffContext, episodeId: string, itemId: string, form: Form): Promise<void> {
  await changeOpenBudget(ctx, episodeId, 'budget.item_update', async (tx, access, budget) => {
    const item = itemOf(budget, itemId);
    const problems: FieldError[] = [];
    const planned = money(form, 'planned', 'the planned amount', problems);
    if (planned === null) throw invalid(problems);
    if (budget.version !== version(form)) throw stale('planned');
    const over = overplanProblem({ unplannedPence: budget.balance.unplannedPence + item.plannedPence }, planned);
    if (over) throw invalid([{ field: 'planned', message: over }]);
    await tx.query('UPDATE personal_budget_items SET planned_pence = $3 WHERE tenant_id = $1 AND id = $2', [access.episode.tenantId, item.id, planned]);
    await touchBudget(tx, access.episode.tenantId, budget.id);
    await auditBudget(tx, ctx, access, budget.id, 'budget.item_update', { itemId: item.id, from: item.plannedPence, to: planned });
  });
}

/** Takes an item off the plan; refused once spending is recorded against it. */
export async function removeItem(ctx: StaffContext, episodeId: string, itemId: string, form: Form): Promise<void> {
  await changeOpenBudget(ctx, episodeId, 'budget.item_remove', async (tx, access, budget) => {
    const item = itemOf(budget, itemId);
    if (budget.version !== version(form)) throw stale('planned');
    if (item.hasSpending) {
      throw new AppError({
        status: 409, code: 'item_has_spending',
        message: `Spending of ${formatPence(item.spentPence)} is recorded against “${item.description}”, so it stays in the plan. Lower its planned amount instead.`,
      });
    }
    await tx.query('DELETE FROM personal_budget_items WHERE tenant_id = $1 AND id = $2', [access.episode.tenantId, item.id]);
    await touchBudget(tx, access.episode.tenantId, budget.id);
    await auditBudget(tx, ctx, access, budget.id, 'budget.item_remove', { itemId: item.id, description: item.description, plannedPence: item.plannedPence });
  });
}

// ---------------------------------------------------------------------------------------------
// Spending

/** Records spending against an item of the plan. Refused, with the balance, when it would overspend. */
export async function recordSpending(ctx: StaffContext, episodeId: string, form: Form, options: { today?: string } = {}): Promise<string> {
  const today = options.today ?? londonDate(new Date());
  return changeOpenBudget(ctx, episodeId, 'budget.spend', async (tx, access, budget) => {
    const problems: FieldError[] = [];
    const item = budget.items.find((i) => i.id === form.itemId);
    if (!item) problems.push({ field: 'itemId', message: 'Choose the item in the plan this spending is for' });
    const spentOn = date(form, 'spentOn', 'the date', today, problems);
    if (spentOn && spentOn > today) problems.push({ field: 'spentOn-day', message: 'The date must be today or in the past' });
    else if (spentOn && (spentOn < budget.startsOn || spentOn > budget.endsOn)) {
      problems.push({ field: 'spentOn-day', message: `The date must be in the budget’s period, ${formatDate(budget.startsOn)} to ${formatDate(budget.endsOn)}` });
    }
    const description = text(form, 'description', { label: 'what it was for', max: 200, required: true }, problems);
    const amount = money(form, 'amount', 'the amount', problems);
    if (amount !== null) {
      const over = overspendProblem(budget.balance, amount);
      if (over) problems.push({ field: 'amount', message: over });
    }
    if (problems.length || !item || !spentOn || amount === null) throw invalid(problems);
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO personal_budget_spending (tenant_id, budget_id, item_id, spent_on, amount_pence, description, recorded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [access.episode.tenantId, budget.id, item.id, spentOn, amount, description, ctx.actor.userId],
    );
    await touchBudget(tx, access.episode.tenantId, budget.id);
    await auditBudget(tx, ctx, access, budget.id, 'budget.spend', {
      spendingId: rows[0]!.id, itemId: item.id, amountPence: amount, leftPence: budget.balance.leftPence - amount,
    });
    return rows[0]!.id;
  });
}

// ---------------------------------------------------------------------------------------------
// For other parts of the episode (discharge, the episode page), inside their transactions

export interface OpenBudgetFacts {
  id: string;
  amountPence: number;
  spentPence: number;
  leftPence: number;
  endsOn: string;
}

/** The episode's open budget in brief, or null. No access check: the caller has made one. */
export async function openBudgetFacts(tx: Queryable, tenantId: string, episodeId: string): Promise<OpenBudgetFacts | null> {
  const id = await openBudgetId(tx, tenantId, episodeId);
  const budget = id ? await readBudget(tx, tenantId, episodeId, id) : null;
  return budget ? { id: budget.id, amountPence: budget.amountPence, spentPence: budget.balance.spentPence, leftPence: budget.balance.leftPence, endsOn: budget.endsOn } : null;
}

/**
 * Closes the episode's open budget when support ends, whatever its period, with the audit row.
 * No access check: discharge has made one. Returns the budget closed, if there was one.
 */
export async function closeBudgetAtDischarge(tx: Queryable, ctx: StaffContext, access: { episode: Episode; basis: string }): Promise<OpenBudgetFacts | null> {
  const facts = await openBudgetFacts(tx, access.episode.tenantId, access.episode.id);
  if (!facts) return null;
  await markClosed(tx, ctx.actor.userId, access.episode.tenantId, facts.id, 'Closed when their support ended.');
  await audit(tx, ctx, {
    action: 'budget.close', recordType: 'personal_budget', recordId: facts.id, personId: access.episode.personId, basis: access.basis,
    outcome: 'success', detail: { episodeId: access.episode.id, atDischarge: true, leftPence: facts.leftPence },
  });
  return facts;
}

export interface BudgetSection {
  episodeId: string;
  budget: OpenBudgetFacts | null;
  /** how many budgets the episode has had */
  count: number;
}

/** The budget in brief for the episode page (`{% include "budgets/views/_episode-budget.njk" %}`). The read is audited. */
export async function budgetSection(ctx: StaffContext, episodeId: string): Promise<BudgetSection> {
  return withEpisode(ctx, episodeId, {
    action: 'budget.read', purpose: 'read',
    work: async (tx, { episode, basis }) => {
      const budget = await openBudgetFacts(tx, episode.tenantId, episode.id);
      const count = (await episodeBudgets(tx, episode.tenantId, episode.id)).length;
      await audit(tx, ctx, {
        action: 'budget.read', recordType: budget ? 'personal_budget' : 'episode', recordId: budget?.id ?? episode.id, personId: episode.personId,
        basis, outcome: 'success', detail: { episodeId: episode.id, summary: true },
      });
      return { episodeId: episode.id, budget, count };
    },
  });
}
