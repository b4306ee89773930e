// SMA with TA-Lib 0.6 semantics (ta_SMA.c, TA_INT_SMA): the mean of the last `period` inputs, lookback
// period − 1. TA-Lib keeps one running sum for the whole series; here the running sum is re-summed
// exactly (in time order) every `period` rows, so rounding never accumulates over long series; the
// values agree with TA-Lib to a few ulps.
import { alignOutputs, checkPeriod } from './common.ts';

/** Rows before the first SMA value (TA-Lib SMA lookback). */
export function smaLookback(period: number): number {
  return period - 1;
}

/** TA-Lib SMA(x, period) into `out` (same length; NaN for t < period − 1). period ≥ 2 as in TA-Lib. */
export function sma(x: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 2);
  const n = x.length;
  if (!alignOutputs(n, period - 1, [], [out])) return;
  let sum = 0;
  let untilResum = 0;
  for (let t = period - 1; t < n; t++) {
    if (untilResum-- === 0) {
      sum = windowSum(x, t - period + 1, t);
      untilResum = period - 1;
    } else {
      sum += x[t]! - x[t - period]!;
    }
    out[t] = sum / period;
  }
}

/** x[from] + … + x[to], in time order. */
function windowSum(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i <= to; i++) s += x[i]!;
  return s;
}
