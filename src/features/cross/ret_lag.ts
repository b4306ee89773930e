// ret_lag (30) — the pair's last 30 one-bar log returns (FEATURES.md §9): ret_lag_k = r_{t−k+1} in bp,
// so ret_lag_1 is the return of bar t.
import { lag, logReturn } from '../../kernels/lag.ts';
import type { Family, OutputColumn, PairFrame } from '../types.ts';
import { BP, crossDefs, pairFamily } from './common.ts';

const LAGS = Array.from({ length: 30 }, (_, i) => i + 1);

const features = crossDefs(
  'ret_lag',
  'cross',
  LAGS.map((k) => ({
    name: `ret_lag_${k}`, kernel: 'lag', params: { k: k - 1 }, lookback: k,
    description: k === 1 ? 'ln(C_t / C_{t−1}) in bp' : `ln(C_{t−${k - 1}} / C_{t−${k}}) in bp (the 1-bar return ${k - 1} rows earlier)`,
  })),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  const r = out('ret_lag_1');
  logReturn(frame.close, 1, r, BP);
  for (const k of LAGS.slice(1)) lag(r, k - 1, out(`ret_lag_${k}`));
}

export const retLagFamily: Family = pairFamily('ret_lag', 'cross', features, compute);
