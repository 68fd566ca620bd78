// Is a referred person someone we already know? Scores a referral's details against an existing
// person record, for a triage worker to confirm. Pure: no I/O.
//
// Nothing here merges records. The only match strong enough to act on without a person is an
// identical valid NHS number ('certain'); everything else is offered, with reasons in plain
// English, for someone to confirm or reject.

import { normaliseNhsNumber } from './nhs-number.ts';
import { parseCalendarDate } from './calendar-date.ts';
import { parsePostcode } from './postcode.ts';

export interface MatchInput {
  nhsNumber: string | null;
  givenName: string;
  familyName: string;
  /** 'YYYY-MM-DD' */
  dateOfBirth: string | null;
  postcode: string | null;
  phone: string | null;
  email: string | null;
}

export const MATCH_LEVELS = ['certain', 'likely', 'possible', 'unlikely'] as const;
export type MatchLevel = (typeof MATCH_LEVELS)[number];

/** Levels worth showing to a triage worker; 'unlikely' candidates are not offered. */
export const OFFER_LEVELS = ['certain', 'likely', 'possible'] as const;

export interface MatchResult {
  /** Higher is more alike. For ordering candidates; the level is what decides. */
  score: number;
  level: MatchLevel;
  /** What agrees and what conflicts, for the triage worker. */
  reasons: string[];
}

// ---------------------------------------------------------------------------------------------
// Jaro-Winkler similarity (Winkler 1990)

