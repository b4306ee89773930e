// The local Parquet lake of stage outputs: <dataDir>/lake/<unit>/pair=<PAIR>/month=<YYYY-MM>.parquet.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LakeEncoding } from '../io/parquet.ts';
import type { ManifestRecord } from '../store/types.ts';
import type { PartitionStats } from './colstats.ts';

/**
 * How stage outputs are stored. The lake is internal (read back by later stages, validation and the
 * export, through parquet-wasm and DuckDB), so it takes what bench/lake-encoding.ts measured fastest
 * to write and read at about the same size as snappy: LZ4_RAW, plain, no statistics (nothing filters
 * on the float columns; page statistics cost a large share of the encoding time).
 */
export const LAKE_ENCODING: LakeEncoding = { codec: 'lz4_raw', byteStreamSplit: false, dictionary: false, statistics: false };

export function lakeDir(dataDir: string): string {
  return join(dataDir, 'lake');
}

export function partitionPath(dataDir: string, unit: string, pair: string, month: string): string {
  return join(lakeDir(dataDir), unit, `pair=${pair}`, `month=${month}.parquet`);
}

/**
 * Deletes temporary files that a killed run left in the lake (writes go to `<file>.tmp-<pid>-<rand>`
 * and are renamed when complete). Only one process opens the store, so at the start of a run every
 * such file is stale. Returns how many were removed.
 */
export function removeStaleTemps(dataDir: string): number {
  const root = lakeDir(dataDir);
  if (!existsSync(root)) return 0;
  const stale = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.parquet\.tmp-\d+-\w+$/.test(f));
  for (const f of stale) rmSync(join(root, f), { force: true });
  return stale.length;
}

/** What a done manifest recorded of one pair's lake file. */
export interface RecordedFile { readonly rows?: number; readonly bytes?: number; readonly checksum?: string; readonly stats?: PartitionStats }

/** `pair`'s file of a done manifest (a month fan-in records each pair's in extra.outputs). */
export function recordedFile(m: ManifestRecord, pair: string): RecordedFile {
  return m.pair === '*'
    ? (m.extra.outputs as Record<string, RecordedFile> | undefined)?.[pair] ?? {}
    : { rows: m.rows, bytes: m.bytes, checksum: m.checksum, stats: m.extra.stats as PartitionStats | undefined };
}

/**
 * Whether the lake file at `path` is, by its stat alone, the one its manifest recorded: lake writes are
 * temp + rename and the done manifest records `finishedAt` after (file clocks are coarse, never ahead), so
 * the recorded file has the recorded size and was last modified no later than that. A file rewritten or
 * modified since (a killed recompute, a hand edit, a copy from another machine's lake) is not: callers
 * then compare its sha256 with the recorded checksum.
 */
export function writtenAsRecorded(path: string, bytes: number | undefined, finishedAt: number): boolean {
  const st = statSync(path);
  return st.size === bytes && st.mtimeMs <= finishedAt;
}
