// ci (8), seed stage 2.3 — currency indices of the pair's two currencies (FEATURES.md §9).
import { CURRENCIES, pairInfo, relatedPairs } from '../../core/currencies.ts';
import type { ComputeContext, Family, MonthInput } from '../types.ts';
import { BP, crossDefs, UNIT, monthFamily } from './common.ts';
import { monthGrid, type MonthGrid } from './grid.ts';
import { currencyLevels, type CurrencyLevels } from './levels.ts';
import { returnCorrelations } from './pairwise.ts';
import { triangleResiduals } from './triangles.ts';

const N = 60; // the 60-row changes and correlation of this family
const INDEX_NOTE =
  'I_c = 100·exp(ℓ_c(t) − ℓ_c(t₀)) with ℓ_c(t₀) taken at the pairs\' own idx baseline closes (partition-invariant; equals the definition when the 7 baseline bars share one minute)';

const features = crossDefs('ci', 'ci', [
  ...(['base', 'quote'] as const).map((side) => ({
    name: `${side}_currency_index`, kernel: 'currency_index', lookback: 0, inputs: ['rawClose', 'close'],
    description: `Currency index I of the pair's ${side} currency (100 at the baseline)`, notes: INDEX_NOTE,
  })),
  { name: 'currency_index_differential', kernel: 'currency_index', lookback: 0, inputs: ['rawClose', 'close'],
    description: '100 · ln(I_base / I_quote)', notes: INDEX_NOTE },
  ...(['base', 'quote'] as const).map((side) => ({
    name: `${side}_currency_strength_percentile`, kernel: 'currency_rank', params: { n: N }, lookback: N,
    inputs: ['rawClose'], range: [0, 100] as const,
    description: `100 × (number of the 8 currencies whose 60-row change of ℓ is lower than the ${side} currency's) / 7`,
    notes: 'ties are not lower; NaN when any of the 8 levels is undefined at t or t−60',
  })),
  { name: 'pair_divergence_from_index', kernel: 'log_change', params: { n: N }, lookback: N, inputs: ['rawClose'],
    description: 'bp of [60-row log change of the pair − 60-row change of (ℓ_base − ℓ_quote)]' },
  { name: 'related_pairs_correlation_60min', kernel: 'rolling_corr', params: { w: N }, lookback: N, inputs: ['rawClose'],
    range: UNIT, description: 'Mean over the 12 related pairs of orientation × correlation over 60 grid rows of 1-row log returns',
    notes: 'correlations over the valid grid rows of the window (at least half); NaN when a related pair is not loaded' },
  { name: 'triangular_consistency_score', kernel: 'triangle', lookback: 0, inputs: ['rawClose'], range: [0, 1],
    description: 'exp(−mean_k |tri_resid_k| / 1 bp) over the 6 triangles' },
]);

function computeMonth(input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext): void {
  const grid = monthGrid(input);
  const lv = currencyLevels(grid);
  const pct = strengthPercentiles(grid, lv);
  const tmp = new Float64Array(grid.n);
  for (const pair of grid.loaded) {
    const info = pairInfo(pair);
    const a = CURRENCIES.indexOf(info.base);
    const b = CURRENCIES.indexOf(info.quote);
    const put = (name: string, f: (g: number) => number): void => {
      for (let g = 0; g < grid.n; g++) tmp[g] = f(g);
      grid.readBack(pair, tmp, out(pair, name));
    };
    const [ia, ib, la, lb] = [lv.logIndex[a]!, lv.logIndex[b]!, lv.level[a]!, lv.level[b]!];
    put('base_currency_index', (g) => 100 * Math.exp(ia[g]!));
    put('quote_currency_index', (g) => 100 * Math.exp(ib[g]!));
    put('currency_index_differential', (g) => 100 * (ia[g]! - ib[g]!));
    grid.readBack(pair, pct[a]!, out(pair, 'base_currency_strength_percentile'));
    grid.readBack(pair, pct[b]!, out(pair, 'quote_currency_strength_percentile'));
    const lp = grid.lnPrice(pair);
    put('pair_divergence_from_index', (g) =>
      g < N ? NaN : BP * (lp[g]! - lp[g - N]! - (la[g]! - lb[g]! - (la[g - N]! - lb[g - N]!))));

    grid.readBack(pair, returnCorrelations(grid, N).related.get(pair)!, out(pair, 'related_pairs_correlation_60min'));
    const absent = relatedPairs(pair).filter((r) => !grid.has(r.pair.name)).map((r) => r.pair.name);
    if (absent.length > 0) ctx.note(`ci.${pair}.related_pairs_correlation_60min`, `NaN: related pairs not loaded: ${absent.join(' ')}`);

    const tri = triangleResiduals(grid, pair).slots;
    put('triangular_consistency_score', (g) => {
      let s = 0;
      for (const t of tri) s += Math.abs(t[g]!);
      return Math.exp(-s / tri.length);
    });
  }
  const undefinedCcy = CURRENCIES.filter((_, c) => lv.missing[c]!.length > 0);
  if (undefinedCcy.length > 0) ctx.note('ci.undefined_currencies', `levels NaN (pairs not loaded): ${undefinedCcy.join(' ')}`);
}

/** Per currency, 100 × #{currencies with a lower 60-row change of ℓ} / 7; NaN unless all 8 are defined. */
function strengthPercentiles(grid: MonthGrid, lv: CurrencyLevels): Float64Array[] {
  const k = CURRENCIES.length;
  const pct = CURRENCIES.map(() => new Float64Array(grid.n).fill(NaN));
  const d = new Float64Array(k);
  for (let g = N; g < grid.n; g++) {
    let ok = true;
    for (let c = 0; c < k; c++) {
      d[c] = lv.level[c]![g]! - lv.level[c]![g - N]!;
      if (d[c] !== d[c]) ok = false;
    }
    if (!ok) continue;
    for (let c = 0; c < k; c++) {
      let lower = 0;
      for (let j = 0; j < k; j++) if (d[j]! < d[c]!) lower++;
      pct[c]![g] = (100 * lower) / (k - 1);
    }
  }
  return pct;
}

export const ciFamily: Family = monthFamily('ci', 'ci', features, computeMonth);
