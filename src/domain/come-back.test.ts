import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, calendarDateParts, formatCalendarDate } from './calendar-date.ts';
import { addCalendarMonths, comeBackDecision, comeBackUntil } from './come-back.ts';

test('months are calendar months; a day the later month lacks becomes its last day', () => {
  assert.equal(addCalendarMonths('2025-03-15', 12), '2026-03-15');
  assert.equal(addCalendarMonths('2025-01-31', 1), '2025-02-28');
  assert.equal(addCalendarMonths('2024-01-31', 1), '2024-02-29');
  assert.equal(addCalendarMonths('2024-02-29', 12), '2025-02-28');
  assert.equal(addCalendarMonths('2025-11-30', 3), '2026-02-28');
  assert.equal(addCalendarMonths('2025-12-15', 1), '2026-01-15');
  assert.equal(addCalendarMonths('2025-05-10', 0), '2025-05-10');
  assert.equal(addCalendarMonths('2026-03-31', -1), '2026-02-28');
  assert.throws(() => addCalendarMonths('2025-05-10', 1.5));
});

test('the fast route is open up to and including the day the period ends, and closed the day after', () => {
  const discharged = '2025-03-15';
  assert.equal(comeBackUntil(discharged, 12), '2026-03-15');
  assert.deepEqual(comeBackDecision(discharged, 12, '2026-03-14'), { ok: true, until: '2026-03-15' });
  assert.deepEqual(comeBackDecision(discharged, 12, '2026-03-15'), { ok: true, until: '2026-03-15' });
  assert.deepEqual(comeBackDecision(discharged, 12, '2026-03-16'), { ok: false, reason: 'period_over', until: '2026-03-15' });
  assert.deepEqual(comeBackDecision(discharged, 0, '2025-03-15'), { ok: true, until: '2025-03-15' }, 'a tenant with no come-back period: only the same day');
  assert.equal(comeBackDecision(discharged, 0, '2025-03-16').ok, false);
});

const date = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

test('property: adding months lands in the right month, never later in it than the day started, and keeps order', () => {
  fc.assert(fc.property(date, date, fc.integer({ min: 0, max: 60 }), (a, b, months) => {
    const from = calendarDateParts(a);
    const to = calendarDateParts(addCalendarMonths(a, months));
    const index = from.year * 12 + from.month - 1 + months;
    const [early, late] = a <= b ? [a, b] : [b, a];
    return to.year === Math.floor(index / 12) && to.month === (index % 12) + 1 && to.day <= from.day &&
      addCalendarMonths(early, months) <= addCalendarMonths(late, months);
  }));
});

test('property: the day before the period ends is inside it and the day after is outside', () => {
  fc.assert(fc.property(date, fc.integer({ min: 0, max: 60 }), (discharged, months) => {
    const until = comeBackUntil(discharged, months);
    return comeBackDecision(discharged, months, addDays(until, -1)).ok &&
      comeBackDecision(discharged, months, until).ok &&
      !comeBackDecision(discharged, months, addDays(until, 1)).ok &&
      comeBackDecision(discharged, months, discharged).ok;
  }));
});

test('property: twelve months on is the same day next year, except 29 February', () => {
  fc.assert(fc.property(date, (d) => {
    const { year, month, day } = calendarDateParts(d);
    const expected = month === 2 && day === 29 ? formatCalendarDate(year + 1, 2, 28) : formatCalendarDate(year + 1, month, day);
    return addCalendarMonths(d, 12) === expected;
  }));
});
