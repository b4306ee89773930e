// Three-state Gaussian hidden Markov model with scalar emissions (FEATURES.md §6 regime): deterministic
// quantile initialisation, Baum–Welch (EM) with scaling, ordering of the states by emission variance, and
// the scaled forward filter (Rabiner 1989, "A tutorial on hidden Markov models", §V.A scaling). Smoothing
// happens only inside the fit; the filter at row t reads observations ≤ t only. No Viterbi.
//
// Underflow guard: emission densities are evaluated as exp(ln b_k − max_j ln b_j) per row, so a far
// outlier (every density < 1e-308) cannot zero the forward vector; the row's max log-density is added back
// to the log-likelihood. The exponentials are exp.ts's (Math.exp's values, computed inline). Each EM round
// evaluates the scaled emissions once (per distinct observation value when values repeat, as quantised
// prices do), then the E-step stores α (n × 3); β is carried as three scalars during the backward pass,
// which accumulates the ξ and γ sums and writes γ over α.

import { exp } from './exp.ts';
import { quantile } from './quantile.ts';

/** Number of hidden states (calm, normal, turbulent once ordered by variance). */
export const HMM_STATES = 3;

export interface HmmParams {
  /** Start distribution π (3). */
  readonly start: Float64Array;
  /** Transition matrix A, row-major 3 × 3: trans[3i + j] = P(s_t = j | s_{t−1} = i). */
  readonly trans: Float64Array;
  readonly mean: Float64Array;
  readonly variance: Float64Array;
}

export interface HmmFit {
  /** Parameters after the last M-step; their log-likelihood is `logLik`. */
  readonly params: HmmParams;
  readonly logLik: number;
  /** EM updates (M-steps) performed. */
  readonly iterations: number;
  /** True when the last update improved the log-likelihood by less than the tolerance. */
  readonly converged: boolean;
  /** Why the fit is unusable (a state without mass, a zero variance, a non-finite likelihood), or null. */
  readonly degenerate: string | null;
}

export interface BaumWelchOptions {
  readonly maxIter: number;
  /** Stop when an update improves the log-likelihood by less than this (absolute). */
  readonly tol: number;
  /** A state whose expected number of rows Σ_t γ_t(k) is below this has no mass (default 1 row). */
  readonly minMass?: number;
  /**
   * Lower bound applied to every variance in the M-step (default 0; hmmlearn's `min_covar`): keeps a state
   * from collapsing onto a point mass, such as the exact-zero returns of price-quantised data.
   */
  readonly varianceFloor?: number;
  /** A state variance below this is zero (default 1e-8, in the units of x²). */
  readonly minVariance?: number;
}

const K = HMM_STATES;
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Deterministic start: means 0, variances at the three given quantiles of x², self-transition `stay`
 * with the rest split evenly, uniform start distribution.
 */
export function quantileInit(x: Float64Array, quantiles: readonly [number, number, number], stay: number): HmmParams {
  const sq = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) sq[t] = x[t]! * x[t]!;
  const trans = new Float64Array(K * K).fill((1 - stay) / (K - 1));
  for (let i = 0; i < K; i++) trans[i * K + i] = stay;
  return {
    start: new Float64Array(K).fill(1 / K),
    trans,
    mean: new Float64Array(K),
    variance: Float64Array.from(quantiles, (q) => quantile(sq, q)),
  };
}

