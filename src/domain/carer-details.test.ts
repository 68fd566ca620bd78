import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CONTACT_METHODS } from './contact-preferences.ts';
import { parseAssessment, parseCarerDetails, parseConsentDecision, parsePreferencesForm, parseRelationship, type AssessmentForm } from './carer-details.ts';

const TODAY = '2026-03-10';
const carer = { givenName: 'Jo', familyName: 'Smith', phone: '07700 900 123', email: '', methods: ['call', 'text'], times: 'Evenings', notes: '' };
const assessment = (over: Partial<AssessmentForm>): AssessmentForm => ({
  offeredDay: '2', offeredMonth: '3', offeredYear: '2026', outcome: '', outcomeDay: '', outcomeMonth: '', outcomeYear: '', notes: '', ...over,
});

describe('carer details', () => {
  test('a carer needs a name and a way to reach them; preferences are the ticked boxes', () => {
    const ok = parseCarerDetails(carer);
    assert.deepEqual(ok, {
      ok: true,
      value: {
        givenName: 'Jo', familyName: 'Smith', phone: '07700 900 123', email: null,
        contactPreferences: { call: true, voicemail: false, text: true, email: false, letter: false, times: 'Evenings', notes: '' },
      },
    });
    const missing = parseCarerDetails({ ...carer, givenName: '', phone: '', email: '' });
    assert.deepEqual(!missing.ok && missing.problems, [
      { field: 'givenName', message: 'Enter their first name' },
      { field: 'phone', message: 'Enter a phone number or an email address, so we can reach the carer' },
    ]);
  });

  test('consent: what is shared may be nothing, but how the person said so is always asked', () => {
    assert.deepEqual(parseConsentDecision({ scope: ['crisis_plan', 'appointments'], how: 'phone', note: '' }), {
      ok: true, value: { scope: ['appointments', 'crisis_plan'], how: 'phone', note: '' },
    });
    assert.deepEqual(parseConsentDecision({ scope: [], how: 'in_person', note: 'Not yet' }), { ok: true, value: { scope: [], how: 'in_person', note: 'Not yet' } });
    const bad = parseConsentDecision({ scope: ['everything'], how: 'own_pages', note: '' });
    assert.deepEqual(!bad.ok && bad.problems.map((p) => p.field), ['scope', 'consentHow'], 'staff cannot record consent as given in the person’s own pages');
  });

  test('relationship in words', () => {
    assert.deepEqual(parseRelationship('  step  mother '), { ok: true, value: 'step mother' });
    assert.equal(parseRelationship('').ok, false);
  });

  test('assessments: offered, then an outcome with its date, never before the offer or in the future', () => {
    assert.deepEqual(parseAssessment(assessment({}), TODAY), { ok: true, value: { offeredOn: '2026-03-02', outcome: null, outcomeOn: null, notes: '' } });
    assert.deepEqual(parseAssessment(assessment({ outcome: 'referred', outcomeDay: '9', outcomeMonth: '3', outcomeYear: '2026' }), TODAY), {
      ok: true, value: { offeredOn: '2026-03-02', outcome: 'referred', outcomeOn: '2026-03-09', notes: '' },
    });
    const early = parseAssessment(assessment({ outcome: 'declined', outcomeDay: '1', outcomeMonth: '3', outcomeYear: '2026' }), TODAY);
    assert.deepEqual(!early.ok && early.problems, [{ field: 'outcome-day', message: 'The date of the outcome must be on or after the date it was offered' }]);
    const future = parseAssessment(assessment({ offeredDay: '11' }), TODAY);
    assert.deepEqual(!future.ok && future.problems, [{ field: 'offered-day', message: 'The date the assessment was offered must be today or in the past' }]);
    const noDate = parseAssessment(assessment({ outcome: 'completed' }), TODAY);
    assert.deepEqual(!noDate.ok && noDate.problems, [{ field: 'outcome-day', message: 'Enter the date of the outcome' }]);
    const noOutcome = parseAssessment(assessment({ outcomeDay: '9', outcomeMonth: '3', outcomeYear: '2026' }), TODAY);
    assert.deepEqual(!noOutcome.ok && noOutcome.problems, [{ field: 'outcome', message: 'Select the outcome, or leave its date empty' }]);
  });

  test('property: the preferences are exactly the ticked known ways, whatever else is sent', () => {
    fc.assert(fc.property(fc.array(fc.oneof(fc.constantFrom(...CONTACT_METHODS), fc.string({ maxLength: 10 }))), fc.string({ maxLength: 200 }), (methods, times) => {
      const result = parsePreferencesForm({ methods, times, notes: '' });
      assert.ok(result.ok);
      for (const m of CONTACT_METHODS) assert.equal(result.value[m], methods.includes(m));
      assert.equal(result.value.times, times.trim());
    }));
  });
});
