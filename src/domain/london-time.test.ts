import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { londonDateTime, londonTime, parseTimeOfDay } from './london-time.ts';
import { londonDate } from './working-days.ts';

describe('UK wall-clock times', () => {
  test('a winter time is GMT and a summer time is BST', () => {
    assert.equal(londonDateTime('2025-01-15', '09:30').toISOString(), '2025-01-15T09:30:00.000Z');
    assert.equal(londonDateTime('2025-07-15', '09:30').toISOString(), '2025-07-15T08:30:00.000Z');
    assert.equal(londonDateTime('2025-07-15', '00:10').toISOString(), '2025-07-14T23:10:00.000Z');
  });

  test('a time the clocks skip is read an hour on; a time that happens twice is the first', () => {
    // 30 March 2025: 01:00 GMT became 02:00 BST.
    assert.equal(londonDateTime('2025-03-30', '01:30').toISOString(), '2025-03-30T01:30:00.000Z');
    assert.equal(londonTime(londonDateTime('2025-03-30', '01:30')), '02:30');
    // 26 October 2025: 02:00 BST became 01:00 GMT, so 01:30 happened twice.
    assert.equal(londonDateTime('2025-10-26', '01:30').toISOString(), '2025-10-26T00:30:00.000Z');
  });

  test('every instant, read back from its UK date and time, is the same minute (outside the repeated hour)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1996-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true }), (instant) => {
        const minute = new Date(Math.floor(instant.getTime() / 60_000) * 60_000);
        const back = londonDateTime(londonDate(minute), londonTime(minute));
        const repeated = londonTime(new Date(minute.getTime() - 3_600_000)) === londonTime(minute);
        if (!repeated) assert.equal(back.getTime(), minute.getTime());
        else assert.equal(back.getTime(), minute.getTime() - 3_600_000);
      }),
    );
  });

  test('rejects what is not a date or a time', () => {
    assert.throws(() => londonDateTime('2025-02-30', '10:00'));
    assert.throws(() => londonDateTime('2025-02-03', '24:00'));
    assert.throws(() => londonDateTime('2025-02-03', '9:00'));
  });
});

describe('reading a typed time of day', () => {
  test('takes the ways people write times', () => {
    const cases: [string, string][] = [
      ['9', '09:00'], ['9:05', '09:05'], ['09.05', '09:05'], ['14:30', '14:30'], ['2:30pm', '14:30'], ['2pm', '14:00'],
      ['12am', '00:00'], ['12pm', '12:00'], [' 7 : 15 ', '07:15'], ['23:59', '23:59'], ['0:00', '00:00'],
    ];
    for (const [typed, expected] of cases) assert.deepEqual(parseTimeOfDay(typed), { ok: true, value: expected }, typed);
  });

  test('says how to write it when it is not a time', () => {
    for (const typed of ['25:00', '12:60', 'noon', '13pm', '0am', '1:2', '']) {
      const result = parseTimeOfDay(typed);
      assert.equal(result.ok, false, typed);
      if (!result.ok) assert.match(result.message, typed ? /24-hour clock, like 09:30/ : /^Enter the time$/);
    }
  });

  test('any valid HH:MM is read as itself', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (h, m) => {
      const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
      assert.deepEqual(parseTimeOfDay(time), { ok: true, value: time });
    }));
  });
});