/** Scratch arrays of the E-step over n rows; pass one to successive fits to avoid reallocating. */
export class HmmWorkspace {
  /** α_t (forward), then γ_t (posterior) after the backward pass; n × 3. */
  readonly alpha: Float64Array;
  /** b_t(j) / max_k b_t(k); n × 3. */
  readonly emis: Float64Array;
  /** max_k ln b_t(k). */
  readonly logMax: Float64Array;
  /** 1 / c_t, the forward normalisers. */
  readonly scale: Float64Array;
  #identity: Int32Array | null = null;
  constructor(n: number) {
    this.alpha = new Float64Array(n * K);
    this.emis = new Float64Array(n * K);
    this.logMax = new Float64Array(n);
    this.scale = new Float64Array(n);
  }
  /** 0, 1, …, n − 1 (the codes of observations without levels). */
  identity(n: number): Int32Array {
    if (!this.#identity) this.#identity = Int32Array.from({ length: this.scale.length }, (_, i) => i);
    return this.#identity.subarray(0, n);
  }
}

/**
 * Baum–Welch on x from `init`. Each round: E-step (log-likelihood of the current parameters); stop if the
 * improvement over the previous round is below `tol` or `maxIter` updates were made; else M-step. So the
 * returned parameters are exactly those whose log-likelihood is reported.
 */
export function baumWelch(x: Float64Array, init: HmmParams, opts: BaumWelchOptions, ws?: HmmWorkspace): HmmFit {
  const n = x.length;
  const work = ws && ws.scale.length >= n ? ws : new HmmWorkspace(n);
  const minMass = opts.minMass ?? 1;
  const minVariance = opts.minVariance ?? 1e-8;
  let p = copyParams(init);
  let prev = -Infinity;
  let iterations = 0;
  const xiSum = new Float64Array(K * K);
  const gammaSum = new Float64Array(K);
  const levels = levelsOf(x);
  const done = (logLik: number, converged: boolean, degenerate: string | null): HmmFit =>
    ({ params: p, logLik, iterations, converged, degenerate });
  // Row t's emissions are entry codes[t] of emis/logMax: its level, or t itself.
  const emis = levels ? levels.emis : work.emis;
  const logMax = levels ? levels.logMax : work.logMax;
  const codes = levels ? levels.codes : work.identity(n);
  for (;;) {
    emissions(p, levels ? levels.values : x, emis, logMax);
    const ll = eStep(n, p, work, emis, logMax, codes, xiSum, gammaSum);
    if (!Number.isFinite(ll)) return done(ll, false, 'non-finite log-likelihood');
    if (iterations > 0 && ll - prev < opts.tol) return done(ll, true, null);
    if (iterations >= opts.maxIter) return done(ll, false, null);
    for (let j = 0; j < K; j++) {
      if (!(gammaSum[j]! >= minMass)) return done(ll, false, `state ${j} has no mass (${gammaSum[j]!.toExponential(2)} rows)`);
    }
    p = mStep(x, n, work.alpha, xiSum, gammaSum, opts.varianceFloor ?? 0);
    iterations++;
    prev = ll;
    for (let j = 0; j < K; j++) {
      if (!(p.variance[j]! >= minVariance)) return done(NaN, false, `state ${j} has zero variance (${p.variance[j]!.toExponential(2)})`);
    }
  }
}

/**
 * The distinct values of a fit's observations and each row's index into them. Price-quantised series
 * repeat few values (≈ 400 distinct Δidx in a week of EURUSD), so the emission densities — two exp per
 * value — are evaluated once per distinct value and read through the row's code; the results are identical.
 */
class Levels {
  readonly emis: Float64Array;
  readonly logMax: Float64Array;
  constructor(readonly values: Float64Array, readonly codes: Int32Array) {
    this.emis = new Float64Array(values.length * K);
    this.logMax = new Float64Array(values.length);
  }
}

/**
 * Levels of the (finite) x in order of first appearance, or null as soon as there are more than n/4
 * distinct values (no gain). −0 joins 0 (Map keys): both give the same densities, (±0 − μ)² being equal.
 */
function levelsOf(x: Float64Array): Levels | null {
  const index = new Map<number, number>();
  const codes = new Int32Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    let code = index.get(v);
    if (code === undefined) {
      code = index.size;
      if (4 * (code + 1) > x.length) return null;
      index.set(v, code);
    }
    codes[t] = code;
  }
  return new Levels(Float64Array.from(index.keys()), codes);
}

