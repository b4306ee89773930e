// The Gaussian HMM kernel (kernels/hmm.ts) and the weekly-refit procedure (kernels/regime-hmm.ts) against
// the independent numpy reference of fixtures/hmm/make_hmm_fixtures.py: recovered parameters on data
// simulated from known parameters, log-likelihood and filtered probabilities within 1e-9, causality of the
// filter, and degenerate inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { baumWelch, forwardFilter, orderByVariance, quantileInit, type HmmParams } from '../../src/kernels/hmm.ts';
import { REGIME_HMM, regimeHmm, stateColumns } from '../../src/kernels/regime-hmm.ts';
import { Rng, seedKey } from '../../src/io/synthetic/prng.ts';

interface RealCase { close: number[]; segmentStart: number; end: number; fitMean: number; fitStd: number; zeroShare: number; fit: FitJson; filtered: number[][] }
interface FitJson {
  start: number[]; trans: number[]; mean: number[]; variance: number[];
  logLik: number; iterations: number; converged: boolean;
}
const fx = JSON.parse(readFileSync(new URL('../../fixtures/hmm/hmm.json', import.meta.url), 'utf8')) as {
  simulated: { x: number[]; truth: { trans: number[]; variance: number[] }; fit: FitJson; filterLogLik: number; filterStride: number; filtered: number[][] };
  real: RealCase;
  quantised: RealCase;
};
const OPTS = { maxIter: REGIME_HMM.maxIter, tol: REGIME_HMM.tol, varianceFloor: REGIME_HMM.varianceFloor };
const NO_FLOOR = { maxIter: REGIME_HMM.maxIter, tol: REGIME_HMM.tol };

function close(got: number, exp: number, tol: number, what: string): void {
  assert.ok(Math.abs(got - exp) <= tol * Math.max(1, Math.abs(exp)), `${what}: got ${got}, expected ${exp} (diff ${got - exp})`);
}

function checkParams(p: HmmParams, exp: FitJson, tol: number, what: string): void {
  for (const key of ['start', 'trans', 'mean', 'variance'] as const) {
    p[key].forEach((v, i) => close(v, exp[key][i]!, tol, `${what} ${key}[${i}]`));
  }
}

function fitSim() {
  const x = Float64Array.from(fx.simulated.x);
  const fit = baumWelch(x, quantileInit(x, REGIME_HMM.varianceQuantiles, REGIME_HMM.stay), OPTS);
  return { x, fit, params: orderByVariance(fit.params) };
}

test('Baum–Welch recovers the parameters of simulated data (known truth, 10,080 rows)', () => {
  const { fit, params } = fitSim();
  assert.equal(fit.degenerate, null);
  assert.ok(fit.converged, `did not converge in ${fit.iterations} updates`);
  const truth = fx.simulated.truth;
  params.variance.forEach((v, k) => {
    const rel = Math.abs(Math.sqrt(v) / Math.sqrt(truth.variance[k]!) - 1);
    assert.ok(rel < 0.05, `state ${k}: sd ${Math.sqrt(v)} vs true ${Math.sqrt(truth.variance[k]!)}`);
  });
  for (let k = 0; k < 3; k++) {
    const d = params.trans[4 * k]!;
    assert.ok(Math.abs(d - truth.trans[4 * k]!) < 0.01, `A[${k}][${k}] = ${d} vs true ${truth.trans[4 * k]}`);
  }
});

test('Baum–Welch equals the numpy reference: parameters, log-likelihood, iterations (simulated)', () => {
  const { fit, params } = fitSim();
  const exp = fx.simulated.fit;
  assert.equal(fit.iterations, exp.iterations);
  assert.equal(fit.converged, exp.converged);
  close(fit.logLik, exp.logLik, 1e-9, 'log-likelihood');
  checkParams(params, exp, 1e-9, 'simulated');
});

