// Rolling least-squares polynomial fits (FEATURES.md §2 reg, reused by §3 erm): over the last W rows
// including t, with x = 0 … W−1 (x = W−1 at row t), fit y = a·x² + b·x + c (quadratic) or y = b·x + c (line).
//
// O(1) per row. The fit is solved in the discrete orthogonal polynomial basis of the centred abscissa
// u = x − m, m = (W−1)/2:  P0 = 1, P1 = u, P2 = u² − κ with κ = (W²−1)/12, whose norms over u = −m … m are
//   N0 = W,  N1 = W(W²−1)/12,  N2 = W(W²−1)(W²−4)/180
// (the discrete Chebyshev / Gram polynomials; N2 = Σu⁴ − W·κ² with Σu⁴ = W(W²−1)(3W²−7)/240). The
// least-squares coefficients are then independent projections β_k = Σ P_k·y / N_k, and
// SSres = Σ (y − ȳ)² − β1² N1 − β2² N2, so no system is solved.
//
// Sliding sums are kept of ỹ = y − ref (ref = y at the last exact re-summation, so ỹ is of the size of the
// window's variation, not of the level ≈ 100): S0 = Σ ỹ, S1 = Σ u ỹ, Q2 = Σ P2(u) ỹ, SY2 = Σ ỹ².
// When the window advances, the remaining points move from u to u − 1, and P2(u − 1) = P2(u) − 2u + 1 gives
//   Q2 ← Q2 − 2 S1 + S0,   S1 ← S1 − S0   (sums over the remaining points).
// The sums are recomputed exactly every W rows (bounds rounding drift), whenever a window becomes valid
// again after a non-finite value, and whenever a value entered since the last re-summation lies more
// than √SPREAD_LIMIT window standard deviations from ref (then at every row while such a value is in the
// window, which is rare: O(1) amortised on market series): the rounding of the sums scales with the
// largest |ỹ| they have held, so after a level far from today's (before a long gap) has left the window,
// the fit would otherwise keep an error that depends on where the computation started. A window of W
// identical values is detected exactly (run length), so that SStot is exactly 0 there (r2 NaN
// downstream) instead of rounding noise.

/** Largest ỹ² since the last re-summation, in window variances, before an early re-summation. */
const SPREAD_LIMIT = 64;

/** Per-row outputs of the quadratic fit; every array has the length of the input. */
export interface QuadFit {
  /** Coefficient of x² (x = 0 … W−1 within the window). */
  readonly a: Float64Array;
  /** Coefficient of x. */
  readonly b: Float64Array;
  /** Intercept: the fitted value at x = 0 (the oldest row of the window). */
  readonly c: Float64Array;
  /** Fitted value at x = W−1 (row t), computed from the orthogonal coefficients (= c + b(W−1) + a(W−1)²). */
  readonly fitted: Float64Array;
  /** Σ (y − ŷ)² over the window, clamped to [0, ssTot]. */
  readonly ssRes: Float64Array;
  /** Σ (y − ȳ)² over the window (exactly 0 for a constant window). */
  readonly ssTot: Float64Array;
}

/** Per-row outputs of the straight-line fit y = b·x + c (same conventions as QuadFit). */
export type LineFit = Omit<QuadFit, 'a'>;

/**
 * Rolling quadratic least-squares fit of `y` over the last `w` rows (w ≥ 3). Rows t < w−1 and rows whose
 * window holds a non-finite value get NaN in every output.
 */
export function rollingQuadFit(y: Float64Array, w: number, out: QuadFit): void {
  if (!Number.isInteger(w) || w < 3) throw new RangeError(`rollingQuadFit: window ${w} is not an integer ≥ 3`);
  polyFit(y, w, 2, out.a, out);
}

/** Rolling straight-line least-squares fit of `y` over the last `w` rows (w ≥ 2); NaN as rollingQuadFit. */
export function rollingLineFit(y: Float64Array, w: number, out: LineFit): void {
  if (!Number.isInteger(w) || w < 2) throw new RangeError(`rollingLineFit: window ${w} is not an integer ≥ 2`);
  polyFit(y, w, 1, null, out);
}