/** Jaro similarity, 0 (nothing alike) to 1 (the same). */
export function jaro(a: string, b: string): number {
  const s1 = Array.from(a);
  const s2 = Array.from(b);
  if (s1.length === 0 || s2.length === 0) return s1.length === s2.length ? 1 : 0;
  const window = Math.max(0, Math.floor(Math.max(s1.length, s2.length) / 2) - 1);
  const used1 = new Array<boolean>(s1.length).fill(false);
  const used2 = new Array<boolean>(s2.length).fill(false);
  let matches = 0;
  for (let i = 0; i < s1.length; i++) {
    const end = Math.min(s2.length - 1, i + window);
    for (let j = Math.max(0, i - window); j <= end; j++) {
      if (!used2[j] && s1[i] === s2[j]) {
        used1[i] = used2[j] = true;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let halfTranspositions = 0;
  for (let i = 0, k = 0; i < s1.length; i++) {
    if (!used1[i]) continue;
    while (!used2[k]) k++;
    if (s1[i] !== s2[k]) halfTranspositions++;
    k++;
  }
  const m = matches;
  return (m / s1.length + m / s2.length + (m - halfTranspositions / 2) / m) / 3;
}

/**
 * Jaro-Winkler similarity: Jaro, raised for a shared prefix of up to 4 characters by 0.1 per
 * character, when Jaro is above 0.7 (Winkler's boost threshold). MARTHA / MARHTA gives 0.961.
 */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j <= 0.7) return j;
  const s1 = Array.from(a);
  const s2 = Array.from(b);
  let prefix = 0;
  while (prefix < 4 && prefix < s1.length && prefix < s2.length && s1[prefix] === s2[prefix]) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

// ---------------------------------------------------------------------------------------------
// Normalising what people type

/**
 * A name reduced to lower-case letters and digits: accents, case, hyphens, apostrophes and
 * spaces removed ('O’Brien-Smith' gives 'obriensmith', 'José' gives 'jose').
 */
export function normaliseName(name: string): string {
  return String(name ?? '')
    .normalize('NFKD')
    // Upper then lower folds case fully ('ß' becomes 'ss'); it can add accents, hence NFKD again.
    .toUpperCase()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** A phone number as its digits, with +44 or 0044 written as 0 ('+44 (0)7700 900123' gives '07700900123'). */
export function normalisePhone(phone: string | null): string | null {
  let text = String(phone ?? '').replace(/\(0\)/g, '').replace(/[^\d+]/g, '');
  if (text.startsWith('+44')) text = `0${text.slice(3)}`;
  else if (text.startsWith('0044')) text = `0${text.slice(4)}`;
  const digits = text.replace(/\D/g, '');
  // Shorter than any UK number with its area code: too little to match on.
  return digits.length >= 10 ? digits : null;
}

function normaliseEmail(email: string | null): string | null {
  const text = String(email ?? '').trim().toLowerCase();
  return text.includes('@') ? text : null;
}

// ---------------------------------------------------------------------------------------------
// Given-name short forms

// Common English short forms and the full names they stand for (normalised). A Map, not an
// object, so a name like 'Constructor' is not looked up on Object.prototype.
const SHORT_FORMS: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  abby: ['abigail'], abbie: ['abigail'],
  alex: ['alexander', 'alexandra'], sandy: ['alexander', 'alexandra'],
  andy: ['andrew'], drew: ['andrew'],
  becky: ['rebecca'], becca: ['rebecca'],
  ben: ['benjamin'], benny: ['benjamin'],
  bill: ['william'], billy: ['william'], will: ['william'], willy: ['william'], liam: ['william'],
  bob: ['robert'], bobby: ['robert'], rob: ['robert'], robbie: ['robert'], bert: ['robert', 'albert', 'herbert'],
  cath: ['catherine', 'cathryn'], cathy: ['catherine', 'cathryn'],
  kath: ['katherine', 'kathryn', 'kathleen'], kathy: ['katherine', 'kathryn', 'kathleen'],
  kate: ['catherine', 'katherine', 'kathryn'], katie: ['catherine', 'katherine', 'kathryn'], kitty: ['catherine', 'katherine'],
  charlie: ['charles', 'charlotte'], chuck: ['charles'],
  chris: ['christopher', 'christine', 'christina', 'christian'], kit: ['christopher'],
  dan: ['daniel'], danny: ['daniel'], dani: ['daniel', 'danielle'],
  dave: ['david'], davy: ['david'],
  debbie: ['deborah', 'debra'], deb: ['deborah', 'debra'],
  ed: ['edward', 'edmund'], eddie: ['edward', 'edmund'], ted: ['edward'], ned: ['edward'],
  fran: ['frances', 'francesca'], frank: ['francis'], frankie: ['francis', 'frances'],
  fred: ['frederick'], freddie: ['frederick'],
  greg: ['gregory'],
  harry: ['henry', 'harold'], hal: ['henry', 'harold'],
  jack: ['john'], johnny: ['john', 'jonathan'], jon: ['jonathan'],
  jen: ['jennifer'], jenny: ['jennifer'], jenni: ['jennifer'],
  jess: ['jessica'], jessie: ['jessica'],
  jim: ['james'], jimmy: ['james'], jamie: ['james'],
  jo: ['joanne', 'joanna', 'josephine'],
  joe: ['joseph'], joey: ['joseph'],
  josh: ['joshua'],
  liz: ['elizabeth'], lizzie: ['elizabeth'], beth: ['elizabeth', 'bethany'], betty: ['elizabeth'], eliza: ['elizabeth'],
  libby: ['elizabeth'], ellie: ['eleanor', 'elizabeth', 'ellen'],
  maggie: ['margaret'], meg: ['margaret'], peggy: ['margaret'],
  mandy: ['amanda'],
  matt: ['matthew'],
  mike: ['michael'], mick: ['michael'], mickey: ['michael'],
  nick: ['nicholas'], nicky: ['nicholas', 'nicola'],
  pat: ['patrick', 'patricia'],
  pete: ['peter'],
  phil: ['philip', 'phillip'],
  rich: ['richard'], rick: ['richard'], ricky: ['richard'], dick: ['richard'],
  sam: ['samuel', 'samantha'], sammy: ['samuel', 'samantha'],
  steve: ['stephen', 'steven'], stevie: ['stephen', 'steven'],
  sue: ['susan', 'suzanne'], susie: ['susan', 'suzanne'], suzy: ['susan', 'suzanne'],
  tim: ['timothy'],
  tom: ['thomas'], tommy: ['thomas'],
  tony: ['anthony', 'antony'],
  vicky: ['victoria'], vikki: ['victoria'],
}));

/** Spellings of one given name (normalised). */
const VARIANT_SPELLINGS: readonly (readonly string[])[] = [
  ['catherine', 'katherine', 'kathryn', 'cathryn', 'katharine'],
  ['stephen', 'steven'],
  ['philip', 'phillip'],
  ['anthony', 'antony'],
  ['deborah', 'debra'],
  ['jonathan', 'johnathan', 'jonathon'],
  ['isabel', 'isobel', 'isabelle'],
  ['sarah', 'sara'],
  ['zoe', 'zoey'],
  ['mohammed', 'mohammad', 'mohamed', 'mohamad', 'muhammad', 'muhammed'],
];

