// Shared test data: a synthetic market (deterministic), cached per test process.
import type { Bars } from '../../src/core/types.ts';
import { sliceBars } from '../../src/core/types.ts';
import { PAIR_NAMES } from '../../src/core/currencies.ts';
import { generateMarket } from '../../src/io/synthetic.ts';

const cache = new Map<string, Map<string, Bars>>();

/** All 28 pairs from `from` for `months` months (seed 11 unless given). */
export function market(from: number, months: number, seed = 11): Map<string, Bars> {
  const key = `${from}|${months}|${seed}`;
  let m = cache.get(key);
  if (!m) {
    m = generateMarket({ pairs: PAIR_NAMES, from, months, seed });
    cache.set(key, m);
  }
  return m;
}

export { rowAtOrAfter as rowAt } from '../../src/core/types.ts';
import { rowAtOrAfter as rowAt } from '../../src/core/types.ts';

export function rowsBefore(b: Bars, t: number): Bars {
  return sliceBars(b, 0, rowAt(b.ts, t));
}
