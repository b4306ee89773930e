// One pass over the stored outputs of the scope (the Parquet lake): completeness and quality per
// partition and column, with the pair's bars read once per month. A partition the pipeline wrote carries
// its file statistics in its manifest (pipeline/colstats.ts, computed while writing): they are used while
// the file is the one written — same size and not modified after its manifest was finished, else same
// checksum — and the bars' timestamps still match them; otherwise the file is read and the same
// statistics computed from it.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { PAIR_NAMES } from '../core/currencies.ts';
import type { FeatureDef } from '../features/types.ts';
import { readParquetColumns, readParquetFile } from '../io/parquet.ts';
import { columnStats, nanRuns, tsHash, type ColumnStats, type PartitionStats } from '../pipeline/colstats.ts';
import { partitionPath, recordedFile, writtenAsRecorded } from '../pipeline/lake.ts';
import type { MonthIndex } from '../pipeline/plan.ts';
import type { Unit } from '../pipeline/units.ts';
import type { ManifestRecord, Store } from '../store/types.ts';
import { BarCache } from '../pipeline/bars.ts';
import { CompletenessChecks, volumeFeatures } from './completeness.ts';
import { QualityChecks } from './quality.ts';
import { pairsRead } from './reads.ts';
import { StaleGrid, type PairRows } from './staleness.ts';
import { manifestKey, type Scope } from './scope.ts';
import type { Tally } from './tally.ts';
import type { ValidationProgress } from './types.ts';

export interface ScanResult {
  /** Smallest non-null fraction after the burn-in per feature (unavailable pairs excluded). */
  readonly nonNull: ReadonlyMap<string, number | null>;
  readonly outliers: (name: string) => number;
  /** Rows stored per partition ('unit|pair|month'), and the data version of each done partition. */
  readonly rows: ReadonlyMap<string, number>;
  readonly dataVersions: Record<string, string>;
  readonly ms: number;
  /** Stored partitions validated from their manifest's statistics, and those whose file was read. */
  readonly statsUsed: number;
  readonly filesRead: number;
}