function variantsOf(name: string): readonly string[] {
  return VARIANT_SPELLINGS.find((group) => group.includes(name)) ?? [name];
}

/** Every full name the table knows. Two different ones are different names, however alike they look. */
const FULL_NAMES: ReadonlySet<string> = new Set([...SHORT_FORMS.values()].flat().flatMap(variantsOf));

/** The full names a short form stands for, in every spelling. */
function fullNamesFor(shortForm: string): readonly string[] {
  return (SHORT_FORMS.get(shortForm) ?? []).flatMap(variantsOf);
}

/** True when one name is a short form of the other, or both are short forms of one full name. */
function isShortForm(a: string, b: string): boolean {
  const fullA = fullNamesFor(a);
  const fullB = fullNamesFor(b);
  return fullA.includes(b) || fullB.includes(a) || fullA.some((name) => fullB.includes(name));
}

// ---------------------------------------------------------------------------------------------
// Scoring
//
// Points for each piece of evidence. Agreement on rare facts (date of birth, phone, email,
// a full postcode) counts for more than agreement on common ones (a postcode district). A
// different date of birth, or a clearly different given name, counts against: the second is how
// twins, and parents and children with one name, are told apart.
//
//   same NHS number (valid)   +100   certain, whatever else differs
//   different NHS numbers     -100   never better than unlikely
//   date of birth             same +30, day and month swapped +15, different -20
//   family name               same +20, similar (Jaro-Winkler >= 0.85) +12
//   given name                same +20, short form or other spelling +15, similar +10,
//                             different -10 (two different full names, like Christopher and
//                             Christine, are different however alike they look)
//   names swapped over        +30 (given and family names each other's)
//   postcode                  same +18, same district +5
//   phone, email              same +20 each
//
// likely:   60 or more, and neither the date of birth nor the given name conflicts. For example
//           same date of birth + similar family name + same given name (62); the same with the
//           given name missing but the same postcode (60); same names + same phone number (60).
// possible: 35 or more. For example same given and family name (40); same date of birth + same
//           given name (50).
// unlikely: anything less. Not offered.

export const SCORES = {
  nhsSame: 100,
  nhsDifferent: -100,
  dobSame: 30,
  dobSwapped: 15,
  dobDifferent: -20,
  familySame: 20,
  familySimilar: 12,
  givenSame: 20,
  givenShortForm: 15,
  givenOtherSpelling: 15,
  givenSimilar: 10,
  givenDifferent: -10,
  namesSwapped: 30,
  postcodeSame: 18,
  districtSame: 5,
  phoneSame: 20,
  emailSame: 20,
} as const;

export const LIKELY_SCORE = 60;
export const POSSIBLE_SCORE = 35;
/** Names at least this alike (Jaro-Winkler) count as similar. */
export const SIMILAR_NAME = 0.85;

type NameAgreement = 'same' | 'variant' | 'short' | 'similar' | 'different' | 'unknown';

function compareGiven(a: string, b: string): NameAgreement {
  if (a === '' || b === '') return 'unknown';
  if (a === b) return 'same';
  if (variantsOf(a).includes(b)) return 'variant';
  if (isShortForm(a, b)) return 'short';
  // Christopher and Christine, Daniel and Danielle: alike to Jaro-Winkler, but (often twins) not the same person.
  if (FULL_NAMES.has(a) && FULL_NAMES.has(b)) return 'different';
  return jaroWinkler(a, b) >= SIMILAR_NAME ? 'similar' : 'different';
}

function compareFamily(a: string, b: string): NameAgreement {
  if (a === '' || b === '') return 'unknown';
  if (a === b) return 'same';
  // A different family name is no evidence against: people marry, divorce and change names.
  return jaroWinkler(a, b) >= SIMILAR_NAME ? 'similar' : 'unknown';
}

/** The two given names as written, shorter first, for 'Given name is a short form (Bob / Robert)'. */
function namePair(a: string, b: string): string {
  const tidy = (s: string) => s.trim().replace(/\s+/g, ' ');
  const [x, y] = [tidy(a), tidy(b)].sort((p, q) => normaliseName(p).length - normaliseName(q).length || (p < q ? -1 : p > q ? 1 : 0));
  return `${x} / ${y}`;
}

