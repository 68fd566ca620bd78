import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { readAllocationForm, readMatchForm, readRedirectForm, readTriageForm, readUrgencyForm, readWithdrawalForm, type PostedForm } from './forms.ts';

const NEEDS = new Set(['lantern-needs:anxiety', 'lantern-needs:depression']);
const ORG = '5f0c3a8e-4b7d-4c8e-9a1b-2c3d4e5f6a7b';
const good: PostedForm = {
  version: '3', urgency: 'urgent', reasons: 'Worse this week.', mentalHealthNeed: 'cmi', dualDiagnosis: 'not_known',
  offendingHistory: 'no', needs: ['lantern-needs:anxiety', 'lantern-needs:anxiety', 'made-up'], route: `org:${ORG.toUpperCase()}`, workerId: '',
};

/** Any posted value a crafted request could send: strings, lists, nothing. */
const value = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.constant(undefined));
const anyForm = fc.dictionary(fc.constantFrom('version', 'urgency', 'reasons', 'mentalHealthNeed', 'dualDiagnosis', 'offendingHistory', 'needs', 'route', 'workerId', 'choice', 'serviceId', 'note', 'outsideEligibility', 'reason'), value);

describe('reading the triage decision', () => {
  test('a complete form gives the decision: known needs only, once each; ids lower case; "not known" as null', () => {
    const { decision, problems } = readTriageForm(good, NEEDS);
    assert.deepEqual(problems, []);
    assert.deepEqual(decision, {
      version: 3, urgency: 'urgent', reasons: 'Worse this week.', mentalHealthNeed: 'cmi', dualDiagnosis: null, offendingHistory: false,
      needs: ['lantern-needs:anxiety'], route: { kind: 'organisation', organisationId: ORG }, workerId: null,
    });
  });

  test('offending history is asked only where relevant: left out, it is "not asked"', () => {
    const { decision } = readTriageForm({ ...good, offendingHistory: undefined }, NEEDS);
    assert.equal(decision?.offendingHistory, null);
  });

  test('redirect needs nothing else on this form', () => {
    const { decision, problems } = readTriageForm({ route: 'redirect' }, NEEDS);
    assert.deepEqual(problems, []);
    assert.deepEqual(decision?.route, { kind: 'redirect' });
  });

  test('each missing answer is named, in the order of the page', () => {
    const { decision, problems } = readTriageForm({ version: '1', needs: [] }, NEEDS);
    assert.equal(decision, null);
    assert.deepEqual(problems.map((p) => p.field), ['urgency', 'reasons', 'mentalHealthNeed', 'dualDiagnosis', 'route']);
  });

  test('for any form at all: never throws, and a decision comes exactly when there are no problems', () => {
    fc.assert(
      fc.property(anyForm, (form) => {
        const { decision, problems } = readTriageForm(form, NEEDS);
        assert.equal(decision === null, problems.length > 0);
        if (decision && decision.route.kind === 'organisation') {
          assert.ok(decision.needs.every((n) => NEEDS.has(n)));
          assert.ok(decision.reasons.length > 0 && decision.reasons.length <= 2000);
        }
      }),
    );
  });

  test('a stale or forged version is not a number, so it can never match a saved one', () => {
    for (const version of ['', 'abc', '1.5', '-1', '99999999999']) {
      assert.ok(Number.isNaN(readTriageForm({ ...good, version }, NEEDS).decision!.version), version);
    }
  });
});

describe('reading the other triage forms', () => {
  test('urgency, match, redirect, allocation and withdrawal: each required answer named', () => {
    assert.deepEqual(readUrgencyForm({}).problems.map((p) => p.field), ['urgency', 'reason']);
    assert.deepEqual(readMatchForm({ choice: 'someone' }).problems.map((p) => p.field), ['choice']);
    assert.deepEqual(readMatchForm({ choice: 'new' }).choice, { kind: 'new' });
    assert.deepEqual(readMatchForm({ choice: ORG.toUpperCase() }).choice, { kind: 'same', personId: ORG });
    assert.deepEqual(readRedirectForm({}).problems.map((p) => p.field), ['serviceId', 'note', 'outsideEligibility']);
    assert.equal(readRedirectForm({ serviceId: 'x', note: 'n', outsideEligibility: 'yes' }).input?.outsideEligibility, true);
    assert.deepEqual(readAllocationForm({ workerId: 'nobody' }).problems.map((p) => p.field), ['workerId']);
    assert.deepEqual(readAllocationForm({ workerId: ORG, note: 'x'.repeat(2001) }).problems.map((p) => p.message), ['The handover note must be 2,000 characters or fewer']);
    assert.deepEqual(readWithdrawalForm({ reason: 'bored' }).problems.map((p) => p.field), ['reason', 'note']);
    assert.deepEqual(readWithdrawalForm({ reason: 'entered_in_error', note: 'Wrong person' }).input, { version: Number.NaN, reason: 'entered_in_error', note: 'Wrong person' });
  });

  test('for any form at all, no reader throws and each gives its input exactly when there are no problems', () => {
    fc.assert(
      fc.property(anyForm, (form) => {
        for (const [input, problems] of [
          [readUrgencyForm(form).change, readUrgencyForm(form).problems],
          [readMatchForm(form).choice, readMatchForm(form).problems],
          [readRedirectForm(form).input, readRedirectForm(form).problems],
          [readAllocationForm(form).input, readAllocationForm(form).problems],
          [readWithdrawalForm(form).input, readWithdrawalForm(form).problems],
        ] as const) {
          assert.equal(input === null, problems.length > 0);
        }
      }),
    );
  });
});
