import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  addDays, calendarDateParts, daysBetween, daysInMonth, isCalendarDate, isLeapYear, isoWeekday, parseCalendarDate,
} from './calendar-date.ts';

test('parses real dates and refuses everything else', () => {
  assert.deepEqual(parseCalendarDate('2024-02-29'), { year: 2024, month: 2, day: 29 });
  assert.deepEqual(parseCalendarDate('2000-02-29'), { year: 2000, month: 2, day: 29 });
  for (const bad of ['2025-02-29', '1900-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-4-1', '25-04-01',
    '2025-04-01T00:00:00Z', ' 2025-04-01', '', '２０２５-04-01']) {
    assert.equal(parseCalendarDate(bad), null, bad);
    assert.equal(isCalendarDate(bad), false, bad);
  }
  assert.throws(() => calendarDateParts('2025-02-30'), /Not a date in the form YYYY-MM-DD: '2025-02-30'/);
});

test('leap years and month lengths follow the Gregorian rules', () => {
  assert.deepEqual([1900, 2000, 2023, 2024, 2100].map(isLeapYear), [false, true, false, true, false]);
  assert.deepEqual([1, 2, 4, 12].map((m) => daysInMonth(2023, m)), [31, 28, 30, 31]);
  assert.equal(daysInMonth(2024, 2), 29);
});

test('adds days across months, years and leap days, and knows the weekday', () => {
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2023-02-28', 1), '2023-03-01');
  assert.equal(addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(addDays('2026-03-01', -1), '2026-02-28');
  assert.equal(addDays('0050-01-01', 1), '0050-01-02', 'years below 100 are not read as 19xx');
  assert.equal(daysBetween('2025-01-01', '2026-01-01'), 365);
  assert.equal(daysBetween('2024-01-01', '2025-01-01'), 366);
  assert.equal(isoWeekday('2026-01-05'), 1, 'Monday');
  assert.equal(isoWeekday('2026-01-11'), 7, 'Sunday');
  assert.equal(isoWeekday('2000-01-01'), 6, 'Saturday');
  assert.throws(() => addDays('2025-01-01', 0.5));
});

test('property: adding days and counting them agree, and weekdays cycle every 7 days', () => {
  const date = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));
  fc.assert(
    fc.property(date, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
      const later = addDays(d, n);
      assert.equal(isCalendarDate(later), true);
      assert.equal(daysBetween(d, later), n);
      assert.equal(addDays(later, -n), d);
      assert.equal(isoWeekday(later), ((((isoWeekday(d) - 1 + n) % 7) + 7) % 7) + 1);
    }),
  );
});
