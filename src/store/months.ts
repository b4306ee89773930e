// Per-month facts of one pair's bars, kept in bar_versions and refreshed by every upsert for the months
// it changed: the content version, the bar count, the first and last bar, and the gaps inside the
// month. A pair's summary folds them in time order, adding the gap across each month boundary, so it
// never has to scan the bars.
import { createHash } from 'node:crypto';
import { BAR_COLUMNS, type Bars } from '../core/types.ts';
import { DAY_MS, MINUTE_MS } from '../core/time.ts';

export interface MonthStats {
  readonly version: string;
  readonly bars: number;
  readonly first: number; // epoch ms of the first bar
  readonly last: number; // epoch ms of the last bar
  readonly missingMinutes: number;
  readonly weekendGaps: number;
}

/**
 * The content version of a block of bars: sha256 (hex) of its columns in BAR_COLUMNS order, each as
 * the float64 bytes of its values in time order (little-endian on every platform Node supports), i.e.
 * of the buffer allocBars lays out. '' for no bars.
 */
export function contentVersion(b: Bars): string {
  if (b.ts.length === 0) return '';
  const h = createHash('sha256');
  for (const c of BAR_COLUMNS) h.update(new Uint8Array(b[c].buffer, b[c].byteOffset, b[c].byteLength));
  return h.digest('hex');
}

/**
 * Adds the gap between consecutive bars at `prev` and `next` to `acc` (PairSummary): a gap of 24 h or
 * more is a weekend gap, a shorter one of g ≥ 2 minutes misses g − 1 minutes.
 */
function addGap(acc: { missingMinutes: number; weekendGaps: number }, prev: number, next: number): void {
  const gap = next - prev;
  if (gap >= DAY_MS) acc.weekendGaps++;
  else if (gap >= 2 * MINUTE_MS) acc.missingMinutes += gap / MINUTE_MS - 1;
}

/** The facts of one month's bars (non-empty, in time order). */
export function monthStats(b: Bars): MonthStats {
  const n = b.ts.length;
  const gaps = { missingMinutes: 0, weekendGaps: 0 };
  for (let i = 1; i < n; i++) addGap(gaps, b.ts[i - 1]!, b.ts[i]!);
  return { version: contentVersion(b), bars: n, first: b.ts[0]!, last: b.ts[n - 1]!, ...gaps };
}

/** One pair's totals from its months' facts, in time order (months without bars are absent). */
export function foldMonths(months: readonly MonthStats[]): Omit<MonthStats, 'version'> {
  const acc = { bars: 0, first: months[0]?.first ?? NaN, last: NaN, missingMinutes: 0, weekendGaps: 0 };
  for (const m of months) {
    if (acc.bars > 0) addGap(acc, acc.last, m.first);
    acc.bars += m.bars;
    acc.last = m.last;
    acc.missingMinutes += m.missingMinutes;
    acc.weekendGaps += m.weekendGaps;
  }
  return acc;
}
