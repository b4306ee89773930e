// The local Parquet lake of stage outputs: <dataDir>/lake/<unit>/pair=<PAIR>/month=<YYYY-MM>.parquet.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function lakeDir(dataDir: string): string {
  return join(dataDir, 'lake');
}

export function partitionPath(dataDir: string, unit: string, pair: string, month: string): string {
  return join(lakeDir(dataDir), unit, `pair=${pair}`, `month=${month}.parquet`);
}

/**
 * Deletes temporary files that a killed run left in the lake (writes go to `<file>.tmp-<pid>-<rand>`
 * and are renamed when complete). Only one process opens the store, so at the start of a run every
 * such file is stale. Returns how many were removed.
 */
export function removeStaleTemps(dataDir: string): number {
  const root = lakeDir(dataDir);
  if (!existsSync(root)) return 0;
  const stale = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.parquet\.tmp-\d+-\w+$/.test(f));
  for (const f of stale) rmSync(join(root, f), { force: true });
  return stale.length;
}
