// A person's one summary page: who they are, how to contact them safely, consent to share with
// their GP, risk flags, their support (the episode, goals with progress, recent contacts, status),
// their referrals, and the sections other features add (carers, crisis plan, prescriptions).
// Reached only by those with a relationship to the person; everything shown is read in one
// transaction and audited: the person, each episode and each referral, with its basis.
import type { StaffContext } from '../../platform/context.ts';
import { audit } from '../../platform/audit.ts';
import { supportForPerson, type PersonSupport } from '../episodes/summary.ts';
import type { Clock } from '../episodes/plan.ts';
import { referralsForPerson } from '../referrals/service.ts';
import type { Referral } from '../referrals/model.ts';
import { readRisk, type Risk } from './risk.ts';
import { loadPersonSections } from './sections.ts';
import { withPerson, type Person } from './service.ts';

export interface PersonSummary {
  person: Person;
  risk: Risk;
  support: PersonSupport;
  referrals: Referral[];
  /** data of the sections other features add, by key */
  sections: Record<string, unknown>;
}

export async function personSummary(ctx: StaffContext, id: string, clock: Clock = {}): Promise<PersonSummary> {
  return withPerson(ctx, id, 'read', async (tx, { person, basis }) => {
    await audit(tx, ctx, { action: 'read', recordType: 'person', recordId: person.id, personId: person.id, outcome: 'success', basis, detail: { view: 'summary' } });
    const risk = await readRisk(tx, ctx.actor.tenantId, person.id);
    const support = await supportForPerson(tx, ctx, person.id, clock);
    const referrals = await referralsForPerson(tx, ctx, person.id);
    const sections = await loadPersonSections(tx, ctx, person, basis);
    return { person, risk, support, referrals, sections };
  });
}
