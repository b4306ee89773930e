// Rolling correlations of the 1-row grid log returns of every pair of loaded pairs, computed once per
// grid and window and reduced on the fly (the 378 series are never held at once): shared by ci
// (related_pairs_correlation_60min) and market (avg_corr_{60,240}).
import { PAIR_NAMES, relatedPairs } from '../../core/currencies.ts';
import { rollingPair } from '../../kernels/corr.ts';
import { gridMinValid } from './common.ts';
import type { MonthGrid } from './grid.ts';

export interface ReturnCorrelations {
  /** Mean |corr| over all 378 pairs of pairs; NaN throughout unless all 28 pairs are loaded. */
  readonly averageAbs: Float64Array;
  /** Per loaded pair, mean over its 12 related pairs of orientation × corr; NaN if one is not loaded. */
  readonly related: ReadonlyMap<string, Float64Array>;
}

const memo = new WeakMap<MonthGrid, Map<number, ReturnCorrelations>>();

export function returnCorrelations(grid: MonthGrid, w: number): ReturnCorrelations {
  let perW = memo.get(grid);
  if (!perW) memo.set(grid, (perW = new Map()));
  let rc = perW.get(w);
  if (!rc) perW.set(w, (rc = build(grid, w)));
  return rc;
}

function build(grid: MonthGrid, w: number): ReturnCorrelations {
  const { n, loaded } = grid;
  const averageAbs = new Float64Array(n);
  const related = new Map(loaded.map((p) => [p, new Float64Array(n)]));
  const orientation = new Map(loaded.map((p) => [p, new Map(relatedPairs(p).map((r) => [r.pair.name, r.orientation]))]));
  const total = (PAIR_NAMES.length * (PAIR_NAMES.length - 1)) / 2;
  const corr = new Float64Array(n);
  for (let i = 0; i < loaded.length; i++) {
    for (let j = i + 1; j < loaded.length; j++) {
      const [p, q] = [loaded[i]!, loaded[j]!];
      rollingPair(grid.ret(p), grid.ret(q), w, gridMinValid(w), { corr });
      for (let g = 0; g < n; g++) averageAbs[g] += Math.abs(corr[g]!) / total;
      const o = orientation.get(p)!.get(q);
      if (o === undefined) continue; // no shared currency
      const [rp, rq] = [related.get(p)!, related.get(q)!];
      for (let g = 0; g < n; g++) {
        const v = (o * corr[g]!) / 12;
        rp[g] += v;
        rq[g] += v;
      }
    }
  }
  if (loaded.length < PAIR_NAMES.length) averageAbs.fill(NaN);
  for (const [p, col] of related) if (relatedPairs(p).some((r) => !grid.has(r.pair.name))) col.fill(NaN);
  return { averageAbs, related };
}
