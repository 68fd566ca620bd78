// Personal budgets in SQL: a budget with its plan and spending, read whole, and the writes that
// change them. Every query is scoped by tenant; access is decided in service.ts.
import type { Queryable } from '../../db/database.ts';
import { budgetBalance, type BudgetBalance } from '../../domain/budget-balance.ts';

export type BudgetState = 'open' | 'closed';

export interface BudgetItem {
  id: string;
  /** the directory listing it is, or null for something from elsewhere */
  serviceId: string | null;
  description: string;
  plannedPence: number;
  spentPence: number;
  /** planned minus spent: negative when more was spent than planned */
  leftPence: number;
  hasSpending: boolean;
}

export interface Spending {
  id: string;
  itemId: string;
  itemDescription: string;
  spentOn: string;
  amountPence: number;
  description: string;
  recordedByName: string;
  recordedAt: Date;
}

export interface Budget {
  id: string;
  episodeId: string;
  personId: string;
  amountPence: number;
  startsOn: string;
  endsOn: string;
  brokerageBy: string;
  brokerageNotes: string;
  state: BudgetState;
  closedAt: Date | null;
  closedByName: string | null;
  closeNote: string | null;
  createdAt: Date;
  createdByName: string;
  version: number;
  items: BudgetItem[];
  spending: Spending[];
  balance: BudgetBalance;
}

export interface BudgetSummary {
  id: string;
  amountPence: number;
  startsOn: string;
  endsOn: string;
  state: BudgetState;
  closedAt: Date | null;
}

type BudgetRow = {
  id: string; episode_id: string; person_id: string; amount_pence: number; starts_on: string; ends_on: string; brokerage_by: string;
  brokerage_notes: string; state: BudgetState; closed_at: Date | null; closed_by_name: string | null; close_note: string | null;
  created_at: Date; created_by_name: string; version: number;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A budget of the episode with its plan, spending and balance; null if there is no such budget in it. */
export async function readBudget(tx: Queryable, tenantId: string, episodeId: string, budgetId: string, lock = false): Promise<Budget | null> {
  if (!UUID.test(budgetId)) return null;
  const { rows } = await tx.query<BudgetRow>(
    `SELECT b.id, b.episode_id, b.person_id, b.amount_pence, b.starts_on, b.ends_on, b.brokerage_by, b.brokerage_notes, b.state,
            b.closed_at, c.name AS closed_by_name, b.close_note, b.created_at, m.name AS created_by_name, b.version
       FROM personal_budgets b
       JOIN staff_users m ON m.tenant_id = b.tenant_id AND m.id = b.created_by
       LEFT JOIN staff_users c ON c.tenant_id = b.tenant_id AND c.id = b.closed_by
      WHERE b.tenant_id = $1 AND b.episode_id = $2 AND b.id = $3${lock ? ' FOR UPDATE OF b' : ''}`,
    [tenantId, episodeId, budgetId],
  );
  const row = rows[0];
  if (!row) return null;
  const items = await tx.query<{ id: string; service_id: string | null; description: string; planned_pence: number }>(
    `SELECT id, service_id, description, planned_pence FROM personal_budget_items
      WHERE tenant_id = $1 AND budget_id = $2 ORDER BY created_at, id`,
    [tenantId, budgetId],
  );
  const spending = await tx.query<{
    id: string; item_id: string; spent_on: string; amount_pence: number; description: string; recorded_by_name: string; recorded_at: Date;
  }>(
    `SELECT s.id, s.item_id, s.spent_on, s.amount_pence, s.description, u.name AS recorded_by_name, s.recorded_at
       FROM personal_budget_spending s
       JOIN staff_users u ON u.tenant_id = s.tenant_id AND u.id = s.recorded_by
      WHERE s.tenant_id = $1 AND s.budget_id = $2
      ORDER BY s.spent_on DESC, s.recorded_at DESC, s.id`,
    [tenantId, budgetId],
  );
  const amountPence = Number(row.amount_pence);
  const planned = items.rows.map((i) => ({ id: i.id, plannedPence: Number(i.planned_pence) }));
  const spent = spending.rows.map((s) => ({ itemId: s.item_id, amountPence: Number(s.amount_pence) }));
  const balance = budgetBalance(amountPence, planned, spent);
  const descriptions = new Map(items.rows.map((i) => [i.id, i.description]));
  return {
    id: row.id, episodeId: row.episode_id, personId: row.person_id, amountPence, startsOn: row.starts_on, endsOn: row.ends_on,
    brokerageBy: row.brokerage_by, brokerageNotes: row.brokerage_notes, state: row.state, closedAt: row.closed_at,
    closedByName: row.closed_by_name, closeNote: row.close_note, createdAt: row.created_at, createdByName: row.created_by_name,
    version: row.version,
    items: items.rows.map((i, n) => {
      const b = balance.items[n]!;
      return {
        id: i.id, serviceId: i.service_id, description: i.description, plannedPence: b.plannedPence, spentPence: b.spentPence,
        leftPence: b.leftPence, hasSpending: spent.some((s) => s.itemId === i.id),
      };
    }),
    spending: spending.rows.map((s) => ({
      id: s.id, itemId: s.item_id, itemDescription: descriptions.get(s.item_id) ?? '', spentOn: s.spent_on,
      amountPence: Number(s.amount_pence), description: s.description, recordedByName: s.recorded_by_name, recordedAt: s.recorded_at,
    })),
    balance,
  };
}

/** The episode's open budget's id, if it has one (locked for the transaction with `lock`). */
export async function openBudgetId(tx: Queryable, tenantId: string, episodeId: string, lock = false): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM personal_budgets WHERE tenant_id = $1 AND episode_id = $2 AND state = 'open'${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, episodeId],
  );
  return rows[0]?.id ?? null;
}

/** The episode's budgets, newest period first. */
export async function episodeBudgets(tx: Queryable, tenantId: string, episodeId: string): Promise<BudgetSummary[]> {
  const { rows } = await tx.query<{ id: string; amount_pence: number; starts_on: string; ends_on: string; state: BudgetState; closed_at: Date | null }>(
    `SELECT id, amount_pence, starts_on, ends_on, state, closed_at FROM personal_budgets
      WHERE tenant_id = $1 AND episode_id = $2 ORDER BY starts_on DESC, created_at DESC`,
    [tenantId, episodeId],
  );
  return rows.map((r) => ({ id: r.id, amountPence: Number(r.amount_pence), startsOn: r.starts_on, endsOn: r.ends_on, state: r.state, closedAt: r.closed_at }));
}

/** Moves the budget's version on (every change to it, its plan or its spending); returns the new version. */
export async function touchBudget(tx: Queryable, tenantId: string, budgetId: string): Promise<number> {
  const { rows } = await tx.query<{ version: number }>(
    'UPDATE personal_budgets SET version = version + 1, updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING version',
    [tenantId, budgetId],
  );
  return rows[0]!.version;
}
