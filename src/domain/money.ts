// Money as whole pence. Pure: no I/O.
//
// Amounts are typed the way people write them ("£1,250.00", "1250", "12.5") and kept as integers
// of pence, so adding up a budget never meets floating point (0.1 + 0.2 is not 0.3 in a double;
// 10 + 20 pence is always 30).

/** The most the parser accepts: £99,999,999.99. Far below Number.MAX_SAFE_INTEGER pence. */
export const MAX_PARSED_PENCE = 9_999_999_999;

export type MoneyResult = { ok: true; pence: number } | { ok: false; message: string };

// Pounds with thousands separators in the right places ("1,250", "12,345,678"), or plain digits,
// then optionally a point and one or two digits of pence.
const AMOUNT = /^(?<pounds>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?<pence>\d{1,2}))?$/;

/**
 * Reads an amount of money in pounds. `label` names it in messages ("the amount"); `example` is
 * shown in them ("£1,250.00"). Accepts a leading £, thousands separators and up to two decimal
 * places; refuses negatives, fractions of a penny and anything that is not a number.
 */
export function parsePounds(input: string, options: { label: string; example?: string }): MoneyResult {
  const example = options.example ?? '£1,250.00';
  const text = String(input ?? '').trim().replace(/^£\s*/, '');
  if (!text) return { ok: false, message: `Enter ${options.label}, like ${example}` };
  if (/^[-−–]/.test(text)) return { ok: false, message: `${capitalise(options.label)} must be more than £0` };
  const match = AMOUNT.exec(text);
  if (!match?.groups) {
    if (/^\d[\d,]*\.\d{3,}$/.test(text)) return { ok: false, message: `${capitalise(options.label)} must be in pounds and pence, like ${example}: no fractions of a penny` };
    return { ok: false, message: `${capitalise(options.label)} must be an amount in pounds, like ${example}` };
  }
  const poundDigits = match.groups.pounds!.replace(/,/g, '').replace(/^0+(?=\d)/, '');
  // Checked on the digits, so nothing is ever turned into a number too big to hold exactly.
  if (poundDigits.length > 8) return { ok: false, message: `${capitalise(options.label)} must be ${formatPence(MAX_PARSED_PENCE)} or less` };
  const pence = Number(poundDigits) * 100 + Number((match.groups.pence ?? '').padEnd(2, '0'));
  return { ok: true, pence };
}

/** "£1,250.00"; a negative amount is "-£20.00". Throws for anything that is not a whole number of pence. */
export function formatPence(pence: number): string {
  if (!Number.isSafeInteger(pence)) throw new Error(`Not a whole number of pence: ${pence}`);
  const sign = pence < 0 ? '-' : '';
  const whole = Math.abs(pence);
  const pounds = String(Math.floor(whole / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}£${pounds}.${String(whole % 100).padStart(2, '0')}`;
}

/** The sum of amounts in pence, refusing anything that is not a whole number of pence. */
export function sumPence(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    if (!Number.isSafeInteger(amount)) throw new Error(`Not a whole number of pence: ${amount}`);
    total += amount;
    if (!Number.isSafeInteger(total)) throw new Error('The total is too large to count exactly');
  }
  return total;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
