// The person's crisis plan: warning signs, what helps, what to avoid, who to call. It belongs to
// the person, not to a support episode, so it follows them from one episode to the next. Staff
// with a relationship to the person read and write it (every read and write audited, the words
// never copied into the audit); the person sees it in their own pages, and a carer sees it only
// while the person's consent includes it (src/features/portal/).
import type { Queryable } from '../../db/database.ts';
import { changedParts, contactsFrom, telHref, type CrisisContact, type CrisisPlanContent, type CrisisPlanInput } from '../../domain/crisis-plan.ts';
import { londonDate } from '../../domain/working-days.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { invalid } from '../../platform/errors.ts';
import { staleError, withPerson, type PersonHeading } from './access.ts';

export interface CrisisPlan extends CrisisPlanContent {
  /** each with a tel: link, so a number is one tap away on a phone */
  contacts: (CrisisContact & { telHref: string })[];
  personId: string;
  /** 'YYYY-MM-DD': when it was last gone through with the person */
  reviewedOn: string;
  createdAt: Date;
  updatedAt: Date;
  updatedByName: string | null;
  version: number;
}

type PlanRow = {
  person_id: string; warning_signs: string; what_helps: string; what_to_avoid: string; contacts: unknown; reviewed_on: string;
  created_at: Date; updated_at: Date; updated_by_name: string | null; version: number;
};

/** The person's crisis plan, or null when none has been written. No access check: the caller has made one. */
export async function readCrisisPlan(tx: Queryable, tenantId: string, personId: string, options: { forUpdate?: boolean } = {}): Promise<CrisisPlan | null> {
  const { rows } = await tx.query<PlanRow>(
    `SELECT c.person_id, c.warning_signs, c.what_helps, c.what_to_avoid, c.contacts, c.reviewed_on, c.created_at, c.updated_at,
            u.name AS updated_by_name, c.version
       FROM crisis_plans c LEFT JOIN staff_users u ON u.tenant_id = c.tenant_id AND u.id = c.updated_by
      WHERE c.tenant_id = $1 AND c.person_id = $2${options.forUpdate ? ' FOR UPDATE OF c' : ''}`,
    [tenantId, personId],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    personId: r.person_id, warningSigns: r.warning_signs, whatHelps: r.what_helps, whatToAvoid: r.what_to_avoid,
    contacts: contactsFrom(r.contacts).map((c) => ({ ...c, telHref: telHref(c.phone) })), reviewedOn: r.reviewed_on, createdAt: r.created_at, updatedAt: r.updated_at,
    updatedByName: r.updated_by_name, version: r.version,
  };
}

/** The crisis plan for a staff member with a relationship to the person. The read is audited. */
export async function getCrisisPlan(ctx: StaffContext, personId: string): Promise<{ person: PersonHeading; plan: CrisisPlan | null }> {
  return withPerson(ctx, personId, 'read', { action: 'crisis_plan.read', recordType: 'crisis_plan' }, async (tx, { person, basis }) => {
    const plan = await readCrisisPlan(tx, ctx.actor.tenantId, personId);
    await audit(tx, ctx, {
      action: 'crisis_plan.read', recordType: 'crisis_plan', recordId: personId, personId, basis, outcome: 'success',
      detail: { exists: plan !== null },
    });
    return { person, plan };
  });
}

/**
 * Writes the plan. `version` is the version the form was opened at, or null when it was opened
 * with no plan: a save from a page that is out of date (someone else saved since, or wrote a plan
 * first) is refused, so neither worker's words are lost.
 */
export async function saveCrisisPlan(ctx: StaffContext, personId: string, input: CrisisPlanInput, version: number | null): Promise<CrisisPlan> {
  return withPerson(ctx, personId, 'update', { action: 'crisis_plan.write', recordType: 'crisis_plan' }, async (tx, { basis }) => {
    const tenantId = ctx.actor.tenantId;
    const current = await readCrisisPlan(tx, tenantId, personId, { forUpdate: true });
    if ((current?.version ?? null) !== version) throw staleError('warningSigns', 'this crisis plan');
    const contacts = JSON.stringify(input.contacts);
    if (current) {
      await tx.query(
        `UPDATE crisis_plans
            SET warning_signs = $3, what_helps = $4, what_to_avoid = $5, contacts = $6, reviewed_on = $7,
                updated_at = now(), updated_by = $8, version = version + 1
          WHERE tenant_id = $1 AND person_id = $2`,
        [tenantId, personId, input.warningSigns, input.whatHelps, input.whatToAvoid, contacts, input.reviewedOn, ctx.actor.userId],
      );
    } else {
      await tx.query(
        `INSERT INTO crisis_plans (tenant_id, person_id, warning_signs, what_helps, what_to_avoid, contacts, reviewed_on, created_by, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
        [tenantId, personId, input.warningSigns, input.whatHelps, input.whatToAvoid, contacts, input.reviewedOn, ctx.actor.userId],
      );
    }
    await audit(tx, ctx, {
      action: current ? 'crisis_plan.update' : 'crisis_plan.create', recordType: 'crisis_plan', recordId: personId, personId, basis, outcome: 'success',
      detail: { changed: changedParts(current && { ...current, contacts: current.contacts.map(({ name, role, phone }) => ({ name, role, phone })) }, input), reviewedOn: input.reviewedOn, contacts: input.contacts.length },
    });
    return (await readCrisisPlan(tx, tenantId, personId))!;
  });
}

/** Records that the plan was gone through with the person today and nothing needed to change. */
export async function markCrisisPlanReviewed(ctx: StaffContext, personId: string, version: number): Promise<void> {
  await withPerson(ctx, personId, 'update', { action: 'crisis_plan.review', recordType: 'crisis_plan' }, async (tx, { basis }) => {
    const current = await readCrisisPlan(tx, ctx.actor.tenantId, personId, { forUpdate: true });
    if (!current) throw invalid([{ field: 'warningSigns', message: 'Write the crisis plan first' }], 'There is no crisis plan to review yet');
    if (current.version !== version) throw staleError('review', 'this crisis plan');
    const today = londonDate(new Date());
    await tx.query(
      `UPDATE crisis_plans SET reviewed_on = $3, updated_at = now(), updated_by = $4, version = version + 1
        WHERE tenant_id = $1 AND person_id = $2`,
      [ctx.actor.tenantId, personId, today, ctx.actor.userId],
    );
    await audit(tx, ctx, { action: 'crisis_plan.review', recordType: 'crisis_plan', recordId: personId, personId, basis, outcome: 'success', detail: { reviewedOn: today } });
  });
}
