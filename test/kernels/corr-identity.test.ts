// kernels/corr.ts restructured for speed must reproduce the kernel it replaced bit for bit (the lake files
// and data versions depend on every bit): rollingSeries / rollingPair against the frozen copy in
// corr-reference.ts, on series that exercise every path — NaN runs, level shifts that trigger the early
// re-summation, constant windows (zero central sums), near-exact fits (the direct residual z), FX levels
// and 1-row returns, windows from 1 to 240, minValid below w.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingPair, rollingSeries, type PairColumns, type SeriesColumns } from '../../src/kernels/corr.ts';
import { rng } from '../helpers/rng.ts';
import { referenceMasked } from './corr-reference.ts';

const N = 6000;

function series(seed: number, level: number): { price: Float64Array; ret: Float64Array } {
  const u = rng(seed);
  const price = new Float64Array(N), ret = new Float64Array(N);
  let p = level;
  for (let t = 0; t < N; t++) {
    if (t % 1500 === 1499) p *= 1.07; // a level shift (the bar after a long gap)
    else if (!(t >= 2000 && t < 2300)) p *= 1 + 1e-4 * (u() - 0.5) * 3.4; // rows 2000 … 2299 flat
    price[t] = Math.round(p * 1e5) / 1e5;
    ret[t] = t > 0 ? Math.log(price[t]! / price[t - 1]!) : NaN;
  }
  // NaN runs of 1 … 80 rows (stale pairs on the grid), in both columns.
  for (let k = 0; k < 25; k++) {
    const s = Math.floor(u() * N), len = 1 + Math.floor(u() * 80);
    price.fill(NaN, s, Math.min(N, s + len));
    ret.fill(NaN, s, Math.min(N, s + len + 1));
  }
  return { price, ret };
}

const a = series(1, 1.1), b = series(2, 150);
const u = rng(3);
// y ≈ 0.8 x plus a little noise: near-exact fits, strongest where one outlier return dominates.
const near = a.ret.map((v) => 0.8 * v + 1e-9 * (u() - 0.5));
const INPUTS: [string, Float64Array, Float64Array][] = [
  ['levels', a.price, b.price],
  ['returns', a.ret, b.ret],
  ['near-exact returns', a.ret, near],
  ['level vs return', a.price, b.ret],
];
const WINDOWS: [number, number[]][] = [[1, [1]], [2, [1, 2]], [15, [8, 15]], [60, [30, 59, 60]], [240, [120, 240]]];

const cols = (names: readonly string[]) => Object.fromEntries(names.map((k) => [k, new Float64Array(N)]));

function assertSame(got: Record<string, Float64Array>, want: Record<string, Float64Array>, what: string): void {
  for (const k of Object.keys(want)) {
    const g = got[k]!, r = want[k]!;
    for (let t = 0; t < N; t++) {
      if (!Object.is(g[t], r[t])) assert.fail(`${what} ${k}[${t}]: ${g[t]} ≠ reference ${r[t]}`);
    }
  }
}

test('rollingPair reproduces the pre-restructuring kernel bit for bit (every column set, window, minValid)', () => {
  const sets = [['corr'], ['corr', 'beta'], ['corr', 'cov', 'beta', 'residZ'], ['residZ'], ['cov']];
  let finite = 0;
  for (const [name, x, y] of INPUTS) {
    for (const [w, mins] of WINDOWS) {
      for (const m of mins) {
        for (const set of sets) {
          const got = cols(set), want = cols(set);
          rollingPair(x, y, w, m, got as PairColumns);
          referenceMasked(x, y, w, m, {}, want as PairColumns);
          assertSame(got, want, `${name} w${w} min${m}`);
          finite += got[set[0]!]!.filter(Number.isFinite).length;
        }
      }
    }
  }
  // Not a vacuous comparison of NaN columns: ≈ 46 % of the compared values are finite.
  assert.ok(finite > 0.4 * INPUTS.length * 5 * 11 * N, `finite outputs compared: ${finite}`);
});

test('rollingSeries (and rollingPair of a series with itself) reproduce the pre-restructuring kernel bit for bit', () => {
  const sets = [['mean'], ['std'], ['z'], ['mean', 'std', 'z']];
  for (const [name, x] of [['level', a.price], ['return', a.ret], ['level 150', b.price]] as const) {
    for (const [w, mins] of WINDOWS) {
      for (const m of mins) {
        for (const set of sets) {
          const got = cols(set), want = cols(set);
          rollingSeries(x, w, m, got as SeriesColumns);
          referenceMasked(x, x, w, m, want as SeriesColumns, {});
          assertSame(got, want, `${name} w${w} min${m}`);
        }
        const got = cols(['corr', 'beta', 'residZ']), want = cols(['corr', 'beta', 'residZ']);
        rollingPair(x, x, w, m, got as PairColumns);
        referenceMasked(x, x, w, m, {}, want as PairColumns);
        assertSame(got, want, `${name} with itself w${w} min${m}`);
      }
    }
  }
});
