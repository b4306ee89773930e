// kernels/ta/cci.ts runs its two slot-order sums interleaved (the deviation sum of row t beside the TP sum
// of row t + 1) for speed; every bit must stay as the plain ring loop computes it (TA-Lib's order, which
// the lake files were written with). The plain loop is kept here as the reference; compared on idx-like
// and bqx-like series (flat stretches: deviation 0 and TP = mean), real EURUSD, and periods 2 … 75.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cci } from '../../src/kernels/ta/cci.ts';
import { bqxSeries, histdataEurusd, idxSeries } from './ta-oracle.ts';
import { realSkip } from '../helpers/histdata-slice.ts';

/** The ring loop as TA-Lib writes it: TP of row r in slot r mod period, both sums in slot order. */
function plainCci(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(NaN);
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
  return out;
}

function assertSame(s: { high: Float64Array; low: Float64Array; close: Float64Array }, what: string): void {
  const got = new Float64Array(s.close.length);
  for (const p of [2, 3, 14, 15, 30, 45, 60, 75]) {
    cci(s.high, s.low, s.close, p, got);
    const want = plainCci(s.high, s.low, s.close, p);
    for (let t = 0; t < got.length; t++) if (!Object.is(got[t], want[t])) assert.fail(`${what} period ${p} row ${t}: ${got[t]} ≠ ${want[t]}`);
  }
}

test('cci = the plain slot-order ring loop, bit for bit (idx-like and bqx-like series, periods 2 … 75)', () => {
  const idx = idxSeries(12_000, 1);
  // A flat stretch: TP = mean and a zero deviation sum (both 0 branches).
  idx.high.fill(100, 3000, 3200); idx.low.fill(100, 3000, 3200); idx.close.fill(100, 3000, 3200);
  assertSame(idx, 'idx');
  assertSame(bqxSeries(12_000, 2), 'bqx');
  // Shorter than the period, and exactly one row more than the lookback.
  assertSame(idxSeries(10, 3), 'short');
});

test('cci = the plain slot-order ring loop on real EURUSD 2017 bars', { skip: realSkip }, () => {
  assertSame(histdataEurusd(50_000), 'EURUSD');
});
