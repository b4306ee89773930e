// Writes one export file: the units' lake files of each pair-month joined row by row (their rows are
// proved equal by lakefiles.ts), the file's columns selected, the pairs of a month stacked in pair order,
// Parquet via parquet-wasm's streaming writer: one pair-month in memory at a time, whatever the file holds.
// The schema is the one DuckDB's COPY wrote before (bench/export-write.ts compares the two): ts as
// timestamp[µs, UTC], pair as a string, the columns as double (float with float32), nullable.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Field, Float32, Float64, makeData, makeVector, Schema, Table, TimestampMicrosecond, Utf8, type Vector } from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { SequentialFile } from '../io/direct.ts';
import { tableIpcStream, WasmParquetTable } from '../io/parquet.ts';
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

/** Epoch ms (int64, as the lake stores ts) to µs as int64 words, word by word: |x| < 2^53 after scaling, so no BigInt per row. */
function microseconds(ts: Vector): Uint32Array {
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
  return out;
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

/**
 * One pair-month's rows of the file: the units' lake files decoded in parquet-wasm's memory, handed out a
 * slice of rows at a time as an Arrow table of ts, pair, then the spec's columns (views of that memory,
 * or float32 copies: DuckDB's ::FLOAT cast, the nearest float, NaN stays NaN).
 */
class PairMonthRows {
  readonly rows: number;
  private readonly files = new Map<number, WasmParquetTable>();
  private readonly ts: Uint32Array;
  private readonly schema: Schema;

  constructor(private readonly spec: FileSpec, private readonly k: number, private readonly float32: boolean) {
    const src = spec.sources[k]!;
    try {
      for (const c of spec.columns) if (!this.files.has(c.unit)) this.files.set(c.unit, new WasmParquetTable(src.files[c.unit]!.path));
    } catch (e) {
      this.free();
      throw e;
    }
    const first = this.files.values().next().value!.table();
    this.rows = first.numRows;
    this.ts = microseconds(first.getChild('ts')!);
    this.schema = new Schema([
      new Field('ts', new TimestampMicrosecond('UTC'), true), new Field('pair', new Utf8(), true),
      ...spec.columns.map((c) => new Field(c.name, float32 ? new Float32() : new Float64(), true)),
    ]);
  }

  /** Rows [from, to): valid until the next call into parquet-wasm (the views are taken anew on each call). */
  slice(from: number, to: number): Table {
    const src = this.spec.sources[this.k]!;
    const tables = new Map([...this.files].map(([unit, f]) => [unit, f.table()]));
    const vectors: Record<string, Vector> = {
      ts: makeVector(makeData({ type: new TimestampMicrosecond('UTC'), length: to - from, data: this.ts.subarray(2 * from, 2 * to) as unknown as Int32Array })),
      pair: constantString(src.pair, to - from),
    };
    for (const c of this.spec.columns) {
      const v = tables.get(c.unit)!.getChild(c.name);
      const bad = v?.length !== this.rows ? (v ? `has ${v.length} rows, expected ${this.rows}` : 'is missing') : v.nullCount > 0 ? 'has nulls (the lake stores NaN)' : null;
      if (bad !== null || !v) throw new Error(`${src.files[c.unit]!.path}: column ${c.name} ${bad}`);
      const values = (v.data[0]!.values as Float64Array).subarray(from, to);
      vectors[c.name] = makeVector(this.float32 ? Float32Array.from(values) : values);
    }
    return new Table(this.schema, vectors);
  }

  free(): void {
    for (const f of this.files.values()) f.free();
    this.files.clear();
  }
}

/**
 * Rows per batch handed to the writer, a row group's: a pair-month goes in slices, so the Arrow IPC stream
 * that carries each into parquet-wasm's memory is ≈ 50 MB instead of the pair-month's ≈ 190 MB (memory a
 * worker touches for the first time costs more than the copying, and parquet-wasm's memory never shrinks).
 */
const SLICE_ROWS = ROW_GROUP_ROWS;

/**
 * The file's rows as parquet-wasm record batches, made when the writer asks for them: one pair-month's files
 * in memory at a time. An error here reaches the writer only as "Dyn casting error" (it expects a batch), so
 * it is also kept in `failed` for writeFile to report.
 */
function batches(spec: FileSpec, float32: boolean, failed: { error?: unknown }): ReadableStream<pq.RecordBatch> {
  let k = 0, rows: PairMonthRows | null = null, at = 0;
  const width = spec.columns.length * (float32 ? 4 : 8) + 32;
  const release = () => { rows?.free(); rows = null; };
  return new ReadableStream<pq.RecordBatch>({
    pull: (ctrl) => {
      try {
        while (rows === null || at >= rows.rows) {
          release();
          if (k === spec.sources.length) return ctrl.close();
          rows = new PairMonthRows(spec, k++, float32);
          at = 0;
        }
        const slice = rows.slice(at, Math.min(rows.rows, at + SLICE_ROWS));
        at += SLICE_ROWS;
        const wasmTable = pq.Table.fromIPCStream(tableIpcStream(slice, width * slice.numRows + 1024 * (spec.columns.length + 8)));
        // Freed now, not when the garbage collector gets to it: parquet-wasm's memory would grow by a pair-month per file.
        try { ctrl.enqueue(wasmTable.recordBatch(0)!); } finally { wasmTable.free(); }
      } catch (e) {
        release();
        failed.error = e;
        throw e;
      }
    },
    cancel: release,
  }, { highWaterMark: 0 });
}

/**
 * Writes the file to `path` (atomically: temp + rename), around the page cache where the file system allows
 * it (io/direct.ts); returns its size and sha256, hashed as written.
 */
export async function writeFile(spec: FileSpec, path: string, opts: WriteOpts): Promise<{ size: number; sha256: string }> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const file = SequentialFile.create(tmp);
  let open = true;
  const failed: { error?: unknown } = {};
  try {
    const hash = createHash('sha256');
    for await (const chunk of (await pq.transformParquetStream(batches(spec, opts.float32, failed), writerProperties(opts.compression))) as ReadableStream<Uint8Array>) {
      file.write(chunk);
      hash.update(chunk);
    }
    open = false;
    file.close();
    renameSync(tmp, path);
    return { size: file.size, sha256: hash.digest('hex') };
  } catch (e) {
    if (open) file.abandon();
    rmSync(tmp, { force: true });
    throw failed.error ?? e;
  }
}
