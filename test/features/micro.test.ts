import { test } from 'node:test';
import assert from 'node:assert/strict';
import { micro } from '../../src/features/families/micro.ts';
import type { PairFrame } from '../../src/features/types.ts';
import { rng } from '../kernels/regression-reference.ts';
import { checkNanPrefix, checkRanges, checkReal, checkTruncation, checkWarmup, frameOf, near, REAL_SKIP, realFrame, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';

const NAMES = ['bar_range_bp', 'body_ratio', 'upper_wick_ratio', 'lower_wick_ratio', 'close_location', 'gap_bp',
  'volume_z_w15', 'volume_z_w60', 'volume_z_w240', 'volume_ratio_15_240', 'volume_ratio_60_1440', 'vwap_dist_w60',
  'vwap_dist_w240', 'amihud_w60', 'roll_spread_w60', 'zero_return_frac_w60'];
const VOLUME_FEATURES = NAMES.filter((s) => /volume|vwap|amihud/.test(s));
const BP = 1e4;

test('names and counts match FEATURES.md §7 micro (16)', () => {
  assert.deepEqual(micro.features.map((f) => f.name).sort(), NAMES.map((s) => `micro_idx_${s}`).sort());
});

/** Quoted bars: OHLC on a 0.001 tick (repeated closes), 10 % zero-volume rows and a 300-row stretch without
 * volume; a bar without volume is flat at the previous close (O = H = L = C, as Dukascopy's closed minutes). */
function quotedFrame(n: number, seed: number): PairFrame {
  const bars = syntheticBars(n, seed);
  const u = rng(seed + 1);
  const cols = ['open', 'high', 'low', 'close'] as const;
  for (const k of cols) bars[k] = bars[k].map((x) => Math.round(x * 1000) / 1000);
  for (let t = 1; t < n; t++) {
    if (u() < 0.1 || (t >= 1500 && t < 1800)) {
      bars.volume[t] = 0;
      for (const k of cols) bars[k][t] = bars.close[t - 1]!;
    }
  }
  return frameOf(bars);
}

/** Window values x(i) for i in [t − w + 1, t]. */
const win = (t: number, w: number, x: (i: number) => number) => Array.from({ length: w }, (_, k) => x(t - w + 1 + k));
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
/** Σ x(i) over i in [t − w + 1, t] (a plain loop: the 1,440-row window is summed at every row). */
function wsum(t: number, w: number, x: (i: number) => number): number {
  let s = 0;
  for (let i = t - w + 1; i <= t; i++) s += x(i);
  return s;
}

/** Every feature straight from its definition at row t (O(W) loops). */
function reference(f: PairFrame, t: number): Record<string, number> {
  const { open: O, high: H, low: L, close: C, volume: V } = f;
  const hl = H[t]! - L[t]!;
  const shape = (x: number) => (hl === 0 ? NaN : x / hl);
  const e: Record<string, number> = {
    bar_range_bp: (BP * hl) / C[t]!,
    body_ratio: shape(Math.abs(C[t]! - O[t]!)),
    upper_wick_ratio: shape(H[t]! - Math.max(O[t]!, C[t]!)),
    lower_wick_ratio: shape(Math.min(O[t]!, C[t]!) - L[t]!),
    close_location: shape(C[t]! - L[t]!),
    gap_bp: t < 1 ? NaN : (BP * (O[t]! - C[t - 1]!)) / C[t - 1]!,
  };
  // Mean as first + mean of differences: exact for a constant window, so its std is exactly 0.
  const mean = (a: number[]) => a[0]! + sum(a.map((v) => v - a[0]!)) / a.length;
  for (const w of [15, 60, 240]) {
    if (t < w - 1) { e[`volume_z_w${w}`] = NaN; continue; }
    const v = win(t, w, (i) => V[i]!);
    const m = mean(v);
    const sd = Math.sqrt(sum(v.map((x) => (x - m) ** 2)) / (w - 1));
    e[`volume_z_w${w}`] = sd === 0 ? NaN : (V[t]! - m) / sd;
  }
  for (const [a, b] of [[15, 240], [60, 1440]] as const) {
    const mb = t < b - 1 ? NaN : wsum(t, b, (i) => V[i]!) / b;
    e[`volume_ratio_${a}_${b}`] = mb === 0 ? NaN : wsum(t, a, (i) => V[i]!) / a / mb;
  }
  for (const w of [60, 240]) {
    if (t < w - 1) { e[`vwap_dist_w${w}`] = NaN; continue; }
    const sv = wsum(t, w, (i) => V[i]!);
    // VWAP − C_t = Σ (TP − C_t)·V / Σ V, accumulated around C_t.
    const dev = wsum(t, w, (i) => ((H[i]! + L[i]! + C[i]!) / 3 - C[t]!) * V[i]!) / sv;
    e[`vwap_dist_w${w}`] = sv === 0 ? NaN : (-BP * dev) / (C[t]! + dev);
  }
  if (t < 60) {
    e.amihud_w60 = NaN;
    e.zero_return_frac_w60 = NaN;
  } else {
    const rows = win(t, 60, (i) => i).filter((i) => V[i]! > 0);
    e.amihud_w60 = rows.length === 0 ? NaN : sum(rows.map((i) => Math.abs(Math.log(C[i]! / C[i - 1]!)) / V[i]!)) / rows.length;
    e.zero_return_frac_w60 = win(t, 60, (i) => +(C[i] === C[i - 1])).filter((z) => z === 1).length / 60;
  }
  if (t < 61) {
    e.roll_spread_w60 = NaN;
  } else {
    const x = win(t, 60, (i) => C[i]! - C[i - 1]!);
    const y = win(t, 60, (i) => C[i - 1]! - C[i - 2]!);
    const mx = sum(x) / 60, my = sum(y) / 60;
    const cov = sum(x.map((v, k) => (v - mx) * (y[k]! - my))) / 59;
    e.roll_spread_w60 = (2 * BP * Math.sqrt(Math.max(0, -cov))) / C[t]!;
    e.roll_scale2 = ((2 * BP) / C[t]!) ** 2 * (sum(x.map((v, k) => Math.abs(v * y[k]!))) / 60); // spread² at |cov| ~ |ΔC·ΔC|
  }
  return e;
}

function compareAll(f: PairFrame): void {
  const cols = run(micro, f);
  for (let t = 0; t < f.n; t++) {
    const e = reference(f, t);
    for (const name of NAMES) {
      const got = cols.get(`micro_idx_${name}`)![t]!;
      const where = `${name}[${t}]`;
      if (name === 'roll_spread_w60' && !Number.isNaN(e[name]!)) {
        // sqrt(max(0, −cov)) is not Lipschitz at cov = 0: compare the spread², linear in cov, with the scale of
        // the products ΔC_i·ΔC_{i−1} as the floor.
        near(got * got, e[name]! ** 2, 1e-9, where, e.roll_scale2);
      } else {
        // z-scores and VWAP distances (bp) are O(1) and cross 0: relative to max(|value|, 1).
        near(got, e[name]!, 1e-9, where, name.startsWith('volume_z') || name.startsWith('vwap') ? 1 : 0);
      }
    }
  }
}

test('values equal the direct definitions on quoted bars with flat bars and zero-volume rows (1e-9 relative)', () => {
  const f = quotedFrame(2000, 17);
  const c = run(micro, f);
  // The frame really exercises the undefined cases.
  assert.ok(c.get('micro_idx_body_ratio')!.some(Number.isNaN), 'some H = L bars');
  assert.ok(c.get('micro_idx_vwap_dist_w60')!.slice(1560, 1800).every(Number.isNaN), 'a window without volume');
  assert.ok(c.get('micro_idx_zero_return_frac_w60')!.slice(60).some((v) => v > 0.05), 'repeated closes');
  assert.ok(c.get('micro_idx_roll_spread_w60')!.slice(61).some((v) => v > 0), 'negative autocovariance');
  compareAll(f);
});

test('values equal the direct definitions on smooth bars', () => {
  compareAll(syntheticFrame(1500, 8));
});

test('NaN exactly in the first nanPrefix rows where nothing is undefined; declared ranges hold', () => {
  const f = syntheticFrame(1600, 3);
  const cols = run(micro, f);
  checkNanPrefix(micro, cols);
  checkRanges(micro, cols);
  checkRanges(micro, run(micro, quotedFrame(2000, 5)));
});

test('all-zero volume (HistData): every volume feature is NaN, the others are not', () => {
  const bars = syntheticBars(1600, 6);
  bars.volume.fill(0);
  const cols = run(micro, frameOf(bars));
  for (const name of NAMES) {
    const col = cols.get(`micro_idx_${name}`)!;
    if (VOLUME_FEATURES.includes(name)) assert.ok(col.every(Number.isNaN), name);
    else assert.ok(col.slice(61).every(Number.isFinite), name);
  }
});

test('truncation invariance: computing on rows ≤ t gives identical values at ≤ t', () => {
  checkTruncation(micro, quotedFrame(2000, 23), [300, 1450, 1700]);
});

test('real EURUSD (Dukascopy, April 2025, zero-volume closed minutes): NaN exactly where undefined', { skip: REAL_SKIP }, () => {
  const f = realFrame();
  const n = f.n;
  // Prefix counts of rows with volume, and run lengths of identical volumes.
  const withVolume = new Float64Array(n + 1);
  const sameVolume = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    withVolume[t + 1] = withVolume[t]! + (f.volume[t]! > 0 ? 1 : 0);
    sameVolume[t] = t > 0 && f.volume[t] === f.volume[t - 1] ? sameVolume[t - 1]! + 1 : 1;
  }
  const noVolume = (t: number, w: number) => t >= w - 1 && withVolume[t + 1]! - withVolume[t + 1 - w]! === 0;
  let undefinedRows = 0;
  checkReal(micro, f, (name, t) => {
    const s = name.slice('micro_idx_'.length);
    const w = Number(/(\d+)$/.exec(s)?.[1]);
    const u = /ratio$|close_location/.test(s) && !s.startsWith('volume') ? f.high[t] === f.low[t]
      : s.startsWith('volume_z') ? sameVolume[t]! >= w
      : s.startsWith('volume_ratio') || s.startsWith('vwap') || s.startsWith('amihud') ? noVolume(t, w)
      : false;
    if (u) undefinedRows++;
    return u;
  });
  assert.ok(undefinedRows > 10_000, 'weekends and flat bars are undefined cases');
});

test('warm-up: starting exactly lookback rows earlier reproduces the continuous run', () => {
  checkWarmup(micro, quotedFrame(2000, 29), 1500);
});
