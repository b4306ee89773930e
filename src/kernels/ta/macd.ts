// MACD with TA-Lib 0.6 semantics (ta_MACD.c, TA_INT_MACD): both EMAs are computed from row slow − 1,
// the slow EMA seeded with the average of its first `slow` inputs and the fast EMA seeded with the
// average of the `fast` inputs ending at the same row (TA-Lib aligns the fast EMA to the slow one);
// macd = fast − slow; the signal is an EMA (TA-Lib seeding) of the macd line starting at row slow − 1;
// hist = macd − signal. All three outputs start at the common lookback (slow − 1) + (signal − 1).
// TA-Lib swaps fast and slow when slow < fast; so does this kernel.
import { alignOutputs, checkPeriod } from './common.ts';
import { emaK } from './ema.ts';

export interface MacdColumns {
  readonly macd?: Float64Array;
  readonly signal?: Float64Array;
  readonly hist?: Float64Array;
}

/** Rows before the first MACD value (TA-Lib MACD lookback). */
export function macdLookback(fast: number, slow: number, signal: number): number {
  return Math.max(fast, slow) - 1 + (signal - 1);
}

/** TA-Lib MACD(x, fast, slow, signal); only the requested columns are written. */
export function macd(x: Float64Array, fast: number, slow: number, signal: number, cols: MacdColumns): void {
  checkPeriod(fast, 2, 'fast period');
  checkPeriod(slow, 2, 'slow period');
  checkPeriod(signal, 1, 'signal period');
  if (slow < fast) [fast, slow] = [slow, fast];
  const n = x.length;
  const lookback = macdLookback(fast, slow, signal);
  const { macd: outMacd, signal: outSignal, hist: outHist } = cols;
  if (!alignOutputs(n, lookback, [], [outMacd, outSignal, outHist])) return;
  const kSlow = emaK(slow);
  const kFast = emaK(fast);
  const kSignal = emaK(signal);
  const start = slow - 1;
  let slowSum = 0;
  for (let i = 0; i <= start; i++) slowSum += x[i]!;
  let fastSum = 0;
  for (let i = start - fast + 1; i <= start; i++) fastSum += x[i]!;
  let emaSlow = slowSum / slow;
  let emaFast = fastSum / fast;
  // The signal's seed: the plain average of the first `signal` macd values (rows start … lookback).
  let sigSum = emaFast - emaSlow;
  for (let t = start + 1; t <= lookback; t++) {
    const v = x[t]!;
    emaSlow = (v - emaSlow) * kSlow + emaSlow;
    emaFast = (v - emaFast) * kFast + emaFast;
    sigSum += emaFast - emaSlow;
  }
  let sig = sigSum / signal;
  let m = emaFast - emaSlow;
  for (let t = lookback; ; ) {
    if (outMacd) outMacd[t] = m;
    if (outSignal) outSignal[t] = sig;
    if (outHist) outHist[t] = m - sig;
    if (++t >= n) break;
    const v = x[t]!;
    emaSlow = (v - emaSlow) * kSlow + emaSlow;
    emaFast = (v - emaFast) * kFast + emaFast;
    m = emaFast - emaSlow;
    sig = (m - sig) * kSignal + sig;
  }
}
