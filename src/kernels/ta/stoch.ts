// Slow stochastic with TA-Lib 0.6 semantics (ta_STOCH.c, MA type SMA): fast %K = (C − LL)/((HH − LL)/100)
// over the last fastK rows (0 where HH = LL), slow %K = SMA(fast %K, slowK), slow %D = SMA(slow %K,
// slowD). Both outputs start at TA-Lib's common lookback (fastK − 1) + (slowK − 1) + (slowD − 1).
// The two smoothing windows are short (3 in the catalog): each mean is summed directly in time order
// (TA-Lib: running sums), so slow %K and %D stay inside the range of their inputs. Three passes:
// fast %K into the %D column, slow %K from it, then slow %D over the fast %K.
import { alignOutputs, checkPeriod } from './common.ts';
import { HighLowBlocks } from './extremes.ts';

export interface StochColumns {
  readonly slowK?: Float64Array;
  readonly slowD?: Float64Array;
}

/** Rows before the first STOCH value (TA-Lib STOCH lookback). */
export function stochLookback(fastK: number, slowK: number, slowD: number): number {
  return fastK - 1 + (slowK - 1) + (slowD - 1);
}

/** TA-Lib STOCH(H, L, C, fastK, slowK (SMA), slowD (SMA)); only the requested columns are written. */
export function stoch(high: Float64Array, low: Float64Array, close: Float64Array, fastK: number, slowK: number, slowD: number, cols: StochColumns): void {
  checkPeriod(fastK, 1, 'fastK period');
  checkPeriod(slowK, 1, 'slowK period');
  checkPeriod(slowD, 1, 'slowD period');
  const n = close.length;
  const lookback = stochLookback(fastK, slowK, slowD);
  if (!alignOutputs(n, lookback, [high, low], [cols.slowK, cols.slowD])) return;
  const kOut = cols.slowK ?? new Float64Array(n);
  const dOut = cols.slowD ?? new Float64Array(n);
  fastStochastic(high, low, close, fastK, dOut);
  windowMean(dOut, slowK, fastK - 1, kOut);
  windowMean(kOut, slowD, fastK - 1 + (slowK - 1), dOut);
  kOut.fill(NaN, 0, lookback);
  dOut.fill(NaN, 0, lookback);
}

/** Fast %K of rows ≥ period − 1 into `out`. */
function fastStochastic(high: Float64Array, low: Float64Array, close: Float64Array, period: number, out: Float64Array): void {
  const n = close.length;
  const blocks = new HighLowBlocks(high, low, period);
  const { hh, ll } = blocks;
  for (let from = 0; from < n; from += period) {
    const count = blocks.block(from);
    for (let j = from === 0 ? period - 1 : 0; j < count; j++) {
      const lo = ll[j]!;
      const diff = (hh[j]! - lo) / 100;
      out[from + j] = diff !== 0 ? (close[from + j]! - lo) / diff : 0;
    }
  }
}

/** out[t] = mean of src[t − len + 1 … t] summed in time order, for rows t ≥ first + len − 1 (src defined
 * from row `first`). */
function windowMean(src: Float64Array, len: number, first: number, out: Float64Array): void {
  for (let t = first + len - 1; t < src.length; t++) {
    let s = 0;
    for (let j = t - len + 1; j <= t; j++) s += src[j]!;
    out[t] = s / len;
  }
}
