import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isBankHoliday, isWorkingDay, londonDate } from './working-days.ts';
import {
  describeWorkingDays, disclosedSummary, median, periodInstants, reportingPeriod, reportingPeriods, summariseResponses, workingDaysBetween,
  workingTimeMs, type PrescriptionOutcome,
} from './prescription-stats.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);

describe('working time between two instants', () => {
  test('within one working day it is the elapsed time', () => {
    assert.equal(workingTimeMs(at('2025-03-04T09:00:00Z'), at('2025-03-04T15:30:00Z')), 6.5 * HOUR);
  });

  test('a weekend does not count: Friday 4pm to Monday 10am is 18 working hours (GMT)', () => {
    // Friday 7 March 2025 16:00 to midnight = 8 hours; Monday 10 March 00:00 to 10:00 = 10 hours.
    assert.equal(workingTimeMs(at('2025-03-07T16:00:00Z'), at('2025-03-10T10:00:00Z')), 18 * HOUR);
  });

  test('a bank holiday does not count (Christmas and Boxing Day 2025)', () => {
    // Wednesday 24 December 12:00 to Monday 29 December 12:00: 12 hours on the 24th, nothing on
    // Thursday 25 and Friday 26 (bank holidays) or the weekend, 12 hours on the 29th.
    assert.equal(workingTimeMs(at('2025-12-24T12:00:00Z'), at('2025-12-29T12:00:00Z')), DAY);
  });

  test('UK days, not UTC days: in summer a working day starts at 23:00 UTC the day before', () => {
    // Sunday 22 June 2025 23:30 UTC is Monday 00:30 in London, a working day.
    assert.equal(workingTimeMs(at('2025-06-22T23:00:00Z'), at('2025-06-23T00:00:00Z')), HOUR);
    assert.equal(workingTimeMs(at('2025-06-22T22:00:00Z'), at('2025-06-22T23:00:00Z')), 0, 'Sunday 11pm in London');
  });

  test('a whole ordinary week, Monday to Monday, is 5 working days', () => {
    assert.equal(workingDaysBetween(at('2025-03-03T00:00:00Z'), at('2025-03-10T00:00:00Z')), 5);
  });

  test('the UK date of an instant is found right around midnight and the clock changes', () => {
    // Sunday 30 March 2025: clocks go forward at 01:00 UTC. Sunday 23:30 UTC is Monday 00:30 BST.
    assert.equal(workingTimeMs(at('2025-03-30T22:30:00Z'), at('2025-03-30T23:30:00Z')), 30 * 60_000);
    // Sunday 26 October 2025: clocks go back at 01:00 UTC. Sunday 23:30 UTC is still Sunday in GMT.
    assert.equal(workingTimeMs(at('2025-10-26T23:30:00Z'), at('2025-10-27T00:30:00Z')), 30 * 60_000);
  });

  test('property: the same answer as adding up quarter hours on working days', () => {
    // UK midnights fall on UTC quarter hours, so each quarter hour from a quarter hour lies in one UK day.
    const QUARTER = 15 * 60_000;
    const quarters = fc.tuple(fc.integer({ min: Date.UTC(2020, 0, 1) / QUARTER, max: Date.UTC(2030, 0, 1) / QUARTER }), fc.integer({ min: 0, max: 10 * 96 }));
    fc.assert(
      fc.property(quarters, ([first, count]) => {
        let expected = 0;
        for (let q = first; q < first + count; q++) if (isWorkingDay(londonDate(new Date(q * QUARTER)))) expected += QUARTER;
        assert.equal(workingTimeMs(new Date(first * QUARTER), new Date((first + count) * QUARTER)), expected);
      }),
      { numRuns: 40 },
    );
  });

  test('a service closure day can be left out too', () => {
    const closures = new Set(['2025-03-05']);
    assert.equal(workingDaysBetween(at('2025-03-03T00:00:00Z'), at('2025-03-10T00:00:00Z'), closures), 4);
  });

  test('backwards or empty spans are no time', () => {
    assert.equal(workingTimeMs(at('2025-03-04T10:00:00Z'), at('2025-03-04T09:00:00Z')), 0);
    assert.equal(workingTimeMs(at('2025-03-04T10:00:00Z'), at('2025-03-04T10:00:00Z')), 0);
  });

  const instant = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms));
  const span = fc.tuple(instant, fc.integer({ min: 0, max: 40 * DAY })).map(([from, length]) => [from, new Date(from.getTime() + length)] as const);

  test('property: never more than the elapsed time, never negative', () => {
    fc.assert(
      fc.property(span, ([from, to]) => {
        const working = workingTimeMs(from, to);
        assert.ok(working >= 0 && working <= to.getTime() - from.getTime());
      }),
    );
  });

  test('property: splitting the span anywhere and adding the parts gives the whole', () => {
    fc.assert(
      fc.property(span, fc.double({ min: 0, max: 1, noNaN: true }), ([from, to], fraction) => {
        const middle = new Date(from.getTime() + Math.floor((to.getTime() - from.getTime()) * fraction));
        assert.equal(workingTimeMs(from, middle) + workingTimeMs(middle, to), workingTimeMs(from, to));
      }),
    );
  });

  test('property: a span of whole weeks holds 5 working days a week, less its bank holidays', () => {
    // Counted from the calendar: the weekday bank holidays on the dates the span touches. Spring 2022
    // had five in eight weeks (Good Friday, Easter Monday, early May, and the Jubilee's 2 and 3 June),
    // so no fixed allowance is safe. Across a clock change, 7 × 24 hours can move an hour either way.
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 8 }), (from, weeks) => {
        const to = new Date(from.getTime() + weeks * 7 * DAY);
        let holidays = 0;
        for (let t = from.getTime(); londonDate(new Date(t)) <= londonDate(to); t += DAY) {
          const date = londonDate(new Date(t));
          const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
          if (weekday !== 0 && weekday !== 6 && isBankHoliday(date)) holidays += 1;
        }
        const days = workingDaysBetween(from, to);
        const slack = 1 / 24 + 1e-9;
        assert.ok(days <= 5 * weeks + slack && days >= 5 * weeks - holidays - slack, `${weeks} weeks from ${from.toISOString()}: ${days} (${holidays} bank holidays)`);
      }),
    );
  });

  test('the spring of 2022: eight weeks from Friday 8 April hold 36 working days, less the millisecond before the Jubilee', () => {
    // The counterexample fast-check found: 8 April 00:00:00.001 BST to 3 June 00:00:00.001 BST.
    const from = at('2022-04-07T23:00:00.001Z');
    assert.equal(workingTimeMs(from, new Date(from.getTime() + 56 * DAY)), 36 * DAY - 1);
  });
});

