// Parity of the TA-Lib kernels with TA-Lib 0.6 on real 1-minute data: HistData EURUSD 2017 (as the idx
// domain, 100 × price / first close, and as its bqx series B), and Dukascopy EURUSD April 2025, whose
// real fractional volumes (zero on the flat weekend bars) exercise MFI, OBV and obv_slope.
import { test } from 'node:test';
import { dukascopyEurusd, histdataEurusd, REAL_SKIP, type Series } from './ta-oracle.ts';
import { checkAllCases } from './ta-cases.ts';

/** Rows per series (TA-Lib's binding converts arrays slowly); Dukascopy's first weekend (flat, V = 0) is
 * rows 5,580 … 8,459. */
const HISTDATA_ROWS = 20_000;
const DUKASCOPY_ROWS = 10_000;

function asIdx(s: Series, rows: number): Series {
  const k = 100 / s.close[0]!;
  const f = (a: Float64Array) => a.slice(0, rows).map((v) => v * k);
  return { name: `${s.name} (idx)`, high: f(s.high), low: f(s.low), close: f(s.close), volume: s.volume.slice(0, rows) };
}

/** B_t = Σ_{k=1..15} (C_{t−k} − C_t)/C_t from row 15 on (FEATURES.md §1); H = L = C = B. */
function asBqx(s: Series): Series {
  const n = s.close.length - 15;
  const b = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const c = s.close[t + 15]!;
    for (let k = 1; k <= 15; k++) b[t]! += (s.close[t + 15 - k]! - c) / c;
  }
  return { name: `${s.name} → bqx`, high: b, low: b, close: b, volume: s.volume.slice(15) };
}

test('HistData EURUSD 2017 (volume 0 throughout): every indicator = TA-Lib on idx and bqx', { skip: REAL_SKIP }, () => {
  const idx = asIdx(histdataEurusd(HISTDATA_ROWS), HISTDATA_ROWS);
  checkAllCases(idx, false);
  checkAllCases(asBqx(idx), true);
});

test('Dukascopy EURUSD 2025-04 (real volume, flat zero-volume weekend): every indicator = TA-Lib', { skip: REAL_SKIP }, () => {
  checkAllCases(asIdx(dukascopyEurusd(), DUKASCOPY_ROWS), false);
});
