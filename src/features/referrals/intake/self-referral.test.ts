import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { answersFrom, type Answers, type IntakeEnv } from './fields.ts';
import {
  checkSections, firstIncompleteStep, nextStep, previousStep, readSelfReferral, SELF_KEYS, SELF_MULTI, SELF_STEPS, stepProblems, stepsFor,
  type SelfStep,
} from './self-referral.ts';

const GP = { id: '5f0c7a52-8c1e-4a8e-9d59-3f1f1c7a0001', name: 'Riverside Surgery' };
const env: IntakeEnv = { today: '2026-05-20', gpPractices: [GP] };
const KEY = 'web:1b4e28ba-2fa1-11d2-883f-0016d3cca427';

const me: Answers = {
  key: KEY, who: 'me', danger: 'no', givenName: 'Alex', familyName: 'Smith', 'dob-day': '12', 'dob-month': '4', 'dob-year': '1990',
  postcode: 'da1 1aa', gpChoice: 'list', gpPractice: GP.id, contactMethods: 'call,text', phone: '07700 900123', voicemail: 'yes',
  contactTimes: 'Mornings', needs: 'lantern-needs:anxiety,other', otherNeed: 'Sleep', story: 'Struggling.', gpConsent: 'yes',
};
const carer: Answers = {
  ...me, who: 'someone', agrees: 'yes', carerName: 'Pat Smith', carerRelationship: 'Their brother', carerEmail: 'pat@example.com',
};

/** Follows Continue from the first question to the check page. */
function journey(a: Answers): SelfStep[] {
  const seen: SelfStep[] = ['who'];
  let step: SelfStep = 'who';
  while (step !== 'check' && seen.length < 40) {
    step = nextStep(step, a, env);
    seen.push(step);
  }
  return seen;
}

describe('the self-referral flow', () => {
  test('someone asking for themselves: one page for each question, then the check page', () => {
    assert.deepEqual(journey(me), [
      'who', 'danger', 'name', 'date-of-birth', 'address', 'gp', 'nhs-number', 'contact', 'contact-safety', 'needs', 'your-words', 'gp-consent', 'check',
    ]);
  });

  test('a carer is asked whether the person agrees, and about themselves; a yes to danger shows the crisis options at once', () => {
    assert.deepEqual(journey({ ...carer, danger: 'yes' }), [
      'who', 'danger', 'crisis', 'agreement', 'name', 'date-of-birth', 'address', 'gp', 'nhs-number', 'contact', 'contact-safety', 'needs',
      'your-words', 'gp-consent', 'about-you', 'check',
    ]);
    assert.equal(nextStep('agreement', { ...carer, agrees: 'no' }, env), 'not-agreed');
    assert.equal(nextStep('agreement', { ...carer, agrees: 'no', danger: 'yes' }, env), 'name', 'in danger: no agreement needed');
    assert.equal(previousStep('not-agreed', { ...carer, agrees: 'no' }), 'agreement');
  });

  test('while changing an answer, Continue goes back to the check page as soon as nothing is missing', () => {
    assert.equal(nextStep('name', { ...me, returnTo: 'check' }, env), 'check');
    assert.equal(nextStep('who', { ...me, who: 'someone', returnTo: 'check' }, env), 'agreement');
    assert.equal(nextStep('danger', { ...me, danger: 'yes', returnTo: 'check' }, env), 'crisis', 'the crisis options are never skipped');
    assert.equal(nextStep('crisis', { ...me, danger: 'yes', returnTo: 'check' }, env), 'check');
    assert.equal(previousStep('address', { ...me, returnTo: 'check' }), 'check', 'Back cancels the change');
    assert.equal(previousStep('who', me), 'start');
  });

  test('reads a complete self-referral into one submission', () => {
    const reading = readSelfReferral(me, env);
    assert.deepEqual(reading.problems, []);
    assert.deepEqual(reading.submission, {
      source: 'self',
      channel: 'web',
      referrer: { organisationId: null, userId: null, name: null, role: null, relationship: null, email: null, phone: null },
      person: {
        givenName: 'Alex', familyName: 'Smith', dateOfBirth: '1990-04-12', nhsNumber: null, postcode: 'DA1 1AA', district: 'DA1',
        phone: '07700 900123', email: null, gpOrganisationId: GP.id, gpPracticeName: null,
      },
      contactPreferences: { call: true, voicemail: true, text: true, email: false, letter: false, times: 'Mornings', notes: '' },
      consentGpShare: true,
      personConsents: null,
      reason: 'Also wants help with: Sleep\n\nStruggling.',
      needs: ['lantern-needs:anxiety'],
      crisis: false,
      requestedUrgency: null,
      idempotencyKey: KEY,
    });
  });

  test('a carer referral names the carer and records the person’s agreement', () => {
    const reading = readSelfReferral({ ...carer, dobUnknown: 'yes', 'dob-day': '' }, env);
    assert.equal(reading.submission?.source, 'carer');
    assert.equal(reading.submission?.person.dateOfBirth, null);
    assert.deepEqual(reading.submission?.referrer, {
      organisationId: null, userId: null, name: 'Pat Smith', role: null, relationship: 'Their brother', email: 'pat@example.com', phone: null,
    });
    assert.equal(reading.submission?.personConsents, true);
  });

  test('a missing answer is found on the first page that asks it', () => {
    const { familyName: _f, ...noName } = me;
    const reading = readSelfReferral(noName, env);
    assert.equal(reading.submission, null);
    assert.equal(reading.step, 'name');
    assert.deepEqual(reading.problems, [{ field: 'familyName', message: 'Enter your last name' }]);
    assert.equal(firstIncompleteStep(me, env), null);
  });

  test('check your answers: every answer with the page that changes it', () => {
    const sections = checkSections(me, env);
    assert.deepEqual(sections.map((s) => s.heading), ['About you', 'How to contact you', 'Support']);
    const rows = sections.flatMap((s) => s.rows);
    const row = (key: string) => rows.find((r) => r.key === key);
    assert.deepEqual(row('Date of birth'), { key: 'Date of birth', value: ['12 April 1990'], step: 'date-of-birth', change: 'date of birth' });
    assert.deepEqual(row('GP surgery')?.value, ['Riverside Surgery']);
    assert.deepEqual(row('What you would like help with')?.value, ['Worry, stress or panic', 'Something else: Sleep']);
    assert.deepEqual(checkSections(carer, env).map((s) => s.heading), ['About Alex Smith', 'How to contact them', 'Support', 'About you']);
  });
});

