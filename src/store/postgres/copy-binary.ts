// PostgreSQL's binary COPY format (docs: "COPY — Binary Format") for rows of a timestamptz followed by
// float8 columns, encoded straight from typed arrays: the 19-byte header (signature "PGCOPY\n\377\r\n\0",
// int32 flags 0, int32 header-extension length 0), per row an int16 field count, per field an int32
// byte length and the value in network byte order — ts as int64 microseconds since 2000-01-01 UTC,
// float8 as the big-endian IEEE 754 double (−0 and ±Infinity as they are), NaN as a NULL (length −1) —
// and the int16 trailer −1. Text COPY measured 7× slower: it formats and parses every double.
import { Readable } from 'node:stream';

export const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** PostgreSQL's epoch (2000-01-01T00:00Z) in Unix milliseconds. */
export const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 2 ** 32;
/** Rows per chunk pushed into the stream: ~1 MB for a 90-column table. */
const CHUNK_ROWS = 1_000;

/** Rows to encode: `ts` (epoch ms, whole milliseconds) and the float columns in table order, all of ts's length. */
export interface CopyRows {
  readonly ts: Float64Array;
  readonly columns: readonly Float64Array[];
}

function header(): Buffer {
  const b = Buffer.alloc(19);
  COPY_SIGNATURE.copy(b, 0);
  return b; // flags and extension length: 0
}

/** Encodes rows [from, to) into one buffer (no header or trailer). */
export function encodeRows(rows: CopyRows, from: number, to: number): Buffer {
  const { ts, columns } = rows;
  let size = 0;
  for (let i = from; i < to; i++) {
    size += 2 + 12;
    for (const c of columns) size += c[i] !== c[i] ? 4 : 12;
  }
  const b = Buffer.allocUnsafe(size);
  let o = 0;
  for (let i = from; i < to; i++) {
    o = b.writeInt16BE(1 + columns.length, o);
    // µs since 2000 as an int64 in two halves: exact, |µs| < 2^53 for any date within ±285 years.
    const us = (ts[i]! - PG_EPOCH_MS) * 1000;
    const hi = Math.floor(us / TWO_32);
    o = b.writeInt32BE(8, o);
    o = b.writeInt32BE(hi, o);
    o = b.writeUInt32BE(us - hi * TWO_32, o);
    for (const c of columns) {
      const x = c[i]!;
      if (x !== x) { o = b.writeInt32BE(-1, o); continue; }
      o = b.writeInt32BE(8, o);
      o = b.writeDoubleBE(x, o);
    }
  }
  return b;
}

/** The whole COPY stream: header, rows in chunks, trailer. */
export function* copyChunks(rows: CopyRows, chunkRows = CHUNK_ROWS): Generator<Buffer> {
  for (const c of rows.columns) if (c.length !== rows.ts.length) throw new Error(`a column of ${c.length} rows for ${rows.ts.length} timestamps`);
  yield header();
  for (let i = 0; i < rows.ts.length; i += chunkRows) yield encodeRows(rows, i, Math.min(rows.ts.length, i + chunkRows));
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  yield trailer;
}

/** A readable stream of the COPY data (pipe it into pg-copy-streams' `from`). */
export function copyStream(rows: CopyRows): Readable {
  return Readable.from(copyChunks(rows), { objectMode: false });
}
