// Recomputations of the causality battery: a unit on spans of the loaded rows, exactly as a pipeline task
// computes it (compute.ts). The upstream columns it reads are recomputed once over all loaded rows (every
// span starts at least the upstream's warm-up into them, so they equal the lake's values there) and, for
// bars perturbed from row f on, are those same columns before f and the upstream recomputed on the
// perturbed bars (with its warm-up) from f on: what an upstream stage would have stored for the perturbed
// data. The upstream's own causality is checked on its own unit.
import { sliceBars, type Bars } from '../core/types.ts';
import type { Rng } from '../io/synthetic/prng.ts';
import { computeMonthUnit, computePairUnit, type PairInput } from '../pipeline/compute.ts';
import type { Unit } from '../pipeline/units.ts';
import { perturbFrom } from './perturb.ts';

/** Per pair, rows [lo, hi) of its bars: the frame a computation sees. */
export type Spans = ReadonlyMap<string, readonly [number, number]>;

export interface Computed {
  /** pair → column name → values over the pair's span. */
  readonly cols: ReadonlyMap<string, ReadonlyMap<string, Float64Array>>;
  readonly notes: Record<string, unknown>;
}

type Columns = ReadonlyMap<string, Float64Array>;

export class Recomputer {
  private readonly origin = new WeakMap<Bars, { readonly original: Bars; readonly from: number }>();
  /** `${unit}|${pair}|${names}` → those columns of the unit over every loaded row. */
  private readonly loadedCols = new Map<string, Columns>();
  private readonly perturbedCols = new WeakMap<Bars, Map<string, Columns>>();

  constructor(private readonly units: ReadonlyMap<string, Unit>, private readonly month: string,
    private readonly baselines: ReadonlyMap<string, number>, private readonly loaded: ReadonlyMap<string, Bars>) {}

  /** A copy of the pair's loaded bars with rows from `from` on replaced (perturb.ts). */
  perturb(pair: string, from: number, rng: Rng): Bars {
    const original = this.loaded.get(pair)!;
    const b = perturbFrom(original, from, rng);
    this.origin.set(b, { original, from });
    return b;
  }

  /** Computes `unit` on each pair's span of `bars` (a month unit sees every pair of `spans`). */
  compute(unit: Unit, bars: ReadonlyMap<string, Bars>, spans: Spans): Computed {
    const notes: Record<string, unknown> = {};
    const inputs: PairInput[] = [...spans].map(([pair, [lo, hi]]) => {
      const b = bars.get(pair)!;
      const upstream = new Map<string, Float64Array>();
      for (const [from, names] of unit.upstream) {
        const up = this.units.get(from)!;
        if (up.kind === 'month') throw new Error(`unit ${unit.name} reads the month unit ${up.name}: not supported by the battery`);
        const cols = this.upstream(up, names, pair, b, hi, notes);
        for (const name of names) upstream.set(name, cols.get(name)!.subarray(lo, hi));
      }
      return { pair, bars: sliceBars(b, lo, hi), first: 0, count: hi - lo, baseline: this.baselines.get(pair)!, ...(unit.upstream.size > 0 ? { upstream } : {}) };
    });
    const result = unit.kind === 'pair' ? computePairUnit(unit, inputs[0]!) : computeMonthUnit(unit, this.month, inputs);
    Object.assign(notes, result.notes);
    return { cols: new Map([...result.outputs].map(([pair, o]) => [pair, new Map(o.columns)])), notes };
  }

  /** `up`'s columns `names` over every row of `b` up to `hi`. */
  private upstream(up: Unit, names: readonly string[], pair: string, b: Bars, hi: number, notes: Record<string, unknown>): Columns {
    const o = this.origin.get(b);
    if (!o || o.from >= hi) return this.ofLoaded(up, names, pair, notes);
    let perUnit = this.perturbedCols.get(b);
    if (!perUnit) this.perturbedCols.set(b, (perUnit = new Map()));
    const key = `${up.name}|${hi}`;
    if (!perUnit.has(key)) {
      const before = this.ofLoaded(up, names, pair, notes);
      const start = Math.max(0, o.from - up.warmup);
      const c = this.compute(up, new Map([[pair, b]]), new Map([[pair, [start, hi] as const]]));
      Object.assign(notes, c.notes);
      const after = c.cols.get(pair)!;
      perUnit.set(key, new Map([...before].map(([name, col]) => {
        const spliced = col.slice();
        spliced.set(after.get(name)!.subarray(o.from - start), o.from);
        return [name, spliced];
      })));
    }
    return perUnit.get(key)!;
  }

  /**
   * `up`'s columns `names` over every loaded row of the pair. Only those are kept: all of base's 267
   * columns over a from-start span of 28 pairs (a month unit reading base) held gigabytes.
   */
  private ofLoaded(up: Unit, names: readonly string[], pair: string, notes: Record<string, unknown>): Columns {
    const key = `${up.name}|${pair}|${names.join(',')}`;
    if (!this.loadedCols.has(key)) {
      const b = this.loaded.get(pair)!;
      const c = this.compute(up, new Map([[pair, b]]), new Map([[pair, [0, b.ts.length] as const]]));
      Object.assign(notes, c.notes);
      const cols = c.cols.get(pair)!;
      this.loadedCols.set(key, new Map(names.map((n) => [n, cols.get(n)!])));
    }
    return this.loadedCols.get(key)!;
  }
}
