// Completeness of the stored outputs: every partition has exactly the bars' rows, and every feature is
// non-null on ≥ 99.5 % of the rows after the data set's burn-in (its first nanPrefix rows of the pair's
// data), rows where it is undefined by definition excepted (expectations.ts). A feature the data cannot
// support is reported as unavailable with the reason instead of failed: volume features on a source
// without volume, fan-in features that read pairs that are not loaded.
//
// The data's edge: a column with lookahead h > 0 (the targets) reads the next h rows, so its last h rows
// of the pair's data are NaN by construction; they are counted as expected (an info finding), not as
// failures, and NaN anywhere else still counts. Windows are positional and span gaps of any length
// (FEATURES.md §0 "Windows span weekend gaps", extended to long gaps: a lookahead reads the next h rows
// whatever their distance), so the end of the data is the only edge.
//
// Stale pairs: a fan-in feature's NaN at a row where a pair it reads is stale (staleness.ts, STALE_RULE)
// is NaN by definition and counted as expected (info), not in the eligible rows; NaN at rows where every
// pair it reads was fresh over its window still counts.
import { isoMinute } from '../core/time.ts';
import type { Bars } from '../core/types.ts';
import type { FeatureDef } from '../features/types.ts';
import { nanRuns } from '../pipeline/colstats.ts';
import { undefinedRowsOf } from './expectations.ts';
import type { Where } from './quality.ts';
import { STALE_RULE } from './staleness.ts';
import type { Tally } from './tally.ts';

export const NON_NULL_MIN = 0.995;

interface Count { eligible: number; nonNull: number; edge: number; stale: number }

/** Names of the features that read volume, directly or through the features they read. */
export function volumeFeatures(defs: readonly FeatureDef[]): Set<string> {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const memo = new Map<string, boolean>();
  const reads = (name: string, seen: Set<string>): boolean => {
    if (memo.has(name)) return memo.get(name)!;
    const d = byName.get(name);
    if (!d || seen.has(name)) return false;
    seen.add(name);
    const r = d.inputs.some((i) => i === 'volume' || reads(i, seen));
    memo.set(name, r);
    return r;
  };
  return new Set(defs.filter((d) => reads(d.name, new Set())).map((d) => d.name));
}

export class CompletenessChecks {
  /** feature → pair → counts after the burn-in. */
  private readonly counts = new Map<string, Map<string, Count>>();
  /** feature → pair → why the data cannot support it. */
  private readonly unavailable = new Map<string, Map<string, string>>();

  constructor(private readonly tally: Tally) {}

  /** Rows of one stored partition against the pair's bars in the month (stored = null: not computed). */
  rows(where: Where, bars: Float64Array, stored: Float64Array | null, missing: string): boolean {
    const label = `${where.unit} ${where.pair} ${where.month}`;
    if (!stored) {
      this.tally.partition('rows', 'fail', { ...where, message: `${label}: ${missing}` });
      return false;
    }
    let i = 0;
    const n = Math.min(bars.length, stored.length);
    while (i < n && bars[i] === stored[i]) i++;
    if (i === bars.length && i === stored.length) { this.tally.partition('rows', 'pass'); return true; }
    const at = i < bars.length ? bars[i]! : stored[i]!;
    this.tally.partition('rows', 'fail', { ...where, ts: isoMinute(at),
      message: `${label}: ${stored.length} rows stored for ${bars.length} bars, first difference at row ${i} (${isoMinute(at)})` });
    return false;
  }

  /**
   * Counts the non-null values of a stored column over the pair's month `bars` (its rows); `offset` = the
   * data-set row of its first row, `dataRows` = the pair's rows in the whole data set. Rows where the
   * feature is undefined by definition are not counted; NaN rows in the last `lookahead` rows of the
   * data are counted as expected, and so are NaN rows where `staleAt(i)` (a pair it reads is stale).
   */
  column(def: FeatureDef, pair: string, col: Float64Array, bars: Bars, offset: number, dataRows: number, staleAt?: (i: number) => boolean): void {
    this.add(def, pair, nanRuns(col)!, col.length, bars, offset, dataRows, staleAt);
  }

