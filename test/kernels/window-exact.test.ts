import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowMeanStd } from '../../src/kernels/window-exact.ts';
import { rng } from '../helpers/rng.ts';

function series(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(n);
  let v = 100;
  for (let i = 0; i < n; i++) x[i] = v += (r() - 0.5) * 0.02;
  return x;
}

test('windowMeanStd equals a plain two-pass reference at idx ≈ 100', () => {
  const x = series(500, 3);
  const mean = new Float64Array(500), std = new Float64Array(500);
  windowMeanStd(x, 20, mean, std);
  for (let t = 0; t < 500; t++) {
    if (t < 19) { assert.ok(Number.isNaN(mean[t]!) && Number.isNaN(std[t]!)); continue; }
    const w = Array.from(x.subarray(t - 19, t + 1));
    const m = w.reduce((a, b) => a + b, 0) / 20;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - m) ** 2, 0) / 20);
    assert.ok(Math.abs(mean[t]! - m) <= 1e-13 * m && Math.abs(std[t]! - sd) <= 1e-9 * sd, `row ${t}`);
  }
});

test('windowMeanStd is bit-identical whatever the start row (what a partition computed alone needs)', () => {
  const x = series(3000, 8);
  const full = [new Float64Array(3000), new Float64Array(3000)] as const;
  windowMeanStd(x, 20, full[0], full[1]);
  for (const start of [1, 17, 1234]) {
    const part = x.subarray(start);
    const m = new Float64Array(part.length), s = new Float64Array(part.length);
    windowMeanStd(part, 20, m, s);
    for (let t = 19; t < part.length; t++) {
      assert.ok(Object.is(m[t], full[0][start + t]) && Object.is(s[t], full[1][start + t]), `start ${start} row ${t}`);
    }
  }
  const withNaN = series(50, 1);
  withNaN[30] = NaN;
  const m = new Float64Array(50), s = new Float64Array(50);
  windowMeanStd(withNaN, 20, m, s);
  assert.ok(Number.isNaN(m[30]!) && Number.isNaN(m[49]!) && !Number.isNaN(m[29]!));
});
