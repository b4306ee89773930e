// Triangle residuals of a pair on the month grid (FEATURES.md §9 arb), from absolute rates:
// tri_k = bp of ln P_{A/B} − ln P_{A/C_k} − ln P_{C_k/B}, slot k = the k-th third currency in canonical
// order (core/currencies.ts trianglesOf), ln P_{X/Y} = sign · ln(close of the traded pair).
import { trianglesOf } from '../../core/currencies.ts';
import { BP } from './common.ts';
import type { MonthGrid } from './grid.ts';

export interface TriangleResiduals {
  /** Six grid columns in bp; a slot with a leg not loaded is NaN throughout. */
  readonly slots: readonly Float64Array[];
  /** Per slot, the legs that are not loaded. */
  readonly missing: readonly (readonly string[])[];
}

const memo = new WeakMap<MonthGrid, Map<string, TriangleResiduals>>();

export function triangleResiduals(grid: MonthGrid, pair: string): TriangleResiduals {
  let perPair = memo.get(grid);
  if (!perPair) memo.set(grid, (perPair = new Map()));
  let tr = perPair.get(pair);
  if (!tr) perPair.set(pair, (tr = build(grid, pair)));
  return tr;
}

function build(grid: MonthGrid, pair: string): TriangleResiduals {
  const own = grid.lnPrice(pair);
  const slots: Float64Array[] = [];
  const missing: string[][] = [];
  for (const tri of trianglesOf(pair)) {
    const out = new Float64Array(grid.n);
    const absent = [tri.viaA.pair.name, tri.viaB.pair.name].filter((p) => !grid.has(p));
    if (absent.length > 0) out.fill(NaN);
    else {
      const x = grid.lnPrice(tri.viaA.pair.name);
      const y = grid.lnPrice(tri.viaB.pair.name);
      const [sx, sy] = [tri.viaA.sign, tri.viaB.sign];
      for (let g = 0; g < grid.n; g++) out[g] = BP * (own[g]! - sx * x[g]! - sy * y[g]!);
    }
    slots.push(out);
    missing.push(absent);
  }
  return { slots, missing };
}
