import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reg } from '../../src/features/families/reg.ts';
import { referenceFit } from '../kernels/regression-reference.ts';
import { checkNanPrefix, checkRanges, checkReal, checkTruncation, checkWarmup, frameOf, near, REAL_SKIP, realFrame, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';

// FEATURES.md §2.
const WINDOWS = [60, 90, 150, 240, 390, 630];
const METRICS = ['quadratic_term', 'linear_term', 'constant_term', 'prediction', 'residual', 'r2', 'rmse'];

test('names and counts match FEATURES.md §2 (idx 42, bqx 42)', () => {
  const expected = ['idx', 'bqx'].flatMap((d) => WINDOWS.flatMap((w) => METRICS.map((m) => `reg_${d}_w${w}_${m}`)));
  assert.deepEqual(new Set(reg.features.map((f) => f.name)), new Set(expected));
  assert.equal(reg.features.length, 84);
  assert.equal(reg.features.filter((f) => f.domain === 'idx').length, 42);
  assert.equal(reg.features.filter((f) => f.domain === 'bqx').length, 42);
  for (const f of reg.features) {
    const w = Number(/_w(\d+)_/.exec(f.name)![1]);
    assert.equal(f.lookback, f.domain === 'idx' ? w - 1 : w - 1 + 15, f.name);
    assert.equal(f.nanPrefix, f.lookback, f.name);
    assert.equal(f.stage, 'base');
    assert.equal(f.lookahead, 0);
  }
});

const frame = syntheticFrame(1300, 5);
const cols = run(reg, frame);

test('values equal a direct O(W) least-squares fit of every window (1e-9 relative)', () => {
  for (const [d, y] of [['idx', frame.close], ['bqx', frame.bqx]] as const) {
    for (const w of WINDOWS) {
      const col = (m: string) => cols.get(`reg_${d}_w${w}_${m}`)!;
      for (let t = 0; t < frame.n; t += 3) {
        const e = referenceFit(y, t, w, 2);
        const where = `${d} w${w} t${t}`;
        if (!e) {
          for (const m of METRICS) assert.ok(Number.isNaN(col(m)[t]), `${where} ${m} should be NaN`);
          continue;
        }
        let lo = Infinity, hi = -Infinity;
        for (let i = t - w + 1; i <= t; i++) { lo = Math.min(lo, y[i]!); hi = Math.max(hi, y[i]!); }
        const scale = hi - lo; // terms are in units of y: compare relative to the window's spread at least
        near(col('quadratic_term')[t]!, e.a * (w - 1) ** 2, 1e-9, `${where} quadratic_term`, scale);
        near(col('linear_term')[t]!, e.b * (w - 1), 1e-9, `${where} linear_term`, scale);
        near(col('constant_term')[t]!, e.c, 1e-9, `${where} constant_term`, scale);
        near(col('prediction')[t]!, e.a * (w - 1) ** 2 + e.b * (w - 1) + e.c, 1e-9, `${where} prediction`, scale);
        near(col('residual')[t]!, y[t]! - e.fitted, 1e-9, `${where} residual`, scale);
        near(col('r2')[t]!, 1 - e.ssRes / e.ssTot, 1e-9, `${where} r2`, 1);
        near(col('rmse')[t]!, Math.sqrt(e.ssRes / w), 1e-9, `${where} rmse`);
      }
    }
  }
});

test('NaN exactly in the first nanPrefix rows, finite after; declared ranges hold', () => {
  checkNanPrefix(reg, cols);
  checkRanges(reg, cols);
});

test('flat closes: r2 NaN (SStot = 0), residual and rmse 0, on both domains', () => {
  const bars = syntheticBars(900, 9);
  bars.close.fill(bars.close[400]!, 400, 600);
  const flat = run(reg, frameOf(bars));
  // idx: windows inside [400, 599] are constant; bqx: B is exactly 0 from row 415 (16 equal closes).
  for (const [d, from] of [['idx', 400], ['bqx', 415]] as const) {
    const col = (m: string) => flat.get(`reg_${d}_w60_${m}`)!;
    for (let t = from + 59; t < 600; t++) {
      assert.ok(Number.isNaN(col('r2')[t]), `${d} r2[${t}]`);
      assert.equal(col('residual')[t], 0);
      assert.equal(col('rmse')[t], 0);
      assert.equal(col('quadratic_term')[t], 0);
      assert.equal(col('linear_term')[t], 0);
    }
    assert.ok(Number.isFinite(col('r2')[from + 58]), `${d}: the last window with a moving value still has r2`);
    assert.ok(Number.isFinite(col('r2')[600]));
  }
});

test('truncation invariance: computing on rows ≤ t gives identical values at ≤ t', () => {
  checkTruncation(reg, frame, [640, 1000]);
});

test('real EURUSD (Dukascopy, April 2025, flat closed minutes): ranges hold, no ±Infinity, r2 NaN only on constant windows', { skip: REAL_SKIP }, () => {
  const f = realFrame();
  /** Length of the run of identical values ending at each row. */
  const runs = (y: Float64Array) => {
    const r = new Float64Array(y.length);
    for (let t = 0; t < y.length; t++) r[t] = t > 0 && y[t] === y[t - 1] ? r[t - 1]! + 1 : 1;
    return r;
  };
  const run = { idx: runs(f.close), bqx: runs(f.bqx) };
  let flatRows = 0;
  checkReal(reg, f, (name, t) => {
    const [, d, w] = /^reg_(idx|bqx)_w(\d+)_r2$/.exec(name) ?? [];
    const flat = d !== undefined && run[d as 'idx' | 'bqx'][t]! >= Number(w);
    if (flat) flatRows++;
    return flat;
  });
  assert.ok(flatRows > 1000, 'the weekends give constant windows');
});

test('warm-up: starting exactly lookback rows earlier reproduces the continuous run', () => {
  checkWarmup(reg, frame, 700);
});
