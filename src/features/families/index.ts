// Every family of the catalog, in catalog order (FEATURES.md §1–§10).
import type { Family } from '../types.ts';
import { CROSS_FAMILIES } from '../cross/index.ts';
import { bb } from './bb.ts';
import { bqx } from './bqx.ts';
import { erm } from './erm.ts';
import { fib } from './fib.ts';
import { lag } from './lag.ts';
import { ma } from './ma.ts';
import { micro } from './micro.ts';
import { reg } from './reg.ts';
import { regime } from './regime.ts';
import { ret } from './ret.ts';
import { stat } from './stat.ts';
import { targets } from './targets.ts';
import { ti } from './ti.ts';
import { vol } from './vol.ts';

export const FAMILIES: readonly Family[] = [
  bqx, reg, stat, bb, ret, vol, ma, fib, lag, micro, ti, erm, regime, ...CROSS_FAMILIES, targets,
];
