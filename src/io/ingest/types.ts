// Shapes shared by the ingest readers and the ingest driver (DESIGN.md "Bad input").
import type { Bars } from '../../core/types.ts';
import type { UpsertResult } from '../../store/types.ts';

export type IngestFormat = 'auto' | 'histdata' | 'dukascopy' | 'csv' | 'parquet';

/** Column mapping of a generic CSV (header names, matched case-insensitively). */
export interface CsvMapping {
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume?: string;
  pair?: string;
  /** 'iso', 'epoch-ms', 'epoch-s' or a fixed-width pattern of YYYY MM DD HH mm ss SSS, e.g. 'YYYY-MM-DD HH:mm:ss'. */
  timeFormat: 'iso' | 'epoch-ms' | 'epoch-s' | string;
  /** IANA zone of times without an explicit offset (default UTC). */
  tz?: string;
  /** Field delimiter, one character (default ','). */
  delimiter?: string;
}

export interface IngestOptions {
  format: IngestFormat;
  /** The pair of every file; else from the file name (or the pair column). */
  pair?: string;
  /** IANA zone of HistData clocks (default America/New_York: what the real files show, see SOURCES.md). */
  sourceTz?: string;
  /** fail: load nothing from a file with any defect; skip: load its good rows and write a rejects file. */
  onError: 'fail' | 'skip';
  /** Where skip mode writes <file>.rejects.csv (default: the current directory). */
  rejectsDir?: string;
  csv?: CsvMapping;
  /** Cap on the unzipped size of a zip's data member (default MAX_UNZIPPED_BYTES, 512 MiB). */
  maxUnzippedBytes?: number;
}

export const DEFECT_KINDS = [
  'malformed', 'duplicate', 'out-of-order', 'bad-price', 'ohlc-inconsistent',
  'unknown-pair', 'mixed-pairs', 'nonexistent-local-time', 'ambiguous-local-time', 'time-out-of-range', 'time-outlier',
] as const;
export type DefectKind = (typeof DEFECT_KINDS)[number];

/** One rejected row (line = 1-based line of a text file, row number of a Parquet file; 0 = the file itself). */
export interface Defect {
  kind: DefectKind;
  file: string;
  line: number;
  message: string;
}

/** A defect with the raw row it rejects (written to the rejects file). */
export interface RowDefect extends Defect {
  raw: string;
}

/**
 * Flat zero-volume bars (Dukascopy's filler for minutes without ticks), dropped and counted: in the
 * weekend closure, and inside the trading week (holidays, feed gaps) with the line of the first one.
 */
export interface Dropped {
  closedMarket: number;
  flatInWeek: number;
  /** Line of the first flat in-week bar (0: none). */
  firstFlatInWeekLine: number;
}

/** What a pure reader returns for one file. */
export interface ReadResult {
  /** The file's pair (one of the 28), or null when it could not be determined. */
  pair: string | null;
  /** The good rows, ts strictly increasing (bar start, epoch ms UTC). */
  bars: Bars;
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  dropped: Dropped;
  /** Every rejected row, in file order. */
  defects: RowDefect[];
  /** True when a defect concerns the whole file (unknown pair, unreadable header …): no row can be loaded. */
  fatal: boolean;
}

/** Options of the pure readers. */
export interface ReadOptions {
  pair?: string;
  sourceTz?: string;
  csv?: CsvMapping;
  /** Cap on the unzipped size of a zip's data member (default MAX_UNZIPPED_BYTES, 512 MiB). */
  maxUnzippedBytes?: number;
  /** Called about every MiB of text parsed. */
  onProgress?: (bytesDone: number, bytesTotal: number) => void;
}

export interface FileReport {
  file: string;
  format: string;
  pair: string | null;
  rows: number;
  loaded: number;
  dropped: Dropped;
  defects: Record<DefectKind, number>;
  /** The first few defects of each kind. */
  examples: Defect[];
  status: 'loaded' | 'rejected' | 'partial';
  rejectsFile?: string;
  upsert?: UpsertResult;
}