describe('median', () => {
  test('odd and even counts', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([7]), 7);
    assert.equal(median([]), null);
  });

  test('property: between the smallest and largest, and the same in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        const m = median(values)!;
        assert.ok(m >= Math.min(...values) && m <= Math.max(...values));
        assert.equal(median([...values].reverse()), m);
        const below = values.filter((v) => v < m).length;
        const above = values.filter((v) => v > m).length;
        assert.ok(below <= values.length / 2 && above <= values.length / 2);
      }),
    );
  });
});

describe('describing working days', () => {
  test('one decimal place, and the unit always said', () => {
    assert.equal(describeWorkingDays(0.01), 'less than 0.1 working days');
    assert.equal(describeWorkingDays(0.25), '0.3 working days');
    assert.equal(describeWorkingDays(1), '1 working day');
    assert.equal(describeWorkingDays(2.04), '2 working days');
    assert.equal(describeWorkingDays(3.55), '3.6 working days');
  });
});

describe('a provider’s response summary', () => {
  // Sent Monday 3 March 2025 at 09:00 GMT; answers after the times given (in working days).
  const sent = at('2025-03-03T09:00:00Z');
  const after = (hours: number) => new Date(sent.getTime() + hours * HOUR);
  const outcome = (hours: number | null, answer: 'accepted' | 'declined' | null): PrescriptionOutcome => ({
    sentAt: sent, answeredAt: hours === null ? null : after(hours), answer,
  });

  test('hand-computed: 6 answered (4 accepted) of 8, median 0.5 working days', () => {
    const summary = summariseResponses([
      outcome(3, 'accepted'), // 0.125 working days
      outcome(6, 'accepted'), // 0.25
      outcome(12, 'declined'), // 0.5
      outcome(12, 'accepted'), // 0.5
      outcome(24, 'declined'), // 1
      outcome(111, 'accepted'), // Monday 09:00 + 111 h = Saturday 00:00: 4.625 working days
      outcome(null, null), // still waiting
      outcome(null, null), // withdrawn before an answer
    ]);
    assert.equal(summary.received, 8);
    assert.equal(summary.answered, 6);
    assert.equal(summary.accepted, 4);
    assert.equal(summary.unanswered, 2);
    assert.equal(summary.medianWorkingDays, 0.5);
    assert.equal(summary.acceptance.shown, true);
    if (!summary.acceptance.shown) return;
    assert.equal(summary.acceptance.rate, 4 / 6);
    // Wilson 95% for 4 of 6, worked by hand: (8 + 3.8415 -/+ 1.96 * sqrt(3.8415 + 16 * (1/3))) / (2 * 9.8415)
    assert.equal(Math.round(summary.acceptance.lower * 10_000) / 10_000, 0.3);
    assert.equal(Math.round(summary.acceptance.upper * 10_000) / 10_000, 0.9032);
  });

  test('fewer than 5 answered: no rate, and it says why', () => {
    const summary = summariseResponses([outcome(2, 'accepted'), outcome(4, 'accepted'), outcome(6, 'declined'), outcome(8, 'accepted')]);
    assert.deepEqual(summary.acceptance, { shown: false, answered: 4, reason: 'fewer than 5' });
    assert.ok(Math.abs(summary.medianWorkingDays! - 5 / 24) < 1e-12, 'median of 2, 4, 6 and 8 hours is 5 hours');
  });

  test('nothing answered: no median and no rate', () => {
    const summary = summariseResponses([outcome(null, null)]);
    assert.equal(summary.medianWorkingDays, null);
    assert.deepEqual(summary.acceptance, { shown: false, answered: 0, reason: 'none answered' });
    assert.equal(summariseResponses([]).received, 0);
  });

  test('property: counts add up and a shown rate lies inside its interval', () => {
    const arbitraryOutcome = fc.record({
      hours: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
      accepted: fc.boolean(),
    }).map(({ hours, accepted }) => outcome(hours, hours === null ? null : accepted ? 'accepted' : 'declined'));
    fc.assert(
      fc.property(fc.array(arbitraryOutcome, { maxLength: 60 }), (outcomes) => {
        const s = summariseResponses(outcomes);
        assert.equal(s.received, outcomes.length);
        assert.equal(s.answered + s.unanswered, s.received);
        assert.ok(s.accepted <= s.answered);
        assert.equal(s.acceptance.shown, s.answered >= 5);
        if (s.acceptance.shown) {
          assert.ok(s.acceptance.lower <= s.acceptance.rate && s.acceptance.rate <= s.acceptance.upper);
          assert.ok(s.acceptance.lower >= 0 && s.acceptance.upper <= 1);
        }
      }),
    );
  });
});

