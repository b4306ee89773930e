// CCI with TA-Lib 0.6 semantics (ta_CCI.c): typical price TP = (H + L + C)/3 kept in a ring buffer of
// `period` slots (row r in slot r mod period); at each row the mean of the ring and the mean absolute
// deviation from it are summed in slot order, exactly as TA-Lib does (O(period) per row: the mean
// deviation has no running form), and CCI = (TP − mean) / (0.015·(Σ|TP − mean| / period)), 0 where
// TP = mean or the deviation sum is 0. Lookback = period − 1.
import { alignOutputs, checkPeriod } from './common.ts';

/** Rows before the first CCI value (TA-Lib CCI lookback). */
export function cciLookback(period: number): number {
  return period - 1;
}

/** TA-Lib CCI(H, L, C, period) into `out` (NaN for t < period − 1). period ≥ 2 as in TA-Lib. */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 2);
  const n = close.length;
  if (!alignOutputs(n, period - 1, [high, low], [out])) return;
  const ring = new Float64Array(period);
  let slot = 0;
  for (let t = 0; t < n; t++) {
    const tp = (high[t]! + low[t]! + close[t]!) / 3;
    ring[slot] = tp;
    if (++slot === period) slot = 0;
    if (t < period - 1) continue;
    let mean = 0;
    for (let j = 0; j < period; j++) mean += ring[j]!;
    mean /= period;
    let dev = 0;
    for (let j = 0; j < period; j++) dev += Math.abs(ring[j]! - mean);
    const d = tp - mean;
    out[t] = d !== 0 && dev !== 0 ? d / (0.015 * (dev / period)) : 0;
  }
}
