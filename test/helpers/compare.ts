// Comparisons used by the invariance tests.

/**
 * The first row where a and b differ by more than `rel` relative: |a − b| ≤ rel · max(|a|, |b|), or,
 * for values near zero, ≤ rel · 1e-3 · scale, with scale = the largest |value| of the column (so a
 * residual of 1e-15 next to values of 1e2 is not a "relative" failure). NaN must match NaN.
 * rel = 0 demands identical values (bit-for-bit, NaN = NaN).
 */
export function firstMismatch(a: Float64Array, b: Float64Array, rel: number): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  let scale = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]!) > scale && Number.isFinite(a[i]!)) scale = Math.abs(a[i]!);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return i;
      continue;
    }
    if (rel === 0) {
      if (!Object.is(x, y)) return i;
      continue;
    }
    const d = Math.abs(x - y);
    if (d > rel * Math.max(Math.abs(x), Math.abs(y)) && d > rel * 1e-3 * scale) return i;
  }
  return -1;
}
