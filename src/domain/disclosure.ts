// Statistical disclosure control for counts that commissioners see: the NHS Digital central
// suppression method (shared/data/measures/README.md, "Small numbers"). 0 stays 0; 1 to 7 shows
// as 5; above 7 is rounded to the nearest 5. Every cell, totals included, is rounded the same way,
// so no row, column or total lets a small cell be worked back out. Percentages come from the
// unrounded counts and are not shown when their numerator or denominator was suppressed.
// Pure: no I/O.

/** The largest count shown as 5 rather than rounded. */
export const SUPPRESSED_UP_TO = 7;

/** A count as it may be shown outside the service: 0, 5 for 1 to 7, else to the nearest 5. */
export function disclosedCount(count: number): number {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`a count must be a whole number, 0 or more: ${count}`);
  if (count === 0) return 0;
  if (count <= SUPPRESSED_UP_TO) return 5;
  // no ties: a whole number divided by 5 never ends in .5
  return Math.round(count / 5) * 5;
}

/** Whether a count is one that is shown as 5 (1 to 7). */
export function isSuppressed(count: number): boolean {
  return count >= 1 && count <= SUPPRESSED_UP_TO;
}

/**
 * numerator / denominator from the unrounded counts, or null when either is suppressed or
 * there is nothing to divide by.
 */
export function disclosedProportion(numerator: number, denominator: number): number | null {
  if (denominator === 0 || isSuppressed(numerator) || isSuppressed(denominator)) return null;
  return numerator / denominator;
}
