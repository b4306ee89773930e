// Test oracles for the rolling kernels and the phase-1 families: plain O(W)-per-row reference
// implementations written straight from the definitions (two-pass moments, scans for min/max), seeded
// realistic series, and a tolerance comparison that treats NaN = NaN.
import assert from 'node:assert/strict';

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller). */
export function normal(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** A GBM-ish index series ≈ level with per-row relative moves of size `vol` (idx ≈ 100, moves 1e-4). */
export function gbm(n: number, seed: number, level = 100, vol = 1e-4): Float64Array {
  const z = normal(rng(seed));
  const x = new Float64Array(n);
  let v = level;
  for (let t = 0; t < n; t++) {
    v *= Math.exp(vol * z());
    x[t] = v;
  }
  return x;
}

/** Random OHLCV bars around a GBM close (open = previous close, high/low beyond both). */
export function bars(n: number, seed: number): { open: Float64Array; high: Float64Array; low: Float64Array; close: Float64Array; volume: Float64Array } {
  const close = gbm(n, seed);
  const u = rng(seed + 1);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    open[t] = t > 0 ? close[t - 1]! : close[t]! * (1 + 1e-5 * (u() - 0.5));
    high[t] = Math.max(open[t]!, close[t]!) * (1 + 5e-5 * u());
    low[t] = Math.min(open[t]!, close[t]!) * (1 - 5e-5 * u());
    volume[t] = Math.floor(200 * u());
  }
  return { open, high, low, close, volume };
}

/** Values of x over rows [t − w + 1, t], or null when t < w − 1 or any is NaN. */
export function windowOf(x: ArrayLike<number>, t: number, w: number): number[] | null {
  if (t < w - 1) return null;
  const v: number[] = [];
  for (let i = t - w + 1; i <= t; i++) {
    if (Number.isNaN(x[i]!)) return null;
    v.push(x[i]!);
  }
  return v;
}

/**
 * Two-pass moments of a list: mean, central m2, m3, m4 (population). The deviations are taken from the
 * rounded mean m0 and then corrected by c = Σ(x − m0)/n (x − m0 is exact for nearby values), so they are
 * accurate relative to their own size even when the mean is not representable (Chan, Golub & LeVeque).
 */
export function moments(v: readonly number[]): { mean: number; m2: number; m3: number; m4: number } {
  const n = v.length;
  const m0 = v.reduce((s, a) => s + a, 0) / n;
  const c = v.reduce((s, a) => s + (a - m0), 0) / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const a of v) {
    const d = a - m0 - c;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  return { mean: m0 + c, m2: m2 / n, m3: m3 / n, m4: m4 / n };
}

/** Reference statistic of every window (NaN where the window is incomplete or holds NaN). */
export function refRolling(x: ArrayLike<number>, w: number, stat: (v: number[]) => number): Float64Array {
  const out = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const v = windowOf(x, t, w);
    out[t] = v === null ? NaN : stat(v);
  }
  return out;
}

export const refStat = {
  sum: (v: number[]) => v.reduce((s, a) => s + a, 0),
  absSum: (v: number[]) => v.reduce((s, a) => s + Math.abs(a), 0),
  mean: (v: number[]) => moments(v).mean,
  std: (ddof: number) => (v: number[]) => (allEqual(v) ? 0 : Math.sqrt((moments(v).m2 * v.length) / (v.length - ddof))),
  skew: (v: number[]) => {
    const m = moments(v);
    return allEqual(v) ? NaN : m.m3 / m.m2 ** 1.5;
  },
  kurt: (v: number[]) => {
    const m = moments(v);
    return allEqual(v) ? NaN : m.m4 / (m.m2 * m.m2) - 3;
  },
  max: (v: number[]) => Math.max(...v),
  min: (v: number[]) => Math.min(...v),
};

function allEqual(v: readonly number[]): boolean {
  return v.every((a) => a === v[0]);
}

/**
 * Asserts |a − e| ≤ rtol·|e| + atol (a number, or one per row) elementwise, NaN only where expected is NaN (and never ±Infinity).
 * Reports the first mismatch with its row.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number | ArrayLike<number> = 0, label = ''): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let t = 0; t < expected.length; t++) {
    const a = actual[t]!;
    const e = expected[t]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(a) && Number.isNaN(e), `${label}[${t}]: got ${a}, expected ${e}`);
      continue;
    }
    assert.ok(Number.isFinite(a), `${label}[${t}]: non-finite ${a}`);
    const tol = rtol * Math.abs(e) + (typeof atol === 'number' ? atol : atol[t]!);
    assert.ok(Math.abs(a - e) <= tol, `${label}[${t}]: got ${a}, expected ${e} (diff ${a - e})`);
  }
}
