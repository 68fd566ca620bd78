import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACTION_LABELS, allowedActions, isOpen, isReferralAction, isReferralState, isUnableReason, REFERRAL_ACTIONS,
  REFERRAL_STATES, REFERRER_STATUS, STATE_LABELS, transition, UNABLE_REASONS,
  type ReferralAction, type ReferralState, type TransitionContext,
} from './referral-states.ts';

const CONTEXTS: TransitionContext[] = [
  { routed: false, fastTrack: false },
  { routed: true, fastTrack: false },
  { routed: false, fastTrack: true },
  { routed: true, fastTrack: true },
];
const normal: TransitionContext = { routed: false, fastTrack: false };
const context = fc.record({ routed: fc.boolean(), fastTrack: fc.boolean() });
const action = fc.constantFrom(...REFERRAL_ACTIONS);
const state = fc.constantFrom(...REFERRAL_STATES);

/** Every allowed move, written out from the rules, as 'from action -> to' for one context. */
function expectedMoves(ctx: TransitionContext): string[] {
  return [
    'received route -> waiting',
    'received redirect -> redirected',
    'waiting redirect -> redirected',
    'waiting sign_up -> signed_up',
    ...(ctx.fastTrack ? ['received sign_up -> signed_up'] : []),
    'received unable_to_sign_up -> unable_to_sign_up',
    'waiting unable_to_sign_up -> unable_to_sign_up',
    'waiting return_to_triage -> received',
    'received withdraw -> withdrawn',
    'waiting withdraw -> withdrawn',
    `unable_to_sign_up reopen -> ${ctx.routed ? 'waiting' : 'received'}`,
  ].sort();
}

function refusal(from: ReferralState, act: ReferralAction, ctx: TransitionContext = normal): string {
  const result = transition(from, act, ctx);
  assert.equal(result.ok, false, `${from} ${act} should be refused`);
  return result.ok ? '' : result.message;
}

