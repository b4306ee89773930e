import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vol } from '../../src/features/families/vol.ts';
import { checkNanPrefix, checkRanges, checkReal, checkTruncation, checkWarmup, frameOf, near, REAL_SKIP, realFrame, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';

test('names and counts match FEATURES.md §7 vol (7)', () => {
  const expected = ['rv_idx_w15', 'rv_idx_w60', 'rv_idx_w240', 'pk_idx_w15', 'pk_idx_w60', 'pk_idx_w240', 'gk_idx_w60'];
  assert.deepEqual(vol.features.map((f) => f.name).sort(), expected.sort());
  for (const f of vol.features) {
    const w = Number(/_w(\d+)$/.exec(f.name)![1]);
    assert.equal(f.lookback, f.name.startsWith('rv') ? w : w - 1, f.name);
    assert.equal(f.domain, 'idx');
  }
});

const frame = syntheticFrame(1000, 12);
const cols = run(vol, frame);
const BP = 1e4;

/** Direct definitions over the rows [t − w + 1, t] (two-pass sample std; plain sums). */
function reference(name: string, t: number): number {
  const w = Number(/_w(\d+)$/.exec(name)![1]);
  const { open: O, high: H, low: L, close: C } = frame;
  const rows = Array.from({ length: w }, (_, k) => t - w + 1 + k);
  if (name.startsWith('rv')) {
    if (t - w < 0) return NaN;
    const r = rows.map((i) => Math.log(C[i]! / C[i - 1]!));
    const m = r.reduce((s, v) => s + v, 0) / w;
    return BP * Math.sqrt(r.reduce((s, v) => s + (v - m) ** 2, 0) / (w - 1));
  }
  if (t - w + 1 < 0) return NaN;
  if (name.startsWith('pk')) return BP * Math.sqrt(rows.reduce((s, i) => s + Math.log(H[i]! / L[i]!) ** 2, 0) / (4 * Math.LN2 * w));
  const sum = rows.reduce((s, i) => s + 0.5 * Math.log(H[i]! / L[i]!) ** 2 - (2 * Math.LN2 - 1) * Math.log(C[i]! / O[i]!) ** 2, 0);
  return BP * Math.sqrt(sum / w);
}

test('values equal the direct definitions (1e-9 relative)', () => {
  for (const f of vol.features) {
    for (let t = 0; t < frame.n; t++) near(cols.get(f.name)![t]!, reference(f.name, t), 1e-9, `${f.name}[${t}]`);
  }
});

test('NaN exactly in the first nanPrefix rows, finite after; values ≥ 0', () => {
  checkNanPrefix(vol, cols);
  checkRanges(vol, cols);
});

test('flat bars (O = H = L = C, as Dukascopy closed-market minutes) give exactly 0, not NaN', () => {
  const bars = syntheticBars(700, 4);
  const c = bars.close[299]!;
  for (const k of ['open', 'high', 'low', 'close'] as const) bars[k].fill(c, 300, 600);
  const flat = run(vol, frameOf(bars));
  for (const f of vol.features) {
    const w = Number(/_w(\d+)$/.exec(f.name)![1]);
    for (let t = 300 + w; t < 600; t++) assert.equal(flat.get(f.name)![t], 0, `${f.name}[${t}]`);
  }
});

test('truncation invariance: computing on rows ≤ t gives identical values at ≤ t', () => {
  checkTruncation(vol, frame, [250, 611]);
});

test('real EURUSD (Dukascopy, April 2025): values ≥ 0, finite after the NaN prefix', { skip: REAL_SKIP }, () => {
  checkReal(vol, realFrame(), () => false);
});

test('warm-up: starting exactly lookback rows earlier reproduces the continuous run', () => {
  checkWarmup(vol, frame, 300);
});
