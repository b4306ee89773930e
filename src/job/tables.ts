// The PostgreSQL feature tables after a run or a validation: load the stages' tables from the lake
// (only partitions whose data version changed), then run the generated validation SQL on them, every
// pair and month with bars (sql/check.ts: the embedded validator's completeness and quality rules).
import { registry } from '../features/registry.ts';
import { featureTables } from '../features/tables.ts';
import { buildUnits } from '../pipeline/units.ts';
import { runSqlValidation, type SqlValidation } from '../sql/check.ts';
import { connectPool } from '../store/postgres/connect.ts';
import { syncFeatures, tablesOfUnit, type SyncReport } from '../store/postgres/feature-sync.ts';
import type { ManifestRecord } from '../store/types.ts';

export interface TablesResult { readonly load: SyncReport; readonly sql: SqlValidation }

export async function loadAndValidateTables(db: { url: string; pool: number }, dataDir: string, stages: readonly string[] | undefined,
  manifests: readonly ManifestRecord[]): Promise<TablesResult> {
  const { pool } = await connectPool(db);
  try {
    const reg = registry();
    const units = buildUnits(reg).filter((u) => !stages || stages.includes(u.stage));
    const tables = units.flatMap((u) => tablesOfUnit(u, featureTables(reg)));
    const load = await syncFeatures({ pool, dataDir, units, tables, manifests });
    return { load, sql: await runSqlValidation(pool, units, tables) };
  } finally {
    await pool.end();
  }
}
