// The life of a social prescription, from the navigator sending it to the person finishing (or
// not). Pure: no I/O. The one place that decides which moves are allowed, so the provider's inbox,
// the navigator's pages and the background chasing refuse the same things in the same words.
//
//   sent ──accept──► accepted ──start──► started ──complete──► completed
//     │                 │                   └──────drop_out──► dropped_out
//     ├──decline──► declined
//     └─────────────────┴──withdraw (by the navigator)──► withdrawn
//
// Attendances are recorded while a prescription is started; they do not change its state.

export const PRESCRIPTION_STATES = ['sent', 'accepted', 'declined', 'started', 'completed', 'dropped_out', 'withdrawn'] as const;
export type PrescriptionState = (typeof PRESCRIPTION_STATES)[number];

export const PRESCRIPTION_ACTIONS = ['accept', 'decline', 'start', 'complete', 'drop_out', 'withdraw'] as const;
export type PrescriptionAction = (typeof PRESCRIPTION_ACTIONS)[number];

/**
 * Who takes an action: the provider that received the prescription (or, for an activity nobody
 * in Lantern runs, the navigator on its behalf), or the navigator who prescribed it.
 */
export type PrescriptionSide = 'provider' | 'prescriber';

export const ACTION_SIDE: Readonly<Record<PrescriptionAction, PrescriptionSide>> = {
  accept: 'provider',
  decline: 'provider',
  start: 'provider',
  complete: 'provider',
  drop_out: 'provider',
  withdraw: 'prescriber',
};

export type TransitionResult = { ok: true; to: PrescriptionState } | { ok: false; message: string };

export function isPrescriptionState(value: unknown): value is PrescriptionState {
  return typeof value === 'string' && (PRESCRIPTION_STATES as readonly string[]).includes(value);
}

export function isPrescriptionAction(value: unknown): value is PrescriptionAction {
  return typeof value === 'string' && (PRESCRIPTION_ACTIONS as readonly string[]).includes(value);
}

/** Still going: someone has something left to do. An open prescription to a service blocks another to the same one. */
export function isOpen(state: PrescriptionState): boolean {
  return state === 'sent' || state === 'accepted' || state === 'started';
}

/** Waiting for the provider to accept or decline: what chasing and the caseload count. */
export function isAwaitingAnswer(state: PrescriptionState): boolean {
  return state === 'sent';
}

/** Attendances are recorded for someone who has started and not yet finished. */
export function mayRecordAttendance(state: PrescriptionState): boolean {
  return state === 'started';
}

/** What staff see. */
export const STATE_LABELS: Readonly<Record<PrescriptionState, string>> = {
  sent: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  started: 'Started',
  completed: 'Completed',
  dropped_out: 'Dropped out',
  withdrawn: 'Withdrawn',
};

/** Button and history wording for each action. */
export const ACTION_LABELS: Readonly<Record<PrescriptionAction, string>> = {
  accept: 'Accept',
  decline: 'Decline',
  start: 'Record the start',
  complete: 'Record that they completed it',
  drop_out: 'Record that they dropped out',
  withdraw: 'Withdraw the prescription',
};

/** Why a provider declined. "Other" needs words. */
export const DECLINE_REASONS = {
  full: 'Full: no places at the moment',
  not_suitable: 'Not suitable for this person',
  cannot_contact: 'We could not contact the person',
  other: 'Another reason',
} as const;
export type DeclineReason = keyof typeof DECLINE_REASONS;

/** Why someone who started stopped before the end. */
export const DROP_OUT_REASONS = {
  stopped_coming: 'Stopped coming without saying why',
  chose_to_stop: 'Chose to stop',
  not_right: 'The activity was not right for them',
  circumstances: 'Their health or circumstances changed',
  moved_away: 'Moved away',
  other: 'Another reason',
} as const;
export type DropOutReason = keyof typeof DROP_OUT_REASONS;

/** Why a navigator took a prescription back. */
export const WITHDRAW_REASONS = {
  changed_mind: 'The person no longer wants it',
  found_elsewhere: 'The person is getting this elsewhere',
  not_answered: 'The provider has not answered',
  entered_in_error: 'Sent in error',
  other: 'Another reason',
} as const;
export type WithdrawReason = keyof typeof WITHDRAW_REASONS;

