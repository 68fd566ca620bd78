// A personal budget's arithmetic: what is left, what is planned and spent per item, and whether
// new spending or a new plan fits. Pure: no I/O; all amounts are whole pence.
import { formatPence, sumPence } from './money.ts';

export interface PlannedItem {
  id: string;
  plannedPence: number;
}

export interface SpendingEntry {
  itemId: string;
  amountPence: number;
}

export interface ItemBalance {
  id: string;
  plannedPence: number;
  spentPence: number;
  /** planned minus spent: negative when more was spent on it than planned */
  leftPence: number;
}

export interface BudgetBalance {
  amountPence: number;
  plannedPence: number;
  spentPence: number;
  /** the amount minus what has been spent: never negative, because overspending is refused */
  leftPence: number;
  /** the amount minus what is planned */
  unplannedPence: number;
  items: ItemBalance[];
}

export function budgetBalance(amountPence: number, items: readonly PlannedItem[], spending: readonly SpendingEntry[]): BudgetBalance {
  const spentByItem = new Map<string, number>();
  for (const entry of spending) spentByItem.set(entry.itemId, sumPence([spentByItem.get(entry.itemId) ?? 0, entry.amountPence]));
  const plannedPence = sumPence(items.map((i) => i.plannedPence));
  const spentPence = sumPence(spending.map((s) => s.amountPence));
  return {
    amountPence,
    plannedPence,
    spentPence,
    leftPence: amountPence - spentPence,
    unplannedPence: amountPence - plannedPence,
    items: items.map((i) => {
      const spent = spentByItem.get(i.id) ?? 0;
      return { id: i.id, plannedPence: i.plannedPence, spentPence: spent, leftPence: i.plannedPence - spent };
    }),
  };
}

/** Why spending `amountPence` cannot be recorded, or null when it fits in what is left. */
export function overspendProblem(balance: Pick<BudgetBalance, 'leftPence'>, amountPence: number): string | null {
  if (amountPence <= balance.leftPence) return null;
  if (balance.leftPence <= 0) return 'Nothing is left in this budget, so no more spending can be recorded against it. If more money has been agreed, change the budget’s amount first.';
  return `This would overspend the budget. ${formatPence(balance.leftPence)} is left: enter ${formatPence(balance.leftPence)} or less, or change the budget’s amount first if more has been agreed.`;
}

/** Why planning `plannedPence` more cannot be added to the plan, or null when it fits. */
export function overplanProblem(balance: Pick<BudgetBalance, 'unplannedPence'>, plannedPence: number): string | null {
  if (plannedPence <= balance.unplannedPence) return null;
  if (balance.unplannedPence <= 0) return 'The whole budget is already planned. Lower another item’s planned amount, or change the budget’s amount first.';
  return `The plan would add up to more than the budget. ${formatPence(balance.unplannedPence)} is not planned yet: enter ${formatPence(balance.unplannedPence)} or less.`;
}

/** Why the budget's amount cannot become `amountPence`, or null when what is spent and planned still fits. */
export function amountProblem(balance: Pick<BudgetBalance, 'spentPence' | 'plannedPence'>, amountPence: number): string | null {
  if (amountPence < balance.spentPence) {
    return `${formatPence(balance.spentPence)} has already been spent, so the amount must be ${formatPence(balance.spentPence)} or more.`;
  }
  if (amountPence < balance.plannedPence) {
    return `The plan adds up to ${formatPence(balance.plannedPence)}, so the amount must be ${formatPence(balance.plannedPence)} or more. Lower the plan’s items first to make it smaller.`;
  }
  return null;
}
