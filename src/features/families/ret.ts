// ret — multi-horizon log returns of the idx close (FEATURES.md §7): ret_idx_r{n} = ln(C_t / C_{t−n}) in bp.
import { feature } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { logReturn } from '../../kernels/lag.ts';

export const RET_HORIZONS = [5, 15, 30, 60, 120, 240] as const;
/** Basis points per unit of log return. */
export const BP = 1e4;

export const retName = (n: number) => `ret_idx_r${n}`;

const features: FeatureDef[] = RET_HORIZONS.map((n) =>
  feature({
    name: retName(n),
    family: 'ret',
    domain: 'idx',
    stage: 'base',
    kernel: 'logReturn',
    params: { n, scale: BP },
    inputs: ['close'],
    lookback: n,
    description: `Log return of the idx close over ${n} rows, ln(C_t / C_{t−${n}}), in basis points.`,
  }),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  for (const n of RET_HORIZONS) logReturn(frame.close, n, out(retName(n)), BP);
}

export const ret: Family = { name: 'ret', stage: 'base', version: 1, partition: 'pair', features, compute };
