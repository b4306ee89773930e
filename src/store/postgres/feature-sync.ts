// Brings the feature tables up to date with the lake: every (unit, pair, month) with a done manifest
// whose data version differs from the one bqx.feature_loads records is loaded (feature-load.ts replaces
// its month); the others are left alone, so a second sync loads nothing. A month unit's manifest
// (pair '*') stands for the lake file of every pair it wrote.
import { existsSync } from 'node:fs';
import type pg from 'pg';
import { PAIR_NAMES } from '../../core/currencies.ts';
import type { FeatureTable } from '../../features/tables.ts';
import { readParquetFile } from '../../io/parquet.ts';
import { partitionPath } from '../../pipeline/lake.ts';
import type { Unit } from '../../pipeline/units.ts';
import type { ManifestRecord } from '../types.ts';
import { FEATURE_LOADS_SQL } from './feature-ddl.ts';
import { loadPartition, runDdl, type LoadResult } from './feature-load.ts';

export interface SyncInput {
  readonly pool: pg.Pool;
  readonly dataDir: string;
  readonly units: readonly Unit[];
  readonly tables: readonly FeatureTable[];
  readonly manifests: readonly ManifestRecord[];
  readonly onLoad?: (unit: string, pair: string, month: string, r: LoadResult) => void;
}

export interface SyncReport { readonly loaded: number; readonly upToDate: number; readonly rows: number; readonly bytes: number; readonly ms: number }

/** The tables that hold a unit's columns (each table lies within one unit: features/tables.ts). */
export function tablesOfUnit(unit: Unit, tables: readonly FeatureTable[]): FeatureTable[] {
  const mine = new Set(unit.columns.map((c) => c.name));
  const out = tables.filter((t) => t.columns.some((c) => mine.has(c.name)));
  for (const t of out) {
    const other = t.columns.find((c) => !mine.has(c.name));
    if (other) throw new Error(`table ${t.name} holds ${other.name}, which unit ${unit.name} does not compute`);
  }
  return out;
}

export async function syncFeatures(input: SyncInput): Promise<SyncReport> {
  const t0 = performance.now();
  const db = await input.pool.connect();
  try {
    await runDdl(db, [FEATURE_LOADS_SQL]);
  } finally {
    db.release();
  }
  const loadedRows = (await input.pool.query<{ unit: string; pair: string; month: string; data_version: string }>(
    'SELECT unit, pair, month, data_version FROM bqx.feature_loads')).rows;
  const loaded = new Map(loadedRows.map((r) => [`${r.unit}|${r.pair}|${r.month}`, r.data_version]));
  const units = new Map(input.units.map((u) => [u.name, u]));
  let count = 0, upToDate = 0, rows = 0, bytes = 0;
  for (const m of input.manifests) {
    const unit = units.get(m.stage);
    if (m.status !== 'done' || !unit) continue;
    const tables = tablesOfUnit(unit, input.tables);
    const pairs = m.pair === '*' ? PAIR_NAMES.filter((p) => existsSync(partitionPath(input.dataDir, unit.name, p, m.month))) : [m.pair];
    for (const pair of pairs) {
      if (loaded.get(`${unit.name}|${pair}|${m.month}`) === m.dataVersion) { upToDate++; continue; }
      const file = readParquetFile(partitionPath(input.dataDir, unit.name, pair, m.month));
      const r = await loadPartition(input.pool, tables, { unit: unit.name, pair, month: m.month, dataVersion: m.dataVersion, ts: file.ts, columns: file.columns });
      input.onLoad?.(unit.name, pair, m.month, r);
      count++;
      rows += r.rows;
      bytes += r.bytes;
    }
  }
  return { loaded: count, upToDate, rows, bytes, ms: performance.now() - t0 };
}
