// Pure helpers of upsertBars: input checks and the merge of incoming bars with the stored ones (which
// rows are new, changed or identical, and the merged result).
import { allocBars, BAR_COLUMNS, sliceBars, type Bars } from '../core/types.ts';
import { isoMinute, MINUTE_MS, monthEnd, monthOf, type MonthKey } from '../core/time.ts';


/** Bars lie in the years 1000–9999, whose months are 'YYYY-MM' keys. */
export const TS_MIN = Date.UTC(1000, 0, 1);
export const TS_MAX = Date.UTC(10000, 0, 1) - MINUTE_MS;

/** Throws unless `b` is a well-formed block: equal column lengths, ts on whole minutes in range, strictly increasing. */
export function checkBars(b: Bars): void {
  const n = b.ts.length;
  for (const c of BAR_COLUMNS) {
    if (b[c].length !== n) throw new Error(`bars: column ${c} has ${b[c].length} values, ts has ${n}`);
  }
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = b.ts[i]!;
    if (!Number.isFinite(t) || t % MINUTE_MS !== 0) throw new Error(`bars: ts[${i}] = ${t} is not a whole minute (epoch ms)`);
    if (t < TS_MIN || t > TS_MAX) throw new Error(`bars: ts[${i}] = ${t} is outside the years 1000–9999`);
    if (t <= prev) throw new Error(`bars: ts[${i}] = ${isoMinute(t)} does not come after ts[${i - 1}] = ${isoMinute(prev)}`);
    prev = t;
  }
}

export interface BarDiff {
  /** The incoming bars that are new or differ from the stored ones, in time order (`incoming` itself when all are). */
  readonly changed: Bars;
  readonly inserted: number; // bars at timestamps not stored yet
  readonly replaced: number; // bars at stored timestamps whose values differ
  readonly unchanged: number;
  /** The months of the changed bars, ascending. */
  readonly months: MonthKey[];
}

/**
 * Classifies each incoming bar against `stored` (the stored bars of the same pair over the incoming
 * time range, in time order) by one merge walk over both. Values are the same when Object.is says so:
 * NaN equals NaN but −0 differs from +0, so that the store holds bit for bit what it was last given
 * (up to NaN payloads).
 */
export function diffBars(stored: Bars, incoming: Bars): BarDiff {
  const n = incoming.ts.length;
  const m = stored.ts.length;
  const { ts, open, high, low, close, volume } = incoming;
  const s = stored;
  const changedRows = new Int32Array(n); // indices of the changed incoming bars, in order
  let k = 0;
  let replaced = 0;
  for (let i = 0, j = 0; i < n; i++) {
    const t = ts[i]!;
    while (j < m && s.ts[j]! < t) j++;
    if (j < m && s.ts[j] === t) {
      if (Object.is(open[i], s.open[j]) && Object.is(high[i], s.high[j]) && Object.is(low[i], s.low[j]) &&
        Object.is(close[i], s.close[j]) && Object.is(volume[i], s.volume[j])) continue;
      replaced++;
    }
    changedRows[k++] = i;
  }
  const changed = k === n ? incoming : allocBars(k);
  if (changed !== incoming) {
    for (const c of BAR_COLUMNS) {
      const src = incoming[c];
      const dst = changed[c];
      for (let r = 0; r < k; r++) dst[r] = src[changedRows[r]!]!;
    }
  }
  const months: MonthKey[] = [];
  let monthLimit = -Infinity; // end of the last month pushed (rows are in time order)
  for (let r = 0; r < k; r++) {
    if (changed.ts[r]! < monthLimit) continue;
    const month = monthOf(changed.ts[r]!);
    months.push(month);
    monthLimit = monthEnd(month);
  }
  return { changed, inserted: k - replaced, replaced, unchanged: n - k, months };
}

/** The stored bars with the incoming ones laid over them (incoming wins at equal ts), in time order. */
export function mergeBars(stored: Bars, incoming: Bars): Bars {
  const n = incoming.ts.length;
  const m = stored.ts.length;
  if (m === 0) return incoming;
  let size = m;
  for (let i = 0, j = 0; i < n; i++) {
    while (j < m && stored.ts[j]! < incoming.ts[i]!) j++;
    if (!(j < m && stored.ts[j] === incoming.ts[i])) size++;
  }
  const from = new Uint8Array(size); // per merged row: 1 = incoming, 0 = stored
  const row = new Int32Array(size);
  for (let i = 0, j = 0, r = 0; r < size; r++) {
    const takeIncoming = i < n && (j >= m || incoming.ts[i]! <= stored.ts[j]!);
    if (takeIncoming && j < m && stored.ts[j] === incoming.ts[i]) j++; // replaced
    from[r] = takeIncoming ? 1 : 0;
    row[r] = takeIncoming ? i++ : j++;
  }
  const out = allocBars(size);
  for (const c of BAR_COLUMNS) {
    const a = stored[c];
    const b = incoming[c];
    const dst = out[c];
    for (let r = 0; r < size; r++) dst[r] = from[r] === 1 ? b[row[r]!]! : a[row[r]!]!;
  }
  return out;
}

/** The rows of `b` (in time order) with from ≤ ts < to, as views. */
export function rangeOf(b: Bars, from: number, to: number): Bars {
  return sliceBars(b, lowerBound(b.ts, from), lowerBound(b.ts, to));
}

/** The first index i with ts[i] ≥ x. */
function lowerBound(ts: Float64Array, x: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
