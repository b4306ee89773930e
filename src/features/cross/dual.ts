// dual (20) — rate ↔ bqx coupling on the pair's own rows (FEATURES.md §9): u = r (bp), v = ΔB; the
// regression r² gaps and trend coherence reuse the reg stage outputs (no refit).
import { lag, logReturn, diff } from '../../kernels/lag.ts';
import { rollingPair } from '../../kernels/corr.ts';
import type { Family, OutputColumn, PairFrame } from '../types.ts';
import { B_LOOKBACK, BP, crossDefs, UNIT, type CrossSpec, pairFamily } from './common.ts';

const FIT = [20, 60] as const;
const REG = [60, 90, 150, 240, 390, 630] as const;
const XLAGS = [1, 5] as const;
const XW = 60;
const V_LOOKBACK = 1 + B_LOOKBACK; // ΔB
const reg = (d: 'idx' | 'bqx', w: number, metric: string) => `reg_${d}_w${w}_${metric}`;

const specs: CrossSpec[] = [
  ...FIT.map((w) => ({ name: `dual_corr_w${w}`, kernel: 'rolling_corr', params: { w }, inputs: ['close', 'bqx'], range: UNIT,
    lookback: w - 1 + V_LOOKBACK, description: `Correlation over ${w} rows of the 1-bar return r (bp) and ΔB` })),
  ...FIT.map((w) => ({ name: `dual_beta_w${w}`, kernel: 'rolling_beta', params: { w }, inputs: ['close', 'bqx'],
    lookback: w - 1 + V_LOOKBACK, description: `OLS slope of ΔB on r (bp) over ${w} rows` })),
  ...FIT.map((w) => ({ name: `dual_resid_z_w${w}`, kernel: 'rolling_resid_z', params: { w }, inputs: ['close', 'bqx'],
    lookback: w - 1 + V_LOOKBACK, description: `Residual of row t in the ${w}-row fit of ΔB on r, over the sample std of the window's residuals`,
    notes: 'z = e_t / sqrt(SSres / (w − 1)): the residuals have mean 0; sample std (n − 1) as everywhere' })),
  ...REG.map((w) => ({ name: `dual_r2_gap_w${w}`, kernel: 'difference', params: { w }, inputs: [reg('idx', w, 'r2'), reg('bqx', w, 'r2')],
    lookback: w - 1 + B_LOOKBACK, range: UNIT, description: `${reg('idx', w, 'r2')} − ${reg('bqx', w, 'r2')}` })),
  ...REG.map((w) => ({ name: `dual_trend_coherence_w${w}`, kernel: 'sign_product', params: { w }, discrete: [-1, 0, 1],
    inputs: [reg('idx', w, 'linear_term'), reg('bqx', w, 'linear_term')], lookback: w - 1 + B_LOOKBACK,
    description: `−sign(${reg('idx', w, 'linear_term')}) · sign(${reg('bqx', w, 'linear_term')}) (B > 0 when the price fell, hence the minus)` })),
  ...XLAGS.map((k) => ({ name: `dual_xcorr_lag${k}_w${XW}`, kernel: 'rolling_corr', params: { lag: k, w: XW }, inputs: ['close', 'bqx'],
    range: UNIT, lookback: XW - 1 + Math.max(k + 1, V_LOOKBACK), description: `Correlation over ${XW} rows of u_{t−${k}} and v_t` })),
];
const features = crossDefs('dual', 'cross', specs);

function compute(frame: PairFrame, out: OutputColumn): void {
  const n = frame.n;
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  logReturn(frame.close, 1, u, BP);
  diff(frame.bqx, 1, v);
  for (const w of FIT) {
    rollingPair(u, v, w, w, { corr: out(`dual_corr_w${w}`), beta: out(`dual_beta_w${w}`), residZ: out(`dual_resid_z_w${w}`) });
  }
  for (const w of REG) {
    const [ri, rb] = [frame.upstream(reg('idx', w, 'r2')), frame.upstream(reg('bqx', w, 'r2'))];
    const [li, lb] = [frame.upstream(reg('idx', w, 'linear_term')), frame.upstream(reg('bqx', w, 'linear_term'))];
    const gap = out(`dual_r2_gap_w${w}`);
    const coherence = out(`dual_trend_coherence_w${w}`);
    for (let t = 0; t < n; t++) {
      gap[t] = ri[t]! - rb[t]!;
      const c = -Math.sign(li[t]!) * Math.sign(lb[t]!);
      coherence[t] = c === 0 ? 0 : c; // no −0; NaN stays NaN
    }
  }
  const lagged = new Float64Array(n);
  for (const k of XLAGS) {
    lag(u, k, lagged);
    rollingPair(lagged, v, XW, XW, { corr: out(`dual_xcorr_lag${k}_w${XW}`) });
  }
}

export const dualFamily: Family = pairFamily('dual', 'cross', features, compute);
