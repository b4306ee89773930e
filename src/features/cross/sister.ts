// sister (30) — returns, volatility, correlation and beta of the pair's 5 sister pairs (FEATURES.md §9):
// sisters = the first 5 related pairs in the liquidity order, returns orientation-adjusted, on the grid.
import { sisters } from '../../core/currencies.ts';
import { rollingPair, rollingSeries } from '../../kernels/corr.ts';
import type { ComputeContext, Family, MonthInput } from '../types.ts';
import { BP, crossDefs, gridMinValid, UNIT, type CrossSpec, monthFamily } from './common.ts';
import { monthGrid } from './grid.ts';

const SLOTS = [1, 2, 3, 4, 5] as const;
const RETS = [1, 5, 15] as const;
const VOL = 30;
const W = 60;
const NOTE = 'sister slot k per pair: slotMap; returns are orientation × the sister\'s grid log return; NaN when the sister is not loaded';
const MASKED = 'over the valid grid rows of the window (at least half)';

const specs: CrossSpec[] = SLOTS.flatMap((k) => [
  ...RETS.map((n) => ({ name: `sis${k}_ret_${n}`, kernel: 'log_change', params: { slot: k, n }, lookback: n, inputs: ['rawClose'],
    description: `Orientation-adjusted ${n}-row log return of sister ${k}, bp`, notes: NOTE })),
  { name: `sis${k}_vol_${VOL}`, kernel: 'rolling_std', params: { slot: k, w: VOL }, lookback: VOL, inputs: ['rawClose'],
    description: `Sample std of sister ${k}'s 1-row returns over ${VOL} grid rows, bp`, notes: `${NOTE}; ${MASKED}` },
  { name: `sis${k}_corr_${W}`, kernel: 'rolling_corr', params: { slot: k, w: W }, lookback: W, inputs: ['rawClose'], range: UNIT,
    description: `Correlation over ${W} grid rows of the pair's and sister ${k}'s (adjusted) 1-row returns`, notes: `${NOTE}; ${MASKED}` },
  { name: `sis${k}_beta_${W}`, kernel: 'rolling_beta', params: { slot: k, w: W }, lookback: W, inputs: ['rawClose'],
    description: `OLS beta over ${W} grid rows of the pair's 1-row return on sister ${k}'s adjusted return`, notes: `${NOTE}; ${MASKED}` },
]);
const features = crossDefs('sister', 'cross', specs);

function computeMonth(input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext): void {
  const grid = monthGrid(input);
  const n = grid.n;
  const tmp = new Float64Array(n);
  const beta = new Float64Array(n);
  const adj = new Float64Array(n);
  const own = new Float64Array(n);
  for (const pair of grid.loaded) {
    const r1 = grid.ret(pair);
    for (let g = 0; g < n; g++) own[g] = BP * r1[g]!;
    sisters(pair).forEach((s, i) => {
      const k = i + 1;
      const name = s.pair.name;
      const cols = [...RETS.map((r) => `sis${k}_ret_${r}`), `sis${k}_vol_${VOL}`, `sis${k}_corr_${W}`, `sis${k}_beta_${W}`];
      if (!grid.has(name)) {
        for (const c of cols) out(pair, c).fill(NaN);
        ctx.note(`sister.${pair}.sis${k}`, `NaN: ${name} not loaded`);
        return;
      }
      const lp = grid.lnPrice(name);
      const o = s.orientation;
      for (const r of RETS) {
        for (let g = 0; g < n; g++) tmp[g] = g < r ? NaN : o * BP * (lp[g]! - lp[g - r]!);
        grid.readBack(pair, tmp, out(pair, `sis${k}_ret_${r}`));
      }
      const ret = grid.ret(name);
      for (let g = 0; g < n; g++) adj[g] = o * BP * ret[g]!;
      rollingSeries(adj, VOL, gridMinValid(VOL), { std: tmp });
      grid.readBack(pair, tmp, out(pair, `sis${k}_vol_${VOL}`));
      rollingPair(adj, own, W, gridMinValid(W), { corr: tmp, beta });
      grid.readBack(pair, tmp, out(pair, `sis${k}_corr_${W}`));
      grid.readBack(pair, beta, out(pair, `sis${k}_beta_${W}`));
    });
  }
}

export const sisterFamily: Family = monthFamily('sister', 'cross', features, computeMonth);
