// EMA with TA-Lib 0.6 semantics (ta_EMA.c, TA_INT_EMA, compatibility "default"): k = 2/(period + 1)
// (PER_TO_K), the seed is the simple average of the first `period` inputs (row period − 1), then
// ema = ((x − ema)·k) + ema in exactly that order of operations. Lookback period − 1.
import { alignOutputs, checkPeriod } from './common.ts';

/** TA-Lib's PER_TO_K: the smoothing factor 2/(period + 1). */
export function emaK(period: number): number {
  return 2 / (period + 1);
}

/** Rows before the first EMA value (TA-Lib EMA lookback). */
export function emaLookback(period: number): number {
  return period - 1;
}

/** TA-Lib EMA(x, period) into `out` (same length; NaN for t < period − 1). period ≥ 2 as in TA-Lib. */
export function ema(x: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 2);
  const n = x.length;
  const seedAt = period - 1;
  if (!alignOutputs(n, seedAt, [], [out])) return;
  const k = emaK(period);
  let sum = 0;
  for (let i = 0; i <= seedAt; i++) sum += x[i]!;
  let prev = sum / period;
  out[seedAt] = prev;
  for (let t = seedAt + 1; t < n; t++) {
    prev = (x[t]! - prev) * k + prev;
    out[t] = prev;
  }
}
