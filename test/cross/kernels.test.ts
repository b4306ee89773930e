// kernels/asof.ts and kernels/corr.ts against plain references written from the definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asofIndex, gather, gridRows, unionGrid } from '../../src/kernels/asof.ts';
import { rollingPair, rollingSeries } from '../../src/kernels/corr.ts';
import { gauss, rng } from './fixture.ts';

const M = 60_000;
const f = (a: number[]) => Float64Array.from(a);

test('unionGrid merges sorted timestamps without duplicates', () => {
  assert.deepEqual([...unionGrid([f([1, 3, 5]), f([2, 3, 6]), f([]), f([0, 6])])], [0, 1, 2, 3, 5, 6]);
});

test('asofIndex: last bar at or before t, missing when more than maxAge older (late, early and missing bars)', () => {
  // The pair's bars at minutes 0, 1, 3, 10; the grid has every minute 0 … 16 plus one before the data.
  const ts = f([0, 1, 3, 10].map((m) => m * M));
  const grid = f([-1, ...Array.from({ length: 17 }, (_, m) => m)].map((m) => m * M));
  const out = new Int32Array(grid.length);
  asofIndex(ts, grid, 5 * M, out);
  // -1: before the first bar; 0,1: exact; 2: minute 1's bar (1 min late); 3..8: bar 3 up to 5 min old;
  // 9: bar 3 is 6 min old → missing; 10..15: bar 10; 16: 6 min old → missing.
  assert.deepEqual([...out], [-1, 0, 1, 1, 2, 2, 2, 2, 2, 2, -1, 3, 3, 3, 3, 3, 3, -1]);
  const col = new Float64Array(grid.length);
  gather(f([10, 11, 13, 20]), out, col);
  assert.ok(Number.isNaN(col[0]!) && Number.isNaN(col[10]!) && col[4] === 13 && col[16] === 20);
  // A bar exactly maxAge old still counts; a bar after t (an early bar of the next minute) never does.
  const one = new Int32Array(1);
  asofIndex(f([0, 5 * M + 1]), f([5 * M]), 5 * M, one);
  assert.deepEqual([...one], [0]);
});

test('gridRows maps each bar to its grid row and rejects bars off the grid', () => {
  const out = new Int32Array(3);
  gridRows(f([2, 5, 9]), f([1, 2, 3, 5, 7, 9]), out);
  assert.deepEqual([...out], [1, 3, 5]);
  assert.throws(() => gridRows(f([4]), f([1, 2, 3, 5]), new Int32Array(1)), /not on the grid/);
});

/** Two-pass reference over the valid rows of each window. */
function reference(x: Float64Array, y: Float64Array, w: number, minValid: number) {
  const n = x.length;
  const r = { mean: new Float64Array(n).fill(NaN), std: new Float64Array(n).fill(NaN), z: new Float64Array(n).fill(NaN),
    corr: new Float64Array(n).fill(NaN), cov: new Float64Array(n).fill(NaN), beta: new Float64Array(n).fill(NaN), residZ: new Float64Array(n).fill(NaN) };
  for (let t = w - 1; t < n; t++) {
    const idx = [];
    for (let i = t - w + 1; i <= t; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) idx.push(i);
    const k = idx.length;
    if (k < minValid) continue;
    const mx = idx.reduce((s, i) => s + x[i]!, 0) / k;
    const my = idx.reduce((s, i) => s + y[i]!, 0) / k;
    const sxx = idx.reduce((s, i) => s + (x[i]! - mx) ** 2, 0);
    const syy = idx.reduce((s, i) => s + (y[i]! - my) ** 2, 0);
    const sxy = idx.reduce((s, i) => s + (x[i]! - mx) * (y[i]! - my), 0);
    r.mean[t] = mx;
    if (k < 2) continue;
    const sd = Math.sqrt(sxx / (k - 1));
    r.std[t] = sd;
    if (sd > 0 && Number.isFinite(x[t]!)) r.z[t] = (x[t]! - mx) / sd;
    r.cov[t] = sxy / (k - 1);
    if (sxx > 0 && syy > 0) r.corr[t] = sxy / Math.sqrt(sxx * syy);
    if (sxx > 0) {
      const b = sxy / sxx;
      r.beta[t] = b;
      const ssRes = idx.reduce((s, i) => s + (y[i]! - my - b * (x[i]! - mx)) ** 2, 0);
      if (ssRes > 0 && Number.isFinite(x[t]!) && Number.isFinite(y[t]!)) r.residZ[t] = (y[t]! - my - b * (x[t]! - mx)) / Math.sqrt(ssRes / (k - 1));
    }
  }
  return r;
}