/** b_j(o) / max_k b_k(o) into emis (3 per value) and max_k ln b_k(o) into logMax, for each value o of src. */
function emissions(p: HmmParams, src: Float64Array, emis: Float64Array, logMax: Float64Array): void {
  const m0 = p.mean[0]!, m1 = p.mean[1]!, m2 = p.mean[2]!;
  const h0 = 0.5 / p.variance[0]!, h1 = 0.5 / p.variance[1]!, h2 = 0.5 / p.variance[2]!;
  const l0 = -0.5 * (LOG_2PI + Math.log(p.variance[0]!));
  const l1 = -0.5 * (LOG_2PI + Math.log(p.variance[1]!));
  const l2 = -0.5 * (LOG_2PI + Math.log(p.variance[2]!));
  for (let t = 0; t < src.length; t++) {
    const o = src[t]!;
    const d0 = o - m0, d1 = o - m1, d2 = o - m2;
    const lb0 = l0 - d0 * d0 * h0, lb1 = l1 - d1 * d1 * h1, lb2 = l2 - d2 * d2 * h2;
    const m = lb0 > lb1 ? (lb0 > lb2 ? lb0 : lb2) : lb1 > lb2 ? lb1 : lb2;
    const r = 3 * t;
    emis[r] = lb0 === m ? 1 : exp(lb0 - m);
    emis[r + 1] = lb1 === m ? 1 : exp(lb1 - m);
    emis[r + 2] = lb2 === m ? 1 : exp(lb2 - m);
    logMax[t] = m;
  }
}

/**
 * E-step for 3 states (unrolled: this is the hot loop of every weekly refit), row t's emissions read at
 * entry codes[t] of emis (3 per entry) and logMax. Forward pass with α scaled to sum 1 per row; backward pass with β_{n−1} = 1,
 * g_j = b_{t+1}(j) β_{t+1}(j) / c_{t+1}, ξ_t(i, j) = α_t(i) A_ij g_j and β_t(i) = Σ_j A_ij g_j, accumulating
 * Σ_t ξ_t into xiSum and Σ_t γ_t into gammaSum, with γ_t = α_t ⊙ β_t written over α. Returns the
 * log-likelihood Σ_t (ln c_t + max_j ln b_t(j)).
 */
