// The export's writer (parquet-wasm) against two oracles: the lake files it reads (every value, bit for bit,
// read back by parquet-wasm) and the DuckDB COPY it replaced (reference.ts: the same schema as DuckDB reads
// it, the same rows in the same order, every value's bits), on the synthetic data set of the export tests.
// Real data goes through the same writer in test/pipeline's real-run test (3 pairs × 2 months of 2017,
// exported and read back) and in bench/export-write.ts (with the DuckDB COPY comparison).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { planFiles, type FileSpec, type PairMonth } from '../../src/export/layout.ts';
import { writeFile, type WriteOpts } from '../../src/export/write.ts';
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

test('synthetic data: the written files are the lake\'s values and the DuckDB COPY\'s files', async () => {
  const dir = tempDir('bqx-export-write-synthetic-');
  const pairs = ['EURGBP', 'EURUSD', 'GBPUSD'];
  computeUnvalidated(dir, pairs, 7);
  await checkAgainstOracles(dir, pairs, '2024-06');
});
