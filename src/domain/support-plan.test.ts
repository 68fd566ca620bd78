import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { describeChange, describeStepOwner, summariseProgress, type ProgressEntry } from './support-plan.ts';

const entry = (ratedOn: string, rating: number, sequence: number): ProgressEntry => ({ ratedOn, rating, sequence });

test('the change is the latest rating minus the first, by date and then by the order recorded', () => {
  assert.equal(summariseProgress([]), null);
  const summary = summariseProgress([entry('2026-03-10', 6, 3), entry('2026-01-05', 2, 1), entry('2026-03-10', 7, 4), entry('2026-02-01', 4, 2)]);
  assert.equal(summary?.first.rating, 2);
  assert.equal(summary?.latest.rating, 7, 'two ratings on one day: the one recorded later is the latest');
  assert.equal(summary?.change, 5);
  assert.equal(summary?.count, 4);
  // Recorded late with an earlier date: still counted in date order.
  const backdated = summariseProgress([entry('2026-02-01', 5, 1), entry('2026-01-01', 3, 2)]);
  assert.equal(backdated?.first.rating, 3);
  assert.equal(backdated?.change, 2);
});

test('the change in words', () => {
  assert.equal(describeChange(null), 'Not rated yet');
  assert.equal(describeChange(summariseProgress([entry('2026-01-01', 4, 1)])), 'First rating');
  assert.equal(describeChange(summariseProgress([entry('2026-01-01', 4, 1), entry('2026-02-01', 7, 2)])), 'Up 3 points since the first rating');
  assert.equal(describeChange(summariseProgress([entry('2026-01-01', 4, 1), entry('2026-02-01', 3, 2)])), 'Down 1 point since the first rating');
  assert.equal(describeChange(summariseProgress([entry('2026-01-01', 4, 1), entry('2026-02-01', 4, 2)])), 'No change since the first rating');
});

test('who does a step, in words', () => {
  assert.equal(describeStepOwner('person', null), 'The person');
  assert.equal(describeStepOwner('carer', ' Sam, her sister '), 'A carer (Sam, her sister)');
  assert.equal(describeStepOwner('other', 'Jobcentre work coach'), 'Jobcentre work coach');
});

test('property: the change stays within -10 to 10, equals latest minus first, and does not depend on the order given', () => {
  const day = fc.integer({ min: 0, max: 400 }).map((n) => new Date(Date.UTC(2025, 0, 1 + n)).toISOString().slice(0, 10));
  const entries = fc.uniqueArray(fc.record({ ratedOn: day, rating: fc.integer({ min: 0, max: 10 }), sequence: fc.nat() }), { minLength: 1, maxLength: 30, selector: (e) => e.sequence });
  fc.assert(
    fc.property(entries, fc.integer(), (list, shuffleSeed) => {
      const summary = summariseProgress(list)!;
      assert.ok(summary.change >= -10 && summary.change <= 10);
      assert.equal(summary.change, summary.latest.rating - summary.first.rating);
      assert.equal(summary.count, list.length);
      for (const e of list) {
        assert.ok(e.ratedOn >= summary.first.ratedOn && e.ratedOn <= summary.latest.ratedOn);
      }
      const shuffled = [...list].sort((a, b) => ((a.sequence * 31 + shuffleSeed) % 7) - ((b.sequence * 31 + shuffleSeed) % 7));
      assert.deepEqual(summariseProgress(shuffled), summary);
      const words = describeChange(summary);
      if (list.length > 1) assert.match(words, summary.change === 0 ? /^No change/ : summary.change > 0 ? /^Up / : /^Down /);
    }),
  );
});
