// bqx ingest PATH…: load 1-minute bars into the store, with the bad-input policy of DESIGN.md.
import { ingestPaths, MAX_UNZIPPED_BYTES, OUTLIER_GAP_MS, YEARS, type FileReport, type IngestOptions } from '../../io/ingest/index.ts';
import { DAY_MS } from '../../core/time.ts';
import { isPair, pairInfo } from '../../core/currencies.ts';
import { bool, oneOf, str, UsageError, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, plural, printJson, table } from '../output.ts';
import { join } from 'node:path';

const CSV_FLAGS = ['time-col', 'time-format', 'csv-tz', 'delimiter'];

function printReports(reports: FileReport[]): void {
  console.log(table(['file', 'format', 'pair', 'rows', 'loaded', 'dropped', 'defects', 'status'],
    reports.map((r) => [r.file.split('/').pop()!, r.format, r.pair ?? '?', r.rows, r.loaded,
      r.dropped.closedMarket + r.dropped.flatInWeek, Object.values(r.defects).reduce((a, b) => a + b, 0), r.status])));
  for (const r of reports) {
    const kinds = Object.entries(r.defects).filter(([, n]) => n > 0);
    if (r.dropped.flatInWeek > 0) {
      console.log(`\n${r.file}: ${plural(r.dropped.flatInWeek, 'flat zero-volume bar')} inside the trading week dropped (no ticks; first at ${r.file}:${r.dropped.firstFlatInWeekLine})`);
    }
    if (kinds.length === 0) continue;
    console.log(`\n${r.file}: ${kinds.map(([k, n]) => `${n} ${k}`).join(', ')}${r.status === 'rejected' ? ' — nothing loaded (--on-error skip loads the good rows)' : ''}`);
    for (const d of r.examples.slice(0, 8)) console.log(`  ${d.file}:${d.line}: ${d.kind}: ${d.message}`);
    if (r.rejectsFile) console.log(`  rejected rows written to ${r.rejectsFile}`);
  }
}

export const ingest: CommandSpec = {
  name: 'ingest',
  summary: 'Load 1-minute bars from files or directories: HistData ASCII M1 (.csv or the .zip as downloaded), Dukascopy CSV (web export or dukascopy-node), generic CSV with a header, Parquet. Re-ingesting is idempotent; overlapping files merge.',
  positionals: 'PATH...',
  minPositionals: 1,
  details: `Time zones: HistData files are read in --source-tz (default America/New_York, which is what the real files
follow, with daylight saving); a local time that does not exist or is ambiguous is reported as a defect.
Dukascopy files are UTC; their flat zero-volume bars (no ticks) are dropped: those of the weekend closure
(Friday 21:00 to Sunday 22:00 UTC) counted as closed market, those inside the trading week counted and
reported with the file:line of the first.
Parquet numeric time columns are epoch seconds (9–11 digits) or milliseconds (12 or more), told from the first
value; otherwise pass --time-format epoch-s or epoch-ms.
Bad input: every defect (malformed line, duplicate or out-of-order timestamp, a year outside ${YEARS}, a
time outlier, non-positive or non-finite price, high < low or open/close outside [low, high], unknown or mixed
pairs, non-existent or ambiguous local time) is counted and reported with file:line examples. A time outlier
is one row more than ${OUTLIER_GAP_MS / DAY_MS} days ahead of both neighbours (or a first row followed by two rows more than ${OUTLIER_GAP_MS / DAY_MS} days
behind it): it is rejected and the rows after it keep their order. A zip that unpacks to more than ${MAX_UNZIPPED_BYTES >> 20} MiB
is refused. --on-error fail loads nothing from a bad file; skip loads the good rows and writes the rejected
ones to <data-dir>/rejects/. Exit code 3 when any file or row was rejected.`,
  options: {
    format: { type: 'string', description: 'auto, histdata, dukascopy, csv or parquet', default: 'auto', valueName: 'F' },
    pair: { type: 'string', description: 'the pair of every file (else taken from each file name)', valueName: 'PAIR' },
    'source-tz': { type: 'string', description: 'IANA time zone of HistData local times', default: 'America/New_York', valueName: 'TZ' },
    'on-error': { type: 'string', description: 'fail (load nothing from a bad file) or skip (load good rows, write rejects)', default: 'fail', valueName: 'MODE' },
    'time-col': { type: 'string', description: 'csv: time column name (without CSV flags the columns and time format are recognised)', default: 'time', valueName: 'NAME' },
    'time-format': { type: 'string', description: 'csv: iso, epoch-ms, epoch-s or a pattern such as "YYYY-MM-DD HH:mm:ss"; parquet: epoch-s or epoch-ms', default: 'iso', valueName: 'FMT' },
    'csv-tz': { type: 'string', description: 'csv: IANA zone of local time values', default: 'UTC', valueName: 'TZ' },
    delimiter: { type: 'string', description: 'csv: field delimiter', default: ',', valueName: 'C' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const pairFlag = str(args, 'pair');
    if (pairFlag !== undefined && !isPair(pairFlag.toUpperCase().replace(/[^A-Z]/g, ''))) throw new UsageError(`--pair: unknown pair ${JSON.stringify(pairFlag)}`);
    const tz = str(args, 'source-tz');
    for (const [flag, zone] of [['source-tz', tz], ['csv-tz', str(args, 'csv-tz')]] as const) {
      if (zone === undefined) continue;
      try { new Intl.DateTimeFormat('en-US', { timeZone: zone }); } catch { throw new UsageError(`--${flag}: unknown time zone ${JSON.stringify(zone)}`); }
    }
    const opts: IngestOptions = {
      format: oneOf(args, 'format', ['auto', 'histdata', 'dukascopy', 'csv', 'parquet'] as const) ?? 'auto',
      pair: pairFlag ? pairInfo(pairFlag).name : undefined,
      sourceTz: tz,
      onError: oneOf(args, 'on-error', ['fail', 'skip'] as const) ?? 'fail',
      rejectsDir: join(cfg.dataDir, 'rejects'),
      // Without CSV flags the reader recognises the columns and the time format itself.
      csv: CSV_FLAGS.some((f) => str(args, f) !== undefined) ? {
        time: str(args, 'time-col') ?? 'time', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume',
        timeFormat: str(args, 'time-format') ?? 'iso', tz: str(args, 'csv-tz'), delimiter: str(args, 'delimiter'),
      } : undefined,
    };
    const json = bool(args, 'json');
    const t0 = Date.now();
    let lastPrint = 0;
    const reports = await withStore(cfg, (store) => ingestPaths(store, args.positionals, opts, (p) => {
      const now = Date.now();
      if (json || now - lastPrint < 1000) return;
      lastPrint = now;
      console.error(`reading ${p.file.split('/').pop()}: ${Math.round((100 * p.bytesDone) / Math.max(1, p.bytesTotal))}%`);
    }));
    const loaded = reports.reduce((n, r) => n + r.loaded, 0);
    if (json) printJson({ files: reports, loaded, wallMs: Date.now() - t0 });
    else {
      printReports(reports);
      console.log(`\n${fmtNumber(loaded)} bars loaded from ${plural(reports.length, 'file')} in ${fmtDuration(Date.now() - t0)}`);
    }
    // 3 when anything was rejected: a whole file, or rows that --on-error skip left out.
    return reports.some((r) => r.status !== 'loaded') ? 3 : 0;
  },
};
