import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CONSENT_SCOPES, allows, describeScope, isWithin, normaliseScope, scopeChange, type ConsentScope } from './carer-consent.ts';

const scope = fc.subarray([...CONSENT_SCOPES]);
const anyValues = fc.array(fc.oneof(fc.constantFrom<unknown>(...CONSENT_SCOPES), fc.string(), fc.integer(), fc.constant(null)), { maxLength: 8 });

describe('carer consent', () => {
  test('a scope is known values only, each once, in one order', () => {
    assert.deepEqual(normaliseScope(['crisis_plan', 'nonsense', 'appointments', 'crisis_plan']), ['appointments', 'crisis_plan']);
    assert.deepEqual(normaliseScope([]), []);
  });

  test('changes are named as the person would say them', () => {
    assert.equal(scopeChange(null, ['crisis_plan']), 'given');
    assert.equal(scopeChange(null, []), 'none_given');
    assert.equal(scopeChange([], ['plan']), 'given');
    assert.equal(scopeChange(['plan', 'crisis_plan'], []), 'withdrawn');
    assert.equal(scopeChange(['plan', 'crisis_plan'], ['crisis_plan']), 'narrowed');
    assert.equal(scopeChange(['crisis_plan'], ['plan', 'crisis_plan']), 'widened');
    assert.equal(scopeChange(['plan'], ['crisis_plan']), 'changed');
    assert.equal(scopeChange(['crisis_plan', 'plan'], ['plan', 'crisis_plan']), 'unchanged');
  });

  test('scopes in words, and nothing shared said so', () => {
    assert.equal(describeScope(['crisis_plan', 'appointments']), 'Contact about appointments, Crisis plan');
    assert.equal(describeScope([]), 'Nothing shared');
  });

  test('property: normalising is idempotent, keeps only known values and never grows', () => {
    fc.assert(fc.property(anyValues, (values) => {
      const once = normaliseScope(values);
      assert.deepEqual(normaliseScope(once), once);
      assert.ok(once.every((s) => (CONSENT_SCOPES as readonly string[]).includes(s)));
      assert.equal(new Set(once).size, once.length);
      assert.ok(once.length <= CONSENT_SCOPES.length);
    }));
  });

  test('property: taking things away is never called widening, and anything taken away means the carer loses it', () => {
    fc.assert(fc.property(scope, scope, (before, after) => {
      const change = scopeChange(before, after);
      if (isWithin(after, before)) assert.ok(['narrowed', 'withdrawn', 'unchanged'].includes(change), `${before} -> ${after}: ${change}`);
      if (after.length === 0 && before.length > 0) assert.equal(change, 'withdrawn');
      for (const s of CONSENT_SCOPES as readonly ConsentScope[]) {
        if (allows(before, s) && !after.includes(s)) assert.equal(allows(after, s), false);
      }
      assert.equal(scopeChange(before, after) === 'unchanged', scopeChange(after, before) === 'unchanged');
    }));
  });
});
