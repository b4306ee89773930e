// Rows where a fan-in feature is NaN by definition: a pair it reads is stale. FEATURES.md §0: another
// pair's value at t is its last bar with ts ≤ t, missing when that bar is more than MAX_AGE_MS older
// (the cross features' own constant); a currency level is NaN when any of its 7 pairs is. The grid is
// the one the month units compute on (cross/grid.ts): the union of the loaded pairs' rows, warm-up
// prefixes included.
//
// The rule (a conservative reading for windowed features, which may be NaN when any row they span was
// stale): row t of pair X is excused for a feature when a pair it reads (reads.ts) is stale at a grid row
// of [X's row t − lookback, t], the lookback counted in X's rows. The grid has at least one row per row of
// X, so that span holds the feature's own window of lookback grid rows.
import { MAX_AGE_MS } from '../features/cross/common.ts';
import { gridRows, unionGrid } from '../kernels/asof.ts';

export const STALE_RULE = `a pair it reads is stale (its last bar > ${MAX_AGE_MS / 60_000} min before a grid row) at t or within its lookback rows before t`;

/** Timestamps of one pair for a month unit: its warm-up prefix then the month's rows. */
export interface PairRows { readonly ts: Float64Array; readonly first: number }

export class StaleGrid {
  readonly grid: Float64Array;
  /** pair → 1 at the grid rows where its as-of value is missing. */
  private readonly flags = new Map<string, Uint8Array>();

  constructor(private readonly frames: ReadonlyMap<string, PairRows>) {
    this.grid = unionGrid([...frames.values()].map((f) => f.ts));
  }

  /** As-of staleness of `pair` on the grid by one merge walk (kernels/asof.ts asofIndex's rule). */
  private staleFlags(pair: string): Uint8Array {
    let f = this.flags.get(pair);
    if (f) return f;
    const ts = this.frames.get(pair)!.ts;
    const grid = this.grid;
    f = new Uint8Array(grid.length);
    let i = -1;
    for (let g = 0; g < grid.length; g++) {
      while (i + 1 < ts.length && ts[i + 1]! <= grid[g]!) i++;
      f[g] = i < 0 || grid[g]! - ts[i]! > MAX_AGE_MS ? 1 : 0;
    }
    this.flags.set(pair, f);
    return f;
  }

  /**
   * For the scanned `pair`: stale(reads, lookback) gives a test of the pair's month row i (O(1) per row
   * after an O(grid) prefix count per set of pairs read). Pairs not loaded are left out (reads.ts
   * excuses those separately).
   */
  forPair(pair: string): (reads: readonly string[], lookback: number) => (i: number) => boolean {
    const own = this.frames.get(pair);
    if (!own) return () => () => false;
    const rows = new Int32Array(own.ts.length);
    gridRows(own.ts, this.grid, rows);
    const counts = new Map<string, Int32Array>(); // set of pairs → prefix count of grid rows with any stale
    const countOf = (reads: readonly string[]): Int32Array => {
      const key = reads.join(' ');
      let c = counts.get(key);
      if (c) return c;
      const sets = reads.filter((p) => this.frames.has(p)).map((p) => this.staleFlags(p));
      c = new Int32Array(this.grid.length + 1);
      for (let g = 0; g < this.grid.length; g++) {
        let s = 0;
        for (const f of sets) s |= f[g]!;
        c[g + 1] = c[g]! + s;
      }
      counts.set(key, c);
      return c;
    };
    return (reads, lookback) => {
      const c = countOf(reads);
      return (i) => {
        const j = own.first + i;
        return c[rows[j]! + 1]! - c[rows[Math.max(0, j - lookback)]!]! > 0;
      };
    };
  }
}
