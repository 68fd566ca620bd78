import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { disclosedCount, disclosedProportion, isSuppressed } from './disclosure.ts';

test('the NHS Digital method: 0 stays 0, 1 to 7 show as 5, above 7 to the nearest 5', () => {
  const expected: [number, number][] = [
    [0, 0], [1, 5], [4, 5], [7, 5], [8, 10], [10, 10], [12, 10], [13, 15], [17, 15], [18, 20], [1_234, 1_235], [1_232, 1_230],
  ];
  for (const [count, shown] of expected) assert.equal(disclosedCount(count), shown, `${count}`);
});

test('a count that is not a whole number of 0 or more is a programming error', () => {
  for (const bad of [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => disclosedCount(bad), RangeError);
});

test('property: a multiple of 5, 0 only for 0, within 2 of the count above 7, and never decreasing', () => {
  fc.assert(fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 1_000 }), (count, more) => {
    const shown = disclosedCount(count);
    assert.equal(shown % 5, 0);
    assert.equal(shown === 0, count === 0);
    if (count > 7) assert.ok(Math.abs(shown - count) <= 2);
    else assert.ok(shown === 0 || isSuppressed(count));
    assert.ok(disclosedCount(count + more) >= shown);
  }));
});

test('property: any count from 1 to 7 gives the same 5, so a total less the other cells cannot show it', () => {
  // Two tables that differ only in one small cell look the same once rounded.
  fc.assert(fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), (a, b) => {
    assert.equal(disclosedCount(a), disclosedCount(b));
  }));
});

test('a proportion comes from the unrounded counts, and is withheld when either count is suppressed', () => {
  assert.equal(disclosedProportion(9, 12), 0.75);
  assert.equal(disclosedProportion(0, 12), 0);
  assert.equal(disclosedProportion(12, 12), 1);
  assert.equal(disclosedProportion(3, 12), null, 'numerator suppressed');
  assert.equal(disclosedProportion(3, 5), null, 'both suppressed');
  assert.equal(disclosedProportion(0, 0), null, 'nothing to divide by');
  assert.equal(disclosedProportion(0, 6), null, 'denominator suppressed');
});
