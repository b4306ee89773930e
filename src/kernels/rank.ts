// Rolling percentile rank: where the current value stands among the last w values (including itself).
// O(log n) per row: the series' distinct values are ranked once (sort), and a Fenwick tree of counts over
// those ranks holds the window; comparisons only, so the result is exact and independent of where the
// series starts.

/**
 * out[t] = (#{j in window: x_j < x_t} + (#{j: x_j = x_t} − 1) / 2) / (w − 1): the average rank of x_t
 * among the last w values mapped to [0, 1] (0 = the smallest, 1 = the largest, ties share the mean of
 * their ranks). NaN for t < w − 1 and while the window holds a NaN. Needs w ≥ 2.
 */
export function rollingPercentileRank(x: Float64Array, w: number, out: Float64Array): void {
  if (!(Number.isInteger(w) && w >= 2)) throw new RangeError(`window must be an integer ≥ 2, got ${w}`);
  const n = x.length;
  if (out.length !== n) throw new RangeError('rollingPercentileRank: output length differs from input length');
  const { rank, distinct } = denseRanks(x);
  const tree = new Int32Array(distinct + 1); // Fenwick tree, 1-based
  const add = (i: number, v: number) => {
    for (let j = i + 1; j <= distinct; j += j & -j) tree[j]! += v;
  };
  const below = (i: number) => { // count of window values with rank < i
    let s = 0;
    for (let j = i; j > 0; j -= j & -j) s += tree[j]!;
    return s;
  };
  let lastNaN = -1;
  for (let t = 0; t < n; t++) {
    const r = rank[t]!;
    if (r < 0) lastNaN = t;
    else add(r, 1);
    if (t >= w) {
      const old = rank[t - w]!;
      if (old >= 0) add(old, -1);
    }
    if (t < w - 1 || t - lastNaN < w) {
      out[t] = NaN;
      continue;
    }
    const less = below(r);
    const equal = below(r + 1) - less;
    out[t] = (less + (equal - 1) / 2) / (w - 1);
  }
}

/** Dense ranks 0 … distinct−1 of the finite values of x (−1 for non-finite values). */
function denseRanks(x: Float64Array): { rank: Int32Array; distinct: number } {
  const finite = x.filter((v) => Number.isFinite(v)).sort();
  let distinct = 0;
  for (let i = 0; i < finite.length; i++) if (i === 0 || finite[i] !== finite[i - 1]) finite[distinct++] = finite[i]!;
  const values = finite.subarray(0, distinct);
  const rank = new Int32Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const v = x[t]!;
    if (!Number.isFinite(v)) {
      rank[t] = -1;
      continue;
    }
    let lo = 0, hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    rank[t] = lo;
  }
  return { rank, distinct };
}
