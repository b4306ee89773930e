// Test support for the TA-Lib kernels (kernels/ta/): the TA-Lib 0.6 oracle (npm talib 1.1.6), test
// series (generated idx-like and bqx-like, the real 2017 HistData EURUSD and the Dukascopy April 2025
// EURUSD with real volume) and the parity assertion.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { strFromU8, unzipSync } from 'fflate';

interface TaOutput { begIndex: number; nbElement: number; result: Record<string, number[]> }
const binding = createRequire(import.meta.url)('talib') as { execute(p: Record<string, unknown>): TaOutput };

/**
 * Runs TA-Lib function `name` over all rows of the inputs (keys: inReal, high, low, close, volume) with
 * options `opts`; every output is aligned to input rows, NaN before TA-Lib's begIndex. (The binding
 * reads plain arrays only: typed arrays are converted.)
 */
export function taLib(name: string, inputs: Record<string, Float64Array>, opts: Record<string, number> = {}): Record<string, Float64Array> {
  const n = Object.values(inputs)[0]!.length;
  const plain = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, Array.from(v)]));
  const r = binding.execute({ name, startIdx: 0, endIdx: n - 1, ...plain, ...opts });
  const out: Record<string, Float64Array> = {};
  for (const [k, values] of Object.entries(r.result)) {
    const col = new Float64Array(n).fill(NaN);
    for (let i = 0; i < r.nbElement; i++) col[r.begIndex + i] = values[i]!;
    out[k] = col;
  }
  return out;
}

/** Bars of a test series. On bqx-like series high = low = close = B. */
export interface Series {
  readonly name: string;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** Deterministic uniform numbers in [0, 1) (LCG). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * An index series ≈ 100 with ≈ 1e-4 relative moves, volatility clustering, prices on a 0.001 grid (so
 * ties and flat bars occur), consistent OHLC and integer volumes with zero-volume stretches.
 */
export function idxSeries(n: number, seed: number): Series {
  const r = rng(seed);
  const high = new Float64Array(n), low = new Float64Array(n), close = new Float64Array(n), volume = new Float64Array(n);
  let p = 100;
  let vol = 1e-4;
  const grid = (x: number) => Math.round(x * 1000) / 1000;
  for (let t = 0; t < n; t++) {
    vol = Math.min(5e-4, Math.max(3e-5, vol * (1 + (r() - 0.5) * 0.2)));
    const open = grid(p);
    p *= 1 + (r() - 0.5) * 3.4 * vol;
    const c = grid(p);
    close[t] = c;
    high[t] = grid(Math.max(open, c) + r() * vol * 100);
    low[t] = grid(Math.min(open, c) - r() * vol * 100);
    volume[t] = t % 997 < 40 ? 0 : Math.floor(r() * 120);
  }
  return { name: `idx series (seed ${seed})`, high, low, close, volume };
}

/** B_t = Σ_{k=1..15} (C_{t−k} − C_t)/C_t (FEATURES.md §1) of an idx series, from its 16th row: ≈ 1e-3 with
 * sign changes; high = low = close = B. */
export function bqxSeries(n: number, seed: number): Series {
  const s = idxSeries(n + 15, seed);
  const b = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const c = s.close[t + 15]!;
    let sum = 0;
    for (let k = 1; k <= 15; k++) sum += (s.close[t + 15 - k]! - c) / c;
    b[t] = sum;
  }
  return { name: `bqx series (seed ${seed})`, high: b, low: b, close: b, volume: s.volume.slice(15) };
}

const REAL = new URL('../../../shared/data/real-fx/', import.meta.url);
const HISTDATA = new URL('parrondo__deeptrading/HISTDATA_COM_ASCII_EURUSD_M1_2017.zip', REAL);
const DUKASCOPY = new URL('MrNotGramatika__CSV-AskBid-Pair-Parser/EURUSD_Candlestick_1_M_BID_01.04.2025-30.04.2025.csv', REAL);
/** `skip` option of the real-data tests: visible when the shared data is absent. */
export const REAL_SKIP = existsSync(HISTDATA) && existsSync(DUKASCOPY) ? false : 'needs ../shared/data/real-fx (absent)';

function fromRows(name: string, rows: number[][]): Series {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]!);
  return { name, high: col(0), low: col(1), close: col(2), volume: col(3) };
}

/** The first `rows` bars of HistData EURUSD M1 2017 (bid prices ≈ 1.05, volume always 0). */
export function histdataEurusd(rows: number): Series {
  const zip = unzipSync(readFileSync(HISTDATA));
  const csv = Object.keys(zip).find((k) => k.endsWith('.csv'))!;
  const lines = strFromU8(zip[csv]!).split('\n', rows);
  // YYYYMMDD HHMMSS;open;high;low;close;volume
  return fromRows('HistData EURUSD 2017', lines.map((l) => l.split(';').slice(2).map(Number)));
}

/** Dukascopy EURUSD M1 bid, April 2025: real fractional volumes, flat zero-volume bars at weekends. */
export function dukascopyEurusd(): Series {
  const lines = readFileSync(DUKASCOPY, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  // Gmt time,Open,High,Low,Close,Volume
  return fromRows('Dukascopy EURUSD 2025-04', lines.map((l) => l.split(',').slice(2).map(Number)));
}

/**
 * Asserts that `ours` equals TA-Lib's `theirs`: the same rows without a value (so the same lookback) and
 * |a − b| ≤ rel · max(|a|, |b|, m) elsewhere, m = the median |value| of TA-Lib's column (a value that
 * crosses zero, such as MACD, is judged on the scale of its column).
 */
export function assertParity(ours: Float64Array, theirs: Float64Array, rel: number, what: string): void {
  assert.equal(ours.length, theirs.length, `${what}: length`);
  const m = medianAbs(theirs);
  for (let t = 0; t < ours.length; t++) {
    const a = ours[t]!, b = theirs[t]!;
    const ok = Number.isNaN(a) || Number.isNaN(b) ? Number.isNaN(a) && Number.isNaN(b) : Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), m);
    if (!ok) assert.fail(`${what}: row ${t}: ours ${a}, TA-Lib ${b}`);
  }
}

/** Median of |x| over the finite values. */
export function medianAbs(x: Float64Array): number {
  const v = Array.from(x).filter(Number.isFinite).map(Math.abs).sort((a, b) => a - b);
  return v.length ? v[v.length >> 1]! : 0;
}

/** Leading rows that are NaN. */
export function leadingNaN(x: Float64Array): number {
  let i = 0;
  while (i < x.length && Number.isNaN(x[i]!)) i++;
  return i;
}
