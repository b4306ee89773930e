// node --import tsx bench/export-write.ts DATA_DIR [PAIR] [MONTH] [--seed]: CPU time of writing one wide export
// file (every unit's lake file of a pair-month joined row by row) with the export's writer (parquet-wasm,
// src/export/write.ts) and with the DuckDB COPY it replaced (POSITIONAL JOIN, 1 thread, snappy, no
// dictionary), best of 3 each, in CPU-s per GB written; then checks that DuckDB reads the same schema and
// the same values from both. --seed: the month's correlation file of the seed layout instead (every pair
// of the month stacked, in (pair, ts) order).
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { registry } from '../src/features/registry.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { partitionPath } from '../src/pipeline/lake.ts';
import { planFiles, type PairMonth } from '../src/export/layout.ts';
import { writeFile } from '../src/export/write.ts';
import { describe, duckDbCopy, rowsDiffering } from '../test/export/reference.ts';

const args = process.argv.slice(2);
const seed = args.includes('--seed');
const [dataDir, pair = 'EURUSD', month = '2017-01'] = args.filter((a) => a !== '--seed');
if (!dataDir) throw new Error('usage: bench/export-write.ts DATA_DIR [PAIR] [MONTH] [--seed]');
const units = buildUnits(registry());
const pairs = seed ? readdirSync(join(dataDir, 'lake', 'base')).map((d) => d.replace('pair=', '')).sort() : [pair];
const parts: PairMonth[] = pairs.map((p) => ({ pair: p, month, versions: {}, files: units.map((u) => ({ unit: u.name, path: partitionPath(dataDir, u.name, p, month), rows: -1, bytes: -1, sha256: '', tsHash: null, finishedAt: 0 })) }));
const spec = planFiles(seed ? 'seed' : 'wide', units, parts).find((s) => (seed ? s.key.startsWith('cross_features/correlation') : true))!;

const cpuS = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1e6; };
const db = await DuckDBInstance.create(':memory:', { threads: '1', preserve_insertion_order: 'false', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const con = await db.connect();
const out = `/tmp/bqx-export-write-${process.pid}`;
const files = { duckdb: `${out}-duckdb.parquet`, wasm: `${out}-wasm.parquet` };
console.log(`${spec.key}: ${spec.sources.length} pair-month(s), ${spec.columns.length} columns`);
for (const compression of ['snappy', 'zstd'] as const) {
  for (const [name, path] of Object.entries(files)) {
    let best = Infinity, size = 0;
    for (let k = 0; k < 3; k++) {
      rmSync(path, { force: true });
      const c0 = cpuS();
      if (name === 'duckdb') await duckDbCopy(con, spec, path, { float32: false, compression });
      else await writeFile(spec, path, { float32: false, compression });
      best = Math.min(best, cpuS() - c0);
    }
    size = statSync(path).size;
    console.log(`${compression.padEnd(6)} ${name.padEnd(6)} ${best.toFixed(3)} CPU-s  ${(size / 1e6).toFixed(1)} MB  ${(best / (size / 1e9)).toFixed(2)} CPU-s/GB  (peak RSS ${(process.resourceUsage().maxRSS / 1e6).toFixed(2)} GB)`);
  }
  if (JSON.stringify(await describe(con, files.duckdb)) !== JSON.stringify(await describe(con, files.wasm))) throw new Error('the schemas differ');
  const diff = await rowsDiffering(con, files.duckdb, files.wasm, ['ts', 'pair', ...spec.columns.map((c) => c.name)]);
  console.log(`${compression}: same schema; ${diff} row(s) differ`);
}
for (const p of Object.values(files)) rmSync(p, { force: true });
con.closeSync();
