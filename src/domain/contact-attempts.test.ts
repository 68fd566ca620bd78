import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ATTEMPT_CHANNELS, ATTEMPT_OUTCOMES, checkSafeContact, methodNeeded, outcomeFitsChannel, readAttemptForm, reachedPerson,
  type AttemptChannel, type AttemptForm, type AttemptOutcome,
} from './contact-attempts.ts';
import { CONTACT_METHODS, NO_PREFERENCES, type ContactPreferences } from './contact-preferences.ts';

const channel = fc.constantFrom(...ATTEMPT_CHANNELS);
const outcome = fc.constantFrom(...ATTEMPT_OUTCOMES);
const methods = fc.record({ call: fc.boolean(), voicemail: fc.boolean(), text: fc.boolean(), email: fc.boolean(), letter: fc.boolean() });
const prefsOf = (m: Partial<ContactPreferences>): ContactPreferences => ({ ...NO_PREFERENCES, ...m });
const ALL = prefsOf({ call: true, voicemail: true, text: true, email: true, letter: true });

describe('what happened on which channel', () => {
  test('reaching the person is speaking, meeting or hearing them decline, nothing else', () => {
    const reached = ATTEMPT_OUTCOMES.filter(reachedPerson);
    assert.deepEqual(reached, ['spoke', 'declined', 'met']);
  });

  test('impossible pairs are refused with what fits instead', () => {
    assert.match(outcomeFitsChannel('text', 'left_voicemail')!, /voicemail can only be left on a phone call/);
    assert.match(outcomeFitsChannel('phone', 'message_sent')!, /for a text message, email or letter/);
    assert.match(outcomeFitsChannel('phone', 'met')!, /Spoke with them/);
    assert.equal(outcomeFitsChannel('phone', 'left_voicemail'), null);
    assert.equal(outcomeFitsChannel('face_to_face', 'met'), null);
  });

  test('every outcome happens on at least one channel, and "declined" on all', () => {
    for (const o of ATTEMPT_OUTCOMES) assert.ok(ATTEMPT_CHANNELS.some((c) => outcomeFitsChannel(c, o) === null), o);
    for (const c of ATTEMPT_CHANNELS) assert.equal(outcomeFitsChannel(c, 'declined'), null, c);
  });
});

describe('keeping to how it is safe to contact them', () => {
  test('a voicemail when they said voicemail is not safe is refused, because someone else may hear it', () => {
    const problem = checkSafeContact(prefsOf({ call: true, text: true }), 'phone', 'left_voicemail');
    assert.equal(problem?.field, 'outcome');
    assert.match(problem!.message, /voicemails are not safe for them: someone else may hear it/);
    assert.match(problem!.message, /They said these are safe: Phone call, Text message\./);
  });

  test('a text when texts are not allowed is refused, because someone else may read it', () => {
    const problem = checkSafeContact(prefsOf({ call: true }), 'text', 'message_sent');
    assert.deepEqual(problem?.field, 'channel');
    assert.match(problem!.message, /text messages are not safe for them: someone else may read it/);
  });

  test('until they have said anything, a call to ask is fine but nothing may be left for someone else', () => {
    assert.equal(checkSafeContact(NO_PREFERENCES, 'phone', 'no_answer'), null);
    assert.equal(checkSafeContact(NO_PREFERENCES, 'phone', 'spoke'), null);
    assert.match(checkSafeContact(NO_PREFERENCES, 'phone', 'left_voicemail')!.message, /We do not know whether a voicemail is safe/);
    assert.match(checkSafeContact(NO_PREFERENCES, 'letter', 'message_sent')!.message, /Phone them and ask first/);
  });

  test('a call when they said calls are not safe is refused, naming what is safe', () => {
    const problem = checkSafeContact(prefsOf({ email: true }), 'phone', 'no_answer');
    assert.match(problem!.message, /phone calls are not safe.*They said these are safe: Email\./);
  });

  test('property: nothing is ever left by voicemail, text, email or letter that the person has not allowed', () => {
    fc.assert(fc.property(methods, channel, outcome, (m, c, o) => {
      const prefs = prefsOf(m);
      if (checkSafeContact(prefs, c, o) !== null) return;
      for (const method of methodNeeded(c, o)) {
        if (method === 'call' && !CONTACT_METHODS.some((x) => prefs[x])) continue;
        assert.ok(prefs[method], `${c} ${o} allowed without ${method}`);
      }
      if (c === 'phone' && o === 'left_voicemail') assert.ok(prefs.voicemail);
      if (c === 'text') assert.ok(prefs.text);
    }));
  });

  test('property: allowing more ways never refuses an attempt that was allowed', () => {
    fc.assert(fc.property(methods, methods, channel, outcome, (a, extra, c, o) => {
      const fewer = prefsOf({ ...a, call: true });
      const more = prefsOf({ call: true, voicemail: a.voicemail || extra.voicemail, text: a.text || extra.text, email: a.email || extra.email, letter: a.letter || extra.letter });
      if (checkSafeContact(fewer, c, o) === null) assert.equal(checkSafeContact(more, c, o), null);
    }));
  });

  test('property: face to face and video are never refused for safety, and with everything allowed nothing is', () => {
    fc.assert(fc.property(methods, outcome, (m, o) => {
      for (const c of ['face_to_face', 'video'] as AttemptChannel[]) assert.equal(checkSafeContact(prefsOf(m), c, o), null);
    }));
    for (const c of ATTEMPT_CHANNELS) for (const o of ATTEMPT_OUTCOMES) assert.equal(checkSafeContact(ALL, c, o), null, `${c} ${o}`);
  });
});

