import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACCOMMODATION_TYPE_KEYS, EMPLOYMENT_STATUSES, EMPLOYMENT_STATUS_LABELS, accommodationOf, isAccommodationType, isEmploymentStatus } from './commissioned-status.ts';
import { normaliseRiskFlags } from './risk-flags.ts';

test('employment status uses the NHS Data Dictionary codes 01 to 08 and ZZ, each with its label', () => {
  assert.deepEqual([...EMPLOYMENT_STATUSES], ['01', '02', '03', '04', '05', '06', '07', '08', 'ZZ']);
  assert.equal(EMPLOYMENT_STATUS_LABELS['02'], 'Unemployed and actively seeking work');
  assert.equal(EMPLOYMENT_STATUS_LABELS['08'], 'Retired');
  assert.ok(isEmploymentStatus('ZZ'));
  assert.ok(!isEmploymentStatus('09'));
});

test('every accommodation type is settled, not settled or not known', () => {
  assert.equal(accommodationOf('private_tenant'), 'settled');
  assert.equal(accommodationOf('sofa_surfing'), 'not_settled');
  assert.equal(accommodationOf('not_known'), 'not_known');
  assert.ok(ACCOMMODATION_TYPE_KEYS.every(isAccommodationType));
  assert.ok(!isAccommodationType('constructor'), 'not fooled by object properties');
});

test('risk flags keep a fixed order and drop anything unknown or repeated', () => {
  assert.deepEqual(normaliseRiskFlags(['lone_working', 'self_harm', 'made_up', 'self_harm']), ['self_harm', 'lone_working']);
});
