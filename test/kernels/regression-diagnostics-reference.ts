// regressionDiagnostics of src/kernels/regression-diagnostics.ts as it was before it was restructured for
// speed (one direct O(W) residual loop per row, i·inv and i − m formed in the loop): frozen here so a test can
// require the new kernel to reproduce it bit for bit. Not a definition oracle (test/kernels/erm.test.ts has
// the numpy OLS one); a record of the exact numerics the lake files were written with.
import { T975, type DiagnosticColumns, type QuadTerms } from '../../src/kernels/regression-diagnostics.ts';

/** Residual sums below W·(ROUNDING·scale)², scale = |a(W−1)²| + |b(W−1)| + |c|, are rounding noise of ŷ. */
const ROUNDING = 16 * Number.EPSILON;
/** A central sum of squares below this fraction of its raw sum is rounding residue of a constant series. */
const ZERO_REL = 1e-12;

/**
 * The five diagnostics of the window of w rows ending at each row t ≥ w − 1 (NaN before, where a term or
 * y in the window is NaN, and where the window of y is constant). Residual-based values whose residuals
 * are all below rounding (an exact quadratic) are NaN; rmseImprovement is then 1, extrapolationConfidence 0.
 */
export function referenceDiagnostics(y: Float64Array, w: number, terms: QuadTerms, out: DiagnosticColumns): void {
  const n = y.length;
  const tq = T975.get(w - 3);
  if (tq === undefined) throw new RangeError(`no t-quantile for window ${w} (have W − 3 ∈ {${[...T975.keys()].join(', ')}})`);
  for (const col of [terms.quadTerm, terms.linTerm, terms.constTerm, ...Object.values(out)]) {
    if (col.length !== n) throw new RangeError('regressionDiagnostics: column length differs from input length');
  }
  const m = (w - 1) / 2;
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

  for (let t = 0; t < n; t++) {
    const q = terms.quadTerm[t]!, l = terms.linTerm[t]!, c = terms.constTerm[t]!;
    if (t < w - 1 || !Number.isFinite(q + l + c)) {
      setAll(t, NaN); // not enough rows, or no fit (NaN in the window)
      continue;
    }
    const first = t - w + 1;
    let se2 = 0, sac = 0, sxe2 = 0, se4 = 0, prev = 0;
    for (let i = 0; i < w; i++) {
      const u = i * inv;
      const e = y[first + i]! - ((q * u + l) * u + c);
      const e2 = e * e;
      se2 += e2;
      sac += e * prev;
      sxe2 += (i - m) * e2;
      se4 += e2 * e2;
      prev = e;
    }
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
