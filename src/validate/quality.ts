// Data-quality checks on stored columns: no ±Infinity, declared ranges (FeatureDef.range, inclusive, an
// infinite bound is open, with the rounding allowance of core/bounds.ts) and discrete values, strictly increasing unique timestamps, and outlier counts
// (|robust z| > 10 with z = (x − median) / (1.4826 · MAD), reported, not failed).
import { boundTolerance } from '../core/bounds.ts';
import { isoMinute } from '../core/time.ts';
import type { FeatureDef } from '../features/types.ts';
import { columnStats, OUTLIER_Z, type ColumnStats, type Violations } from '../pipeline/colstats.ts';
import type { Tally } from './tally.ts';

export { OUTLIER_Z };

export interface Where { readonly unit: string; readonly pair: string; readonly month: string }

interface Violation { count: number; first: (Where & { ts: number; value: number }) | null }
const none = (): Violation => ({ count: 0, first: null });

/** Row of the first violation of `ts` being strictly increasing, or −1. */
export function firstNonIncreasing(ts: Float64Array): number {
  for (let i = 1; i < ts.length; i++) if (!(ts[i]! > ts[i - 1]!)) return i;
  return -1;
}

/** Per feature: infinities, range violations and outliers over every partition scanned. */
export class QualityChecks {
  private readonly infinite = new Map<string, Violation>();
  private readonly range = new Map<string, Violation>();
  private readonly outliers = new Map<string, Violation>();
  private readonly outlierDefined = new Set<string>();
  private scratch = new Float64Array(0);

  constructor(private readonly tally: Tally) {}

  /** Timestamps of one stored partition; returns whether they are strictly increasing. */
  timestamps(where: Where, ts: Float64Array): boolean {
    const i = firstNonIncreasing(ts);
    if (i < 0) { this.tally.partition('timestamps', 'pass'); return true; }
    this.tally.partition('timestamps', 'fail', { ...where, ts: isoMinute(ts[i]!),
      message: `${where.unit} ${where.pair} ${where.month}: timestamp ${isoMinute(ts[i]!)} at row ${i} does not follow ${isoMinute(ts[i - 1]!)}` });
    return false;
  }

  /** One stored column (its rows at `ts`). */
  column(def: FeatureDef, where: Where, ts: Float64Array, col: Float64Array): void {
    if (this.scratch.length < col.length) this.scratch = new Float64Array(col.length);
    this.add(def, where, ts, columnStats(def, col, this.scratch));
  }

  /** One stored column's statistics (pipeline/colstats.ts), its rows at `ts`. */
  add(def: FeatureDef, where: Where, ts: Float64Array, s: ColumnStats): void {
    const merge = (m: Map<string, Violation>, v: Violations) => {
      const into = this.get(m, def.name);
      if (v === null) return;
      if (into.count === 0) into.first = { ...where, ts: ts[v[1]]!, value: m === this.infinite ? v[2] * Infinity : v[2] };
      into.count += v[0];
    };
    merge(this.infinite, s.infinite);
    merge(this.range, s.range);
    if (s.outliers === undefined) return; // robust z undefined (constant or mostly constant: flags, classes)
    this.outlierDefined.add(def.name);
    merge(this.outliers, s.outliers);
  }

  private get(m: Map<string, Violation>, name: string): Violation {
    let v = m.get(name);
    if (!v) m.set(name, (v = none()));
    return v;
  }

  outlierCount(name: string): number {
    return this.outliers.get(name)?.count ?? 0;
  }

  /** Records each scanned feature's outcome of finite, range and outliers. */
  finish(defs: readonly FeatureDef[]): void {
    for (const def of defs) {
      const inf = this.infinite.get(def.name);
      if (!inf) continue; // never scanned
      const at = (v: Violation) => ({ unit: v.first!.unit, pair: v.first!.pair, month: v.first!.month, ts: isoMinute(v.first!.ts) });
      if (inf.count === 0) this.tally.feature('finite', def.name, 'pass');
      else this.tally.feature('finite', def.name, 'fail', { ...at(inf), message: `${def.name}: ${inf.count} infinite values, the first ${inf.first!.value} (${inf.first!.pair}) at ${isoMinute(inf.first!.ts)}` });
      const rng = this.range.get(def.name)!;
      const declared = def.discrete ? `values {${def.discrete.join(', ')}}` : def.range ? `range [${def.range.join(', ')}] (± ${boundTolerance(def.range)} rounding)` : null;
      if (rng.count === 0) this.tally.feature('range', def.name, 'pass');
      else this.tally.feature('range', def.name, 'fail', { ...at(rng), message: `${def.name}: ${rng.count} values outside the declared ${declared}, the first ${rng.first!.value} (${rng.first!.pair}) at ${isoMinute(rng.first!.ts)}` });
      const out = this.outliers.get(def.name);
      if (!this.outlierDefined.has(def.name)) continue;
      if (!out || out.count === 0) this.tally.feature('outliers', def.name, 'pass');
      else this.tally.feature('outliers', def.name, 'info', { ...at(out), message: `${def.name}: ${out.count} values with |robust z| > ${OUTLIER_Z}, the first ${out.first!.value} (${out.first!.pair}) at ${isoMinute(out.first!.ts)}` });
    }
  }
}
