// Support plans, goals, steps, progress, contacts and status records in SQL. Every query is scoped
// by tenant and by the episode (or goal) it belongs to, so an object can only be reached through
// the episode whose access was decided (access.ts). No access checks here.
import type { Queryable } from '../../db/database.ts';
import { AppError } from '../../platform/errors.ts';
import { describeStepOwner, GOAL_STATUS_NAMES, OUTCOME_DOMAIN_NAMES, summariseProgress, describeChange, type GoalStatus, type OutcomeDomain, type ProgressSummary, type StepOwner } from '../../domain/support-plan.ts';
import { CONTACT_KIND_NAMES, MECC_TOPIC_NAMES, type ContactKind, type MeccTopic } from '../../domain/contacts.ts';
import { ACCOMMODATION_NAMES, ACCOMMODATION_TYPES, EMPLOYMENT_STATUS_LABELS, type Accommodation, type AccommodationType, type EmploymentStatus } from '../../domain/commissioned-status.ts';

// ---------------------------------------------------------------------------------------------
// The plan

export interface Plan {
  whatMatters: string;
  strengths: string;
  /** 'YYYY-MM-DD' */
  nextReviewOn: string | null;
  /** 0 until the plan is first saved */
  version: number;
  updatedAt: Date | null;
  updatedByName: string | null;
}

export const EMPTY_PLAN: Plan = { whatMatters: '', strengths: '', nextReviewOn: null, version: 0, updatedAt: null, updatedByName: null };

export async function readPlan(tx: Queryable, tenantId: string, episodeId: string): Promise<Plan> {
  const { rows } = await tx.query<{ what_matters: string; strengths: string; next_review_on: string | null; version: number; updated_at: Date; updated_by_name: string | null }>(
    `SELECT sp.what_matters, sp.strengths, sp.next_review_on, sp.version, sp.updated_at, u.name AS updated_by_name
       FROM support_plans sp LEFT JOIN staff_users u ON u.tenant_id = sp.tenant_id AND u.id = sp.updated_by
      WHERE sp.tenant_id = $1 AND sp.episode_id = $2`,
    [tenantId, episodeId],
  );
  const r = rows[0];
  if (!r) return EMPTY_PLAN;
  return { whatMatters: r.what_matters, strengths: r.strengths, nextReviewOn: r.next_review_on, version: r.version, updatedAt: r.updated_at, updatedByName: r.updated_by_name };
}

/**
 * Writes the plan if it is still at `expectedVersion` (0: not written yet); returns the new
 * version, or null when someone else saved first.
 */
