// Masked rolling moments of one or two series: mean, std, z-score, covariance, correlation, beta and the
// z-score of the latest regression residual, over the *valid* rows of a positional window.
//
// Window conventions (differ from rolling.ts on purpose): the window of row t is rows t−w+1 … t and
// exists for t ≥ w − 1; a row is valid when its input(s) are finite; the statistic uses the valid rows
// only and is NaN when fewer than `minValid` rows are valid (minValid = w is the strict rule of
// rolling.ts). The cross families use minValid < w on the union grid, where a pair is briefly stale
// (no bar for > 5 minutes, e.g. at a week open) and would otherwise blank every window that touches it.
//
// Stability: the sums are kept of x − kx (and y − ky), with the shifts set to the window's mean at each
// exact re-summation (every w rows, anchored at row w − 1, so values at rows ≤ t never depend on rows
// > t; and at the next row when the mean has drifted from the shift by more than √DRIFT_LIMIT = 4 standard deviations). Central sums C = S2 − S1²/n then never subtract large, nearly equal numbers (idx ≈ 100 with
// 1e-4 moves, currency levels ≈ 0.3 with 1e-4 moves). A central sum below 1e-12 of its raw shifted sum
// is rounding residue of a constant window and is taken as exactly 0 (→ NaN correlation, std 0).
// Between re-summations the running sums are compensated (TwoSum, as in rolling.ts), so values that left
// the window — a level far from today's across a long gap — leave no rounding behind.

const ZERO_REL = 1e-12;
/** SSres / Cyy below which the residual z is recomputed directly from the window (see nearExactResidZ). */
const NEAR_EXACT = 1e-3;
/** Squared drift of the window mean from the shift, in variances, that triggers an early re-summation. */
const DRIFT_LIMIT = 16;

/** Output columns of rollingSeries; pass only those you need. */
export interface SeriesColumns {
  readonly mean?: Float64Array;
  /** Sample standard deviation (n − 1) of the valid rows. */
  readonly std?: Float64Array;
  /** (x_t − mean) / std; NaN when row t is not valid or std = 0. */
  readonly z?: Float64Array;
}

/** Output columns of rollingPair; pass only those you need. */
export interface PairColumns {
  /** Pearson correlation of x and y (NaN when either is constant over the window). */
  readonly corr?: Float64Array;
  /** Sample covariance (n − 1). */
  readonly cov?: Float64Array;
  /** OLS slope of y on x (with intercept) = cov(x, y) / var(x). */
  readonly beta?: Float64Array;
  /**
   * Residual of row t in that fit, e_t = (y_t − ȳ) − β (x_t − x̄), divided by the sample std (n − 1)
   * of the window's residuals (whose mean is 0); NaN when row t is not valid or the fit is exact.
   */
  readonly residZ?: Float64Array;
}

/** Masked rolling mean / std / z-score of x over the last w rows (see the file comment). */
export function rollingSeries(x: Float64Array, w: number, minValid: number, cols: SeriesColumns): void {
  masked(x, x, w, minValid, cols, {});
}

/** Masked rolling correlation / covariance / beta / residual z of (x, y) over the last w rows. */
export function rollingPair(x: Float64Array, y: Float64Array, w: number, minValid: number, cols: PairColumns): void {
  masked(x, y, w, minValid, {}, cols);
}

/**
 * One pass over the rows with running shifted sums. The state lives in local variables (this loop is the
 * hot path of the ci and cross stages): each sum s has its TwoSum error e beside it, updated as
 * r = s + v, e += (s − (r − (r − s))) + (v − (r − s)), s = r. A row leaves with v = −term, the exact
 * negation of the term it entered with. For one series (x === y) the y sums would duplicate x's term for
 * term, so only x's are kept and the y ones are read from them.
 */
