// Parquet files from typed-array columns (parquet-wasm + apache-arrow; DESIGN.md measured it fastest),
// written atomically (temp file + rename) so a killed process never leaves a half-written file.
import {
  Dictionary, Field, Float32, Float64, Int32, makeData, makeVector, RecordBatchStreamWriter, Schema, Table, tableFromIPC,
  Timestamp, TimestampMillisecond, TimeUnit, Utf8, vectorFromArray, type Vector,
} from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { parseTable } from 'arrow-js-ffi';
import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sha256 } from '../core/hash.ts';
import { SequentialFile } from './direct.ts';

export interface FrameColumns {
  /** Bar start, epoch ms UTC (written as timestamp[ms, UTC]). */
  readonly ts: Float64Array;
  /** Written as a dictionary-encoded string column when given. */
  readonly pair?: string;
  /** Feature columns in output order. */
  readonly columns: ReadonlyArray<readonly [string, Float64Array]>;
}

/** How the float columns are stored (bench/lake-encoding.ts measures the candidates). */
export interface LakeEncoding {
  readonly codec: 'none' | 'snappy' | 'lz4_raw' | 'zstd';
  /** BYTE_STREAM_SPLIT: the k-th bytes of all values stored together, which compresses better. */
  readonly byteStreamSplit: boolean;
  readonly dictionary: boolean;
  /** Column-chunk and page min/max statistics (nothing filters on the lake's float columns). */
  readonly statistics: boolean;
}

/** The seed's writer settings: snappy, plain, no dictionary for the floats, statistics on. */
export const SNAPPY_PLAIN: LakeEncoding = { codec: 'snappy', byteStreamSplit: false, dictionary: false, statistics: true };

const CODECS = {
  none: pq.Compression.UNCOMPRESSED, snappy: pq.Compression.SNAPPY, lz4_raw: pq.Compression.LZ4_RAW, zstd: pq.Compression.ZSTD,
} as const;

export interface WriteOptions {
  /** Store feature columns as float32 (export --float32). */
  readonly float32?: boolean;
  /** Default SNAPPY_PLAIN. */
  readonly encoding?: LakeEncoding;
  /** Key-value metadata stored in the file footer. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Epoch ms as int64 without a BigInt per row: the low and high 32-bit words (little-endian) of an
 * integer below 2^53 in magnitude, high = ⌊x / 2^32⌋ and low = x − high·2^32 ∈ [0, 2^32) (two's complement).
 */
function tsVector(ts: Float64Array): Vector {
  const words = new Uint32Array(2 * ts.length);
  for (let i = 0; i < ts.length; i++) {
    const x = ts[i]!;
    const high = Math.floor(x / 4294967296);
    words[2 * i] = x - high * 4294967296;
    words[2 * i + 1] = high;
  }
  return makeVector(makeData({ type: new TimestampMillisecond('UTC'), length: ts.length, data: words as unknown as Int32Array }));
}

/**
 * The Arrow IPC stream of a table written into one buffer kept across calls: apache-arrow's stream
 * writer hands its pieces (message headers, padding, each column's values as a view) to _write, which
 * copies them straight into the buffer, where tableToIPC would queue them and then join them into a
 * fresh allocation of the whole stream (profiled: as costly as the Parquet encoding, mostly the page
 * faults of that new memory). The bytes are those of tableToIPC(table, 'stream').
 */
class IpcStreamBuffer extends RecordBatchStreamWriter {
  private buf = new Uint8Array(0);
  private length = 0;

  /** The stream of `table`, valid until the next call (`estimate`: its expected size, to grow at most once). */
  stream(table: Table, estimate: number): Uint8Array {
    this.reset(); // a clean writer even if a previous call threw half-way (its end-of-stream bytes are dropped next)
    this.length = 0;
    this.reserve(estimate);
    this.writeAll(table);
    return this.buf.subarray(0, this.length);
  }

  private reserve(bytes: number): void {
    if (bytes <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(bytes, 2 * this.buf.length));
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  protected override _write(chunk: ArrayBufferView): this {
    if (!this._started || chunk.byteLength === 0) return this;
    this.reserve(this.length + chunk.byteLength);
    this.buf.set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength), this.length);
    this.length += chunk.byteLength;
    this._position += chunk.byteLength;
    return this;
  }
}

/** One per thread: encodeParquet is synchronous and parquet-wasm copies the stream before it returns. */
const ipc = new IpcStreamBuffer();

