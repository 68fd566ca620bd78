// How and when it is safe to contact a person ("I decide how I am communicated with"). Asked once
// at referral and kept with the person, so every worker sees the same answer before they call,
// text or write. Pure: no I/O.

export interface ContactPreferences {
  /** may we phone */
  call: boolean;
  /** may we leave a voicemail (someone else may hear it) */
  voicemail: boolean;
  /** may we send a text message */
  text: boolean;
  /** may we email */
  email: boolean;
  /** may we send a letter (someone else may open it) */
  letter: boolean;
  /** the best times, in the person's words ("weekday mornings") */
  times: string;
  /** anything else to know ("do not say where you are calling from if my partner answers") */
  notes: string;
}

export const CONTACT_METHODS = ['call', 'voicemail', 'text', 'email', 'letter'] as const;
export type ContactMethod = (typeof CONTACT_METHODS)[number];

export const CONTACT_METHOD_NAMES: Record<ContactMethod, string> = {
  call: 'Phone call',
  voicemail: 'Voicemail',
  text: 'Text message',
  email: 'Email',
  letter: 'Letter',
};

/** Nothing is assumed safe until the person says so. */
export const NO_PREFERENCES: ContactPreferences = { call: false, voicemail: false, text: false, email: false, letter: false, times: '', notes: '' };

/** Stored JSON (or anything) as preferences: unknown or missing answers count as "no". */
export function contactPreferencesFrom(value: unknown): ContactPreferences {
  const raw = value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
  return {
    call: raw.call === true,
    voicemail: raw.voicemail === true,
    text: raw.text === true,
    email: raw.email === true,
    letter: raw.letter === true,
    times: text(raw.times, 200),
    notes: text(raw.notes, 500),
  };
}

/** True when the person has answered at all (any method allowed, or times or notes given). */
export function hasPreferences(p: ContactPreferences): boolean {
  return CONTACT_METHODS.some((m) => p[m]) || p.times !== '' || p.notes !== '';
}

/** The methods the person allows, in plain words ("Phone call, Text message"), or a warning when none. */
export function describeAllowedMethods(p: ContactPreferences): string {
  const allowed = CONTACT_METHODS.filter((m) => p[m]).map((m) => CONTACT_METHOD_NAMES[m]);
  return allowed.length ? allowed.join(', ') : 'Not known: ask before leaving messages';
}

/** May a message (email or text) about their referral be sent to the person themselves? */
export function mayMessage(p: ContactPreferences, channel: 'email' | 'sms'): boolean {
  return channel === 'email' ? p.email : p.text;
}
