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
// > t). Central sums C = S2 − S1²/n then never subtract large, nearly equal numbers (idx ≈ 100 with
// 1e-4 moves, currency levels ≈ 0.3 with 1e-4 moves). A central sum below 1e-12 of its raw shifted sum
// is rounding residue of a constant window and is taken as exactly 0 (→ NaN correlation, std 0).

const ZERO_REL = 1e-12;

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
 * One pass over the rows with running shifted sums (locals, so the loop stays monomorphic and fast).
 * For one series x === y and the y sums duplicate the x sums.
 */
function masked(x: Float64Array, y: Float64Array, w: number, minValid: number, one: SeriesColumns, two: PairColumns): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  if (!(minValid >= 1 && minValid <= w)) throw new RangeError(`minValid ${minValid} outside [1, ${w}]`);
  const n = x.length;
  checkOut(x, y);
  const { mean, std, z } = one;
  const { corr, cov, beta, residZ } = two;
  for (const c of [mean, std, z, corr, cov, beta, residZ]) if (c) checkOut(x, c);
  let cnt = 0, kx = 0, ky = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  let resumIn = 0; // rows until the next exact re-summation (at t = w − 1, 2w − 1, …)
  for (let t = 0; t < n; t++) {
    if (t >= w - 1) {
      if (resumIn-- === 0) {
        resumIn = w - 1;
        // Exact re-summation over the window, shifted to its mean (two passes).
        let mx = 0, my = 0, m = 0;
        for (let i = t - w + 1; i <= t; i++) {
          const a = x[i]!, b = y[i]!;
          if (a - a === 0 && b - b === 0) { mx += a; my += b; m++; }
        }
        kx = m > 0 ? mx / m : 0;
        ky = m > 0 ? my / m : 0;
        cnt = 0; sx = sy = sxx = syy = sxy = 0;
        for (let i = t - w + 1; i <= t; i++) {
          const a = x[i]! - kx, b = y[i]! - ky;
          if (a - a === 0 && b - b === 0) { cnt++; sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b; }
        }
      } else {
        const a = x[t]! - kx, b = y[t]! - ky;
        if (a - a === 0 && b - b === 0) { cnt++; sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b; }
        const c = x[t - w]! - kx, d = y[t - w]! - ky;
        if (c - c === 0 && d - d === 0) { cnt--; sx -= c; sy -= d; sxx -= c * c; syy -= d * d; sxy -= c * d; }
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
    const dx = sx / cnt, dy = sy / cnt;
    const cxx = central(sxx, sx, cnt);
    if (mean) mean[t] = kx + dx;
    if (std || z) {
      const sd = cnt > 1 ? Math.sqrt(cxx / (cnt - 1)) : NaN;
      if (std) std[t] = sd;
      if (z) z[t] = sd > 0 ? (x[t]! - kx - dx) / sd : NaN;
    }
    if (corr || cov || beta || residZ) {
      const cyy = central(syy, sy, cnt);
      const cxy = sxy - sx * dy;
      const two = cnt > 1;
      if (corr) corr[t] = two && cxx > 0 && cyy > 0 ? clamp1(cxy / Math.sqrt(cxx * cyy)) : NaN;
      if (cov) cov[t] = two ? cxy / (cnt - 1) : NaN;
      const b = two && cxx > 0 ? cxy / cxx : NaN;
      if (beta) beta[t] = b;
      if (residZ) {
        const ssRes = cyy - b * cxy;
        const e = y[t]! - ky - dy - b * (x[t]! - kx - dx);
        residZ[t] = ssRes > ZERO_REL * syy ? e / Math.sqrt(ssRes / (cnt - 1)) : NaN;
      }
    }
  }
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
