// The FX trading week of the synthetic market: open from Sunday 17:00 to Friday 17:00 New York time
// (21:00 UTC in summer, 22:00 UTC in winter), as in the Dukascopy and HistData sources
// (/work/shared/data/real-fx/SOURCES.md). No holidays.
import { DAY_MS, HOUR_MS } from '../../core/time.ts';

export interface TradingWeek {
  /** First minute of the week (inclusive), epoch ms UTC. */
  readonly open: number;
  /** End of the week (exclusive), epoch ms UTC. */
  readonly close: number;
}

/** 00:00 UTC of the n-th Sunday (n ≥ 1) of month `month0` (0-based) of `year`. */
function nthSunday(year: number, month0: number, n: number): number {
  const first = Date.UTC(year, month0, 1);
  const dow = new Date(first).getUTCDay();
  return first + (((7 - dow) % 7) + 7 * (n - 1)) * DAY_MS;
}

/**
 * UTC offset of New York at instant t (US rules since 2007: daylight time from the second Sunday of
 * March 02:00 EST = 07:00 UTC to the first Sunday of November 02:00 EDT = 06:00 UTC).
 */
export function newYorkOffset(t: number): number {
  const year = new Date(t).getUTCFullYear();
  const dstStart = nthSunday(year, 2, 2) + 7 * HOUR_MS;
  const dstEnd = nthSunday(year, 10, 1) + 6 * HOUR_MS;
  return t >= dstStart && t < dstEnd ? -4 * HOUR_MS : -5 * HOUR_MS;
}

/** UTC instant of a New York wall-clock time (given as ms since epoch on the local clock), away from 02:00. */
function fromNewYork(local: number): number {
  return local - newYorkOffset(local + 5 * HOUR_MS);
}

/** The trading week open at t, or the next one if the market is closed at t (close > t always). */
export function tradingWeek(t: number): TradingWeek {
  const local = t + newYorkOffset(t);
  const day = Math.floor(local / DAY_MS);
  const sunday = day - ((((day + 4) % 7) + 7) % 7); // 1970-01-01 was a Thursday (weekday 4, Sunday = 0)
  let openLocal = sunday * DAY_MS + 17 * HOUR_MS;
  for (;;) {
    const close = fromNewYork(openLocal + 5 * DAY_MS);
    if (close > t) return { open: fromNewYork(openLocal), close };
    openLocal += 7 * DAY_MS;
  }
}