test('the scaled forward filter equals the reference within 1e-9 (simulated, frozen parameters)', () => {
  const { x, params } = fitSim();
  const probs = [0, 1, 2].map(() => new Float64Array(x.length));
  const ll = forwardFilter(params, x, new Float64Array(3).fill(1 / 3), probs);
  close(ll, fx.simulated.filterLogLik, 1e-9, 'filter log-likelihood');
  const stride = fx.simulated.filterStride;
  let worst = 0;
  for (let k = 0; k < 3; k++) {
    fx.simulated.filtered[k]!.forEach((p, i) => { worst = Math.max(worst, Math.abs(probs[k]![i * stride]! - p)); });
  }
  assert.ok(worst <= 1e-9, `max |Δp| = ${worst}`);
});

function realObs(c: RealCase = fx.real): Float64Array {
  const close = c.close;
  const o = new Float64Array(c.end).fill(NaN);
  for (let t = 1; t < o.length; t++) o[t] = (100 * close[t]!) / close[0]! - (100 * close[t - 1]!) / close[0]!;
  return o;
}

for (const [key, label] of [['real', 'EURUSD Feb 2017'], ['quantised', 'NZDCHF Jan 2017, 12 % zero returns']] as const) {
  test(`weekly-refit procedure on real ${label} equals the reference: standardisation, fit, filter`, () => {
    const c = fx[key];
    const o = realObs(c);
    const s = c.segmentStart;
    const probs = [0, 1, 2].map(() => new Float64Array(o.length));
    const [seg] = regimeHmm(o, [s], probs);
    assert.ok(seg && seg.status === 'ok', `status ${seg?.status}: ${seg?.reason}`);
    assert.equal(seg.observations, REGIME_HMM.fitRows);
    assert.equal(seg.fitFrom, s - REGIME_HMM.fitRows);
    close(seg.center!, c.fitMean, 1e-12, 'window mean');
    close(seg.scale!, c.fitStd, 1e-12, 'window std');
    assert.equal(seg.iterations, c.fit.iterations);
    assert.equal(seg.converged, c.fit.converged);
    close(seg.logLik!, c.fit.logLik, 1e-9, 'log-likelihood');
    checkParams(seg.params!, c.fit, 1e-9, key);
    for (let t = 0; t < s; t++) assert.ok(Number.isNaN(probs[0]![t]!), `row ${t} before the only segment must be NaN`);
    let worst = 0;
    for (let k = 0; k < 3; k++) c.filtered[k]!.forEach((p, i) => { worst = Math.max(worst, Math.abs(probs[k]![s + i]! - p)); });
    assert.ok(worst <= 1e-9, `max |Δp| = ${worst}`);
  });
}

test('quantised prices: without the variance floor the calm state collapses onto the zero returns', () => {
  const c = fx.quantised;
  assert.ok(c.zeroShare > 0.1, `${c.zeroShare} of the window's returns are exactly 0`);
  assert.equal(c.fit.variance[0], REGIME_HMM.varianceFloor, 'the floor binds for the calm state');
  const o = realObs(c).subarray(c.segmentStart - REGIME_HMM.fitRows, c.segmentStart);
  const x = o.map((v) => (v - c.fitMean) / c.fitStd);
  const free = baumWelch(x, quantileInit(x, REGIME_HMM.varianceQuantiles, REGIME_HMM.stay), NO_FLOOR);
  assert.match(free.degenerate ?? '', /zero variance/);
});

test('filtered probabilities at t never change when rows after t change (within and across segments)', () => {
  const o = realObs();
  const starts = [9000, 11000]; // the 11000 fit window holds rows after both cuts
  const base = [0, 1, 2].map(() => new Float64Array(o.length));
  regimeHmm(o, starts, base);
  for (const cut of [9500, 10999]) {
    const changed = o.slice();
    for (let t = cut + 1; t < o.length; t++) changed[t] = 3 * o[t]! + 0.01 * Math.sin(t);
    const probs = [0, 1, 2].map(() => new Float64Array(o.length));
    regimeHmm(changed, starts, probs);
    for (let k = 0; k < 3; k++) {
      assert.deepEqual(probs[k]!.subarray(0, cut + 1), base[k]!.subarray(0, cut + 1), `state ${k}, cut ${cut}`);
      assert.notDeepEqual(probs[k]!.subarray(cut + 1), base[k]!.subarray(cut + 1), 'the perturbation must matter after the cut');
    }
  }
});