function polyFit(y: Float64Array, w: number, degree: 1 | 2, aOut: Float64Array | null, out: LineFit): void {
  const n = y.length;
  const { b: bOut, c: cOut, fitted, ssRes, ssTot } = out;
  for (const col of [aOut ?? bOut, bOut, cOut, fitted, ssRes, ssTot]) {
    if (col.length !== n) throw new RangeError('polyFit: output length differs from input length');
  }
  const quad = degree === 2;
  const m = (w - 1) / 2;
  const kappa = (w * w - 1) / 12;
  const n1 = (w * (w * w - 1)) / 12;
  const n2 = (w * (w * w - 1) * (w * w - 4)) / 180;
  const p2End = m * m - kappa; // P2 at both ends u = ±m
  let ref = 0, s0 = 0, s1 = 0, q2 = 0, sy2 = 0;
  let big = 0; // largest ỹ² held by the sums since the last re-summation
  let synced = false; // the sums describe the window ending at t − 1
  let lastResum = 0; // row at which the sums were last recomputed exactly
  let lastBad = -1; // latest row with a non-finite y
  let runStart = 0; // first row of the current run of identical values

  for (let t = 0; t < n; t++) {
    const yt = y[t]!;
    if (!Number.isFinite(yt)) lastBad = t;
    if (t > 0 && yt !== y[t - 1]) runStart = t;
    const first = t - w + 1;
    if (first < 0 || lastBad >= first) {
      synced = false;
      setNaN(t, aOut, out);
      continue;
    }
    let exact = !synced || t - lastResum >= w;
    if (!exact) {
      const dOld = y[first - 1]! - ref; // leaves at u = −m
      s0 -= dOld;
      s1 += m * dOld;
      q2 -= p2End * dOld;
      sy2 -= dOld * dOld;
      q2 += s0 - 2 * s1; // remaining points shift u → u − 1
      s1 -= s0;
      const dNew = yt - ref; // enters at u = +m
      s0 += dNew;
      s1 += m * dNew;
      q2 += p2End * dNew;
      sy2 += dNew * dNew;
      if (dNew * dNew > big) big = dNew * dNew;
      exact = big * w > SPREAD_LIMIT * (sy2 - (s0 * s0) / w);
    }
    if (exact) {
      // Exact re-summation of the window [first, t] around ref = y_t.
      ref = yt;
      s0 = 0; s1 = 0; q2 = 0; sy2 = 0; big = 0;
      for (let i = first; i <= t; i++) {
        const d = y[i]! - ref;
        const u = i - first - m;
        s0 += d;
        s1 += u * d;
        q2 += (u * u - kappa) * d;
        sy2 += d * d;
        if (d * d > big) big = d * d;
      }
      synced = true;
      lastResum = t;
    }
    if (t - runStart + 1 >= w) {
      // Constant window: the fit is exact and flat.
      if (aOut) aOut[t] = 0;
      bOut[t] = 0; cOut[t] = yt; fitted[t] = yt; ssRes[t] = 0; ssTot[t] = 0;
      continue;
    }
    const beta0 = s0 / w;
    const beta1 = s1 / n1;
    const beta2 = quad ? q2 / n2 : 0;
    // ŷ(u) = ref + β0 + β1·u + β2·(u² − κ); convert to x = u + m.
    if (aOut) aOut[t] = beta2;
    bOut[t] = beta1 - 2 * m * beta2;
    cOut[t] = ref + (beta0 - beta1 * m + beta2 * p2End);
    fitted[t] = ref + (beta0 + beta1 * m + beta2 * p2End);
    const tot = Math.max(0, sy2 - s0 * beta0);
    const res = tot - beta1 * s1 - beta2 * q2;
    ssTot[t] = tot;
    ssRes[t] = res < 0 ? 0 : res > tot ? tot : res;
  }
}

function setNaN(t: number, aOut: Float64Array | null, out: LineFit): void {
  if (aOut) aOut[t] = NaN;
  out.b[t] = NaN; out.c[t] = NaN; out.fitted[t] = NaN; out.ssRes[t] = NaN; out.ssTot[t] = NaN;
}