describe('a provider’s response summary as a commissioner sees it', () => {
  const sent = at('2025-03-03T09:00:00Z');
  const outcomes = (accepted: number, declined: number, waiting: number): PrescriptionOutcome[] => [
    ...Array.from({ length: accepted }, () => ({ sentAt: sent, answeredAt: at('2025-03-03T15:00:00Z'), answer: 'accepted' as const })),
    ...Array.from({ length: declined }, () => ({ sentAt: sent, answeredAt: at('2025-03-04T09:00:00Z'), answer: 'declined' as const })),
    ...Array.from({ length: waiting }, () => ({ sentAt: sent, answeredAt: null, answer: null })),
  ];

  test('12 answered (9 accepted) of 14: counts to the nearest 5, the rate from the exact counts', () => {
    const shown = disclosedSummary(summariseResponses(outcomes(9, 3, 2)));
    assert.deepEqual([shown.received, shown.answered, shown.accepted, shown.unanswered], [15, 10, 10, 5]);
    assert.equal(shown.acceptance.shown, true);
    if (shown.acceptance.shown) assert.equal(shown.acceptance.rate, 0.75);
  });

  test('a rate whose accepted or answered count is 1 to 7 is withheld, without saying how few', () => {
    assert.deepEqual(disclosedSummary(summariseResponses(outcomes(3, 10, 0))).acceptance, { shown: false, answered: 15, reason: 'small numbers' });
    assert.deepEqual(disclosedSummary(summariseResponses(outcomes(4, 2, 0))).acceptance, { shown: false, answered: 5, reason: 'small numbers' });
    assert.deepEqual(disclosedSummary(summariseResponses(outcomes(2, 0, 0))).acceptance, { shown: false, answered: 5, reason: 'small numbers' });
    assert.deepEqual(disclosedSummary(summariseResponses(outcomes(0, 0, 3))).acceptance, { shown: false, answered: 0, reason: 'none answered' });
  });

  test('property: every count a multiple of 5, and a shown rate is the exact one', () => {
    fc.assert(fc.property(fc.nat({ max: 30 }), fc.nat({ max: 30 }), fc.nat({ max: 30 }), (a, d, w) => {
      const exact = summariseResponses(outcomes(a, d, w));
      const shown = disclosedSummary(exact);
      for (const n of [shown.received, shown.answered, shown.accepted, shown.unanswered]) assert.equal(n % 5, 0);
      if (shown.acceptance.shown) {
        assert.ok(exact.acceptance.shown && shown.acceptance.rate === exact.acceptance.rate);
        assert.ok(a === 0 || a > 7);
      }
    }));
  });
});