describe('referral states', () => {
  test('exactly the moves in the rules are allowed, in every context', () => {
    for (const ctx of CONTEXTS) {
      const allowed: string[] = [];
      for (const from of REFERRAL_STATES) {
        for (const act of REFERRAL_ACTIONS) {
          const result = transition(from, act, ctx);
          if (result.ok) allowed.push(`${from} ${act} -> ${result.to}`);
        }
      }
      assert.deepEqual(allowed.sort(), expectedMoves(ctx), JSON.stringify(ctx));
    }
  });

  test('reopening goes back to the waiting list only when the referral was routed', () => {
    assert.deepEqual(transition('unable_to_sign_up', 'reopen', { routed: true, fastTrack: false }), { ok: true, to: 'waiting' });
    assert.deepEqual(transition('unable_to_sign_up', 'reopen', { routed: false, fastTrack: false }), { ok: true, to: 'received' });
  });

  test('a fast-track referral can be signed up straight from received, a normal one cannot', () => {
    assert.deepEqual(transition('received', 'sign_up', { routed: false, fastTrack: true }), { ok: true, to: 'signed_up' });
    assert.equal(refusal('received', 'sign_up'), 'Only a referral on the waiting list can be signed up. Triage it first.');
  });

  test('refusals say what is wrong and what to do', () => {
    assert.equal(
      refusal('signed_up', 'redirect'),
      'This referral is already signed up, so it cannot be redirected. Open the person’s support episode instead.',
    );
    assert.equal(refusal('waiting', 'route'), 'This referral is already on a waiting list. To send it somewhere else, return it to triage first.');
    assert.equal(refusal('received', 'return_to_triage'), 'This referral is already waiting for triage.');
    assert.equal(refusal('unable_to_sign_up', 'sign_up'), 'This referral was closed as unable to sign up, so it cannot be signed up. Reopen it first.');
    assert.equal(
      refusal('withdrawn', 'reopen'),
      'This referral has been withdrawn, so it cannot be reopened. If the person wants support again, make a new referral.',
    );
    assert.equal(refusal('withdrawn', 'withdraw'), 'This referral has already been withdrawn.');
  });

  test('every refusal is a sentence, and no two refusals in a context share their words', () => {
    for (const ctx of CONTEXTS) {
      const seen = new Map<string, string>();
      for (const from of REFERRAL_STATES) {
        for (const act of REFERRAL_ACTIONS) {
          const result = transition(from, act, ctx);
          if (result.ok) continue;
          assert.match(result.message, /^[A-Z].*\.$/, `${from} ${act}`);
          assert.ok(!/undefined|null/.test(result.message), result.message);
          const earlier = seen.get(result.message);
          assert.equal(earlier, undefined, `${from} ${act} says the same as ${earlier}`);
          seen.set(result.message, `${from} ${act}`);
        }
      }
      assert.ok(seen.size >= 30);
    }
  });

  test('signed up, redirected and withdrawn are final: no action at all', () => {
    for (const from of ['signed_up', 'redirected', 'withdrawn'] as const) {
      for (const ctx of CONTEXTS) assert.deepEqual(allowedActions(from, ctx), [], from);
    }
    assert.deepEqual(allowedActions('unable_to_sign_up', normal), ['reopen']);
    assert.deepEqual(allowedActions('received', normal), ['route', 'redirect', 'unable_to_sign_up', 'withdraw']);
    assert.deepEqual(allowedActions('waiting', normal), ['redirect', 'sign_up', 'unable_to_sign_up', 'return_to_triage', 'withdraw']);
  });

  test('open means someone still has to act', () => {
    assert.deepEqual(REFERRAL_STATES.filter(isOpen), ['received', 'waiting']);
  });

  test('labels and statuses exist for every state and action, in plain words', () => {
    assert.deepEqual(Object.keys(STATE_LABELS).sort(), [...REFERRAL_STATES].sort());
    assert.deepEqual(Object.keys(REFERRER_STATUS).sort(), [...REFERRAL_STATES].sort());
    assert.deepEqual(Object.keys(ACTION_LABELS).sort(), [...REFERRAL_ACTIONS].sort());
    assert.equal(STATE_LABELS.received, 'Waiting for triage');
    assert.equal(STATE_LABELS.waiting, 'On the waiting list');
    assert.equal(REFERRER_STATUS.waiting, 'Accepted. Someone will contact the person soon.');
    for (const status of Object.values(REFERRER_STATUS)) {
      assert.match(status, /\.$/);
      assert.ok(!/triage|redirect|episode|unable_to/i.test(status), `no jargon: ${status}`);
    }
  });

  test('reasons for being unable to sign up', () => {
    assert.deepEqual(Object.keys(UNABLE_REASONS), [
      'no_response', 'declined', 'not_eligible', 'insufficient_information', 'moved_away', 'already_supported', 'other',
    ]);
    assert.equal(UNABLE_REASONS.no_response, 'No response after several attempts to contact');
    assert.equal(isUnableReason('declined'), true);
    assert.equal(isUnableReason('toString'), false);
    assert.equal(isUnableReason(undefined), false);
  });

  test('values from outside are checked', () => {
    assert.equal(isReferralState('waiting'), true);
    assert.equal(isReferralState('open'), false);
    assert.equal(isReferralAction('reopen'), true);
    assert.equal(isReferralAction('delete'), false);
    assert.throws(() => transition('open' as ReferralState, 'route', normal), /Unknown referral state: open/);
    assert.throws(() => transition('received', 'delete' as ReferralAction, normal), /Unknown referral action: delete/);
  });

  test('property: any sequence of actions from received only visits known states', () => {
    fc.assert(
      fc.property(context, fc.array(action, { maxLength: 40 }), (ctx, actions) => {
        let current: ReferralState = 'received';
        for (const act of actions) {
          const result = transition(current, act, ctx);
          if (result.ok) current = result.to;
          assert.ok(REFERRAL_STATES.includes(current));
        }
      }),
    );
  });

  test('property: every state can be reached from received, in every context', () => {
    for (const ctx of CONTEXTS) {
      const reached = new Set<ReferralState>(['received']);
      for (let grew = true; grew; ) {
        grew = false;
        for (const from of [...reached]) {
          for (const act of allowedActions(from, ctx)) {
            const result = transition(from, act, ctx);
            if (result.ok && !reached.has(result.to)) { reached.add(result.to); grew = true; }
          }
        }
      }
      assert.deepEqual([...reached].sort(), [...REFERRAL_STATES].sort(), JSON.stringify(ctx));
    }
  });

  test('property: allowedActions is exactly the actions transition accepts', () => {
    fc.assert(
      fc.property(state, context, (s, ctx) => {
        const allowed = allowedActions(s, ctx);
        for (const act of REFERRAL_ACTIONS) assert.equal(allowed.includes(act), transition(s, act, ctx).ok, `${s} ${act}`);
      }),
    );
  });

  test('property: a refusal is a non-empty sentence that differs from some other refusal', () => {
    fc.assert(
      fc.property(state, action, context, (s, act, ctx) => {
        const result = transition(s, act, ctx);
        fc.pre(!result.ok);
        if (result.ok) return;
        assert.ok(result.message.trim().length > 0);
        assert.ok(result.message.endsWith('.'));
        const others = REFERRAL_STATES.flatMap((s2) => REFERRAL_ACTIONS.map((a2) => transition(s2, a2, ctx)))
          .filter((r) => !r.ok)
          .map((r) => (r.ok ? '' : r.message));
        assert.ok(others.some((m) => m !== result.message));
      }),
    );
  });
});
