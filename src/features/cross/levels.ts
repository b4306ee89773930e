// Currency levels on the month grid (FEATURES.md §9): ℓ_c(t) = (1/8) Σ_{j≠c} ln P_{c/j}(t) from as-of
// aligned raw closes (P_{c/j} = close, or 1 / close of the inverse pair), NaN where any of c's 7 pairs is
// stale or not loaded. Σ_c ℓ_c = 0: if P_{c/j} = v_c / v_j then ℓ_c = ln v_c − mean_j ln v_j.
//
// Currency index I_c = 100 · exp(ℓ_c(t) − ℓ_c(t₀)). A month partition cannot see the data set's t₀, so
// ℓ_c(t₀) is taken at the pairs' own baselines (the idx domain's baseline closes b_p, the same
// property of the whole data set): ln(I_c / 100) = (1/8) Σ_{j≠c} ± ln(idx_p(t) / 100), which equals the
// definition whenever the 7 pairs' baseline bars share one minute t₀ (the normal case).
import { CURRENCIES, PAIRS } from '../../core/currencies.ts';
import type { MonthGrid } from './grid.ts';

export interface CurrencyLevels {
  /** ℓ_c on the grid, by CURRENCIES index. */
  readonly level: readonly Float64Array[];
  /** ln(I_c / 100) on the grid, by CURRENCIES index. */
  readonly logIndex: readonly Float64Array[];
  /** Per currency, its pairs that are not loaded (its level is NaN throughout when any is). */
  readonly missing: readonly (readonly string[])[];
}

const memo = new WeakMap<MonthGrid, CurrencyLevels>();

export function currencyLevels(grid: MonthGrid): CurrencyLevels {
  let lv = memo.get(grid);
  if (!lv) memo.set(grid, (lv = build(grid)));
  return lv;
}

function build(grid: MonthGrid): CurrencyLevels {
  const level = CURRENCIES.map(() => new Float64Array(grid.n));
  const logIndex = CURRENCIES.map(() => new Float64Array(grid.n));
  const missing: string[][] = CURRENCIES.map(() => []);
  for (const p of PAIRS) {
    const a = CURRENCIES.indexOf(p.base);
    const b = CURRENCIES.indexOf(p.quote);
    if (!grid.has(p.name)) {
      missing[a]!.push(p.name);
      missing[b]!.push(p.name);
      continue;
    }
    const lp = grid.lnPrice(p.name);
    const idx = grid.aligned(p.name, 'close');
    const [la, lb, ia, ib] = [level[a]!, level[b]!, logIndex[a]!, logIndex[b]!];
    for (let g = 0; g < grid.n; g++) {
      const v = lp[g]! / 8;
      la[g] += v;
      lb[g] -= v;
      const u = Math.log(idx[g]! / 100) / 8;
      ia[g] += u;
      ib[g] -= u;
    }
  }
  for (let c = 0; c < CURRENCIES.length; c++) {
    if (missing[c]!.length > 0) {
      level[c]!.fill(NaN);
      logIndex[c]!.fill(NaN);
    }
  }
  return { level, logIndex, missing };
}
