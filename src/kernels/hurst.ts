// Rolling rescaled-range (R/S) Hurst exponent of the increments x_i = y_i − y_{i−1} of a level series y
// (Hurst 1951; Mandelbrot & Wallis 1969), FEATURES.md §6. Over the last w increments, for each chunk size
// n the window is cut into w/n consecutive chunks ending at row t; a chunk's R/S = (max_k Y_k − min_k Y_k)/S,
// with Y_k = Σ_{i ≤ k} (x_i − m) the cumulative deviations from the chunk mean m (Y_n = 0, so the range
// includes 0) and S the population standard deviation of the chunk. The estimate is the OLS slope of
// ln(mean R/S over the chunks) on ln n, clamped to [0, 1].
//
// Cost: the increments telescope, so for the chunk x_{r−n+1 … r}, m = (y_r − y_{r−n})/n and
// Y_k = (y_k − y_{r−n}) − (k − r + n)·m: one pass of n levels gives R, and S comes from rolling moments
// (rolling.ts, O(1)). Each chunk's R/S is computed once per (size, end row) — O(Σ n) per row — and every
// window averages the w/n values ending at t, t − n, ….

import { rollingVar } from './rolling.ts';

/** Writes R/S of the n increments ending at row r into out[r]; NaN if one is NaN, if S = 0, or r < n. */
export function rollingRescaledRange(y: Float64Array, n: number, out: Float64Array): void {
  if (!(Number.isInteger(n) && n >= 2)) throw new RangeError(`chunk size must be an integer ≥ 2, got ${n}`);
  const len = y.length;
  if (out.length !== len) throw new RangeError('rollingRescaledRange: output length differs from input length');
  const x = new Float64Array(len);
  x[0] = NaN;
  for (let i = 1; i < len; i++) x[i] = y[i]! - y[i - 1]!;
  const variance = out; // the population variance of each chunk, turned into R/S in place
  rollingVar(x, n, 0, variance);
  for (let r = 0; r < len; r++) {
    const v = variance[r]!;
    if (!(v > 0)) {
      out[r] = NaN; // r < n, a NaN in the chunk, or a constant chunk
      continue;
    }
    const y0 = y[r - n]!;
    const m = (y[r]! - y0) / n;
    let hi = 0, lo = 0, j = 0;
    for (let k = r - n + 1; k < r; k++) {
      j++;
      const dev = y[k]! - y0 - j * m;
      if (dev > hi) hi = dev;
      else if (dev < lo) lo = dev;
    }
    out[r] = (hi - lo) / Math.sqrt(v);
  }
}

/**
 * Rolling Hurst exponent of the increments of y over the last w increments (rows t − w + 1 … t, reading
 * y from t − w), chunk sizes `sizes` (each must divide w). Chunks with S = 0 are left out of their size's
 * mean; NaN when a size has no usable chunk, while the window holds a NaN, or for t < w.
 */
export function rollingHurst(y: Float64Array, w: number, sizes: readonly number[], out: Float64Array): void {
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
    rollingRescaledRange(y, n, col);
    return col;
  });
  const logRS = new Float64Array(k);
  let lastNaN = 0; // y_0 has no increment
  for (let t = 0; t < len; t++) {
    if (y[t] !== y[t]) lastNaN = t + 1; // the increments at t and t + 1 are NaN
    if (t - lastNaN < w) {
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
