// Risk flags kept with the person, so every worker sees them before they call or visit: what the
// risk is, in words, never a colour alone. Pure: no I/O.

export const RISK_FLAGS = ['self_harm', 'suicidal_thoughts', 'harm_to_others', 'safeguarding', 'substance_use', 'lone_working'] as const;
export type RiskFlag = (typeof RISK_FLAGS)[number];

/** What the flag means, for the form. */
export const RISK_FLAG_NAMES: Record<RiskFlag, string> = {
  self_harm: 'Self-harm',
  suicidal_thoughts: 'Suicidal thoughts',
  harm_to_others: 'Risk of harm to others',
  safeguarding: 'Safeguarding concern',
  substance_use: 'Substance use',
  lone_working: 'Lone working: visit in pairs',
};

/** The flags in their fixed order, without unknown values or repeats. */
export function normaliseRiskFlags(values: readonly string[]): RiskFlag[] {
  const given = new Set(values);
  return RISK_FLAGS.filter((flag) => given.has(flag));
}

export function isRiskFlag(value: string): value is RiskFlag {
  return (RISK_FLAGS as readonly string[]).includes(value);
}
