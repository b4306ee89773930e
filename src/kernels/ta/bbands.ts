// Bollinger Bands with TA-Lib 0.6 semantics (ta_BBANDS.c, MA type SMA): middle = SMA(x, period),
// std = population standard deviation of the window (0 where the variance is ≤ 1e-14, TA-Lib's
// TA_IS_ZERO_OR_NEG), upper = middle + devUp·std, lower = middle − devDn·std. Lookback period − 1.
// TA-Lib computes the variance as E[x²] − mean² from running sums of x and x², which loses about
// 1e-8 relative at price levels ≈ 100 with moves ≈ 1e-4; here the sums run over x − ref, with the
// reference re-anchored inside the window (and the sums re-summed exactly) every `period` rows, so the
// cancellation is relative to the window's spread, not to the price level.
import { alignOutputs, checkPeriod } from './common.ts';

export interface BandColumns {
  readonly upper?: Float64Array;
  readonly middle?: Float64Array;
  readonly lower?: Float64Array;
}

/** Rows before the first BBANDS value (TA-Lib BBANDS lookback). */
export function bbandsLookback(period: number): number {
  return period - 1;
}

/** TA-Lib BBANDS(x, period, devUp, devDn, SMA); only the requested columns are written. */
export function bbands(x: Float64Array, period: number, devUp: number, devDn: number, cols: BandColumns): void {
  checkPeriod(period, 2);
  const n = x.length;
  const { upper, middle, lower } = cols;
  if (!alignOutputs(n, period - 1, [], [upper, middle, lower])) return;
  let ref = 0;
  let s1 = 0; // Σ (x − ref) over the window
  let s2 = 0; // Σ (x − ref)²
  let untilResum = 0;
  for (let t = period - 1; t < n; t++) {
    if (untilResum-- === 0) {
      untilResum = period - 1;
      ref = x[t - period + 1]!;
      s1 = 0;
      s2 = 0;
      for (let i = t - period + 1; i <= t; i++) {
        const d = x[i]! - ref;
        s1 += d;
        s2 += d * d;
      }
    } else {
      const dIn = x[t]! - ref;
      const dOut = x[t - period]! - ref;
      s1 += dIn - dOut;
      s2 += dIn * dIn - dOut * dOut;
    }
    const m1 = s1 / period;
    const variance = s2 / period - m1 * m1;
    const std = variance < 1e-14 ? 0 : Math.sqrt(variance);
    const mid = ref + m1;
    if (middle) middle[t] = mid;
    if (upper) upper[t] = mid + devUp * std;
    if (lower) lower[t] = mid - devDn * std;
  }
}