/**
 * How alike a referred person and an existing record are, with the evidence in plain English.
 * Symmetric: scoreMatch(a, b) and scoreMatch(b, a) give the same score, level and reasons.
 */
export function scoreMatch(referred: MatchInput, candidate: MatchInput): MatchResult {
  const reasons: string[] = [];
  let score = 0;
  let conflict = false;

  const nhsA = referred.nhsNumber ? normaliseNhsNumber(referred.nhsNumber) : null;
  const nhsB = candidate.nhsNumber ? normaliseNhsNumber(candidate.nhsNumber) : null;
  const sameNhs = nhsA !== null && nhsA === nhsB;
  const differentNhs = nhsA !== null && nhsB !== null && nhsA !== nhsB;
  if (sameNhs) { score += SCORES.nhsSame; reasons.push('Same NHS number'); }
  if (differentNhs) { score += SCORES.nhsDifferent; reasons.push('Different NHS numbers'); }

  const dobA = parseCalendarDate(referred.dateOfBirth ?? '');
  const dobB = parseCalendarDate(candidate.dateOfBirth ?? '');
  if (dobA && dobB) {
    if (dobA.year === dobB.year && dobA.month === dobB.month && dobA.day === dobB.day) {
      score += SCORES.dobSame; reasons.push('Same date of birth');
    } else if (dobA.year === dobB.year && dobA.day === dobB.month && dobA.month === dobB.day) {
      score += SCORES.dobSwapped; reasons.push('Day and month of birth swapped');
    } else {
      score += SCORES.dobDifferent; reasons.push('Different date of birth'); conflict = true;
    }
  }

  const givenA = normaliseName(referred.givenName);
  const givenB = normaliseName(candidate.givenName);
  const familyA = normaliseName(referred.familyName);
  const familyB = normaliseName(candidate.familyName);
  const given = compareGiven(givenA, givenB);
  const family = compareFamily(familyA, familyB);
  const swapped = given !== 'same' && givenA !== '' && familyA !== '' && givenA === familyB && familyA === givenB;
  if (swapped) {
    score += SCORES.namesSwapped; reasons.push('Given and family names swapped over');
  } else {
    if (family === 'same') { score += SCORES.familySame; reasons.push('Same family name'); }
    if (family === 'similar') { score += SCORES.familySimilar; reasons.push('Similar family name'); }
    const pair = () => namePair(referred.givenName, candidate.givenName);
    switch (given) {
      case 'same': score += SCORES.givenSame; reasons.push('Same given name'); break;
      case 'variant': score += SCORES.givenOtherSpelling; reasons.push(`Given name spelt another way (${pair()})`); break;
      case 'short': score += SCORES.givenShortForm; reasons.push(`Given name is a short form (${pair()})`); break;
      case 'similar': score += SCORES.givenSimilar; reasons.push('Similar given name'); break;
      case 'different': score += SCORES.givenDifferent; reasons.push('Different given name'); conflict = true; break;
      case 'unknown': break;
    }
  }

  const postA = parsePostcode(referred.postcode ?? '');
  const postB = parsePostcode(candidate.postcode ?? '');
  if (postA.ok && postB.ok) {
    if (postA.kind === 'full' && postA.postcode === postB.postcode) {
      score += SCORES.postcodeSame; reasons.push('Same postcode');
    } else if (postA.district === postB.district) {
      score += SCORES.districtSame; reasons.push('Same postcode district');
    }
  }

  const phoneA = normalisePhone(referred.phone);
  if (phoneA !== null && phoneA === normalisePhone(candidate.phone)) { score += SCORES.phoneSame; reasons.push('Same phone number'); }
  const emailA = normaliseEmail(referred.email);
  if (emailA !== null && emailA === normaliseEmail(candidate.email)) { score += SCORES.emailSame; reasons.push('Same email address'); }

  let level: MatchLevel;
  if (sameNhs) level = 'certain';
  else if (differentNhs) level = 'unlikely';
  else if (score >= LIKELY_SCORE && !conflict) level = 'likely';
  else if (score >= POSSIBLE_SCORE) level = 'possible';
  else level = 'unlikely';
  return { score, level, reasons };
}

/** True for the levels a triage worker is shown (OFFER_LEVELS). */
export function isOffered(level: MatchLevel): boolean {
  return (OFFER_LEVELS as readonly string[]).includes(level);
}
