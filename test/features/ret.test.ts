import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ret } from '../../src/features/families/ret.ts';
import { checkNanPrefix, checkTruncation, near, run, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';

// FEATURES.md §7 ret.
const HORIZONS = [5, 15, 30, 60, 120, 240];

test('names and count match FEATURES.md §7 (idx 6); lookback = n', () => {
  assert.deepEqual(ret.features.map((f) => f.name), HORIZONS.map((n) => `ret_idx_r${n}`));
  for (const [i, f] of ret.features.entries()) {
    assert.equal(f.domain, 'idx');
    assert.equal(f.lookback, HORIZONS[i]);
    assert.equal(f.nanPrefix, HORIZONS[i]);
  }
});

const frame = syntheticFrame(800, 61);
const cols = run(ret, frame);

test('values equal 10⁴ · ln(C_t / C_{t−n})', () => {
  const c = frame.close;
  for (const n of HORIZONS) {
    const col = cols.get(`ret_idx_r${n}`)!;
    for (let t = 0; t < frame.n; t++) {
      // the ratio's rounding (1e-16) is an absolute 1e-12 bp: a floor of 1e-3 bp for tiny returns
      near(col[t]!, t < n ? NaN : 1e4 * Math.log(c[t]! / c[t - n]!), 1e-9, `r${n} t${t}`, 1e-3);
    }
  }
});

test('NaN prefix and truncation invariance', () => {
  checkNanPrefix(ret, cols);
  checkTruncation(ret, frame, [0, 4, 5, 239, 240, 500]);
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(ret, frame, 500);
});
