// Share of flagged rows over a positional window, counted with integers: exact at every row, so the
// value never depends on where the computation started (a running mean of 0/1 flags shifted to a
// window mean leaves −2e-16 where the answer is 0). Window conventions of corr.ts: the window of row t
// is rows t−w+1 … t and exists for t ≥ w − 1; a row is valid when its flag is finite.

/** out[t] = (rows with flag ≠ 0) / (valid rows) over the window; NaN before w − 1 or with < minValid valid rows. */
export function rollingShare(flag: Float64Array, w: number, minValid: number, out: Float64Array): void {
  if (!Number.isInteger(w) || w < 1) throw new RangeError(`window must be a positive integer, got ${w}`);
  if (!(minValid >= 1 && minValid <= w)) throw new RangeError(`minValid ${minValid} outside [1, ${w}]`);
  if (out.length !== flag.length) throw new RangeError(`output length ${out.length} ≠ input length ${flag.length}`);
  let valid = 0, set = 0;
  for (let t = 0; t < flag.length; t++) {
    const v = flag[t]!;
    if (v === v) { valid++; if (v !== 0) set++; }
    if (t >= w) {
      const o = flag[t - w]!;
      if (o === o) { valid--; if (o !== 0) set--; }
    }
    out[t] = t >= w - 1 && valid >= minValid ? set / valid : NaN;
  }
}
