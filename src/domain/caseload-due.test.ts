import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, daysBetween, isoWeekday } from './calendar-date.ts';
import { dueLevel, endOfWeek, isContactOverdue, isReviewDueThisWeek, isSomethingOverdue, soonest, whatIsDue, type EpisodeDueFacts } from './caseload-due.ts';

// Wednesday 4 March 2026.
const today = '2026-03-04';
const facts = (overrides: Partial<EpisodeDueFacts> = {}): EpisodeDueFacts => ({
  planReviewOn: null, goalReviewOn: null, stepDueOn: null, lastContactOn: '2026-03-01', startedOn: '2026-01-10', ...overrides,
});

test('the week ends on Sunday, and dates are overdue, due today, this week or later', () => {
  assert.equal(endOfWeek(today), '2026-03-08');
  assert.equal(endOfWeek('2026-03-08'), '2026-03-08', 'a Sunday is the end of its own week');
  assert.equal(endOfWeek('2026-03-09'), '2026-03-15');
  assert.equal(dueLevel(null, today), null);
  assert.equal(dueLevel('2026-03-03', today), 'overdue');
  assert.equal(dueLevel(today, today), 'today');
  assert.equal(dueLevel('2026-03-08', today), 'this_week');
  assert.equal(dueLevel('2026-03-09', today), 'later');
});

test('what is due, in words, most pressing first', () => {
  const due = whatIsDue(facts({ planReviewOn: '2026-03-06', goalReviewOn: '2026-02-20', stepDueOn: today, lastContactOn: '2026-02-10' }), { today, contactOverdueDays: 14 });
  assert.deepEqual(due.map((d) => d.text), [
    'No contact for 22 days',
    'Goal review overdue: was due 20 February 2026',
    'Follow-up due today',
    'Plan review due Friday 6 March',
  ]);
  assert.deepEqual(whatIsDue(facts({ planReviewOn: '2026-04-01' }), { today, contactOverdueDays: 14 }), [], 'nothing this week, contact recent');
  const never = whatIsDue(facts({ lastContactOn: null, startedOn: '2026-02-01' }), { today, contactOverdueDays: 14 });
  assert.deepEqual(never.map((d) => d.text), ['No contact since support started 31 days ago']);
});

test('contact is overdue only after more than the set number of days', () => {
  assert.equal(isContactOverdue(facts({ lastContactOn: '2026-02-18' }), today, 14), false, 'exactly 14 days');
  assert.equal(isContactOverdue(facts({ lastContactOn: '2026-02-17' }), today, 14), true, '15 days');
});

test('soonest ignores missing dates, like SQL least()', () => {
  assert.equal(soonest(null, null), null);
  assert.equal(soonest(null, '2026-03-05', '2026-03-01'), '2026-03-01');
});

const date = fc.integer({ min: 0, max: 3000 }).map((n) => addDays('2020-01-01', n));
const maybeDate = fc.option(date, { nil: null });

test('property: the week ends on the Sunday 0 to 6 days ahead', () => {
  fc.assert(fc.property(date, (d) => {
    const end = endOfWeek(d);
    assert.equal(isoWeekday(end), 7);
    const gap = daysBetween(d, end);
    assert.ok(gap >= 0 && gap <= 6);
  }));
});

test('property: a later date is never more urgent than an earlier one', () => {
  const rank = { overdue: 0, today: 1, this_week: 2, later: 3 } as const;
  fc.assert(fc.property(date, date, date, (a, b, t) => {
    const [early, late] = a <= b ? [a, b] : [b, a];
    assert.ok(rank[dueLevel(early, t)!] <= rank[dueLevel(late, t)!]);
  }));
});

test('property: the filters agree with the items shown, and contact overdue is the SQL test "from < today - N"', () => {
  const factsArb = fc.record({ planReviewOn: maybeDate, goalReviewOn: maybeDate, stepDueOn: maybeDate, lastContactOn: maybeDate, startedOn: date });
  fc.assert(fc.property(factsArb, date, fc.integer({ min: 1, max: 90 }), (f, t, days) => {
    const items = whatIsDue(f, { today: t, contactOverdueDays: days });
    assert.equal(isSomethingOverdue(f, { today: t, contactOverdueDays: days }), items.some((i) => i.level === 'overdue'));
    const from = f.lastContactOn ?? f.startedOn;
    assert.equal(isContactOverdue(f, t, days), daysBetween(from, t) > days);
    const week = endOfWeek(t);
    const review = soonest(f.planReviewOn, f.goalReviewOn);
    assert.equal(isReviewDueThisWeek(f, t), review !== null && review <= week);
  }));
});
