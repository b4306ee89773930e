// Williams %R with TA-Lib 0.6 semantics (ta_WILLR.c): over the last `period` rows, HH = highest high,
// LL = lowest low; %R = (HH − C) / ((HH − LL)/(−100)) in TA-Lib's order of operations, 0 where HH = LL.
// Range [−100, 0]. Lookback = period − 1.
import { alignOutputs, checkPeriod } from './common.ts';
import { HighLowBlocks } from './extremes.ts';

/** Rows before the first WILLR value (TA-Lib WILLR lookback). */
export function willrLookback(period: number): number {
  return period - 1;
}

/** TA-Lib WILLR(H, L, C, period) into `out` (NaN for t < period − 1). period ≥ 2 as in TA-Lib. */
export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  checkPeriod(period, 2);
  const n = close.length;
  if (!alignOutputs(n, period - 1, [high, low], [out])) return;
  const blocks = new HighLowBlocks(high, low, period);
  const { hh, ll } = blocks;
  for (let from = 0; from < n; from += period) {
    const count = blocks.block(from);
    for (let j = from === 0 ? period - 1 : 0; j < count; j++) {
      const hi = hh[j]!;
      const diff = (hi - ll[j]!) / -100;
      out[from + j] = diff !== 0 ? (hi - close[from + j]!) / diff : 0;
    }
  }
}
