// Staff access to what hangs from a person here (their crisis plan, their carers, consent,
// carers' assessments): the person's own rule (src/platform/access.ts personAccessBasis), decided
// in the same transaction as the read or change and audited with it. Wrong role answers 403; no
// relationship, another tenant or no such person answer 404, audited as denied.
import type { Transaction } from '../../db/database.ts';
import { PERSON_ROLES, personAccessBasis, requireRole, type PersonAction } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { personNames, personRelationship } from '../people/service.ts';
import { refusable } from '../../platform/refusable.ts';

export interface PersonHeading {
  id: string;
  givenName: string;
  familyName: string;
}

export interface PersonAccess {
  person: PersonHeading;
  /** why access was allowed, for the audit rows the work writes */
  basis: string;
}

/** What the caller wants to audit if access is refused: the action and the record it was about. */
export interface Attempt {
  action: string;
  recordType: string;
  recordId?: string;
}

/**
 * Decides whether the staff member may `purpose` the person, audits a refusal, and runs `work` in
 * the same transaction. An AppError thrown by `work` (bad input, a stale version) rolls back what
 * it wrote, is audited as a failure, and is thrown after the transaction commits.
 */
export async function withPerson<T>(
  ctx: StaffContext,
  personId: string,
  purpose: PersonAction,
  attempt: Attempt,
  work: (tx: Transaction, access: PersonAccess) => Promise<T>,
): Promise<T> {
  requireRole(ctx.actor, PERSON_ROLES);
  type Outcome = { kind: 'denied' } | { kind: 'refused'; error: AppError } | { kind: 'done'; value: T };
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const relationship = await personRelationship(tx, ctx.actor.tenantId, personId);
    const basis = relationship ? personAccessBasis(ctx.actor, relationship, purpose) : null;
    const names = basis ? await personNames(tx, ctx.actor.tenantId, [personId]) : null;
    const name = names?.get(personId);
    if (!basis || !name) {
      await audit(tx, ctx, {
        action: attempt.action, recordType: attempt.recordType, recordId: (attempt.recordId ?? personId).slice(0, 64), outcome: 'denied',
        basis: relationship ? 'no relationship' : 'not found in tenant',
      });
      return { kind: 'denied' };
    }
    const access: PersonAccess = { person: { id: personId, givenName: name.givenName, familyName: name.familyName }, basis };
    return refusable(tx, () => work(tx, access), async (error) => {
      await audit(tx, ctx, {
        action: attempt.action, recordType: attempt.recordType, recordId: attempt.recordId ?? personId, personId, basis, outcome: 'failure',
        detail: { code: error.code },
      });
    });
  });
  if (outcome.kind === 'denied') throw notFound('person');
  if (outcome.kind === 'refused') throw outcome.error;
  return outcome.value;
}

/** Refuses a save made from a page that was out of date, with field errors so the form is shown again with what was typed. */
export function staleError(field: string, what: string): AppError {
  return new AppError({
    status: 409,
    code: 'stale',
    message: `Someone else changed ${what} while you were editing it.`,
    fields: [{ field, message: `Someone else changed ${what} while you had this page open. What you typed is below but has not been saved. Check it against what is saved now, then save again.` }],
  });
}
