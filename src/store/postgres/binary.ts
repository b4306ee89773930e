// Bars in PostgreSQL's binary COPY format (PostgreSQL docs, "COPY", binary format): a header, then
// per row a field count and each field as its length and bytes (big-endian), then a trailer. A bar row
// is (ts timestamptz, open … volume float8), all NOT NULL, so every row has the same 74 bytes:
// timestamptz as int64 microseconds since 2000-01-01 UTC, float8 as its IEEE bits. Both directions are
// exact: whole-minute timestamps and every float64 (−0, NaN, ±Infinity included) round-trip bit for bit.
import { allocBars, BAR_COLUMNS, type Bars } from '../../core/types.ts';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = SIGNATURE.length + 8; // + int32 flags + int32 header extension length (both 0)
const FIELDS = BAR_COLUMNS.length;
const ROW = 2 + FIELDS * (4 + 8);
const TRAILER = 2;
/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix epoch ms. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

/** `bars` as one binary COPY stream (for COPY … FROM STDIN (FORMAT binary)). */
export function encodeBars(bars: Bars): Buffer {
  const n = bars.ts.length;
  const buf = Buffer.alloc(HEADER + n * ROW + TRAILER);
  SIGNATURE.copy(buf, 0);
  let at = HEADER;
  for (let i = 0; i < n; i++) {
    buf.writeInt16BE(FIELDS, at);
    at += 2;
    buf.writeInt32BE(8, at);
    buf.writeBigInt64BE(BigInt(bars.ts[i]! - PG_EPOCH_MS) * 1000n, at + 4);
    at += 12;
    for (let k = 1; k < FIELDS; k++) {
      buf.writeInt32BE(8, at);
      buf.writeDoubleBE(bars[BAR_COLUMNS[k]!][i]!, at + 4);
      at += 12;
    }
  }
  buf.writeInt16BE(-1, at);
  return buf;
}

/** The rows of a binary COPY stream of bar rows (as encodeBars writes them) as one allocBars block. */
export function decodeBars(buf: Buffer): Bars {
  if (buf.length < HEADER + TRAILER || !buf.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  const start = HEADER + buf.readInt32BE(SIGNATURE.length + 4);
  const n = (buf.length - start - TRAILER) / ROW;
  if (!Number.isInteger(n) || n < 0 || buf.readInt16BE(buf.length - TRAILER) !== -1) throw new Error('a bars COPY stream must hold rows of six 8-byte fields');
  const out = allocBars(n);
  const [, open, high, low, close, volume] = BAR_COLUMNS.map((c) => out[c]);
  const values = [open!, high!, low!, close!, volume!];
  let at = start;
  for (let i = 0; i < n; i++) {
    if (buf.readInt16BE(at) !== FIELDS) throw new Error(`bars COPY row ${i}: expected ${FIELDS} fields`);
    out.ts[i] = Number(buf.readBigInt64BE(at + 6) / 1000n) + PG_EPOCH_MS;
    at += 14;
    for (const col of values) {
      col[i] = buf.readDoubleBE(at + 4);
      at += 12;
    }
  }
  return out;
}
