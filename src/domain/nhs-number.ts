// NHS numbers: ten digits, the last a modulus 11 check digit (NHS Data Dictionary, "NHS Number").
// Pure: no I/O.
//
// Check digit: multiply the first nine digits by 10, 9, ..., 2; sum; remainder = sum mod 11;
// check = 11 - remainder. A check of 11 is written 0; a check of 10 means the nine digits can
// never form a valid NHS number.

/** Digits only: spaces and hyphens removed ('943 476 5919' gives '9434765919'). */
function compact(input: string): string {
  return String(input ?? '').replace(/[\s-]/g, '');
}

/**
 * The check digit for the first nine digits of an NHS number, or null when no check digit
 * exists (the weighted sum leaves remainder 1, so the check would be 10).
 * Throws if `firstNine` is not exactly nine ASCII digits.
 */
export function nhsNumberCheckDigit(firstNine: string): number | null {
  if (!/^[0-9]{9}$/.test(firstNine)) throw new Error('nhsNumberCheckDigit needs exactly nine digits');
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (firstNine.charCodeAt(i) - 48) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

/**
 * True when `input` is a valid NHS number: ten digits (spaces and hyphens allowed between them,
 * as in '943 476 5919') whose last digit is the right modulus 11 check digit.
 */
export function isValidNhsNumber(input: string): boolean {
  const digits = compact(input);
  if (!/^[0-9]{10}$/.test(digits)) return false;
  return nhsNumberCheckDigit(digits.slice(0, 9)) === digits.charCodeAt(9) - 48;
}

/** The ten digits of a valid NHS number ('943 476 5919' gives '9434765919'), or null. */
export function normaliseNhsNumber(input: string): string | null {
  const digits = compact(input);
  return isValidNhsNumber(digits) ? digits : null;
}

/** The NHS number in its display form, 3-3-4 ('9434765919' gives '943 476 5919'), or null if invalid. */
export function formatNhsNumber(input: string): string | null {
  const digits = normaliseNhsNumber(input);
  return digits === null ? null : `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}
