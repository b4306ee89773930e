// The partition key: one (unit, pair, month) task of the pipeline, with one string form
// `unit|pair|month` (pair '*' for a month fan-in unit) used by the planner, the manifests' lookups and
// the distributed queue.
import { isPair } from './currencies.ts';
import { isMonthKey, type MonthKey } from './time.ts';

/** The pair of a month fan-in partition (one task per month writing every pair). */
export const EVERY_PAIR = '*';

export interface PartitionKey {
  readonly unit: string;
  /** A pair name (EURUSD), or EVERY_PAIR for a month fan-in unit. */
  readonly pair: string;
  readonly month: MonthKey;
}

const UNIT = /^[a-z][a-z0-9_.]*$/;

/** Checks the parts and returns the key; throws on a malformed unit, pair or month. */
export function partitionKey(unit: string, pair: string, month: MonthKey): PartitionKey {
  if (!UNIT.test(unit)) throw new Error(`partition key: bad unit ${JSON.stringify(unit)}`);
  if (pair !== EVERY_PAIR && !isPair(pair)) throw new Error(`partition key: bad pair ${JSON.stringify(pair)}`);
  if (!isMonthKey(month)) throw new Error(`partition key: bad month ${JSON.stringify(month)}`);
  return { unit, pair, month };
}

/** The string form `unit|pair|month`. */
export function formatPartition(k: PartitionKey): string {
  return `${k.unit}|${k.pair}|${k.month}`;
}

/** Parses `unit|pair|month` (the inverse of formatPartition); throws on anything else. */
export function parsePartition(s: string): PartitionKey {
  const parts = s.split('|');
  if (parts.length !== 3) throw new Error(`partition key: expected unit|pair|month, got ${JSON.stringify(s)}`);
  return partitionKey(parts[0]!, parts[1]!, parts[2]!);
}
