// The one loader of a partition's bars, shared by the pipeline (run.ts) and the validator
// (validate/frames.ts): `before` rows of history, the month's bars, and `after` lookahead rows. Windows
// are positional (FEATURES.md §0): the warm-up rows are the previous rows of the pair and the lookahead
// rows the next ones, whatever their distance in time — across a weekend, or a gap of months between
// two ingested periods.
import { concatBars, type Bars } from '../core/types.ts';
import { monthEnd, monthStart } from '../core/time.ts';
import type { Store } from '../store/types.ts';

export interface PartitionBars {
  /** History rows, the month's rows, then lookahead rows: one contiguous block. */
  readonly bars: Bars;
  /** Index of the month's first row in `bars` (= history rows loaded). */
  readonly first: number;
  /** Rows of the month. */
  readonly count: number;
}

/** Loads `pair` for `month` with up to `before` earlier rows and up to `after` later rows. */
export async function loadPartitionBars(store: Store, pair: string, month: string, before: number, after: number): Promise<PartitionBars> {
  const start = monthStart(month), end = monthEnd(month);
  const history = await store.readBarsBefore(pair, start, before);
  const inMonth = await store.readBars(pair, start, end);
  const parts = [history, inMonth];
  if (after > 0) parts.push(await store.readBarsAfter(pair, end, after));
  return { bars: concatBars(parts), first: history.ts.length, count: inMonth.ts.length };
}
