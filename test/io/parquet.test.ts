// The Parquet writer and readers: every lake encoding round-trips float64 bit for bit, read back by
// DuckDB (the independent reader validation and the export use) and by our own readers; columns given
// as views into a larger buffer are written from their own offset; a column read returns only its rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { encodeParquet, readParquetColumns, readParquetFile, writeParquetFile, SNAPPY_PLAIN, type LakeEncoding } from '../../src/io/parquet.ts';
import { LAKE_ENCODING } from '../../src/pipeline/lake.ts';
import { tempDir } from '../helpers/tmp.ts';

const dir = tempDir('bqx-parquet-');
const N = 5_000;
const T0 = Date.UTC(2017, 1, 1);

/** Values that stress a float codec: NaN runs, subnormals, extremes, repeats, a random walk. */
function columns(): [string, Float64Array][] {
  // One buffer, columns as views at different offsets (as the pipeline hands them over).
  const buf = new Float64Array(4 * N + 7);
  const at = (k: number) => buf.subarray(7 + k * N, 7 + (k + 1) * N);
  const walk = at(0), odd = at(1), flat = at(2), ints = at(3);
  let x = 1.0512, seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < N; i++) {
    x += (rnd() - 0.5) * 1e-4;
    walk[i] = i < 300 ? NaN : x;
    odd[i] = [5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 1 / 3, NaN, 0, -1e300, 2.5e-308][i % 8]!;
    flat[i] = 100;
    ints[i] = i % 17;
  }
  buf.fill(-999, 0, 7);
  return [['walk', walk], ['odd', odd], ['flat', flat], ['ints', ints]];
}

const ts = Float64Array.from({ length: N }, (_, i) => T0 + 60_000 * i + (i > 2000 ? 60_000 : 0));
const cols = columns();

const ENCODINGS: Record<string, LakeEncoding> = {
  lake: LAKE_ENCODING,
  seed: SNAPPY_PLAIN,
  'zstd byte-stream-split': { codec: 'zstd', byteStreamSplit: true, dictionary: false, statistics: false },
  'uncompressed dictionary': { codec: 'none', byteStreamSplit: false, dictionary: true, statistics: true },
};

const bits = (v: number) => { const f = new Float64Array([v]); return new BigUint64Array(f.buffer)[0]!; };

for (const [name, encoding] of Object.entries(ENCODINGS)) {
  test(`${name}: DuckDB and our readers get every value back bit for bit`, async () => {
    const path = join(dir, `${name.replaceAll(' ', '-')}.parquet`);
    writeParquetFile(path, { ts, columns: cols }, { encoding, metadata: { unit: 'x' } });
    const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const con = await db.connect();
    const r = await con.runAndReadAll(`SELECT epoch_ms(ts)::DOUBLE AS t, walk, odd, flat, ints FROM read_parquet('${path}')`);
    const rows = r.getRows();
    con.closeSync();
    assert.equal(rows.length, N);
    for (let i = 0; i < N; i++) {
      assert.equal(rows[i]![0], ts[i], `ts row ${i}`);
      for (let c = 0; c < cols.length; c++) {
        const want = cols[c]![1][i]!, got = rows[i]![c + 1] as number | null;
        // DuckDB returns a stored NaN as NaN (a null would be a different value)
        assert.ok(got !== null && (Number.isNaN(want) ? Number.isNaN(got) : bits(got) === bits(want)), `${cols[c]![0]} row ${i}: ${got} ≠ ${want}`);
      }
    }
    const all = readParquetFile(path);
    assert.deepEqual([...all.ts], [...ts]);
    for (const [c, v] of cols) assert.deepEqual(new BigUint64Array(all.columns.get(c)!.buffer), new BigUint64Array(Float64Array.from(v).buffer), c);
    const some = await readParquetColumns(path, ['odd', 'ints']);
    assert.deepEqual([...some.columns.keys()], ['odd', 'ints']);
    assert.deepEqual([...some.ts], [...ts]);
    assert.deepEqual(new BigUint64Array(some.columns.get('odd')!.buffer), new BigUint64Array(Float64Array.from(cols[1]![1]).buffer));
  });
}

test('the same frame encodes to the same bytes (files are reproducible)', () => {
  const a = encodeParquet({ ts, columns: cols }, { encoding: LAKE_ENCODING, metadata: { b: '2', a: '1' } });
  const b = encodeParquet({ ts, columns: columns() }, { encoding: LAKE_ENCODING, metadata: { a: '1', b: '2' } });
  assert.deepEqual(a, b);
});

test('timestamps DuckDB writes (µs) are read back as epoch ms', async () => {
  const path = join(dir, 'duckdb.parquet');
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const con = await db.connect();
  await con.run(`COPY (SELECT make_timestamptz(2017, 2, 1, 0, i, 30.5) AS ts, i::DOUBLE AS x FROM range(3) t(i)) TO '${path}' (FORMAT parquet)`);
  con.closeSync();
  const r = readParquetFile(path);
  assert.deepEqual([...r.ts], [0, 1, 2].map((i) => Date.UTC(2017, 1, 1, 0, i, 30, 500)));
  assert.deepEqual([...r.columns.get('x')!], [0, 1, 2]);
});
