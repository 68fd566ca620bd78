// What personal budgets hold about a person, for their subject access export: each budget with
// its agreed plan for spending it and every payment recorded against it.
import { exportRows, groupBy, type SubjectAccessSource } from '../../platform/subject-access.ts';

export const budgetSources: SubjectAccessSource[] = [
  {
    key: 'personal-budgets',
    title: 'Your personal budgets',
    description: 'Each personal budget: the amount and period, the plan for spending it, who helped plan it, and what was spent. Amounts are in pence.',
    tables: ['personal_budgets', 'personal_budget_items', 'personal_budget_spending'],
    async load(tx, tenantId, personId) {
      const budgets = await exportRows(tx, 'SELECT * FROM personal_budgets WHERE tenant_id = $1 AND person_id = $2 ORDER BY starts_on', [tenantId, personId]);
      const ids = budgets.map((b) => b.id);
      const items = groupBy(await exportRows(tx, 'SELECT * FROM personal_budget_items WHERE tenant_id = $1 AND budget_id = ANY($2::uuid[]) ORDER BY created_at', [tenantId, ids]), 'budget_id');
      const spending = groupBy(await exportRows(tx, 'SELECT * FROM personal_budget_spending WHERE tenant_id = $1 AND budget_id = ANY($2::uuid[]) ORDER BY spent_on', [tenantId, ids]), 'budget_id');
      return budgets.map((b) => ({ ...b, plan: items.get(b.id) ?? [], spending: spending.get(b.id) ?? [] }));
    },
  },
];
