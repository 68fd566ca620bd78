// Reading the triage forms: each field checked, each problem named with what to do, in the order
// the fields appear on the page (so the error summary reads top to bottom). Choices that depend
// on the database (which organisations, which workers, which service) are checked by the service.
// Pure: no I/O.
import type { FieldError } from '../../../platform/errors.ts';
import type { Urgency } from '../../../domain/working-days.ts';
import { MENTAL_HEALTH_NEEDS, type MentalHealthNeed } from '../model.ts';

export const NOTE_MAX = 2_000;
const URGENCIES: readonly Urgency[] = ['crisis', 'urgent', 'routine'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A posted form: single fields as trimmed strings, repeated fields (checkboxes) as lists. */
export type PostedForm = Record<string, string | string[] | undefined>;

const text = (form: PostedForm, name: string): string => {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
};
const list = (form: PostedForm, name: string): string[] => {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string' && v !== '');
};
const version = (form: PostedForm): number => {
  const raw = text(form, 'version');
  return /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
};
const isUrgency = (value: string): value is Urgency => (URGENCIES as readonly string[]).includes(value);

function requireNote(problems: FieldError[], field: string, value: string, missing: string, label: string): void {
  if (!value) problems.push({ field, message: missing });
  else if (value.length > NOTE_MAX) problems.push({ field, message: `${label} must be ${NOTE_MAX.toLocaleString('en-GB')} characters or fewer` });
}

/** Yes, no, or not known: true, false or null. */
function yesNoUnknown(value: string, unknown: string): boolean | null | undefined {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  if (value === unknown) return null;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The triage decision

export interface TriageValues {
  version: string;
  urgency: string;
  reasons: string;
  mentalHealthNeed: string;
  dualDiagnosis: string;
  offendingHistory: string;
  needs: string[];
  /** 'org:<organisation id>' or 'redirect' */
  route: string;
  workerId: string;
}

export interface TriageDecision {
  version: number;
  urgency: Urgency;
  reasons: string;
  mentalHealthNeed: MentalHealthNeed;
  dualDiagnosis: boolean | null;
  /** null: not asked (only asked where relevant) */
  offendingHistory: boolean | null;
  needs: string[];
  route: { kind: 'organisation'; organisationId: string } | { kind: 'redirect' };
  workerId: string | null;
}

export function triageValues(form: PostedForm): TriageValues {
  return {
    version: text(form, 'version'),
    urgency: text(form, 'urgency'),
    reasons: text(form, 'reasons'),
    mentalHealthNeed: text(form, 'mentalHealthNeed'),
    dualDiagnosis: text(form, 'dualDiagnosis'),
    offendingHistory: text(form, 'offendingHistory') || 'not_asked',
    needs: [...new Set(list(form, 'needs'))],
    route: text(form, 'route'),
    workerId: text(form, 'workerId'),
  };
}

/**
 * The decision, or the problems with it. `knownNeeds` are the needs that may be chosen: anything
 * else sent is dropped. Choosing to redirect needs nothing else: the redirect form asks for what
 * it needs.
 */
export function readTriageForm(form: PostedForm, knownNeeds: ReadonlySet<string>): { values: TriageValues; decision: TriageDecision | null; problems: FieldError[] } {
  const values = triageValues(form);
  const route = values.route === 'redirect'
    ? { kind: 'redirect' as const }
    : values.route.startsWith('org:') && UUID.test(values.route.slice(4))
      ? { kind: 'organisation' as const, organisationId: values.route.slice(4).toLowerCase() }
      : null;
  if (route?.kind === 'redirect') {
    return { values, problems: [], decision: { version: version(form), urgency: 'routine', reasons: '', mentalHealthNeed: 'not_known', dualDiagnosis: null, offendingHistory: null, needs: [], route, workerId: null } };
  }
  const problems: FieldError[] = [];
  if (!isUrgency(values.urgency)) problems.push({ field: 'urgency', message: 'Choose how urgent this referral is' });
  requireNote(problems, 'reasons', values.reasons, 'Enter the reasons for your decision', 'Reasons');
  const mentalHealthNeed = (MENTAL_HEALTH_NEEDS as readonly string[]).includes(values.mentalHealthNeed) ? (values.mentalHealthNeed as MentalHealthNeed) : null;
  if (!mentalHealthNeed) problems.push({ field: 'mentalHealthNeed', message: 'Choose serious mental illness, common mental illness, or not known yet' });
  const dualDiagnosis = yesNoUnknown(values.dualDiagnosis, 'not_known');
  if (dualDiagnosis === undefined) problems.push({ field: 'dualDiagnosis', message: 'Choose whether they have a dual diagnosis (mental illness with drug or alcohol use), or not known' });
  const offendingHistory = yesNoUnknown(values.offendingHistory, 'not_asked');
  if (offendingHistory === undefined) problems.push({ field: 'offendingHistory', message: 'Choose yes, no, or not asked' });
  if (!route) problems.push({ field: 'route', message: 'Choose where this referral should go: an area’s strategic partner, a delivery network provider, or another service' });
  const workerId = values.workerId === '' ? null : UUID.test(values.workerId) ? values.workerId.toLowerCase() : undefined;
  if (workerId === undefined) problems.push({ field: 'workerId', message: 'Choose a responsible worker from the list, or leave it empty to allocate later' });
  values.needs = values.needs.filter((n) => knownNeeds.has(n));
  if (problems.length || !route || !mentalHealthNeed || dualDiagnosis === undefined || offendingHistory === undefined || workerId === undefined || !isUrgency(values.urgency)) {
    return { values, decision: null, problems };
  }
  return {
    values,
    problems,
    decision: {
      version: version(form), urgency: values.urgency, reasons: values.reasons, mentalHealthNeed, dualDiagnosis, offendingHistory,
      needs: values.needs, route, workerId,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Changing urgency on the waiting list

export interface UrgencyChange {
  version: number;
  urgency: Urgency;
  reason: string;
}

export function readUrgencyForm(form: PostedForm): { values: Record<string, string>; change: UrgencyChange | null; problems: FieldError[] } {
  const values = { version: text(form, 'version'), urgency: text(form, 'urgency'), reason: text(form, 'reason') };
  const problems: FieldError[] = [];
  if (!isUrgency(values.urgency)) problems.push({ field: 'urgency', message: 'Choose how urgent this referral is now' });
  requireNote(problems, 'reason', values.reason, 'Enter why the urgency has changed', 'The reason');
  if (problems.length || !isUrgency(values.urgency)) return { values, change: null, problems };
  return { values, problems, change: { version: version(form), urgency: values.urgency, reason: values.reason } };
}

// ---------------------------------------------------------------------------------------------
// Who this is

export type MatchChoice = { kind: 'same'; personId: string } | { kind: 'new' };

export function readMatchForm(form: PostedForm): { values: Record<string, string>; choice: MatchChoice | null; version: number; problems: FieldError[] } {
  const values = { version: text(form, 'version'), choice: text(form, 'choice') };
  const choice: MatchChoice | null = values.choice === 'new'
    ? { kind: 'new' }
    : UUID.test(values.choice) ? { kind: 'same', personId: values.choice.toLowerCase() } : null;
  const problems: FieldError[] = choice ? [] : [{ field: 'choice', message: 'Choose the person this is, or that this is someone new' }];
  return { values, choice, version: version(form), problems };
}

// ---------------------------------------------------------------------------------------------
// Redirect

export interface RedirectInput {
  version: number;
  serviceId: string;
  note: string;
  outsideEligibility: boolean;
}

export function readRedirectForm(form: PostedForm): { values: Record<string, string>; input: RedirectInput | null; problems: FieldError[] } {
  const values = {
    version: text(form, 'version'), q: text(form, 'q').slice(0, 200), serviceId: text(form, 'serviceId').slice(0, 200),
    note: text(form, 'note'), outsideEligibility: text(form, 'outsideEligibility'),
  };
  const problems: FieldError[] = [];
  if (!values.serviceId) problems.push({ field: 'serviceId', message: 'Search for the service, then choose it from the results' });
  requireNote(problems, 'note', values.note, 'Enter a note for the service: why you are passing the referral to them', 'The note');
  const outside = yesNoUnknown(values.outsideEligibility, '');
  if (outside === undefined || outside === null) problems.push({ field: 'outsideEligibility', message: 'Choose yes if this is because the person is outside who our service is for, or no' });
  if (problems.length || outside === undefined || outside === null) return { values, input: null, problems };
  return { values, problems, input: { version: version(form), serviceId: values.serviceId, note: values.note, outsideEligibility: outside } };
}

// ---------------------------------------------------------------------------------------------
// Allocation and withdrawal

export interface AllocationInput {
  version: number;
  workerId: string;
  note: string;
}

export function readAllocationForm(form: PostedForm): { values: Record<string, string>; input: AllocationInput | null; problems: FieldError[] } {
  const values = { version: text(form, 'version'), workerId: text(form, 'workerId'), note: text(form, 'note') };
  const problems: FieldError[] = [];
  if (!UUID.test(values.workerId)) problems.push({ field: 'workerId', message: 'Choose who will be responsible for this referral' });
  if (values.note.length > NOTE_MAX) problems.push({ field: 'note', message: `The handover note must be ${NOTE_MAX.toLocaleString('en-GB')} characters or fewer` });
  if (problems.length) return { values, input: null, problems };
  return { values, problems, input: { version: version(form), workerId: values.workerId.toLowerCase(), note: values.note } };
}

export const WITHDRAW_REASONS = {
  duplicate: 'A duplicate of another referral',
  entered_in_error: 'Entered in error',
} as const;
export type WithdrawReason = keyof typeof WITHDRAW_REASONS;

export interface WithdrawalInput {
  version: number;
  reason: WithdrawReason;
  note: string;
}

export function readWithdrawalForm(form: PostedForm): { values: Record<string, string>; input: WithdrawalInput | null; problems: FieldError[] } {
  const values = { version: text(form, 'version'), reason: text(form, 'reason'), note: text(form, 'note') };
  const problems: FieldError[] = [];
  const reason = Object.hasOwn(WITHDRAW_REASONS, values.reason) ? (values.reason as WithdrawReason) : null;
  if (!reason) problems.push({ field: 'reason', message: 'Choose why you are withdrawing this referral' });
  requireNote(problems, 'note', values.note, reason === 'duplicate'
    ? 'Enter a note saying which referral this duplicates, like its reference'
    : 'Enter a note saying what was entered in error', 'The note');
  if (problems.length || !reason) return { values, input: null, problems };
  return { values, problems, input: { version: version(form), reason, note: values.note } };
}