/** The frame as an Arrow table (views of its columns, except float32 and the ts and pair columns). */
function arrowTable(frame: FrameColumns, float32: boolean): Table {
  const vectors: Record<string, Vector> = { ts: tsVector(frame.ts) };
  const fields: Field[] = [new Field('ts', new TimestampMillisecond('UTC'), false)];
  if (frame.pair !== undefined) {
    const type = new Dictionary(new Utf8(), new Int32());
    vectors.pair = vectorFromArray(new Array<string>(frame.ts.length).fill(frame.pair), type);
    fields.push(new Field('pair', type, false));
  }
  for (const [name, data] of frame.columns) {
    if (data.length !== frame.ts.length) throw new Error(`column ${name}: ${data.length} rows, expected ${frame.ts.length}`);
    vectors[name] = float32 ? makeVector(Float32Array.from(data)) : makeVector(data);
    fields.push(new Field(name, float32 ? new Float32() : new Float64(), true));
  }
  return new Table(new Schema(fields), vectors);
}

/** The frame's Arrow IPC stream (what parquet-wasm reads): a view valid until the next call. */
export function arrowIpcStream(frame: FrameColumns, float32 = false): Uint8Array {
  const valueBytes = (frame.columns.length * (float32 ? 4 : 8) + 8) * frame.ts.length;
  return ipc.stream(arrowTable(frame, float32), valueBytes + 1024 * (frame.columns.length + 8));
}

/** Encodes the frame as Parquet (by default snappy with dictionary encoding off for the float columns: it only costs time). */
export function encodeParquet(frame: FrameColumns, opts: WriteOptions = {}): Uint8Array {
  const wasmTable = pq.Table.fromIPCStream(arrowIpcStream(frame, opts.float32));
  const enc = opts.encoding ?? SNAPPY_PLAIN;
  let props = new pq.WriterPropertiesBuilder().setCompression(CODECS[enc.codec]).setDictionaryEnabled(enc.dictionary)
    .setStatisticsEnabled(enc.statistics ? pq.EnabledStatistics.Page : pq.EnabledStatistics.None);
  if (enc.byteStreamSplit) for (const [name] of frame.columns) props = props.setColumnEncoding(name, pq.Encoding.BYTE_STREAM_SPLIT);
  if (frame.pair !== undefined) props = props.setColumnDictionaryEnabled('pair', true);
  // One key holding sorted JSON: parquet-wasm writes a map's keys in hash order, which would make
  // the bytes of identical files differ between runs.
  if (opts.metadata) {
    const sorted = Object.fromEntries(Object.entries(opts.metadata).sort(([a], [b]) => (a < b ? -1 : 1)));
    props = props.setKeyValueMetadata(new Map([['bqx', JSON.stringify(sorted)]]));
  }
  return pq.writeParquet(wasmTable, props.build());
}

/** Creates a new file with `create`, making its directory when it is missing (found by the create itself, not by a mkdir per file). */
function creatingDir<T>(path: string, create: () => T): T {
  try {
    return create();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dirname(path), { recursive: true });
    return create();
  }
}

/** How writeFileAtomic writes. */
export interface FileWrite {
  /**
   * fsync before the rename (default). false leaves it to a caller that syncs the file later with syncFiles,
   * before it records the file anywhere (a crash in between leaves an unrecorded file, which is written again).
   */
  readonly durable?: boolean;
  /**
   * Around the page cache (O_DIRECT, io/direct.ts): the lake's files. Measured on the real January–February
   * (2 runs each way): the lake writes' CPU 0.79–0.82 → 0.55–0.60 core-s per pair-month; the files read back
   * by the next stages are then read from the disk, which their compute time absorbs.
   */
  readonly direct?: boolean;
}

/**
 * Writes `bytes` to `path` atomically: temp file in the same directory, fsync (see FileWrite), rename; a failed
 * write (a full disk) removes its temp file.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array | string, how: FileWrite = {}): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    if (how.direct && typeof bytes !== 'string') {
      const file = creatingDir(tmp, () => SequentialFile.create(tmp));
      try {
        file.write(bytes);
      } catch (e) {
        file.abandon();
        throw e;
      }
      file.close();
    } else {
      creatingDir(tmp, () => writeFileSync(tmp, bytes));
    }
    if (how.durable ?? true) {
      const fd = openSync(tmp, 'r');
      fsyncSync(fd);
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Flushes files to the disk, each fsync on libuv's thread pool (the calling thread goes on). */
export async function syncFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map(async (path) => {
    const file = await open(path, 'r');
    try {
      await file.sync();
    } finally {
      await file.close();
    }
  }));
}

/** Writes the frame as a Parquet file atomically (writeFileAtomic); returns its size and sha256. */
export function writeParquetFile(path: string, frame: FrameColumns, opts: WriteOptions = {}, how: FileWrite = {}): { bytes: number; checksum: string } {
  const bytes = encodeParquet(frame, opts);
  writeFileAtomic(path, bytes, how);
  return { bytes: bytes.length, checksum: sha256(bytes) };
}

export interface ReadColumns {
  readonly ts: Float64Array;
  readonly columns: Map<string, Float64Array>;
}

