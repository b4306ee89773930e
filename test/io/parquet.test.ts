// The Parquet writer and readers: every lake encoding round-trips float64 bit for bit, read back by
// DuckDB (the independent reader validation and the export use) and by our own readers; columns given
// as views into a larger buffer are written from their own offset; a column read returns only its rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  Dictionary, Field, Float32, Float64, Int32, makeData, makeVector, Schema, Table, tableFromIPC, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray, type Vector,
} from 'apache-arrow';
import * as pq from 'parquet-wasm';
import {
  arrowIpcStream, encodeParquet, readParquetColumns, syncFiles, writeFileAtomic, readParquetFile, writeParquetFile, SNAPPY_PLAIN, type FrameColumns, type LakeEncoding,
} from '../../src/io/parquet.ts';
import { LAKE_ENCODING } from '../../src/pipeline/lake.ts';
import { sha256 } from '../../src/core/hash.ts';
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

/**
 * The frame's IPC stream the plain way: BigInt timestamps, a Table, apache-arrow's tableToIPC (a fresh,
 * joined buffer). `dictionaryId`: the pair column's (apache-arrow numbers dictionary types process-wide).
 */
function plainIpc(frame: FrameColumns, float32 = false, dictionaryId?: number): Uint8Array {
  const vectors: Record<string, Vector> = {
    ts: makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: frame.ts.length, data: BigInt64Array.from(frame.ts, BigInt) as unknown as Int32Array })),
  };
  const fields: Field[] = [new Field('ts', new TimestampMillisecond('UTC'), false)];
  if (frame.pair !== undefined) {
    const type = new Dictionary(new Utf8(), new Int32(), dictionaryId);
    vectors.pair = vectorFromArray(Array.from(frame.ts, () => frame.pair!), type);
    fields.push(new Field('pair', vectors.pair.type, false));
  }
  for (const [name, data] of frame.columns) {
    vectors[name] = makeVector(float32 ? Float32Array.from(data) : data);
    fields.push(new Field(name, float32 ? new Float32() : new Float64(), true));
  }
  return tableToIPC(new Table(new Schema(fields), vectors), 'stream');
}

test('the Arrow IPC stream written into the reused buffer is byte for byte tableToIPC, call after call', () => {
  // Timestamps before 1970 and beyond 2^32 ms exercise both int64 words; a pair column, float32. (Zero
  // rows: apache-arrow's Table rejects empty columns, with either path.)
  const early = Float64Array.from({ length: 50 }, (_, i) => -86_400_000 * 365 * 30 + 60_000 * i - 1);
  const frames: [FrameColumns, boolean][] = [
    [{ ts, columns: cols }, false],
    [{ ts: early, columns: [['a', Float64Array.from(early, (t) => t / 7)]] }, false],
    [{ ts, pair: 'EURUSD', columns: cols }, true],
    [{ ts, columns: cols.slice(0, 2) }, false], // smaller after larger: the buffer's stale tail is not part of the stream
    [{ ts: ts.subarray(0, 10), columns: [] }, false],
  ];
  for (const [k, [frame, float32]] of frames.entries()) {
    const stream = arrowIpcStream(frame, float32);
    const dictionaryId = frame.pair === undefined ? undefined : (tableFromIPC(stream).schema.fields[1]!.type as Dictionary).id;
    assert.deepEqual(stream, plainIpc(frame, float32, dictionaryId), `frame ${k}`);
  }
});

test('lake files are the bytes parquet-wasm writes from the plain IPC stream (the path before the reused buffer)', () => {
  const frame = { ts, columns: cols };
  const lakeProps = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.LZ4_RAW).setDictionaryEnabled(false)
    .setStatisticsEnabled(pq.EnabledStatistics.None).build();
  assert.deepEqual(encodeParquet(frame, { encoding: LAKE_ENCODING }), pq.writeParquet(pq.Table.fromIPCStream(plainIpc(frame)), lakeProps));
});

test('atomic writes create a missing directory, replace an existing file and leave no temporary file', () => {
  const sub = join(dir, 'atomic', 'pair=EURUSD');
  writeFileAtomic(join(sub, 'a.parquet'), 'one');
  writeFileAtomic(join(sub, 'a.parquet'), new Uint8Array([116, 119, 111]));
  writeFileAtomic(join(sub, 'b.parquet'), 'three');
  assert.equal(readFileSync(join(sub, 'a.parquet'), 'utf8'), 'two');
  assert.deepEqual(readdirSync(sub).sort(), ['a.parquet', 'b.parquet']);
  assert.throws(() => writeFileAtomic(join(sub, 'b.parquet', 'c'), 'x'), /ENOTDIR/); // a file where a directory should be
  assert.deepEqual(readdirSync(sub).sort(), ['a.parquet', 'b.parquet']);
});

test('direct writes (the lake\'s) hold the bytes of plain ones, make the directory and leave nothing behind on failure', () => {
  const sub = join(dir, 'direct', 'pair=EURUSD');
  const frame = { ts, columns: cols };
  const lake = writeParquetFile(join(sub, 'lake.parquet'), frame, { encoding: LAKE_ENCODING }, { durable: false, direct: true });
  const bytes = encodeParquet(frame, { encoding: LAKE_ENCODING });
  assert.deepEqual(readFileSync(join(sub, 'lake.parquet')), Buffer.from(bytes));
  assert.deepEqual(lake, { bytes: bytes.length, checksum: sha256(bytes) });
  assert.deepEqual(readParquetFile(join(sub, 'lake.parquet')).ts, ts);
  // Lengths around the block (4 KiB) and the staging buffer (8 MiB).
  for (const n of [0, 1, 4095, 4096, 4097, (8 << 20) + 3]) {
    const data = new Uint8Array(n).map((_, i) => (i * 31 + n) & 255);
    writeFileAtomic(join(sub, 'x'), data, { direct: true });
    assert.deepEqual(readFileSync(join(sub, 'x')), Buffer.from(data), `${n} bytes`);
  }
  assert.throws(() => writeFileAtomic(join(sub, 'x', 'y'), new Uint8Array(10), { direct: true }), /ENOTDIR/);
  assert.deepEqual(readdirSync(sub).sort(), ['lake.parquet', 'x']);
});

test('a write left for a later sync is in place at once; the sync of a file that is gone fails (the task is then retried)', async () => {
  const sub = join(dir, 'deferred');
  writeFileAtomic(join(sub, 'a.parquet'), 'one', { durable: false });
  assert.equal(readFileSync(join(sub, 'a.parquet'), 'utf8'), 'one');
  assert.deepEqual(readdirSync(sub), ['a.parquet']);
  await syncFiles([join(sub, 'a.parquet')]);
  await assert.rejects(syncFiles([join(sub, 'a.parquet'), join(sub, 'gone.parquet')]), /ENOENT/);
});
