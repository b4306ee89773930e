// The pipeline end to end through the real CLI: run, resume (nothing recomputed), a run killed with
// SIGKILL and resumed gives byte-identical files, export readable by DuckDB with manifest and catalog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { bqx, bqxJson, bqxSpawn } from '../helpers/cli.ts';
import { registry } from '../../src/features/registry.ts';
import { readParquetFile } from '../../src/io/parquet.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { tempDir } from '../helpers/tmp.ts';

const PAIRS = 'EURUSD,GBPUSD,EURGBP';
const GEN = ['generate', '--pairs', PAIRS, '--from', '2024-06-01', '--months', '2', '--seed', '5'];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

interface RunJson { status: string; units: { unit: string; total: number; done: number; skipped: number; failed: number }[] }

const a = tempDir('bqx-run-a-');
const b = tempDir('bqx-run-b-');

test('a full run computes every partition; a second run computes nothing', () => {
  bqxJson([...GEN, '--data-dir', a]);
  const first = bqxJson<RunJson>(['run', '--data-dir', a, '--max-workers', '2']);
  assert.equal(first.status, 'done');
  const units = buildUnits(registry());
  const expected = units.reduce((n, u) => n + (u.kind === 'pair' ? 3 * 2 : 2), 0);
  assert.equal(first.units.reduce((n, u) => n + u.done, 0), expected);
  assert.equal(files(join(a, 'lake')).filter((f) => f.endsWith('.parquet')).length, units.length * 3 * 2);
  const second = bqxJson<RunJson>(['run', '--data-dir', a]);
  assert.equal(second.status, 'done');
  assert.equal(second.units.reduce((n, u) => n + u.done, 0), 0);
  assert.equal(second.units.reduce((n, u) => n + u.skipped, 0), expected);
});

test('a run killed with SIGKILL mid-way, then resumed, gives byte-identical files', async () => {
  bqxJson([...GEN, '--data-dir', b]);
  const child = bqxSpawn(['run', '--data-dir', b, '--max-workers', '2', '--quiet']);
  const lake = join(b, 'lake');
  // Kill once a partition is recorded done (the run's JSON log says so after its manifest is written)
  // and more are under way.
  const doneInLog = () => {
    const dir = join(b, 'runs');
    if (!existsSync(dir)) return 0;
    return readdirSync(dir).reduce((n, f) => n + (readFileSync(join(dir, f), 'utf8').match(/"task-done"/g)?.length ?? 0), 0);
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (doneInLog() >= 1) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => { clearInterval(timer); reject(new Error('run finished before it could be killed')); });
  });
  await new Promise((r) => child.on('exit', r));
  const partial = files(lake).filter((f) => f.endsWith('.parquet')).length;
  const total = files(join(a, 'lake')).filter((f) => f.endsWith('.parquet')).length;
  assert.ok(partial < total, `killed after ${partial} of ${total} files`);
  const resumed = bqxJson<RunJson>(['run', '--data-dir', b]);
  assert.equal(resumed.status, 'done');
  assert.ok(resumed.units.reduce((n, u) => n + u.skipped, 0) >= 1, 'the resumed run kept finished partitions');
  const fa = files(join(a, 'lake')), fb = files(lake);
  assert.deepEqual(fb, fa, 'same files (no temp leftovers)');
  for (const f of fa) assert.ok(readFileSync(join(a, 'lake', f)).equals(readFileSync(join(lake, f))), `${f} differs`);
});

test('export: wide Parquet per pair × month that DuckDB reads, with manifest.json and catalog.json', async () => {
  const out = join(a, 'out');
  const r = bqx(['export', '--data-dir', a, '--out', out]);
  assert.equal(r.status, 0, r.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  const catalog = JSON.parse(readFileSync(join(out, 'catalog.json'), 'utf8'));
  const reg = registry();
  const exported = buildUnits(reg).flatMap((u) => u.columns);
  assert.equal(manifest.files.length, 3 * 2);
  assert.equal(manifest.validated, true, 'bqx run validated the data set before the export');
  assert.deepEqual(manifest.columns, ['ts', 'pair', ...exported.filter((c) => c.role === 'feature').map((c) => c.name), ...exported.filter((c) => c.role === 'target').map((c) => c.name)]);
  assert.deepEqual(catalog.columns.map((c: { name: string }) => c.name), manifest.columns);
  for (const c of catalog.columns.slice(2)) assert.ok(typeof c.lookback === 'number' && typeof c.lookahead === 'number' && c.role && c.description, c.name);
  // Slots: EURUSD's triangle 1 goes through GBP (third currencies in canonical order), its first sister is USDJPY.
  assert.deepEqual(catalog.slots.EURUSD.slice(0, 1).map((s: { slot: string; fills: string }) => [s.slot, s.fills]), [['tri_1', 'GBP']]);
  assert.equal(catalog.slots.EURUSD.find((s: { slot: string }) => s.slot === 'sis1').fills, 'USDJPY');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  for (const f of manifest.files) {
    const path = join(out, f.path);
    assert.ok(relative(out, path).startsWith('features/pair='), f.path);
    const rows = (await con.runAndReadAll(`select count(*)::INTEGER as n, count(distinct pair)::INTEGER as p, min(ts)::VARCHAR as lo from read_parquet('${path}', hive_partitioning = false)`)).getRowObjects()[0]!;
    assert.equal(rows.n, f.rows);
    assert.equal(rows.p, 1);
    const cols = (await con.runAndReadAll(`describe select * from read_parquet('${path}', hive_partitioning = false)`)).getRowObjects();
    assert.equal(cols.length, manifest.columns.length);
    assert.equal(String(cols[0]!.column_type), 'TIMESTAMP WITH TIME ZONE');
  }
  con.closeSync();
  // The wide file holds exactly the stage outputs (bit for bit, NaN included).
  const f = manifest.files[manifest.files.length - 1];
  const wide = readParquetFile(join(out, f.path));
  for (const u of buildUnits(reg)) {
    const part = readParquetFile(join(a, 'lake', u.name, `pair=${f.pair}`, `month=${f.month}.parquet`));
    assert.deepEqual(part.ts, wide.ts);
    for (const [name, col] of part.columns) {
      const w = wide.columns.get(name)!;
      for (let i = 0; i < col.length; i++) assert.ok(Object.is(col[i], w[i]), `${name} row ${i}: ${w[i]} exported, ${col[i]} computed`);
    }
  }
});