function eStep(
  n: number, p: HmmParams, ws: HmmWorkspace, emis: Float64Array, logMax: Float64Array, codes: Int32Array,
  xiSum: Float64Array, gammaSum: Float64Array,
): number {
  const { alpha, scale } = ws;
  const [a00, a01, a02, a10, a11, a12, a20, a21, a22] = p.trans as unknown as number[];
  let ll = 0;
  let prod = 1;
  let p0 = p.start[0]!, p1 = p.start[1]!, p2 = p.start[2]!; // predicted distribution of row t
  for (let t = 0; t < n; t++) {
    const r = 3 * t;
    const c0 = codes[t]!, e = 3 * c0;
    const b0 = emis[e]!, b1 = emis[e + 1]!, b2 = emis[e + 2]!;
    const m = logMax[c0]!;
    const v0 = p0 * b0, v1 = p1 * b1, v2 = p2 * b2;
    const c = v0 + v1 + v2;
    const ic = 1 / c;
    const q0 = v0 * ic, q1 = v1 * ic, q2 = v2 * ic;
    alpha[r] = q0; alpha[r + 1] = q1; alpha[r + 2] = q2;
    scale[t] = ic;
    // Σ ln c_t as ln of running products (one log per ~1e250 of scale instead of one per row).
    ll += m;
    if (c < 1e-30) ll += Math.log(c);
    else {
      prod *= c;
      if (prod < 1e-250) { ll += Math.log(prod); prod = 1; }
    }
    p0 = q0 * a00 + q1 * a10 + q2 * a20;
    p1 = q0 * a01 + q1 * a11 + q2 * a21;
    p2 = q0 * a02 + q1 * a12 + q2 * a22;
  }
  ll += Math.log(prod);
  let x00 = 0, x01 = 0, x02 = 0, x10 = 0, x11 = 0, x12 = 0, x20 = 0, x21 = 0, x22 = 0;
  const last = 3 * (n - 1);
  let s0 = alpha[last]!, s1 = alpha[last + 1]!, s2 = alpha[last + 2]!; // γ_{n−1} = α_{n−1}
  let be0 = 1, be1 = 1, be2 = 1;
  for (let t = n - 2; t >= 0; t--) {
    const r = 3 * t;
    const ic = scale[t + 1]!; // 1 / c_{t+1}
    const e = 3 * codes[t + 1]!; // b_{t+1}
    const g0 = emis[e]! * be0 * ic, g1 = emis[e + 1]! * be1 * ic, g2 = emis[e + 2]! * be2 * ic;
    const q0 = alpha[r]!, q1 = alpha[r + 1]!, q2 = alpha[r + 2]!;
    const e00 = a00 * g0, e01 = a01 * g1, e02 = a02 * g2;
    const e10 = a10 * g0, e11 = a11 * g1, e12 = a12 * g2;
    const e20 = a20 * g0, e21 = a21 * g1, e22 = a22 * g2;
    x00 += q0 * e00; x01 += q0 * e01; x02 += q0 * e02;
    x10 += q1 * e10; x11 += q1 * e11; x12 += q1 * e12;
    x20 += q2 * e20; x21 += q2 * e21; x22 += q2 * e22;
    be0 = e00 + e01 + e02; be1 = e10 + e11 + e12; be2 = e20 + e21 + e22;
    const y0 = q0 * be0, y1 = q1 * be1, y2 = q2 * be2;
    alpha[r] = y0; alpha[r + 1] = y1; alpha[r + 2] = y2;
    s0 += y0; s1 += y1; s2 += y2;
  }
  xiSum.set([x00, x01, x02, x10, x11, x12, x20, x21, x22]);
  gammaSum.set([s0, s1, s2]);
  return ll;
}

/** M-step from γ (in `gamma`, n × 3) and the ξ sums: new π, A, means and (two-pass) variances ≥ floor. */
function mStep(x: Float64Array, n: number, gamma: Float64Array, xiSum: Float64Array, gammaSum: Float64Array, floor: number): HmmParams {
  const start = gamma.slice(0, K);
  const trans = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    const s = xiSum[i * K]! + xiSum[i * K + 1]! + xiSum[i * K + 2]!;
    for (let j = 0; j < K; j++) trans[i * K + j] = xiSum[i * K + j]! / s;
  }
  let u0 = 0, u1 = 0, u2 = 0;
  for (let t = 0, r = 0; t < n; t++, r += K) {
    const o = x[t]!;
    u0 += gamma[r]! * o; u1 += gamma[r + 1]! * o; u2 += gamma[r + 2]! * o;
  }
  const m0 = u0 / gammaSum[0]!, m1 = u1 / gammaSum[1]!, m2 = u2 / gammaSum[2]!;
  let v0 = 0, v1 = 0, v2 = 0;
  for (let t = 0, r = 0; t < n; t++, r += K) {
    const o = x[t]!;
    const d0 = o - m0, d1 = o - m1, d2 = o - m2;
    v0 += gamma[r]! * d0 * d0; v1 += gamma[r + 1]! * d1 * d1; v2 += gamma[r + 2]! * d2 * d2;
  }
  const mean = Float64Array.of(m0, m1, m2);
  const variance = Float64Array.of(v0 / gammaSum[0]!, v1 / gammaSum[1]!, v2 / gammaSum[2]!).map((v) => (v < floor ? floor : v));
  return { start, trans, mean, variance };
}

