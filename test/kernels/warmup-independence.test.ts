// The contract every rolling kernel passes — warm-up independence: its value at row t, computed from a
// series that starts at s1 and from the same series starting at s2, agrees to 1e-12 relative (the
// validator's rule: relative to max(|a|, |b|, the column's median |value|)). The series is a random walk
// at an FX level with a 7 % level shift — what a long gap (months between two ingested periods) looks
// like to a positional window — plus quantised prices (ties) and a lone spike; the starts fall before,
// inside and after the windows that straddle the shift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../helpers/rng.ts';
import { firstMismatch } from '../../src/validate/compare.ts';
import { rollingMean, rollingMoments, rollingSum } from '../../src/kernels/rolling.ts';
import { rollingPair, rollingSeries } from '../../src/kernels/corr.ts';
import { rollingShare } from '../../src/kernels/count.ts';
import { rollingLineFit, rollingQuadFit } from '../../src/kernels/regression.ts';
import { regressionDiagnostics } from '../../src/kernels/regression-diagnostics.ts';
import { rollingMax, rollingMin } from '../../src/kernels/rolling-extrema.ts';
import { rollingPercentileRank } from '../../src/kernels/rank.ts';
import { rollingHurst } from '../../src/kernels/hurst.ts';
import { windowMeanStd } from '../../src/kernels/window-exact.ts';
import { bqxReturn } from '../../src/kernels/bqx.ts';
import { logReturn } from '../../src/kernels/lag.ts';

const N = 4000;
const SHIFT_AT = 1500;

/** A quantised random walk at 1.10 that jumps 7 % at SHIFT_AT, with a 40-bp spike at row 2600. */
function series(seed: number): Float64Array {
  const u = rng(seed);
  const x = new Float64Array(N);
  let v = 1.1;
  for (let t = 0; t < N; t++) {
    v *= 1 + 1e-4 * (u() + u() + u() - 1.5) * 2;
    if (t === SHIFT_AT) v *= 1.07;
    x[t] = Math.round((t === 2600 ? v * 1.004 : v) * 1e5) / 1e5;
  }
  return x;
}

const price = series(1);
const other = series(2).map((v, t) => v + 0.3 * price[t]!); // correlated with price
const ret = new Float64Array(N);
logReturn(price, 1, ret);
const retOther = new Float64Array(N);
logReturn(other, 1, retOther);
const flags = ret.map((r) => (r !== r ? NaN : Math.abs(r) < 1e-4 ? 1 : 0));

type Kernel = { name: string; lookback: number; run: (from: number) => Float64Array[] };
const cols = (k: number, n: number) => Array.from({ length: k }, () => new Float64Array(n));
const from = (x: Float64Array, s: number) => x.subarray(s);

