import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, daysBetween, isoWeekday } from './calendar-date.ts';
import {
  addWorkingDays, bankHolidays, describeDeadline, describeDuration, describeWait, easterSunday, firstResponseDue,
  isBankHoliday, isWorkingDay, londonDate, startOfLondonDay, type ClockSettings,
} from './working-days.ts';

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// England and Wales, as published at https://www.gov.uk/bank-holidays (bank-holidays.json).
const GOV_UK: Record<number, string[]> = {
  2020: ['01-01', '04-10', '04-13', '05-08', '05-25', '08-31', '12-25', '12-28'],
  2021: ['01-01', '04-02', '04-05', '05-03', '05-31', '08-30', '12-27', '12-28'],
  2022: ['01-03', '04-15', '04-18', '05-02', '06-02', '06-03', '08-29', '09-19', '12-26', '12-27'],
  2023: ['01-02', '04-07', '04-10', '05-01', '05-08', '05-29', '08-28', '12-25', '12-26'],
  2024: ['01-01', '03-29', '04-01', '05-06', '05-27', '08-26', '12-25', '12-26'],
  2025: ['01-01', '04-18', '04-21', '05-05', '05-26', '08-25', '12-25', '12-26'],
  2026: ['01-01', '04-03', '04-06', '05-04', '05-25', '08-31', '12-25', '12-28'],
  2027: ['01-01', '03-26', '03-29', '05-03', '05-31', '08-30', '12-27', '12-28'],
};

const year = fc.integer({ min: 1995, max: 2099 });
const dateIn = (from: string, to: string) =>
  fc.integer({ min: 0, max: daysBetween(from, to) }).map((n) => addDays(from, n));
const anyDate = dateIn('1995-01-01', '2098-12-31');
const instant = fc.integer({ min: Date.UTC(1995, 0, 1), max: Date.UTC(2098, 11, 1) }).map((ms) => new Date(ms));

describe('bank holidays', () => {
  test('match GOV.UK for 2020 to 2027 exactly', () => {
    for (const [y, days] of Object.entries(GOV_UK)) {
      assert.deepEqual(bankHolidays(Number(y)), days.map((d) => `${y}-${d}`), y);
    }
  });

  test('moved and one-off days of earlier years', () => {
    assert.ok(bankHolidays(1995).includes('1995-05-08') && !bankHolidays(1995).includes('1995-05-01'), 'VE Day 50');
    assert.deepEqual(bankHolidays(1999).slice(-3), ['1999-12-27', '1999-12-28', '1999-12-31'], 'Millennium');
    assert.deepEqual(bankHolidays(2002).filter((d) => d >= '2002-05-20' && d <= '2002-06-30'), ['2002-06-03', '2002-06-04']);
    assert.ok(bankHolidays(2011).includes('2011-04-29'), 'Royal Wedding');
    assert.deepEqual(bankHolidays(2012).filter((d) => d >= '2012-05-20' && d <= '2012-06-30'), ['2012-06-04', '2012-06-05']);
    assert.equal(bankHolidays(2000)[0], '2000-01-03', 'New Year on a Saturday gives Monday 3 January');
    assert.deepEqual(bankHolidays(2032).slice(-2), ['2032-12-27', '2032-12-28'], 'Christmas on a Saturday');
    assert.deepEqual(bankHolidays(2033).slice(-2), ['2033-12-26', '2033-12-27'], 'Christmas on a Sunday');
  });

  test('only 1995 to 2099 are known', () => {
    for (const bad of [1994, 2100, 2025.5, Number.NaN]) {
      assert.throws(() => bankHolidays(bad), /Bank holidays are only known for 1995 to 2099/);
    }
    assert.throws(() => isWorkingDay('2100-01-04'));
  });

  test('Easter Sunday from the computus matches published dates', () => {
    const published = ['1995-04-16', '2000-04-23', '2008-03-23', '2011-04-24', '2019-04-21', '2038-04-25', '2049-04-18', '2099-04-12'];
    for (const d of published) assert.equal(easterSunday(Number(d.slice(0, 4))), d);
  });

  test('property: 8 or more weekdays, sorted, unique, with Easter Monday 3 days after Good Friday', () => {
    fc.assert(
      fc.property(year, (y) => {
        const days = bankHolidays(y);
        assert.ok(days.length >= 8);
        for (const d of days) {
          assert.ok(d.startsWith(`${y}-`));
          assert.ok(isoWeekday(d) <= 5, `${d} is a weekday`);
        }
        for (let i = 1; i < days.length; i++) assert.ok(days[i - 1]! < days[i]!, 'sorted with no repeats');
        const easter = easterSunday(y);
        assert.ok(easter >= `${y}-03-22` && easter <= `${y}-04-25` && isoWeekday(easter) === 7);
        const goodFriday = addDays(easter, -2);
        assert.ok(days.includes(goodFriday) && days.includes(addDays(goodFriday, 3)));
      }),
      { numRuns: 200 },
    );
  });

  test('the list handed out is a copy', () => {
    bankHolidays(2026).push('2026-07-01');
    assert.equal(isBankHoliday('2026-07-01'), false);
  });
});