test('degenerate input: a constant series gives NaN and a degenerate status, never a throw', () => {
  const o = new Float64Array(12000).fill(0.25);
  const probs = [0, 1, 2].map(() => new Float64Array(o.length));
  const [seg] = regimeHmm(o, [10500], probs);
  assert.equal(seg!.status, 'degenerate');
  assert.match(seg!.reason!, /constant/);
  for (const p of probs) for (let t = 0; t < o.length; t++) assert.ok(Number.isNaN(p[t]!));
});

test('degenerate input: a state without mass stops the fit with a reason (two-valued data)', () => {
  // Data at ±1 only and a state started with a tiny variance at 0: its density underflows on every row.
  const x = Float64Array.from({ length: 6000 }, (_, t) => (t % 3 === 0 ? 1 : -1));
  const init = quantileInit(x, REGIME_HMM.varianceQuantiles, REGIME_HMM.stay);
  const fit = baumWelch(x, { ...init, variance: Float64Array.of(1, 1, 1e-9) }, OPTS);
  assert.match(fit.degenerate ?? '', /state 2 has no mass/);
});

test('too little history: fewer than 5,000 finite observations give NaN (status insufficient)', () => {
  const o = realObs();
  const probs = [0, 1, 2].map(() => new Float64Array(o.length));
  const fits = regimeHmm(o, [0, 5000, 5001, 9000], probs); // o[0] is NaN: 4,999 then 5,000 finite rows
  assert.deepEqual(fits.map((f) => f.status), ['insufficient', 'insufficient', 'ok', 'ok']);
  assert.equal(fits[1]!.observations, 4999);
  for (let t = 0; t < 5001; t++) assert.ok(Number.isNaN(probs[1]![t]!));
  assert.ok(Number.isFinite(probs[1]![5001]!));
});

test('state columns: argmax, duration (capped, reset by NaN), A_kk of the segment model', () => {
  const n = 12;
  const p = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  const states = [0, 0, 2, 2, 2, NaN, 1, 1, 1, 1, 1, 1];
  states.forEach((s, t) => {
    for (let k = 0; k < 3; k++) p[k]![t] = Number.isNaN(s) ? NaN : k === s ? 0.6 : 0.2;
  });
  const trans = Float64Array.of(0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.25, 0.25, 0.5);
  const params = { start: new Float64Array(3), trans, mean: new Float64Array(3), variance: Float64Array.of(1, 2, 3) };
  const fits = [{ start: 0, end: n, fitFrom: 0, observations: 0, status: 'ok' as const, params }];
  const cols = { state: new Float64Array(n), duration: new Float64Array(n), expectedDuration: new Float64Array(n), transitionProbability: new Float64Array(n), strength: new Float64Array(n) };
  stateColumns(p, fits, 3, cols);
  assert.deepEqual([...cols.state], states);
  assert.deepEqual([...cols.duration], [0, 1, 0, 1, 2, NaN, 0, 1, 2, 3, 3, 3]);
  close(cols.expectedDuration[2]!, 2, 1e-12, 'expected duration of state 2');
  close(cols.transitionProbability[7]!, 0.2, 1e-12, '1 − A_11');
  assert.equal(cols.strength[0], 0.6);
});