const answerKeys = fc.constantFrom(...SELF_KEYS);
const likelyValues = fc.oneof(
  fc.constantFrom('me', 'someone', 'yes', 'no', 'list', 'other', 'unknown', 'call', 'call,text', 'email', 'letter', 'unsure', 'other',
    'lantern-needs:anxiety', GP.id, '12', '4', '1990', 'Alex', 'DA1 1AA', '07700 900123', 'a@example.com', 'check', KEY),
  fc.string({ maxLength: 30 }),
);
const anyAnswers = fc.dictionary(answerKeys, likelyValues, { maxKeys: SELF_KEYS.length });

describe('properties of the flow', () => {
  test('no answers, however odd, make the flow or the reader throw', () => {
    fc.assert(fc.property(anyAnswers, (a) => {
      for (const step of SELF_STEPS) {
        stepProblems(step, a, env);
        nextStep(step, a, env);
        previousStep(step, a);
      }
      readSelfReferral(a, env);
      checkSections(a, env);
    }));
  });

  test('Continue never leads off the person’s own list of pages, and Back undoes Continue', () => {
    fc.assert(fc.property(anyAnswers, (raw) => {
      const { returnTo: _r, ...a } = raw;
      const steps = stepsFor(a);
      for (const step of steps) {
        if (step === 'check' || step === 'not-agreed') continue;
        const next = nextStep(step, a, env);
        assert.ok(steps.includes(next), `${step} -> ${next}`);
        assert.equal(previousStep(next, a), step, `back from ${next}`);
      }
    }));
  });

  test('a submission is only ever made from answers every page accepts, and says what they said', () => {
    fc.assert(fc.property(anyAnswers, fc.boolean(), (extra, asCarer) => {
      const a = { ...(asCarer ? carer : me), ...extra };
      const { submission } = readSelfReferral(a, env);
      if (!submission) return;
      for (const step of stepsFor(a)) assert.deepEqual(stepProblems(step, a, env), [], step);
      assert.equal(submission.crisis, a.danger === 'yes');
      assert.equal(submission.source, a.who === 'someone' ? 'carer' : 'self');
      if (submission.source === 'carer') assert.ok(a.agrees === 'yes' || a.danger === 'yes', 'never without agreement unless in danger');
    }));
  });

  test('a carer’s referral without the person’s agreement is never sent unless they are in danger', () => {
    fc.assert(fc.property(anyAnswers, (extra) => {
      const a = { ...carer, ...extra, who: 'someone', agrees: 'no', danger: extra.danger === 'yes' ? 'no' : (extra.danger ?? 'no') };
      const reading = readSelfReferral(a, env);
      assert.equal(reading.submission, null);
      if (a.danger !== 'yes') assert.equal(reading.blocked, true);
    }));
  });

  test('answers carried through hidden fields come back unchanged', () => {
    fc.assert(fc.property(fc.dictionary(answerKeys, fc.oneof(fc.string({ maxLength: 50 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }))), (body) => {
      const once = answersFrom(body, SELF_KEYS, SELF_MULTI);
      assert.deepEqual(answersFrom(once, SELF_KEYS, SELF_MULTI), once);
      for (const [key, value] of Object.entries(once)) {
        assert.ok(SELF_KEYS.includes(key));
        assert.ok(value.length > 0 && value.length <= 6000);
      }
    }));
  });
});
