// TRANGE and ATR with TA-Lib 0.6 semantics (ta_TRANGE.c, ta_ATR.c). True range of bar t ≥ 1 =
// max(H − L, |C_{t−1} − H|, |C_{t−1} − L|) (bar 0 has none: lookback 1). ATR = Wilder's average of
// the true range: the first value (row period) is the plain average of TR over rows 1 … period, then
// atr = (atr·(period − 1) + TR) / period. Lookback = period.
import { alignOutputs, checkPeriod } from './common.ts';

/** True range of a bar: max(H − L, |C_{t−1} − H|, |C_{t−1} − L|) (TA-Lib's TRUE_RANGE). */
export function trueRange(h: number, l: number, prevClose: number): number {
  // max of three, branch-free and exact (see common.ts)
  let g = h - l;
  const a = Math.abs(prevClose - h);
  let k = +(a > g);
  g = a * k + g * (1 - k);
  const b = Math.abs(prevClose - l);
  k = +(b > g);
  return b * k + g * (1 - k);
}

/** TA-Lib TRANGE into `out` (NaN at row 0). */
export function trange(high: Float64Array, low: Float64Array, close: Float64Array, out: Float64Array): void {
  const n = close.length;
  if (!alignOutputs(n, 1, [high, low], [out])) return;
  for (let t = 1; t < n; t++) out[t] = trueRange(high[t]!, low[t]!, close[t - 1]!);
}

/** Rows before the first ATR value (TA-Lib ATR lookback). */
export function atrLookback(period: number): number {
  return period;
}

/** TA-Lib ATR(H, L, C, period) into `out` (NaN for t < period). period ≥ 1 (1 gives TRANGE). */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 1);
  const n = close.length;
  if (!alignOutputs(n, period, [high, low], [out])) return;
  let sum = 0;
  for (let t = 1; t <= period; t++) sum += trueRange(high[t]!, low[t]!, close[t - 1]!);
  let prev = sum / period;
  out[period] = prev;
  const m = period - 1;
  for (let t = period + 1; t < n; t++) {
    prev *= m;
    prev += trueRange(high[t]!, low[t]!, close[t - 1]!);
    prev /= period;
    out[t] = prev;
  }
}
