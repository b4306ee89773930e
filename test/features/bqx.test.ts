import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bqx } from '../../src/features/families/bqx.ts';
import { bqxReturn } from '../../src/kernels/bqx.ts';
import { moments } from '../kernels/rolling-reference.ts';
import { checkNanPrefix, checkRanges, checkTruncation, near, run, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';

// FEATURES.md §1.
const WINDOWS = [15, 30, 45, 60, 75];
const METRICS = ['return', 'endpoint', 'max', 'min', 'avg', 'stdev'];
const AGG = ['return', 'max', 'min', 'avg', 'stdev', 'range', 'volatility'];

test('names and count match FEATURES.md §1 (bqx 37); lookback = nanPrefix = W', () => {
  const expected = [...WINDOWS.flatMap((w) => METRICS.map((m) => `w${w}_bqx_${m}`)), ...AGG.map((m) => `agg_bqx_${m}`)];
  assert.deepEqual(bqx.features.map((f) => f.name).sort(), expected.sort());
  assert.equal(bqx.features.length, 37);
  for (const f of bqx.features) {
    const w = f.name.startsWith('agg') ? 75 : Number(/^w(\d+)_/.exec(f.name)![1]);
    assert.equal(f.domain, 'bqx');
    assert.equal(f.lookback, w, f.name);
    assert.equal(f.nanPrefix, w, f.name);
    assert.equal(f.lookahead, 0);
    assert.equal(f.role, 'feature');
  }
});

const frame = syntheticFrame(1200, 31);
const cols = run(bqx, frame);
const x = frame.close;

test('values equal the definitions over the previous W closes (direct O(W) sums)', () => {
  for (const w of WINDOWS) {
    const col = (m: string) => cols.get(`w${w}_bqx_${m}`)!;
    for (let t = 0; t < frame.n; t++) {
      const where = `w${w} t${t}`;
      if (t < w) {
        for (const m of METRICS) assert.ok(Number.isNaN(col(m)[t]), `${where} ${m} NaN`);
        continue;
      }
      const p = Array.from(x.subarray(t - w, t));
      let ret = 0;
      let scale = 0;
      for (let k = 1; k <= w; k++) {
        ret += (x[t - k]! - x[t]!) / x[t]!;
        scale += Math.abs(x[t - k]! - x[t]!) / x[t]!;
      }
      // the relative differences cancel: compare on the scale Σ|x_{t−k} − x_t| / x_t
      near(col('return')[t]!, ret, 1e-9, `${where} return`, scale);
      near(col('endpoint')[t]!, (x[t - w]! - x[t]!) / x[t]!, 1e-12, `${where} endpoint`);
      assert.equal(col('max')[t], Math.max(...p), `${where} max`);
      assert.equal(col('min')[t], Math.min(...p), `${where} min`);
      const m = moments(p);
      near(col('avg')[t]!, m.mean, 1e-14, `${where} avg`);
      near(col('stdev')[t]!, Math.sqrt((m.m2 * w) / (w - 1)), 1e-9, `${where} stdev`);
    }
  }
  for (const m of ['return', 'max', 'min', 'avg', 'stdev']) assert.deepEqual(cols.get(`agg_bqx_${m}`), cols.get(`w75_bqx_${m}`), m);
  for (let t = 75; t < frame.n; t++) {
    const p = Array.from(x.subarray(t - 75, t));
    near(cols.get('agg_bqx_range')![t]!, (Math.max(...p) - Math.min(...p)) / x[t]!, 1e-12, `range t${t}`);
    near(cols.get('agg_bqx_volatility')![t]!, Math.sqrt((moments(p).m2 * 75) / 74) / x[t]!, 1e-9, `volatility t${t}`);
  }
});

test('w15_bqx_return is the kernel the pipeline uses for B (identical), and equals B from its definition', () => {
  const b = new Float64Array(frame.n);
  bqxReturn(x, 15, b);
  assert.deepEqual(cols.get('w15_bqx_return'), b);
  for (let t = 0; t < frame.n; t++) near(b[t]!, frame.bqx[t]!, 1e-9, `B t${t}`, 1e-3);
});

test('NaN exactly in the first nanPrefix rows, finite after; declared ranges hold', () => {
  checkNanPrefix(bqx, cols);
  checkRanges(bqx, cols);
});

test('truncation invariance: rows ≤ t identical when computed on rows ≤ t', () => {
  checkTruncation(bqx, frame, [0, 1, 14, 15, 16, 74, 75, 76, 400, 1100]);
});

test('flat closes: stdev 0, range 0, max = min = avg, return and endpoint 0', () => {
  const flat = syntheticFrame(200, 32);
  flat.close.fill(100.25);
  const c = run(bqx, flat);
  for (let t = 75; t < 200; t++) {
    assert.equal(c.get('agg_bqx_stdev')![t], 0);
    assert.equal(c.get('agg_bqx_range')![t], 0);
    assert.equal(c.get('w15_bqx_avg')![t], 100.25);
    assert.equal(c.get('w30_bqx_return')![t], 0);
    assert.equal(c.get('w45_bqx_endpoint')![t], 0);
  }
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(bqx, frame, 600);
});
