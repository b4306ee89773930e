// Real 2017 HistData bars (../shared/data/real-fx/parrondo__deeptrading, see its SOURCES.md) in two
// periods months apart — 6–17 March and 30 October–10 November 2017, each across a US DST change —
// joined into one series per pair: a 7-month gap over which GBPUSD and EURUSD moved by 7–9 %.
// `warmupDrift` measures, per column, how far a unit's values over the second period move when the
// computation starts earlier (its declared warm-up vs a longer one), on the validator's relative rule.
import { rowAtOrAfter, sliceBars, type Bars } from '../../src/core/types.ts';
import { histdata, realSkip } from '../helpers/histdata-slice.ts';
import { computeMonthUnit, computePairUnit, type ComputeResult, type PairInput } from '../../src/pipeline/compute.ts';
import type { Unit } from '../../src/pipeline/units.ts';
import { typicalMagnitude } from '../../src/validate/compare.ts';

export { histdata, realSkip };

/** Sunday 5 March 17:00 → Friday 17 March 17:00 and Sunday 29 October → Friday 10 November (New York). */
export const PERIODS = [['20170305 170000', '20170317 170000'], ['20171029 170000', '20171110 170000']] as const;
/** The first bar of the second period (UTC): the partition whose warm-up reaches back across the gap. */
export const SECOND = Date.UTC(2017, 9, 29, 21);

export function realBars(pairs: readonly string[]): Map<string, Bars> {
  return new Map(pairs.map((p) => [p, histdata(p, PERIODS)]));
}

/** The largest relative difference of one column, where it is, and the two values. */
export interface Drift { readonly name: string; readonly pair: string; readonly rel: number; readonly ts: number; readonly a: number; readonly b: number }

export interface DriftOptions {
  readonly units: readonly Unit[];
  readonly bars: ReadonlyMap<string, Bars>;
  /** Rows before the declared warm-up that the longer span adds. */
  readonly extra: number;
}

/**
 * Every column of `unit` over rows [SECOND, end) computed from its declared warm-up before SECOND and from
 * `extra` more rows: per column and pair, max |a − b| / max(|a|, |b|, median |column|) (the validator's
 * relative rule); a NaN against a number counts as Infinity. Upstream columns come from one continuous
 * run over all rows, as the pipeline reads them from the lake.
 */
export function warmupDrift(unit: Unit, o: DriftOptions): Drift[] {
  const pairs = [...o.bars.keys()];
  const starts = new Map(pairs.map((p) => [p, rowAtOrAfter(o.bars.get(p)!.ts, SECOND)]));
  const short = run(unit, o, (p) => Math.max(0, starts.get(p)! - unit.warmup));
  const long = run(unit, o, (p) => Math.max(0, starts.get(p)! - unit.warmup - o.extra));
  const out: Drift[] = [];
  for (const p of pairs) {
    const a = short.outputs.get(p)!, b = long.outputs.get(p)!;
    for (const [i, [name, x]] of a.columns.entries()) {
      const y = b.columns[i]![1];
      const floor = typicalMagnitude(x, 0, x.length);
      let worst: Drift = { name, pair: p, rel: 0, ts: NaN, a: NaN, b: NaN };
      for (let t = 0; t < x.length; t++) {
        const u = x[t]!, v = y[t]!;
        if (Object.is(u, v)) continue;
        const rel = u !== u || v !== v ? Infinity : Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v), floor);
        if (rel > worst.rel) worst = { name, pair: p, rel, ts: a.ts[t]!, a: u, b: v };
      }
      out.push(worst);
    }
  }
  return out;
}

const upstreamCache = new Map<string, ComputeResult>();

function run(unit: Unit, o: DriftOptions, lo: (pair: string) => number): ComputeResult {
  const inputs = [...o.bars].map(([pair, b]): PairInput => {
    const l = lo(pair), s = rowAtOrAfter(b.ts, SECOND);
    return { pair, bars: sliceBars(b, l, b.ts.length), first: s - l, count: b.ts.length - s, baseline: b.close[0]!, upstream: upstream(unit, o, pair, l) };
  });
  return unit.kind === 'pair' ? computePairUnit(unit, inputs[0]!) : computeMonthUnit(unit, '2017-10', inputs);
}

/** The unit's upstream columns for `pair` from row `lo` on, sliced from continuous runs over all rows. */
function upstream(unit: Unit, o: DriftOptions, pair: string, lo: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [from, names] of unit.upstream) {
    const up = o.units.find((u) => u.name === from)!;
    const key = up.kind === 'pair' ? `${up.name}|${pair}` : up.name;
    let r = upstreamCache.get(key);
    if (!r) {
      const bars = up.kind === 'pair' ? new Map([[pair, o.bars.get(pair)!]]) : o.bars;
      const inputs = [...bars].map(([p, b]): PairInput => ({ pair: p, bars: b, first: 0, count: b.ts.length, baseline: b.close[0]!, upstream: upstream(up, o, p, 0) }));
      upstreamCache.set(key, (r = up.kind === 'pair' ? computePairUnit(up, inputs[0]!) : computeMonthUnit(up, '2017-03', inputs)));
    }
    const cols = new Map(r.outputs.get(pair)!.columns);
    for (const n of names) out.set(n, cols.get(n)!.subarray(lo));
  }
  return out;
}