export async function writePlan(
  tx: Queryable,
  tenantId: string,
  episodeId: string,
  plan: { whatMatters: string; strengths: string; nextReviewOn: string | null },
  expectedVersion: number,
  userId: string,
): Promise<number | null> {
  if (expectedVersion === 0) {
    const { rows } = await tx.query<{ version: number }>(
      `INSERT INTO support_plans (tenant_id, episode_id, what_matters, strengths, next_review_on, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, episode_id) DO NOTHING RETURNING version`,
      [tenantId, episodeId, plan.whatMatters, plan.strengths, plan.nextReviewOn, userId],
    );
    return rows[0]?.version ?? null;
  }
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE support_plans SET what_matters = $3, strengths = $4, next_review_on = $5, updated_by = $6, updated_at = now(), version = version + 1
      WHERE tenant_id = $1 AND episode_id = $2 AND version = $7 RETURNING version`,
    [tenantId, episodeId, plan.whatMatters, plan.strengths, plan.nextReviewOn, userId, expectedVersion],
  );
  return rows[0]?.version ?? null;
}

// ---------------------------------------------------------------------------------------------
// Goals, steps and progress

export interface Step {
  id: string;
  goalId: string;
  description: string;
  owner: StepOwner;
  ownerName: string | null;
  /** who does it, in words */
  ownerText: string;
  dueOn: string | null;
  doneAt: Date | null;
  doneByName: string | null;
  version: number;
}

export interface ProgressRecord {
  id: string;
  sequence: number;
  ratedOn: string;
  rating: number;
  note: string;
  recordedByName: string | null;
  createdAt: Date;
}

export interface Goal {
  id: string;
  episodeId: string;
  description: string;
  domain: OutcomeDomain;
  domainName: string;
  reviewOn: string | null;
  status: GoalStatus;
  statusName: string;
  stoppedReason: string | null;
  statusChangedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  updatedByName: string | null;
  version: number;
  steps: Step[];
  /** oldest first */
  progress: ProgressRecord[];
  progressSummary: ProgressSummary | null;
  /** "Up 3 points since the first rating" */
  changeText: string;
}

type GoalRow = {
  id: string; episode_id: string; description: string; domain: OutcomeDomain; review_on: string | null; status: GoalStatus;
  stopped_reason: string | null; status_changed_at: Date | null; created_at: Date; updated_at: Date; updated_by_name: string | null; version: number;
};

const GOAL_SELECT = `
  SELECT g.id, g.episode_id, g.description, g.domain, g.review_on, g.status, g.stopped_reason, g.status_changed_at, g.created_at,
         g.updated_at, u.name AS updated_by_name, g.version
    FROM goals g LEFT JOIN staff_users u ON u.tenant_id = g.tenant_id AND u.id = g.updated_by`;

type StepRow = {
  id: string; goal_id: string; description: string; owner: StepOwner; owner_name: string | null; due_on: string | null; done_at: Date | null;
  done_by_name: string | null; version: number;
};

const STEP_SELECT = `
  SELECT s.id, s.goal_id, s.description, s.owner, s.owner_name, s.due_on, s.done_at, d.name AS done_by_name, s.version
    FROM goal_steps s LEFT JOIN staff_users d ON d.tenant_id = s.tenant_id AND d.id = s.done_by`;

const toStep = (r: StepRow): Step => ({
  id: r.id, goalId: r.goal_id, description: r.description, owner: r.owner, ownerName: r.owner_name, ownerText: describeStepOwner(r.owner, r.owner_name),
  dueOn: r.due_on, doneAt: r.done_at, doneByName: r.done_by_name, version: r.version,
});

/** Goals of an episode, oldest first, with their steps and progress. */
export async function readGoals(tx: Queryable, tenantId: string, episodeId: string, goalId?: string): Promise<Goal[]> {
  const { rows } = await tx.query<GoalRow>(
    `${GOAL_SELECT} WHERE g.tenant_id = $1 AND g.episode_id = $2 AND ($3::uuid IS NULL OR g.id = $3) ORDER BY g.created_at, g.id`,
    [tenantId, episodeId, goalId ?? null],
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const steps = await tx.query<StepRow>(
    `${STEP_SELECT} WHERE s.tenant_id = $1 AND s.goal_id = ANY($2::uuid[])
      ORDER BY s.done_at IS NOT NULL, s.due_on NULLS LAST, s.created_at, s.id`,
    [tenantId, ids],
  );
  const progress = await tx.query<{ id: string; goal_id: string; sequence: number; rated_on: string; rating: number; note: string; recorded_by_name: string | null; created_at: Date }>(
    `SELECT p.id, p.goal_id, p.sequence, p.rated_on, p.rating, p.note, u.name AS recorded_by_name, p.created_at
       FROM goal_progress p LEFT JOIN staff_users u ON u.tenant_id = p.tenant_id AND u.id = p.recorded_by
      WHERE p.tenant_id = $1 AND p.goal_id = ANY($2::uuid[]) ORDER BY p.rated_on, p.sequence`,
    [tenantId, ids],
  );
  return rows.map((r) => {
    const entries = progress.rows.filter((p) => p.goal_id === r.id).map((p) => ({
      id: p.id, sequence: Number(p.sequence), ratedOn: p.rated_on, rating: Number(p.rating), note: p.note, recordedByName: p.recorded_by_name, createdAt: p.created_at,
    }));
    const summary = summariseProgress(entries);
    return {
      id: r.id, episodeId: r.episode_id, description: r.description, domain: r.domain, domainName: OUTCOME_DOMAIN_NAMES[r.domain],
      reviewOn: r.review_on, status: r.status, statusName: GOAL_STATUS_NAMES[r.status], stoppedReason: r.stopped_reason,
      statusChangedAt: r.status_changed_at, createdAt: r.created_at, updatedAt: r.updated_at, updatedByName: r.updated_by_name, version: r.version,
      steps: steps.rows.filter((s) => s.goal_id === r.id).map(toStep),
      progress: entries,
      progressSummary: summary,
      changeText: describeChange(summary),
    };
  });
}

/** One goal of the episode with its steps and progress, or null. */
export async function readGoal(tx: Queryable, tenantId: string, episodeId: string, goalId: string): Promise<Goal | null> {
  return (await readGoals(tx, tenantId, episodeId, goalId))[0] ?? null;
}

export interface GoalFields {
  description: string;
  domain: OutcomeDomain;
  reviewOn: string | null;
}

/** A new goal; with a submission key already used, the goal that key made (and `replayed`). */
export async function insertGoal(
  tx: Queryable, tenantId: string, episodeId: string, fields: GoalFields, userId: string, submissionKey: string | null,
): Promise<{ id: string; replayed: boolean }> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO goals (tenant_id, episode_id, description, domain, review_on, created_by, updated_by, submission_key)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
     ON CONFLICT (tenant_id, submission_key) WHERE submission_key IS NOT NULL DO NOTHING RETURNING id`,
    [tenantId, episodeId, fields.description, fields.domain, fields.reviewOn, userId, submissionKey],
  );
  if (rows[0]) return { id: rows[0].id, replayed: false };
  return { id: await replayed(tx, 'goals', tenantId, submissionKey, 'episode_id', episodeId), replayed: true };
}

