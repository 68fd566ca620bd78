import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addDays, daysBetween, formatCalendarDate, isLeapYear, parseCalendarDate } from './calendar-date.ts';
import { ageOn, checkEligibility, type EligibilityInput, type EligibilityRules } from './eligibility.ts';

const rules: EligibilityRules = { minimumAge: 17, districts: new Set(['ME4', 'me5', 'CT9 ']) };
const input = (overrides: Partial<EligibilityInput> = {}): EligibilityInput => ({
  dateOfBirth: '1990-05-01', district: 'ME4', gpInArea: null, on: '2026-01-15', ...overrides,
});

const dateIn = (from: string, to: string) => fc.integer({ min: 0, max: daysBetween(from, to) }).map((n) => addDays(from, n));

/** The birthday in a given year: 29 February is 1 March in a common year. */
function birthday(dateOfBirth: string, year: number): string {
  const { month, day } = parseCalendarDate(dateOfBirth)!;
  return month === 2 && day === 29 && !isLeapYear(year) ? formatCalendarDate(year, 3, 1) : formatCalendarDate(year, month, day);
}

describe('ageOn', () => {
  test('whole years, a year older on the birthday itself', () => {
    assert.equal(ageOn('2000-06-15', '2000-06-15'), 0);
    assert.equal(ageOn('2000-06-15', '2017-06-14'), 16);
    assert.equal(ageOn('2000-06-15', '2017-06-15'), 17);
    assert.equal(ageOn('2000-12-31', '2001-12-30'), 0);
    assert.equal(ageOn('2000-12-31', '2001-12-31'), 1);
    assert.equal(ageOn('1950-01-01', '2026-01-15'), 76);
  });

  test('born on 29 February: a year older on 1 March in a common year, on 29 February in a leap year', () => {
    assert.equal(ageOn('2008-02-29', '2025-02-28'), 16);
    assert.equal(ageOn('2008-02-29', '2025-03-01'), 17);
    assert.equal(ageOn('2008-02-29', '2024-02-28'), 15);
    assert.equal(ageOn('2008-02-29', '2024-02-29'), 16);
  });

  test('refuses dates before birth and things that are not dates', () => {
    assert.throws(() => ageOn('2000-06-15', '2000-06-14'), /before the date of birth/);
    assert.throws(() => ageOn('2000-02-30', '2026-01-01'), /Not a date/);
    assert.throws(() => ageOn('2000-06-15', '15/06/2026'), /Not a date/);
  });

  const dob = dateIn('1920-01-01', '2025-12-31');

  test('property: the age is the number of birthdays since birth', () => {
    fc.assert(
      fc.property(dob, fc.integer({ min: 0, max: 40_000 }), (born, days) => {
        const on = addDays(born, days);
        const { year: bornYear } = parseCalendarDate(born)!;
        const { year } = parseCalendarDate(on)!;
        let birthdays = 0;
        for (let y = bornYear + 1; y <= year; y++) if (birthday(born, y) <= on) birthdays++;
        assert.equal(ageOn(born, on), birthdays);
      }),
      { numRuns: 2000 },
    );
  });

  test('property: a year older exactly on each birthday, never younger on a later date', () => {
    fc.assert(
      fc.property(dob, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 0, max: 20_000 }),
        (born, years, d1, d2) => {
          const day = birthday(born, parseCalendarDate(born)!.year + years);
          assert.equal(ageOn(born, day), years);
          assert.equal(ageOn(born, addDays(day, -1)), years - 1);
          const [early, late] = [addDays(born, Math.min(d1, d2)), addDays(born, Math.max(d1, d2))];
          assert.ok(ageOn(born, early) <= ageOn(born, late));
        }),
      { numRuns: 2000 },
    );
  });
});

