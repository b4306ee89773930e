// Generic CSV with a header: the `csv` options name the columns and the time format; without them the
// usual names are recognised (time|timestamp|ts|datetime|date, open, high, low, close, volume, pair|symbol)
// and the time format is told from the first row (epoch ms, epoch s or ISO 8601).
import { readDelimited, firstLine } from './delimited.ts';
import { filePair } from './pairs.ts';
import { fatalResult } from './result.ts';
import { TimeField } from './timefield.ts';
import type { CsvMapping, ReadOptions, ReadResult } from './types.ts';
import { unpack, type Input } from './zip.ts';

const ROLES = ['time', 'open', 'high', 'low', 'close', 'volume', 'pair'] as const;
type Role = (typeof ROLES)[number];
const OPTIONAL: ReadonlySet<Role> = new Set(['volume', 'pair']);

/** Header names recognised when no mapping is given (lower case). */
const USUAL_NAMES: Record<Role, readonly string[]> = {
  time: ['time', 'timestamp', 'ts', 'datetime', 'date', 'gmt time'],
  open: ['open'], high: ['high'], low: ['low'], close: ['close'],
  volume: ['volume', 'vol', 'tick_volume', 'tickvol'],
  pair: ['pair', 'symbol'],
};

function headerNames(line: string, delimiter: string): string[] {
  return line.split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
}

/** 'epoch-ms' (≥ 12 digits), 'epoch-s' (9–11 digits) or 'iso', from a sample time field. */
export function guessTimeFormat(sample: string): 'epoch-ms' | 'epoch-s' | 'iso' {
  const s = sample.trim().replace(/^"(.*)"$/, '$1');
  if (/^\d{12,}(\.0*)?$/.test(s)) return 'epoch-ms';
  if (/^\d{9,11}(\.0*)?$/.test(s)) return 'epoch-s';
  return 'iso';
}

/** The first non-blank line after the header, or ''. */
function sampleLine(b: Uint8Array, from: number): string {
  const text = Buffer.from(b.buffer, b.byteOffset + from, Math.min(b.length - from, 4096)).toString('latin1');
  return text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
}

/**
 * Reads a CSV file with a header (.csv or a .zip holding one). `dropClosedMarket`: drop flat
 * zero-volume bars (the Dukascopy exports' closed-market filler).
 */
export function readCsv(input: Input, name: string, opts: ReadOptions = {}, dropClosedMarket = false): ReadResult {
  const src = unpack(input, name, opts.maxUnzippedBytes);
  if ('error' in src) return fatalResult(name, 'malformed', src.error);
  const mapping: Partial<CsvMapping> = opts.csv ?? {};
  const delimiter = mapping.delimiter ?? ',';
  if (delimiter.length !== 1) return fatalResult(name, 'malformed', `the CSV delimiter must be one character, got ${JSON.stringify(delimiter)}`);
  const { line: header, next } = firstLine(src.bytes);
  const names = headerNames(header, delimiter);
  const col = {} as Record<Role, number>;
  for (const role of ROLES) {
    const wanted = mapping[role] !== undefined ? [mapping[role]!.trim().toLowerCase()] : opts.csv ? [] : USUAL_NAMES[role];
    col[role] = names.findIndex((n) => wanted.includes(n));
    if (col[role] < 0 && !OPTIONAL.has(role)) {
      return fatalResult(name, 'malformed', `no ${role} column (${wanted.map((w) => JSON.stringify(w)).join(' or ')}) in the header ${JSON.stringify(header)}`, 1);
    }
  }
  let timeField: TimeField;
  try {
    const format = mapping.timeFormat ?? guessTimeFormat(sampleLine(src.bytes, next).split(delimiter)[col.time] ?? '');
    timeField = new TimeField(format, mapping.tz ?? 'UTC');
  } catch (err) {
    return fatalResult(name, 'malformed', (err as Error).message);
  }
  const { pair, defects } = filePair(opts.pair, [name, src.member], col.pair >= 0);
  return readDelimited(src.bytes, name, {
    delimiter: delimiter.charCodeAt(0), fields: names.length, time: col.time, open: col.open, high: col.high,
    low: col.low, close: col.close, volume: col.volume, pair: col.pair, timeField,
    dropClosedMarket: dropClosedMarket && col.volume >= 0, // without volumes a flat bar is not known to be filler
  }, { dataStart: next, firstLine: 2, pair, fileDefects: defects, onProgress: opts.onProgress });
}