function copyParams(p: HmmParams): HmmParams {
  return { start: p.start.slice(), trans: p.trans.slice(), mean: p.mean.slice(), variance: p.variance.slice() };
}

/** The same model with the states renumbered by increasing emission variance (ties keep their order). */
export function orderByVariance(p: HmmParams): HmmParams {
  const order = [0, 1, 2].sort((a, b) => p.variance[a]! - p.variance[b]! || a - b);
  const trans = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) trans[i * K + j] = p.trans[order[i]! * K + order[j]!]!;
  const pick = (v: Float64Array) => Float64Array.from(order, (i) => v[i]!);
  return { start: pick(p.start), trans, mean: pick(p.mean), variance: pick(p.variance) };
}

/**
 * Scaled forward filter with frozen parameters over rows 0 … n−1 of x: α_0 ∝ prior ⊙ b(x_0), then
 * α_t ∝ b(x_t) ⊙ (Aᵀ α_{t−1}), normalised every row. A non-finite observation is missing (prediction step
 * only); so is a row where every state's weight underflows to 0. Writes P(s_t = j | x_0 … x_t) into
 * probs[j][t − skip] for t ≥ skip (the first `skip` rows are burn-in). Returns the log-likelihood of the
 * finite rows.
 */
export function forwardFilter(p: HmmParams, x: Float64Array, prior: Float64Array, probs: readonly Float64Array[], skip = 0): number {
  // Unrolled over the 3 states with the generic recursion's order of operations (bit-identical to it).
  const [a00, a01, a02, a10, a11, a12, a20, a21, a22] = p.trans as unknown as number[];
  const m0 = p.mean[0]!, m1 = p.mean[1]!, m2 = p.mean[2]!;
  const l0 = -0.5 * (LOG_2PI + Math.log(p.variance[0]!));
  const l1 = -0.5 * (LOG_2PI + Math.log(p.variance[1]!));
  const l2 = -0.5 * (LOG_2PI + Math.log(p.variance[2]!));
  const h0 = 0.5 / p.variance[0]!, h1 = 0.5 / p.variance[1]!, h2 = 0.5 / p.variance[2]!;
  const [out0, out1, out2] = probs as [Float64Array, Float64Array, Float64Array];
  let q0 = 0, q1 = 0, q2 = 0; // α_{t−1}
  let ll = 0;
  for (let t = 0; t < x.length; t++) {
    // Prediction: the prior at t = 0, else Aᵀ α_{t−1}.
    const p0 = t > 0 ? q0 * a00 + q1 * a10 + q2 * a20 : prior[0]!;
    const p1 = t > 0 ? q0 * a01 + q1 * a11 + q2 * a21 : prior[1]!;
    const p2 = t > 0 ? q0 * a02 + q1 * a12 + q2 * a22 : prior[2]!;
    const o = x[t]!;
    let c = 0;
    if (o === o && Math.abs(o) !== Infinity) {
      const d0 = o - m0, d1 = o - m1, d2 = o - m2;
      const lb0 = l0 - d0 * d0 * h0, lb1 = l1 - d1 * d1 * h1, lb2 = l2 - d2 * d2 * h2;
      let m = -Infinity;
      if (lb0 > m) m = lb0;
      if (lb1 > m) m = lb1;
      if (lb2 > m) m = lb2;
      const v0 = p0 * exp(lb0 - m), v1 = p1 * exp(lb1 - m), v2 = p2 * exp(lb2 - m);
      c = v0 + v1 + v2;
      if (c > 0) {
        ll += Math.log(c) + m;
        q0 = v0 / c; q1 = v1 / c; q2 = v2 / c;
      }
    }
    if (!(c > 0)) { q0 = p0; q1 = p1; q2 = p2; } // missing or underflowed row: the prediction
    if (t >= skip) {
      const r = t - skip;
      out0[r] = q0; out1[r] = q1; out2[r] = q2;
    }
  }
  return ll;
}
