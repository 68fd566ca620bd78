// The professional and staff-entered referral forms' readers, and the shared field readers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contactPreferences, readContact, readNeeds, composeReason, type Answers } from './fields.ts';
import { PROFESSIONAL_KEYS, readProfessionalReferral } from './professional.ts';
import { MAX_DAYS_AGO, readStaffReferral, STAFF_KEYS, type StaffEnv } from './staff-entry.ts';
import { formatTimeOfDay, londonWallClock } from '../../../domain/uk-time.ts';
import type { FieldError } from '../../../platform/errors.ts';

const GP = { id: '5f0c7a52-8c1e-4a8e-9d59-3f1f1c7a0001', name: 'Riverside Surgery' };
const ORG = { id: '5f0c7a52-8c1e-4a8e-9d59-3f1f1c7a0002', name: 'Kent Police' };
const NOW = new Date('2026-05-20T13:45:10Z');
const env: StaffEnv = { today: '2026-05-20', now: NOW, gpPractices: [GP], organisations: [ORG, GP] };
const sender = { organisationId: GP.id, userId: '5f0c7a52-8c1e-4a8e-9d59-3f1f1c7a0003', source: 'gp' as const };

const person: Answers = {
  givenName: 'Morgan', familyName: 'Lee', 'dob-day': '5', 'dob-month': '6', 'dob-year': '1978', postcode: 'ME4 4QF', gpChoice: 'other',
  gpName: 'Station Road Surgery', phone: '07700 900222',
};
const professional: Answers = {
  key: 'web:1b4e28ba-2fa1-11d2-883f-0016d3cca427', referrerName: 'Dr Amara Nwosu', referrerEmail: 'amara@example.nhs.uk', ...person,
  urgency: 'routine', reason: 'Low mood.', personConsents: 'yes', gpConsent: 'no', needs: 'lantern-needs:sleep,lantern-needs:not-a-need',
};

function staffAnswers(at: Date, overrides: Answers = {}): Answers {
  const wall = londonWallClock(at);
  const [year, month, day] = wall.date.split('-');
  return {
    key: 'staff:1b4e28ba-2fa1-11d2-883f-0016d3cca427', channel: 'phone', source: 'police', 'received-day': day!, 'received-month': month!,
    'received-year': year!, receivedTime: formatTimeOfDay(wall.time), referrerName: 'PC Jones', referrerOrganisation: ORG.id, ...person,
    crisis: 'no', urgency: 'urgent', urgentReason: 'Found on the bridge last night', reason: 'Agreed to support.', personConsents: 'yes',
    gpConsent: 'not-asked', ...overrides,
  };
}

describe('the professional referral reader', () => {
  test('reads the form into a submission from the sender’s organisation', () => {
    const { submission, problems } = readProfessionalReferral(professional, env, sender);
    assert.deepEqual(problems, []);
    assert.equal(submission?.source, 'gp');
    assert.deepEqual(submission?.referrer, {
      organisationId: GP.id, userId: sender.userId, name: 'Dr Amara Nwosu', role: null, relationship: null, email: 'amara@example.nhs.uk', phone: null,
    });
    assert.equal(submission?.person.gpPracticeName, 'Station Road Surgery');
    assert.deepEqual(submission?.needs, ['lantern-needs:sleep'], 'only needs of the taxonomy');
    assert.equal(submission?.contactPreferences, null, 'nothing said about contact: not known, rather than "no"');
    assert.equal(submission?.personConsents, true);
    assert.equal(submission?.idempotencyKey, professional.key);
  });

  test('a key that is not the form’s own is dropped rather than trusted', () => {
    assert.equal(readProfessionalReferral({ ...professional, key: 'api:x:y' }, env, sender).submission?.idempotencyKey, null);
  });

  test('property: no answers make it throw, and a submission always has the person’s agreement', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...PROFESSIONAL_KEYS), fc.string({ maxLength: 20 })), (extra) => {
      const { submission, problems } = readProfessionalReferral({ ...professional, ...extra }, env, sender);
      assert.equal(submission === null, problems.length > 0);
      if (submission) assert.equal({ ...professional, ...extra }.personConsents, 'yes');
    }));
  });
});