function masked(x: Float64Array, y: Float64Array, w: number, minValid: number, one: SeriesColumns, two: PairColumns): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  if (!(minValid >= 1 && minValid <= w)) throw new RangeError(`minValid ${minValid} outside [1, ${w}]`);
  const n = x.length;
  checkOut(x, y);
  const { mean, std, z } = one;
  const { corr, cov, beta, residZ } = two;
  for (const c of [mean, std, z, corr, cov, beta, residZ]) if (c) checkOut(x, c);
  const paired = x !== y;
  const pairOut = corr !== undefined || cov !== undefined || beta !== undefined || residZ !== undefined;
  let kx = 0, ky = 0, cnt = 0;
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0; // Σ of the shifted terms a = x − kx, b = y − ky
  let ex = 0, ey = 0, exx = 0, eyy = 0, exy = 0; // their TwoSum rounding errors
  let resumIn = 0; // rows until the next exact re-summation (at t = w − 1, 2w − 1, …, or early on drift)
  let Sx = 0, Sy = 0, Sxx = 0, Syy = 0, Sxy = 0; // the compensated sums s + e
  let dx = 0, dy = 0, cxx = 0, cyy = 0; // window mean − shift, central sums Σ (v − mean)²
  for (let t = 0; t < n; t++) {
    if (t >= w - 1) {
      // Either the row t enters and the row t − w leaves, or an exact re-summation of the window around
      // its mean, which also follows a slide whose mean has drifted far from the shift (a level that has
      // left the window), so that C = S2 − S1²/n never loses more than log10(1 + DRIFT_LIMIT) digits.
      let resum = resumIn-- === 0;
      for (;;) {
        if (resum) {
          resumIn = w - 1;
          const lo = t - w + 1;
          let mx = 0, my = 0, m = 0;
          for (let i = lo; i <= t; i++) {
            const a = x[i]!, b = y[i]!;
            if (a - a === 0 && b - b === 0) { mx += a; my += b; m++; }
          }
          kx = m > 0 ? mx / m : 0;
          ky = m > 0 ? my / m : 0;
          cnt = sx = sy = sxx = syy = sxy = ex = ey = exx = eyy = exy = 0;
          for (let i = lo; i <= t; i++) {
            const a = x[i]! - kx, b = y[i]! - ky;
            if (!(a - a === 0 && b - b === 0)) continue;
            cnt++;
            let r = sx + a, bv = r - sx;
            ex += sx - (r - bv) + (a - bv); sx = r;
            const aa = a * a;
            r = sxx + aa; bv = r - sxx;
            exx += sxx - (r - bv) + (aa - bv); sxx = r;
            if (paired) {
              r = sy + b; bv = r - sy;
              ey += sy - (r - bv) + (b - bv); sy = r;
              const bb = b * b;
              r = syy + bb; bv = r - syy;
              eyy += syy - (r - bv) + (bb - bv); syy = r;
              const ab = a * b;
              r = sxy + ab; bv = r - sxy;
              exy += sxy - (r - bv) + (ab - bv); sxy = r;
            }
          }
        } else {
          // Entering row t.
          let a = x[t]! - kx, b = y[t]! - ky;
          if (a - a === 0 && b - b === 0) {
            cnt++;
            let r = sx + a, bv = r - sx;
            ex += sx - (r - bv) + (a - bv); sx = r;
            const aa = a * a;
            r = sxx + aa; bv = r - sxx;
            exx += sxx - (r - bv) + (aa - bv); sxx = r;
            if (paired) {
              r = sy + b; bv = r - sy;
              ey += sy - (r - bv) + (b - bv); sy = r;
              const bb = b * b;
              r = syy + bb; bv = r - syy;
              eyy += syy - (r - bv) + (bb - bv); syy = r;
              const ab = a * b;
              r = sxy + ab; bv = r - sxy;
              exy += sxy - (r - bv) + (ab - bv); sxy = r;
            }
          }
          // Leaving row t − w (t ≥ w here: row w − 1 always re-sums).
          a = x[t - w]! - kx; b = y[t - w]! - ky;
          if (a - a === 0 && b - b === 0) {
            cnt--;
            let v = -a, r = sx + v, bv = r - sx;
            ex += sx - (r - bv) + (v - bv); sx = r;
            v = -(a * a); r = sxx + v; bv = r - sxx;
            exx += sxx - (r - bv) + (v - bv); sxx = r;
            if (paired) {
              v = -b; r = sy + v; bv = r - sy;
              ey += sy - (r - bv) + (v - bv); sy = r;
              v = -(b * b); r = syy + v; bv = r - syy;
              eyy += syy - (r - bv) + (v - bv); syy = r;
              v = -(a * b); r = sxy + v; bv = r - sxy;
              exy += sxy - (r - bv) + (v - bv); sxy = r;
            }
          }
        }
        Sx = sx + ex; Sxx = sxx + exx;
        dx = Sx / cnt;
        cxx = central(Sxx, Sx, cnt);
        if (paired) {
          Sy = sy + ey; Syy = syy + eyy; Sxy = sxy + exy;
          dy = Sy / cnt;
          cyy = central(Syy, Sy, cnt);
        } else {
          Sy = Sx; Syy = Sxx; Sxy = Sxx; dy = dx; cyy = cxx;
        }
        // Drift: the window mean more than √DRIFT_LIMIT standard deviations from the shift, in x or y.
        if (resum || cnt < 2 || !((cxx > 0 && dx * dx > (DRIFT_LIMIT * cxx) / cnt) || (cyy > 0 && dy * dy > (DRIFT_LIMIT * cyy) / cnt))) break;
        resum = true;
      }
    }
    if (t < w - 1 || cnt < minValid) {
      if (mean) mean[t] = NaN;
      if (std) std[t] = NaN;
      if (z) z[t] = NaN;
      if (corr) corr[t] = NaN;
      if (cov) cov[t] = NaN;
      if (beta) beta[t] = NaN;
      if (residZ) residZ[t] = NaN;
      continue;
    }
    if (mean) mean[t] = kx + dx;
    if (std || z) {
      const sd = cnt > 1 ? Math.sqrt(cxx / (cnt - 1)) : NaN;
      if (std) std[t] = sd;
      if (z) z[t] = sd > 0 ? (x[t]! - kx - dx) / sd : NaN;
    }
    if (pairOut) {
      const cxy = Sxy - Sx * dy;
      const two = cnt > 1;
      if (corr) corr[t] = two && cxx > 0 && cyy > 0 ? clamp1(cxy / Math.sqrt(cxx * cyy)) : NaN;
      if (cov) cov[t] = two ? cxy / (cnt - 1) : NaN;
      const b = two && cxx > 0 ? cxy / cxx : NaN;
      if (beta) beta[t] = b;
      if (residZ) {
        const ssRes = cyy - b * cxy;
        if (ssRes > ZERO_REL * Syy && ssRes < NEAR_EXACT * cyy) {
          // A near-exact fit (one outlier, e.g. the return across a long gap, dominating both series):
          // SSres = Cyy − β·Cxy cancels; recompute it from the window's own centred values.
          residZ[t] = nearExactResidZ(x, y, t - w + 1, t);
        } else {
          const e = y[t]! - ky - dy - b * (x[t]! - kx - dx);
          residZ[t] = ssRes > ZERO_REL * Syy ? e / Math.sqrt(ssRes / (cnt - 1)) : NaN;
        }
      }
    }
  }
}

