import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACTION_LABELS, ACTION_SIDE, allowedActions, DECLINE_REASONS, DROP_OUT_REASONS, isAwaitingAnswer, isDeclineReason,
  isDropOutReason, isOpen, isPrescriptionAction, isPrescriptionState, isWithdrawReason, mayRecordAttendance,
  PRESCRIPTION_ACTIONS, PRESCRIPTION_STATES, STATE_LABELS, transition, WITHDRAW_REASONS,
  type PrescriptionAction, type PrescriptionState,
} from './prescription-states.ts';

const state = fc.constantFrom(...PRESCRIPTION_STATES);
const action = fc.constantFrom(...PRESCRIPTION_ACTIONS);

/** Every allowed move, written out from the rules in the issue. */
const EXPECTED_MOVES = [
  'sent accept -> accepted',
  'sent decline -> declined',
  'sent withdraw -> withdrawn',
  'accepted start -> started',
  'accepted withdraw -> withdrawn',
  'started complete -> completed',
  'started drop_out -> dropped_out',
].sort();

function refusal(from: PrescriptionState, act: PrescriptionAction): string {
  const result = transition(from, act);
  assert.equal(result.ok, false, `${from} ${act} should be refused`);
  return result.ok ? '' : result.message;
}

describe('prescription states', () => {
  test('exactly the moves in the rules are allowed', () => {
    const allowed: string[] = [];
    for (const from of PRESCRIPTION_STATES) {
      for (const act of PRESCRIPTION_ACTIONS) {
        const result = transition(from, act);
        if (result.ok) allowed.push(`${from} ${act} -> ${result.to}`);
      }
    }
    assert.deepEqual(allowed.sort(), EXPECTED_MOVES);
  });

  test('the provider answers and records progress; only the navigator withdraws', () => {
    assert.deepEqual(
      PRESCRIPTION_ACTIONS.filter((a) => ACTION_SIDE[a] === 'prescriber'),
      ['withdraw'],
    );
    assert.deepEqual(
      PRESCRIPTION_ACTIONS.filter((a) => ACTION_SIDE[a] === 'provider'),
      ['accept', 'decline', 'start', 'complete', 'drop_out'],
    );
  });

  test('refusals say what is wrong and what to do', () => {
    assert.equal(refusal('sent', 'start'), 'The provider has not accepted this prescription yet. Accept it before recording the start.');
    assert.equal(
      refusal('started', 'withdraw'),
      'The person has already started, so the prescription cannot be withdrawn. The provider records whether they complete it or drop out.',
    );
    assert.equal(
      refusal('declined', 'accept'),
      'This prescription was declined by the provider, so it cannot be accepted. If the person still wants it, prescribe it again.',
    );
    assert.equal(refusal('withdrawn', 'withdraw'), 'This prescription has already been withdrawn.');
    assert.equal(refusal('accepted', 'accept'), 'This prescription has already been accepted.');
  });

  test('every refusal is a sentence, and no two refusals share their words', () => {
    const seen = new Map<string, string>();
    for (const from of PRESCRIPTION_STATES) {
      for (const act of PRESCRIPTION_ACTIONS) {
        const result = transition(from, act);
        if (result.ok) continue;
        assert.match(result.message, /^[A-Z].*\.$/, `${from} ${act}`);
        assert.ok(!/undefined|null|_/.test(result.message), result.message);
        const earlier = seen.get(result.message);
        assert.equal(earlier, undefined, `${from} ${act} says the same as ${earlier}`);
        seen.set(result.message, `${from} ${act}`);
      }
    }
    assert.equal(seen.size, PRESCRIPTION_STATES.length * PRESCRIPTION_ACTIONS.length - EXPECTED_MOVES.length);
  });

  test('declined, completed, dropped out and withdrawn are final', () => {
    for (const from of ['declined', 'completed', 'dropped_out', 'withdrawn'] as const) {
      assert.deepEqual(allowedActions(from), [], from);
      assert.equal(isOpen(from), false);
    }
    assert.deepEqual(allowedActions('sent'), ['accept', 'decline', 'withdraw']);
    assert.deepEqual(allowedActions('accepted'), ['start', 'withdraw']);
    assert.deepEqual(allowedActions('started'), ['complete', 'drop_out']);
  });

  test('open, awaiting an answer, and attendances', () => {
    assert.deepEqual(PRESCRIPTION_STATES.filter(isOpen), ['sent', 'accepted', 'started']);
    assert.deepEqual(PRESCRIPTION_STATES.filter(isAwaitingAnswer), ['sent']);
    assert.deepEqual(PRESCRIPTION_STATES.filter(mayRecordAttendance), ['started']);
  });

  test('labels for every state and action, and reasons checked from outside', () => {
    assert.deepEqual(Object.keys(STATE_LABELS).sort(), [...PRESCRIPTION_STATES].sort());
    assert.deepEqual(Object.keys(ACTION_LABELS).sort(), [...PRESCRIPTION_ACTIONS].sort());
    assert.deepEqual(Object.keys(DECLINE_REASONS), ['full', 'not_suitable', 'cannot_contact', 'other']);
    assert.ok(isDeclineReason('full'));
    assert.ok(!isDeclineReason('toString'));
    assert.ok(isDropOutReason('moved_away'));
    assert.ok(!isDropOutReason(undefined));
    assert.ok(isWithdrawReason('entered_in_error'));
    assert.ok(!isWithdrawReason('full'));
    for (const reasons of [DECLINE_REASONS, DROP_OUT_REASONS, WITHDRAW_REASONS]) assert.ok('other' in reasons);
  });

  test('values from outside are checked', () => {
    assert.equal(isPrescriptionState('sent'), true);
    assert.equal(isPrescriptionState('open'), false);
    assert.equal(isPrescriptionAction('withdraw'), true);
    assert.equal(isPrescriptionAction('delete'), false);
    assert.throws(() => transition('open' as PrescriptionState, 'accept'), /Unknown prescription state: open/);
    assert.throws(() => transition('sent', 'delete' as PrescriptionAction), /Unknown prescription action: delete/);
  });

  test('property: any sequence of actions from sent visits only known states, and never leaves a final state', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), (actions) => {
        let current: PrescriptionState = 'sent';
        for (const act of actions) {
          const wasOpen = isOpen(current);
          const result = transition(current, act);
          if (result.ok) {
            assert.ok(wasOpen, `moved out of final state ${current}`);
            current = result.to;
          }
          assert.ok(PRESCRIPTION_STATES.includes(current));
        }
      }),
    );
  });

  test('property: every state can be reached from sent', () => {
    const reached = new Set<PrescriptionState>(['sent']);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of [...reached]) {
        for (const act of allowedActions(from)) {
          const result = transition(from, act);
          if (result.ok && !reached.has(result.to)) {
            reached.add(result.to);
            grew = true;
          }
        }
      }
    }
    assert.deepEqual([...reached].sort(), [...PRESCRIPTION_STATES].sort());
  });

  test('property: allowedActions is exactly the actions transition accepts, and a move never returns to sent', () => {
    fc.assert(
      fc.property(state, action, (s, act) => {
        assert.equal(allowedActions(s).includes(act), transition(s, act).ok);
        const result = transition(s, act);
        if (result.ok) assert.notEqual(result.to, 'sent');
      }),
    );
  });

  test('property: once answered, a prescription is never awaiting an answer again', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 20 }), (actions) => {
        let current: PrescriptionState = 'sent';
        let answered = false;
        for (const act of actions) {
          const result = transition(current, act);
          if (!result.ok) continue;
          current = result.to;
          if (!isAwaitingAnswer(current)) answered = true;
          if (answered) assert.equal(isAwaitingAnswer(current), false);
        }
      }),
    );
  });
});
