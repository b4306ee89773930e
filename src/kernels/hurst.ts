// Rolling rescaled-range (R/S) Hurst exponent of the increments x_i = y_i − y_{i−1} of a level series y
// (Hurst 1951; Mandelbrot & Wallis 1969), FEATURES.md §6. Over the last w increments, for each chunk size
// n the window is cut into w/n consecutive chunks ending at row t; a chunk's R/S = (max_k Y_k − min_k Y_k)/S,
// with Y_k = Σ_{i ≤ k} (x_i − m) the cumulative deviations from the chunk mean m (Y_n = 0, so the range
// includes 0) and S the population standard deviation of the chunk. The estimate is the OLS slope of
// ln(mean R/S over the chunks) on ln n, clamped to [0, 1].
//
// Cost: the increments telescope, so for the chunk x_{r−n+1 … r}, m = (y_r − y_{r−n})/n and
// Y_k = (y_k − y_{r−n}) − (k − r + n)·m: one pass of n levels gives R, and S comes from rolling moments
// (rolling.ts, O(1)). Each chunk's R/S is computed once per (size, end row) — O(Σ n) per row at worst;
// the pass skips 16-row blocks whose max/min of y prove they hold neither extreme, after trying the rows
// of the previous chunk's extremes first (≈ 2.5× fewer rows read for n = 240, same result bit for bit) —
// and every window averages the w/n values ending at t, t − n, ….

import { rollingVar } from './rolling.ts';

/**
 * Writes R/S of the n increments ending at row r into out[r]; NaN if one is NaN, if S = 0, or r < n.
 * Rows r < from are left NaN unscanned: each chunk's range is exact (it never depends on earlier chunks),
 * and S comes from the rolling variance over every row, so the rows from `from` on are unchanged.
 */
export function rollingRescaledRange(y: Float64Array, n: number, out: Float64Array, from = 0): void {
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`chunk size must be an integer ≥ 2, got ${n}`);
  const len = y.length;
  if (out.length !== len) throw new RangeError('rollingRescaledRange: output length differs from input length');
  const x = new Float64Array(len);
  x[0] = NaN;
  for (let i = 1; i < len; i++) x[i] = y[i]! - y[i - 1]!;
  const variance = out; // the population variance of each chunk, turned into R/S in place
  rollingVar(x, n, 0, variance);
  const { blockMax, blockMin } = blockExtremes(y);
  let kHi = -1, kLo = -1; // rows where the last scan found its maximum and minimum deviation
  const start = Math.min(len, Math.max(0, from));
  out.fill(NaN, 0, start);
  for (let r = start; r < len; r++) {
    const v = variance[r]!;
    if (!(v > 0)) {
      out[r] = NaN; // r < n, a NaN in the chunk, or a constant chunk
      continue;
    }
    const y0 = y[r - n]!;
    const base = r - n; // Y_j at row k = base + j
    const m = (y[r]! - y0) / n;
    let hi = 0, lo = 0;
    // Seed hi and lo with the rows of the previous chunk's extremes (usually still the extremes), so
    // that most blocks are skipped.
    for (let e = 0; e < 2; e++) {
      const k = e === 0 ? kHi : kLo;
      if (k <= base || k >= r) continue;
      const dev = y[k]! - y0 - (k - base) * m;
      if (dev > hi) hi = dev;
      else if (dev < lo) lo = dev;
    }
    for (let k = base + 1; k < r;) {
      // The end of k's block or of the chunk (short chunks: the chunk, in one scan).
      const stop = n < 2 * BLOCK ? r : Math.min(r, k - (k % BLOCK) + BLOCK);
      if (k % BLOCK === 0 && stop - k === BLOCK) {
        // A whole block: skip it when its bounds show that none of its deviations exceeds hi or falls
        // below lo. Rounding is monotone, so each bound computed in floating point bounds the computed
        // deviations too, and the result is identical to the full scan (a NaN bound never skips).
        const b = (k - (k % BLOCK)) / BLOCK;
        const jFirst = k - base, jLast = jFirst + BLOCK - 1;
        const ub = blockMax[b]! - y0 - (m >= 0 ? jFirst : jLast) * m;
        const lb = blockMin[b]! - y0 - (m >= 0 ? jLast : jFirst) * m;
        if (ub <= hi && lb >= lo) {
          k = stop;
          continue;
        }
      }
      for (; k < stop; k++) {
        const dev = y[k]! - y0 - (k - base) * m;
        if (dev > hi) { hi = dev; kHi = k; }
        else if (dev < lo) { lo = dev; kLo = k; }
      }
    }
    out[r] = (hi - lo) / Math.sqrt(v);
  }
}

