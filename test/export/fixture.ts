// The export tests' data set: a month of synthetic bars computed by every stage (not validated, so
// exports need --force), and an in-memory DuckDB that reads the exported files back.
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { bqx } from '../helpers/cli.ts';

/** Generates 2024-06-27 … 2024-07-27 of `pairs` into `dir` and runs every stage without validation. */
export function computeUnvalidated(dir: string, pairs: readonly string[], seed: number): void {
  const gen = bqx(['generate', '--data-dir', dir, '--pairs', pairs.join(','), '--from', '2024-06-27', '--months', '1', '--seed', String(seed), '--json']);
  assert.equal(gen.status, 0, gen.stderr);
  const run = bqx(['run', '--data-dir', dir, '--quiet', '--json', '--skip-validation']);
  assert.equal(run.status, 0, run.stderr);
}

export async function memoryDuckDb(): Promise<DuckDBConnection> {
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  return db.connect();
}
