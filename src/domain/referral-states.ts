// The life of a referral, from the day it comes in until it is signed up, closed or passed on.
// Pure: no I/O. The one place that decides which moves are allowed, so the triage queue, the
// referral page and the partner API refuse the same things in the same words.
//
//   received ──route──► waiting ──sign_up──► signed_up
//      │  ▲                │
//      │  └─return_to_triage┘      received or waiting ──redirect──► redirected
//      │                           received or waiting ──withdraw──► withdrawn
//      └─(fast track) sign_up      received or waiting ──unable_to_sign_up──► unable_to_sign_up
//                                  unable_to_sign_up ──reopen──► waiting (routed) or received

export const REFERRAL_STATES = ['received', 'waiting', 'signed_up', 'unable_to_sign_up', 'redirected', 'withdrawn'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

export const REFERRAL_ACTIONS = ['route', 'redirect', 'sign_up', 'unable_to_sign_up', 'return_to_triage', 'withdraw', 'reopen'] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

export interface TransitionContext {
  /** The referral has a routed organisation (so reopening puts it back on that waiting list). */
  routed: boolean;
  /** A returning person's referral that may skip triage and be signed up straight away. */
  fastTrack: boolean;
}

export type TransitionResult = { ok: true; to: ReferralState } | { ok: false; message: string };

export function isReferralState(value: unknown): value is ReferralState {
  return typeof value === 'string' && (REFERRAL_STATES as readonly string[]).includes(value);
}

export function isReferralAction(value: unknown): value is ReferralAction {
  return typeof value === 'string' && (REFERRAL_ACTIONS as readonly string[]).includes(value);
}

/** Still needs someone to act on it: waiting for triage, or on the waiting list. */
export function isOpen(state: ReferralState): boolean {
  return state === 'received' || state === 'waiting';
}

/** What staff see. */
export const STATE_LABELS: Readonly<Record<ReferralState, string>> = {
  received: 'Waiting for triage',
  waiting: 'On the waiting list',
  signed_up: 'Signed up',
  unable_to_sign_up: 'Unable to sign up',
  redirected: 'Redirected',
  withdrawn: 'Withdrawn',
};

/** What the person, or whoever referred them, sees: no service jargon. */
export const REFERRER_STATUS: Readonly<Record<ReferralState, string>> = {
  received: 'Received. We will look at it soon.',
  waiting: 'Accepted. Someone will contact the person soon.',
  signed_up: 'Support has started.',
  unable_to_sign_up: 'Closed. We were not able to start support.',
  redirected: 'Passed to a service that fits better.',
  withdrawn: 'Withdrawn.',
};

/** Button and audit wording for each action. */
export const ACTION_LABELS: Readonly<Record<ReferralAction, string>> = {
  route: 'Add to the waiting list',
  redirect: 'Redirect to another service',
  sign_up: 'Sign up',
  unable_to_sign_up: 'Close as unable to sign up',
  return_to_triage: 'Return to triage',
  withdraw: 'Withdraw',
  reopen: 'Reopen',
};

/** Why a referral could not be signed up. Asked for whenever it is closed that way. */
export const UNABLE_REASONS = {
  no_response: 'No response after several attempts to contact',
  declined: 'The person declined support',
  not_eligible: 'Not eligible',
  insufficient_information: 'Not enough information from the referrer to make contact',
  moved_away: 'Moved out of the area',
  already_supported: 'Already getting the right support elsewhere',
  other: 'Another reason',
} as const;

export type UnableReason = keyof typeof UNABLE_REASONS;

export function isUnableReason(value: unknown): value is UnableReason {
  return typeof value === 'string' && Object.hasOwn(UNABLE_REASONS, value);
}

// Refusals. Each says what is wrong in the referral's own terms and, where there is one, what to
// do instead, because the person reading it is usually in the middle of a phone call.

/** How a closed state is described in a sentence: 'This referral ...'. */
const CLOSED_AS: Record<Exclude<ReferralState, 'received' | 'waiting'>, string> = {
  signed_up: 'is already signed up',
  unable_to_sign_up: 'was closed as unable to sign up',
  redirected: 'has been redirected to another service',
  withdrawn: 'has been withdrawn',
};

/** What to do instead, for a closed state. */
const INSTEAD: Record<Exclude<ReferralState, 'received' | 'waiting'>, string> = {
  signed_up: 'Open the person’s support episode instead.',
  unable_to_sign_up: 'Reopen it first.',
  redirected: 'If the person needs our support after all, make a new referral.',
  withdrawn: 'If the person wants support again, make a new referral.',
};

/** The action as a past participle: 'it cannot be ...'. */
const DONE: Record<ReferralAction, string> = {
  route: 'added to a waiting list',
  redirect: 'redirected',
  sign_up: 'signed up',
  unable_to_sign_up: 'closed as unable to sign up',
  return_to_triage: 'returned to triage',
  withdraw: 'withdrawn',
  reopen: 'reopened',
};

function refuse(message: string): TransitionResult {
  return { ok: false, message };
}

function closedRefusal(state: Exclude<ReferralState, 'received' | 'waiting'>, action: ReferralAction): TransitionResult {
  if (state === 'signed_up' && action === 'sign_up') return refuse('This referral is already signed up. Open the person’s support episode to see their support.');
  if (state === 'redirected' && action === 'redirect') return refuse('This referral has already been redirected. Its record shows the service it went to.');
  if (state === 'withdrawn' && action === 'withdraw') return refuse('This referral has already been withdrawn.');
  if (state === 'unable_to_sign_up' && action === 'unable_to_sign_up') return refuse('This referral is already closed as unable to sign up.');
  if (state === 'unable_to_sign_up' && action === 'withdraw') {
    return refuse('This referral was closed as unable to sign up, so there is nothing to withdraw. It stays closed.');
  }
  return refuse(`This referral ${CLOSED_AS[state]}, so it cannot be ${DONE[action]}. ${INSTEAD[state]}`);
}

/**
 * Whether `action` may be taken on a referral in state `from`, and the state it moves to.
 * Refusals are plain English for staff and say what to do instead. Throws only for a state or
 * action that is not one of REFERRAL_STATES or REFERRAL_ACTIONS (a programming error).
 */
export function transition(from: ReferralState, action: ReferralAction, context: TransitionContext): TransitionResult {
  if (!isReferralState(from)) throw new Error(`Unknown referral state: ${String(from)}`);
  if (!isReferralAction(action)) throw new Error(`Unknown referral action: ${String(action)}`);

  if (from === 'received') {
    switch (action) {
      case 'route': return { ok: true, to: 'waiting' };
      case 'redirect': return { ok: true, to: 'redirected' };
      case 'unable_to_sign_up': return { ok: true, to: 'unable_to_sign_up' };
      case 'withdraw': return { ok: true, to: 'withdrawn' };
      case 'sign_up':
        return context.fastTrack
          ? { ok: true, to: 'signed_up' }
          : refuse('Only a referral on the waiting list can be signed up. Triage it first.');
      case 'return_to_triage': return refuse('This referral is already waiting for triage.');
      case 'reopen': return refuse('This referral is waiting for triage, so it is still open and there is nothing to reopen.');
    }
  }

  if (from === 'waiting') {
    switch (action) {
      case 'redirect': return { ok: true, to: 'redirected' };
      case 'sign_up': return { ok: true, to: 'signed_up' };
      case 'unable_to_sign_up': return { ok: true, to: 'unable_to_sign_up' };
      case 'return_to_triage': return { ok: true, to: 'received' };
      case 'withdraw': return { ok: true, to: 'withdrawn' };
      case 'route':
        return refuse('This referral is already on a waiting list. To send it somewhere else, return it to triage first.');
      case 'reopen': return refuse('This referral is on the waiting list, so it is still open and there is nothing to reopen.');
    }
  }

  if (from === 'unable_to_sign_up' && action === 'reopen') {
    return { ok: true, to: context.routed ? 'waiting' : 'received' };
  }
  return closedRefusal(from, action);
}

/** The actions allowed in a state, in REFERRAL_ACTIONS order. */
export function allowedActions(state: ReferralState, context: TransitionContext): ReferralAction[] {
  return REFERRAL_ACTIONS.filter((action) => transition(state, action, context).ok);
}