/** Rows per block of the max/min summaries that let the range scan skip blocks. */
const BLOCK = 16;

/** Max and min of y over the aligned blocks [b·BLOCK, (b + 1)·BLOCK); NaN for a block holding a NaN. */
function blockExtremes(y: Float64Array): { blockMax: Float64Array; blockMin: Float64Array } {
  const nb = Math.ceil(y.length / BLOCK);
  const blockMax = new Float64Array(nb), blockMin = new Float64Array(nb);
  for (let b = 0; b < nb; b++) {
    let hi = -Infinity, lo = Infinity;
    for (let i = b * BLOCK; i < Math.min(y.length, (b + 1) * BLOCK); i++) {
      const v = y[i]!;
      if (v !== v) { hi = lo = NaN; break; }
      if (v > hi) hi = v;
      if (v < lo) lo = v;
    }
    blockMax[b] = hi;
    blockMin[b] = lo;
  }
  return { blockMax, blockMin };
}

/**
 * Rolling Hurst exponent of the increments of y over the last w increments (rows t − w + 1 … t, reading
 * y from t − w), chunk sizes `sizes` (each must divide w). Chunks with S = 0 are left out of their size's
 * mean; NaN when a size has no usable chunk, while the window holds a NaN, or for t < w. Rows t < from
 * are left NaN, uncomputed (the rows from `from` on are unchanged: they read chunks ending after from − w).
 */
export function rollingHurst(y: Float64Array, w: number, sizes: readonly number[], out: Float64Array, from = 0): void {
  const len = y.length;
  if (out.length !== len) throw new RangeError('rollingHurst: output length differs from input length');
  for (const n of sizes) if (w % n !== 0) throw new RangeError(`chunk size ${n} does not divide the window ${w}`);
  const k = sizes.length;
  const logN = sizes.map(Math.log);
  const meanLogN = logN.reduce((a, b) => a + b, 0) / k;
  let sxx = 0;
  for (const v of logN) sxx += (v - meanLogN) ** 2;
  const rs = sizes.map((n) => {
    const col = new Float64Array(len);
    rollingRescaledRange(y, n, col, from - w + 1);
    return col;
  });
  const logRS = new Float64Array(k);
  let lastNaN = 0; // y_0 has no increment
  for (let t = 0; t < len; t++) {
    if (y[t] !== y[t]) lastNaN = t + 1; // the increments at t and t + 1 are NaN
    if (t < from || t - lastNaN < w) {
      out[t] = NaN;
      continue;
    }
    let ok = true;
    for (let s = 0; s < k && ok; s++) {
      const n = sizes[s]!;
      const col = rs[s]!;
      let sum = 0, cnt = 0;
      for (let r = t; r > t - w; r -= n) {
        const v = col[r]!;
        if (v === v) { sum += v; cnt++; }
      }
      if (cnt === 0) ok = false;
      else logRS[s] = Math.log(sum / cnt);
    }
    if (!ok) {
      out[t] = NaN;
      continue;
    }
    let mean = 0;
    for (let s = 0; s < k; s++) mean += logRS[s]!;
    mean /= k;
    let sxy = 0;
    for (let s = 0; s < k; s++) sxy += (logN[s]! - meanLogN) * (logRS[s]! - mean);
    const h = sxy / sxx;
    out[t] = h < 0 ? 0 : h > 1 ? 1 : h;
  }
}
