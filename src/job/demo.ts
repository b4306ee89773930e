// The demo's span (npm start on an empty store): DEMO_DAYS days of all 28 pairs, or whole months, after
// the weeks of warm-up every feature needs to be live from the first bar; the warm-up months are recorded
// in <dataDir>/demo.json so that later starts neither run nor export them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addMonths, DAY_MS, monthOf, monthRange, WEEK_MS, type MonthKey } from '../core/time.ts';
import { registry } from '../features/registry.ts';
import { buildUnits } from '../pipeline/units.ts';

/** Rows of a trading week of 1-minute bars (Sunday 17:00 – Friday 17:00 New York). */
const TRADING_ROWS_PER_WEEK = 5 * 1440;

/** Days of its first month the demo generates and runs by default: one trading week keeps `npm start` near 2 minutes. */
export const DEMO_DAYS = 7;

/** The demo's days for config generateMonths: whole months when more than one is asked for. */
export function defaultDemoDays(generateMonths: number): number {
  return generateMonths > 1 ? 0 : DEMO_DAYS;
}

/**
 * Weeks of bars generated before the first demo month so that every feature is live from its first bar:
 * the largest warm-up of any unit (the regime HMM: its weekly fit reads the 10,080 rows before the segment,
 * which starts up to 10,079 rows back, plus regime_duration's 1,440) in trading weeks, rounded up.
 */
export function warmupWeeks(): number {
  return Math.ceil(Math.max(...buildUnits(registry()).map((u) => u.warmup)) / TRADING_ROWS_PER_WEEK);
}

/**
 * The demo's span: from `from`, either `days` days (> 0; the last month partial) or `months` whole months,
 * generated from `warmupWeeks()` weeks earlier.
 */
export function demoSpan(from: number, months: number, days = 0) {
  const genFrom = from - warmupWeeks() * WEEK_MS;
  const to = days > 0 ? from + days * DAY_MS : undefined;
  const last = to === undefined ? addMonths(monthOf(from), months - 1) : monthOf(to - 1);
  const runMonths = monthRange(monthOf(from), last);
  const generatedMonths = monthRange(monthOf(genFrom), last);
  return { genFrom, to, runMonths, generatedMonths, warmupMonths: generatedMonths.filter((m) => !runMonths.includes(m)) };
}

const demoFile = (dataDir: string) => join(dataDir, 'demo.json');

/** The months the demo generated for warm-up only: never run or exported by start. */
export function warmupMonths(dataDir: string): MonthKey[] {
  if (!existsSync(demoFile(dataDir))) return [];
  return (JSON.parse(readFileSync(demoFile(dataDir), 'utf8')) as { warmupMonths?: MonthKey[] }).warmupMonths ?? [];
}

export function recordDemo(dataDir: string, gen: { pairs: readonly string[]; from: number; months: number; to?: number; seed: number }, warmup: readonly MonthKey[]): void {
  const generated = { ...gen, from: new Date(gen.from).toISOString(), ...(gen.to === undefined ? {} : { to: new Date(gen.to).toISOString() }) };
  writeFileSync(demoFile(dataDir), JSON.stringify({ generated, warmupMonths: warmup }, null, 2) + '\n');
}
