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
// > t; and at the next row when the mean has drifted from the shift by more than 8 standard deviations). Central sums C = S2 − S1²/n then never subtract large, nearly equal numbers (idx ≈ 100 with
// 1e-4 moves, currency levels ≈ 0.3 with 1e-4 moves). A central sum below 1e-12 of its raw shifted sum
// is rounding residue of a constant window and is taken as exactly 0 (→ NaN correlation, std 0).
// Between re-summations the running sums are compensated (TwoSum, compensated.ts), so values that left
// the window — a level far from today's across a long gap — leave no rounding behind.

import { twoSumError } from './compensated.ts';

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

// Layout of the running state (one Float64Array, so re-summation and row updates share code).
const KX = 0, KY = 1, CNT = 2, SX = 3, SY = 4, SXX = 5, SYY = 6, SXY = 7, ERR = 5; // ERR: offset of a sum's error

/** One pass over the rows with running shifted sums. For one series x === y and the y sums duplicate x's. */
function masked(x: Float64Array, y: Float64Array, w: number, minValid: number, one: SeriesColumns, two: PairColumns): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  if (!(minValid >= 1 && minValid <= w)) throw new RangeError(`minValid ${minValid} outside [1, ${w}]`);
  const n = x.length;
  checkOut(x, y);
  const { mean, std, z } = one;
  const { corr, cov, beta, residZ } = two;
  for (const c of [mean, std, z, corr, cov, beta, residZ]) if (c) checkOut(x, c);
  const st = new Float64Array(SXY + ERR + 1);
  let resumIn = 0; // rows until the next exact re-summation (at t = w − 1, 2w − 1, …, or early on drift)
  for (let t = 0; t < n; t++) {
    if (t >= w - 1) {
      if (resumIn-- === 0) {
        resumIn = w - 1;
        resum(x, y, t - w + 1, t, st);
      } else {
        addRow(st, x[t]!, y[t]!, 1);
        addRow(st, x[t - w]!, y[t - w]!, -1);
        // The mean has drifted far from the shift (a level that has left the window): re-sum now, so
        // that C = S2 − S1²/n never loses more than log10(1 + DRIFT_LIMIT) digits to cancellation.
        if (drifted(st, SX, SXX) || (x !== y && drifted(st, SY, SYY))) {
          resumIn = w - 1;
          resum(x, y, t - w + 1, t, st);
        }
      }
    }
    const cnt = st[CNT]!;
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
    const kx = st[KX]!, ky = st[KY]!;
    const Sx = sum(st, SX), Sy = sum(st, SY), Sxx = sum(st, SXX), Syy = sum(st, SYY), Sxy = sum(st, SXY);
    const dx = Sx / cnt, dy = Sy / cnt;
    const cxx = central(Sxx, Sx, cnt);
    if (mean) mean[t] = kx + dx;
    if (std || z) {
      const sd = cnt > 1 ? Math.sqrt(cxx / (cnt - 1)) : NaN;
      if (std) std[t] = sd;
      if (z) z[t] = sd > 0 ? (x[t]! - kx - dx) / sd : NaN;
    }
    if (corr || cov || beta || residZ) {
      const cyy = central(Syy, Sy, cnt);
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

/** Exact re-summation of rows [lo, hi], shifted to the mean of their valid rows (two passes). */
function resum(x: Float64Array, y: Float64Array, lo: number, hi: number, st: Float64Array): void {
  let mx = 0, my = 0, m = 0;
  for (let i = lo; i <= hi; i++) {
    const a = x[i]!, b = y[i]!;
    if (a - a === 0 && b - b === 0) { mx += a; my += b; m++; }
  }
  st.fill(0);
  st[KX] = m > 0 ? mx / m : 0;
  st[KY] = m > 0 ? my / m : 0;
  for (let i = lo; i <= hi; i++) addRow(st, x[i]!, y[i]!, 1);
}

/**
 * Adds (sign 1) or removes (sign −1) a row's shifted terms when both values are finite. A row's terms are
 * computed identically when it enters and when it leaves, and each addition's exact rounding error
 * (TwoSum) is summed beside its sum, so the sums stay exact to about one rounding of their current value
 * however large the values that have left the window (a level far from today's, before a long gap).
 */
function addRow(st: Float64Array, xi: number, yi: number, sign: 1 | -1): void {
  const a = xi - st[KX]!, b = yi - st[KY]!;
  if (!(a - a === 0 && b - b === 0)) return;
  st[CNT] += sign;
  addTerm(st, SX, sign * a);
  addTerm(st, SY, sign * b);
  addTerm(st, SXX, sign * (a * a));
  addTerm(st, SYY, sign * (b * b));
  addTerm(st, SXY, sign * (a * b));
}

function addTerm(st: Float64Array, i: number, a: number): void {
  const s = st[i]!, r = s + a;
  st[i + ERR] += twoSumError(s, a, r);
  st[i] = r;
}

/** A compensated running sum. */
function sum(st: Float64Array, i: number): number {
  return st[i]! + st[i + ERR]!;
}

/** Whether the window mean has moved more than √DRIFT_LIMIT standard deviations from the shift. */
function drifted(st: Float64Array, s1: number, s2: number): boolean {
  const cnt = st[CNT]!;
  if (cnt < 2) return false;
  const d = sum(st, s1) / cnt;
  const c = central(sum(st, s2), sum(st, s1), cnt);
  return c > 0 && d * d > (DRIFT_LIMIT * c) / cnt;
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
