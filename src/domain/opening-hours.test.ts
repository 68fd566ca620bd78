import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeHours, isAlwaysOpen, isOpenAt, openNowText, parseTime, ukDayAndMinute, WEEK_DAYS, type DayHours } from './opening-hours.ts';

const weekdays = (opens: string, closes: string): DayHours[] =>
  (['MO', 'TU', 'WE', 'TH', 'FR'] as const).map((day) => ({ day, opens, closes }));
const everyDay = (opens: string, closes: string): DayHours[] => WEEK_DAYS.map((day) => ({ day, opens, closes }));
// Monday 23 November 2026 is in GMT; 29 June 2026 is a Monday in BST.
const at = (iso: string) => new Date(iso);

describe('opening hours', () => {
  test('times parse, 24:00 included, nonsense refused', () => {
    assert.equal(parseTime('09:30'), 570);
    assert.equal(parseTime('24:00'), 1440);
    assert.equal(parseTime('17:00:00'), 1020);
    for (const bad of ['25:00', '24:01', '9.30', '', '12:60']) assert.equal(parseTime(bad), null, bad);
  });

  test('open on weekdays 9 to 5, in UK time through the clock change', () => {
    const hours = weekdays('09:00', '17:00');
    assert.equal(isOpenAt(hours, at('2026-11-23T09:00:00Z')), true); // 9am GMT
    assert.equal(isOpenAt(hours, at('2026-11-23T17:00:00Z')), false); // closes at 5pm
    assert.equal(isOpenAt(hours, at('2026-06-29T08:30:00Z')), true); // 9:30am BST
    assert.equal(isOpenAt(hours, at('2026-06-29T16:30:00Z')), false); // 5:30pm BST
    assert.equal(isOpenAt(hours, at('2026-11-28T12:00:00Z')), false); // Saturday
  });

  test('overnight hours run into the next day, including Sunday night into Monday', () => {
    const cafe: DayHours[] = [{ day: 'FR', opens: '18:00', closes: '02:00' }, { day: 'SU', opens: '22:00', closes: '03:00' }];
    assert.equal(isOpenAt(cafe, at('2026-11-27T23:30:00Z')), true); // Friday 11:30pm
    assert.equal(isOpenAt(cafe, at('2026-11-28T01:59:00Z')), true); // Saturday 1:59am
    assert.equal(isOpenAt(cafe, at('2026-11-28T02:00:00Z')), false);
    assert.equal(isOpenAt(cafe, at('2026-11-30T02:00:00Z')), true); // Monday 2am, from Sunday night
    assert.deepEqual(describeHours(cafe), [
      { days: 'Monday to Thursday', times: 'Closed' },
      { days: 'Friday', times: '6pm to 2am (the next day)' },
      { days: 'Saturday', times: 'Closed' },
      { days: 'Sunday', times: '10pm to 3am (the next day)' },
    ]);
  });

  test('24/7 is recognised however it is written, and a gap is not', () => {
    assert.equal(isAlwaysOpen(everyDay('00:00', '24:00')), true);
    assert.equal(isAlwaysOpen(everyDay('00:00', '00:00')), true);
    assert.equal(isAlwaysOpen(everyDay('08:00', '08:00')), true);
    assert.equal(isAlwaysOpen(everyDay('00:00', '23:59')), false);
    assert.equal(isAlwaysOpen(everyDay('00:00', '24:00').filter((h) => h.day !== 'WE')), false);
    assert.deepEqual(describeHours(everyDay('00:00', '24:00')), [{ days: 'Every day', times: 'Open 24 hours' }]);
  });

  test('plain English, with days that share times grouped and closed days said', () => {
    const hours = [...weekdays('09:00', '17:00'), { day: 'SA' as const, opens: '10:00', closes: '12:30' }];
    assert.deepEqual(describeHours(hours), [
      { days: 'Monday to Friday', times: '9am to 5pm' },
      { days: 'Saturday', times: '10am to 12:30pm' },
      { days: 'Sunday', times: 'Closed' },
    ]);
    assert.deepEqual(describeHours([]), [{ days: 'Every day', times: 'Closed' }]);
  });

  test('"open now" text says until when, or when it next opens', () => {
    const hours = weekdays('09:00', '17:00');
    assert.equal(openNowText(hours, at('2026-11-23T10:00:00Z')), 'Open now until 5pm today');
    assert.equal(openNowText(hours, at('2026-11-23T18:00:00Z')), 'Closed now. Opens at 9am tomorrow');
    assert.equal(openNowText(hours, at('2026-11-27T18:00:00Z')), 'Closed now. Opens at 9am on Monday');
    assert.equal(openNowText(hours, at('2026-11-23T07:00:00Z')), 'Closed now. Opens at 9am today');
    assert.equal(openNowText(everyDay('00:00', '24:00'), at('2026-11-23T07:00:00Z')), 'Open now, 24 hours');
    assert.equal(openNowText([{ day: 'MO', opens: '18:00', closes: '02:00' }], at('2026-11-23T20:00:00Z')), 'Open now until 2am tomorrow');
    assert.equal(openNowText([], at('2026-11-23T20:00:00Z')), null);
  });

  const hoursArb = fc.array(
    fc.record({
      day: fc.constantFrom(...WEEK_DAYS),
      opens: fc.integer({ min: 0, max: 47 }).map((h) => `${String(Math.floor(h / 2)).padStart(2, '0')}:${h % 2 ? '30' : '00'}`),
      closes: fc.integer({ min: 0, max: 48 }).map((h) => (h === 48 ? '24:00' : `${String(Math.floor(h / 2)).padStart(2, '0')}:${h % 2 ? '30' : '00'}`)),
    }),
    { maxLength: 10 },
  );
  const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms));

  test('property: "open now" text agrees with isOpenAt, and describing never throws', () => {
    fc.assert(
      fc.property(hoursArb, instant, (hours, when) => {
        const text = openNowText(hours, when);
        describeHours(hours);
        if (text === null) return hours.length === 0;
        return text.startsWith('Open now') === isOpenAt(hours, when);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: a service open every minute is open at any instant', () => {
    fc.assert(fc.property(hoursArb, instant, (hours, when) => !isAlwaysOpen(hours) || isOpenAt(hours, when)), { numRuns: 2000 });
  });

  test('UK day and minute follow Europe/London', () => {
    assert.deepEqual(ukDayAndMinute(at('2026-03-29T00:59:00Z')), { day: 'SU', minute: 59 }); // GMT still
    assert.deepEqual(ukDayAndMinute(at('2026-03-29T01:00:00Z')), { day: 'SU', minute: 120 }); // 2am BST
  });
});
