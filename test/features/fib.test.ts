import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fib } from '../../src/features/families/fib.ts';
import { checkNanPrefix, checkRanges, checkReal, checkTruncation, checkWarmup, frameOf, near, REAL_SKIP, realFrame, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';

const W = 240;
const RETR = [236, 382, 500, 618, 786];
const EXT = [1272, 1618];

test('names and counts match FEATURES.md §7 fib (10)', () => {
  const expected = [...RETR.map((p) => `fib_idx_dist_${p}`), 'fib_idx_pos', ...EXT.map((p) => `fib_idx_ext_${p}`),
    'fib_idx_swing_high_age', 'fib_idx_swing_low_age'];
  assert.deepEqual(fib.features.map((f) => f.name).sort(), expected.sort());
  for (const f of fib.features) assert.equal(f.lookback, W - 1);
});

/** Straight from the definition: swing over rows [t − 239, t]; ages of the most recent extreme. */
function reference(frame: ReturnType<typeof syntheticFrame>, t: number): Map<string, number> {
  const m = new Map<string, number>();
  if (t < W - 1) return m;
  let hs = -Infinity, ls = Infinity, hi = -1, li = -1;
  for (let i = t - W + 1; i <= t; i++) {
    if (frame.high[i]! >= hs) { hs = frame.high[i]!; hi = i; }
    if (frame.low[i]! <= ls) { ls = frame.low[i]!; li = i; }
  }
  const r = hs - ls;
  const c = frame.close[t]!;
  const ratio = (x: number) => (r === 0 ? NaN : x / r);
  for (const p of RETR) m.set(`fib_idx_dist_${p}`, ratio(c - (hs - (p / 1000) * r)));
  m.set('fib_idx_pos', ratio(c - ls));
  for (const p of EXT) m.set(`fib_idx_ext_${p}`, ratio(c - (ls + (p / 1000) * r)));
  m.set('fib_idx_swing_high_age', t - hi);
  m.set('fib_idx_swing_low_age', t - li);
  return m;
}

const frame = syntheticFrame(900, 31);
const cols = run(fib, frame);

test('values equal the direct definition (1e-9 relative, ages exact)', () => {
  for (let t = 0; t < frame.n; t++) {
    const exp = reference(frame, t);
    for (const f of fib.features) {
      const got = cols.get(f.name)![t]!;
      if (t < W - 1) assert.ok(Number.isNaN(got), `${f.name}[${t}]`);
      else if (f.name.endsWith('_age')) assert.equal(got, exp.get(f.name), `${f.name}[${t}]`);
      else near(got, exp.get(f.name)!, 1e-9, `${f.name}[${t}]`, 1);
    }
  }
});

test('NaN exactly in the first nanPrefix rows, finite after; declared ranges hold', () => {
  checkNanPrefix(fib, cols);
  checkRanges(fib, cols);
});

test('ties count the most recent extreme; a flat swing (R = 0) gives NaN ratios and age 0', () => {
  const bars = syntheticBars(700, 2);
  // Two equal highs above everything else at rows 300 and 350; two equal lows at rows 310 and 360.
  bars.high[300] = bars.high[350] = 200;
  bars.low[310] = bars.low[360] = 50;
  // Rows 420 … 699 perfectly flat.
  for (const k of ['open', 'high', 'low', 'close'] as const) bars[k].fill(100, 420);
  const c = run(fib, frameOf(bars));
  for (let t = 350; t < 300 + W; t++) assert.equal(c.get('fib_idx_swing_high_age')![t], t - 350);
  for (let t = 360; t < 310 + W; t++) assert.equal(c.get('fib_idx_swing_low_age')![t], t - 360);
  for (let t = 420 + W - 1; t < 700; t++) {
    for (const f of fib.features) {
      const v = c.get(f.name)![t]!;
      if (f.name.endsWith('_age')) assert.equal(v, 0, `${f.name}[${t}]`);
      else assert.ok(Number.isNaN(v), `${f.name}[${t}] = ${v} with R = 0`);
    }
  }
});

test('truncation invariance: computing on rows ≤ t gives identical values at ≤ t', () => {
  checkTruncation(fib, frame, [239, 500]);
});

test('real EURUSD (Dukascopy, April 2025): ranges hold, no ±Infinity, ratios NaN only when R = 0', { skip: REAL_SKIP }, () => {
  const f = realFrame();
  const flat = (t: number) => {
    let hs = -Infinity, ls = Infinity;
    for (let i = t - W + 1; i <= t; i++) { hs = Math.max(hs, f.high[i]!); ls = Math.min(ls, f.low[i]!); }
    return hs === ls;
  };
  checkReal(fib, f, (name, t) => !name.endsWith('_age') && flat(t));
});

test('warm-up: starting exactly lookback rows earlier reproduces the continuous run', () => {
  checkWarmup(fib, frame, 300);
});