/** The record an already used submission key made, checked to belong where it was sent. */
async function replayed(tx: Queryable, table: 'goals' | 'goal_steps' | 'goal_progress' | 'episode_contacts' | 'episode_status_records', tenantId: string, key: string | null, parentColumn: string, parentId: string): Promise<string> {
  const { rows } = await tx.query<{ id: string; parent: string }>(
    `SELECT id, ${parentColumn} AS parent FROM ${table} WHERE tenant_id = $1 AND submission_key = $2`,
    [tenantId, key],
  );
  const row = rows[0];
  if (!row || row.parent !== parentId) {
    throw new AppError({ status: 409, code: 'submission_reused', message: 'This form was already used to save something else. Open the form again and start afresh.' });
  }
  return row.id;
}

/** Lock a goal of the episode for a change; its version, or null when it is not there. */
export async function lockGoal(tx: Queryable, tenantId: string, episodeId: string, goalId: string): Promise<number | null> {
  const { rows } = await tx.query<{ version: number }>(
    'SELECT version FROM goals WHERE tenant_id = $1 AND episode_id = $2 AND id = $3 FOR UPDATE',
    [tenantId, episodeId, goalId],
  );
  return rows[0]?.version ?? null;
}

export async function updateGoal(
  tx: Queryable, tenantId: string, goalId: string,
  fields: GoalFields & { status: GoalStatus; stoppedReason: string | null }, userId: string,
): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE goals SET description = $3, domain = $4, review_on = $5,
            status_changed_at = CASE WHEN status <> $6 THEN now() ELSE status_changed_at END,
            status = $6, stopped_reason = $7, updated_by = $8, updated_at = now(), version = version + 1
      WHERE tenant_id = $1 AND id = $2 RETURNING version`,
    [tenantId, goalId, fields.description, fields.domain, fields.reviewOn, fields.status, fields.stoppedReason, userId],
  );
  return rows[0]!.version;
}

export interface StepFields {
  description: string;
  owner: StepOwner;
  ownerName: string | null;
  dueOn: string | null;
}

export async function insertStep(
  tx: Queryable, tenantId: string, goalId: string, fields: StepFields, userId: string, submissionKey: string | null,
): Promise<{ id: string; replayed: boolean }> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO goal_steps (tenant_id, goal_id, description, owner, owner_name, due_on, created_by, updated_by, submission_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
     ON CONFLICT (tenant_id, submission_key) WHERE submission_key IS NOT NULL DO NOTHING RETURNING id`,
    [tenantId, goalId, fields.description, fields.owner, fields.ownerName, fields.dueOn, userId, submissionKey],
  );
  if (rows[0]) return { id: rows[0].id, replayed: false };
  return { id: await replayed(tx, 'goal_steps', tenantId, submissionKey, 'goal_id', goalId), replayed: true };
}

