// The person's current support plan and goals, as the person and a carer with 'plan' in their
// consent see them on their own pages.
//
// Plans and goals belong to the episodes feature (src/features/episodes/): this maps its reader of
// the person's current plan to what their own pages show, in their words, without staff names.
import type { Transaction } from '../../db/database.ts';
import { formatDate } from '../../platform/views.ts';
import { currentPlanForPerson } from '../episodes/plan.ts';

export interface SharedGoal {
  /** in the person's own words */
  description: string;
  /** the outcome domain, in words ("Connected to community and less lonely") */
  domain: string;
  steps: { description: string; who: string }[];
  reviewOn: string | null;
  /** the latest progress, in words */
  progress: string | null;
}

export interface SharedPlan {
  whatMatters: string;
  strengths: string;
  goals: SharedGoal[];
  updatedAt: Date;
}

/**
 * The person's current plan for their own pages, or null when they have none. The caller has
 * decided access (the person themselves, or a carer with 'plan' in scope) and audits the read.
 */
export async function sharedPlanFor(tx: Transaction, tenantId: string, personId: string): Promise<SharedPlan | null> {
  const current = await currentPlanForPerson(tx, tenantId, personId);
  if (!current) return null;
  const { plan, goals } = current;
  return {
    whatMatters: plan.whatMatters,
    strengths: plan.strengths,
    goals: goals.map((g) => ({
      description: g.description,
      domain: g.domainName,
      steps: g.steps.filter((s) => !s.doneAt).map((s) => ({ description: s.description, who: s.ownerText })),
      reviewOn: g.reviewOn,
      progress: g.progressSummary ? `${g.progressSummary.latest.rating} out of 10 on ${formatDate(g.progressSummary.latest.ratedOn)}. ${g.changeText}` : null,
    })),
    updatedAt: plan.updatedAt ?? goals.reduce((latest, g) => (g.updatedAt > latest ? g.updatedAt : latest), new Date(0)),
  };
}
