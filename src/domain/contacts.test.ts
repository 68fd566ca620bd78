import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays } from './calendar-date.ts';
import { londonDate } from './working-days.ts';
import { formatTimeOfDay, londonInstant, londonMinutes, parseTimeOfDay } from './contacts.ts';

test('times of day on the 24-hour clock or with am and pm', () => {
  const minutes = (text: string) => {
    const r = parseTimeOfDay(text);
    return r.ok ? r.minutes : r.message;
  };
  assert.equal(minutes('14:30'), 870);
  assert.equal(minutes('9:05'), 545);
  assert.equal(minutes('09.05'), 545);
  assert.equal(minutes('00:00'), 0);
  assert.equal(minutes('2:30pm'), 870);
  assert.equal(minutes('2 PM'), 840);
  assert.equal(minutes('12am'), 0);
  assert.equal(minutes('12:15pm'), 735);
  assert.equal(minutes(''), 'Enter the time, like 14:30');
  assert.equal(minutes('24:00'), 'Time must be a real time, like 09:30 or 14:30');
  assert.equal(minutes('13pm'), 'Time must be a real time, like 09:30 or 14:30');
  assert.equal(minutes('half two'), 'Enter the time on the 24-hour clock, like 14:30');
});

test('UK times become the right instant in winter, in summer, and when the clocks change', () => {
  assert.equal(londonInstant('2026-01-15', 600).toISOString(), '2026-01-15T10:00:00.000Z');
  assert.equal(londonInstant('2026-07-01', 600).toISOString(), '2026-07-01T09:00:00.000Z');
  assert.equal(londonInstant('2026-03-29', 90).toISOString(), '2026-03-29T01:30:00.000Z', '01:30 does not exist that day: read as GMT');
  assert.equal(londonInstant('2026-10-25', 90).toISOString(), '2026-10-25T00:30:00.000Z', '01:30 happens twice: the first');
  assert.equal(londonInstant('2026-07-01', 0).toISOString(), '2026-06-30T23:00:00.000Z');
});

test('property: a time of day written out reads back the same', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 24 * 60 - 1 }), (m) => {
    const parsed = parseTimeOfDay(formatTimeOfDay(m));
    assert.deepEqual(parsed, { ok: true, minutes: m });
  }));
});

test('property: a UK date and time give an instant on that date at that time (outside the missing hour in spring)', () => {
  const day = fc.integer({ min: 0, max: 365 * 30 }).map((n) => addDays('2000-01-01', n));
  fc.assert(fc.property(day, fc.integer({ min: 0, max: 24 * 60 - 1 }), (d, m) => {
    const instant = londonInstant(d, m);
    const springGap = d.slice(5, 7) === '03' && m >= 60 && m < 120 && londonMinutes(instant) !== m;
    if (springGap) return;
    assert.equal(londonDate(instant), d);
    assert.equal(londonMinutes(instant), m);
  }));
});

