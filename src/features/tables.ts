// Which PostgreSQL feature table holds each column (DESIGN.md "Storage"): one table per family group per
// pair in the seed's naming, `bqx.{group}_{pair}` (e.g. bqx.technical_indicators_eurusd), each within
// PostgreSQL's limits: ≤ 1,600 columns, and a row that fits one 8 kB heap page (float8 cannot be
// TOASTed, so a wider row is refused: "row is too big"). A group over either limit is split into
// `{group}`, `{group}_2`, … in catalog order. The groups follow the seed's stages; a family not listed
// here gets a table of its own name. Every table lies within one stage unit, so recomputing a unit's
// partition replaces whole tables.
import { registry, type Registry } from './registry.ts';
import type { FeatureDef } from './types.ts';

/** The seed's table names of the family groups, in catalog order. */
const GROUPS: readonly (readonly [string, readonly string[]])[] = [
  ['bqx', ['bqx']],
  ['reg', ['reg']],
  ['rolling_statistics', ['stat', 'bb']],
  ['rate_features', ['ret', 'vol', 'ma', 'fib', 'lag', 'micro']],
  ['technical_indicators', ['ti']],
  ['enhanced_rmse', ['erm']],
  ['regime_detection', ['regime']],
  ['currency_index', ['ci', 'ccy', 'market']],
  ['arbitrage', ['arb']],
  ['correlation_bqx', ['corr']],
  ['sister_pairs', ['sister']],
  ['cross_features', ['dual', 'mtf', 'event', 'time', 'ret_lag']],
  ['targets', ['targets']],
];

export const PG_MAX_COLUMNS = 1_600;
/** MaxHeapTupleSize of an 8 kB page: 8192 − MAXALIGN(page header 24 + one line pointer 4). */
export const PG_MAX_ROW_BYTES = 8_160;
/** Longest identifier PostgreSQL keeps (NAMEDATALEN − 1). */
export const PG_MAX_IDENTIFIER = 63;

export interface TableLimits { readonly columns: number; readonly rowBytes: number }
export const PG_LIMITS: TableLimits = { columns: PG_MAX_COLUMNS, rowBytes: PG_MAX_ROW_BYTES };

/** A feature table: `bqx.{name}_{pair}` with ts and these float8 columns. */
export interface FeatureTable {
  readonly name: string;
  readonly columns: readonly FeatureDef[];
}

/**
 * Bytes of the widest row of ts + `floatColumns` float8: a tuple header of 23 bytes, MAXALIGNed to 8,
 * plus 8 per non-null value; a null bitmap (one bit per column) is stored only when a value is NULL, so
 * the widest row is either all non-null (no bitmap) or has one NULL (the bitmap, one value fewer).
 */
export function rowBytes(floatColumns: number): number {
  const n = floatColumns + 1;
  const align = (b: number) => Math.ceil(b / 8) * 8;
  return Math.max(align(23) + 8 * n, align(23 + Math.ceil(n / 8)) + 8 * (n - 1));
}

/** The widest group of columns (counting ts) that fits both limits. */
function widest(limits: TableLimits): number {
  let n = limits.columns - 1;
  while (n > 0 && rowBytes(n) >= limits.rowBytes) n--;
  return n;
}

/** The feature tables of a registry, in catalog order (targets last). */
export function featureTables(reg: Registry, limits: TableLimits = PG_LIMITS): FeatureTable[] {
  const groupOf = new Map(GROUPS.flatMap(([g, fams]) => fams.map((f) => [f, g] as const)));
  const byGroup = new Map<string, FeatureDef[]>();
  for (const def of reg.all) {
    const g = groupOf.get(def.family) ?? def.family;
    byGroup.set(g, [...(byGroup.get(g) ?? []), def]);
  }
  const max = widest(limits);
  const out: FeatureTable[] = [];
  for (const [g, cols] of byGroup) {
    for (let k = 0; k * max < cols.length; k++) out.push({ name: k === 0 ? g : `${g}_${k + 1}`, columns: cols.slice(k * max, (k + 1) * max) });
  }
  return out;
}

/** The table of every column: column name → table name (without the pair). */
export function tableOfColumn(tables: readonly FeatureTable[]): Map<string, string> {
  return new Map(tables.flatMap((t) => t.columns.map((c) => [c.name, t.name] as const)));
}

/** The qualified name pattern shown in the catalog: bqx.{table}_{pair}. */
export const tablePattern = (table: string) => `bqx.${table}_{pair}`;

let catalogTables: Map<string, string> | undefined;
/** The table of a column of bqx's catalog, as bqx.{table}_{pair} (for `bqx features` and catalog.json). */
export function pgTable(column: string): string | undefined {
  catalogTables ??= tableOfColumn(featureTables(registry()));
  const t = catalogTables.get(column);
  return t === undefined ? undefined : tablePattern(t);
}
