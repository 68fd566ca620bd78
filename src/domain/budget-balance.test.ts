import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { amountProblem, budgetBalance, overplanProblem, overspendProblem } from './budget-balance.ts';

test('the balance is the amount minus spending; each item shows planned against spent', () => {
  const balance = budgetBalance(125_000, [{ id: 'art', plannedPence: 45_000 }, { id: 'gym', plannedPence: 60_000 }], [
    { itemId: 'art', amountPence: 12_010 },
    { itemId: 'art', amountPence: 12_020 },
    { itemId: 'gym', amountPence: 70_000 },
  ]);
  assert.deepEqual(balance, {
    amountPence: 125_000, plannedPence: 105_000, spentPence: 94_030, leftPence: 30_970, unplannedPence: 20_000,
    items: [
      { id: 'art', plannedPence: 45_000, spentPence: 24_030, leftPence: 20_970 },
      { id: 'gym', plannedPence: 60_000, spentPence: 70_000, leftPence: -10_000 },
    ],
  });
});

test('totals that go wrong in floating point come out exact', () => {
  // Thirty payments of £0.10 and £0.20 against £9.00: in doubles, 30 * (0.1 + 0.2) is 9.000000000000002.
  const spending = Array.from({ length: 30 }, (_, i) => ({ itemId: 'x', amountPence: i % 2 ? 10 : 20 }));
  const balance = budgetBalance(450, [{ id: 'x', plannedPence: 450 }], spending);
  assert.equal(balance.spentPence, 450);
  assert.equal(balance.leftPence, 0);
  assert.equal(overspendProblem(balance, 1)?.startsWith('Nothing is left'), true);
});

test('spending more than is left is refused with the balance in the message', () => {
  const balance = budgetBalance(10_000, [{ id: 'x', plannedPence: 10_000 }], [{ itemId: 'x', amountPence: 7_950 }]);
  assert.equal(overspendProblem(balance, 2_050), null, 'spending exactly what is left is fine');
  assert.equal(overspendProblem(balance, 2_051), 'This would overspend the budget. £20.50 is left: enter £20.50 or less, or change the budget’s amount first if more has been agreed.');
});

test('the plan cannot add up to more than the budget, and the amount cannot drop below what is spent or planned', () => {
  const balance = budgetBalance(10_000, [{ id: 'x', plannedPence: 6_000 }], [{ itemId: 'x', amountPence: 2_500 }]);
  assert.equal(overplanProblem(balance, 4_000), null);
  assert.match(overplanProblem(balance, 4_001)!, /£40.00 is not planned yet/);
  assert.match(amountProblem(balance, 2_499)!, /£25.00 has already been spent/);
  assert.match(amountProblem(balance, 5_999)!, /The plan adds up to £60.00/);
  assert.equal(amountProblem(balance, 6_000), null);
});

test('property: spending per item adds up to the total, and left plus spent is the amount', () => {
  const itemIds = ['a', 'b', 'c', 'd'];
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 100_000_000 }),
    fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 4, maxLength: 4 }),
    fc.array(fc.record({ itemId: fc.constantFrom(...itemIds), amountPence: fc.integer({ min: 1, max: 1_000_000 }) }), { maxLength: 100 }),
    (amount, planned, spending) => {
      const balance = budgetBalance(amount, itemIds.map((id, i) => ({ id, plannedPence: planned[i]! })), spending);
      const perItem = balance.items.reduce((sum, i) => sum + i.spentPence, 0);
      return perItem === balance.spentPence && balance.leftPence + balance.spentPence === amount &&
        balance.items.every((i) => i.plannedPence - i.spentPence === i.leftPence);
    },
  ));
});

test('property: spending accepted one entry at a time never takes the balance below zero', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 300_000 }), { maxLength: 60 }), (amount, attempts) => {
    const accepted: { itemId: string; amountPence: number }[] = [];
    for (const pence of attempts) {
      const balance = budgetBalance(amount, [{ id: 'x', plannedPence: amount }], accepted);
      if (overspendProblem(balance, pence) === null) accepted.push({ itemId: 'x', amountPence: pence });
    }
    return budgetBalance(amount, [{ id: 'x', plannedPence: amount }], accepted).leftPence >= 0;
  }));
});