function close(a: Float64Array, b: Float64Array, tol: number, what: string): void {
  let compared = 0;
  for (let i = 0; i < a.length; i++) {
    assert.equal(Number.isNaN(a[i]!), Number.isNaN(b[i]!), `${what}: NaN mismatch at ${i}: ${a[i]} vs ${b[i]}`);
    if (Number.isNaN(a[i]!)) continue;
    compared++;
    assert.ok(Math.abs(a[i]! - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `${what} at ${i}: ${a[i]} vs ${b[i]}`);
  }
  assert.ok(compared > a.length / 3, `${what}: only ${compared} values compared`);
}

test('rollingSeries / rollingPair equal the two-pass reference at realistic magnitudes, with NaN rows and minValid', () => {
  const u = rng(5);
  const n = 3000;
  // x: idx ≈ 100 with 1e-4 relative moves (a random walk); y: a correlated B-like series ≈ 1e-3.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let lvl = 100;
  for (let i = 0; i < n; i++) {
    const e = gauss(u);
    lvl *= 1 + 1e-4 * e;
    x[i] = lvl;
    y[i] = 1e-3 + 2e-4 * (0.6 * e + 0.8 * gauss(u));
  }
  for (let i = 0; i < n; i++) if (u() < 0.01) (u() < 0.5 ? x : y)[i] = NaN; // stale rows
  for (let i = 1200; i < 1240; i++) x[i] = NaN; // a long gap: windows below minValid
  for (const [w, minValid] of [[15, 8], [60, 30], [60, 60], [240, 120]] as const) {
    const ref = reference(x, y, w, minValid);
    const one = { mean: new Float64Array(n), std: new Float64Array(n), z: new Float64Array(n) };
    const two = { corr: new Float64Array(n), cov: new Float64Array(n), beta: new Float64Array(n), residZ: new Float64Array(n) };
    // The series statistics of x alone use x's valid rows: compare with a reference on (x, x).
    const refX = reference(x, x, w, minValid);
    rollingSeries(x, w, minValid, one);
    rollingPair(x, y, w, minValid, two);
    close(one.mean, refX.mean, 1e-12, `mean w${w}`);
    close(one.std, refX.std, 1e-7, `std w${w}`);
    close(one.z, refX.z, 1e-7, `z w${w}`);
    close(two.corr, ref.corr, 1e-8, `corr w${w}`);
    close(two.cov, ref.cov, 1e-8 * 1e-6, `cov w${w}`);
    close(two.beta, ref.beta, 1e-7, `beta w${w}`);
    close(two.residZ, ref.residZ, 1e-7, `residZ w${w}`);
  }
});

test('constant windows give std 0 and NaN correlation / z (no rounding residue)', () => {
  const x = new Float64Array(200).fill(1.0842);
  const y = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i));
  for (let i = 100; i < 200; i++) x[i] = 1.0842 + (i % 3) * 1e-5;
  x[50] = NaN;
  const std = new Float64Array(200);
  const z = new Float64Array(200);
  const corr = new Float64Array(200);
  rollingSeries(x, 20, 10, { std, z });
  rollingPair(x, y, 20, 10, { corr });
  for (let t = 19; t < 100; t++) {
    if (t === 50) continue;
    assert.equal(std[t], 0, `std at ${t}`);
    assert.ok(Number.isNaN(z[t]!) && Number.isNaN(corr[t]!), `z/corr at ${t}`);
  }
  assert.ok(std[150]! > 0 && Number.isFinite(corr[150]!));
  assert.ok(Number.isNaN(z[50]!), 'z of an invalid row is NaN');
});

test('values at rows ≤ t do not depend on rows > t (prefix computation is identical)', () => {
  const u = rng(9);
  const x = Float64Array.from({ length: 1000 }, () => 100 + gauss(u) * 0.01);
  const y = Float64Array.from({ length: 1000 }, () => gauss(u));
  const full = new Float64Array(1000);
  rollingPair(x, y, 60, 30, { corr: full });
  for (const cut of [100, 333, 999]) {
    const part = new Float64Array(cut);
    rollingPair(x.subarray(0, cut), y.subarray(0, cut), 60, 30, { corr: part });
    for (let i = 0; i < cut; i++) assert.ok(Object.is(part[i], full[i]), `row ${i} with cut ${cut}`);
  }
});