/** One step of the goal, or null; `lock` holds it for a change. */
export async function readStep(tx: Queryable, tenantId: string, goalId: string, stepId: string, lock = false): Promise<Step | null> {
  if (lock) {
    const locked = await tx.query('SELECT 1 FROM goal_steps WHERE tenant_id = $1 AND goal_id = $2 AND id = $3 FOR UPDATE', [tenantId, goalId, stepId]);
    if (locked.rows.length === 0) return null;
  }
  const { rows } = await tx.query<StepRow>(`${STEP_SELECT} WHERE s.tenant_id = $1 AND s.goal_id = $2 AND s.id = $3`, [tenantId, goalId, stepId]);
  return rows[0] ? toStep(rows[0]) : null;
}

export async function updateStep(tx: Queryable, tenantId: string, stepId: string, fields: StepFields & { done: boolean }, userId: string): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    `UPDATE goal_steps SET description = $3, owner = $4, owner_name = $5, due_on = $6,
            done_at = CASE WHEN $7 THEN coalesce(done_at, now()) ELSE NULL END,
            done_by = CASE WHEN $7 THEN coalesce(done_by, $8) ELSE NULL END,
            updated_by = $8, updated_at = now(), version = version + 1
      WHERE tenant_id = $1 AND id = $2 RETURNING version`,
    [tenantId, stepId, fields.description, fields.owner, fields.ownerName, fields.dueOn, fields.done, userId],
  );
  return rows[0]!.version;
}

