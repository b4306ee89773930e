// The one tolerance rule for declared ranges [lo, hi] (inclusive; an infinite bound is open), shared by
// the validator's range check and every clamp in feature code.
//
// A value at a theoretical limit computed in floating point may overshoot it by rounding (a flat window
// with one jump puts a sample skewness exactly on ±(n − 2)/√(n − 1)); more than rounding is a defect.
// Rounding scales with the size of the numbers involved, so the allowance is relative to the bound's
// magnitude: x is inside [lo, hi] when lo − tol ≤ x ≤ hi + tol with
//   tol = BOUND_REL_TOL · max(|lo|, |hi|, hi − lo) over the finite terms,
// and tol = 0 when there are none or all are 0 (e.g. [0, ∞): no magnitude to be relative to, so the
// bound is exact). 1e-9 is ~10⁷ ulps of the magnitude: far above the few ulps a limit computed through
// a handful of operations overshoots, far below any real excess.

export const BOUND_REL_TOL = 1e-9;

export type Bounds = readonly [number, number];

/** The absolute allowance of a range: BOUND_REL_TOL · max(|lo|, |hi|, hi − lo) over its finite terms. */
export function boundTolerance([lo, hi]: Bounds): number {
  let scale = 0;
  for (const v of [Math.abs(lo), Math.abs(hi), hi - lo]) if (Number.isFinite(v) && v > scale) scale = v;
  return BOUND_REL_TOL * scale;
}

/** Whether a finite value satisfies the range under the tolerance rule (NaN: false). */
export function withinBounds(x: number, range: Bounds, tol: number = boundTolerance(range)): boolean {
  return x >= range[0] - tol && x <= range[1] + tol;
}

/**
 * The clamp that only absorbs rounding: a value outside [lo, hi] by at most the tolerance is set to the
 * bound; a value further out (a defect) and NaN are left as they are, so that validation reports them.
 */
export function clampRounding(c: Float64Array, range: Bounds): void {
  const [lo, hi] = range;
  const tol = boundTolerance(range);
  for (let t = 0; t < c.length; t++) {
    const v = c[t]!;
    if (v < lo && v >= lo - tol) c[t] = lo;
    else if (v > hi && v <= hi + tol) c[t] = hi;
  }
}

/** The rule as catalog text, appended to the notes of every bounded feature. */
export const BOUND_NOTE =
  `Range check: inclusive, with a rounding allowance of ${BOUND_REL_TOL} · max(|lo|, |hi|, hi − lo) over the finite terms (0 for [0, ∞)); clamps in the code absorb only that allowance.`;