describe('the contact attempt form', () => {
  const now = new Date('2025-07-15T13:00:00Z'); // 14:00 in London
  const context = { now, receivedAt: new Date('2025-07-10T09:00:00Z'), preferences: prefsOf({ call: true, voicemail: true }) };
  const form = (overrides: Partial<AttemptForm> = {}): AttemptForm => ({ day: '15', month: '7', year: '2025', time: '13:45', channel: 'phone', outcome: 'no_answer', note: '', ...overrides });

  test('reads a call that went unanswered at 13:45 UK time', () => {
    const result = readAttemptForm(form(), context);
    assert.ok(result.ok);
    assert.equal(result.value.at.toISOString(), '2025-07-15T12:45:00.000Z');
    assert.equal(result.value.reached, false);
  });

  test('a reached outcome is marked as reaching them', () => {
    const result = readAttemptForm(form({ outcome: 'spoke' }), context);
    assert.ok(result.ok && result.value.reached);
  });

  test('refuses a time in the future, a date before the referral, and missing answers, each at its field', () => {
    const future = readAttemptForm(form({ time: '14:30' }), context);
    assert.deepEqual(!future.ok && future.problems, [{ field: 'time', message: 'The time of the attempt must be now or in the past' }]);
    const tomorrow = readAttemptForm(form({ day: '16' }), context);
    assert.deepEqual(!tomorrow.ok && tomorrow.problems.map((p) => p.field), ['when-day']);
    const before = readAttemptForm(form({ day: '9' }), context);
    assert.match(!before.ok ? before.problems[0]!.message : '', /after the referral came in/);
    const empty = readAttemptForm({ day: '', month: '', year: '', time: '', channel: '', outcome: '', note: '' }, context);
    assert.deepEqual(!empty.ok && empty.problems.map((p) => p.field), ['when-day', 'time', 'channel', 'outcome']);
  });

  test('refuses an attempt that breaks their safe-contact preferences', () => {
    const result = readAttemptForm(form({ channel: 'text', outcome: 'message_sent' }), context);
    assert.ok(!result.ok);
    assert.match(result.problems[0]!.message, /text messages are not safe/);
  });

  test('property: any time after the referral and up to now is accepted, and any later one refused', () => {
    fc.assert(fc.property(fc.integer({ min: -5 * 24 * 60, max: 24 * 60 }), (minutesFromNow) => {
      const at = new Date(now.getTime() + minutesFromNow * 60_000);
      const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(at).reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
      const result = readAttemptForm(form({ day: parts.day!, month: parts.month!, year: parts.year!, time: `${parts.hour}:${parts.minute}` }), context);
      assert.equal(result.ok, minutesFromNow <= 1, `${minutesFromNow} minutes from now`);
    }));
  });

  test('a note over the limit is refused', () => {
    const result = readAttemptForm(form({ note: 'x'.repeat(2001) }), context);
    assert.deepEqual(!result.ok && result.problems.map((p) => p.field), ['note']);
  });

  test('every outcome and channel pair is either read or refused with a message at a field', () => {
    for (const c of ATTEMPT_CHANNELS) {
      for (const o of ATTEMPT_OUTCOMES) {
        const result = readAttemptForm(form({ channel: c, outcome: o as AttemptOutcome }), { ...context, preferences: ALL });
        if (!result.ok) assert.ok(result.problems.every((p) => p.message.length > 10 && ['outcome', 'channel'].includes(p.field)));
        else assert.equal(outcomeFitsChannel(c, o), null);
      }
    }
  });
});
