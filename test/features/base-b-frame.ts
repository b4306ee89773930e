// Test helpers for the reg, vol, fib and micro families: a realistic synthetic pair frame (idx ≈ 100 with
// ≈ 1e-4 relative moves and volatility clustering, consistent OHLC, varying integer tick volumes), running a
// family into fresh columns, and the checks every family shares (NaN prefix, truncation invariance).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Family, PairFrame } from '../../src/features/types.ts';
import { gauss, rng } from '../kernels/regression-reference.ts';

export interface Ohlcv {
  open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array;
}

/** B_t = Σ_{k=1..15} (C_{t−k} − C_t) / C_t straight from FEATURES.md §1 (NaN for t < 15). */
export function bqxOf(close: Float64Array): Float64Array {
  const b = new Float64Array(close.length).fill(NaN);
  for (let t = 15; t < close.length; t++) {
    let s = 0;
    for (let k = 1; k <= 15; k++) s += (close[t - k]! - close[t]!) / close[t]!;
    b[t] = s;
  }
  return b;
}

export function frameOf(bars: Ohlcv): PairFrame {
  const n = bars.close.length;
  return {
    pair: 'EURUSD', n,
    ts: Float64Array.from({ length: n }, (_, i) => 1_719_792_000_000 + 60_000 * i),
    ...bars,
    bqx: bqxOf(bars.close),
    rawClose: bars.close.map((c) => (c * 1.08) / 100),
    upstream: (name) => { throw new Error(`no upstream ${name}`); },
  };
}

const DUKASCOPY = new URL(
  '../../../shared/data/real-fx/MrNotGramatika__CSV-AskBid-Pair-Parser/EURUSD_Candlestick_1_M_BID_01.04.2025-30.04.2025.csv',
  import.meta.url,
);
/** `skip` option of the real-data tests: visible when the shared data is absent. */
export const REAL_SKIP = existsSync(DUKASCOPY) ? false : 'needs ../shared/data/real-fx (absent)';

/** Real EURUSD bid bars of April 2025 (Dukascopy, real volume; closed minutes are flat bars with V = 0),
 * idx = 100 × price / first close. */
export function realFrame(): PairFrame {
  const lines = readFileSync(DUKASCOPY, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const n = lines.length;
  const b: Ohlcv = {
    open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n),
    close: new Float64Array(n), volume: new Float64Array(n),
  };
  lines.forEach((line, t) => {
    const [, o, h, l, c, v] = line.split(',').map(Number);
    b.open[t] = o!; b.high[t] = h!; b.low[t] = l!; b.close[t] = c!; b.volume[t] = v!;
  });
  const k = 100 / b.close[0]!;
  for (const key of ['open', 'high', 'low', 'close'] as const) b[key] = b[key].map((x) => x * k);
  return frameOf(b);
}

/** No ±Infinity anywhere; declared ranges hold; NaN after the prefix only where `undefinedAt` says so. */
export function checkReal(fam: Family, frame: PairFrame, undefinedAt: (name: string, t: number) => boolean): void {
  const cols = run(fam, frame);
  checkRanges(fam, cols);
  for (const f of fam.features) {
    const col = cols.get(f.name)!;
    for (let t = 0; t < frame.n; t++) {
      const v = col[t]!;
      assert.ok(v === v ? Number.isFinite(v) : t < f.nanPrefix || undefinedAt(f.name, t), `${f.name}[${t}] = ${v}`);
      if (t >= f.nanPrefix && undefinedAt(f.name, t)) assert.ok(Number.isNaN(v), `${f.name}[${t}] = ${v} where undefined`);
    }
  }
}

/** n bars of a GBM-like idx series: every bar has H > L and volume ≥ 1 (nothing undefined by design). */
export function syntheticBars(n: number, seed: number): Ohlcv {
  const u = rng(seed);
  const z = gauss(u);
  const b: Ohlcv = {
    open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n),
    close: new Float64Array(n), volume: new Float64Array(n),
  };
  let c = 100;
  let vol = 1;
  for (let t = 0; t < n; t++) {
    vol = 0.98 * vol + 0.02 * (0.3 + 1.4 * Math.abs(z()));
    const o = c * (1 + 2e-5 * vol * z());
    c = o * (1 + 1e-4 * vol * z());
    b.open[t] = o;
    b.close[t] = c;
    b.high[t] = Math.max(o, c) * (1 + 3e-5 * vol * u() + 1e-7);
    b.low[t] = Math.min(o, c) * (1 - 3e-5 * vol * u() - 1e-7);
    b.volume[t] = 1 + Math.floor(200 * vol * u());
  }
  return b;
}

