// ingestPaths: files and directories → readers → the bad-input policy (DESIGN.md "Bad input") → store.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Store } from '../../store/types.ts';
import { readCsv } from './csv.ts';
import { detectFormat, type FileFormat } from './detect.ts';
import { readDukascopy } from './dukascopy.ts';
import { HISTDATA_TZ, readHistData } from './histdata.ts';
import { canonicalPair, unknownPairMessage } from './pairs.ts';
import { readParquetFile } from './parquet.ts';
import { fatalResult } from './result.ts';
import { TimeField } from './timefield.ts';
import { ZoneClock } from './timezone.ts';
import { DEFECT_KINDS, type DefectKind, type FileReport, type IngestOptions, type ReadResult, type RowDefect } from './types.ts';
import { unpack } from './zip.ts';

export type ProgressFn = (p: { file: string; bytesDone: number; bytesTotal: number }) => void;

/** Examples kept per defect kind in a report. */
const EXAMPLES_PER_KIND = 3;
const DATA_FILE = /\.(zip|csv|parquet)$/i;
const REJECTS_SUFFIX = '.rejects.csv';
/** Ask-side files (Dukascopy names them …_ASK_…): the store keeps one series per pair, the bid side. */
const ASK_NAME = /(^|[^a-z])ask([^a-z]|$)/i;

/** Throws a one-line error for options that cannot work for any file. */
function checkOptions(opts: IngestOptions): void {
  if (!['auto', 'histdata', 'dukascopy', 'csv', 'parquet'].includes(opts.format)) {
    throw new Error(`format: expected auto, histdata, dukascopy, csv or parquet, got ${JSON.stringify(opts.format)}`);
  }
  if (opts.onError !== 'fail' && opts.onError !== 'skip') {
    throw new Error(`onError: expected fail or skip, got ${JSON.stringify(opts.onError)}`);
  }
  if (opts.pair !== undefined && canonicalPair(opts.pair) === null) throw new Error(unknownPairMessage(opts.pair, 'pair'));
  const cap = opts.maxUnzippedBytes;
  if (cap !== undefined && !(Number.isInteger(cap) && cap > 0)) throw new Error(`maxUnzippedBytes: expected an integer > 0, got ${cap}`);
  if (opts.csv) {
    new TimeField(opts.csv.timeFormat, opts.csv.tz ?? 'UTC'); // throws on a bad format or zone
    if ((opts.csv.delimiter ?? ',').length !== 1) throw new Error(`csv delimiter must be one character, got ${JSON.stringify(opts.csv.delimiter)}`);
  }
}

/** The data files under `paths` (directories recursively: .zip, .csv, .parquet, not rejects files), sorted. */
async function listFiles(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  const walk = async (p: string, explicit: boolean): Promise<void> => {
    const s = await stat(p).catch(() => {
      throw new Error(`no such file or directory: ${p}`);
    });
    if (s.isDirectory()) {
      const entries = (await readdir(p)).sort();
      for (const e of entries) await walk(join(p, e), false);
    } else if (explicit || (DATA_FILE.test(p) && !p.endsWith(REJECTS_SUFFIX))) {
      out.add(resolve(p));
    }
  };
  for (const p of paths) await walk(p, true);
  return [...out];
}

function readOne(bytes: Uint8Array, file: string, opts: IngestOptions, clock: ZoneClock,
  onProgress: (done: number, total: number) => void): { format: FileFormat | 'unknown'; result: ReadResult } {
  const name = basename(file);
  const src = unpack(bytes, name, opts.maxUnzippedBytes);
  if ('error' in src) return { format: 'unknown', result: fatalResult(file, 'malformed', src.error) };
  if (src.bytes.every((c) => c === 32 || c === 9 || c === 10 || c === 13)) {
    return { format: 'unknown', result: fatalResult(file, 'malformed', 'no data rows') };
  }
  onProgress(0, src.bytes.length);
  const format = opts.format === 'auto' ? detectFormat(src.bytes, opts.csv) : opts.format;
  const ropts = { pair: opts.pair, sourceTz: opts.sourceTz, csv: opts.csv, onProgress };
  switch (format) {
    case 'histdata': return { format, result: readHistData(src, name, ropts, clock) };
    case 'dukascopy': return { format, result: readDukascopy(src, name, ropts) };
    case 'csv': return { format, result: readCsv(src, name, ropts) };
    case 'parquet': return { format, result: readParquetFile(src.bytes, name, ropts) };
    case null: return { format: 'unknown', result: fatalResult(file, 'malformed',
      'unrecognised format (not HistData, Dukascopy, a CSV with open/high/low/close columns, or Parquet): pass --format') };
  }
}