const kernels: Kernel[] = [];
for (const w of [20, 60, 240, 630]) {
  kernels.push(
    { name: `rollingSum w${w}`, lookback: w, run: (s) => { const [o] = cols(1, N - s); rollingSum(from(price, s), w, o!); return [o!]; } },
    { name: `rollingMean w${w}`, lookback: w, run: (s) => { const [o] = cols(1, N - s); rollingMean(from(price, s), w, o!); return [o!]; } },
    { name: `rollingMoments w${w}`, lookback: w, run: (s) => {
      const o = cols(5, N - s);
      rollingMoments(from(price, s), w, { mean: o[0], variance: o[1], std: o[2], skew: o[3], kurt: o[4] }, 1);
      return o;
    } },
    { name: `rollingSeries w${w}`, lookback: w, run: (s) => { const o = cols(3, N - s); rollingSeries(from(price, s), w, w - 2, { mean: o[0], std: o[1], z: o[2] }); return o; } },
    { name: `rollingPair levels w${w}`, lookback: w, run: (s) => {
      const o = cols(4, N - s);
      rollingPair(from(price, s), from(other, s), w, w - 2, { corr: o[0], cov: o[1], beta: o[2], residZ: o[3] });
      return o;
    } },
    { name: `rollingPair returns w${w}`, lookback: w + 1, run: (s) => {
      const o = cols(4, N - s);
      rollingPair(from(ret, s), from(retOther, s), w, w - 2, { corr: o[0], cov: o[1], beta: o[2], residZ: o[3] });
      return o;
    } },
    { name: `rollingShare w${w}`, lookback: w + 1, run: (s) => { const [o] = cols(1, N - s); rollingShare(from(flags, s), w, w - 2, o!); return [o!]; } },
    { name: `rollingQuadFit w${w}`, lookback: w, run: (s) => {
      const o = cols(6, N - s);
      rollingQuadFit(from(price, s), w, { a: o[0]!, b: o[1]!, c: o[2]!, fitted: o[3]!, ssRes: o[4]!, ssTot: o[5]! });
      return o;
    } },
    { name: `rollingLineFit w${w}`, lookback: w, run: (s) => {
      const o = cols(5, N - s);
      rollingLineFit(from(price, s), w, { b: o[0]!, c: o[1]!, fitted: o[2]!, ssRes: o[3]!, ssTot: o[4]! });
      return o;
    } },
    { name: `rollingMax/Min w${w}`, lookback: w, run: (s) => {
      const o = cols(4, N - s);
      rollingMax(from(price, s), w, { value: o[0], age: o[1] });
      rollingMin(from(price, s), w, { value: o[2], age: o[3] });
      return o;
    } },
    { name: `rollingPercentileRank w${w}`, lookback: w, run: (s) => { const [o] = cols(1, N - s); rollingPercentileRank(from(price, s), w, o!); return [o!]; } },
    { name: `windowMeanStd w${w}`, lookback: w, run: (s) => { const o = cols(2, N - s); windowMeanStd(from(price, s), w, o[0]!, o[1]!); return o; } },
    { name: `bqxReturn w${w}`, lookback: w, run: (s) => { const [o] = cols(1, N - s); bqxReturn(from(price, s), w, o!); return [o!]; } },
  );
}
// The diagnostics read reg's terms, which the pipeline reads from the lake: one fit over all rows.
for (const w of [60, 630]) {
  const [a, b, c, fitted, ssRes, ssTot] = cols(6, N);
  rollingQuadFit(price, w, { a: a!, b: b!, c: c!, fitted: fitted!, ssRes: ssRes!, ssTot: ssTot! });
  const terms = [a!.map((v) => v * (w - 1) ** 2), b!.map((v) => v * (w - 1)), c!];
  kernels.push({ name: `regressionDiagnostics w${w}`, lookback: w, run: (s) => {
    const d = cols(5, N - s);
    const [quadTerm, linTerm, constTerm] = terms.map((x) => from(x, s));
    regressionDiagnostics(from(price, s), w, { quadTerm: quadTerm!, linTerm: linTerm!, constTerm: constTerm! },
      { rmseImprovement: d[0]!, extrapolationConfidence: d[1]!, residualAutocorrelation: d[2]!, heteroskedasticity: d[3]!, curvatureSignificance: d[4]! });
    return d;
  } });
}
kernels.push({ name: 'rollingHurst w240', lookback: 241, run: (s) => { const [o] = cols(1, N - s); rollingHurst(from(price, s), 240, [15, 30, 60, 120], o!); return [o!]; } });

const STARTS = [0, 537, SHIFT_AT - 700, SHIFT_AT - 7, SHIFT_AT + 300];

for (const k of kernels) {
  test(`warm-up independence: ${k.name} from starts ${STARTS.join(', ')} (7 % level shift at ${SHIFT_AT}) agree to 1e-12`, () => {
    const base = k.run(0);
    for (const s of STARTS.slice(1)) {
      const other = k.run(s);
      other.forEach((col, c) => {
        const ref = base[c]!.subarray(s);
        const lo = Math.min(k.lookback, col.length), hi = col.length;
        const i = firstMismatch(ref, col, lo, hi, 1e-12);
        assert.equal(i, -1, `${k.name} output ${c}, start ${s}: row ${s + i} is ${col[i]} vs ${ref[i]} from row 0`);
        // The comparison is not vacuous: most compared rows are numbers.
        let finite = 0;
        for (let t = lo; t < hi; t++) if (Number.isFinite(col[t]!)) finite++;
        assert.ok(finite > 0.5 * (hi - lo), `${k.name} output ${c}: only ${finite} finite values of ${hi - lo}`);
      });
    }
  });
}
