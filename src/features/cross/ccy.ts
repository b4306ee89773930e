// ccy (24) — bp change of each currency level ℓ_c over n grid rows (FEATURES.md §9); market-wide:
// computed once per month on the grid and read back at every pair's rows.
import { CURRENCIES } from '../../core/currencies.ts';
import type { ComputeContext, Family, MonthInput } from '../types.ts';
import { BP, crossDefs, monthFamily } from './common.ts';
import { monthGrid } from './grid.ts';
import { currencyLevels } from './levels.ts';

const HORIZONS = [15, 60, 240] as const;
const SPECS = CURRENCIES.flatMap((c, ci) => HORIZONS.map((n) => ({ c, ci, n, name: `ccy_${c.toLowerCase()}_r${n}` })));

const features = crossDefs(
  'ccy',
  'ci',
  SPECS.map(({ c, n, name }) => ({
    name, kernel: 'log_change', params: { currency: c, n }, lookback: n, inputs: ['rawClose'],
    description: `bp change of the ${c} level ℓ over ${n} grid rows`,
    notes: 'NaN while any of the currency\'s 7 pairs is stale or not loaded',
  })),
);

function computeMonth(input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext): void {
  const grid = monthGrid(input);
  const lv = currencyLevels(grid);
  const col = new Float64Array(grid.n);
  for (const { ci, n, name } of SPECS) {
    const l = lv.level[ci]!;
    for (let g = 0; g < grid.n; g++) col[g] = g < n ? NaN : BP * (l[g]! - l[g - n]!);
    for (const pair of grid.loaded) grid.readBack(pair, col, out(pair, name));
  }
  CURRENCIES.forEach((c, ci) => {
    if (lv.missing[ci]!.length > 0) ctx.note(`ccy.${c}`, `NaN: pairs not loaded: ${lv.missing[ci]!.join(' ')}`);
  });
}

export const ccyFamily: Family = monthFamily('ccy', 'ci', features, computeMonth);