  /** The same from the column's NaN rows (`nan`: flattened [from, to) runs, pipeline/colstats.ts) and its `n` rows. */
  add(def: FeatureDef, pair: string, nan: readonly number[], n: number, bars: Bars, offset: number, dataRows: number, staleAt?: (i: number) => boolean): void {
    let byPair = this.counts.get(def.name);
    if (!byPair) this.counts.set(def.name, (byPair = new Map()));
    const c = byPair.get(pair) ?? { eligible: 0, nonNull: 0, edge: 0, stale: 0 };
    const undef = undefinedRowsOf(def);
    const edge = dataRows - def.lookahead - offset; // first row whose future runs past the data's end
    const from = Math.max(0, def.nanPrefix - offset);
    // Eligible: the rows after the burn-in that are defined, less the NaN rows that are expected; non-null:
    // those less the other NaN rows. Only the NaN rows (and, for a feature with undefined rows, every row) are visited.
    let defined = Math.max(0, n - from), missing = 0, edgeRows = 0, staleRows = 0;
    if (undef) for (let i = from; i < n; i++) if (undef.at(bars, i)) defined--;
    for (let k = 0; k < nan.length; k += 2) {
      const lo = Math.max(from, nan[k]!), hi = Math.min(n, nan[k + 1]!);
      if (!undef && !staleAt) { // a whole run at once: its rows from `edge` on are expected, the others missing
        const cut = Math.min(hi, Math.max(lo, edge));
        missing += Math.max(0, cut - lo);
        edgeRows += Math.max(0, hi - cut);
        continue;
      }
      for (let i = lo; i < hi; i++) {
        if (undef?.at(bars, i)) continue;
        if (i >= edge) edgeRows++;
        else if (staleAt?.(i)) staleRows++;
        else missing++;
      }
    }
    const eligible = defined - edgeRows - staleRows;
    c.eligible += eligible;
    c.nonNull += eligible - missing;
    c.edge += edgeRows;
    c.stale += staleRows;
    byPair.set(pair, c);
  }

  markUnavailable(def: FeatureDef, pair: string, reason: string): void {
    let byPair = this.unavailable.get(def.name);
    if (!byPair) this.unavailable.set(def.name, (byPair = new Map()));
    byPair.set(pair, reason);
  }

  /**
   * Records each scanned feature's outcome; `explain` gives the reason a feature short of values on a
   * pair cannot be computed from the loaded data (null: no excuse, it fails).
   */
  finish(defs: readonly FeatureDef[], unitOf: (name: string) => string, explain: (def: FeatureDef, pair: string) => string | null): Map<string, number | null> {
    const fractions = new Map<string, number | null>();
    for (const def of defs) {
      const byPair = this.counts.get(def.name);
      if (!byPair) continue;
      let worst: number | null = null;
      for (const [pair, c] of byPair) {
        const frac = c.eligible === 0 ? null : c.nonNull / c.eligible;
        const reason = this.unavailable.get(def.name)?.get(pair) ?? (frac !== null && frac < NON_NULL_MIN ? explain(def, pair) : null);
        const where = { unit: unitOf(def.name), pair };
        const rows = undefinedRowsOf(def) ? ` and outside ${undefinedRowsOf(def)!.rows}` : '';
        const pct = frac === null ? `no rows after the burn-in${rows}` : `${(100 * frac).toFixed(2)} % non-null after the burn-in${rows}`;
        if (reason !== null) {
          this.tally.feature('non_null', def.name, 'unavailable', { ...where, message: `${def.name} ${pair}: unavailable: ${reason} (${pct})` });
          continue;
        }
        if (c.edge > 0) this.tally.feature('non_null', def.name, 'info', { ...where, message: `${def.name} ${pair}: ${c.edge} NaN rows at the end of the data, expected (lookahead ${def.lookahead} rows)` });
        if (c.stale > 0) this.tally.feature('non_null', def.name, 'info', { ...where, message: `${def.name} ${pair}: ${c.stale} NaN rows where ${STALE_RULE} (lookback ${def.lookback} rows), expected` });
        if (frac === null) continue;
        worst = worst === null ? frac : Math.min(worst, frac);
        if (frac >= NON_NULL_MIN) this.tally.feature('non_null', def.name, 'pass');
        else this.tally.feature('non_null', def.name, 'fail', { ...where, message: `${def.name} ${pair}: ${pct} (${c.eligible - c.nonNull} of ${c.eligible} rows NaN; expected ≥ ${100 * NON_NULL_MIN} %)` });
      }
      fractions.set(def.name, worst);
    }
    return fractions;
  }
}
