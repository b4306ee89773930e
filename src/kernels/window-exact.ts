// Mean and population standard deviation of the last w values by a direct two-pass sum over each
// window: O(w) per row, but every value depends only on its own window's values — never on where the
// computation started. Used where results are compared or ranked (a percentile rank or an inside-the-
// band count flips on a last-bit difference that running sums, re-summed at start-dependent rows,
// can produce), so that a partition computed alone equals the continuous run bit for bit.

/** mean[t], std[t] over x[t−w+1 … t]; NaN for t < w − 1 or when the window holds a NaN. */
export function windowMeanStd(x: Float64Array, w: number, mean: Float64Array, std: Float64Array): void {
  const n = x.length;
  if (mean.length !== n || std.length !== n) throw new RangeError('output length must equal input length');
  if (!(w >= 1)) throw new RangeError(`window must be ≥ 1, got ${w}`);
  for (let t = 0; t < n; t++) {
    if (t < w - 1) { mean[t] = NaN; std[t] = NaN; continue; }
    let s = 0;
    for (let i = t - w + 1; i <= t; i++) s += x[i]!;
    const m = s / w;
    let ss = 0;
    for (let i = t - w + 1; i <= t; i++) { const d = x[i]! - m; ss += d * d; }
    mean[t] = m; // NaN propagates through both sums
    std[t] = Math.sqrt(ss / w);
  }
}