export async function insertProgress(
  tx: Queryable, tenantId: string, goalId: string, entry: { ratedOn: string; rating: number; note: string }, userId: string, submissionKey: string | null,
): Promise<{ id: string; replayed: boolean }> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO goal_progress (tenant_id, goal_id, rated_on, rating, note, recorded_by, submission_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant_id, submission_key) WHERE submission_key IS NOT NULL DO NOTHING RETURNING id`,
    [tenantId, goalId, entry.ratedOn, entry.rating, entry.note, userId, submissionKey],
  );
  if (rows[0]) return { id: rows[0].id, replayed: false };
  return { id: await replayed(tx, 'goal_progress', tenantId, submissionKey, 'goal_id', goalId), replayed: true };
}

// ---------------------------------------------------------------------------------------------
// Contacts

export interface Contact {
  id: string;
  contactAt: Date;
  kind: ContactKind;
  kindName: string;
  durationMinutes: number;
  note: string;
  mecc: MeccTopic[];
  meccNames: string[];
  recordedByName: string | null;
}

export async function readContacts(tx: Queryable, tenantId: string, episodeId: string, limit: number, offset = 0): Promise<Contact[]> {
  const { rows } = await tx.query<{ id: string; contact_at: Date; kind: ContactKind; duration_minutes: number; note: string; mecc: MeccTopic[]; recorded_by_name: string | null }>(
    `SELECT c.id, c.contact_at, c.kind, c.duration_minutes, c.note, c.mecc, u.name AS recorded_by_name
       FROM episode_contacts c LEFT JOIN staff_users u ON u.tenant_id = c.tenant_id AND u.id = c.recorded_by
      WHERE c.tenant_id = $1 AND c.episode_id = $2 ORDER BY c.contact_at DESC, c.id LIMIT $3 OFFSET $4`,
    [tenantId, episodeId, limit, offset],
  );
  return rows.map((r) => ({
    id: r.id, contactAt: r.contact_at, kind: r.kind, kindName: CONTACT_KIND_NAMES[r.kind], durationMinutes: Number(r.duration_minutes), note: r.note,
    mecc: r.mecc ?? [], meccNames: (r.mecc ?? []).map((m) => MECC_TOPIC_NAMES[m]), recordedByName: r.recorded_by_name,
  }));
}

export async function countContacts(tx: Queryable, tenantId: string, episodeId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>('SELECT count(*) AS n FROM episode_contacts WHERE tenant_id = $1 AND episode_id = $2', [tenantId, episodeId]);
  return Number(rows[0]?.n ?? 0);
}

export interface ContactFields {
  contactAt: Date;
  kind: ContactKind;
  durationMinutes: number;
  note: string;
  mecc: MeccTopic[];
}

export async function insertContact(
  tx: Queryable, tenantId: string, episodeId: string, organisationId: string, fields: ContactFields, userId: string, submissionKey: string | null,
): Promise<{ id: string; replayed: boolean }> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO episode_contacts (tenant_id, episode_id, organisation_id, contact_at, kind, duration_minutes, note, mecc, recorded_by, submission_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (tenant_id, submission_key) WHERE submission_key IS NOT NULL DO NOTHING RETURNING id`,
    [tenantId, episodeId, organisationId, fields.contactAt.toISOString(), fields.kind, fields.durationMinutes, fields.note, fields.mecc, userId, submissionKey],
  );
  if (rows[0]) return { id: rows[0].id, replayed: false };
  return { id: await replayed(tx, 'episode_contacts', tenantId, submissionKey, 'episode_id', episodeId), replayed: true };
}

// ---------------------------------------------------------------------------------------------
// Status commissioners count

export interface StatusRecord {
  id: string;
  recordedOn: string;
  atSignUp: boolean;
  employmentStatus: EmploymentStatus;
  employmentLabel: string;
  accommodation: Accommodation;
  accommodationName: string;
  accommodationType: AccommodationType;
  accommodationTypeName: string;
  volunteering: boolean;
  educationTraining: boolean;
  recordedByName: string | null;
  createdAt: Date;
}

/** The episode's status records, latest first. */
export async function readStatusHistory(tx: Queryable, tenantId: string, episodeId: string, limit = 100): Promise<StatusRecord[]> {
  const { rows } = await tx.query<{
    id: string; recorded_on: string; at_sign_up: boolean; employment_status: EmploymentStatus; accommodation: Accommodation;
    accommodation_type: AccommodationType; volunteering: boolean; education_training: boolean; recorded_by_name: string | null; created_at: Date;
  }>(
    `SELECT s.id, s.recorded_on, s.at_sign_up, s.employment_status, s.accommodation, s.accommodation_type, s.volunteering,
            s.education_training, u.name AS recorded_by_name, s.created_at
       FROM episode_status_records s LEFT JOIN staff_users u ON u.tenant_id = s.tenant_id AND u.id = s.recorded_by
      WHERE s.tenant_id = $1 AND s.episode_id = $2 ORDER BY s.recorded_on DESC, s.created_at DESC LIMIT $3`,
    [tenantId, episodeId, limit],
  );
  return rows.map((r) => ({
    id: r.id, recordedOn: r.recorded_on, atSignUp: r.at_sign_up, employmentStatus: r.employment_status,
    employmentLabel: EMPLOYMENT_STATUS_LABELS[r.employment_status], accommodation: r.accommodation, accommodationName: ACCOMMODATION_NAMES[r.accommodation],
    accommodationType: r.accommodation_type, accommodationTypeName: ACCOMMODATION_TYPES[r.accommodation_type]?.name ?? r.accommodation_type,
    volunteering: r.volunteering, educationTraining: r.education_training, recordedByName: r.recorded_by_name, createdAt: r.created_at,
  }));
}