function toColumns(table: Table): ReadColumns {
  const ts = new Float64Array(table.numRows);
  const tsCol = table.getChild('ts')!;
  // Raw int64 values in the column's unit (ours are ms; DuckDB writes µs), scaled to epoch ms.
  const perMs = 10 ** (3 * ((tsCol.type as Timestamp).unit - TimeUnit.MILLISECOND));
  let i = 0;
  for (const chunk of tsCol.data) {
    const raw = chunk.values as BigInt64Array;
    for (let k = 0; k < chunk.length; k++) ts[i++] = Number(raw[k]!) / perMs;
  }
  const columns = new Map<string, Float64Array>();
  for (const f of table.schema.fields) {
    if (f.name === 'ts' || f.name === 'pair') continue;
    const col = table.getChild(f.name)!;
    columns.set(f.name, col.type instanceof Float64 ? (col.toArray() as Float64Array).slice() : Float64Array.from(col.toArray() as Float32Array));
  }
  return { ts, columns };
}

/** Rows per decoded batch: one batch per row group, so no column is split into 1,024-row chunks to join again. */
const ONE_BATCH = 1 << 24;

/** Reads every float column (and ts) of a Parquet file written by writeParquetFile. */
export function readParquetFile(path: string): ReadColumns {
  return toColumns(tableFromIPC(pq.readParquet(readFileSync(path), { batchSize: ONE_BATCH }).intoIPCStream()));
}

/**
 * The part of the Blob interface parquet-wasm's reader calls (size, slice, arrayBuffer), over an open
 * file: each read fetches only its byte range (the footer, then the wanted column chunks), where a
 * Node Blob of the whole file would read it all and stream through it on every slice (profiled: most
 * of the upstream read time).
 */
function fileBlob(fd: number, from: number, to: number): Blob {
  const part = {
    size: to - from,
    slice: (start = 0, end = to - from) => fileBlob(fd, from + start, from + Math.min(end, to - from)),
    arrayBuffer: async () => {
      const buf = new Uint8Array(to - from);
      for (let got = 0; got < buf.length;) {
        const n = readSync(fd, buf, got, buf.length - got, from + got);
        if (n === 0) throw new Error('Parquet file shorter than its footer says');
        got += n;
      }
      return buf.buffer;
    },
  };
  return part as unknown as Blob;
}

/**
 * Reads only `names` (and ts): parquet-wasm's asynchronous reader decodes just those column chunks
 * (its synchronous readParquet decodes every column whatever it is asked).
 */
export async function readParquetColumns(path: string, names: readonly string[]): Promise<ReadColumns> {
  const fd = openSync(path, 'r');
  try {
    const file = await pq.ParquetFile.fromFile(fileBlob(fd, 0, fstatSync(fd).size));
    try {
      return toColumns(tableFromIPC((await file.read({ columns: ['ts', ...names], batchSize: ONE_BATCH })).intoIPCStream()));
    } finally {
      file.free();
    }
  } finally {
    closeSync(fd);
  }
}

// ---- Arrow tables in and out, for the export's writer (src/export/write.ts) ----

/** The file buffer of WasmParquetTable, kept across calls (one per thread): no fresh memory per file. */
let fileBuf = new Uint8Array(0);

/**
 * A Parquet file decoded into parquet-wasm's memory (its synchronous reader, which decodes the whole file
 * at a third of the CPU of its asynchronous one reading the columns one by one) and read from there as
 * Arrow vectors that view that memory through the Arrow C data interface (arrow-js-ffi, no copy: copying
 * the decoded file out as an IPC stream into fresh JavaScript memory cost as much as its decoding).
 * A view stays valid only until parquet-wasm's memory grows — any later call into parquet-wasm may grow it,
 * which detaches the old buffer — so take table() again after such a call. free() releases the memory.
 */
export class WasmParquetTable {
  private readonly ffi: pq.FFIStream;

  constructor(readonly path: string) {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (fileBuf.length < size) fileBuf = new Uint8Array(size + (size >> 2));
      for (let got = 0; got < size;) {
        const n = readSync(fd, fileBuf, got, size - got, got);
        if (n === 0) throw new Error(`${path}: shorter than its size`);
        got += n;
      }
      this.ffi = pq.readParquet(fileBuf.subarray(0, size), { batchSize: ONE_BATCH }).intoFFI();
    } finally {
      closeSync(fd);
    }
  }

  /** The file's columns, one chunk each (a lake file is one row group), viewing parquet-wasm's memory as it is now. */
  table(): Table {
    const table = parseTable(pq.wasmMemory().buffer, this.ffi.arrayAddrs(), this.ffi.schemaAddr(), false);
    if (table.batches.length > 1) throw new Error(`${this.path}: ${table.batches.length} row groups, expected one`);
    return table;
  }

  free(): void {
    this.ffi.free();
  }
}

/** The table's Arrow IPC stream (the bytes of tableToIPC(table, 'stream')): a view valid until the next call on this thread. */
export function tableIpcStream(table: Table, estimate: number): Uint8Array {
  return ipc.stream(table, estimate);
}