describe('working days', () => {
  test('weekends, bank holidays and extra closures are not working days', () => {
    assert.equal(isWorkingDay('2026-01-02'), true, 'Friday');
    assert.equal(isWorkingDay('2026-01-03'), false, 'Saturday');
    assert.equal(isWorkingDay('2026-01-04'), false, 'Sunday');
    assert.equal(isWorkingDay('2026-05-04'), false, 'Early May bank holiday');
    assert.equal(isWorkingDay('2026-05-05', new Set(['2026-05-05'])), false, 'extra closure');
    assert.throws(() => isWorkingDay('2026-02-30'), /Not a date/);
  });

  test('adding working days skips weekends and holidays and never counts the start', () => {
    assert.equal(addWorkingDays('2026-01-09', 1), '2026-01-12', 'Friday + 1 is Monday');
    assert.equal(addWorkingDays('2026-01-09', 5), '2026-01-16');
    assert.equal(addWorkingDays('2026-01-10', 1), '2026-01-12', 'from a Saturday');
    assert.equal(addWorkingDays('2026-05-01', 1), '2026-05-05', 'over the Early May bank holiday');
    assert.equal(addWorkingDays('2026-12-24', 1), '2026-12-29', 'over Christmas');
    assert.equal(addWorkingDays('2026-12-24', 3, new Set(['2026-12-29'])), '2027-01-04', 'over New Year and a closure');
    assert.equal(addWorkingDays('2026-01-09', 0), '2026-01-09', '0 days from a working day is that day');
    assert.equal(addWorkingDays('2026-01-10', 0), '2026-01-12', '0 days from a Saturday is Monday');
    for (const bad of [-1, 1.5, Number.NaN]) assert.throws(() => addWorkingDays('2026-01-09', bad));
  });

  test('property: N working days later is a working day with exactly N working days after the start', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 40 }), (d, n) => {
        const later = addWorkingDays(d, n);
        assert.equal(isWorkingDay(later), true);
        let counted = 0;
        for (let day = addDays(d, 1); day <= later; day = addDays(day, 1)) if (isWorkingDay(day)) counted++;
        assert.equal(counted, n);
      }),
      { numRuns: 300 },
    );
  });

  test('property: adding a then b working days is adding a + b', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 20 }), (d, a, b) => {
        assert.equal(addWorkingDays(addWorkingDays(d, a), b), addWorkingDays(d, a + b));
      }),
      { numRuns: 300 },
    );
  });
});

