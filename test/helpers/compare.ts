// Whole-column comparison for tests, on the validator's own rule (src/validate/compare.ts):
// NaN = NaN; rel = 0 bit for bit; else relative to max(|a|, |b|, the column's median |value|).
import { firstMismatch as mismatchIn } from '../../src/validate/compare.ts';

/** The first row where a and b differ (a length difference counts at the shorter length), or −1. */
export function firstMismatch(a: Float64Array, b: Float64Array, rel: number): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return mismatchIn(a, b, 0, a.length, rel);
}
