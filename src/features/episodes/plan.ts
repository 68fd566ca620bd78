// The support plan, written with the person: what matters to them, their strengths, and goals in
// their own words, each with steps (who does what, by when), a review date, a status, and
// progress over time. Every read and change is decided and audited through withEpisode; every
// change refreshes what the caseload shows, in the same transaction.
//
// Two workers may edit the plan, a goal or a step at once. Each save carries the version its form
// started from; a stale save is refused with a 409 and nothing is written, so the page can show
// what was typed beside what is saved now and the worker merges and saves deliberately.
import type { Transaction } from '../../db/database.ts';
import { soonest, whatIsDue, type DueItem } from '../../domain/caseload-due.ts';
import { GOAL_STATUSES, OUTCOME_DOMAINS, RATING_MAX, RATING_MIN, STEP_OWNERS } from '../../domain/support-plan.ts';
import { londonDate } from '../../domain/working-days.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { invalid, notFound, type FieldError } from '../../platform/errors.ts';
import { getTenantSettings } from '../../platform/tenant-settings.ts';
import { readRisk, type Risk } from '../people/risk.ts';
import { mayAccessEpisode, withEpisode, type Episode, type EpisodeAccess } from './access.ts';
import { checkChoice, checkDate, checkFutureDate, checkText, staleSave, submissionKeyOf, type DateParts } from './fields.ts';
import { currentEpisodeIdOf } from './summary.ts';
import {
  countContacts, insertGoal, insertProgress, insertStep, lockGoal, readContacts, readGoal, readGoals, readPlan, readStatusHistory, readStep,
  refreshSummary, updateGoal as writeGoal, updateStep as writeStep, writePlan, type Contact, type Goal, type Plan, type StatusRecord, type Step,
} from './store.ts';

export interface PersonName {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
}

export interface EpisodeContext {
  episode: Episode;
  person: PersonName;
  /** may the actor change this episode's plan and records */
  canEdit: boolean;
}

export interface Clock {
  /** the time to work to (tests move it); default now */
  now?: Date;
}

/** The episode with its person's name (read once, when access was decided), and whether the actor may change it. */
export function contextOf(ctx: StaffContext, access: EpisodeAccess): EpisodeContext {
  return {
    episode: access.episode,
    person: { id: access.episode.personId, ...access.person },
    canEdit: access.episode.state === 'open' && mayAccessEpisode(ctx.actor, access.episode, 'update'),
  };
}

const startedOn = (episode: Episode) => londonDate(episode.startedAt);

// ---------------------------------------------------------------------------------------------
// Pages

export interface EpisodePage extends EpisodeContext {
  plan: Plan;
  goals: Goal[];
  recentContacts: Contact[];
  contactCount: number;
  status: StatusRecord | null;
  risk: Risk;
  due: DueItem[];
}

export const RECENT_CONTACTS = 5;

/** The episode's page: plan, goals with steps and progress, recent contacts and status. Audited. */
export async function getEpisodePage(ctx: StaffContext, id: string, clock: Clock = {}): Promise<EpisodePage> {
  return withEpisode(ctx, id, 'read', { action: 'episode.read' }, async (tx, access) => {
    const tenantId = ctx.actor.tenantId;
    const base = contextOf(ctx, access);
    const plan = await readPlan(tx, tenantId, id);
    const goals = await readGoals(tx, tenantId, id);
    const recentContacts = await readContacts(tx, tenantId, id, RECENT_CONTACTS);
    const contactCount = await countContacts(tx, tenantId, id);
    const status = (await readStatusHistory(tx, tenantId, id, 1))[0] ?? null;
    const risk = await readRisk(tx, tenantId, access.episode.personId);
    const settings = await getTenantSettings(tx, tenantId);
    const due = dueFor(access.episode, plan, goals, recentContacts[0]?.contactAt ?? null, settings.contactOverdueDays, clock);
    await audit(tx, ctx, {
      action: 'episode.read', recordType: 'episode', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
      detail: { goals: goals.map((g) => g.id), contacts: recentContacts.map((c) => c.id) },
    });
    return { ...base, plan, goals, recentContacts, contactCount, status, risk, due };
  });
}

