// Risk flags kept with the person, not with one episode or referral, so whoever works with them
// next sees the risk before they call or visit: which risks, a short summary of what to do, and
// when and by whom they were last reviewed (every save is a review). Two workers may edit them:
// a stale save is refused, never silently lost.
import type { Queryable } from '../../db/database.ts';
import { normaliseRiskFlags, RISK_FLAG_NAMES, type RiskFlag } from '../../domain/risk-flags.ts';
import { audit } from '../../platform/audit.ts';
import type { StaffContext } from '../../platform/context.ts';
import { AppError, invalid, type FieldError } from '../../platform/errors.ts';
import { withPerson, type Person } from './service.ts';

export interface Risk {
  flags: RiskFlag[];
  /** the flags in words, for tags */
  flagNames: string[];
  summary: string;
  reviewedAt: Date | null;
  reviewedByName: string | null;
  /** 0 until risk is first recorded */
  version: number;
}

export const NO_RISK: Risk = { flags: [], flagNames: [], summary: '', reviewedAt: null, reviewedByName: null, version: 0 };

/** The person's risk flags, for a feature that has already decided access to the person. */
export async function readRisk(tx: Queryable, tenantId: string, personId: string): Promise<Risk> {
  const { rows } = await tx.query<{ flags: string[]; summary: string; reviewed_at: Date; reviewed_by_name: string | null; version: number }>(
    `SELECT r.flags, r.summary, r.reviewed_at, u.name AS reviewed_by_name, r.version
       FROM person_risks r LEFT JOIN staff_users u ON u.tenant_id = r.tenant_id AND u.id = r.reviewed_by
      WHERE r.tenant_id = $1 AND r.person_id = $2`,
    [tenantId, personId],
  );
  const r = rows[0];
  if (!r) return NO_RISK;
  const flags = normaliseRiskFlags(r.flags ?? []);
  return { flags, flagNames: flags.map((f) => RISK_FLAG_NAMES[f]), summary: r.summary, reviewedAt: r.reviewed_at, reviewedByName: r.reviewed_by_name, version: r.version };
}

/** The person and their risk flags, for the risk form. The read is audited. */
export async function getRisk(ctx: StaffContext, personId: string): Promise<{ person: Person; risk: Risk }> {
  return withPerson(ctx, personId, 'read', async (tx, { person, basis }) => {
    await audit(tx, ctx, { action: 'risk.read', recordType: 'person', recordId: person.id, personId: person.id, basis, outcome: 'success' });
    return { person, risk: await readRisk(tx, ctx.actor.tenantId, person.id) };
  }, 'risk.read');
}

export interface RiskForm {
  flags: string[];
  summary: string;
  version: number;
}

export function riskProblems(flags: RiskFlag[], summary: string): FieldError[] {
  const problems: FieldError[] = [];
  if (flags.length > 0 && !summary) problems.push({ field: 'summary', message: 'Describe the risk in a few words, and what to do about it' });
  if (summary.length > 1000) problems.push({ field: 'summary', message: 'The summary must be 1,000 characters or fewer' });
  return problems;
}

/**
 * Records the person's risk flags and summary as reviewed now by the person saving. Refused when
 * someone else saved them since this form was opened.
 */
export async function saveRisk(ctx: StaffContext, personId: string, form: RiskForm): Promise<Risk> {
  const flags = normaliseRiskFlags(form.flags);
  const summary = form.summary.trim().replace(/\r\n/g, '\n');
  return withPerson(ctx, personId, 'update', async (tx, { person, basis }) => {
    const problems = riskProblems(flags, summary);
    if (problems.length) throw invalid(problems);
    const current = await readRisk(tx, ctx.actor.tenantId, person.id);
    const written = current.version === 0
      ? await tx.query(
        `INSERT INTO person_risks (tenant_id, person_id, flags, summary, reviewed_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, person_id) DO NOTHING RETURNING version`,
        [ctx.actor.tenantId, person.id, flags, summary, ctx.actor.userId],
      )
      : await tx.query(
        `UPDATE person_risks SET flags = $3, summary = $4, reviewed_by = $5, reviewed_at = now(), version = version + 1
          WHERE tenant_id = $1 AND person_id = $2 AND version = $6 RETURNING version`,
        [ctx.actor.tenantId, person.id, flags, summary, ctx.actor.userId, form.version],
      );
    if (current.version !== form.version || written.rows.length === 0) {
      const latest = await readRisk(tx, ctx.actor.tenantId, person.id);
      const who = latest.reviewedByName ?? 'Someone else';
      throw new AppError({
        status: 409,
        code: 'stale',
        message: `${who} changed the risk flags while you were editing them.`,
        fields: [{ field: 'flags', message: `${who} saved changes to the risk flags after you opened this page. Nothing you entered has been lost, and nothing has been saved yet. Compare your answers with what is saved now, then save again.` }],
      });
    }
    await audit(tx, ctx, {
      action: 'risk.update', recordType: 'person', recordId: person.id, personId: person.id, basis, outcome: 'success',
      detail: { before: current.flags, after: flags },
    });
    return readRisk(tx, ctx.actor.tenantId, person.id);
  }, 'risk.update');
}
