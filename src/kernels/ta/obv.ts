// On-Balance Volume with TA-Lib 0.6 semantics (ta_OBV.c): OBV_0 = V_0, then OBV_t = OBV_{t−1} ± V_t
// by the sign of C_t − C_{t−1} (unchanged when equal). Lookback 0.
// obvSlope (FEATURES.md §4 obv_slope) = (OBV_t − OBV_{t−period}) / Σ V over rows t − period + 1 … t,
// computed as a window sum of the signed volumes (the same difference, without the cancellation of two
// large cumulative OBVs); NaN where the window's volume sums to 0. Lookback = period.
import { alignOutputs, checkPeriod } from './common.ts';

/** TA-Lib OBV(C, V) into `out`. */
export function obv(close: Float64Array, volume: Float64Array, out: Float64Array): void {
  const n = close.length;
  if (!alignOutputs(n, 0, [volume], [out])) return;
  let acc = volume[0]!;
  out[0] = acc;
  for (let t = 1; t < n; t++) {
    acc += signedVolume(close, volume, t);
    out[t] = acc;
  }
}

/** Rows before the first obv_slope value. */
export function obvSlopeLookback(period: number): number {
  return period;
}

/** (OBV_t − OBV_{t−period}) / Σ_{last period rows} V into `out` (NaN for t < period and where Σ V = 0). */
export function obvSlope(close: Float64Array, volume: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 1);
  const n = close.length;
  if (!alignOutputs(n, period, [volume], [out])) return;
  let signed = 0;
  let total = 0;
  let traded = 0; // rows of the window with V ≠ 0: when none, the sums are exactly 0 (no residue)
  let untilResum = 0;
  for (let t = period; t < n; t++) {
    if (untilResum-- === 0) {
      untilResum = period - 1;
      // Exact re-summation of the window every `period` rows (integer tick volumes stay exact anyway).
      signed = 0;
      total = 0;
      traded = 0;
      for (let k = t - period + 1; k <= t; k++) {
        signed += signedVolume(close, volume, k);
        total += volume[k]!;
        if (volume[k] !== 0) traded++;
      }
    } else {
      signed += signedVolume(close, volume, t) - signedVolume(close, volume, t - period);
      total += volume[t]! - volume[t - period]!;
      traded += (volume[t] !== 0 ? 1 : 0) - (volume[t - period] !== 0 ? 1 : 0);
    }
    out[t] = traded === 0 ? NaN : signed / total;
  }
}

/** ±V_k by the sign of C_k − C_{k−1} (k ≥ 1), 0 when unchanged: OBV_k − OBV_{k−1}. Branch-free
 * (see common.ts): V·(+1 | −1 | 0) is exact. */
function signedVolume(close: Float64Array, volume: Float64Array, k: number): number {
  const d = close[k]! - close[k - 1]!;
  return volume[k]! * (+(d > 0) - +(d < 0));
}
