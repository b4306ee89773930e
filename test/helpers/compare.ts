// Comparisons used by the invariance tests.

/** Median of |x| over the finite values of a column (its typical magnitude). */
export function typicalMagnitude(a: Float64Array): number {
  const v = Array.from(a).filter(Number.isFinite).map(Math.abs).sort((x, y) => x - y);
  return v.length ? v[v.length >> 1]! : 0;
}

/**
 * The first row where a and b differ by more than `rel` relative: |a − b| ≤ rel · max(|a|, |b|, m),
 * m = the column's typical magnitude (median |value|), so that a value that is a small difference of
 * large terms (an excess kurtosis of 0.002 = m4/m2² − 3, a CCI crossing zero) is judged on the scale of
 * its column rather than on its own. NaN must match NaN. rel = 0 demands identical values (bit for bit).
 */
export function firstMismatch(a: Float64Array, b: Float64Array, rel: number): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const m = rel === 0 ? 0 : typicalMagnitude(a);
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
    if (Math.abs(x - y) > rel * Math.max(Math.abs(x), Math.abs(y), m)) return i;
  }
  return -1;
}
