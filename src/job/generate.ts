// Generating a synthetic market into the store, month by month (a year of 28 pairs never sits in memory).
import { generateMonths } from '../io/synthetic.ts';
import type { Store } from '../store/types.ts';

export interface GenerateResult { pairs: number; months: number; bars: number; wallMs: number; seed: number }

export async function generateInto(store: Store, opts: { pairs: readonly string[]; from: number; months: number; to?: number; seed: number },
  onMonth?: (month: string, bars: number) => void): Promise<GenerateResult> {
  const t0 = Date.now();
  let total = 0;
  for (const { month, bars } of generateMonths(opts)) {
    let n = 0;
    for (const [pair, b] of bars) {
      await store.upsertBars(pair, b, `synthetic:seed=${opts.seed}`);
      n += b.ts.length;
    }
    total += n;
    onMonth?.(month, n);
  }
  return { pairs: opts.pairs.length, months: opts.months, bars: total, wallMs: Date.now() - t0, seed: opts.seed };
}
