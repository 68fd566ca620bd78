import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isDueForConfirmation, isOutOfDate, monthsSince } from './listing-freshness.ts';

const at = (iso: string) => new Date(iso);

describe('monthsSince', () => {
  test('counts whole calendar months', () => {
    assert.equal(monthsSince(at('2025-03-15T10:00:00Z'), at('2025-03-15T10:00:00Z')), 0);
    // 10:00 GMT on 15 March; in April the clocks are on BST, so 10:00 in London is 09:00 UTC
    assert.equal(monthsSince(at('2025-03-15T10:00:00Z'), at('2025-04-15T08:59:59Z')), 0);
    assert.equal(monthsSince(at('2025-03-15T10:00:00Z'), at('2025-04-15T09:00:00Z')), 1);
    assert.equal(monthsSince(at('2025-03-15T10:00:00Z'), at('2026-03-14T23:00:00Z')), 11);
    assert.equal(monthsSince(at('2025-03-15T10:00:00Z'), at('2026-03-15T10:00:00Z')), 12);
    assert.equal(monthsSince(at('2020-01-01T12:00:00Z'), at('2026-01-01T12:00:00Z')), 72);
  });

  test('a later day in a shorter month is clamped to its last day', () => {
    // 31 January plus a month is the end of February
    assert.equal(monthsSince(at('2025-01-31T12:00:00Z'), at('2025-02-27T12:00:00Z')), 0);
    assert.equal(monthsSince(at('2025-01-31T12:00:00Z'), at('2025-02-28T12:00:00Z')), 1);
    assert.equal(monthsSince(at('2024-01-31T12:00:00Z'), at('2024-02-28T12:00:00Z')), 0, 'leap year: 29 February is the end');
    assert.equal(monthsSince(at('2024-01-31T12:00:00Z'), at('2024-02-29T12:00:00Z')), 1);
    // six months after 10:00 on 31 August (BST) is 10:00 on 28 February (GMT)
    assert.equal(monthsSince(at('2025-08-31T09:00:00Z'), at('2026-02-28T10:00:00Z')), 6);
    assert.equal(monthsSince(at('2025-08-31T09:00:00Z'), at('2026-02-28T09:59:00Z')), 5);
    // a leap day's anniversary in a common year is 28 February
    assert.equal(monthsSince(at('2024-02-29T12:00:00Z'), at('2025-02-28T11:59:00Z')), 11);
    assert.equal(monthsSince(at('2024-02-29T12:00:00Z'), at('2025-02-28T12:00:00Z')), 12);
    // 30 April to 31 May: the 30th has come
    assert.equal(monthsSince(at('2025-04-30T12:00:00Z'), at('2025-05-30T12:00:00Z')), 1);
  });

  test('counts on UK dates, not UTC ones', () => {
    // 00:30 on 1 September in London (BST) is 23:30 UTC on 31 August
    const confirmed = at('2025-08-31T23:30:00Z');
    assert.equal(monthsSince(confirmed, at('2026-02-28T23:59:00Z')), 5, 'still February in London');
    assert.equal(monthsSince(confirmed, at('2026-03-01T00:30:00Z')), 6, '00:30 on 1 March in London (GMT)');
  });

  test('a time in the future, or no time at all, counts as no months', () => {
    assert.equal(monthsSince(at('2026-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z')), 0);
    assert.equal(monthsSince(new Date(Number.NaN), at('2025-01-01T00:00:00Z')), 0);
  });
});

describe('listing freshness', () => {
  test('due for confirmation at 6 months, out of date at 12', () => {
    const confirmed = at('2025-01-31T12:00:00Z');
    assert.equal(isDueForConfirmation(confirmed, at('2025-07-30T12:00:00Z')), false);
    assert.equal(isDueForConfirmation(confirmed, at('2025-07-31T12:00:00Z')), true);
    assert.equal(isOutOfDate(confirmed, at('2026-01-31T11:59:00Z')), false);
    assert.equal(isOutOfDate(confirmed, at('2026-01-31T12:00:00Z')), true);
    assert.equal(isOutOfDate(confirmed, at('2030-01-01T00:00:00Z')), true);
  });
});
