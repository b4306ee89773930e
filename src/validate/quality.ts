// Data-quality checks on stored columns: no ±Infinity, declared ranges (FeatureDef.range, inclusive, an
// infinite bound is open, with the rounding allowance of core/bounds.ts) and discrete values, strictly increasing unique timestamps, and outlier counts
// (|robust z| > 10 with z = (x − median) / (1.4826 · MAD), reported, not failed).
import { boundTolerance, withinBounds } from '../core/bounds.ts';
import { isoMinute } from '../core/time.ts';
import type { FeatureDef } from '../features/types.ts';
import type { Tally } from './tally.ts';

export const OUTLIER_Z = 10;
/** Median and MAD are estimated on an evenly strided sample of at most this many finite values. */
const SAMPLE = 4_096;
/** MAD of a normal distribution = 0.6745 σ; 1.4826 = 1 / 0.6745 makes robust z comparable to z. */
const MAD_TO_SIGMA = 1.4826;

export interface Where { readonly unit: string; readonly pair: string; readonly month: string }

interface Violation { count: number; first: (Where & { ts: number; value: number }) | null }
const none = (): Violation => ({ count: 0, first: null });

/** Row of the first violation of `ts` being strictly increasing, or −1. */
export function firstNonIncreasing(ts: Float64Array): number {
  for (let i = 1; i < ts.length; i++) if (!(ts[i]! > ts[i - 1]!)) return i;
  return -1;
}

function sortedSample(values: Float64Array, n: number): Float64Array {
  const step = Math.max(1, Math.ceil(n / SAMPLE));
  const s = new Float64Array(Math.ceil(n / step));
  for (let i = 0, j = 0; i < n; i += step) s[j++] = values[i]!;
  return s.sort();
}

const median = (sorted: Float64Array) => sorted.length === 0 ? NaN : sorted[sorted.length >> 1]!;

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

  column(def: FeatureDef, where: Where, ts: Float64Array, col: Float64Array): void {
    const inf = this.get(this.infinite, def.name), rng = this.get(this.range, def.name);
    const range = def.range ?? [-Infinity, Infinity];
    const tol = boundTolerance(range);
    const allowed = def.discrete ? new Set(def.discrete) : null;
    if (this.scratch.length < col.length) this.scratch = new Float64Array(col.length);
    let finite = 0;
    for (let i = 0; i < col.length; i++) {
      const x = col[i]!;
      if (x !== x) continue;
      if (x === Infinity || x === -Infinity) {
        if (inf.count++ === 0) inf.first = { ...where, ts: ts[i]!, value: x };
        continue;
      }
      this.scratch[finite++] = x;
      if (!withinBounds(x, range, tol) || (allowed !== null && !allowed.has(x))) {
        if (rng.count++ === 0) rng.first = { ...where, ts: ts[i]!, value: x };
      }
    }
    this.countOutliers(def, where, ts, col, finite);
  }

  private countOutliers(def: FeatureDef, where: Where, ts: Float64Array, col: Float64Array, finite: number): void {
    const sample = sortedSample(this.scratch, finite);
    const med = median(sample);
    const dev = sample.map((x) => Math.abs(x - med)).sort();
    const sigma = MAD_TO_SIGMA * median(dev);
    if (!(sigma > 0)) return; // constant or mostly constant (flags, classes): robust z undefined
    this.outlierDefined.add(def.name);
    const out = this.get(this.outliers, def.name);
    const limit = OUTLIER_Z * sigma;
    for (let i = 0; i < col.length; i++) {
      const x = col[i]!;
      if (Number.isFinite(x) && Math.abs(x - med) > limit) {
        if (out.count++ === 0) out.first = { ...where, ts: ts[i]!, value: x };
      }
    }
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