const hasKey = <T extends object>(record: T, value: unknown): value is keyof T => typeof value === 'string' && Object.hasOwn(record, value);
export const isDeclineReason = (value: unknown): value is DeclineReason => hasKey(DECLINE_REASONS, value);
export const isDropOutReason = (value: unknown): value is DropOutReason => hasKey(DROP_OUT_REASONS, value);
export const isWithdrawReason = (value: unknown): value is WithdrawReason => hasKey(WITHDRAW_REASONS, value);

// Refusals. Each says what is wrong in the prescription's own terms and what to do instead.

type Closed = Exclude<PrescriptionState, 'sent' | 'accepted' | 'started'>;

/** How a finished state is described in a sentence: 'This prescription ...'. */
const CLOSED_AS: Record<Closed, string> = {
  declined: 'was declined by the provider',
  completed: 'is complete',
  dropped_out: 'ended when the person dropped out',
  withdrawn: 'was withdrawn',
};

/** The action as a past participle: 'it cannot be ...'. */
const DONE: Record<PrescriptionAction, string> = {
  accept: 'accepted',
  decline: 'declined',
  start: 'started',
  complete: 'marked as completed',
  drop_out: 'marked as dropped out',
  withdraw: 'withdrawn',
};

const refuse = (message: string): TransitionResult => ({ ok: false, message });

function closedRefusal(state: Closed, action: PrescriptionAction): TransitionResult {
  if (state === 'declined' && action === 'decline') return refuse('This prescription has already been declined.');
  if (state === 'withdrawn' && action === 'withdraw') return refuse('This prescription has already been withdrawn.');
  if (state === 'completed' && action === 'complete') return refuse('This prescription has already been marked as completed.');
  if (state === 'dropped_out' && action === 'drop_out') return refuse('This prescription has already been marked as dropped out.');
  return refuse(`This prescription ${CLOSED_AS[state]}, so it cannot be ${DONE[action]}. If the person still wants it, prescribe it again.`);
}

/**
 * Whether `action` may be taken on a prescription in state `from`, and the state it moves to.
 * Refusals are plain English for staff and say what to do instead. Throws only for a state or
 * action that is not one of PRESCRIPTION_STATES or PRESCRIPTION_ACTIONS (a programming error).
 */
export function transition(from: PrescriptionState, action: PrescriptionAction): TransitionResult {
  if (!isPrescriptionState(from)) throw new Error(`Unknown prescription state: ${String(from)}`);
  if (!isPrescriptionAction(action)) throw new Error(`Unknown prescription action: ${String(action)}`);

  if (from === 'sent') {
    switch (action) {
      case 'accept': return { ok: true, to: 'accepted' };
      case 'decline': return { ok: true, to: 'declined' };
      case 'withdraw': return { ok: true, to: 'withdrawn' };
      case 'start': return refuse('The provider has not accepted this prescription yet. Accept it before recording the start.');
      case 'complete': return refuse('This prescription has not been accepted or started yet, so it cannot be marked as completed.');
      case 'drop_out': return refuse('The person has not started yet, so they cannot drop out. If they will not be coming, decline the prescription with a reason.');
    }
  }

  if (from === 'accepted') {
    switch (action) {
      case 'start': return { ok: true, to: 'started' };
      case 'withdraw': return { ok: true, to: 'withdrawn' };
      case 'accept': return refuse('This prescription has already been accepted.');
      case 'decline': return refuse('This prescription has already been accepted, so it cannot be declined. If the person is not coming after all, ask their navigator to withdraw it.');
      case 'complete': return refuse('The person has not started yet, so they cannot have completed it. Record the start first.');
      case 'drop_out': return refuse('The person has not started yet, so they cannot drop out. If they will not be coming, ask their navigator to withdraw the prescription.');
    }
  }

  if (from === 'started') {
    switch (action) {
      case 'complete': return { ok: true, to: 'completed' };
      case 'drop_out': return { ok: true, to: 'dropped_out' };
      case 'start': return refuse('The start of this prescription has already been recorded.');
      case 'accept': return refuse('This prescription has already been accepted and started.');
      case 'decline': return refuse('The person has already started, so the prescription cannot be declined. If they have stopped coming, record that they dropped out.');
      case 'withdraw': return refuse('The person has already started, so the prescription cannot be withdrawn. The provider records whether they complete it or drop out.');
    }
  }

  return closedRefusal(from, action);
}

/** The actions allowed in a state, in PRESCRIPTION_ACTIONS order. */
export function allowedActions(state: PrescriptionState): PrescriptionAction[] {
  return PRESCRIPTION_ACTIONS.filter((action) => transition(state, action).ok);
}