describe('reporting periods', () => {
  test('the last 3 months, then this quarter and the seven before it (financial quarters)', () => {
    const periods = reportingPeriods('2025-06-02');
    assert.equal(periods.length, 9);
    assert.deepEqual(periods[0], { key: 'last-3-months', label: 'The last 3 months (2 March to 2 June 2025)', from: '2025-03-02', to: '2025-06-03' });
    assert.deepEqual(periods[1], { key: 'quarter-2025-04', label: 'April to June 2025 (quarter 1 of 2025 to 2026, so far)', from: '2025-04-01', to: '2025-07-01' });
    assert.deepEqual(periods[2], { key: 'quarter-2025-01', label: 'January to March 2025 (quarter 4 of 2024 to 2025)', from: '2025-01-01', to: '2025-04-01' });
    assert.deepEqual(periods[3], { key: 'quarter-2024-10', label: 'October to December 2024 (quarter 3 of 2024 to 2025)', from: '2024-10-01', to: '2025-01-01' });
    assert.equal(periods[8]!.key, 'quarter-2023-07');
  });

  test('the last 3 months across a year end and from the end of a long month', () => {
    assert.equal(reportingPeriods('2025-02-10')[0]!.label, 'The last 3 months (10 November 2024 to 10 February 2025)');
    assert.equal(reportingPeriods('2025-05-31')[0]!.from, '2025-02-28');
  });

  test('an unknown or missing key means the last 3 months', () => {
    assert.equal(reportingPeriod('quarter-2025-01', '2025-06-02').from, '2025-01-01');
    assert.equal(reportingPeriod('quarter-1999-01', '2025-06-02').key, 'last-3-months');
    assert.equal(reportingPeriod(undefined, '2025-06-02').key, 'last-3-months');
  });

  test('periods start and end at UK midnight', () => {
    const { from, to } = periodInstants(reportingPeriod('quarter-2025-04', '2025-06-02'));
    assert.equal(from.toISOString(), '2025-03-31T23:00:00.000Z');
    assert.equal(to.toISOString(), '2025-06-30T23:00:00.000Z');
  });

  test('property: quarters are three months long, back to back, newest first', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2090, 0, 1) }), (ms) => {
        const today = new Date(ms).toISOString().slice(0, 10);
        const [last3, ...quarters] = reportingPeriods(today);
        assert.ok(last3!.from < today && last3!.to > today);
        assert.ok(quarters[0]!.from <= today && today < quarters[0]!.to, 'the first quarter holds today');
        for (let i = 1; i < quarters.length; i++) assert.equal(quarters[i]!.to, quarters[i - 1]!.from);
        for (const q of quarters) assert.match(q.from, /^\d{4}-(01|04|07|10)-01$/);
      }),
    );
  });
});