export function syntheticFrame(n: number, seed: number): PairFrame {
  return frameOf(syntheticBars(n, seed));
}

/** Runs the family on the frame; returns its columns by name (each starts zero-filled, as in the pipeline). */
export function run(fam: Family, frame: PairFrame): Map<string, Float64Array> {
  const cols = new Map(fam.features.map((f) => [f.name, new Float64Array(frame.n)]));
  fam.compute!(frame, (name) => {
    const c = cols.get(name);
    if (!c) throw new Error(`${fam.name} wrote undeclared column ${name}`);
    return c;
  }, { note: () => {}, warn: () => {} });
  return cols;
}

/** The first rows of the frame as a frame (B recomputed from the truncated closes, as the pipeline would). */
export function head(frame: PairFrame, rows: number): PairFrame {
  const cut = (a: Float64Array) => a.slice(0, rows);
  return frameOf({ open: cut(frame.open), high: cut(frame.high), low: cut(frame.low), close: cut(frame.close), volume: cut(frame.volume) });
}

/** NaN exactly in the first nanPrefix rows and finite after (on a frame where nothing is undefined). */
export function checkNanPrefix(fam: Family, cols: Map<string, Float64Array>): void {
  for (const f of fam.features) {
    const col = cols.get(f.name)!;
    for (let t = 0; t < col.length; t++) {
      if (t < f.nanPrefix) assert.ok(Number.isNaN(col[t]), `${f.name}[${t}] = ${col[t]} inside nanPrefix ${f.nanPrefix}`);
      else assert.ok(Number.isFinite(col[t]), `${f.name}[${t}] = ${col[t]} after nanPrefix ${f.nanPrefix}`);
    }
  }
}

/** Declared ranges hold wherever the value is not NaN. */
export function checkRanges(fam: Family, cols: Map<string, Float64Array>): void {
  for (const f of fam.features) {
    if (!f.range) continue;
    const [lo, hi] = f.range;
    for (const v of cols.get(f.name)!) if (!Number.isNaN(v)) assert.ok(v >= lo && v <= hi, `${f.name} = ${v} outside [${lo}, ${hi}]`);
  }
}

/** Computing on rows ≤ t gives identical values (bit for bit) at rows ≤ t. */
export function checkTruncation(fam: Family, frame: PairFrame, cuts: readonly number[]): void {
  const full = run(fam, frame);
  for (const cut of cuts) {
    const part = run(fam, head(frame, cut + 1));
    for (const f of fam.features) {
      assert.deepEqual(part.get(f.name), full.get(f.name)!.subarray(0, cut + 1), `${f.name} cut at ${cut}`);
    }
  }
}

/**
 * Warm-up: computing from exactly `lookback` rows before `start` gives the values of the full run at rows
 * ≥ start (to 1e-9 relative to max(|value|, the column's rms): running sums differ in their re-summation phase).
 */
export function checkWarmup(fam: Family, frame: PairFrame, start: number): void {
  const full = run(fam, frame);
  const rows = (a: Float64Array, from: number) => a.slice(from);
  for (const lookback of new Set(fam.features.map((f) => f.lookback))) {
    const from = start - lookback;
    assert.ok(from >= 0, `start ${start} leaves no room for lookback ${lookback}`);
    const part = run(fam, frameOf({
      open: rows(frame.open, from), high: rows(frame.high, from), low: rows(frame.low, from),
      close: rows(frame.close, from), volume: rows(frame.volume, from),
    }));
    for (const f of fam.features.filter((d) => d.lookback === lookback)) {
      const exp = full.get(f.name)!.subarray(start);
      const got = part.get(f.name)!.subarray(lookback);
      let ss = 0, k = 0;
      for (const v of exp) if (v === v) { ss += v * v; k++; }
      const rms = Math.sqrt(ss / Math.max(k, 1));
      for (let i = 0; i < exp.length; i++) near(got[i]!, exp[i]!, 1e-9, `${f.name} warm-up ${lookback}, row ${start + i}`, rms);
    }
  }
}

/** |got − exp| ≤ tol · max(|exp|, floor); NaN only where NaN is expected. */
export function near(got: number, exp: number, tol: number, what: string, floor = 0): void {
  if (Number.isNaN(exp)) return assert.ok(Number.isNaN(got), `${what}: expected NaN, got ${got}`);
  const err = Math.abs(got - exp);
  assert.ok(err <= tol * Math.max(Math.abs(exp), floor), `${what}: got ${got}, expected ${exp} (err ${err})`);
}
