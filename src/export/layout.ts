// Which files an export writes and which columns each holds (DESIGN.md "Export"):
// - wide: features/pair=P/month=M/part-0.parquet, every feature then every target of one pair-month;
// - seed (the seed plan's Appendix D): rate_domain/{pair}_rate_features_{YYYY_MM}.parquet (idx domain),
//   bqx_domain/{pair}_bqx_features_{YYYY_MM}.parquet (bqx domain), cross_features/{family}_features_
//   {YYYY_MM}.parquet (one cross family, every pair of the month), targets/{pair}_targets_{YYYY_MM}.parquet;
// - units: units/<unit>/pair=P/month=M/part-0.parquet, the lake's own files as computed (ts and the
//   unit's columns; pair and month only in the path), joined on (ts, pair) by the reader.
// The wide and seed files start with ts (UTC timestamp) and pair.
import type { FeatureDef } from '../features/types.ts';
import type { Unit } from '../pipeline/units.ts';
import type { LakeFile } from './lakefiles.ts';

export type Layout = 'wide' | 'seed' | 'units';
export const LAYOUTS: readonly Layout[] = ['wide', 'seed', 'units'];

/** The seed plan's names of the cross families it names; the others keep their registry name. */
const SEED_FAMILY: Readonly<Record<string, string>> = { corr: 'correlation', ci: 'currency_index', arb: 'arbitrage' };

/** A computed pair-month: the lake file of every unit (in unit order) and their data versions. */
export interface PairMonth {
  readonly pair: string;
  readonly month: string;
  readonly files: readonly LakeFile[];
  readonly versions: Readonly<Record<string, string>>;
}

export interface Column { readonly name: string; readonly unit: number }

export interface FileSpec {
  readonly key: string;
  readonly month: string;
  /** '*' when the file holds every pair of the month. */
  readonly pair: string;
  /** The pair-months whose rows it holds, in pair order. */
  readonly sources: readonly PairMonth[];
  readonly columns: readonly Column[];
  /** units layout: the unit whose lake file this is (the file is that file, not written). */
  readonly unit?: number;
}

/** Where a column lives, as a key pattern with {pair} (lower case), {PAIR}, {YYYY_MM}, {YYYY-MM} placeholders. */
export interface Group { readonly pattern: string; readonly columns: readonly Column[]; readonly perPair: boolean; readonly unit?: number }

const seedMonth = (month: string) => month.replace('-', '_');

function fill(pattern: string, pair: string, month: string): string {
  return pattern.replaceAll('{pair}', pair.toLowerCase()).replaceAll('{PAIR}', pair).replaceAll('{YYYY_MM}', seedMonth(month)).replaceAll('{YYYY-MM}', month);
}

/** The file groups of a layout: features in catalog order, targets last. */
export function groups(layout: Layout, units: readonly Unit[]): Group[] {
  const cols = units.flatMap((u, unit) => u.columns.map((c) => ({ def: c, col: { name: c.name, unit } })));
  const pick = (f: (c: FeatureDef) => boolean) => cols.filter((c) => f(c.def)).map((c) => c.col);
  const features = (f: (c: FeatureDef) => boolean) => pick((c) => c.role === 'feature' && f(c));
  if (layout === 'wide') {
    return [{ pattern: 'features/pair={PAIR}/month={YYYY-MM}/part-0.parquet', columns: [...features(() => true), ...pick((c) => c.role === 'target')], perPair: true }];
  }
  if (layout === 'units') {
    return units.map((u, unit) => ({ pattern: `units/${u.name}/pair={PAIR}/month={YYYY-MM}/part-0.parquet`, columns: cols.filter((c) => c.col.unit === unit).map((c) => c.col), perPair: true, unit }))
      .filter((g) => g.columns.length > 0);
  }
  const crossFamilies = [...new Set(cols.filter((c) => c.def.domain === 'cross' && c.def.role === 'feature').map((c) => c.def.family))];
  return [
    { pattern: 'rate_domain/{pair}_rate_features_{YYYY_MM}.parquet', columns: features((c) => c.domain === 'idx'), perPair: true },
    { pattern: 'bqx_domain/{pair}_bqx_features_{YYYY_MM}.parquet', columns: features((c) => c.domain === 'bqx'), perPair: true },
    ...crossFamilies.map((fam) => ({
      pattern: `cross_features/${SEED_FAMILY[fam] ?? fam}_features_{YYYY_MM}.parquet`, columns: features((c) => c.domain === 'cross' && c.family === fam), perPair: false,
    })),
    { pattern: 'targets/{pair}_targets_{YYYY_MM}.parquet', columns: pick((c) => c.role === 'target'), perPair: true },
  ].filter((g) => g.columns.length > 0);
}

/** Every file of the layout for the computed pair-months (which come in pair, then month order). */
export function planFiles(layout: Layout, units: readonly Unit[], parts: readonly PairMonth[]): FileSpec[] {
  const out: FileSpec[] = [];
  const months = [...new Set(parts.map((p) => p.month))].sort();
  for (const g of groups(layout, units)) {
    if (g.perPair) {
      for (const p of parts) out.push({ key: fill(g.pattern, p.pair, p.month), month: p.month, pair: p.pair, sources: [p], columns: g.columns, unit: g.unit });
    } else {
      for (const m of months) {
        const sources = parts.filter((p) => p.month === m).sort((a, b) => (a.pair < b.pair ? -1 : 1));
        out.push({ key: fill(g.pattern, '*', m), month: m, pair: '*', sources, columns: g.columns });
      }
    }
  }
  return out;
}

/** The folders an export of any layout writes (objects under them that its manifest does not list are stale). */
export const EXPORT_FOLDERS = ['features/', 'units/', 'rate_domain/', 'bqx_domain/', 'cross_features/', 'targets/', 'validation/', 'logs/'];
