// market (15) — market-wide features, the same for every pair at a given t (FEATURES.md §9): computed
// once per month on the grid, then read back at every pair's rows.
import { CURRENCIES, PAIR_NAMES } from '../../core/currencies.ts';
import { rollingSeries } from '../../kernels/corr.ts';
import type { ComputeContext, Family, MonthInput } from '../types.ts';
import { BP, crossDefs, gridMinValid, UNIT, type CrossSpec, monthFamily } from './common.ts';
import { monthGrid, type MonthGrid } from './grid.ts';
import { currencyLevels, type CurrencyLevels } from './levels.ts';
import { returnCorrelations } from './pairwise.ts';

const WINDOWS = [60, 240] as const;
const DISPERSION = [15, 60] as const;
const RISK = [15, 60, 240] as const;
const MASKED = 'over the valid grid rows of the window (at least half)';
const ALL_PAIRS = 'NaN unless all 28 pairs are loaded and current';

const specs: CrossSpec[] = [
  ...WINDOWS.map((w) => ({ name: `usd_idx_vol${w}`, kernel: 'rolling_std', params: { w }, lookback: w, inputs: ['rawClose'],
    description: `Sample std of the 1-row change of ℓ_USD over ${w} grid rows, bp`, notes: MASKED })),
  ...WINDOWS.map((w) => ({ name: `usd_idx_z${w}`, kernel: 'rolling_z', params: { w }, lookback: w - 1, inputs: ['rawClose'],
    description: `z-score of ℓ_USD over ${w} grid rows`, notes: MASKED })),
  ...WINDOWS.map((w) => ({ name: `usd_idx_er${w}`, kernel: 'efficiency_ratio', params: { w }, lookback: w, inputs: ['rawClose'],
    range: UNIT, description: `Signed efficiency ratio of ℓ_USD over ${w} grid rows: Σ Δℓ / Σ |Δℓ|`,
    notes: `Σ Δℓ / Σ |Δℓ| over the valid 1-row changes of the window (= (ℓ_t − ℓ_{t−${w}}) / Σ|Δℓ| when all are valid)` })),
  ...DISPERSION.map((n) => ({ name: `dispersion_r${n}`, kernel: 'cross_section_std', params: { n }, lookback: n, inputs: ['rawClose'],
    description: `Cross-sectional sample std of the 28 pairs' ${n}-row log returns, bp`, notes: ALL_PAIRS })),
  ...WINDOWS.map((w) => ({ name: `avg_corr_${w}`, kernel: 'rolling_corr', params: { w }, lookback: w, inputs: ['rawClose'],
    range: [0, 1] as const, description: `Mean |correlation| of 1-row returns over ${w} grid rows, all 378 pairs of pairs`,
    notes: `${ALL_PAIRS}; correlations ${MASKED}` })),
  ...WINDOWS.map((w) => ({ name: `mkt_vol_${w}`, kernel: 'rolling_std', params: { w }, lookback: w, inputs: ['rawClose'],
    description: `Mean of the 28 pairs' realised volatility (std of 1-row log returns over ${w} grid rows), bp`,
    notes: `${ALL_PAIRS}; std ${MASKED}` })),
  ...RISK.map((n) => ({ name: `risk_sentiment_r${n}`, kernel: 'log_change', params: { n }, lookback: n, inputs: ['rawClose'],
    description: `bp change over ${n} grid rows of ((ℓ_JPY + ℓ_CHF) − (ℓ_AUD + ℓ_NZD)) / 2` })),
];
const features = crossDefs('market', 'ci', specs);

function computeMonth(input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext): void {
  const grid = monthGrid(input);
  const lv = currencyLevels(grid);
  const emit = (name: string, col: Float64Array): void => {
    for (const pair of grid.loaded) grid.readBack(pair, col, out(pair, name));
  };
  usdFeatures(grid, lv, emit);
  const all = grid.loaded.length === PAIR_NAMES.length;
  if (!all) ctx.note('market.all_pairs', `NaN dispersion/avg_corr/mkt_vol: ${PAIR_NAMES.length - grid.loaded.length} pairs not loaded`);
  for (const n of DISPERSION) emit(`dispersion_r${n}`, all ? dispersion(grid, n) : nanColumn(grid.n));
  for (const w of WINDOWS) {
    emit(`avg_corr_${w}`, returnCorrelations(grid, w).averageAbs);
    emit(`mkt_vol_${w}`, all ? meanVolatility(grid, w) : nanColumn(grid.n));
  }
  const at = (c: string) => lv.level[CURRENCIES.indexOf(c as (typeof CURRENCIES)[number])]!;
  const [jpy, chf, aud, nzd] = [at('JPY'), at('CHF'), at('AUD'), at('NZD')];
  const risk = new Float64Array(grid.n);
  for (let g = 0; g < grid.n; g++) risk[g] = (jpy[g]! + chf[g]! - (aud[g]! + nzd[g]!)) / 2;
  for (const n of RISK) emit(`risk_sentiment_r${n}`, change(risk, n));
}

function usdFeatures(grid: MonthGrid, lv: CurrencyLevels, emit: (name: string, col: Float64Array) => void): void {
  const usd = lv.level[CURRENCIES.indexOf('USD')]!;
  const d = change(usd, 1, 1);
  const absD = d.map(Math.abs);
  const a = new Float64Array(grid.n);
  const b = new Float64Array(grid.n);
  for (const w of WINDOWS) {
    const m = gridMinValid(w);
    rollingSeries(d, w, m, { std: a });
    emit(`usd_idx_vol${w}`, a.map((v) => BP * v));
    rollingSeries(usd, w, m, { z: a });
    emit(`usd_idx_z${w}`, a);
    rollingSeries(d, w, m, { mean: a });
    rollingSeries(absD, w, m, { mean: b });
    emit(`usd_idx_er${w}`, a.map((v, g) => (b[g]! > 0 ? v / b[g]! : NaN)));
  }
}

/** scale · (x[g] − x[g − n]), NaN for g < n. */
function change(x: Float64Array, n: number, scale = BP): Float64Array {
  return x.map((v, g) => (g < n ? NaN : scale * (v - x[g - n]!)));
}

function nanColumn(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

function dispersion(grid: MonthGrid, n: number): Float64Array {
  const lps = grid.loaded.map((p) => grid.lnPrice(p));
  const out = nanColumn(grid.n);
  for (let g = n; g < grid.n; g++) {
    let s = 0;
    let s2 = 0;
    for (const lp of lps) {
      const r = BP * (lp[g]! - lp[g - n]!);
      s += r;
      s2 += r * r;
    }
    const k = lps.length;
    out[g] = Math.sqrt(Math.max(0, (s2 - (s * s) / k) / (k - 1)));
  }
  return out;
}

function meanVolatility(grid: MonthGrid, w: number): Float64Array {
  const acc = new Float64Array(grid.n);
  const std = new Float64Array(grid.n);
  for (const p of grid.loaded) {
    rollingSeries(grid.ret(p), w, gridMinValid(w), { std });
    for (let g = 0; g < grid.n; g++) acc[g] += (BP * std[g]!) / grid.loaded.length;
  }
  return acc;
}

export const marketFamily: Family = monthFamily('market', 'ci', features, computeMonth);
