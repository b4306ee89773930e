// Highest high and lowest low of the last `period` rows for STOCH and WILLR, by the van Herk/Gil-Werman
// algorithm: rows are cut into blocks of `period` rows (aligned at row 0); the extreme of the window
// ending at row t of block b is the extreme of (the suffix of block b − 1 from row t − period + 1, the
// prefix of block b up to t). Three comparisons per row and no data-dependent loops: O(1) per row in the
// worst case (TA-Lib rescans the window whenever its extreme leaves it, O(period) per row on a monotonic
// run). The values are the exact window extremes, hence identical to TA-Lib's.

/** Rolling highest `high` and lowest `low` over the last `period` rows, one block of rows at a time. */
export class HighLowBlocks {
  /** After block(from): hh[j], ll[j] = extremes of rows max(0, from + j − period + 1) … from + j. */
  readonly hh: Float64Array;
  readonly ll: Float64Array;
  // Extremes of the previous block's rows from its row j to its end.
  private readonly sufH: Float64Array;
  private readonly sufL: Float64Array;

  constructor(private readonly high: Float64Array, private readonly low: Float64Array, private readonly period: number) {
    this.hh = new Float64Array(period);
    this.ll = new Float64Array(period);
    this.sufH = new Float64Array(period);
    this.sufL = new Float64Array(period);
  }

  /** Computes rows [from, from + period) ∩ [0, n), for from = 0, period, 2·period … in this order;
   * returns the block's row count. */
  block(from: number): number {
    const { high, low, period, hh, ll, sufH, sufL } = this;
    const count = Math.min(period, high.length - from);
    let ph = high[from]!;
    let pl = low[from]!;
    // The last row of a full block has the block itself as its window: no suffix term.
    const withSuffix = from === 0 ? 0 : count === period ? count - 1 : count;
    for (let j = 0; j < withSuffix; j++) {
      ph = maxOf(high[from + j]!, ph);
      pl = minOf(low[from + j]!, pl);
      hh[j] = maxOf(sufH[j + 1]!, ph);
      ll[j] = minOf(sufL[j + 1]!, pl);
    }
    for (let j = withSuffix; j < count; j++) {
      hh[j] = ph = maxOf(high[from + j]!, ph);
      ll[j] = pl = minOf(low[from + j]!, pl);
    }
    let mh = high[from + count - 1]!;
    let ml = low[from + count - 1]!;
    for (let j = count - 1; j >= 0; j--) {
      sufH[j] = mh = maxOf(high[from + j]!, mh);
      sufL[j] = ml = minOf(low[from + j]!, ml);
    }
    return count;
  }
}

/** max(a, b) of finite numbers without a branch (see common.ts). */
function maxOf(a: number, b: number): number {
  const k = +(a > b);
  return a * k + b * (1 - k);
}

/** min(a, b) of finite numbers without a branch (see common.ts). */
function minOf(a: number, b: number): number {
  const k = +(a < b);
  return a * k + b * (1 - k);
}
