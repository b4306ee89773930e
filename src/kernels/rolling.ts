// Rolling sums and moments over positional windows (FEATURES.md §0: "over W" = the last W rows
// including row t). Pure kernels on Float64Array: O(1) per row, no allocation per row, results written
// into caller-provided arrays of the input's length.
//
// Shared conventions of every rolling kernel in kernels/ (rolling.ts, rolling-extrema.ts):
// - out[t] = NaN for t < w − 1 (not enough rows) and wherever the window x[t−w+1 … t] holds a NaN.
// - A window whose w values are all equal is detected exactly (run length of equal values ≥ w): its
//   sum is w·c, mean c, variance exactly 0 — running sums never leave rounding residue there.
// - Running sums are re-summed exactly every w rows (anchored at the first full window, so the
//   values at rows ≤ t never depend on rows > t: computing on a prefix gives identical values).
// Min/max and their ages: rolling-extrema.ts; lags, differences and log returns: lag.ts.

/** Window sum: a running sum with Neumaier compensation (values leaving the window leave no rounding
 * residue behind, e.g. after a spike), re-summed exactly every w rows. Integer inputs below 2^53 (tick
 * volumes) give exact sums; a window of w zeros gives exactly 0. */
export function rollingSum(x: Float64Array, w: number, out: Float64Array): void {
  runningSum(x, w, out, false);
}

/** Window mean = window sum / w (a constant window gives exactly its value). */
export function rollingMean(x: Float64Array, w: number, out: Float64Array): void {
  runningSum(x, w, out, true);
}

function runningSum(x: Float64Array, w: number, out: Float64Array, asMean: boolean): void {
  checkArgs(x, w, out);
  const n = x.length;
  let sum = 0;
  let comp = 0; // Neumaier compensation: the rounding lost by `sum` so far
  let nans = 0; // NaNs inside the current window
  let run = 0; // length of the run of equal values ending at t
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    run = t > 0 && v === x[t - 1] ? run + 1 : 1;
    if (v !== v) nans++;
    if (t >= w && x[t - w]! !== x[t - w]!) nans--;
    if (t < w - 1) continue;
    if ((t - (w - 1)) % w === 0) {
      sum = comp = 0;
      for (let i = t - w + 1; i <= t; i++) {
        const a = x[i]!;
        if (a !== a) continue;
        const s = sum + a;
        comp += Math.abs(sum) >= Math.abs(a) ? sum - s + a : a - s + sum;
        sum = s;
      }
    } else {
      for (let j = 0; j < 2; j++) {
        const a = j === 0 ? v : -x[t - w]!;
        if (a !== a) continue;
        const s = sum + a;
        comp += Math.abs(sum) >= Math.abs(a) ? sum - s + a : a - s + sum;
        sum = s;
      }
    }
    const total = sum + comp;
    out[t] = nans > 0 ? NaN : asMean ? (run >= w ? v : total / w) : run >= w ? v * w : total;
  }
  fillNaN(out, 0, Math.min(w - 1, n));
}

/** Squared drift of the window mean from the shift, in variances, that triggers an early re-summation. */
const DRIFT_LIMIT = 16;

/** Outputs of rollingMoments; only the requested columns are written. */
export interface MomentColumns {
  /** Window mean. */
  readonly mean?: Float64Array;
  /** Variance Σ(x − mean)² / (w − ddof). */
  readonly variance?: Float64Array;
  /** Standard deviation sqrt(variance). */
  readonly std?: Float64Array;
  /** Population skewness m3 / m2^1.5 (NaN when m2 = 0). */
  readonly skew?: Float64Array;
  /** Population excess kurtosis m4 / m2² − 3 (NaN when m2 = 0). */
  readonly kurt?: Float64Array;
}

/**
 * Rolling mean, variance/std (ddof 1 = sample, 0 = population) and population skew/kurtosis of the
 * last w rows, numerically stable at any level: power sums S_p = Σ (x − K)^p are kept around a shift K
 * set to the exact window mean at each re-summation (every w rows, and early when the mean drifts far
 * from K relative to the window's spread — rare: amortised O(1) per row on market series), so the central moments
 * m2 = S2/w − d², m3 = S3/w − 3d·S2/w + 2d³, m4 = S4/w − 4d·S3/w + 6d²·S2/w − 3d⁴ (d = S1/w) never
 * subtract large nearly equal numbers (idx ≈ 100 with 1e-4 relative moves, or B ≈ 1e-3, alike).
 * A constant window gives variance 0 and NaN skew/kurt. Needs w ≥ 1 + ddof.
 */
