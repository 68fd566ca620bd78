import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { closeNoteOf, contactDueBefore, isContactDue, isReminderDue, readRequiredNote, readUnableForm, reminderRunAt } from './waiting.ts';
import { UNABLE_REASONS } from './referral-states.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('who is due a contact', () => {
  const now = new Date('2025-08-20T09:00:00Z');

  test('counted from the last attempt, or from when they first asked for help', () => {
    const received = new Date(now.getTime() - 30 * DAY);
    assert.equal(isContactDue({ lastContactAt: null, originalReceivedAt: received }, now, 7), true);
    assert.equal(isContactDue({ lastContactAt: new Date(now.getTime() - 6 * DAY), originalReceivedAt: received }, now, 7), false);
    assert.equal(isContactDue({ lastContactAt: new Date(now.getTime() - 7 * DAY), originalReceivedAt: received }, now, 7), true);
    assert.equal(isContactDue({ lastContactAt: null, originalReceivedAt: new Date(now.getTime() - 2 * DAY) }, now, 7), false);
  });

  test('property: a reminder is due at most once per period, and only when contact is due', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 200 }), fc.option(fc.integer({ min: 0, max: 200 })), (days, sinceContact, sinceReminder) => {
      const waiting = {
        lastContactAt: new Date(now.getTime() - sinceContact * DAY),
        originalReceivedAt: new Date(now.getTime() - 400 * DAY),
        lastReminderAt: sinceReminder === null ? null : new Date(now.getTime() - sinceReminder * DAY),
      };
      const due = isReminderDue(waiting, now, days);
      if (due) {
        assert.ok(isContactDue(waiting, now, days));
        assert.ok(sinceReminder === null || sinceReminder >= days);
      }
      if (sinceContact >= days && (sinceReminder === null || sinceReminder >= days)) assert.ok(due);
    }));
  });

  test('the threshold needs a whole number of days', () => {
    assert.throws(() => contactDueBefore(now, 0));
    assert.throws(() => contactDueBefore(now, 1.5));
  });
});

describe('when reminders go out', () => {
  test('8am UK time on working days; not at weekends or on bank holidays', () => {
    assert.deepEqual(reminderRunAt(new Date('2025-08-22T05:00:00Z')), { day: '2025-08-22', runAt: new Date('2025-08-22T07:00:00Z') });
    assert.deepEqual(reminderRunAt(new Date('2025-08-22T10:00:00Z')), { day: '2025-08-22', runAt: new Date('2025-08-22T10:00:00Z') });
    assert.equal(reminderRunAt(new Date('2025-08-23T10:00:00Z')), null, 'Saturday');
    assert.equal(reminderRunAt(new Date('2025-08-25T10:00:00Z')), null, 'the summer bank holiday');
    assert.deepEqual(reminderRunAt(new Date('2025-12-01T06:00:00Z')), { day: '2025-12-01', runAt: new Date('2025-12-01T08:00:00Z') }, 'GMT');
  });
});

describe('closing as unable to sign up', () => {
  const ctx = { attempts: 3, attemptsNeeded: 3 };

  test('"no response" needs the tenant’s number of attempts, and says how many there are', () => {
    const refused = readUnableForm({ reason: 'no_response', note: '', signposting: '' }, { attempts: 1, attemptsNeeded: 3 });
    assert.deepEqual(!refused.ok && refused.problems, [{
      field: 'reason',
      message: 'You can close a referral as “no response” only after 3 recorded attempts to contact them. Only 1 attempt has been recorded. Record each attempt first.',
    }]);
    const none = readUnableForm({ reason: 'no_response', note: '', signposting: '' }, { attempts: 0, attemptsNeeded: 2 });
    assert.match(!none.ok ? none.problems[0]!.message : '', /after 2 recorded attempts.*No attempts have been recorded yet/);
    assert.deepEqual(readUnableForm({ reason: 'no_response', note: '', signposting: '' }, ctx), { ok: true, value: { reason: 'no_response', note: '', signposting: null } });
  });

  test('"not eligible" needs where they were signposted and why; "another reason" needs a note', () => {
    const bare = readUnableForm({ reason: 'not_eligible', note: '', signposting: '' }, ctx);
    assert.deepEqual(!bare.ok && bare.problems.map((p) => p.field), ['signposting', 'note']);
    const other = readUnableForm({ reason: 'other', note: '', signposting: '' }, ctx);
    assert.deepEqual(!other.ok && other.problems.map((p) => p.field), ['note']);
    const good = readUnableForm({ reason: 'not_eligible', note: 'Lives in Surrey', signposting: 'Surrey Mindworks' }, ctx);
    assert.ok(good.ok);
    assert.equal(closeNoteOf(good.value), 'Signposted to: Surrey Mindworks\nLives in Surrey');
  });

  test('property: every reason is accepted with a note and signposting, and refused without a reason', () => {
    fc.assert(fc.property(fc.constantFrom(...Object.keys(UNABLE_REASONS)), fc.string({ minLength: 1, maxLength: 50 }).filter((s) => s.trim() !== ''), (reason, text) => {
      const result = readUnableForm({ reason, note: text, signposting: text }, ctx);
      assert.ok(result.ok, reason);
      assert.equal(result.value.reason, reason);
      assert.equal(result.value.signposting, reason === 'not_eligible' ? text.trim() : null);
    }));
    const missing = readUnableForm({ reason: 'because', note: 'x', signposting: '' }, ctx);
    assert.deepEqual(!missing.ok && missing.problems.map((p) => p.field), ['reason']);
  });

  test('a required note must be there and not too long', () => {
    assert.deepEqual(readRequiredNote('  ', 'why'), { ok: false, message: 'Enter why' });
    assert.deepEqual(readRequiredNote(' called back ', 'why'), { ok: true, value: 'called back' });
    assert.equal(readRequiredNote('x'.repeat(2001), 'why').ok, false);
  });
});