describe('UK dates of instants', () => {
  test('the UK date follows GMT and BST', () => {
    assert.equal(londonDate(at('2026-01-15T23:30:00Z')), '2026-01-15', 'GMT');
    assert.equal(londonDate(at('2026-06-30T23:30:00Z')), '2026-07-01', 'BST: 00:30 on 1 July');
    assert.equal(londonDate(at('2026-03-29T00:59:59Z')), '2026-03-29');
    assert.equal(londonDate(at('2026-10-24T23:00:00Z')), '2026-10-25', 'midnight BST on the night clocks go back');
    assert.throws(() => londonDate(new Date(Number.NaN)), /not a valid date and time/);
  });

  test('UK midnight is 00:00Z in GMT and 23:00Z the day before in BST, clock-change days included', () => {
    assert.equal(startOfLondonDay('2026-01-15').toISOString(), '2026-01-15T00:00:00.000Z');
    assert.equal(startOfLondonDay('2026-07-01').toISOString(), '2026-06-30T23:00:00.000Z');
    assert.equal(startOfLondonDay('2026-03-29').toISOString(), '2026-03-29T00:00:00.000Z', 'clocks go forward at 01:00Z');
    assert.equal(startOfLondonDay('2026-03-30').toISOString(), '2026-03-29T23:00:00.000Z');
    assert.equal(startOfLondonDay('2026-10-25').toISOString(), '2026-10-24T23:00:00.000Z', 'clocks go back at 01:00Z');
    assert.equal(startOfLondonDay('2026-10-26').toISOString(), '2026-10-26T00:00:00.000Z');
  });

  test('property: each UK date starts at its midnight and every instant on it is at or after that', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const d = londonDate(t);
        const start = startOfLondonDay(d);
        assert.equal(londonDate(start), d);
        assert.ok(start.getTime() <= t.getTime());
        assert.ok(t.getTime() < startOfLondonDay(addDays(d, 1)).getTime());
        assert.equal(londonDate(new Date(start.getTime() - 1)), addDays(d, -1));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('first response deadlines', () => {
  const settings: ClockSettings = { crisisResponseMinutes: 240, urgentResponseHours: 24, routineContactWorkingDays: 5 };
  const routine = (iso: string, n = 5, closures?: ReadonlySet<string>) =>
    firstResponseDue(at(iso), 'routine', { ...settings, routineContactWorkingDays: n }, closures).toISOString();

  test('crisis and urgent clocks run in clock time, every day', () => {
    assert.equal(firstResponseDue(at('2026-01-10T22:00:00Z'), 'crisis', settings).toISOString(), '2026-01-11T02:00:00.000Z');
    assert.equal(firstResponseDue(at('2026-01-09T17:30:00Z'), 'urgent', settings).toISOString(), '2026-01-10T17:30:00.000Z', 'Friday to Saturday');
    // 24 hours of elapsed time over the night the clocks go forward: 13:00 BST on the Sunday.
    assert.equal(firstResponseDue(at('2026-03-28T12:00:00Z'), 'urgent', settings).toISOString(), '2026-03-29T12:00:00.000Z');
  });

  test('routine: received Friday 10:00, 5 working days, due at the end of the next Friday', () => {
    assert.equal(routine('2026-01-09T10:00:00Z'), '2026-01-17T00:00:00.000Z');
  });

  test('routine: a bank holiday Monday in between pushes the deadline a day on', () => {
    assert.equal(routine('2026-05-08T09:00:00Z', 1), '2026-05-11T23:00:00.000Z', 'no holiday: end of Monday');
    assert.equal(routine('2026-05-01T09:00:00Z', 1), '2026-05-05T23:00:00.000Z', 'Early May bank holiday: end of Tuesday');
    assert.equal(routine('2026-05-01T09:00:00Z'), '2026-05-11T23:00:00.000Z', '5 days: the following Monday, not Friday');
  });

  test('routine: over Christmas 2026 (Friday 25 and Monday 28 December are bank holidays)', () => {
    assert.equal(routine('2026-12-24T14:00:00Z', 1), '2026-12-30T00:00:00.000Z', 'end of Tuesday 29 December');
    assert.equal(routine('2026-12-24T14:00:00Z'), '2027-01-06T00:00:00.000Z', 'end of Tuesday 5 January');
  });

  test('routine: a weekend receipt counts from the Monday', () => {
    assert.equal(routine('2026-01-10T12:00:00Z'), '2026-01-17T00:00:00.000Z', 'Saturday');
    assert.equal(routine('2026-01-11T23:59:00Z'), '2026-01-17T00:00:00.000Z', 'Sunday, a minute before midnight');
  });

  test('routine: the day of receipt is the UK date, not the UTC one', () => {
    assert.equal(routine('2026-06-24T22:30:00Z', 1), '2026-06-25T23:00:00.000Z', 'Wednesday 23:30 BST: due end of Thursday');
    assert.equal(routine('2026-06-24T23:30:00Z', 1), '2026-06-26T23:00:00.000Z', 'Thursday 00:30 BST: due end of Friday');
  });

  test('routine: deadlines across the clock changes are UK midnight', () => {
    assert.equal(routine('2026-03-27T10:00:00Z', 1), '2026-03-30T23:00:00.000Z', 'received in GMT, due in BST');
    assert.equal(routine('2026-10-21T09:00:00Z', 2), '2026-10-23T23:00:00.000Z', 'still BST');
    assert.equal(routine('2026-10-19T09:00:00Z'), '2026-10-27T00:00:00.000Z', 'received in BST, due in GMT');
  });

  test('routine: extra closures push the deadline', () => {
    assert.equal(routine('2026-01-09T10:00:00Z', 5, new Set(['2026-01-12'])), '2026-01-20T00:00:00.000Z');
  });

  test('bad settings and times are refused', () => {
    assert.throws(() => firstResponseDue(at('2026-01-09T10:00:00Z'), 'routine', { ...settings, routineContactWorkingDays: 0 }));
    assert.throws(() => firstResponseDue(at('2026-01-09T10:00:00Z'), 'routine', { ...settings, routineContactWorkingDays: 2.5 }));
    assert.throws(() => firstResponseDue(at('2026-01-09T10:00:00Z'), 'crisis', { ...settings, crisisResponseMinutes: -1 }));
    assert.throws(() => firstResponseDue(at('2026-01-09T10:00:00Z'), 'urgent', { ...settings, urgentResponseHours: Number.NaN }));
    assert.throws(() => firstResponseDue(new Date(Number.NaN), 'crisis', settings));
    assert.throws(() => firstResponseDue(at('2026-01-09T10:00:00Z'), 'soon' as never, settings), /Unknown urgency/);
  });

  const days = fc.integer({ min: 1, max: 30 });

  test('property: a routine deadline is a UK midnight after receipt, and never earlier for a later receipt', () => {
    fc.assert(
      fc.property(instant, instant, days, (a, b, n) => {
        const s = { ...settings, routineContactWorkingDays: n };
        const [early, late] = a <= b ? [a, b] : [b, a];
        const dueEarly = firstResponseDue(early, 'routine', s);
        const dueLate = firstResponseDue(late, 'routine', s);
        assert.equal(startOfLondonDay(londonDate(dueEarly)).getTime(), dueEarly.getTime(), 'a UK midnight');
        assert.ok(dueEarly.getTime() > early.getTime(), 'after receipt');
        // The day of receipt never counts, so at least n days and a bit of the next one pass.
        assert.ok(dueEarly.getTime() - early.getTime() > n * DAY - HOUR);
        assert.ok(dueEarly.getTime() <= dueLate.getTime(), 'monotonic');
      }),
      { numRuns: 500 },
    );
  });

  test('property: urgent and crisis deadlines are exactly the hours and minutes later', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 168 }), fc.integer({ min: 0, max: 1440 }), (t, hours, minutes) => {
        const s = { ...settings, urgentResponseHours: hours, crisisResponseMinutes: minutes };
        assert.equal(firstResponseDue(t, 'urgent', s).getTime() - t.getTime(), hours * HOUR);
        assert.equal(firstResponseDue(t, 'crisis', s).getTime() - t.getTime(), minutes * MINUTE);
      }),
    );
  });
});

