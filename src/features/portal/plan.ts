// The person's current support plan and goals, as the person and a carer with 'plan' in their
// consent see them on their own pages.
//
// Plans and goals belong to the episodes feature (src/features/episodes/, built alongside this
// one). When it exports a reader of the person's current plan, call it from sharedPlanFor below
// and map it to SharedPlan; the portal pages (/my/plan, and the home page's card) already show a
// SharedPlan when there is one. Until then no plan is held anywhere in Lantern, so there is none
// to show, and the pages say so in plain words.
import type { Queryable } from '../../db/database.ts';

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
export async function sharedPlanFor(_tx: Queryable, _tenantId: string, _personId: string): Promise<SharedPlan | null> {
  // PLAN SEAM: replace with the episodes feature's exported reader once it is merged.
  return null;
}
