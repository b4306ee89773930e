// The masked rolling moments of src/kernels/corr.ts as they were before the kernel was restructured for
// speed (one pass, every sum kept for x and y, drift re-checked from scratch each row): frozen here so a
// test can require the new kernel to reproduce it bit for bit. Not a definition oracle (test/cross/
// kernels.test.ts has the two-pass one); a record of the exact numerics the lake files were written with.
import type { PairColumns, SeriesColumns } from '../../src/kernels/corr.ts';

const ZERO_REL = 1e-12;
const NEAR_EXACT = 1e-3;
const DRIFT_LIMIT = 16;

/**
 * One pass over the rows with running shifted sums. For one series x === y and the y sums duplicate x's.
 * The state lives in local variables (this loop is the hot path of the ci and cross stages): each sum s
 * has its TwoSum error e beside it, updated as r = s + a, e += (s − (r − (r − s))) + (a − (r − s)), s = r.
 */
export function referenceMasked(x: Float64Array, y: Float64Array, w: number, minValid: number, one: SeriesColumns, two: PairColumns): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  if (!(minValid >= 1 && minValid <= w)) throw new RangeError(`minValid ${minValid} outside [1, ${w}]`);
  const n = x.length;
  checkOut(x, y);
  const { mean, std, z } = one;
  const { corr, cov, beta, residZ } = two;
  for (const c of [mean, std, z, corr, cov, beta, residZ]) if (c) checkOut(x, c);
  const paired = x !== y;
  let kx = 0, ky = 0, cnt = 0;
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0; // Σ of the shifted terms a = x − kx, b = y − ky
  let ex = 0, ey = 0, exx = 0, eyy = 0, exy = 0; // their TwoSum rounding errors
  let resumIn = 0; // rows until the next exact re-summation (at t = w − 1, 2w − 1, …, or early on drift)
  for (let t = 0; t < n; t++) {
    if (t >= w - 1) {
      // Either the row t enters and the row t − w leaves (2 updates), or an exact re-summation of the
      // window around its mean (w updates), which also follows a slide whose mean has drifted far from
      // the shift (a level that has left the window), so that C = S2 − S1²/n never loses more than
      // log10(1 + DRIFT_LIMIT) digits to cancellation.
      let resum = resumIn-- === 0;
      for (;;) {
        if (resum) {
          resumIn = w - 1;
          let mx = 0, my = 0, m = 0;
          for (let i = t - w + 1; i <= t; i++) {
            const a = x[i]!, b = y[i]!;
            if (a - a === 0 && b - b === 0) { mx += a; my += b; m++; }
          }
          kx = m > 0 ? mx / m : 0;
          ky = m > 0 ? my / m : 0;
          cnt = sx = sy = sxx = syy = sxy = ex = ey = exx = eyy = exy = 0;
        }
        const updates = resum ? w : 2;
        for (let k = 0; k < updates; k++) {
          // A row's terms are computed identically when it enters and when it leaves.
          const i = resum ? t - w + 1 + k : k === 0 ? t : t - w;
          const sign = resum || k === 0 ? 1 : -1;
          const a = x[i]! - kx, b = y[i]! - ky;
          if (!(a - a === 0 && b - b === 0)) continue;
          cnt += sign;
          let v = sign * a, r = sx + v, bv = r - sx;
          ex += sx - (r - bv) + (v - bv); sx = r;
          v = sign * b; r = sy + v; bv = r - sy;
          ey += sy - (r - bv) + (v - bv); sy = r;
          v = sign * (a * a); r = sxx + v; bv = r - sxx;
          exx += sxx - (r - bv) + (v - bv); sxx = r;
          v = sign * (b * b); r = syy + v; bv = r - syy;
          eyy += syy - (r - bv) + (v - bv); syy = r;
          v = sign * (a * b); r = sxy + v; bv = r - sxy;
          exy += sxy - (r - bv) + (v - bv); sxy = r;
        }
        if (resum || !(drifted(cnt, sx + ex, sxx + exx) || (paired && drifted(cnt, sy + ey, syy + eyy)))) break;
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
    const Sx = sx + ex, Sy = sy + ey, Sxx = sxx + exx, Syy = syy + eyy, Sxy = sxy + exy;
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

/** Whether the window mean (s1 / cnt) has moved more than √DRIFT_LIMIT standard deviations from the shift. */
function drifted(cnt: number, s1: number, s2: number): boolean {
  if (cnt < 2) return false;
  const d = s1 / cnt;
  const c = central(s2, s1, cnt);
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
