// Support episodes: a period of support with a navigator, opened at sign-up, closed at discharge.
// Opening one makes its organisation responsible for the person and grants it access to them.
import type { Queryable } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/database.ts';
import { grantPersonAccess } from '../../platform/access.ts';
import { audit } from '../../platform/audit.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { setResponsibleOrganisation } from '../people/service.ts';

export interface OpenEpisodeInput {
  tenantId: string;
  personId: string;
  referralId: string | null;
  organisationId: string;
  workerId: string | null;
  startedAt?: Date;
  previousEpisodeId?: string | null;
  /** why the caller may do this, for the audit row */
  basis: string;
}

/**
 * Opens a support episode in the caller's transaction; returns its id. A person has at most one
 * open episode: a second is refused with a message that says what to do.
 */
export async function openEpisode(tx: Queryable, ctx: RequestContext, input: OpenEpisodeInput): Promise<string> {
  let id: string;
  try {
    await tx.query('SAVEPOINT open_episode');
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO episodes (tenant_id, person_id, referral_id, organisation_id, worker_id, started_at, previous_episode_id)
       VALUES ($1, $2, $3, $4, $5, coalesce($6::timestamptz, now()), $7) RETURNING id`,
      [input.tenantId, input.personId, input.referralId, input.organisationId, input.workerId, input.startedAt ?? null, input.previousEpisodeId ?? null],
    );
    await tx.query('RELEASE SAVEPOINT open_episode');
    id = rows[0]!.id;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT open_episode');
    throw new AppError({
      status: 409,
      code: 'episode_already_open',
      message: 'This person already has support open. Open their current support episode instead of signing them up again.',
    });
  }
  await setResponsibleOrganisation(tx, input.tenantId, input.personId, input.organisationId);
  await grantPersonAccess(tx, { tenantId: input.tenantId, personId: input.personId, organisationId: input.organisationId, basis: 'support episode', sourceId: id });
  await audit(tx, ctx, {
    action: 'episode.open', recordType: 'episode', recordId: id, personId: input.personId, basis: input.basis, outcome: 'success',
    tenantId: input.tenantId, detail: { referralId: input.referralId, organisationId: input.organisationId, workerId: input.workerId },
  });
  return id;
}
