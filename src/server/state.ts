// What the dashboard reads, for one data directory: run logs, store snapshots, the lake, reports and
// the catalog. Every source is read-only; nothing here writes to the data directory.
import { join } from 'node:path';
import { isImplemented, registry, type Registry } from '../features/registry.ts';
import { buildUnits, type Unit } from '../pipeline/units.ts';
import { LakeReader } from './chart.ts';
import { Reports } from './reports.ts';
import { RunLogs, runRates, type RunView } from './runlog.ts';
import { StoreSnapshots, type SnapshotState } from './snapshot.ts';
import type { RunRecord } from '../store/types.ts';

/** How often a logged live run is checked for a holder of the store. */
export const LIVENESS_PROBE_MS = 5000;

export class DashboardState {
  readonly storePath: string;
  readonly logs: RunLogs;
  readonly snapshots: StoreSnapshots;
  readonly lake: LakeReader;
  readonly reports: Reports;
  readonly reg: Registry;
  readonly units: Unit[];
  private lastProbe = 0;

  constructor(readonly dataDir: string, storeQuietMs?: number) {
    this.storePath = join(dataDir, 'bqx.duckdb');
    this.logs = new RunLogs(dataDir);
    this.snapshots = new StoreSnapshots(this.storePath, storeQuietMs);
    this.lake = new LakeReader(dataDir);
    this.reports = new Reports(dataDir);
    this.reg = registry();
    this.units = buildUnits(this.reg);
  }

  unit(name: string): Unit | undefined {
    return this.units.find((u) => u.name === name);
  }

  /** The unit whose lake files hold a column. */
  unitOfColumn(name: string): Unit | undefined {
    return this.units.find((u) => u.columns.some((c) => c.name === name));
  }

  /**
   * The store as last read; re-read when it changed. While a run is logged as live it holds the store,
   * so a read is only tried every LIVENESS_PROBE_MS: if it succeeds, no process holds the store and the
   * logged run died without its run-done (a killed process writes nothing more to its log).
   */
  async snapshot(): Promise<SnapshotState> {
    const live = this.logs.live();
    const probe = !live || Date.now() - this.lastProbe >= LIVENESS_PROBE_MS;
    if (live && probe) this.lastProbe = Date.now();
    const before = this.snapshots.takenAt;
    const state = await this.snapshots.get(probe);
    if (live && state.unavailable === null && this.snapshots.takenAt !== before) {
      this.logs.poll(); // a run-done written meanwhile wins over the probe
      if (this.logs.live()?.id === live.id) this.logs.markEnded(live.id);
    }
    return state;
  }

  isImplemented(feature: string): boolean {
    const fam = this.reg.familyOf.get(feature);
    return fam !== undefined && isImplemented(fam);
  }

  async close(): Promise<void> {
    await this.lake.close();
  }
}

export interface RunSummary {
  readonly id: string;
  readonly status: string;
  readonly command: string | null;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly lastEventAt: number | null;
  readonly durationMs: number | null;
  readonly partitions: { readonly todo: number; readonly done: number; readonly failed: number; readonly running: number };
  readonly rows: number;
  readonly rowsPerSec: number | null;
  readonly etaMs: number | null;
  readonly units: RunView['units'];
  readonly failures: RunView['failures'];
  readonly warnings: number;
  /** Where the record came from: the run's log, the store's run table, or both. */
  readonly source: 'log' | 'store' | 'log+store';
}

export function summariseRun(r: RunView, rec: RunRecord | undefined, now: number): RunSummary {
  const rates = runRates(r, now);
  return {
    id: r.id, status: r.status, command: rec?.command ?? null, startedAt: r.startedAt, finishedAt: r.finishedAt,
    lastEventAt: r.lastEventAt, durationMs: (r.finishedAt ?? now) - r.startedAt,
    partitions: { todo: rates.todo, done: r.units.reduce((n, u) => n + u.done, 0), failed: r.units.reduce((n, u) => n + u.failed, 0), running: r.units.reduce((n, u) => n + u.running, 0) },
    rows: r.rows, rowsPerSec: rates.rowsPerSec, etaMs: rates.etaMs, units: r.units, failures: r.failures,
    warnings: r.warnings.length, source: rec ? 'log+store' : 'log',
  };
}

/** A run known only from the store (its log was removed, or it predates run logs). */
export function summariseRecord(rec: RunRecord): RunSummary {
  return {
    id: rec.id, status: rec.status, command: rec.command, startedAt: rec.startedAt, finishedAt: rec.finishedAt, lastEventAt: null,
    durationMs: rec.finishedAt === null ? null : rec.finishedAt - rec.startedAt,
    partitions: { todo: 0, done: 0, failed: 0, running: 0 }, rows: 0, rowsPerSec: null, etaMs: null, units: [], failures: [], warnings: 0, source: 'store',
  };
}
