// Diagnostics of the rolling quadratic fit (FEATURES.md §3 erm), from the SAME fit as §2 reg: the caller
// passes reg's per-row terms a(W−1)², b(W−1), c, and the window's residuals e_i = y_i − (a x_i² + b x_i + c),
// x_i = 0 … W−1, are evaluated directly in one tight O(W) loop per row (≈ 1.5k multiply-adds per row for
// the six windows; kernels/quad-residual-sums.ts, WebAssembly SIMD, two rows at a time). Direct residuals are exact to rounding at any level (idx ≈ 100, B ≈ 1e-3); the O(1)
// alternative — expanding Σ e_i e_{i−1} and Σ e_i⁴ in sliding sums of y·x^k up to x⁸ — would cancel
// catastrophically.
//
// In the discrete orthogonal (Gram) basis of u = x − (W−1)/2 — P0 = 1, P1 = u, P2 = u² − (W²−1)/12 with
// norms N0 = W, N1 = W(W²−1)/12, N2 = W(W²−1)(W²−4)/180 (Abramowitz & Stegun 22.17) — the fit is
// ŷ = β0 + β1·P1 + β2·P2 with β2 = a and β1 = b + a(W−1). By orthogonality the straight-line fit on the same
// window is the quadratic fit without its P2 term, so SSres_lin = SSres + a²·N2 and SStot = SSres_lin + β1²·N1
// exactly, with no second fit. Textbook OLS with X = [x², x, 1] (e.g. Greene, Econometric Analysis, §4):
// s² = SSres/(W−3); Var(â) = s²·[(XᵀX)⁻¹]_aa = s²/N2; the prediction variance at x₀ = W is
// s²·(1 + x₀ᵀ(XᵀX)⁻¹x₀) with x₀ᵀ(XᵀX)⁻¹x₀ = Σ_k P_k(u₀)²/N_k, u₀ = (W+1)/2: constants per W.
import { quadResidualSums } from './quad-residual-sums.ts';

/**
 * t_{0.975, W−3} for the six reg/erm windows, from scipy.stats.t.ppf by fixtures/erm/t_quantiles.py
 * (keyed by degrees of freedom W − 3).
 */
export const T975 = new Map<number, number>([
  [57, 2.002465459291007],
  [87, 1.9876082815890708],
  [147, 1.976233308895327],
  [237, 1.9700240104035507],
  [387, 1.966112774207007],
  [627, 1.963754701176004],
]);

/** reg's per-row fit of the window ending at t: quadTerm = a(W−1)², linTerm = b(W−1), constTerm = c. */
export interface QuadTerms {
  readonly quadTerm: Float64Array;
  readonly linTerm: Float64Array;
  readonly constTerm: Float64Array;
}

export interface DiagnosticColumns {
  /** (rmse_lin − rmse_quad) / rmse_lin = 1 − sqrt(SSres_quad / SSres_lin). */
  readonly rmseImprovement: Float64Array;
  /** t_{0.975, W−3} · s · sqrt(1 + x₀ᵀ(XᵀX)⁻¹x₀) at x₀ = W, divided by the sample std of y over the window. */
  readonly extrapolationConfidence: Float64Array;
  /** Σ_{i≥1} e_i e_{i−1} / Σ e_i². */
  readonly residualAutocorrelation: Float64Array;
  /** R² of the OLS regression of e_i² on x_i (Breusch–Pagan auxiliary regression). */
  readonly heteroskedasticity: Float64Array;
  /** â / SE(â). */
  readonly curvatureSignificance: Float64Array;
}

/** Residual sums below W·(ROUNDING·scale)², scale = |a(W−1)²| + |b(W−1)| + |c|, are rounding noise of ŷ. */
const ROUNDING = 16 * Number.EPSILON;
/** A central sum of squares below this fraction of its raw sum is rounding residue of a constant series. */
const ZERO_REL = 1e-12;

/**
 * The five diagnostics of the window of w rows ending at each row t ≥ w − 1 (NaN before, where a term or
 * y in the window is NaN, and where the window of y is constant). Residual-based values whose residuals
 * are all below rounding (an exact quadratic) are NaN; rmseImprovement is then 1, extrapolationConfidence 0.
 */
export function regressionDiagnostics(y: Float64Array, w: number, terms: QuadTerms, out: DiagnosticColumns): void {
  const n = y.length;
  const tq = T975.get(w - 3);
  if (tq === undefined) throw new RangeError(`no t-quantile for window ${w} (have W − 3 ∈ {${[...T975.keys()].join(', ')}})`);
  for (const col of [terms.quadTerm, terms.linTerm, terms.constTerm, ...Object.values(out)]) {
    if (col.length !== n) throw new RangeError('regressionDiagnostics: column length differs from input length');
  }
  const n1 = (w * (w * w - 1)) / 12;
  const n2 = (w * (w * w - 1) * (w * w - 4)) / 180;
  const u0 = (w + 1) / 2;
  const p2 = u0 * u0 - (w * w - 1) / 12;
  const predFactor = tq * Math.sqrt(1 + 1 / w + (u0 * u0) / n1 + (p2 * p2) / n2);
  const inv = 1 / (w - 1);
  const inv2 = inv * inv;
  const { rmseImprovement, extrapolationConfidence, residualAutocorrelation, heteroskedasticity, curvatureSignificance } = out;
  const setAll = (t: number, v: number) => {
    rmseImprovement[t] = v; extrapolationConfidence[t] = v; residualAutocorrelation[t] = v;
    heteroskedasticity[t] = v; curvatureSignificance[t] = v;
  };

  const { quadTerm, linTerm, constTerm } = terms;
  const sums = quadResidualSums(y, w, quadTerm, linTerm, constTerm);

  for (let t = 0; t < n; t++) {
    const q = quadTerm[t]!, l = linTerm[t]!, c = constTerm[t]!;
    if (t < w - 1 || !Number.isFinite(q + l + c)) {
      setAll(t, NaN); // not enough rows, or no fit (NaN in the window)
      continue;
    }
    const se2 = sums.sum(0, t), sac = sums.sum(1, t), sxe2 = sums.sum(2, t), se4 = sums.sum(3, t);
    const a = q * inv2;
    const beta1 = (q + l) * inv;
    const ssLin = se2 + a * a * n2;
    const ssTot = ssLin + beta1 * beta1 * n1;
    const scale = ROUNDING * (Math.abs(q) + Math.abs(l) + Math.abs(c));
    const floor = w * scale * scale;
    if (!(ssTot > floor)) {
      setAll(t, NaN); // constant window (or NaN in it)
      continue;
    }
    const exact = !(se2 > floor); // residuals at rounding level: the window is a quadratic
    rmseImprovement[t] = ssLin > floor ? 1 - Math.sqrt(exact ? 0 : se2 / ssLin) : NaN;
    if (exact) {
      extrapolationConfidence[t] = 0;
      residualAutocorrelation[t] = NaN;
      heteroskedasticity[t] = NaN;
      curvatureSignificance[t] = NaN;
      continue;
    }
    const s = Math.sqrt(se2 / (w - 3));
    extrapolationConfidence[t] = (predFactor * s) / Math.sqrt(ssTot / (w - 1));
    residualAutocorrelation[t] = sac / se2;
    const szz = se4 - (se2 * se2) / w;
    heteroskedasticity[t] = szz > ZERO_REL * se4 ? Math.min(1, (sxe2 * sxe2) / (n1 * szz)) : NaN;
    curvatureSignificance[t] = (a * Math.sqrt(n2)) / s;
  }
}
