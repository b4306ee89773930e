// Parquet files (parquet-wasm → Arrow): columns ts|time|timestamp (a timestamp, ISO text, or numbers of
// epoch seconds or milliseconds — told from the first value as the CSV reader does, or set by
// csv.timeFormat 'epoch-s' / 'epoch-ms'), open, high, low, close, optional volume and pair. Numbers may
// be float, integer or decimal; timestamps without a zone are read as UTC.
import { tableFromIPC, Type, util, type Table, type Vector } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { MINUTE_MS } from '../../core/time.ts';
import { guessTimeFormat } from './csv.ts';
import { canonicalPair, filePair, unknownPairMessage } from './pairs.ts';
import { fatalResult } from './result.ts';
import { BarSink, type RowSource } from './sink.ts';
import { TimeField } from './timefield.ts';
import type { ReadOptions, ReadResult } from './types.ts';

const NAMES = {
  time: ['ts', 'time', 'timestamp', 'datetime', 'date'], open: ['open'], high: ['high'], low: ['low'], close: ['close'],
  volume: ['volume', 'vol', 'tick_volume'], pair: ['pair', 'symbol'],
} as const;

/** Reads column values as float64 (NaN for nulls). */
function numberReader(v: Vector): (i: number) => number {
  const t = v.type;
  if (t.typeId === Type.Decimal) {
    const scale = (t as { scale: number }).scale;
    return (i) => (v.isValid(i) ? util.bigNumToNumber(v.get(i), scale) : NaN);
  }
  if (t.typeId === Type.Float || t.typeId === Type.Int) return (i) => (v.isValid(i) ? Number(v.get(i)) : NaN);
  return () => NaN;
}

/** The current row (line = 1-based row number); raw = its values as read, comma-separated. */
class ParquetRows implements RowSource {
  line = 0;
  constructor(private readonly cols: ((i: number) => unknown)[]) {}
  raw(): string {
    return this.cols.map((c) => String(c(this.line - 1))).join(',');
  }
}

/**
 * Milliseconds per unit of a numeric time column: as `format` says ('epoch-s', 'epoch-ms'), else told
 * from the first non-null value like a CSV time field (9–11 digits: seconds, 12 or more: ms); that
 * value's text when it is neither.
 */
function epochScale(time: Vector, format: string | undefined): number | string {
  if (format === 'epoch-s') return 1000;
  if (format === 'epoch-ms') return 1;
  for (let i = 0; i < time.length; i++) {
    if (!time.isValid(i)) continue;
    const sample = String(time.get(i));
    const guess = guessTimeFormat(sample);
    return guess === 'epoch-ms' ? 1 : guess === 'epoch-s' ? 1000 : sample;
  }
  return 1; // no value: every row is rejected as null anyway
}

function column(table: Table, wanted: readonly string[]): Vector | null {
  const field = table.schema.fields.find((f) => wanted.includes(f.name.toLowerCase()));
  return field ? table.getChild(field.name) : null;
}