export function rollingMoments(x: Float64Array, w: number, cols: MomentColumns, ddof: 0 | 1 = 1): void {
  const n = x.length;
  for (const c of [cols.mean, cols.variance, cols.std, cols.skew, cols.kurt]) if (c) checkArgs(x, w, c);
  if (w < 1 + ddof) throw new RangeError(`window ${w} too short for ddof ${ddof}`);
  const { mean, variance, std, skew, kurt } = cols;
  const high = skew !== undefined || kurt !== undefined; // need S3, S4
  let k = 0;
  // Power sums S1 … S4 of a = x − k and their rounding errors by Knuth's TwoSum (TAOCP vol. 2 §4.2.2;
  // Ogita, Rump & Oishi, SIAM J. Sci. Comput. 26(6), 2005), in locals (the hot loop of the base and
  // cross stages): r = s + v, e += (s − (r − (r − s))) + (v − (r − s)), s = r. A row's terms are
  // computed identically when it enters and when it leaves, so the window's sums stay exact to about one
  // rounding of their current value however large the values that have left (a level before a long gap).
  let s1 = 0, s2 = 0, s3 = 0, s4 = 0, e1 = 0, e2 = 0, e3 = 0, e4 = 0;
  let nans = 0;
  let run = 0;
  let due = false; // exact re-summation pending
  for (let t = 0; t < n; t++) {
    const v = x[t]!;
    run = t > 0 && v === x[t - 1] ? run + 1 : 1;
    if (v !== v) nans++;
    if (t >= w && x[t - w]! !== x[t - w]!) nans--;
    if (t < w - 1) continue;
    if ((t - (w - 1)) % w === 0) due = true;
    // Slide (row t enters, row t − w leaves) unless a re-summation is pending; re-sum around the window
    // mean when due and the window is usable, or early when the mean has drifted from the shift by more
    // than √DRIFT_LIMIT standard deviations (the power sums would then lose about log10(DRIFT_LIMIT²)
    // digits of m4 to cancellation).
    let resum = due && nans === 0 && run < w;
    for (;;) {
      if (resum) {
        let m = 0;
        for (let i = t - w + 1; i <= t; i++) m += x[i]!;
        k = m / w;
        s1 = s2 = s3 = s4 = e1 = e2 = e3 = e4 = 0;
      }
      const updates = resum ? w : due ? 0 : 2;
      for (let j = 0; j < updates; j++) {
        const a = (resum ? x[t - w + 1 + j]! : j === 0 ? v : x[t - w]!) - k;
        if (a !== a) continue; // the caller counts NaNs in the window
        const sign = resum || j === 0 ? 1 : -1;
        const sq = a * a;
        let u = sign * a, r = s1 + u, bv = r - s1;
        e1 += s1 - (r - bv) + (u - bv); s1 = r;
        u = sign * sq; r = s2 + u; bv = r - s2;
        e2 += s2 - (r - bv) + (u - bv); s2 = r;
        if (!high) continue;
        u = sign * (sq * a); r = s3 + u; bv = r - s3;
        e3 += s3 - (r - bv) + (u - bv); s3 = r;
        u = sign * (sq * sq); r = s4 + u; bv = r - s4;
        e4 += s4 - (r - bv) + (u - bv); s4 = r;
      }
      if (resum || due || nans > 0 || run >= w) break;
      const d = (s1 + e1) / w;
      if (!(d * d > DRIFT_LIMIT * ((s2 + e2) / w - d * d))) break;
      resum = true;
    }
    if (resum) due = false;
    if (nans > 0) {
      due = true; // re-sum at the next complete window
      writeAll(cols, t, NaN, NaN, NaN, NaN);
      continue;
    }
    if (run >= w) {
      writeAll(cols, t, v, 0, NaN, NaN);
      continue;
    }
    const d = (s1 + e1) / w;
    const p2 = (s2 + e2) / w;
    let m2 = p2 - d * d;
    if (m2 < 0) m2 = 0; // rounding only (the window is not constant)
    if (mean) mean[t] = k + d;
    if (variance || std) {
      const vr = (m2 * w) / (w - ddof);
      if (variance) variance[t] = vr;
      if (std) std[t] = Math.sqrt(vr);
    }
    if (high) {
      const p3 = (s3 + e3) / w;
      const dd = d * d;
      if (skew) {
        const m3 = p3 - 3 * d * p2 + 2 * dd * d;
        skew[t] = m2 > 0 ? m3 / (m2 * Math.sqrt(m2)) : NaN;
      }
      if (kurt) {
        const m4 = (s4 + e4) / w - 4 * d * p3 + 6 * dd * p2 - 3 * dd * dd;
        kurt[t] = m2 > 0 ? m4 / (m2 * m2) - 3 : NaN;
      }
    }
  }
  const head = Math.min(w - 1, n);
  for (const c of [mean, variance, std, skew, kurt]) if (c) fillNaN(c, 0, head);
}

/** Rolling variance with ddof (1 = sample, 0 = population); see rollingMoments. */
export function rollingVar(x: Float64Array, w: number, ddof: 0 | 1, out: Float64Array): void {
  rollingMoments(x, w, { variance: out }, ddof);
}

/** Rolling standard deviation with ddof (1 = sample, 0 = population); see rollingMoments. */
export function rollingStd(x: Float64Array, w: number, ddof: 0 | 1, out: Float64Array): void {
  rollingMoments(x, w, { std: out }, ddof);
}

function writeAll(c: MomentColumns, t: number, mean: number, vr: number, skew: number, kurt: number): void {
  if (c.mean) c.mean[t] = mean;
  if (c.variance) c.variance[t] = vr;
  if (c.std) c.std[t] = Math.sqrt(vr);
  if (c.skew) c.skew[t] = skew;
  if (c.kurt) c.kurt[t] = kurt;
}

/** Throws unless w is a positive integer and out has x's length. */
export function checkArgs(x: Float64Array, w: number, out: Float64Array): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  if (out.length !== x.length) throw new RangeError(`output length ${out.length} ≠ input length ${x.length}`);
}

/** Sets out[from … to−1] to NaN. */
export function fillNaN(out: Float64Array, from: number, to: number): void {
  for (let t = from; t < to; t++) out[t] = NaN;
}