/** What is due for an open episode, worked out from its plan, goals and last contact. */
export function dueFor(episode: Episode, plan: Plan, goals: Goal[], lastContactAt: Date | null, contactOverdueDays: number, clock: Clock = {}): DueItem[] {
  if (episode.state !== 'open') return [];
  const working = goals.filter((g) => g.status === 'working_on');
  return whatIsDue({
    planReviewOn: plan.nextReviewOn,
    goalReviewOn: soonest(...working.map((g) => g.reviewOn)),
    stepDueOn: soonest(...working.flatMap((g) => g.steps.filter((step) => !step.doneAt).map((step) => step.dueOn))),
    lastContactOn: lastContactAt ? londonDate(lastContactAt) : null,
    startedOn: startedOn(episode),
  }, { today: londonDate(clock.now ?? new Date()), contactOverdueDays });
}

/**
 * The episode and person a form is about, for someone who may change the episode. Opening the
 * form is audited as a read of the episode.
 */
export async function episodeForForm(ctx: StaffContext, id: string, form: string): Promise<EpisodeContext> {
  return withEpisode(ctx, id, 'update', { action: 'episode.read' }, async (tx, access) => {
    await audit(tx, ctx, { action: 'episode.read', recordType: 'episode', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success', detail: { form } });
    return contextOf(ctx, access);
  });
}

// ---------------------------------------------------------------------------------------------
// The plan

export interface PlanForm {
  whatMatters: string;
  strengths: string;
  nextReviewOn: DateParts;
  version: number;
}

/** The plan as saved now, for its form (opened, or shown again beside a stale save). Audited. */
export async function getPlanForm(ctx: StaffContext, id: string): Promise<EpisodeContext & { plan: Plan }> {
  return withEpisode(ctx, id, 'update', { action: 'plan.read' }, async (tx, access) => {
    const plan = await readPlan(tx, ctx.actor.tenantId, id);
    await audit(tx, ctx, { action: 'plan.read', recordType: 'episode', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success' });
    return { ...contextOf(ctx, access), plan };
  });
}

/** Saves what matters to the person, their strengths and the next review, if nobody saved first. */
export async function savePlan(ctx: StaffContext, id: string, form: PlanForm, clock: Clock = {}): Promise<void> {
  const today = londonDate(clock.now ?? new Date());
  await withEpisode(ctx, id, 'update', { action: 'plan.update' }, async (tx, access) => {
    const saved = await readPlan(tx, ctx.actor.tenantId, id);
    const problems: FieldError[] = [];
    const whatMatters = checkText(form.whatMatters, 'whatMatters', { label: 'What matters to them', max: 5000 }, problems);
    const strengths = checkText(form.strengths, 'strengths', { label: 'Their strengths', max: 5000 }, problems);
    const nextReviewOn = checkFutureDate(form.nextReviewOn, 'nextReviewOn', 'next review date', today, saved.nextReviewOn, problems);
    if (!whatMatters && !strengths && problems.length === 0) {
      problems.push({ field: 'whatMatters', message: 'Enter what matters to them, or their strengths, in their own words' });
    }
    if (problems.length) throw invalid(problems);
    if (saved.version !== form.version) throw staleSave('whatMatters', 'this plan', saved.updatedByName, saved.updatedAt);
    const version = await writePlan(tx, ctx.actor.tenantId, id, { whatMatters, strengths, nextReviewOn }, form.version, ctx.actor.userId);
    if (version === null) {
      const now = await readPlan(tx, ctx.actor.tenantId, id);
      throw staleSave('whatMatters', 'this plan', now.updatedByName, now.updatedAt);
    }
    await refreshSummary(tx, ctx.actor.tenantId, id);
    const changed = (['whatMatters', 'strengths', 'nextReviewOn'] as const).filter((k) => saved[k] !== ({ whatMatters, strengths, nextReviewOn })[k]);
    await audit(tx, ctx, {
      action: 'plan.update', recordType: 'episode', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
      detail: { changed, version },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Goals

export interface GoalForm {
  description: string;
  domain: string;
  reviewOn: DateParts;
  /** the form's random id: sending it again makes no second goal */
  submission?: string;
}

export interface GoalEditForm extends GoalForm {
  status: string;
  stoppedReason: string;
  version: number;
}

function checkGoal(form: GoalForm, today: string, saved: string | null, problems: FieldError[]) {
  const description = checkText(form.description, 'description', {
    label: 'The goal', max: 1000, requiredMessage: 'Enter the goal in their own words, like “I want to get out of the house twice a week”',
  }, problems);
  const domain = checkChoice(form.domain, OUTCOME_DOMAINS, 'domain', 'Select which outcome the goal is about', problems);
  const reviewOn = checkFutureDate(form.reviewOn, 'reviewOn', 'review date', today, saved, problems);
  return { description, domain, reviewOn };
}

/** Adds a goal to the plan; returns its id. */
export async function createGoal(ctx: StaffContext, episodeId: string, form: GoalForm, clock: Clock = {}): Promise<string> {
  const today = londonDate(clock.now ?? new Date());
  return withEpisode(ctx, episodeId, 'update', { action: 'goal.create', recordType: 'goal' }, async (tx, access) => {
    const problems: FieldError[] = [];
    const fields = checkGoal(form, today, null, problems);
    if (problems.length || !fields.domain) throw invalid(problems);
    const { id, replayed } = await insertGoal(tx, ctx.actor.tenantId, episodeId, { ...fields, domain: fields.domain }, ctx.actor.userId, submissionKeyOf(form.submission, ctx.actor.userId));
    if (!replayed) {
      await refreshSummary(tx, ctx.actor.tenantId, episodeId);
      await audit(tx, ctx, {
        action: 'goal.create', recordType: 'goal', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
        detail: { episodeId, domain: fields.domain },
      });
    }
    return id;
  });
}

export interface GoalPage extends EpisodeContext {
  goal: Goal;
}

/** One goal with its steps and progress history. Audited as a read of the goal. */
export async function getGoalPage(ctx: StaffContext, episodeId: string, goalId: string, purpose: 'read' | 'update' = 'read'): Promise<GoalPage> {
  return withEpisode(ctx, episodeId, purpose, { action: 'goal.read', recordType: 'goal', recordId: goalId }, async (tx, access) => {
    const goal = await readGoal(tx, ctx.actor.tenantId, episodeId, goalId);
    if (!goal) throw notFound('goal');
    await audit(tx, ctx, { action: 'goal.read', recordType: 'goal', recordId: goal.id, personId: access.episode.personId, basis: access.basis, outcome: 'success', detail: { episodeId } });
    return { ...contextOf(ctx, access), goal };
  });
}

/** Changes a goal's words, outcome, review date or status, if nobody saved it first. */
export async function updateGoal(ctx: StaffContext, episodeId: string, goalId: string, form: GoalEditForm, clock: Clock = {}): Promise<void> {
  const today = londonDate(clock.now ?? new Date());
  await withEpisode(ctx, episodeId, 'update', { action: 'goal.update', recordType: 'goal', recordId: goalId }, async (tx, access) => {
    const version = await lockGoal(tx, ctx.actor.tenantId, episodeId, goalId);
    if (version === null) throw notFound('goal');
    const saved = (await readGoal(tx, ctx.actor.tenantId, episodeId, goalId))!;
    const problems: FieldError[] = [];
    const fields = checkGoal(form, today, saved.reviewOn, problems);
    const status = checkChoice(form.status, GOAL_STATUSES, 'status', 'Select whether they are working on the goal, achieved it or stopped', problems);
    const reason = checkText(form.stoppedReason, 'stoppedReason', {
      label: 'Why it stopped', max: 1000, ...(status === 'stopped' ? { requiredMessage: 'Say why the goal was stopped, in their words if you can' } : {}),
    }, problems);
    if (problems.length || !fields.domain || !status) throw invalid(problems);
    if (version !== form.version) throw staleSave('description', 'this goal', saved.updatedByName, saved.updatedAt);
    const next = await writeGoal(tx, ctx.actor.tenantId, goalId, { ...fields, domain: fields.domain, status, stoppedReason: status === 'stopped' ? reason : null }, ctx.actor.userId);
    await refreshSummary(tx, ctx.actor.tenantId, episodeId);
    const after = { description: fields.description, domain: fields.domain, reviewOn: fields.reviewOn, status };
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => saved[k] !== after[k]);
    await audit(tx, ctx, {
      action: 'goal.update', recordType: 'goal', recordId: goalId, personId: access.episode.personId, basis: access.basis, outcome: 'success',
      detail: { episodeId, changed, status, version: next },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Steps

export interface StepForm {
  description: string;
  owner: string;
  ownerName: string;
  dueOn: DateParts;
  submission?: string;
}

export interface StepEditForm extends StepForm {
  done: boolean;
  version: number;
}

function checkStep(form: StepForm, today: string, saved: string | null, problems: FieldError[]) {
  const description = checkText(form.description, 'description', { label: 'The step', max: 500, requiredMessage: 'Enter what will be done, like “Phone the Men’s Shed to ask about Tuesdays”' }, problems);
  const owner = checkChoice(form.owner, STEP_OWNERS, 'owner', 'Select who will do it', problems);
  const ownerName = checkText(form.ownerName, 'ownerName', {
    label: 'Their name', max: 200, ...(owner === 'other' ? { requiredMessage: 'Enter who will do it, like “Jobcentre work coach”' } : {}),
  }, problems);
  const dueOn = checkFutureDate(form.dueOn, 'dueOn', 'date it is due', today, saved, problems);
  return { description, owner, ownerName: ownerName || null, dueOn };
}

async function goalOf(tx: Transaction, ctx: StaffContext, episodeId: string, goalId: string): Promise<Goal> {
  const goal = await readGoal(tx, ctx.actor.tenantId, episodeId, goalId);
  if (!goal) throw notFound('goal');
  return goal;
}

/** Adds a step to a goal; returns its id. */
export async function createStep(ctx: StaffContext, episodeId: string, goalId: string, form: StepForm, clock: Clock = {}): Promise<string> {
  const today = londonDate(clock.now ?? new Date());
  return withEpisode(ctx, episodeId, 'update', { action: 'step.create', recordType: 'goal', recordId: goalId }, async (tx, access) => {
    await goalOf(tx, ctx, episodeId, goalId);
    const problems: FieldError[] = [];
    const fields = checkStep(form, today, null, problems);
    if (problems.length || !fields.owner) throw invalid(problems);
    const { id, replayed } = await insertStep(tx, ctx.actor.tenantId, goalId, { ...fields, owner: fields.owner }, ctx.actor.userId, submissionKeyOf(form.submission, ctx.actor.userId));
    if (!replayed) {
      await refreshSummary(tx, ctx.actor.tenantId, episodeId);
      await audit(tx, ctx, {
        action: 'step.create', recordType: 'goal_step', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
        detail: { episodeId, goalId, owner: fields.owner, dueOn: fields.dueOn },
      });
    }
    return id;
  });
}

export interface StepPage extends GoalPage {
  step: Step;
}

/** One step, for its form (opened, or shown again beside a stale save). Audited. */
export async function getStepForm(ctx: StaffContext, episodeId: string, goalId: string, stepId: string): Promise<StepPage> {
  return withEpisode(ctx, episodeId, 'update', { action: 'step.read', recordType: 'goal_step', recordId: stepId }, async (tx, access) => {
    const goal = await goalOf(tx, ctx, episodeId, goalId);
    const step = goal.steps.find((s) => s.id === stepId);
    if (!step) throw notFound('step');
    await audit(tx, ctx, { action: 'step.read', recordType: 'goal_step', recordId: stepId, personId: access.episode.personId, basis: access.basis, outcome: 'success', detail: { episodeId, goalId } });
    return { ...contextOf(ctx, access), goal, step };
  });
}

/** Changes a step (or marks it done), if nobody saved it first. */
export async function updateStep(ctx: StaffContext, episodeId: string, goalId: string, stepId: string, form: StepEditForm, clock: Clock = {}): Promise<void> {
  const today = londonDate(clock.now ?? new Date());
  await withEpisode(ctx, episodeId, 'update', { action: 'step.update', recordType: 'goal_step', recordId: stepId }, async (tx, access) => {
    await goalOf(tx, ctx, episodeId, goalId);
    const saved = await readStep(tx, ctx.actor.tenantId, goalId, stepId, true);
    if (!saved) throw notFound('step');
    const problems: FieldError[] = [];
    const fields = checkStep(form, today, saved.dueOn, problems);
    if (problems.length || !fields.owner) throw invalid(problems);
    if (saved.version !== form.version) throw staleSave('description', 'this step', null, null);
    const version = await writeStep(tx, ctx.actor.tenantId, stepId, { ...fields, owner: fields.owner, done: form.done }, ctx.actor.userId);
    await refreshSummary(tx, ctx.actor.tenantId, episodeId);
    await audit(tx, ctx, {
      action: 'step.update', recordType: 'goal_step', recordId: stepId, personId: access.episode.personId, basis: access.basis, outcome: 'success',
      detail: { episodeId, goalId, done: form.done, version },
    });
  });
}

/** Marks a step done from the goal's page, if it has not changed since the page was opened. */
export async function markStepDone(ctx: StaffContext, episodeId: string, goalId: string, stepId: string, version: number): Promise<void> {
  await withEpisode(ctx, episodeId, 'update', { action: 'step.update', recordType: 'goal_step', recordId: stepId }, async (tx, access) => {
    await goalOf(tx, ctx, episodeId, goalId);
    const saved = await readStep(tx, ctx.actor.tenantId, goalId, stepId, true);
    if (!saved) throw notFound('step');
    if (saved.version !== version) throw staleSave('description', 'this step', null, null);
    const next = await writeStep(tx, ctx.actor.tenantId, stepId, { description: saved.description, owner: saved.owner, ownerName: saved.ownerName, dueOn: saved.dueOn, done: true }, ctx.actor.userId);
    await refreshSummary(tx, ctx.actor.tenantId, episodeId);
    await audit(tx, ctx, {
      action: 'step.update', recordType: 'goal_step', recordId: stepId, personId: access.episode.personId, basis: access.basis, outcome: 'success',
      detail: { episodeId, goalId, done: true, version: next },
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Progress

export interface ProgressForm {
  rating: string;
  note: string;
  ratedOn: DateParts;
  submission?: string;
}

const RATINGS = Array.from({ length: RATING_MAX - RATING_MIN + 1 }, (_, i) => String(RATING_MIN + i));

/** Records how close the person feels to the goal today, from 0 to 10, with a note. */
export async function recordProgress(ctx: StaffContext, episodeId: string, goalId: string, form: ProgressForm, clock: Clock = {}): Promise<void> {
  const today = londonDate(clock.now ?? new Date());
  await withEpisode(ctx, episodeId, 'update', { action: 'progress.create', recordType: 'goal', recordId: goalId }, async (tx, access) => {
    await goalOf(tx, ctx, episodeId, goalId);
    const problems: FieldError[] = [];
    const rating = checkChoice(form.rating, RATINGS, 'rating', 'Select how close they feel to the goal, from 0 to 10', problems);
    const note = checkText(form.note, 'note', { label: 'The note', max: 2000 }, problems);
    const began = startedOn(access.episode);
    const ratedOn = checkDate(form.ratedOn, 'ratedOn', {
      label: 'the date of the rating', required: true,
      earliest: { date: began, message: `The date of the rating must be on or after the day support started (${formatLong(began)})` },
      latest: { date: today, message: 'The date of the rating must be today or in the past' },
    }, problems);
    if (problems.length || rating === null || !ratedOn) throw invalid(problems);
    const { id, replayed } = await insertProgress(tx, ctx.actor.tenantId, goalId, { ratedOn, rating: Number(rating), note }, ctx.actor.userId, submissionKeyOf(form.submission, ctx.actor.userId));
    if (!replayed) {
      await audit(tx, ctx, {
        action: 'progress.create', recordType: 'goal_progress', recordId: id, personId: access.episode.personId, basis: access.basis, outcome: 'success',
        detail: { episodeId, goalId, rating: Number(rating), ratedOn },
      });
    }
  });
}

const LONG = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "3 March 2026" for '2026-03-03'. */
export function formatLong(date: string): string {
  return LONG.format(new Date(`${date}T12:00:00Z`));
}

// ---------------------------------------------------------------------------------------------
// For handover, discharge and coming back, in their own transactions (they have decided access)

/**
 * A person who comes back starts from what they told us last time: what matters to them and
 * their strengths are carried into the new episode's plan, to be checked with them, not asked
 * again ("I am only asked about my needs once"). Goals are not carried: they are set afresh.
 */
export async function carryPlanForward(tx: Transaction, tenantId: string, fromEpisodeId: string, toEpisodeId: string, userId: string): Promise<boolean> {
  const last = await readPlan(tx, tenantId, fromEpisodeId);
  if (!last.whatMatters && !last.strengths) return false;
  const written = await writePlan(tx, tenantId, toEpisodeId, { whatMatters: last.whatMatters, strengths: last.strengths, nextReviewOn: null }, 0, userId);
  await refreshSummary(tx, tenantId, toEpisodeId);
  return written !== null;
}

/** The goals still being worked on, for the discharge page's "what is still open". */
export async function goalsStillOpen(tx: Transaction, tenantId: string, episodeId: string): Promise<Goal[]> {
  return (await readGoals(tx, tenantId, episodeId)).filter((g) => g.status === 'working_on');
}

/**
 * The person's current plan (their open episode's, else their latest), for their own pages and a
 * carer with consent to see it; null when no plan has been written. The caller has decided access
 * and audits the read.
 */
export async function currentPlanForPerson(tx: Transaction, tenantId: string, personId: string): Promise<{ plan: Plan; goals: Goal[] } | null> {
  const episodeId = await currentEpisodeIdOf(tx, tenantId, personId);
  if (!episodeId) return null;
  const plan = await readPlan(tx, tenantId, episodeId);
  const goals = (await readGoals(tx, tenantId, episodeId)).filter((g) => g.status !== 'stopped');
  if (plan.version === 0 && goals.length === 0) return null;
  return { plan, goals };
}
