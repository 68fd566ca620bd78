// The Wilson score interval for a proportion, as the OHID Fingertips methods use it
// (../shared/data/measures/README.md): for x of n,
//   (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²))
// It stays inside [0, 1] and behaves well for small n and for 0 or n events, where the simple
// "Wald" interval collapses to a point. Pure: no I/O.

/** The standard normal quantile for a two-sided 95% interval. */
export const Z_95 = 1.959964;
/** The standard normal quantile for a two-sided 99.8% interval. */
export const Z_99_8 = 3.090232;

export interface ProportionInterval {
  /** x / n */
  proportion: number;
  lower: number;
  upper: number;
}

/**
 * The Wilson score interval for `x` events out of `n` (whole numbers, 0 <= x <= n, n >= 1).
 * Throws for anything else: a rate over nothing has no interval.
 */
export function wilsonInterval(x: number, n: number, z: number = Z_95): ProportionInterval {
  if (!Number.isInteger(n) || n < 1) throw new Error(`wilsonInterval needs a whole number of cases, 1 or more, not ${n}`);
  if (!Number.isInteger(x) || x < 0 || x > n) throw new Error(`wilsonInterval needs a whole number of events from 0 to ${n}, not ${x}`);
  if (!Number.isFinite(z) || z <= 0) throw new Error(`wilsonInterval needs a positive z, not ${z}`);
  const z2 = z * z;
  const spread = z * Math.sqrt(z2 + 4 * x * (1 - x / n));
  const denominator = 2 * (n + z2);
  // At 0 and n events the formula gives exactly 0 and 1 in real numbers; clamp away the last-bit
  // rounding of floating point so the interval never strays outside [0, 1] or past the proportion.
  const proportion = x / n;
  const lower = x === 0 ? 0 : Math.min(proportion, Math.max(0, (2 * x + z2 - spread) / denominator));
  const upper = x === n ? 1 : Math.max(proportion, Math.min(1, (2 * x + z2 + spread) / denominator));
  return { proportion, lower, upper };
}