test('segments ending at or before needFrom are skipped; from needFrom + 1,440 on, every state column is bit-identical', () => {
  // Weeks of 10,080 rows from a segment start (Saturday): Friday to Sunday calm (sd 0.05), Monday and
  // Thursday normal (sd 0.3), Tuesday and Wednesday turbulent (sd 1): the calm state lasts 4,320 rows
  // across each segment start, where regime_duration reaches its cap.
  const WEEK = 10_080, DAY = 1_440, CAP = 1_440;
  const SD = [0.05, 0.05, 0.3, 1, 1, 0.3, 0.05];
  const rng = new Rng(seedKey(5), 0);
  const o = Float64Array.from({ length: 4 * WEEK }, (_, t) => SD[Math.floor((t % WEEK) / DAY)]! * rng.normal());
  const starts = [0, WEEK, 2 * WEEK, 3 * WEEK];
  const run = (needFrom: number) => {
    const probs = [0, 1, 2].map(() => new Float64Array(o.length));
    const fits = regimeHmm(o, starts, probs, needFrom);
    const cols = { state: new Float64Array(o.length), duration: new Float64Array(o.length), expectedDuration: new Float64Array(o.length), transitionProbability: new Float64Array(o.length), strength: new Float64Array(o.length) };
    stateColumns(probs, fits, CAP, cols);
    return { fits, cols: [...probs, ...Object.values(cols)] };
  };
  const all = run(0);
  const s = 3 * WEEK;
  assert.deepEqual(all.fits.map((f) => f.status), ['insufficient', 'ok', 'ok', 'ok']);
  const duration = all.cols[4]!;
  assert.equal(duration[s + CAP - 1], CAP, 'the state is constant over the 1,440 rows before s + 1,439, across the segment start');
  for (const first of [s + CAP - 1, s + CAP, s + 2 * CAP]) {
    const part = run(first - CAP);
    assert.deepEqual(part.fits.map((f) => f.status), ['skipped', 'skipped', first - CAP >= s ? 'skipped' : 'ok', 'ok'], `first ${first}`);
    part.cols.forEach((c, i) => assert.deepEqual(c.subarray(first), all.cols[i]!.subarray(first), `column ${i}, first ${first}`));
  }
  // The rule is tight: for first = s + 1,439, skipping the segment that ends at s too (needFrom = s, one
  // row later) changes regime_duration at the partition's first row.
  const tooMuch = run(s);
  assert.equal(tooMuch.cols[4]![s + CAP - 1], CAP - 1);
});

/** The scaled forward filter written as the generic recursion over the states (the code before unrolling). */
function plainForwardFilter(p: HmmParams, x: Float64Array, prior: Float64Array, probs: readonly Float64Array[], skip: number): number {
  const K = 3;
  const lc = Array.from(p.variance, (v) => -0.5 * (Math.log(2 * Math.PI) + Math.log(v)));
  const h = Array.from(p.variance, (v) => 0.5 / v);
  const alpha = [0, 0, 0], pred = Array.from(prior), lb = [0, 0, 0];
  let ll = 0;
  for (let t = 0; t < x.length; t++) {
    if (t > 0) for (let j = 0; j < K; j++) pred[j] = alpha[0]! * p.trans[j]! + alpha[1]! * p.trans[K + j]! + alpha[2]! * p.trans[2 * K + j]!;
    const o = x[t]!;
    let c = 0;
    if (Number.isFinite(o)) {
      let m = -Infinity;
      for (let j = 0; j < K; j++) {
        const d = o - p.mean[j]!;
        lb[j] = lc[j]! - d * d * h[j]!;
        if (lb[j]! > m) m = lb[j]!;
      }
      for (let j = 0; j < K; j++) {
        alpha[j] = pred[j]! * Math.exp(lb[j]! - m);
        c += alpha[j]!;
      }
      if (c > 0) ll += Math.log(c) + m;
    }
    for (let j = 0; j < K; j++) alpha[j] = c > 0 ? alpha[j]! / c : pred[j]!;
    if (t >= skip) for (let j = 0; j < K; j++) probs[j]![t - skip] = alpha[j]!;
  }
  return ll;
}

test('the unrolled forward filter equals the generic recursion bit for bit (missing, infinite and far outlying rows)', () => {
  const { x, params } = fitSim();
  const o = x.slice(0, 4000);
  for (const [t, v] of [[0, NaN], [17, NaN], [18, NaN], [500, Infinity], [501, -Infinity], [900, 1e200], [901, 40], [2000, -35]] as const) o[t] = v;
  for (const prior of [new Float64Array(3).fill(1 / 3), Float64Array.of(0.7, 0.2, 0.1)]) {
    for (const skip of [0, 1, 1440]) {
      const got = [0, 1, 2].map(() => new Float64Array(o.length - skip));
      const want = [0, 1, 2].map(() => new Float64Array(o.length - skip));
      assert.ok(Object.is(forwardFilter(params, o, prior, got, skip), plainForwardFilter(params, o, prior, want, skip)), 'log-likelihood');
      for (let k = 0; k < 3; k++) for (let i = 0; i < got[k]!.length; i++) assert.ok(Object.is(got[k]![i], want[k]![i]), `state ${k}, row ${i + skip}: ${got[k]![i]} vs ${want[k]![i]}`);
    }
  }
});
