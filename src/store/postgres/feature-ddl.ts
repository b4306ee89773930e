// Names and DDL of the feature tables (features/tables.ts assigns the columns): `bqx.{table}_{pair}`
// with `ts timestamptz` as primary key, range-partitioned by month into `bqx.{table}_{pair}_{YYYY_MM}`,
// and `bqx.feature_loads`, the data version loaded per (unit, pair, month). Every identifier comes from
// the fixed pair list and the catalog, and is checked against a strict pattern before it reaches SQL.
import { PAIR_NAMES } from '../../core/currencies.ts';
import { isMonthKey, monthEnd, monthStart } from '../../core/time.ts';
import { PG_MAX_IDENTIFIER, type FeatureTable } from '../../features/tables.ts';

export const SCHEMA = 'bqx';
const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A catalog-derived identifier, double-quoted; throws on anything but [a-z0-9_] within 63 characters. */
export function ident(name: string): string {
  if (!IDENT.test(name) || name.length > PG_MAX_IDENTIFIER) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** The lower-case pair of a table name; throws unless it is one of the 28 pairs. */
export function pairSuffix(pair: string): string {
  if (!PAIR_NAMES.includes(pair)) throw new Error(`not one of the 28 pairs: ${JSON.stringify(pair)}`);
  return pair.toLowerCase();
}

const monthSuffix = (month: string) => {
  if (!isMonthKey(month)) throw new Error(`not a month YYYY-MM: ${JSON.stringify(month)}`);
  return month.replace('-', '_');
};

/** bqx.{table}_{pair}, quoted. */
export const featureTable = (table: string, pair: string) => `${SCHEMA}.${ident(`${table}_${pairSuffix(pair)}`)}`;
/** bqx.{table}_{pair}_{YYYY_MM}, quoted. */
export const featurePartition = (table: string, pair: string, month: string) => `${SCHEMA}.${ident(`${table}_${pairSuffix(pair)}_${monthSuffix(month)}`)}`;

/** A month's bounds as timestamptz literals. */
export function monthBounds(month: string): [string, string] {
  monthSuffix(month);
  return [`'${new Date(monthStart(month)).toISOString()}'`, `'${new Date(monthEnd(month)).toISOString()}'`];
}

export function createTableSql(t: FeatureTable, pair: string): string {
  const cols = t.columns.map((c) => `  ${ident(c.name)} float8`).join(',\n');
  return `CREATE TABLE IF NOT EXISTS ${featureTable(t.name, pair)} (\n  ts timestamptz NOT NULL,\n${cols},\n  PRIMARY KEY (ts)\n) PARTITION BY RANGE (ts)`;
}

export function createPartitionSql(table: string, pair: string, month: string): string {
  const [from, to] = monthBounds(month);
  return `CREATE TABLE IF NOT EXISTS ${featurePartition(table, pair, month)} PARTITION OF ${featureTable(table, pair)} FOR VALUES FROM (${from}) TO (${to})`;
}

export const FEATURE_LOADS_SQL = `CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${SCHEMA}.feature_loads (
  unit text NOT NULL,
  pair text NOT NULL,
  month text NOT NULL,
  data_version text NOT NULL,
  rows integer NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (unit, pair, month)
)`;
