import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareQueuePositions, formatQueueCursor, isMicrosecondInstant, parseQueueCursor, URGENCY_RANK, type QueuePosition } from './triage-queue.ts';

const urgency = fc.constantFrom('crisis' as const, 'urgent' as const, 'routine' as const);
/** Instants from 2000 to 2099 with microseconds, written as PostgreSQL keeps them. */
const due = fc
  .tuple(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31) }), fc.integer({ min: 0, max: 999 }))
  .map(([ms, micro]) => `${new Date(ms).toISOString().slice(0, 23)}${String(micro).padStart(3, '0')}Z`);
const position = fc.record({ urgency, due, id: fc.uuid() });

describe('the order of the triage queue', () => {
  test('crisis before urgent before routine, each by deadline, whatever the deadlines', () => {
    fc.assert(
      fc.property(fc.array(position, { maxLength: 60 }), (positions) => {
        const sorted = [...positions].sort(compareQueuePositions);
        for (let i = 1; i < sorted.length; i++) {
          const a = sorted[i - 1]!;
          const b = sorted[i]!;
          assert.ok(URGENCY_RANK[a.urgency] <= URGENCY_RANK[b.urgency], 'no less urgent referral comes before a more urgent one');
          if (a.urgency === b.urgency) assert.ok(Date.parse(a.due) <= Date.parse(b.due), 'within an urgency, earliest deadline first');
        }
      }),
    );
  });

  test('is a total order: the same referrals give the same queue whatever order they arrive in', () => {
    fc.assert(
      fc.property(fc.uniqueArray(position, { selector: (p) => p.id, maxLength: 40 }), fc.integer(), (positions, seed) => {
        const shuffled = [...positions].sort((a, b) => ((a.id.charCodeAt(seed & 7) ^ seed) - (b.id.charCodeAt(seed & 7) ^ seed)) || 0);
        assert.deepEqual([...shuffled].sort(compareQueuePositions), [...positions].sort(compareQueuePositions));
      }),
    );
  });

  test('two referrals due at the same moment are ordered by id, in either order of asking', () => {
    fc.assert(
      fc.property(urgency, due, fc.uuid(), fc.uuid(), (u, d, x, y) => {
        const a: QueuePosition = { urgency: u, due: d, id: x };
        const b: QueuePosition = { urgency: u, due: d, id: y };
        assert.equal(Math.sign(compareQueuePositions(a, b)), -Math.sign(compareQueuePositions(b, a)));
        assert.equal(compareQueuePositions(a, b) === 0, x === y);
      }),
    );
  });
});

describe('the queue bookmark', () => {
  test('reads back what was written', () => {
    fc.assert(
      fc.property(fc.constantFrom(0 as const, 1 as const, 2 as const), due, fc.uuid(), (rank, d, id) => {
        assert.deepEqual(parseQueueCursor(formatQueueCursor({ rank, due: d, id })), { rank, due: d, id: id.toLowerCase() });
      }),
    );
  });

  test('anything else is refused, never half read', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 90 }), (text) => {
        const parsed = parseQueueCursor(text);
        if (parsed) assert.equal(formatQueueCursor(parsed), text);
      }),
    );
    for (const bad of [
      '', '3_2026-01-01T00:00:00.000000Z_5f0c3a8e-4b7d-4c8e-9a1b-2c3d4e5f6a7b', '1_2026-02-30T00:00:00.000000Z_5f0c3a8e-4b7d-4c8e-9a1b-2c3d4e5f6a7b',
      '1_2026-01-01T24:00:00.000000Z_5f0c3a8e-4b7d-4c8e-9a1b-2c3d4e5f6a7b', '1_2026-01-01T00:00:00.000Z_5f0c3a8e-4b7d-4c8e-9a1b-2c3d4e5f6a7b',
      '1_2026-01-01T00:00:00.000000Z_not-a-uuid', '1_2026-01-01T00:00:00.000000Z_5F0C3A8E-4B7D-4C8E-9A1B-2C3D4E5F6A7B', null, 42,
    ]) {
      assert.equal(parseQueueCursor(bad), null, String(bad));
    }
  });

  test('knows real calendar instants', () => {
    assert.equal(isMicrosecondInstant('2024-02-29T23:59:59.999999Z'), true);
    assert.equal(isMicrosecondInstant('2023-02-29T12:00:00.000000Z'), false);
    assert.equal(isMicrosecondInstant('2023-13-01T12:00:00.000000Z'), false);
  });
});
