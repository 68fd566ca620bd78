import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { wilsonInterval, Z_95, Z_99_8 } from './wilson-interval.ts';

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

describe('Wilson score interval', () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  // methods. Statistics in Medicine 1998;17:857-872, Table II, method 3 (score, no continuity
  // correction), 95%.
  const NEWCOMBE_1998: [number, number, number, number][] = [
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ];
  for (const [x, n, lower, upper] of NEWCOMBE_1998) {
    test(`${x}/${n} gives ${lower} to ${upper} (Newcombe 1998)`, () => {
      const interval = wilsonInterval(x, n);
      assert.equal(round4(interval.lower), lower);
      assert.equal(round4(interval.upper), upper);
      assert.equal(interval.proportion, x / n);
    });
  }

  test('the 99.8% interval is wider than the 95% one', () => {
    const narrow = wilsonInterval(81, 263, Z_95);
    const wide = wilsonInterval(81, 263, Z_99_8);
    assert.ok(wide.lower < narrow.lower && wide.upper > narrow.upper);
  });

  test('nonsense is refused rather than given an interval', () => {
    assert.throws(() => wilsonInterval(0, 0), /1 or more/);
    assert.throws(() => wilsonInterval(5, 4), /from 0 to 4/);
    assert.throws(() => wilsonInterval(-1, 4), /from 0 to 4/);
    assert.throws(() => wilsonInterval(1.5, 4), /from 0 to 4/);
    assert.throws(() => wilsonInterval(1, 4, 0), /positive z/);
  });

  const counts = fc.integer({ min: 1, max: 100_000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));

  test('property: the interval contains the proportion and lies within [0, 1]', () => {
    fc.assert(
      fc.property(counts, ([x, n]) => {
        const { proportion, lower, upper } = wilsonInterval(x, n);
        assert.ok(lower >= 0 && upper <= 1, `${x}/${n}: ${lower} to ${upper}`);
        assert.ok(lower <= proportion && proportion <= upper, `${x}/${n}: ${lower} <= ${proportion} <= ${upper}`);
        assert.ok(upper - lower > 0, 'a sample never gives certainty');
      }),
    );
  });

  test('property: swapping events and non-events mirrors the interval', () => {
    fc.assert(
      fc.property(counts, ([x, n]) => {
        const a = wilsonInterval(x, n);
        const b = wilsonInterval(n - x, n);
        assert.ok(Math.abs(a.lower - (1 - b.upper)) < 1e-12);
        assert.ok(Math.abs(a.upper - (1 - b.lower)) < 1e-12);
      }),
    );
  });

  test('property: ten times the cases at the same proportion gives a narrower interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), ([x, n]) => {
        const small = wilsonInterval(x, n);
        const big = wilsonInterval(10 * x, 10 * n);
        assert.ok(big.upper - big.lower < small.upper - small.lower);
      }),
    );
  });
});
