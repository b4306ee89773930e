// Writes one export file: the units' lake files of each pair-month joined row by row (their rows are
// proved equal by lakefiles.ts), the file's columns selected, the pairs of a month stacked in pair order,
// Parquet via parquet-wasm's streaming writer: one pair-month in memory at a time, whatever the file holds.
// The schema is the one DuckDB's COPY wrote before (bench/export-write.ts compares the two): ts as
// timestamp[µs, UTC], pair as a string, the columns as double (float with float32), nullable.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { Field, Float32, Float64, makeData, makeVector, Schema, Table, TimestampMicrosecond, Utf8, type Vector } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { readParquetTable, tableIpcStream } from '../io/parquet.ts';
import type { FileSpec } from './layout.ts';

export type Compression = 'snappy' | 'zstd';
export const COMPRESSIONS: readonly Compression[] = ['snappy', 'zstd'];

export interface WriteOpts { readonly float32: boolean; readonly compression: Compression }

/**
 * Rows per row group: the writer holds a row group's encoded pages until it is complete, so this bounds
 * its memory (≈ 50 MB for the 745 columns; 122,880 rows, DuckDB's default, took ≈ 0.5 GB more per worker
 * for a pair-month of 31,000 rows and no less CPU). Readers get 4 row groups per pair-month to read in parallel.
 */
const ROW_GROUP_ROWS = 8192;

/**
 * Column-chunk min/max (as DuckDB wrote them: readers can skip row groups by ts or value); no page
 * statistics (they doubled the encoding's CPU, bench/lake-encoding.ts). No dictionary for the noise-like
 * doubles (it only costs time), one for pair.
 */
function writerProperties(compression: Compression): pq.WriterProperties {
  return new pq.WriterPropertiesBuilder()
    .setCompression(compression === 'zstd' ? pq.Compression.ZSTD : pq.Compression.SNAPPY)
    .setDictionaryEnabled(false).setColumnDictionaryEnabled('pair', true)
    .setStatisticsEnabled(pq.EnabledStatistics.Chunk)
    .setMaxRowGroupSize(ROW_GROUP_ROWS)
    .build();
}

/** Epoch ms (int64, as the lake stores ts) to µs, word by word: |x| < 2^53 after scaling, so no BigInt per row. */
function microseconds(ts: Vector): Vector {
  const out = new Uint32Array(2 * ts.length);
  let i = 0;
  for (const chunk of ts.data) {
    const w = new Uint32Array(chunk.values.buffer, chunk.values.byteOffset, 2 * chunk.length);
    for (let k = 0; k < chunk.length; k++, i++) {
      const us = ((w[2 * k + 1]! | 0) * 4294967296 + w[2 * k]!) * 1000;
      const high = Math.floor(us / 4294967296);
      out[2 * i] = us - high * 4294967296;
      out[2 * i + 1] = high;
    }
  }
  return makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: ts.length, data: out as unknown as Int32Array }));
}

/** A string column holding `pair` on every row. */
function constantString(pair: string, rows: number): Vector {
  const bytes = new TextEncoder().encode(pair);
  const data = new Uint8Array(bytes.length * rows);
  const offsets = new Int32Array(rows + 1);
  for (let i = 0; i < rows; i++) {
    data.set(bytes, i * bytes.length);
    offsets[i + 1] = (i + 1) * bytes.length;
  }
  return makeVector(makeData({ type: new Utf8(), length: rows, data, valueOffsets: offsets }));
}

/** float32 as DuckDB's ::FLOAT cast: the nearest float (NaN stays NaN). */
function toFloat32(v: Vector): Vector {
  const out = new Float32Array(v.length);
  let i = 0;
  for (const chunk of v.data) {
    out.set(chunk.values as Float64Array, i);
    i += chunk.length;
  }
  return makeVector(out);
}

/** One pair-month's rows of the file as an Arrow table: ts, pair, then the spec's columns from the units' lake files. */
function pairTable(spec: FileSpec, k: number, float32: boolean): Table {
  const src = spec.sources[k]!;
  const tables = new Map<number, Table>();
  for (const c of spec.columns) if (!tables.has(c.unit)) tables.set(c.unit, readParquetTable(src.files[c.unit]!.path));
  const first = tables.values().next().value!;
  const rows = first.numRows;
  const fields: Field[] = [new Field('ts', new TimestampMicrosecond('UTC'), true), new Field('pair', new Utf8(), true)];
  const vectors: Record<string, Vector> = { ts: microseconds(first.getChild('ts')!), pair: constantString(src.pair, rows) };
  for (const c of spec.columns) {
    const v = tables.get(c.unit)!.getChild(c.name);
    if (v?.length !== rows) throw new Error(`${src.files[c.unit]!.path}: column ${c.name} ${v ? `has ${v.length} rows, expected ${rows}` : 'is missing'}`);
    vectors[c.name] = float32 ? toFloat32(v) : v;
    fields.push(new Field(c.name, float32 ? new Float32() : new Float64(), true));
  }
  return new Table(new Schema(fields), vectors);
}

/**
 * Rows per batch handed to the writer, a row group's: a pair-month goes in slices, so the Arrow IPC stream
 * that carries each into parquet-wasm's memory is ≈ 50 MB instead of the pair-month's ≈ 190 MB (memory a
 * worker touches for the first time costs more than the copying, and parquet-wasm's memory never shrinks).
 */
const SLICE_ROWS = ROW_GROUP_ROWS;

/** The file's rows as parquet-wasm record batches, made when the writer asks for them: one pair-month's tables in memory at a time. */
function batches(spec: FileSpec, float32: boolean): ReadableStream<pq.RecordBatch> {
  let k = 0, table: Table | null = null, at = 0;
  const width = spec.columns.length * (float32 ? 4 : 8) + 32;
  return new ReadableStream<pq.RecordBatch>({
    pull: (ctrl) => {
      if (table === null || at >= table.numRows) {
        if (k === spec.sources.length) return ctrl.close();
        table = pairTable(spec, k++, float32);
        at = 0;
      }
      const slice = table.slice(at, at + SLICE_ROWS);
      at += SLICE_ROWS;
      const wasmTable = pq.Table.fromIPCStream(tableIpcStream(slice, width * slice.numRows + 1024 * (spec.columns.length + 8)));
      // Freed now, not when the garbage collector gets to it: parquet-wasm's memory would grow by a pair-month per file.
      try { ctrl.enqueue(wasmTable.recordBatch(0)!); } finally { wasmTable.free(); }
    },
  }, { highWaterMark: 0 });
}

/** Writes the file to `path` (atomically: temp + rename); returns its size and sha256, hashed as written. */
export async function writeFile(spec: FileSpec, path: string, opts: WriteOpts): Promise<{ size: number; sha256: string }> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fd = openSync(tmp, 'w');
  let open = true;
  try {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of (await pq.transformParquetStream(batches(spec, opts.float32), writerProperties(opts.compression))) as ReadableStream<Uint8Array>) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at, chunk.length - at);
      hash.update(chunk);
      size += chunk.length;
    }
    closeSync(fd);
    open = false;
    renameSync(tmp, path);
    return { size, sha256: hash.digest('hex') };
  } catch (e) {
    if (open) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
