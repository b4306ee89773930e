// The export's writer (parquet-wasm) against two oracles: the lake files it reads (every value, bit for bit,
// read back by parquet-wasm) and the DuckDB COPY it replaced (reference.ts: the same schema as DuckDB reads
// it, the same rows in the same order, every value's bits), on the synthetic data set of the export tests.
// Real data goes through the same writer in test/pipeline's real-run test (3 pairs × 2 months of 2017,
// exported and read back) and in bench/export-write.ts (with the DuckDB COPY comparison).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { planFiles, type FileSpec, type PairMonth } from '../../src/export/layout.ts';
import { writeFile, type WriteOpts } from '../../src/export/write.ts';
import { WriterPool } from '../../src/export/writers.ts';
import { hashFile } from '../../src/io/objectstore/index.ts';
import { readParquetFile } from '../../src/io/parquet.ts';
import { registry } from '../../src/features/registry.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { tempDir } from '../helpers/tmp.ts';
import { computeUnvalidated, memoryDuckDb } from './fixture.ts';
import { describe, duckDbCopy, rowsDiffering } from './reference.ts';

const units = buildUnits(registry());

let con: DuckDBConnection;
before(async () => { con = await memoryDuckDb(); });
after(() => con?.closeSync());

/** The wide file of `pairs[0]` and the seed layout's correlation file (every pair stacked) of a computed data set. */
function specs(dir: string, pairs: readonly string[], month: string): FileSpec[] {
  const parts: PairMonth[] = pairs.map((pair) => ({
    pair, month, versions: {},
    files: units.map((u) => ({ unit: u.name, path: partitionPath(dir, u.name, pair, month), rows: -1, bytes: -1, sha256: '', tsHash: null, finishedAt: 0 })),
  }));
  return [planFiles('wide', units, parts.slice(0, 1))[0]!, planFiles('seed', units, parts).find((s) => s.key.startsWith('cross_features/correlation_'))!];
}

async function checkAgainstOracles(dir: string, pairs: readonly string[], month: string): Promise<void> {
  const out = tempDir('bqx-export-write-');
  for (const spec of specs(dir, pairs, month)) {
    for (const opts of [{ float32: false, compression: 'snappy' }, { float32: true, compression: 'zstd' }] as WriteOpts[]) {
      const what = `${spec.key} ${JSON.stringify(opts)}`;
      const path = join(out, 'new.parquet'), ref = join(out, 'duckdb.parquet');
      const digest = await writeFile(spec, path, opts);
      assert.deepEqual(digest, await hashFile(path), `${what}: the size and sha256 returned are the file's`);
      await duckDbCopy(con, spec, ref, opts);
      assert.deepEqual(await describe(con, path), await describe(con, ref), `${what}: schema`);
      assert.equal(await rowsDiffering(con, ref, path, ['ts', 'pair', ...spec.columns.map((c) => c.name)]), 0, `${what}: rows`);
      // The lake itself, independently of DuckDB: the file's rows are the pair-months' rows in pair order.
      const got = readParquetFile(path);
      let row = 0;
      for (const src of spec.sources) {
        const lakes = new Map(src.files.map((f, i) => [i, readParquetFile(f.path)]));
        const ts = lakes.get(0)!.ts;
        for (let i = 0; i < ts.length; i++) assert.equal(got.ts[row + i], ts[i], `${what}: ${src.pair} ts row ${i}`);
        for (const c of spec.columns) {
          const want = lakes.get(c.unit)!.columns.get(c.name)!, have = got.columns.get(c.name)!;
          for (let i = 0; i < want.length; i++) {
            const w = opts.float32 ? Math.fround(want[i]!) : want[i]!;
            if (!Object.is(have[row + i], w)) assert.fail(`${what}: ${src.pair} ${c.name} row ${i}: ${have[row + i]}, the lake has ${w}`);
          }
        }
        row += ts.length;
      }
      assert.equal(got.ts.length, row, `${what}: rows`);
    }
  }
}

const PAIRS = ['EURGBP', 'EURUSD', 'GBPUSD'];
const syntheticDir = tempDir('bqx-export-write-synthetic-'); // made here, so that it lasts until the file ends
let computed = false;
/** The synthetic data set, computed on first use. */
function dataSet(): string {
  if (!computed) computeUnvalidated(syntheticDir, PAIRS, 7);
  computed = true;
  return syntheticDir;
}

test('synthetic data: the written files are the lake\'s values and the DuckDB COPY\'s files', async () => {
  await checkAgainstOracles(dataSet(), PAIRS, '2024-06');
});

/** Pids of this process's child processes (Linux: every thread's children list). */
function childPids(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => readFileSync(`/proc/self/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
}

test('a writer process killed mid-file fails that file only; its replacement writes the next one as a writer alone would', async () => {
  const [wide] = specs(dataSet(), PAIRS, '2024-06');
  const long = { ...wide!, sources: Array.from({ length: 20 }, () => wide!.sources[0]!) }; // 20 × the pair-month: about a second to write
  const out = tempDir('bqx-export-writers-');
  const opts: WriteOpts = { float32: false, compression: 'snappy' };
  const before = new Set(childPids());
  const pool = new WriterPool(1);
  try {
    const [writer] = childPids().filter((p) => !before.has(p));
    assert.ok(writer, 'the pool started its writer process');
    const killedPath = join(out, 'killed.parquet');
    const killed = pool.write({ spec: long, path: killedPath, opts });
    // The writer has begun the file when its temporary file appears (it is renamed to the path when whole).
    const begun = () => readdirSync(out).some((f) => f.startsWith('killed.parquet.tmp-'));
    for (const t0 = Date.now(); !begun() && Date.now() - t0 < 60_000;) await new Promise((r) => setTimeout(r, 1));
    assert.ok(begun(), 'the writer began the file');
    process.kill(writer, 'SIGKILL');
    await assert.rejects(killed, /export writer process exited \(SIGKILL\)/);
    assert.ok(!existsSync(killedPath), 'no file at the path of the killed one (written whole or not at all)');
    const next = await pool.write({ spec: wide!, path: join(out, 'next.parquet'), opts });
    assert.ok(!childPids().includes(writer), 'the killed process is gone');
    const alone = await writeFile(wide!, join(out, 'alone.parquet'), opts);
    assert.deepEqual(next, alone, 'the same size and sha256 as the file written without the pool');
    assert.deepEqual(next, await hashFile(join(out, 'next.parquet')));
  } finally {
    await pool.close();
  }
});

test('a missing lake file or column is reported by its path and name (not as the writer\'s "Dyn casting error")', async () => {
  const [wide] = specs(dataSet(), PAIRS, '2024-06');
  const out = tempDir('bqx-export-write-errors-');
  const opts: WriteOpts = { float32: false, compression: 'snappy' };
  const missingMonth = specs(dataSet(), PAIRS, '2024-05')[0]!; // the data set starts in June
  await assert.rejects(writeFile(missingMonth, join(out, 'a.parquet'), opts), (e: Error) => e.message.includes('ENOENT') && e.message.includes('month=2024-05'));
  const columns = wide!.columns.map((c, i) => (i === 7 ? { ...c, name: 'no_such_column' } : c));
  const unit = wide!.columns[7]!.unit;
  await assert.rejects(writeFile({ ...wide!, columns }, join(out, 'b.parquet'), opts),
    new RegExp(`${wide!.sources[0]!.files[unit]!.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: column no_such_column is missing`));
  assert.deepEqual(readdirSync(out), [], 'nothing left behind');
});
