// Which format a file is in, from its first bytes (after unzipping).
import { firstLine } from './delimited.ts';
import { dukascopyDialect } from './dukascopy.ts';
import type { CsvMapping, IngestFormat } from './types.ts';

export type FileFormat = Exclude<IngestFormat, 'auto'>;

const HISTDATA_LINE = /^\d{8} \d{6};/;

/**
 * The format of `bytes` (a file's content, unzipped), or null when it is none of the known ones. A CSV
 * is recognised by a header naming open, high, low and close (as mapped by `csv`, if given).
 */
export function detectFormat(bytes: Uint8Array, csv?: CsvMapping): FileFormat | null {
  if (bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31) return 'parquet'; // PAR1
  const { line } = firstLine(bytes.subarray(0, 4096));
  if (HISTDATA_LINE.test(line)) return 'histdata';
  if (dukascopyDialect(line) !== null) return 'dukascopy';
  const names = line.toLowerCase().split(csv?.delimiter ?? /[,;\t|]/).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  const wanted = csv ? [csv.open, csv.high, csv.low, csv.close].map((n) => n.toLowerCase()) : ['open', 'high', 'low', 'close'];
  return wanted.every((k) => names.includes(k)) ? 'csv' : null;
}
