// A realistic synthetic market of the 28 major FX pairs (DESIGN.md "Synthetic market"), for the demo,
// tests and benchmarks. Deterministic for a seed; generated month by month (so a caller can store
// each month without holding a year of 28 pairs in memory) or all at once, with identical bars.
import { concatBars, type Bars } from '../core/types.ts';
import { addMonths, monthEnd, monthOf, type MonthKey } from '../core/time.ts';
import { MarketSimulator } from './synthetic/simulator.ts';

export { MarketSimulator } from './synthetic/simulator.ts';

/** 2024-07-01T00:00Z. */
export const DEFAULT_FROM = Date.UTC(2024, 6, 1);

export interface GenerateOptions {
  /** Pair names (any of the 28, e.g. 'EURUSD' or 'eur/usd'); bars are keyed by the canonical name. */
  readonly pairs: readonly string[];
  /** Start, epoch ms (floored to the minute); default 2024-07-01. The first month may be partial. */
  readonly from?: number;
  /** Calendar months to generate, counting the month of `from`. */
  readonly months: number;
  /** End (epoch ms, exclusive): the last month stops here when earlier than its end (a partial month). */
  readonly to?: number;
  /** Non-negative integer seed. */
  readonly seed: number;
}

/** One calendar month of the market: bars from max(from, month start) to the month's end. */
export interface MarketMonth {
  readonly month: MonthKey;
  readonly bars: Map<string, Bars>;
}

/** The market month by month; the simulation state carries over from one month to the next. */
export function* generateMonths(opts: GenerateOptions): Generator<MarketMonth> {
  if (!Number.isInteger(opts.months) || opts.months < 1) throw new Error(`months must be a positive integer, got ${opts.months}`);
  const sim = new MarketSimulator(opts.pairs, opts.from ?? DEFAULT_FROM, opts.seed);
  const first = monthOf(sim.time);
  for (let k = 0; k < opts.months; k++) {
    const month = addMonths(first, k);
    yield { month, bars: sim.advance(opts.to === undefined ? monthEnd(month) : Math.min(monthEnd(month), opts.to)) };
  }
}

/** The whole market at once: each pair's bars over all months (onMonth reports progress). */
export function generateMarket(opts: GenerateOptions, onMonth?: (month: MonthKey) => void): Map<string, Bars> {
  const parts = new Map<string, Bars[]>();
  for (const { month, bars } of generateMonths(opts)) {
    for (const [pair, b] of bars) parts.set(pair, [...(parts.get(pair) ?? []), b]);
    onMonth?.(month);
  }
  return new Map([...parts].map(([pair, p]) => [pair, p.length === 1 ? p[0]! : concatBars(p)]));
}
