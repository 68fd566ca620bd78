import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatTimeOfDay, londonInstant, londonWallClock, parseTimeOfDay } from './uk-time.ts';

const time = (text: string) => {
  const parsed = parseTimeOfDay(text);
  return parsed.ok ? formatTimeOfDay(parsed.value) : parsed.message;
};

describe('times of day', () => {
  test('24-hour and 12-hour times as people type them', () => {
    assert.equal(time('14:30'), '14:30');
    assert.equal(time('9:05'), '09:05');
    assert.equal(time('0930'), '09:30');
    assert.equal(time('14.30'), '14:30');
    assert.equal(time('2:30pm'), '14:30');
    assert.equal(time('2pm'), '14:00');
    assert.equal(time('9.15 AM'), '09:15');
    assert.equal(time('12am'), '00:00');
    assert.equal(time('12:15pm'), '12:15');
    assert.equal(time('12 p.m.'), '12:00');
    assert.equal(time('midday'), '12:00');
    assert.equal(time('Midnight'), '00:00');
  });

  test('impossible or unclear times are refused with what to type', () => {
    assert.equal(time(''), 'Enter the time');
    assert.equal(time('25:00'), 'Enter a time, like 14:30 or 2:30pm');
    assert.equal(time('13pm'), 'Enter a time, like 14:30 or 2:30pm');
    assert.equal(time('9:60'), 'Enter a time, like 14:30 or 2:30pm');
    assert.equal(time('teatime'), 'Enter a time, like 14:30 or 2:30pm');
    assert.equal(time('9'), 'Enter a time, like 14:30 or 2:30pm');
  });

  test('property: every time written as hh:mm reads back as itself', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (hour, minute) => {
      assert.equal(time(formatTimeOfDay({ hour, minute })), formatTimeOfDay({ hour, minute }));
    }));
  });

  test('property: no input makes the parser throw', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      parseTimeOfDay(text);
    }));
  });
});

describe('UK wall-clock times as instants', () => {
  test('GMT in winter, BST in summer', () => {
    assert.equal(londonInstant('2026-01-15', { hour: 14, minute: 30 })?.toISOString(), '2026-01-15T14:30:00.000Z');
    assert.equal(londonInstant('2026-07-15', { hour: 14, minute: 30 })?.toISOString(), '2026-07-15T13:30:00.000Z');
    assert.equal(londonInstant('2026-07-01', { hour: 0, minute: 30 })?.toISOString(), '2026-06-30T23:30:00.000Z');
  });

  test('the hour that never happens when the clocks go forward, and the one that happens twice', () => {
    // 29 March 2026: at 1am GMT the clocks go forward to 2am BST.
    assert.equal(londonInstant('2026-03-29', { hour: 1, minute: 30 }), null);
    assert.equal(londonInstant('2026-03-29', { hour: 0, minute: 59 })?.toISOString(), '2026-03-29T00:59:00.000Z');
    assert.equal(londonInstant('2026-03-29', { hour: 2, minute: 0 })?.toISOString(), '2026-03-29T01:00:00.000Z');
    // 25 October 2026: at 2am BST the clocks go back to 1am GMT; 1:30am happens twice.
    assert.equal(londonInstant('2026-10-25', { hour: 1, minute: 30 })?.toISOString(), '2026-10-25T00:30:00.000Z');
  });

  test('londonWallClock shows the UK date and time', () => {
    assert.deepEqual(londonWallClock(new Date('2026-06-30T23:30:00Z')), { date: '2026-07-01', time: { hour: 0, minute: 30 } });
    assert.deepEqual(londonWallClock(new Date('2026-12-31T23:59:59Z')), { date: '2026-12-31', time: { hour: 23, minute: 59 } });
  });

  test('property: the instant of the time a UK clock showed is that instant (or the first of two)', () => {
    const instant = fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2098, 11, 1) }).map((ms) => new Date(Math.floor(ms / 60_000) * 60_000));
    fc.assert(fc.property(instant, (at) => {
      const shown = londonWallClock(at);
      const back = londonInstant(shown.date, shown.time);
      assert.ok(back, `${at.toISOString()} shows ${shown.date} ${formatTimeOfDay(shown.time)}`);
      const gap = at.getTime() - back.getTime();
      assert.ok(gap === 0 || gap === 3_600_000, `${at.toISOString()} came back as ${back.toISOString()}`);
      assert.deepEqual(londonWallClock(back), shown);
    }));
  });
});
