// Loading one computed partition into the PostgreSQL feature tables: binary COPY (the loader's way:
// TRUNCATE the month + COPY FREEZE in one transaction) against text COPY of the same values, and
// against DELETE of the month + binary COPY. Rounds alternate the modes (A B C A B C …) so that a
// drifting machine load affects each alike; medians are printed.
//   node --import tsx bench/pg-copy.ts DATA_DIR UNIT PAIR MONTH [ROUNDS]
// A fresh database bqx_bench_copy_<pid> on 127.0.0.1:5432 (user postgres) is created and dropped.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { registry } from '../src/features/registry.ts';
import { featureTables } from '../src/features/tables.ts';
import { readParquetFile } from '../src/io/parquet.ts';
import { partitionPath } from '../src/pipeline/lake.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { featurePartition, ident } from '../src/store/postgres/feature-ddl.ts';
import { copyBinary, ensureFeatureTables } from '../src/store/postgres/feature-load.ts';
import { tablesOfUnit } from '../src/store/postgres/feature-sync.ts';

const [dataDir, unitName, pair, month, roundsArg] = process.argv.slice(2);
if (!dataDir || !unitName || !pair || !month) throw new Error('usage: bench/pg-copy.ts DATA_DIR UNIT PAIR MONTH [ROUNDS]');
const rounds = Number(roundsArg ?? 3);
const reg = registry();
const unit = buildUnits(reg).find((u) => u.name === unitName)!;
const tables = tablesOfUnit(unit, featureTables(reg));
const file = readParquetFile(partitionPath(dataDir, unitName, pair, month));
const n = file.ts.length;

const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres' };
const name = `bqx_bench_copy_${process.pid}`;
const admin = new pg.Client({ ...ADMIN, database: 'postgres' });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const pool = new pg.Pool({ ...ADMIN, database: name, max: 1 });

const textOf = (x: number) => (Number.isNaN(x) ? '\\N' : Object.is(x, -0) ? '-0' : String(x));
/** Text COPY lines, formatted in chunks as the binary encoder does. */
function* textLines(cols: Float64Array[]): Generator<string> {
  for (let i = 0; i < n; i += 1_000) {
    let s = '';
    for (let r = i; r < Math.min(n, i + 1_000); r++) s += `${new Date(file.ts[r]!).toISOString()}\t${cols.map((c) => textOf(c[r]!)).join('\t')}\n`;
    yield s;
  }
}

type Mode = 'binary' | 'text' | 'delete+binary';
async function replaceMonth(mode: Mode): Promise<{ ms: number; bytes: number }> {
  const db = await pool.connect();
  const t0 = performance.now();
  let bytes = 0;
  try {
    await db.query('BEGIN');
    for (const t of tables) {
      const part = featurePartition(t.name, pair!, month!);
      const names = t.columns.map((c) => c.name);
      const cols = names.map((c) => file.columns.get(c)!);
      if (mode === 'delete+binary') {
        await db.query(`DELETE FROM ${part}`);
        bytes += await copyBinary(db, part, names, { ts: file.ts, columns: cols }, false);
      } else if (mode === 'binary') {
        await db.query(`TRUNCATE ${part}`);
        bytes += await copyBinary(db, part, names, { ts: file.ts, columns: cols });
      } else {
        await db.query(`TRUNCATE ${part}`);
        const lines = [...textLines(cols)];
        bytes += lines.reduce((s, l) => s + Buffer.byteLength(l), 0);
        await pipeline(Readable.from(lines), db.query(copyFrom(`COPY ${part} (ts, ${names.map(ident).join(', ')}) FROM STDIN (FREEZE)`)));
      }
    }
    await db.query('COMMIT');
  } finally {
    db.release();
  }
  return { ms: performance.now() - t0, bytes };
}

try {
  const c = await pool.connect();
  await ensureFeatureTables(c, tables, pair, month);
  c.release();
  const modes: Mode[] = ['binary', 'text', 'delete+binary'];
  await replaceMonth('binary'); // warm-up: first load into an empty partition
  const times = new Map<Mode, number[]>(modes.map((m) => [m, []]));
  const size = new Map<Mode, number>();
  for (let r = 0; r < rounds; r++) {
    for (const m of modes) {
      const x = await replaceMonth(m);
      times.get(m)!.push(x.ms);
      size.set(m, x.bytes);
    }
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
  const cols = tables.reduce((s, t) => s + t.columns.length, 0);
  console.log(`${unitName} ${pair} ${month}: ${n} rows × ${cols} float8 columns in ${tables.length} tables (${tables.map((t) => t.name).join(', ')}), ${rounds} rounds`);
  for (const m of modes) {
    const ms = median(times.get(m)!);
    console.log(`${m.padEnd(14)} median ${(ms / 1000).toFixed(2)} s (${times.get(m)!.map((t) => (t / 1000).toFixed(2)).join(' ')})  ${Math.round(n / (ms / 1000)).toLocaleString('en')} rows/s  ${(size.get(m)! / 1e6 / (ms / 1000)).toFixed(1)} MB/s of ${(size.get(m)! / 1e6).toFixed(1)} MB  ${(ms / median(times.get('binary')!)).toFixed(2)}× binary`);
  }
} finally {
  await pool.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
