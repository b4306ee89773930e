// The FX weekend closure, in UTC. The market closes Friday 17:00 New York and reopens Sunday 17:00 New
// York: 21:00 UTC in summer (EDT) and 22:00 UTC in winter (EST). The union of both, Friday 21:00 to
// Sunday 22:00 UTC, holds every closed minute of either season without a zone lookup per row.
import { DAY_MS, HOUR_MS, WEEK_MS } from '../../core/time.ts';

/** 1970-01-01 was a Thursday: days since a Sunday 00:00 UTC = (epoch day + 4) mod 7. */
const SUNDAY_OFFSET_DAYS = 4;
const CLOSE = 5 * DAY_MS + 21 * HOUR_MS; // Friday 21:00 UTC, ms after Sunday 00:00
const OPEN = 22 * HOUR_MS; // Sunday 22:00 UTC

/** True if the minute starting at `ts` (epoch ms UTC) lies in the weekend closure. */
export function isClosedMarket(ts: number): boolean {
  const inWeek = (((ts + SUNDAY_OFFSET_DAYS * DAY_MS) % WEEK_MS) + WEEK_MS) % WEEK_MS;
  return inWeek >= CLOSE || inWeek < OPEN;
}
