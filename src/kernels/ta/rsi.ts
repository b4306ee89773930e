// RSI with TA-Lib 0.6 semantics (ta_RSI.c, compatibility "default", no unstable period): Wilder's
// average gain/loss seeded with the plain averages over the first `period` changes, then
// avg = (avg·(period − 1) + change) / period; RSI = 100·(gain/(gain + loss)), and 0 where gain + loss
// is TA_IS_ZERO (a flat history). Lookback = period.
import { alignOutputs, checkPeriod } from './common.ts';

/** TA-Lib's TA_EPSILON (ta_utility.h): TA_IS_ZERO(v) is −ε < v < ε. */
const TA_EPSILON = 1e-14;

/** Rows before the first RSI value (TA-Lib RSI lookback). */
export function rsiLookback(period: number): number {
  return period;
}

/** TA-Lib RSI(x, period) into `out` (same length; NaN for t < period). period ≥ 2 as in TA-Lib. */
export function rsi(x: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 2);
  const n = x.length;
  if (!alignOutputs(n, period, [], [out])) return;
  let gain = 0;
  let loss = 0;
  let prev = x[0]!;
  for (let t = 1; t <= period; t++) {
    const v = x[t]!;
    const d = v - prev;
    prev = v;
    loss -= d * +(d < 0);
    gain += d * +(d > 0);
  }
  loss /= period;
  gain /= period;
  out[period] = ratio(gain, loss);
  const m = period - 1;
  for (let t = period + 1; t < n; t++) {
    const v = x[t]!;
    const d = v - prev;
    prev = v;
    // TA-Lib: if (d < 0) loss −= d else gain += d; the same sums without a branch (see common.ts).
    loss = (loss * m - d * +(d < 0)) / period;
    gain = (gain * m + d * +(d > 0)) / period;
    out[t] = ratio(gain, loss);
  }
}

function ratio(gain: number, loss: number): number {
  const s = gain + loss;
  return -TA_EPSILON < s && s < TA_EPSILON ? 0 : 100 * (gain / s);
}
