// arb (16), seed stage 2.4 — triangular arbitrage residuals of the pair (FEATURES.md §9), on the grid.
import { rollingPair, rollingSeries } from '../../kernels/corr.ts';
import { rollingShare } from '../../kernels/count.ts';
import type { ComputeContext, Family, MonthInput } from '../types.ts';
import { crossDefs, gridMinValid, type CrossSpec, monthFamily } from './common.ts';
import { monthGrid } from './grid.ts';
import { triangleResiduals } from './triangles.ts';

const W = 60;
const SLOTS = [1, 2, 3, 4, 5, 6] as const;
const CONSISTENT_BP = 2;
const MASKED = 'over the valid grid rows of the window (at least half)';
const SLOT_NOTE = 'slot k = the k-th third currency in canonical order (slotMap); NaN when a leg is not loaded';

const specs: CrossSpec[] = [
  ...SLOTS.map((k) => ({ name: `tri_resid_${k}`, kernel: 'triangle', params: { slot: k }, lookback: 0, inputs: ['rawClose'],
    description: `Triangle residual through third currency slot ${k}: bp of ln P_AB − ln P_AC − ln P_CB`, notes: SLOT_NOTE })),
  ...SLOTS.map((k) => ({ name: `tri_z_${k}`, kernel: 'rolling_z', params: { slot: k, w: W }, lookback: W - 1, inputs: ['rawClose'],
    description: `z-score of tri_resid_${k} over ${W} grid rows`, notes: `${SLOT_NOTE}; ${MASKED}` })),
  { name: 'triangular_arb_residual', kernel: 'triangle', lookback: 0, inputs: ['rawClose'],
    description: 'Mean over the 6 triangles of |tri_resid_k|, bp' },
  { name: 'triangular_arb_zscore', kernel: 'rolling_z', params: { w: W }, lookback: W - 1, inputs: ['rawClose'],
    description: `z-score of triangular_arb_residual over ${W} grid rows`, notes: MASKED },
  { name: 'triangular_consistency_60min', kernel: 'rolling_mean', params: { w: W, bp: CONSISTENT_BP }, lookback: W - 1,
    inputs: ['rawClose'], range: [0, 1],
    description: `Fraction of the last ${W} grid rows with max_k |tri_resid_k| ≤ ${CONSISTENT_BP} bp`, notes: MASKED },
  { name: 'cross_pair_efficiency_score', kernel: 'rolling_corr', params: { w: W }, lookback: W, inputs: ['rawClose'],
    range: [0, 1], description: '1 − max(0, ac1), ac1 = lag-1 autocorrelation over 60 grid rows of the signed mean residual',
    notes: `ac1 = Pearson correlation of the pairs (m_{t−1}, m_t) over the ${W} rows of the window, ${MASKED}` },
];
const features = crossDefs('arb', 'arb', specs);

function computeMonth(input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext): void {
  const grid = monthGrid(input);
  const n = grid.n;
  const z = new Float64Array(n);
  const absMean = new Float64Array(n);
  const consistent = new Float64Array(n);
  const mean = new Float64Array(n);
  const meanLag = new Float64Array(n);
  const ac1 = new Float64Array(n);
  for (const pair of grid.loaded) {
    const { slots, missing } = triangleResiduals(grid, pair);
    slots.forEach((tri, k) => {
      grid.readBack(pair, tri, out(pair, `tri_resid_${k + 1}`));
      rollingSeries(tri, W, gridMinValid(W), { z });
      grid.readBack(pair, z, out(pair, `tri_z_${k + 1}`));
      if (missing[k]!.length > 0) ctx.note(`arb.${pair}.slot${k + 1}`, `NaN: legs not loaded: ${missing[k]!.join(' ')}`);
    });
    for (let g = 0; g < n; g++) {
      let sAbs = 0;
      let s = 0;
      let mx = 0;
      for (const tri of slots) {
        const v = tri[g]!;
        sAbs += Math.abs(v);
        s += v;
        mx = Math.max(mx, Math.abs(v)); // NaN-propagating
      }
      absMean[g] = sAbs / slots.length;
      mean[g] = s / slots.length;
      consistent[g] = mx !== mx ? NaN : mx <= CONSISTENT_BP ? 1 : 0;
      meanLag[g] = g > 0 ? mean[g - 1]! : NaN;
    }
    grid.readBack(pair, absMean, out(pair, 'triangular_arb_residual'));
    rollingSeries(absMean, W, gridMinValid(W), { z });
    grid.readBack(pair, z, out(pair, 'triangular_arb_zscore'));
    rollingShare(consistent, W, gridMinValid(W), z);
    grid.readBack(pair, z, out(pair, 'triangular_consistency_60min'));
    rollingPair(meanLag, mean, W, gridMinValid(W), { corr: ac1 });
    for (let g = 0; g < n; g++) z[g] = 1 - Math.max(0, ac1[g]!);
    grid.readBack(pair, z, out(pair, 'cross_pair_efficiency_score'));
  }
}

export const arbFamily: Family = monthFamily('arb', 'arb', features, computeMonth);
