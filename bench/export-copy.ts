// npx tsx bench/export-copy.ts DATA_DIR [PAIR] [MONTH]: CPU time of the wide export's COPY of one pair-month
// (every unit's lake file joined positionally, written as snappy Parquet) under DuckDB settings, best of 3.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { partitionPath } from '../src/pipeline/lake.ts';

const [dataDir, pair = 'EURUSD', month = '2017-01'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: bench/export-copy.ts DATA_DIR [PAIR] [MONTH]');
const units = readdirSync(join(dataDir, 'lake')).sort();
const paths = units.map((u) => partitionPath(dataDir, u, pair, month));
const from = paths.map((p, i) => `read_parquet('${p}') u${i}`).join(' POSITIONAL JOIN ');
const cols = paths.map((_, i) => `u${i}.* EXCLUDE (ts)`).join(', ');
const out = `/tmp/bqx-export-copy-${process.pid}.parquet`;
const variants: Record<string, { settings?: string; options?: string }> = {
  current: {},
  noInsertionOrder: { settings: 'SET preserve_insertion_order = false' },
  noInsertionOrderRowGroup8k: { settings: 'SET preserve_insertion_order = false', options: 'ROW_GROUP_SIZE 8192' },
  uncompressed: { options: 'COMPRESSION uncompressed' },
};
const db = await DuckDBInstance.create(':memory:', { threads: '1', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
const con = await db.connect();
for (const [name, v] of Object.entries(variants)) {
  if (v.settings) await con.run(v.settings);
  let best = Infinity, size = 0;
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    const compression = v.options?.includes('COMPRESSION') ? '' : 'COMPRESSION snappy, ';
    await con.run(`COPY (SELECT u0.ts, '${pair}' AS pair, ${cols} FROM ${from}) TO '${out}' (FORMAT parquet, ${compression}DICTIONARY_SIZE_LIMIT 1${v.options ? `, ${v.options}` : ''})`);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
    size = statSync(out).size;
  }
  console.log(`${name.padEnd(18)} ${best.toFixed(2)} CPU-s  ${(size / 1e6).toFixed(1)} MB  ${(best / (size / 1e9)).toFixed(2)} CPU-s/GB`);
  if (v.settings) await con.run('RESET preserve_insertion_order');
}
rmSync(out, { force: true });
