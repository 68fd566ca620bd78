// Referral references that people can read out on the phone: 'K7QM-3XA9'. Pure: no I/O; the
// caller passes the source of random bytes.
//
// 8 characters from 32 that cannot be mistaken for each other when read aloud or handwritten
// (no 0, 1, I or O): 7 random ones (35 bits, about 34 billion codes) and a check character.
//
// The check is a weighted sum, but over the field of 32 elements, GF(2^5), rather than the
// integers mod 32. Mod 32 cannot catch every adjacent swap: to catch every substitution each
// weight must be odd, so neighbouring weights differ by an even number, and swapping two
// characters 16 apart leaves the sum unchanged. In GF(32) every non-zero weight catches every
// substitution, and any two different weights catch every swap between their positions; all 8
// weights here differ, so every single substitution and every transposition (adjacent or not)
// is caught. The tests check this exhaustively.

export const REFERENCE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

const RANDOM_LENGTH = 7;
const CODE_LENGTH = RANDOM_LENGTH + 1;

/** Multiplication in GF(32), reducing by the primitive polynomial x^5 + x^2 + 1. */
function gfMultiply(a: number, b: number): number {
  let product = 0;
  for (let x = a, y = b; y > 0; y >>= 1) {
    if (y & 1) product ^= x;
    x <<= 1;
    if (x & 0b100000) x ^= 0b100101;
  }
  return product;
}

/** Weight of each position: x^7, x^6, ..., x, then 1 for the check character; all different. */
const WEIGHTS: readonly number[] = (() => {
  const weights = [1];
  while (weights.length < CODE_LENGTH) weights.unshift(gfMultiply(weights[0]!, 2));
  return weights;
})();

/** The weighted sum of the values at the start of `values` (addition in GF(32) is XOR). */
function weightedSum(values: readonly number[]): number {
  return values.reduce((sum, value, i) => sum ^ gfMultiply(WEIGHTS[i]!, value), 0);
}

function values(chars: string): number[] | null {
  const out: number[] = [];
  for (const ch of chars) {
    const value = REFERENCE_ALPHABET.indexOf(ch);
    if (value < 0) return null;
    out.push(value);
  }
  return out;
}

/** The check character for the 7 random characters of a reference. Throws if they are not 7 from the alphabet. */
export function referenceCheckCharacter(sevenCharacters: string): string {
  const v = sevenCharacters.length === RANDOM_LENGTH ? values(sevenCharacters) : null;
  if (!v) throw new Error(`A reference starts with ${RANDOM_LENGTH} characters from ${REFERENCE_ALPHABET}`);
  // With weight 1 on the check character, the whole code then sums to 0.
  return REFERENCE_ALPHABET[weightedSum(v)]!;
}

function display(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * A new random reference in its display form, 'ABCD-EFGH' (the last character is the check).
 * `randomBytes(n)` must return n uniformly random bytes (crypto.randomBytes in production).
 * Each character takes the low 5 bits of a byte: 256 is a multiple of 32, so there is no bias.
 * Codes are random, not unique: store them under a unique index and draw again on a clash.
 */
export function newReferenceCode(randomBytes: (n: number) => Uint8Array): string {
  const bytes = randomBytes(RANDOM_LENGTH);
  if (!(bytes instanceof Uint8Array) || bytes.length < RANDOM_LENGTH) {
    throw new Error(`newReferenceCode needs ${RANDOM_LENGTH} random bytes`);
  }
  let chars = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) chars += REFERENCE_ALPHABET[bytes[i]! & 31];
  return display(chars + referenceCheckCharacter(chars));
}

/**
 * The display form of a reference as someone typed or read it ('k7qm 3xa9', 'K7-QM3-XA9'), or
 * null when it is not 8 characters of the alphabet with the right check character. Case, spaces
 * and hyphens do not matter. O, I, 0 and 1 are never in a reference, so they are refused rather
 * than guessed at.
 */
export function normaliseReferenceCode(input: string): string | null {
  const compact = String(input ?? '').replace(/[\s\-\u2010-\u2015\u2212]/g, '');
  // Check for ASCII before upper-casing: toUpperCase maps some other letters to ASCII ones.
  if (!/^[A-Za-z0-9]{8}$/.test(compact)) return null;
  const code = compact.toUpperCase();
  const v = values(code);
  if (!v || weightedSum(v) !== 0) return null;
  return display(code);
}