describe('checkEligibility', () => {
  test('old enough and living in the area: eligible, nothing to check', () => {
    assert.deepEqual(checkEligibility(input({ gpInArea: true }), rules), { eligible: true, reasons: [], checks: [] });
    assert.deepEqual(checkEligibility(input({ district: 'me4 4qf' }), rules), { eligible: true, reasons: [], checks: [] }, 'a full postcode');
    assert.equal(checkEligibility(input({ district: 'CT9' }), rules).eligible, true, 'districts in the rules are tidied too');
  });

  test('too young: says the age and the minimum', () => {
    assert.deepEqual(checkEligibility(input({ dateOfBirth: '2010-06-01' }), rules), {
      eligible: false,
      reasons: [{ code: 'under_minimum_age', message: 'Aged 15: the service is for people aged 17 and over.' }],
      checks: [],
    });
  });

  test('on the 17th birthday eligible, the day before not; a 29 February birthday counts from 1 March', () => {
    assert.equal(checkEligibility(input({ dateOfBirth: '2009-01-15', on: '2026-01-15' }), rules).eligible, true);
    assert.equal(checkEligibility(input({ dateOfBirth: '2009-01-16', on: '2026-01-15' }), rules).eligible, false);
    assert.equal(checkEligibility(input({ dateOfBirth: '2008-02-29', on: '2025-02-28' }), rules).eligible, false);
    assert.equal(checkEligibility(input({ dateOfBirth: '2008-02-29', on: '2025-03-01' }), rules).eligible, true);
  });

  test('outside the area and not with a GP in it: says where they live', () => {
    assert.deepEqual(checkEligibility(input({ district: 'sw1a 1aa', gpInArea: false }), rules), {
      eligible: false,
      reasons: [{ code: 'outside_area', message: 'Lives in SW1A, outside the area, and is not registered with a GP in the area.' }],
      checks: [],
    });
    const both = checkEligibility(input({ dateOfBirth: '2012-01-01', district: 'SW1A', gpInArea: false }), rules);
    assert.deepEqual(both.reasons.map((r) => r.code), ['under_minimum_age', 'outside_area']);
  });

  test('outside the area but with a GP in it: eligible', () => {
    assert.deepEqual(checkEligibility(input({ district: 'SW1A', gpInArea: true }), rules), { eligible: true, reasons: [], checks: [] });
  });

  test('what is not known is for triage to check, never a reason to refuse', () => {
    assert.deepEqual(checkEligibility(input({ dateOfBirth: null, district: null, gpInArea: null }), rules), {
      eligible: true,
      reasons: [],
      checks: [
        { code: 'age_unknown', message: 'Date of birth not known: check their age.' },
        { code: 'area_unknown', message: 'Where they live and their GP are not known: check they are in the area.' },
      ],
    });
    assert.deepEqual(checkEligibility(input({ district: 'SW1A', gpInArea: null }), rules).checks, [
      { code: 'gp_unknown', message: 'Lives in SW1A, outside the area: check whether they are registered with a GP in the area.' },
    ]);
    assert.deepEqual(checkEligibility(input({ district: '  ', gpInArea: false }), rules).checks, [
      { code: 'area_unknown', message: 'Not registered with a GP in the area, and where they live is not known: check their address.' },
    ]);
    const future = checkEligibility(input({ dateOfBirth: '2062-01-01' }), rules);
    assert.equal(future.eligible, true);
    assert.deepEqual(future.checks, [{ code: 'age_unknown', message: 'The date of birth 2062-01-01 is after 2026-01-15: check it.' }]);
  });

  test('dates that are not dates are a programming error', () => {
    assert.throws(() => checkEligibility(input({ on: '15/01/2026' }), rules), /Not a date/);
    assert.throws(() => checkEligibility(input({ dateOfBirth: '1990-02-30' }), rules), /Not a date/);
    assert.throws(() => checkEligibility(input({ dateOfBirth: 'yesterday' }), rules), /Not a date/);
  });

  const inputs = fc.record({
    dateOfBirth: fc.oneof(fc.constant(null), dateIn('1930-01-01', '2019-12-31')), // before every `on`
    district: fc.constantFrom(null, 'ME4', 'ME5 9AA', 'SW1A', 'KT1'),
    gpInArea: fc.constantFrom(null, true, false),
    on: dateIn('2020-01-01', '2030-12-31'),
  });
  const minimumAge = fc.integer({ min: 0, max: 30 });

  test('property: eligibility only changes one way with time, and ineligible always says why', () => {
    fc.assert(
      fc.property(inputs, minimumAge, fc.integer({ min: 0, max: 3000 }), (i, min, later) => {
        const r = { ...rules, minimumAge: min };
        const now = checkEligibility(i, r);
        const after = checkEligibility({ ...i, on: addDays(i.on, later) }, r);
        if (now.eligible) assert.equal(after.eligible, true);
        assert.equal(now.eligible, now.reasons.length === 0);
        for (const reason of [...now.reasons, ...now.checks]) assert.match(reason.message, /^[A-Z].*\.$/);
      }),
      { numRuns: 1000 },
    );
  });

  test('property: not knowing something never makes a person ineligible', () => {
    fc.assert(
      fc.property(inputs, minimumAge, (i, min) => {
        const r = { ...rules, minimumAge: min };
        const known = checkEligibility(i, r);
        const unknownAge = checkEligibility({ ...i, dateOfBirth: null }, r);
        const unknownPlace = checkEligibility({ ...i, district: null }, r);
        const unknownGp = checkEligibility({ ...i, gpInArea: null }, r);
        for (const result of [unknownAge, unknownPlace, unknownGp]) assert.ok(result.reasons.length <= known.reasons.length);
        assert.ok(!unknownAge.reasons.some((x) => x.code === 'under_minimum_age'));
        assert.ok(!unknownPlace.reasons.some((x) => x.code === 'outside_area'));
        assert.ok(!unknownGp.reasons.some((x) => x.code === 'outside_area'));
      }),
      { numRuns: 1000 },
    );
  });
});
