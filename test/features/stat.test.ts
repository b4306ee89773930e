import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { stat } from '../../src/features/families/stat.ts';
import { moments } from '../kernels/rolling-reference.ts';
import { checkNanPrefix, checkRanges, checkTruncation, frameOf, near, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';
import type { PairFrame } from '../../src/features/types.ts';

// FEATURES.md §5.
const WINDOWS = [20, 60, 240];
const METRICS = ['mean', 'std', 'skew', 'kurt', 'min', 'max', 'range', 'zscore'];

test('names and counts match FEATURES.md §5 (idx 24, bqx 24); lookbacks include B’s 15 rows', () => {
  const expected = ['idx', 'bqx'].flatMap((d) => WINDOWS.flatMap((w) => METRICS.map((m) => `stat_${d}_w${w}_${m}`)));
  assert.deepEqual(stat.features.map((f) => f.name).sort(), expected.sort());
  assert.equal(stat.features.filter((f) => f.domain === 'idx').length, 24);
  assert.equal(stat.features.filter((f) => f.domain === 'bqx').length, 24);
  for (const f of stat.features) {
    const w = Number(/_w(\d+)_/.exec(f.name)![1]);
    assert.equal(f.lookback, f.domain === 'idx' ? w - 1 : w - 1 + 15, f.name);
    assert.equal(f.nanPrefix, f.lookback, f.name);
  }
});

/** Every metric of every window against a two-pass reference (sampled every `step` rows). */
function checkValues(frame: PairFrame, cols: Map<string, Float64Array>, step: number): void {
  for (const [d, y] of [['idx', frame.close], ['bqx', frame.bqx]] as const) {
    for (const w of WINDOWS) {
      const col = (m: string) => cols.get(`stat_${d}_w${w}_${m}`)![t]!;
      let t = 0;
      for (; t < frame.n; t += step) {
        const where = `${d} w${w} t${t}`;
        const v = t >= w - 1 ? Array.from(y.subarray(t - w + 1, t + 1)) : [NaN];
        if (v.some(Number.isNaN)) {
          for (const m of METRICS) assert.ok(Number.isNaN(col(m)), `${where} ${m} NaN`);
          continue;
        }
        const mo = moments(v);
        const constant = v.every((a) => a === v[0]);
        const std = constant ? 0 : Math.sqrt((mo.m2 * w) / (w - 1));
        const spread = Math.max(...v) - Math.min(...v);
        near(col('mean'), mo.mean, 1e-13, `${where} mean`, spread);
        near(col('std'), std, 1e-9, `${where} std`);
        near(col('skew'), constant ? NaN : mo.m3 / mo.m2 ** 1.5, 1e-9, `${where} skew`, 1);
        near(col('kurt'), constant ? NaN : mo.m4 / mo.m2 ** 2 - 3, 1e-9, `${where} kurt`, 1);
        assert.equal(col('min'), Math.min(...v), `${where} min`);
        assert.equal(col('max'), Math.max(...v), `${where} max`);
        assert.equal(col('range'), spread, `${where} range`);
        near(col('zscore'), constant ? NaN : (y[t]! - mo.mean) / std, 1e-9, `${where} zscore`, 1);
      }
    }
  }
}

const frame = syntheticFrame(1500, 41);
const cols = run(stat, frame);

test('values equal a two-pass reference of each window (idx ≈ 100 and bqx ≈ 1e-3)', () => {
  checkValues(frame, cols, 1);
});

test('NaN exactly in the first nanPrefix rows, finite after; declared ranges hold', () => {
  checkNanPrefix(stat, cols);
  checkRanges(stat, cols);
});

test('truncation invariance', () => {
  checkTruncation(stat, frame, [0, 18, 19, 33, 34, 254, 255, 900]);
});

test('constant stretch: std 0, range 0, skew/kurt/zscore NaN; nothing infinite', () => {
  const bars = syntheticBars(700, 42);
  bars.close.fill(99.5, 300, 600);
  const c = run(stat, frameOf(bars));
  for (let t = 319; t < 600; t++) {
    assert.equal(c.get('stat_idx_w20_std')![t], 0);
    assert.equal(c.get('stat_idx_w20_range')![t], 0);
    assert.equal(c.get('stat_idx_w20_mean')![t], 99.5);
    for (const m of ['skew', 'kurt', 'zscore']) assert.ok(Number.isNaN(c.get(`stat_idx_w20_${m}`)![t]!), `${m} t${t}`);
  }
  // B over a flat close is exactly 0 from 15 rows in; its window is constant 20 rows later
  for (let t = 334; t < 600; t++) assert.equal(c.get('stat_bqx_w20_std')![t], 0);
  for (const col of c.values()) assert.ok(col.every((v) => !Number.isFinite(v) ? Number.isNaN(v) : true));
});

const REAL = new URL('../../../shared/data/real-fx/Kismuz__btgym/DAT_ASCII_EURUSD_M1_201702.csv', import.meta.url);
test('real EURUSD 2017-02 (quantised prices, many ties) against the reference', { skip: existsSync(REAL) ? false : 'needs ../shared/data/real-fx (absent)' }, () => {
  const lines = readFileSync(REAL, 'utf8').trim().split('\n');
  const close = Float64Array.from(lines, (l) => Number(l.split(';')[4]));
  const idx = close.map((c) => (100 * c) / close[0]!);
  const zeros = new Float64Array(idx.length);
  const real = frameOf({ open: idx, high: idx, low: idx, close: idx, volume: zeros });
  const c = run(stat, real);
  checkValues(real, c, 7);
  checkRanges(stat, c);
  // ties really occur in this data: repeated closes (so min/max ties and short flat runs are exercised)
  const repeats = idx.filter((v, t) => t > 0 && v === idx[t - 1]).length;
  assert.ok(repeats > 1000, `${repeats} repeated closes`);
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(stat, frame, 800);
});
