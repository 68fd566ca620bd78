// Words that suggest someone may be in crisis right now. When a search uses them, crisis options
// are shown first, before any listing. Better to show them to someone who did not need them than
// to miss someone who did, so the list is broad and matching is forgiving.

const PHRASES = [
  'suicide', 'suicidal', 'kill myself', 'killing myself', 'end my life', 'ending my life', 'end it all',
  'want to die', 'wanting to die', 'wanna die', 'wish i was dead', 'wish i were dead', 'better off dead', 'no reason to live',
  'self harm', 'self-harm', 'selfharm', 'self harming', 'hurt myself', 'hurting myself', 'cutting myself', 'overdose',
  'crisis', 'emergency', 'not safe', "can't go on", 'cant go on', 'can not go on', 'cannot go on', 'hopeless',
];

function normalise(text: string): string {
  return ` ${text.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[’']/g, "'").replace(/[^a-z' -]+/g, ' ').replace(/\s+/g, ' ').trim()} `;
}

/** True when the words someone typed suggest they may be in crisis. */
export function suggestsCrisis(text: string): boolean {
  const t = normalise(text);
  if (t.trim() === '') return false;
  // A phrase counts where a word starts with it: "suicidal" and "self-harming" count, "sunemergency" does not.
  return PHRASES.some((phrase) => t.includes(` ${phrase}`));
}
