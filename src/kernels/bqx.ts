// Backward momentum (FEATURES.md §1): statistics of the *previous* W values P = x_{t−W} … x_{t−1}.
// B = w15_bqx_return, the bqx domain's series, is computed with bqxReturn: the pipeline and the bqx
// family call the same function, so both give identical numbers.
import { rollingMean } from './rolling.ts';

/** The window of B itself: B_t reads x_{t−15} … x_t (so B is NaN in the first 15 rows). */
export const BQX_WINDOW = 15;

/**
 * w{W}_bqx_return: out[t] = Σ_{k=1..W} (x_{t−k} − x_t) / x_t = W · (mean(P) − x_t) / x_t, with mean(P)
 * the compensated rolling mean of the previous W rows. Positive when the price fell into t. NaN for t < W.
 */
export function bqxReturn(x: Float64Array, w: number, out: Float64Array): void {
  if (out.length !== x.length) throw new RangeError(`output length ${out.length} ≠ input length ${x.length}`);
  rollingMean(previousRows(x), w, fromNextRow(out));
  for (let t = w; t < x.length; t++) out[t] = (w * (out[t]! - x[t]!)) / x[t]!;
}

/**
 * "Previous W" windows with the ordinary rolling kernels: run the kernel on previousRows(x) (rows
 * 0 … n−2) writing into fromNextRow(out) (rows 1 … n−1), so out[t] is the statistic of the window
 * x_{t−W} … x_{t−1}.
 */
export function previousRows(x: Float64Array): Float64Array {
  return x.subarray(0, Math.max(0, x.length - 1));
}

/** The view out[1 …] for a "previous W" kernel; sets out[0] = NaN (row 0 has no previous rows). */
export function fromNextRow(out: Float64Array): Float64Array {
  if (out.length > 0) out[0] = NaN;
  return out.subarray(1);
}