function csvField(s: string | number): string {
  const t = String(s);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

async function writeRejects(dir: string, file: string, defects: readonly RowDefect[]): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, basename(file) + REJECTS_SUFFIX);
  const lines = defects.map((d) => [d.line, d.kind, d.message, d.raw].map(csvField).join(','));
  await writeFile(path, ['line,kind,message,raw', ...lines].join('\n') + '\n');
  return path;
}

/** Applies the bad-input policy to one file's read result, loads what may be loaded, and reports. */
async function settle(store: Store, file: string, format: string, res: ReadResult, opts: IngestOptions): Promise<FileReport> {
  const defects = res.defects.map((d) => ({ ...d, file }));
  if (res.rows === 0 && defects.length === 0) {
    defects.push({ kind: 'malformed', file, line: 0, message: 'no data rows', raw: '' });
  }
  const fatal = res.fatal || res.rows === 0;
  const counts = Object.fromEntries(DEFECT_KINDS.map((k) => [k, 0])) as Record<DefectKind, number>;
  const examples: FileReport['examples'] = [];
  for (const d of defects) {
    if (counts[d.kind]++ < EXAMPLES_PER_KIND) examples.push({ kind: d.kind, file: d.file, line: d.line, message: d.message });
  }
  const loadable = !fatal && (defects.length === 0 || opts.onError === 'skip') && res.bars.ts.length > 0;
  const report: FileReport = {
    file, format, pair: res.pair, rows: res.rows, loaded: loadable ? res.bars.ts.length : 0, dropped: res.dropped,
    defects: counts, examples, status: !loadable ? (defects.length > 0 ? 'rejected' : 'loaded') : defects.length > 0 ? 'partial' : 'loaded',
  };
  if (loadable) report.upsert = await store.upsertBars(res.pair!, res.bars, file);
  if (opts.onError === 'skip' && defects.length > 0) report.rejectsFile = await writeRejects(opts.rejectsDir ?? '.', file, defects);
  return report;
}

/**
 * Loads the bars of every file under `paths` into `store`, one report per file. Files are read one at a
 * time (memory: one file). Throws only for options that cannot work or paths that do not exist; bad
 * data in a file is reported, never thrown.
 */
export async function ingestPaths(store: Store, paths: string[], opts: IngestOptions, onProgress?: ProgressFn): Promise<FileReport[]> {
  checkOptions(opts);
  const clock = new ZoneClock(opts.sourceTz ?? HISTDATA_TZ);
  const reports: FileReport[] = [];
  for (const file of await listFiles(paths)) {
    let read: { format: string; result: ReadResult };
    try {
      const bytes = await readFile(file);
      read = readOne(bytes, file, opts, clock, (bytesDone, bytesTotal) => onProgress?.({ file, bytesDone, bytesTotal }));
    } catch (err) {
      read = { format: 'unknown', result: fatalResult(file, 'malformed', `cannot read: ${(err as Error).message}`) };
    }
    if (ASK_NAME.test(basename(file))) {
      read.result.defects.unshift({ kind: 'malformed', file, line: 0, raw: '',
        message: 'ask-side prices: the store keeps bid bars (one series per pair); ingest the BID file' });
      read.result.fatal = true;
    }
    reports.push(await settle(store, file, read.format, read.result, opts));
  }
  return reports;
}
