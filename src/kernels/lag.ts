// Positional lags, differences and log returns: out[t] reads x[t] and x[t − k] only; NaN for t < k.
// `out` must not alias `x`.
import { checkArgs } from './rolling.ts';

/** out[t] = x[t − k] (the value k rows earlier). */
export function lag(x: Float64Array, k: number, out: Float64Array): void {
  checkLag(x, k, out);
  const n = x.length;
  const head = Math.min(k, n);
  out.fill(NaN, 0, head);
  out.set(x.subarray(0, n - head), head);
}

/** out[t] = x[t] − x[t − k]. */
export function diff(x: Float64Array, k: number, out: Float64Array): void {
  checkLag(x, k, out);
  const n = x.length;
  const head = Math.min(k, n);
  out.fill(NaN, 0, head);
  for (let t = head; t < n; t++) out[t] = x[t]! - x[t - k]!;
}

/**
 * out[t] = scale · ln(x[t] / x[t − k]), as log1p((x[t] − x[t − k]) / x[t − k]) — accurate for the small
 * moves of 1-minute bars, where the ratio x[t]/x[t−k] would round to 1 ± 1e-16 first. NaN where a price
 * is not positive (never ±Infinity).
 */
export function logReturn(x: Float64Array, k: number, out: Float64Array, scale = 1): void {
  checkLag(x, k, out);
  const n = x.length;
  const head = Math.min(k, n);
  out.fill(NaN, 0, head);
  for (let t = head; t < n; t++) {
    const a = x[t]!;
    const b = x[t - k]!;
    out[t] = a > 0 && b > 0 ? scale * Math.log1p((a - b) / b) : NaN;
  }
}

function checkLag(x: Float64Array, k: number, out: Float64Array): void {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`lag must be a non-negative integer, got ${k}`);
  checkArgs(x, 1, out);
  if (out.buffer === x.buffer && out.byteOffset < x.byteOffset + x.byteLength && x.byteOffset < out.byteOffset + out.byteLength && k > 0)
    throw new RangeError('out must not alias x');
}
