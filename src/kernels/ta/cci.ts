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

/**
 * TA-Lib CCI(H, L, C, period) into `out` (NaN for t < period − 1). period ≥ 2 as in TA-Lib.
 * Both slot-order sums are serial chains of `period` additions (their order fixes every bit), so the
 * loop over the ring runs two at once: the deviation sum of row t and the TP sum of row t + 1, whose ring
 * differs from row t's in one slot (where row t + 1's TP replaces row t + 1 − period's).
 */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 2);
  const n = close.length;
  if (!alignOutputs(n, period - 1, [high, low], [out])) return;
  const ring = new Float64Array(period);
  for (let t = 0; t < period; t++) ring[t] = (high[t]! + low[t]! + close[t]!) / 3;
  let sum = 0;
  for (let j = 0; j < period; j++) sum += ring[j]!;
  let tp = ring[period - 1]!;
  for (let t = period - 1; t < n; t++) {
    const mean = sum / period;
    const next = t + 1 < n ? (high[t + 1]! + low[t + 1]! + close[t + 1]!) / 3 : 0;
    const slot = (t + 1) % period; // row t + 1's slot
    let dev = 0;
    sum = 0;
    for (let j = 0; j < slot; j++) {
      const v = ring[j]!;
      dev += Math.abs(v - mean);
      sum += v;
    }
    dev += Math.abs(ring[slot]! - mean);
    sum += next;
    for (let j = slot + 1; j < period; j++) {
      const v = ring[j]!;
      dev += Math.abs(v - mean);
      sum += v;
    }
    ring[slot] = next;
    const d = tp - mean;
    out[t] = d !== 0 && dev !== 0 ? d / (0.015 * (dev / period)) : 0;
    tp = next;
  }
}
