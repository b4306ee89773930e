// Read-only snapshots of the store for the dashboard. DuckDB admits one process per database file:
// a READ_ONLY open fails while a run holds the file, and a run cannot open the file while a reader
// holds it. So the dashboard opens the file only for the moment of one read, never while a live run
// is logged, re-reads only when the file changed, and otherwise serves the last snapshot.
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { pairInfo } from '../core/currencies.ts';
import { queryPlain } from '../store/plain.ts';
import { readBarsBlock } from '../store/blocks.ts';
import { manifestFromRow } from '../store/rows.ts';
import type { ManifestRecord, RunRecord } from '../store/types.ts';

export interface Snapshot {
  readonly takenAt: number;
  readonly manifests: ManifestRecord[];
  readonly runs: RunRecord[];
  /** Bar months: (pair, month) → bar count and content version. */
  readonly barMonths: { pair: string; month: string; bars: number; version: string }[];
}

export interface SnapshotState {
  readonly snapshot: Snapshot | null;
  /** Why the current file could not be read (held by a run, absent …), null when the snapshot is current. */
  readonly unavailable: string | null;
}

/** True for DuckDB's "another process holds the file" error. */
export function isLockError(e: unknown): boolean {
  return /Could not set lock on file|Conflicting lock/i.test((e as Error).message ?? '');
}

/** Opens the file read-only, runs `fn`, closes it at once (also on error). */
export async function withReadOnly<T>(path: string, fn: (q: (sql: string, params?: (string | number)[]) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', threads: '1' });
  try {
    const conn = await instance.connect();
    try {
      return await fn((sql, params) => queryPlain(conn, sql, params));
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v ?? {}) as Record<string, unknown>;

async function readSnapshot(path: string): Promise<Snapshot> {
  return withReadOnly(path, async (q) => {
    const manifests = (await q('SELECT * FROM manifests ORDER BY stage, pair, month')).map((r) => manifestFromRow(r, json));
    const runs = (await q('SELECT * FROM runs ORDER BY started_at DESC')).map((r) => ({
      id: r.id as string, startedAt: r.started_at as number, finishedAt: r.finished_at as number | null,
      status: r.status as RunRecord['status'], command: r.command as string, summary: json(r.summary),
    }));
    const barMonths = (await q('SELECT pair::VARCHAR AS pair, month, bars, version FROM bar_versions ORDER BY pair, month'))
      .map((r) => ({ pair: r.pair as string, month: r.month as string, bars: r.bars as number, version: r.version as string }));
    return { takenAt: Date.now(), manifests, runs, barMonths };
  });
}

/** The file's identity for change detection (size and mtime of the database and its WAL) and its last change. */
function fileStamp(path: string): { key: string; changedAt: number } | null {
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return null;
    }
  };
  const db = stat(path);
  if (!db) return null;
  const wal = stat(`${path}.wal`);
  return { key: `${db.size}:${db.mtimeMs}/${wal ? `${wal.size}:${wal.mtimeMs}` : '-'}`, changedAt: Math.max(db.mtimeMs, wal?.mtimeMs ?? 0) };
}

const CLOSES_KEPT = 4;
/** After a failed open (the file was held), no new attempt for this long. */
const RETRY_MS = 5000;
export const BUSY = 'the store is busy (a run holds it or has just written it)';

export class StoreSnapshots {
  private current: Snapshot | null = null;
  private stamp: string | null = null;
  private unavailable: string | null = 'not read yet';
  private pending: Promise<SnapshotState> | null = null;
  private retryAt = 0;
  private readonly closeCache = new Map<string, { stamp: string; data: { ts: Float64Array; close: Float64Array } }>();

  /**
   * `quietMs`: the file is opened only once it has not changed for this long. A command that closes
   * the store and opens it again (run, then validate, then export) writes it on close, so the
   * dashboard stays out of that gap instead of taking the lock the command is about to ask for.
   */
  constructor(private readonly path: string, private readonly quietMs = 2000) {}

  /** When the current snapshot was read (0: never). */
  get takenAt(): number {
    return this.current?.takenAt ?? 0;
  }

  private mayOpenNow(stamp: { changedAt: number }): boolean {
    const now = Date.now();
    return now - stamp.changedAt >= this.quietMs && now >= this.retryAt;
  }

  /** The freshest snapshot allowed: re-read when the file changed, `mayOpen`, and the file is quiet. */
  get(mayOpen: boolean): Promise<SnapshotState> {
    const stamp = fileStamp(this.path);
    if (stamp === null) return Promise.resolve({ snapshot: this.current, unavailable: 'no store yet' });
    if (stamp.key === this.stamp) return Promise.resolve({ snapshot: this.current, unavailable: null });
    if (!mayOpen || !this.mayOpenNow(stamp)) return Promise.resolve({ snapshot: this.current, unavailable: BUSY });
    this.pending ??= this.refresh(stamp.key).finally(() => { this.pending = null; });
    return this.pending;
  }

  /**
   * One pair's closes, cached per version of the file (a run never writes bars, so a cached series
   * stays right while a run holds the store). At most CLOSES_KEPT pairs are kept.
   */
  async closes(pair: string, mayOpen: boolean): Promise<{ ts: Float64Array; close: Float64Array } | null> {
    const stamp = fileStamp(this.path);
    const hit = this.closeCache.get(pair);
    if (hit && hit.stamp === stamp?.key) return hit.data;
    if (!mayOpen || stamp === null || !this.mayOpenNow(stamp)) return hit?.data ?? null;
    const data = await readCloses(this.path, pair);
    if (!data) {
      this.retryAt = Date.now() + RETRY_MS;
      return hit?.data ?? null;
    }
    this.closeCache.delete(pair);
    this.closeCache.set(pair, { stamp: stamp.key, data });
    if (this.closeCache.size > CLOSES_KEPT) this.closeCache.delete(this.closeCache.keys().next().value!);
    return data;
  }

  private async refresh(stamp: string): Promise<SnapshotState> {
    try {
      this.current = await readSnapshot(this.path);
      this.stamp = stamp;
      this.unavailable = null;
    } catch (e) {
      if (!isLockError(e)) throw e;
      this.unavailable = BUSY;
      this.retryAt = Date.now() + RETRY_MS;
    }
    return { snapshot: this.current, unavailable: this.unavailable };
  }
}

/** One pair's close prices, read whole from the store (null while a run holds it). */
export async function readCloses(path: string, pair: string): Promise<{ ts: Float64Array; close: Float64Array } | null> {
  const name = pairInfo(pair).name; // from the fixed list: safe to spell in SQL
  try {
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY', threads: '1' });
    try {
      const conn = await instance.connect();
      try {
        const b = await readBarsBlock(conn, `SELECT epoch_ms(ts)::DOUBLE, open, high, low, close, volume FROM bars WHERE pair = '${name}'::pair_name ORDER BY ts`);
        return { ts: b.ts, close: b.close };
      } finally {
        conn.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  } catch (e) {
    if (isLockError(e)) return null;
    throw e;
  }
}
