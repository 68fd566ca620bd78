// What a person allows a carer to see or be told ("a crisis plan is always shared with me if
// consent is given"), and how a change of consent is named. A scope is a set of the three things
// a carer may have: contact about appointments, the support plan and goals, the crisis plan. An
// empty scope means nothing is shared. Pure: no I/O.

export const CONSENT_SCOPES = ['appointments', 'plan', 'crisis_plan'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/** For staff: what the carer may see or be told. */
export const SCOPE_NAMES: Record<ConsentScope, string> = {
  appointments: 'Contact about appointments',
  plan: 'Support plan and goals',
  crisis_plan: 'Crisis plan',
};

/** For the person, in their own pages: what they let the carer have. */
export const SCOPE_NAMES_FOR_PERSON: Record<ConsentScope, string> = {
  appointments: 'We may contact them about your appointments',
  plan: 'They can see your support plan and goals',
  crisis_plan: 'They can see your crisis plan',
};

/** For the carer: what the person shares with them. */
export const SCOPE_NAMES_FOR_CARER: Record<ConsentScope, string> = {
  appointments: 'We may contact you about their appointments',
  plan: 'You can see their support plan and goals',
  crisis_plan: 'You can see their crisis plan',
};

/** How the person gave (or changed) their consent. 'own_pages': they did it themselves, through a secure link. */
export const CONSENT_METHODS = ['in_person', 'phone', 'video', 'in_writing', 'own_pages'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
/** The ways a staff member may record. */
export const STAFF_CONSENT_METHODS = ['in_person', 'phone', 'video', 'in_writing'] as const satisfies readonly ConsentMethod[];

export const CONSENT_METHOD_NAMES: Record<ConsentMethod, string> = {
  in_person: 'In person',
  phone: 'By phone',
  video: 'By video call',
  in_writing: 'In writing',
  own_pages: 'By the person, in their own pages',
};

export const isConsentScope = (value: unknown): value is ConsentScope => (CONSENT_SCOPES as readonly unknown[]).includes(value);
export const isStaffConsentMethod = (value: unknown): value is (typeof STAFF_CONSENT_METHODS)[number] =>
  (STAFF_CONSENT_METHODS as readonly unknown[]).includes(value);

/** Any list of values as a scope: known values only, each once, in the canonical order. */
export function normaliseScope(values: readonly unknown[]): ConsentScope[] {
  const given = new Set(values);
  return CONSENT_SCOPES.filter((s) => given.has(s));
}

/** May a carer with this scope have `what`? */
export function allows(scope: readonly string[], what: ConsentScope): boolean {
  return scope.includes(what);
}

/** True when `after` adds nothing to `before` (the same, or narrower). */
export function isWithin(after: readonly string[], before: readonly string[]): boolean {
  return after.every((s) => before.includes(s));
}

export type ScopeChange = 'given' | 'none_given' | 'widened' | 'narrowed' | 'changed' | 'withdrawn' | 'unchanged';

/**
 * Names a consent decision. `before` is null for a new link (the first decision): consent is then
 * 'given', or 'none_given' when nothing is shared.
 */
export function scopeChange(before: readonly string[] | null, after: readonly string[]): ScopeChange {
  const a = normaliseScope(after);
  if (before === null) return a.length ? 'given' : 'none_given';
  const b = normaliseScope(before);
  const same = a.length === b.length && isWithin(a, b);
  if (same) return 'unchanged';
  if (a.length === 0) return 'withdrawn';
  if (b.length === 0) return 'given';
  if (isWithin(a, b)) return 'narrowed';
  if (isWithin(b, a)) return 'widened';
  return 'changed';
}

export const SCOPE_CHANGE_NAMES: Record<ScopeChange, string> = {
  given: 'Consent given',
  none_given: 'Linked without consent to share',
  widened: 'Consent widened',
  narrowed: 'Consent narrowed',
  changed: 'Consent changed',
  withdrawn: 'Consent withdrawn',
  unchanged: 'Consent confirmed, unchanged',
};

/** The scope as words for staff ("Crisis plan, Support plan and goals"), or that nothing is shared. */
export function describeScope(scope: readonly string[], names: Record<ConsentScope, string> = SCOPE_NAMES): string {
  const known = normaliseScope(scope);
  return known.length ? known.map((s) => names[s]).join(', ') : 'Nothing shared';
}
