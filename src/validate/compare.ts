// Column comparison of the causality battery: identical (NaN = NaN, bit for bit otherwise) or equal to a
// relative tolerance.

/** Median of the finite |a[i]| over [from, to) (0 when none): a column's typical magnitude. */
export function typicalMagnitude(a: Float64Array, from: number, to: number): number {
  const v = new Float64Array(Math.max(0, to - from));
  let n = 0;
  for (let i = from; i < to; i++) { const x = Math.abs(a[i]!); if (x === x && x !== Infinity) v[n++] = x; }
  if (n === 0) return 0;
  return v.subarray(0, n).sort()[n >> 1]!; // a typed array sorts numerically, without a comparator call per pair
}

/**
 * The first index i in [from, to) where a[i] and b[i] differ, or −1. NaN must meet NaN. rel = 0 demands
 * identical values (Object.is). rel > 0 accepts |a − b| ≤ rel · max(|a|, |b|, m), m = the column's
 * typical magnitude (median |a| over [from, to)): a value that is a small difference of large terms
 * (CCI's TP − mean at idx ≈ 100) carries the rounding of those terms, which a change of summation order
 * (another frame start) moves by ε · |terms| — relative to the column, not to the small value.
 */
export function firstMismatch(a: Float64Array, b: Float64Array, from: number, to: number, rel: number): number {
  const floor = rel > 0 ? typicalMagnitude(a, from, to) : 0;
  for (let i = from; i < to; i++) {
    const x = a[i]!, y = b[i]!;
    if (x !== x || y !== y) {
      if ((x !== x) !== (y !== y)) return i;
      continue;
    }
    if (rel === 0) {
      if (!Object.is(x, y)) return i;
      continue;
    }
    if (x === y) continue;
    if (!(Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y), floor))) return i;
  }
  return -1;
}

export { rowAtOrAfter } from '../core/types.ts';
