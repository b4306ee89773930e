// Focused benchmark of the running-sum kernels (rows per second, best of 5, one core): power sums with
// skew/kurtosis, masked correlation/beta/residual z (of 1-row returns, as the cross families use it),
// and the quadratic fit, on a 1M-row random walk at an FX level with 7 % level shifts every 100k rows
// (the rows after a long gap).
//   node --import tsx bench/kernels.ts
import { rollingMoments } from '../src/kernels/rolling.ts';
import { rollingPair, rollingSeries } from '../src/kernels/corr.ts';
import { rollingQuadFit } from '../src/kernels/regression.ts';

const N = 1_000_000;
let seed = 7;
const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const x = new Float64Array(N), rx = new Float64Array(N), ry = new Float64Array(N);
for (let t = 0, a = 1.1; t < N; t++) {
  a *= 1 + 1e-4 * (u() - 0.5) * 3.4 + (t % 100_000 === 99_999 ? 0.07 : 0);
  x[t] = Math.round(a * 1e5) / 1e5;
  rx[t] = t > 0 ? Math.log(x[t]! / x[t - 1]!) : NaN;
  ry[t] = 0.8 * rx[t]! + 5e-5 * (u() - 0.5);
}
const o = Array.from({ length: 6 }, () => new Float64Array(N));

function best(fn: () => void): number {
  let b = Infinity;
  for (let i = 0; i < 5; i++) { const t = performance.now(); fn(); b = Math.min(b, performance.now() - t); }
  return b;
}

const cases: [string, () => void][] = [];
for (const w of [20, 240]) {
  cases.push([`rollingMoments mean/std/skew/kurt w${w}`, () => rollingMoments(x, w, { mean: o[0], std: o[1], skew: o[2], kurt: o[3] }, 1)]);
  cases.push([`rollingSeries mean/std/z w${w}`, () => rollingSeries(x, w, w, { mean: o[0], std: o[1], z: o[2] })]);
  cases.push([`rollingPair corr/beta/residZ w${w}`, () => rollingPair(rx, ry, w, w - 1, { corr: o[0], beta: o[1], residZ: o[2] })]);
}
for (const w of [60, 630]) cases.push([`rollingQuadFit w${w}`, () => rollingQuadFit(x, w, { a: o[0]!, b: o[1]!, c: o[2]!, fitted: o[3]!, ssRes: o[4]!, ssTot: o[5]! })]);

for (const [name, fn] of cases) {
  const ms = best(fn);
  console.log(`${name.padEnd(40)} ${(ms).toFixed(1).padStart(8)} ms  ${((N / ms) * 1e3 / 1e6).toFixed(1).padStart(6)} M rows/s`);
}
