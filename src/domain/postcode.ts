// UK postcode parsing. Pure: no I/O.
//
// A postcode is an outward code (the district, e.g. ME4) and an optional inward code
// (e.g. 4QF). People may enter either the full postcode or just the outward code.

export type ParsedPostcode = {
  ok: true;
  kind: 'full' | 'outward';
  /** Normalised: upper case, one space before the inward code ('ME4 4QF'), or just 'ME4'. */
  postcode: string;
  outward: string;
  inward: string | null;
  /** The postcode district. Same as `outward`. */
  district: string;
  /** The letters at the start of the outward code, e.g. 'ME'. */
  area: string;
};

export type PostcodeError = {
  ok: false;
  code: 'empty' | 'invalid';
  message: string;
};

export type PostcodeResult = ParsedPostcode | PostcodeError;

export const POSTCODE_MESSAGES = {
  empty: 'Enter a postcode, like ME4 4QF',
  invalid: 'Enter a real postcode, like ME4 4QF. You can also enter just the first part, like ME4',
} as const;

// Letter rules from the Royal Mail / BS 7666 format.
const FIRST = '[A-PR-UWYZ]'; // not Q, V, X
const SECOND = '[A-HK-Y]'; // not I, J, Z
const THIRD = '[ABCDEFGHJKPSTUW]'; // letter after the digit in A9A
const FOURTH = '[ABEHMNPRVWXY]'; // letter after the digit in AA9A
const INWARD_LETTER = '[ABD-HJLNP-UW-Z]'; // not C, I, K, M, O, V

const OUTWARD = [
  `${FIRST}[0-9]{1,2}`, // A9, A99
  `${FIRST}${SECOND}[0-9]{1,2}`, // AA9, AA99
  `${FIRST}[0-9]${THIRD}`, // A9A
  `${FIRST}${SECOND}[0-9]${FOURTH}`, // AA9A
].join('|');
const INWARD = `[0-9]${INWARD_LETTER}{2}`;

const OUTWARD_ONLY = new RegExp(`^(?:${OUTWARD})$`);
const FULL = new RegExp(`^(${OUTWARD})(${INWARD})$`);
const GIRO = 'GIR0AA'; // Girobank's special postcode, GIR 0AA

function invalid(): PostcodeError {
  return { ok: false, code: 'invalid', message: POSTCODE_MESSAGES.invalid };
}

function parsed(outward: string, inward: string | null): ParsedPostcode {
  return {
    ok: true,
    kind: inward === null ? 'outward' : 'full',
    postcode: inward === null ? outward : `${outward} ${inward}`,
    outward,
    inward,
    district: outward,
    area: /^[A-Z]+/.exec(outward)?.[0] ?? outward,
  };
}

/**
 * Parse a full UK postcode ('ME4 4QF') or just its outward code ('ME4').
 * Accepts any case and any spacing. Never throws.
 */
export function parsePostcode(input: string): PostcodeResult {
  const compact = String(input ?? '').replace(/\s+/g, '');
  if (compact === '') {
    return { ok: false, code: 'empty', message: POSTCODE_MESSAGES.empty };
  }
  // Check for ASCII before upper-casing: toUpperCase maps some non-ASCII letters
  // to ASCII ones ('ſ' to 'S', 'ß' to 'SS').
  if (!/^[A-Za-z0-9]+$/.test(compact)) return invalid();

  const upper = compact.toUpperCase();
  if (upper === GIRO) return parsed('GIR', '0AA');
  if (OUTWARD_ONLY.test(upper)) return parsed(upper, null);

  const match = FULL.exec(upper);
  if (match?.[1] && match[2]) return parsed(match[1], match[2]);
  return invalid();
}

/** The normalised form of a postcode ('me44qf' gives 'ME4 4QF'), or null if it is not valid. */
export function formatPostcode(input: string): string | null {
  const result = parsePostcode(input);
  return result.ok ? result.postcode : null;
}
