// Shared data shapes. Columns are Float64Arrays: float64 throughout, NaN for missing.

/** One pair's 1-minute bars as columns; `ts` = bar start, epoch ms UTC, strictly increasing. */
export interface Bars {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const BAR_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarColumn = (typeof BAR_COLUMNS)[number];

export function barCount(b: Bars): number {
  return b.ts.length;
}

/** Allocates n bars in one contiguous buffer (so that a worker transfer moves a single ArrayBuffer). */
export function allocBars(n: number): Bars {
  const buf = new ArrayBuffer(n * 8 * BAR_COLUMNS.length);
  const col = (k: number) => new Float64Array(buf, k * n * 8, n);
  return { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

/** Rows [from, to) of `b` as views (no copy). */
export function sliceBars(b: Bars, from: number, to: number): Bars {
  return {
    ts: b.ts.subarray(from, to), open: b.open.subarray(from, to), high: b.high.subarray(from, to),
    low: b.low.subarray(from, to), close: b.close.subarray(from, to), volume: b.volume.subarray(from, to),
  };
}

/** Concatenates bar sets that are already in time order. */
export function concatBars(parts: readonly Bars[]): Bars {
  const n = parts.reduce((s, p) => s + p.ts.length, 0);
  const out = allocBars(n);
  let at = 0;
  for (const p of parts) {
    for (const c of BAR_COLUMNS) out[c].set(p[c], at);
    at += p.ts.length;
  }
  return out;
}

/** The index of the first ts ≥ t in a strictly increasing ts (ts.length when none): binary search. */
export function rowAtOrAfter(ts: Float64Array, t: number): number {
  let lo = 0, hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ts[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
