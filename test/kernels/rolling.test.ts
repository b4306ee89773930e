import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingMean, rollingMoments, rollingStd, rollingSum, rollingVar } from '../../src/kernels/rolling.ts';
import { assertClose, gbm, normal, refRolling, refStat, rng } from './rolling-reference.ts';

const WINDOWS = [1, 2, 3, 7, 20, 60, 240];

/** Runs every moment kernel on x and compares with the two-pass reference. */
function checkMoments(x: Float64Array, label: string, rtol = 1e-9, shapeTol = 1e-9): void {
  const n = x.length;
  for (const w of WINDOWS) {
    const sum = new Float64Array(n);
    const mean = new Float64Array(n);
    rollingSum(x, w, sum);
    rollingMean(x, w, mean);
    // a sum of mixed signs may cancel: its rounding scale is Σ|x| over the window
    const scale = refRolling(x, w, refStat.absSum).map((a) => 1e-13 * a);
    assertClose(sum, refRolling(x, w, refStat.sum), 1e-13, scale, `${label} sum w${w}`);
    const meanScale = scale.map((a) => a / w);
    assertClose(mean, refRolling(x, w, refStat.mean), 1e-13, meanScale, `${label} mean w${w}`);
    for (const ddof of [0, 1] as const) {
      if (w < 1 + ddof) continue;
      const cols = { mean: new Float64Array(n), std: new Float64Array(n), variance: new Float64Array(n), skew: new Float64Array(n), kurt: new Float64Array(n) };
      rollingMoments(x, w, cols, ddof);
      const std = refRolling(x, w, refStat.std(ddof));
      assertClose(cols.mean, refRolling(x, w, refStat.mean), 1e-13, meanScale, `${label} moments.mean w${w}`);
      assertClose(cols.std, std, rtol, 0, `${label} std w${w} ddof${ddof}`);
      assertClose(cols.variance, std.map((s) => s * s), 2 * rtol, 0, `${label} var w${w} ddof${ddof}`);
      // skew/kurt are dimensionless (|kurt| ≥ O(1)); skew may cross 0, so its tolerance has an absolute part.
      assertClose(cols.skew, refRolling(x, w, refStat.skew), shapeTol, shapeTol, `${label} skew w${w}`);
      assertClose(cols.kurt, refRolling(x, w, refStat.kurt), shapeTol, shapeTol, `${label} kurt w${w}`);
      const alone = new Float64Array(n);
      rollingStd(x, w, ddof, alone);
      assert.deepEqual(alone, cols.std, 'rollingStd = rollingMoments std');
      rollingVar(x, w, ddof, alone);
      assert.deepEqual(alone, cols.variance, 'rollingVar = rollingMoments variance');
    }
  }
}

test('moments at idx magnitude (≈ 100, 1e-4 relative moves) match a two-pass reference to 1e-9', () => {
  checkMoments(gbm(3000, 1), 'idx');
});

test('moments at bqx magnitude (≈ 1e-3, autocorrelated) match the two-pass reference', () => {
  const z = normal(rng(2));
  const x = new Float64Array(3000);
  let b = 0;
  for (let t = 0; t < x.length; t++) x[t] = b = 0.97 * b + 2e-4 * z() + 1e-3 * 0.03;
  checkMoments(x, 'bqx');
});

test('moments with volatility regimes, a 10% jump and its reversal stay accurate', () => {
  const x = gbm(2500, 3);
  for (let t = 700; t < 1300; t++) x[t] = x[t]! * 1.1; // level shift in and out of the windows
  for (let t = 1600; t < 2000; t++) x[t] = 100 + (x[t]! - 100) * 1e-3; // near-flat stretch
  checkMoments(x, 'jump');
});

test('constant windows: exact sum, mean, zero variance, NaN skew/kurt; ties and short runs', () => {
  const u = rng(4);
  const x = new Float64Array(900);
  // runs of equal values of random lengths 1..150 on a few distinct levels (many ties across runs)
  for (let t = 0; t < x.length; ) {
    const len = 1 + Math.floor(u() * 150);
    const v = [0.1, 100.07, 0, 1e-3][Math.floor(u() * 4)]!;
    for (let i = 0; i < len && t < x.length; i++) x[t++] = v;
  }
  checkMoments(x, 'runs');
  for (const w of [20, 60]) {
    const std = new Float64Array(x.length);
    const sum = new Float64Array(x.length);
    const mean = new Float64Array(x.length);
    const skew = new Float64Array(x.length);
    rollingMoments(x, w, { std, skew });
    rollingSum(x, w, sum);
    rollingMean(x, w, mean);
    let constant = 0;
    for (let t = w - 1; t < x.length; t++) {
      let same = true;
      for (let i = t - w + 1; i < t; i++) same &&= x[i] === x[t];
      if (!same) continue;
      constant++;
      assert.equal(std[t], 0, `std of constant window at ${t}`);
      assert.ok(Number.isNaN(skew[t]!), `skew of constant window at ${t}`);
      assert.equal(mean[t], x[t], `mean of constant window at ${t}`);
      if (x[t] === 0) assert.equal(sum[t], 0, `sum of a zero window at ${t}`);
    }
    assert.ok(constant > 50, `the series has constant windows (${constant})`);
  }
});

test('NaN inside a window makes exactly the windows that contain it NaN', () => {
  const x = gbm(600, 5);
  for (let t = 0; t < 15; t++) x[t] = NaN; // like B's first 15 rows
  x[200] = NaN;
  x[203] = NaN;
  checkMoments(x, 'nan');
  const std = new Float64Array(x.length);
  rollingStd(x, 20, 1, std);
  for (let t = 0; t < x.length; t++) {
    const hasNaN = t < 34 || (t >= 200 && t <= 222);
    assert.equal(Number.isNaN(std[t]!), hasNaN, `row ${t}`);
  }
});

test('inputs shorter than the window give all NaN; empty input is fine', () => {
  for (const n of [0, 1, 5, 19]) {
    const x = gbm(n, 6);
    const out = new Float64Array(n).fill(7);
    const skew = new Float64Array(n).fill(7);
    rollingSum(x, 20, out);
    assert.ok(out.every(Number.isNaN));
    rollingMoments(x, 20, { skew });
    assert.ok(skew.every(Number.isNaN));
  }
});

test('truncation invariance: values at rows ≤ t do not change when later rows are removed', () => {
  const x = gbm(1000, 7);
  for (const w of [20, 240]) {
    const full = { std: new Float64Array(1000), kurt: new Float64Array(1000), sum: new Float64Array(1000) };
    rollingMoments(x, w, full);
    rollingSum(x, w, full.sum);
    for (const cut of [w - 2, w, 2 * w + 3, 777]) {
      const p = x.subarray(0, cut);
      const part = { std: new Float64Array(cut), kurt: new Float64Array(cut), sum: new Float64Array(cut) };
      rollingMoments(p, w, part);
      rollingSum(p, w, part.sum);
      assert.deepEqual(part.std, full.std.subarray(0, cut));
      assert.deepEqual(part.kurt, full.kurt.subarray(0, cut));
      assert.deepEqual(part.sum, full.sum.subarray(0, cut));
    }
  }
});

test('argument checks', () => {
  const x = new Float64Array(10);
  assert.throws(() => rollingSum(x, 0, new Float64Array(10)), RangeError);
  assert.throws(() => rollingSum(x, 2.5, new Float64Array(10)), RangeError);
  assert.throws(() => rollingSum(x, 3, new Float64Array(9)), RangeError);
  assert.throws(() => rollingStd(x, 1, 1, new Float64Array(10)), RangeError);
});