export interface StatusFields {
  recordedOn: string;
  employmentStatus: EmploymentStatus;
  accommodation: Accommodation;
  accommodationType: AccommodationType;
  volunteering: boolean;
  educationTraining: boolean;
}

/** A status record; the episode's first is marked as the status at sign-up. */
export async function insertStatus(
  tx: Queryable, tenantId: string, episodeId: string, personId: string, fields: StatusFields, userId: string, submissionKey: string | null,
): Promise<{ id: string; replayed: boolean; atSignUp: boolean }> {
  const { rows } = await tx.query<{ id: string; at_sign_up: boolean }>(
    `INSERT INTO episode_status_records (tenant_id, episode_id, person_id, recorded_on, at_sign_up, employment_status, accommodation,
                                         accommodation_type, volunteering, education_training, recorded_by, submission_key)
     SELECT $1, $2, $3, $4, NOT EXISTS (SELECT 1 FROM episode_status_records WHERE tenant_id = $1 AND episode_id = $2),
            $5, $6, $7, $8, $9, $10, $11
     ON CONFLICT (tenant_id, submission_key) WHERE submission_key IS NOT NULL DO NOTHING RETURNING id, at_sign_up`,
    [tenantId, episodeId, personId, fields.recordedOn, fields.employmentStatus, fields.accommodation, fields.accommodationType,
      fields.volunteering, fields.educationTraining, userId, submissionKey],
  );
  if (rows[0]) return { id: rows[0].id, replayed: false, atSignUp: rows[0].at_sign_up };
  return { id: await replayed(tx, 'episode_status_records', tenantId, submissionKey, 'episode_id', episodeId), replayed: true, atSignUp: false };
}

// ---------------------------------------------------------------------------------------------
// The caseload's summary of an episode

/**
 * Works out again what the caseload shows for the episode (reviews and follow-ups due, last
 * contact) from its plan, goals, steps and contacts. Called in the transaction of every change to
 * them, so the caseload never disagrees with the plan.
 */
export async function refreshSummary(tx: Queryable, tenantId: string, episodeId: string): Promise<void> {
  await tx.query(
    `INSERT INTO episode_summaries (tenant_id, episode_id, plan_review_on, goal_review_on, step_due_on, last_contact_at, refreshed_at)
     SELECT $1, $2,
            (SELECT next_review_on FROM support_plans WHERE tenant_id = $1 AND episode_id = $2),
            (SELECT min(review_on) FROM goals WHERE tenant_id = $1 AND episode_id = $2 AND status = 'working_on'),
            (SELECT min(s.due_on) FROM goal_steps s JOIN goals g ON g.tenant_id = s.tenant_id AND g.id = s.goal_id
              WHERE g.tenant_id = $1 AND g.episode_id = $2 AND g.status = 'working_on' AND s.done_at IS NULL),
            (SELECT max(contact_at) FROM episode_contacts WHERE tenant_id = $1 AND episode_id = $2),
            now()
     ON CONFLICT (tenant_id, episode_id) DO UPDATE SET
       plan_review_on = EXCLUDED.plan_review_on, goal_review_on = EXCLUDED.goal_review_on, step_due_on = EXCLUDED.step_due_on,
       last_contact_at = EXCLUDED.last_contact_at, refreshed_at = EXCLUDED.refreshed_at`,
    [tenantId, episodeId],
  );
}
