// The rows of a partition for the causality battery: taken once per pair from the validation's bar cache
// (enough history for every check, the month, the lookahead rows); each check then recomputes the unit
// on spans of them (recompute.ts).
import type { Bars } from '../core/types.ts';
import { addMonths } from '../core/time.ts';
import type { MonthIndex } from '../pipeline/plan.ts';
import type { Unit } from '../pipeline/units.ts';
import type { BarCache } from '../pipeline/bars.ts';

export interface PairRows {
  readonly bars: Bars;
  readonly baseline: number;
  /** First row of the month in `bars`, and one past its last row (lookahead rows follow). */
  readonly start: number;
  readonly end: number;
  /** First loaded row of the previous calendar month, null when that month has no bars. */
  readonly prevStart: number | null;
}

export interface PartitionRows {
  readonly unit: Unit;
  readonly month: string;
  readonly pairs: ReadonlyMap<string, PairRows>;
}

/** Rows of bars the unit's upstream stages need before the unit's own first row (their warm-ups, chained). */
export function upstreamReach(unit: Unit, units: ReadonlyMap<string, Unit>): number {
  let reach = 0;
  for (const [from] of unit.upstream) {
    const up = units.get(from);
    if (!up) throw new Error(`unit ${unit.name} reads unit ${from}, which is not given`);
    reach = Math.max(reach, up.warmup + upstreamReach(up, units));
  }
  return reach;
}

/**
 * Loads each pair's rows for checking `unit` on `month`: `history` rows before the month plus the reach
 * of the upstream units recomputed, the month, and the unit's lookahead rows after it.
 */
export async function loadPartition(
  cache: BarCache, unit: Unit, units: ReadonlyMap<string, Unit>, month: string, pairs: readonly string[],
  baselines: ReadonlyMap<string, number>, index: MonthIndex, history: number,
): Promise<PartitionRows> {
  const prev = addMonths(month, -1);
  const reach = upstreamReach(unit, units);
  const out = new Map<string, PairRows>();
  for (const pair of pairs) {
    const prevBars = index.get(pair)?.find((m) => m.month === prev)?.bars ?? 0;
    const { bars, first, count } = await cache.partition(pair, month, history + reach, unit.lookahead);
    const prevStart = prevBars > 0 ? Math.max(0, first - prevBars) : null;
    const baseline = baselines.get(pair);
    if (baseline === undefined) throw new Error(`no baseline for ${pair}`);
    out.set(pair, { bars, baseline, start: first, end: first + count, prevStart });
  }
  return { unit, month, pairs: out };
}

