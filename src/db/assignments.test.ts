import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assignments } from './assignments.ts';

const SETTABLE = { closedAt: 'closed_at', closeReason: 'close_reason', episodeId: 'episode_id' };

test('each change becomes its column with the next parameter number, after those already there', () => {
  fc.assert(fc.property(
    fc.subarray(Object.keys(SETTABLE)),
    fc.array(fc.anything(), { maxLength: 4 }),
    fc.option(fc.constantFrom('waiting', 'closed'), { nil: undefined }),
    (keys, existing, state) => {
      const changes = Object.fromEntries(keys.map((k, i) => [k, `value ${i}`]));
      const params = [...existing];
      const sets = assignments(SETTABLE, changes, params, state);
      const expected = keys.map((k, i) => `${SETTABLE[k as keyof typeof SETTABLE]} = $${existing.length + i + 1}`);
      if (state) expected.push(`state = $${existing.length + keys.length + 1}`);
      assert.deepEqual(sets, expected);
      assert.deepEqual(params, [...existing, ...keys.map((_, i) => `value ${i}`), ...(state ? [state] : [])]);
    },
  ));
});

test('dates go in as ISO strings', () => {
  const params: unknown[] = [];
  assignments(SETTABLE, { closedAt: new Date('2026-03-02T10:00:00Z') }, params);
  assert.deepEqual(params, ['2026-03-02T10:00:00.000Z']);
});

test('a change the allow-list does not name is refused, however it is spelt', () => {
  for (const key of ['state', 'version', 'toString', '__proto__', 'closed_at']) {
    assert.throws(() => assignments(SETTABLE, JSON.parse(`{"${key}": 1}`), []), new RegExp(`${key} cannot be set`));
  }
});
