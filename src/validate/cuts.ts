// Where the battery cuts a partition: at random rows, and at the rows where rare leaks hide — the last
// bars of the month, the last bar before a weekend gap and the first after it, the regime HMM's refit
// boundary (Saturday 00:00 UTC), a daylight-saving change and a missing-minute hole. A cut at row r keeps
// rows ≤ r and truncates or perturbs those after it, so a leak that reads past r at r is caught there.
import { HOUR_MS, MINUTE_MS, WEEK_MS } from '../core/time.ts';
import type { Rng } from '../io/synthetic/prng.ts';
import { rowAtOrAfter } from './compare.ts';

/** A gap at least this long is a weekend (or holiday) closure; a shorter one of > 1 minute is a hole. */
export const WEEKEND_GAP_MS = 24 * HOUR_MS;

export interface PlacedCut {
  /** The last row kept. */
  readonly row: number;
  readonly why: string;
}

/** The cut timestamps: k distinct rows of the focus pair's month, uniform for the seed, in time order. */
export function cutPoints(ts: Float64Array, start: number, end: number, k: number, rng: Rng): number[] {
  const rows = new Set<number>();
  const n = end - start;
  while (rows.size < Math.min(k, n)) rows.add(start + Math.floor(rng.uniform() * n));
  return [...rows].sort((a, b) => a - b).map((r) => ts[r]!);
}

const sunday = (year: number, month: number, day: number) => Date.UTC(year, month, day + ((7 - new Date(Date.UTC(year, month, day)).getUTCDay()) % 7));

/**
 * The daylight-saving changes of a year (UTC): US (Energy Policy Act 2005: 2:00 local on the second
 * Sunday of March and the first Sunday of November, i.e. 07:00 and 06:00 UTC for New York) and EU
 * (Directive 2000/84/EC: 01:00 UTC on the last Sunday of March and of October).
 */
export function dstChanges(year: number): number[] {
  const lastSunday = (month: number) => sunday(year, month, 25);
  return [
    sunday(year, 2, 8) + 7 * HOUR_MS, sunday(year, 10, 1) + 6 * HOUR_MS,
    lastSunday(2) + 1 * HOUR_MS, lastSunday(9) + 1 * HOUR_MS,
  ].sort((a, b) => a - b);
}

/** The first Saturday 00:00 UTC after `ms` (1970-01-03 was a Saturday). */
export function nextSaturday(ms: number): number {
  const base = Date.UTC(1970, 0, 3);
  return base + Math.floor((ms - base) / WEEK_MS + 1) * WEEK_MS;
}

/**
 * The placed cuts of a pair's month rows [start, end) of `ts`; `loaded` = rows in `ts` (rows after `end`
 * are the lookahead rows a unit with targets loads). At most one of each kind, deduplicated by row.
 * Month end: the last bar when rows after the month are loaded (a base-stage feature must not read
 * them), else the second-last (the last bar is then what a leak at the end reads).
 */
export function placedCuts(ts: Float64Array, start: number, end: number, loaded: number): PlacedCut[] {
  if (end - start < 2) return [];
  const out: PlacedCut[] = [];
  const add = (row: number, why: string) => {
    if (row >= start && row < end && !out.some((c) => c.row === row)) out.push({ row, why });
  };
  add(loaded > end ? end - 1 : end - 2, 'the last bar of the month');
  let weekend = -1, hole = -1;
  for (let r = start + 1; r < end && (weekend < 0 || hole < 0); r++) {
    const gap = ts[r]! - ts[r - 1]!;
    if (gap >= WEEKEND_GAP_MS && weekend < 0) weekend = r;
    else if (gap > MINUTE_MS && gap < WEEKEND_GAP_MS && hole < 0) hole = r;
  }
  if (weekend > 0) {
    add(weekend - 1, 'the last bar before a weekend gap');
    add(weekend, 'the first bar after a weekend gap');
  }
  const saturday = rowAtOrAfter(ts, nextSaturday(ts[start]!));
  if (saturday < end) {
    add(saturday - 1, 'the last bar before the Saturday 00:00 UTC refit boundary');
    add(saturday, 'the first bar after the Saturday 00:00 UTC refit boundary');
  }
  const year = new Date(ts[start]!).getUTCFullYear();
  for (const t of dstChanges(year)) {
    if (t > ts[start]! && t <= ts[end - 1]!) { add(rowAtOrAfter(ts, t), 'the first bar after a daylight-saving change'); break; }
  }
  if (hole > 0) add(hole - 1, 'the last bar before a missing-minute hole');
  return out.sort((a, b) => a.row - b.row);
}