/**
 * The residual z of row hi by a direct two-pass fit over the valid rows of [lo, hi]: every value depends
 * only on the window, and the residuals are summed directly instead of as the difference Cyy − β·Cxy.
 */
function nearExactResidZ(x: Float64Array, y: Float64Array, lo: number, hi: number): number {
  let m = 0, mx = 0, my = 0;
  for (let i = lo; i <= hi; i++) {
    const a = x[i]!, b = y[i]!;
    if (a - a === 0 && b - b === 0) { mx += a; my += b; m++; }
  }
  mx /= m; my /= m;
  let cxx = 0, cxy = 0;
  for (let i = lo; i <= hi; i++) {
    const a = x[i]! - mx, b = y[i]! - my;
    if (a - a === 0 && b - b === 0) { cxx += a * a; cxy += a * b; }
  }
  const beta = cxy / cxx;
  let ss = 0;
  for (let i = lo; i <= hi; i++) {
    const e = y[i]! - my - beta * (x[i]! - mx);
    if (e - e === 0) ss += e * e;
  }
  const e = y[hi]! - my - beta * (x[hi]! - mx);
  return ss > 0 ? e / Math.sqrt(ss / (m - 1)) : NaN;
}

/** Σ (v − mean)² from shifted sums, with constant-window rounding residue mapped to exactly 0. */
function central(s2: number, s1: number, n: number): number {
  const c = s2 - (s1 * s1) / n;
  return c > ZERO_REL * s2 ? c : 0;
}

function clamp1(v: number): number {
  return v > 1 ? 1 : v < -1 ? -1 : v;
}

function checkOut(x: Float64Array, out: Float64Array): void {
  if (out.length !== x.length) throw new RangeError(`output length ${out.length} ≠ input length ${x.length}`);
}