describe('the staff-entered referral reader', () => {
  test('reads when it was received as the UK clock showed it', () => {
    const at = new Date('2026-05-19T08:30:00Z'); // 09:30 BST
    const { submission, problems } = readStaffReferral(staffAnswers(at), env);
    assert.deepEqual(problems, []);
    assert.equal(submission?.receivedAt?.toISOString(), '2026-05-19T08:30:00.000Z');
    assert.equal(submission?.channel, 'phone');
    assert.equal(submission?.source, 'police');
    assert.equal(submission?.referrer.organisationId, ORG.id);
    assert.equal(submission?.requestedUrgency, 'urgent');
    assert.equal(submission?.reason, 'Urgent because: Found on the bridge last night\n\nAgreed to support.');
    assert.equal(submission?.consentGpShare, null);
  });

  test('the web and the API are not channels staff enter', () => {
    const problems = readStaffReferral(staffAnswers(NOW, { channel: 'web' }), env).problems;
    assert.deepEqual(problems, [{ field: 'channel', message: 'Select how the referral came in' }]);
  });

  test('property: accepted exactly when received between 30 days ago and now', () => {
    const minute = 60_000;
    fc.assert(fc.property(fc.integer({ min: -3 * 24 * 60, max: (MAX_DAYS_AGO + 3) * 24 * 60 }), (minutesAgo) => {
      const at = new Date(Math.floor(NOW.getTime() / minute) * minute - minutesAgo * minute);
      const { problems } = readStaffReferral(staffAnswers(at), env);
      const allowed = at.getTime() <= NOW.getTime() && at.getTime() >= NOW.getTime() - MAX_DAYS_AGO * 86_400_000;
      assert.equal(problems.length === 0, allowed, `${minutesAgo} minutes ago: ${JSON.stringify(problems)}`);
    }));
  });

  test('property: no answers make it throw', () => {
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...STAFF_KEYS), fc.string({ maxLength: 20 })), (extra) => {
      readStaffReferral({ ...staffAnswers(NOW), ...extra }, env);
    }));
  });
});

describe('shared field readers', () => {
  test('contact: a phone is needed for calls and texts, an email address for emails', () => {
    const problems: FieldError[] = [];
    const read = readContact({ contactMethods: 'call,email,fax' }, 'their', problems, { required: false });
    assert.deepEqual([...read.methods], ['call', 'email']);
    assert.deepEqual(problems, [
      { field: 'phone', message: 'Enter their phone number, so we can call or text them' },
      { field: 'email', message: 'Enter their email address, so we can email them' },
    ]);
  });

  test('contact preferences: nothing said is null, anything said is kept as said', () => {
    assert.equal(contactPreferences(new Set(), { voicemail: false, times: '', notes: '' }), null);
    assert.deepEqual(contactPreferences(new Set(['text']), { voicemail: false, times: '', notes: 'Not after 8pm' }), {
      call: false, voicemail: false, text: true, email: false, letter: false, times: '', notes: 'Not after 8pm',
    });
  });

  test('needs: taxonomy ids only, and "something else" in their words', () => {
    const problems: FieldError[] = [];
    assert.deepEqual(readNeeds({ needs: 'lantern-needs:gambling,other,drop table', otherNeed: 'Cooking' }, 'your', problems, { offered: 'common', required: true }),
      { needs: [], otherNeed: 'Cooking' }, 'gambling is not one of the common needs a self-referral offers');
    assert.deepEqual(problems, []);
    assert.deepEqual(readNeeds({ needs: 'lantern-needs:gambling' }, 'their', problems, { offered: 'all', required: false }).needs, ['lantern-needs:gambling']);
  });

  test('the reason keeps each part in its place', () => {
    assert.equal(composeReason({ text: 'Hello' }), 'Hello');
    assert.equal(composeReason({ urgentBecause: 'Now', otherNeed: 'Cooking', text: '' }), 'Urgent because: Now\n\nAlso wants help with: Cooking');
  });
});
