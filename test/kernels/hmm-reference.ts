// The Baum–Welch fit and the forward filter of src/kernels/hmm.ts and the weekly-refit loop of
// src/kernels/regime-hmm.ts as they were before they were made faster: frozen here so that a test can
// require the new code to reproduce them bit for bit on real data. Not a definition oracle (hmm.test.ts
// compares with numpy); a record of the exact numerics the lake files were written with. The
// initialisation and the ordering of the states (unchanged) are imported.
import { HMM_STATES, orderByVariance, quantileInit, type BaumWelchOptions, type HmmFit, type HmmParams } from '../../src/kernels/hmm.ts';
import { REGIME_HMM, type SegmentFit, type SegmentStatus } from '../../src/kernels/regime-hmm.ts';

const K = HMM_STATES;
const LOG_2PI = Math.log(2 * Math.PI);

class HmmWorkspace {
  readonly alpha: Float64Array;
  readonly emis: Float64Array;
  readonly logMax: Float64Array;
  readonly scale: Float64Array;
  #identity: Int32Array | null = null;
  constructor(n: number) {
    this.alpha = new Float64Array(n * K);
    this.emis = new Float64Array(n * K);
    this.logMax = new Float64Array(n);
    this.scale = new Float64Array(n);
  }
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
export function referenceBaumWelch(x: Float64Array, init: HmmParams, opts: BaumWelchOptions, ws?: HmmWorkspace): HmmFit {
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

/** Levels of the (finite) x, or null when there are more than n/4 distinct values (no gain). */
function levelsOf(x: Float64Array): Levels | null {
  const sorted = x.slice().sort();
  let u = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[u++] = sorted[i]!; // −0 joins 0
  if (4 * u > x.length) return null;
  const values = sorted.slice(0, u);
  const codes = new Int32Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let lo = 0, hi = u - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! < x[t]!) lo = mid + 1;
      else hi = mid;
    }
    codes[t] = lo;
  }
  return new Levels(values, codes);
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
    emis[r] = lb0 === m ? 1 : Math.exp(lb0 - m);
    emis[r + 1] = lb1 === m ? 1 : Math.exp(lb1 - m);
    emis[r + 2] = lb2 === m ? 1 : Math.exp(lb2 - m);
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


/**
 * Fits and filters every segment [starts[i], starts[i+1]) (the last one ends at the series end). Writes
 * the filtered probabilities of the ordered states into probs[0..2] for the segment rows (NaN where the
 * segment has no usable fit, and before the first segment). `starts` must be increasing. Segments that end
 * at or before row `needFrom` are not fitted (status 'skipped', NaN): each segment's fit and filter read
 * only the observations, never another segment's model, so the rows from `needFrom` on are unchanged.
 */
export function referenceRegimeHmm(obs: Float64Array, starts: readonly number[], probs: readonly Float64Array[], needFrom = 0): SegmentFit[] {
  const n = obs.length;
  if (probs.length !== HMM_STATES || probs.some((p) => p.length !== n)) throw new RangeError('regimeHmm: need 3 probability columns of the series length');
  for (const p of probs) p.fill(NaN, 0, Math.min(n, starts[0] ?? n));
  const cfg = REGIME_HMM;
  const window = new Float64Array(cfg.fitRows);
  const ws = new HmmWorkspace(cfg.fitRows);
  const fits: SegmentFit[] = [];
  for (let s = 0; s < starts.length; s++) {
    const start = starts[s]!;
    const end = s + 1 < starts.length ? starts[s + 1]! : n;
    const fitFrom = Math.max(0, start - cfg.fitRows);
    if (end <= needFrom) {
      for (const p of probs) p.fill(NaN, start, end);
      fits.push({ start, end, fitFrom, status: 'skipped', reason: 'every row of the segment lies before the rows needed' });
      continue;
    }
    let m = 0;
    for (let t = fitFrom; t < start; t++) if (Number.isFinite(obs[t]!)) window[m++] = obs[t]!;
    const base = { start, end, fitFrom, observations: m };
    const fail = (status: SegmentStatus, reason: string, extra: Partial<SegmentFit> = {}): void => {
      for (const p of probs) p.fill(NaN, start, end);
      fits.push({ ...base, status, reason, ...extra });
    };
    if (m < cfg.minRows) {
      fail('insufficient', `${m} finite observations before the segment start (< ${cfg.minRows})`);
      continue;
    }
    // Standardise by the window's mean and sample standard deviation (two passes).
    const x = window.subarray(0, m);
    let sum = 0;
    for (let i = 0; i < m; i++) sum += x[i]!;
    const center = sum / m;
    let ss = 0;
    for (let i = 0; i < m; i++) ss += (x[i]! - center) * (x[i]! - center);
    const scale = Math.sqrt(ss / (m - 1));
    if (!(scale > 0)) {
      fail('degenerate', 'the observations of the fit window are constant', { center, scale });
      continue;
    }
    for (let i = 0; i < m; i++) x[i] = (x[i]! - center) / scale;
    const fit = referenceBaumWelch(x, quantileInit(x, cfg.varianceQuantiles, cfg.stay), { maxIter: cfg.maxIter, tol: cfg.tol, varianceFloor: cfg.varianceFloor }, ws);
    const info = { center, scale, iterations: fit.iterations, logLik: fit.logLik, converged: fit.converged };
    if (fit.degenerate !== null) {
      fail('degenerate', fit.degenerate, info);
      continue;
    }
    const params = orderByVariance(fit.params);
    // Filter from burnIn rows before the start; write the segment's rows only.
    const from = Math.max(0, start - cfg.burnIn);
    const z = new Float64Array(end - from);
    for (let t = from; t < end; t++) z[t - from] = (obs[t]! - center) / scale;
    const uniform = new Float64Array(HMM_STATES).fill(1 / HMM_STATES);
    forwardFilter(params, z, uniform, probs.map((p) => p.subarray(start, end)), start - from);
    fits.push({ ...base, status: 'ok', ...info, params });
  }
  return fits;
}

/**
 * Scaled forward filter with frozen parameters over rows 0 … n−1 of x: α_0 ∝ prior ⊙ b(x_0), then
 * α_t ∝ b(x_t) ⊙ (Aᵀ α_{t−1}), normalised every row. A non-finite observation is missing (prediction step
 * only); so is a row where every state's weight underflows to 0. Writes P(s_t = j | x_0 … x_t) into
 * probs[j][t − skip] for t ≥ skip (the first `skip` rows are burn-in). Returns the log-likelihood of the
 * finite rows.
 */
function forwardFilter(p: HmmParams, x: Float64Array, prior: Float64Array, probs: readonly Float64Array[], skip = 0): number {
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
      const v0 = p0 * Math.exp(lb0 - m), v1 = p1 * Math.exp(lb1 - m), v2 = p2 * Math.exp(lb2 - m);
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
