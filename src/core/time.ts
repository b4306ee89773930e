// UTC minute calendar: timestamps are epoch milliseconds (exact in float64), months are 'YYYY-MM'.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

export type MonthKey = string; // 'YYYY-MM'

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonthKey(s: string): boolean {
  return MONTH_RE.test(s);
}

export function parseMonth(s: string): { year: number; month: number } {
  const m = MONTH_RE.exec(s);
  if (!m) throw new Error(`invalid month ${JSON.stringify(s)} (expected YYYY-MM)`);
  return { year: Number(m[1]), month: Number(m[2]) };
}

/** The month key of a timestamp. */
export function monthOf(ms: number): MonthKey {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** First millisecond of the month. */
export function monthStart(month: MonthKey): number {
  const { year, month: m } = parseMonth(month);
  return Date.UTC(year, m - 1, 1);
}

/** First millisecond of the following month (exclusive end of `month`). */
export function monthEnd(month: MonthKey): number {
  const { year, month: m } = parseMonth(month);
  return Date.UTC(year, m, 1);
}

export function addMonths(month: MonthKey, k: number): MonthKey {
  const { year, month: m } = parseMonth(month);
  return monthOf(Date.UTC(year, m - 1 + k, 1));
}

/** The months from `first` to `last` inclusive. */
export function monthRange(first: MonthKey, last: MonthKey): MonthKey[] {
  const out: MonthKey[] = [];
  for (let m = first; m <= last; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Floors a timestamp to its minute. */
export function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** ISO 8601 without milliseconds, e.g. 2024-07-01T00:00Z. */
export function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16) + 'Z';
}

/** Parses a date or date-time given on the command line or in config ('2024-07-01', '2024-07-01T12:00Z'). */
export function parseInstant(s: string): number {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(s + 'T00:00:00Z') : Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`invalid date ${JSON.stringify(s)} (expected YYYY-MM-DD or an ISO date-time)`);
  return t;
}