describe('waits and deadlines in words', () => {
  const from = at('2026-01-09T10:00:00Z');
  const after = (ms: number) => new Date(from.getTime() + ms);

  test('waits are said in the largest whole unit, rounded down', () => {
    const cases: [number, string][] = [
      [0, 'less than a minute'],
      [59_999, 'less than a minute'],
      [MINUTE, '1 minute'],
      [20 * MINUTE, '20 minutes'],
      [HOUR - 1, '59 minutes'],
      [HOUR, '1 hour'],
      [5 * HOUR + 59 * MINUTE, '5 hours'],
      [DAY - 1, '23 hours'],
      [DAY, '1 day'],
      [3 * DAY + 5 * HOUR, '3 days'],
      [14 * DAY - 1, '13 days'],
      [14 * DAY, '2 weeks'],
      [15 * DAY, '2 weeks and 1 day'],
      [17 * DAY, '2 weeks and 3 days'],
      [21 * DAY, '3 weeks'],
      [400 * DAY, '57 weeks and 1 day'],
    ];
    for (const [ms, words] of cases) assert.equal(describeWait(from, after(ms)), words, String(ms));
    assert.equal(describeWait(from, after(-5 * MINUTE)), 'less than a minute', 'a clock slightly ahead');
    assert.throws(() => describeWait(new Date(Number.NaN), from));
  });

  test('deadlines: due in, due now, overdue, and soon within 4 hours', () => {
    assert.deepEqual(describeDeadline(after(3 * HOUR), from), { text: 'Due in 3 hours', overdue: false, soon: true });
    assert.deepEqual(describeDeadline(after(4 * HOUR), from), { text: 'Due in 4 hours', overdue: false, soon: true });
    assert.deepEqual(describeDeadline(after(4 * HOUR + MINUTE), from), { text: 'Due in 4 hours', overdue: false, soon: false });
    assert.deepEqual(describeDeadline(after(2 * DAY + HOUR), from), { text: 'Due in 2 days', overdue: false, soon: false });
    assert.deepEqual(describeDeadline(after(45 * MINUTE), from), { text: 'Due in 45 minutes', overdue: false, soon: true });
    assert.deepEqual(describeDeadline(after(30_000), from), { text: 'Due now', overdue: false, soon: true });
    assert.deepEqual(describeDeadline(after(-30_000), from), { text: 'Due now', overdue: false, soon: true });
    assert.deepEqual(describeDeadline(after(-MINUTE), from), { text: 'Overdue by 1 minute', overdue: true, soon: false });
    assert.deepEqual(describeDeadline(after(-5 * HOUR), from), { text: 'Overdue by 5 hours', overdue: true, soon: false });
    assert.deepEqual(describeDeadline(after(-16 * DAY), from), { text: 'Overdue by 2 weeks and 2 days', overdue: true, soon: false });
  });

  /** The length a description stands for, and the size of its smallest unit. */
  function parse(words: string): [number, number] {
    if (words === 'less than a minute') return [0, MINUTE];
    const units: Record<string, number> = { minute: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY };
    let total = 0;
    let smallest = 0;
    for (const part of words.split(' and ')) {
      const match = /^(\d+) (minute|hour|day|week)s?$/.exec(part);
      assert.ok(match, part);
      smallest = units[match[2]!]!;
      total += Number(match[1]) * smallest;
    }
    return [total, smallest];
  }

  test('property: the words never overstate a length, and understate it by less than their smallest unit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 * 365 * DAY }), (ms) => {
        const [total, unit] = parse(describeDuration(ms));
        assert.ok(total <= ms && ms < total + unit, `${ms}: ${describeDuration(ms)}`);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: overdue and soon never both hold, and the words agree with the flags', () => {
    fc.assert(
      fc.property(fc.integer({ min: -30 * DAY, max: 30 * DAY }), (ms) => {
        const d = describeDeadline(after(ms), from);
        assert.ok(!(d.overdue && d.soon));
        assert.equal(d.text.startsWith('Overdue by '), d.overdue);
        assert.equal(d.overdue, ms <= -MINUTE);
        assert.equal(d.soon, ms > -MINUTE && ms <= 4 * HOUR);
      }),
      { numRuns: 2000 },
    );
  });
});