export function readParquetFile(bytes: Uint8Array, name: string, opts: ReadOptions = {}): ReadResult {
  let table: Table;
  try {
    table = tableFromIPC(readParquet(bytes).intoIPCStream());
  } catch (err) {
    return fatalResult(name, 'malformed', `cannot read Parquet: ${String(err)}`);
  }
  const wantedTime = opts.csv ? [opts.csv.time.toLowerCase()] : NAMES.time;
  const time = column(table, wantedTime);
  const prices = (['open', 'high', 'low', 'close'] as const).map((k) => column(table, opts.csv ? [opts.csv[k].toLowerCase()] : NAMES[k]));
  const volume = column(table, opts.csv?.volume ? [opts.csv.volume.toLowerCase()] : NAMES.volume);
  const pairCol = column(table, opts.csv?.pair ? [opts.csv.pair.toLowerCase()] : NAMES.pair);
  const missing = [time ? null : `time (${wantedTime.join(' or ')})`, ...prices.map((p, k) => (p ? null : ['open', 'high', 'low', 'close'][k]))]
    .filter((m) => m !== null);
  if (!time || missing.length > 0) {
    return fatalResult(name, 'malformed', `no ${missing.join(', ')} column among ${table.schema.fields.map((f) => f.name).join(', ')}`);
  }
  const [open, high, low, close] = prices.map((p) => numberReader(p!)) as [(i: number) => number, (i: number) => number, (i: number) => number, (i: number) => number];
  const vol = volume ? numberReader(volume) : () => 0;
  const rows = new ParquetRows([(i) => time.get(i), open, high, low, close, ...(volume ? [vol] : []),
    ...(pairCol ? [(i: number) => pairCol.get(i)] : [])]);
  const { pair: named, defects: fileDefects } = filePair(opts.pair, [name], pairCol !== null);
  let pair = named;
  const sink = new BarSink(table.numRows, name, rows, false);
  for (const d of fileDefects) sink.rejectFile(d.kind, d.message);

  const tt = time.type.typeId;
  const numeric = tt === Type.Int || tt === Type.Float;
  const scale = numeric ? epochScale(time, opts.csv?.timeFormat) : 1;
  if (typeof scale === 'string') {
    return fatalResult(name, 'malformed', `the time column holds numbers such as ${scale}, neither epoch seconds (9–11 digits) nor epoch milliseconds (12 or more): pass --time-format epoch-s or epoch-ms`, 0, table.numRows);
  }
  const textTime = tt === Type.Utf8 || tt === Type.LargeUtf8
    ? new TimeField(opts.csv?.timeFormat ?? 'iso', opts.csv?.tz ?? 'UTC') : null;
  const encoder = new TextEncoder();
  let lastPairText: string | null = null;
  let lastPair: string | null = null;
  for (let i = 0; i < table.numRows; i++) {
    rows.line = i + 1;
    if (pairCol) {
      const p = String(pairCol.get(i));
      if (p !== lastPairText) {
        lastPairText = p;
        lastPair = canonicalPair(p);
      }
      if (lastPair === null) { sink.reject('unknown-pair', unknownPairMessage(p, 'the pair column\'s')); continue; }
      pair ??= lastPair;
      if (lastPair !== pair) { sink.reject('mixed-pairs', `row of ${lastPair} in a file of ${pair}`); continue; }
    }
    let ts = NaN;
    if (!time.isValid(i)) { sink.reject('malformed', 'time is null'); continue; }
    if (textTime) {
      const b = encoder.encode(String(time.get(i)));
      ts = textTime.parse(b, 0, b.length);
      if (textTime.status !== 'ok') {
        sink.reject(textTime.status === 'malformed' ? 'malformed' : `${textTime.status}-local-time` as const,
          `time ${JSON.stringify(time.get(i))}: ${textTime.status === 'malformed' ? textTime.reason : `${textTime.status} in ${textTime.zone}`}`);
        continue;
      }
    } else if (tt === Type.Timestamp || tt === Type.Date) ts = Number(time.get(i));
    else if (numeric) ts = Number(time.get(i)) * scale;
    if (!Number.isFinite(ts) || ts % MINUTE_MS !== 0) {
      sink.reject('malformed', `time ${String(time.get(i))} is not a bar start on a whole minute`);
      continue;
    }
    const v = vol(i);
    if (Number.isNaN(v) && volume?.isValid(i) === false) { sink.reject('malformed', 'volume is null'); continue; }
    sink.push(ts, open(i), high(i), low(i), close(i), v);
  }
  if (pair === null && fileDefects.length === 0) {
    sink.rejectFile('unknown-pair', 'cannot tell the pair: name it in the file name, pass --pair, or add a pair column');
  }
  opts.onProgress?.(bytes.length, bytes.length);
  return { pair, bars: sink.bars(), rows: table.numRows, dropped: sink.dropped(), defects: sink.defects,
    fatal: pair === null || fileDefects.length > 0 };
}
