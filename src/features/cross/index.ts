// The 208 cross features (FEATURES.md §9): stages ci (ci, ccy, market), arb (arb) and cross (corr,
// sister — month fan-in on the union grid — and the per-pair dual, mtf, event, time, ret_lag).
import type { Family } from '../types.ts';
import { arbFamily } from './arb.ts';
import { ccyFamily } from './ccy.ts';
import { ciFamily } from './ci.ts';
import { corrFamily } from './corr.ts';
import { dualFamily } from './dual.ts';
import { eventFamily } from './event.ts';
import { marketFamily } from './market.ts';
import { mtfFamily } from './mtf.ts';
import { retLagFamily } from './ret_lag.ts';
import { sisterFamily } from './sister.ts';
import { timeFamily } from './time.ts';

export const CROSS_FAMILIES: readonly Family[] = [
  ciFamily, ccyFamily, marketFamily, arbFamily, corrFamily, sisterFamily,
  dualFamily, mtfFamily, eventFamily, timeFamily, retLagFamily,
];

export { slotMap, type Slot } from './slots.ts';