/** sha256 of a file, read in blocks (no buffer of the whole file). */
function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const block = Buffer.allocUnsafe(1 << 22);
  const fd = openSync(path, 'r');
  try {
    for (let n; (n = readSync(fd, block, 0, block.length, null)) > 0;) hash.update(block.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/** A stored partition as the scan sees it: its timestamps and each column's statistics. */
interface StoredPartition {
  readonly ts: Float64Array;
  readonly columns: ReadonlyMap<string, ColumnStats>;
  /** From the manifest (the file unchanged since written, the bars' timestamps matched), not from the file. */
  readonly fromStats: boolean;
}

/** The statistics the pipeline recorded for (pair) of a done manifest, and the file (checksum, size) they belong to. */
function recorded(m: ManifestRecord, pair: string): { stats: PartitionStats; checksum: string; bytes: number } | null {
  const { stats, checksum, bytes } = recordedFile(m, pair);
  return stats && typeof stats.tsHash === 'string' && stats.columns && checksum && typeof bytes === 'number' ? { stats, checksum, bytes } : null;
}

/**
 * Whether the file at `path` is still the one the manifest recorded: by its stat (hashing every stage file
 * again cost the scan ~9 s per month of 28 pairs, the whole lake read), else by its sha256.
 */
function unchangedSince(path: string, m: ManifestRecord, r: { checksum: string; bytes: number }): boolean {
  return writtenAsRecorded(path, r.bytes, m.finishedAt) || fileSha256(path) === r.checksum;
}

/**
 * Reads a stored partition's statistics: from its manifest when the pipeline recorded them, the file is
 * still the one it wrote (unchangedSince), and its timestamps (by hash) are the month's bars — reading only the columns
 * whose NaN rows were too scattered to record —; else from the whole file.
 */
async function readStored(unit: Unit, m: ManifestRecord, pair: string, path: string, bars: Float64Array): Promise<StoredPartition> {
  const r = recorded(m, pair);
  if (r && r.stats.rows === bars.length && r.stats.tsHash === tsHash(bars) && unchangedSince(path, m, r)) {
    const columns = new Map(Object.entries(r.stats.columns));
    const scattered = unit.columns.filter((c) => columns.get(c.name)?.nan === null).map((c) => c.name);
    if (scattered.length > 0) {
      const part = await readParquetColumns(path, scattered);
      for (const name of scattered) columns.set(name, { ...columns.get(name)!, nan: nanRuns(part.columns.get(name)!) });
    }
    return { ts: bars, columns, fromStats: true };
  }
  const part = readParquetFile(path);
  const scratch = new Float64Array(part.ts.length);
  const columns = new Map(unit.columns.flatMap((c) => {
    const col = part.columns.get(c.name);
    return col ? [[c.name, columnStats(c, col, scratch)] as const] : [];
  }));
  return { ts: part.ts, columns, fromStats: false };
}

/**
 * Why a month-unit feature lacks values for `pair`: the pairs it reads (reads.ts) that are not loaded,
 * with the family's notes about them; null when it reads only loaded pairs (then nothing excuses it).
 */
export function notLoadedReason(def: FeatureDef, pair: string, extra: Readonly<Record<string, unknown>>, isLoaded: (p: string) => boolean): string | null {
  const absent = pairsRead(def.name, pair).filter((p) => !isLoaded(p));
  if (absent.length === 0) return null;
  const others = PAIR_NAMES.filter((p) => p !== pair);
  const relevant = Object.entries(extra)
    .filter(([k, v]) => k.startsWith(`${def.family}: `) && typeof v === 'string' && v.includes('not loaded'))
    .filter(([k]) => k.includes(pair) || !others.some((p) => k.includes(p)));
  // Notes naming the feature first, then those about every pair, then the pair's other notes.
  const rank = ([k]: [string, unknown]) => (k.includes(def.name) ? 0 : k.includes(pair) ? 2 : 1);
  const notes = relevant.sort((a, b) => rank(a) - rank(b)).map(([k, v]) => `${k.slice(def.family.length + 2)}: ${v as string}`);
  const shown = absent.length > 6 ? `${absent.slice(0, 6).join(' ')} …` : absent.join(' ');
  const head = `reads pairs that are not loaded: ${absent.length} of the ${pairsRead(def.name, pair).length} it reads (${shown})`;
  return notes.length ? `${head}; ${notes.slice(0, 2).join('; ')}${notes.length > 2 ? ` (+${notes.length - 2} more notes)` : ''}` : head;
}

export async function scanLake(input: {
  store: Store; dataDir: string; scope: Scope; index: MonthIndex; done: ReadonlyMap<string, ManifestRecord>;
  tally: Tally; onProgress?: (p: ValidationProgress) => void;
  /** The validation's bars (default: read here). */
  bars?: BarCache;
}): Promise<ScanResult> {
  const { scope, index, done, tally } = input;
  const cache = input.bars ?? new BarCache(input.store, index);
  const t0 = performance.now();
  const completeness = new CompletenessChecks(tally);
  const quality = new QualityChecks(tally);
  const defs = scope.units.flatMap((u) => u.columns);
  const unitOf = new Map(scope.units.flatMap((u) => u.columns.map((c) => [c.name, u] as const)));
  const volume = volumeFeatures(defs);
  const rows = new Map<string, number>();
  const dataVersions: Record<string, string> = {};
  const silent = new Map<string, boolean>(); // pair → every bar of the scope has volume 0
  const total = scope.pairs.length * scope.months.length;
  let step = 0, statsUsed = 0, filesRead = 0;
  for (const month of scope.months) {
    const pairsOfMonth = await monthBars(cache, month, [...index.keys()], scope);
    for (const pair of scope.pairs) {
      const months = index.get(pair) ?? [];
      input.onProgress?.({ phase: 'lake', done: step++, total, message: `${pair} ${month}` });
      const at = months.findIndex((m) => m.month === month);
      if (at < 0) continue;
      const offset = months.slice(0, at).reduce((n, m) => n + m.bars, 0);
      const dataRows = months.reduce((n, m) => n + m.bars, 0);
      const bars = await cache.month(pair, month);
      silent.set(pair, (silent.get(pair) ?? true) && bars.volume.every((v) => v === 0));
      for (const unit of scope.units) {
        const where = { unit: unit.name, pair, month };
        const m = done.get(manifestKey(unit.name, unit.kind === 'month' ? '*' : pair, month));
        const path = partitionPath(input.dataDir, unit.name, pair, month);
        const part = m !== undefined && existsSync(path) ? await readStored(unit, m, pair, path, bars.ts) : null;
        if (m) dataVersions[manifestKey(unit.name, m.pair, month)] = m.dataVersion;
        if (part) {
          rows.set(manifestKey(unit.name, pair, month), part.ts.length);
          if (part.fromStats) statsUsed++; else filesRead++;
        }
        const ok = completeness.rows(where, bars.ts, part?.ts ?? null, m ? `the stored file ${path} is missing` : 'not computed (no done manifest)');
        if (!part || !quality.timestamps(where, part.ts) || !ok) continue;
        const stale = unit.kind === 'month' ? pairsOfMonth.stale(unit.warmup).forPair(pair) : null;
        for (const def of unit.columns) {
          const col = part.columns.get(def.name);
          if (!col) { tally.feature('rows', def.name, 'fail', { ...where, message: `${def.name}: no column in ${path}` }); continue; }
          completeness.add(def, pair, col.nan!, part.ts.length, bars, offset, dataRows, stale?.(pairsRead(def.name, pair), def.lookback));
          quality.add(def, where, part.ts, col);
        }
      }
    }
  }
  for (const [pair, noVolume] of silent) {
    if (noVolume) for (const name of volume) completeness.markUnavailable(unitOf.get(name)!.columns.find((c) => c.name === name)!, pair, 'the source has no volume (every bar has volume 0)');
  }
  const explain = (def: FeatureDef, pair: string): string | null => {
    const unit = unitOf.get(def.name)!;
    if (unit.kind !== 'month') return null;
    const extra = Object.assign({}, ...scope.months.map((m) => done.get(manifestKey(unit.name, '*', m))?.extra ?? {}));
    return notLoadedReason(def, pair, extra, (p) => index.has(p));
  };
  const nonNull = completeness.finish(defs, (n) => unitOf.get(n)!.name, explain);
  quality.finish(defs);
  input.onProgress?.({ phase: 'lake', done: total, total, message: 'done' });
  return { nonNull, outliers: (n) => quality.outlierCount(n), rows, dataVersions, ms: performance.now() - t0, statsUsed, filesRead };
}

/**
 * The month's bars of every loaded pair, read once when the scope has month units (else none), and the
 * stale-pair grid of a month unit with `warmup` rows of history (built on first use, per warm-up).
 */
async function monthBars(cache: BarCache, month: string, loaded: readonly string[], scope: Scope): Promise<{ stale: (warmup: number) => StaleGrid }> {
  const warmups = scope.units.filter((u) => u.kind === 'month').map((u) => u.warmup);
  // Each pair's timestamps from the largest warm-up before the month to its end (a view of the month's).
  const ts = new Map<string, PairRows>();
  if (warmups.length > 0) {
    for (const p of loaded) {
      const r = await cache.partition(p, month, Math.max(...warmups), 0);
      ts.set(p, { ts: r.bars.ts.subarray(0, r.first + r.count), first: r.first });
    }
  }
  const grids = new Map<number, StaleGrid>();
  const stale = (warmup: number): StaleGrid => {
    let g = grids.get(warmup);
    if (g) return g;
    const frames = new Map<string, PairRows>();
    for (const [p, f] of ts) {
      const from = Math.max(0, f.first - warmup);
      if (f.ts.length - from === 0) continue;
      frames.set(p, { ts: f.ts.subarray(from), first: f.first - from });
    }
    grids.set(warmup, (g = new StaleGrid(frames)));
    return g;
  };
  return { stale };
}
