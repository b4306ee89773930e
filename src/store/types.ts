// The storage interface (DESIGN.md "Storage"), implemented by the embedded DuckDB store and the
// PostgreSQL store.
import type { Bars } from '../core/types.ts';
import type { MonthKey } from '../core/time.ts';

export interface PairSummary {
  readonly pair: string;
  readonly bars: number;
  readonly first: number; // epoch ms of the first bar
  readonly last: number; // epoch ms of the last bar
  /** In-week missing minutes: gaps between consecutive bars of 2..(24h) minutes, summed (minutes − 1 each). */
  readonly missingMinutes: number;
  /** Gaps of 24 h or more (weekends, holidays). */
  readonly weekendGaps: number;
  readonly sources: readonly string[];
}

export interface UpsertResult {
  readonly inserted: number; // bars at timestamps not present before
  readonly replaced: number; // bars at existing timestamps whose values changed
  readonly unchanged: number; // bars identical to what was stored
}

export type PartitionStatus = 'pending' | 'running' | 'done' | 'failed';

/** One record per (stage, pair, month) (DESIGN.md "Manifests"). pair = '*' for month partitions. */
export interface ManifestRecord {
  readonly stage: string;
  readonly pair: string;
  readonly month: MonthKey;
  readonly status: PartitionStatus;
  readonly codeVersion: string;
  readonly inputVersions: Readonly<Record<string, string>>;
  readonly dataVersion: string;
  readonly rows: number;
  readonly bytes: number;
  readonly checksum: string;
  readonly path: string;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly attempts: number;
  readonly worker: string;
  readonly error: string;
  /** Stage-specific provenance (e.g. HMM fits), JSON. */
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface RunRecord {
  readonly id: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly status: 'running' | 'done' | 'failed' | 'interrupted';
  readonly command: string;
  /** JSON: options, per-stage counts, timings, validation summary … */
  readonly summary: Readonly<Record<string, unknown>>;
}

/** What one stage unit of a run computed and what it took (DESIGN.md "run records"). */
export interface StageRecord {
  readonly runId: string;
  readonly stage: string;
  readonly partitions: number; // planned for the run's scope
  readonly computed: number;
  readonly skipped: number; // up to date
  readonly failed: number;
  readonly pending: number;
  /** Pairs × months computed: a month fan-in partition counts every pair it writes. */
  readonly pairMonths: number;
  readonly rows: number;
  readonly bytes: number;
  /** Worker threads of the run. */
  readonly workers: number;
  readonly wallMs: number;
  /** Summed over the worker threads: core-milliseconds computing, and writing Parquet. */
  readonly computeMs: number;
  readonly writeMs: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A saved `bqx plan` (its JSON output), which a run can name to compare estimate and actual. */
export interface PlanRecord {
  readonly id: string;
  readonly createdAt: number;
  readonly plan: Readonly<Record<string, unknown>>;
}

export interface Store {
  /** Where the store lives, for messages and run records: a file path, or postgres://user@host:port/db (never a password). */
  readonly location: string;
  /** Inserts or replaces bars of one pair (idempotent; merges overlapping loads without duplicates). */
  upsertBars(pair: string, bars: Bars, source: string): Promise<UpsertResult>;
  /** One pair's bars with from ≤ ts < to, in time order, as one contiguous typed-array block. */
  readBars(pair: string, from: number, to: number): Promise<Bars>;
  /** The last `rows` bars of `pair` with ts < before (the warm-up prefix of a partition). */
  readBarsBefore(pair: string, before: number, rows: number): Promise<Bars>;
  /** The first `rows` bars of `pair` with ts ≥ from, however far ahead (the lookahead rows of a partition). */
  readBarsAfter(pair: string, from: number, rows: number): Promise<Bars>;
  /** Content version of one pair's bars in one month: sha256 hex, '' when there are none. */
  barVersion(pair: string, month: MonthKey): Promise<string>;
  /** Per (pair, month) with bars: the bar count and content version (as barVersion), in pair then month order. */
  monthIndex(): Promise<{ pair: string; month: MonthKey; bars: number; version: string }[]>;
  /** What is loaded, per pair (pairs with no bars are absent). */
  summary(): Promise<PairSummary[]>;
  /** Months that have at least one bar of `pair`. */
  months(pair: string): Promise<MonthKey[]>;

  getManifests(stage?: string): Promise<ManifestRecord[]>;
  putManifest(rec: ManifestRecord): Promise<void>;

  putRun(run: RunRecord): Promise<void>;
  getRuns(limit?: number): Promise<RunRecord[]>;
  putStageRecord(rec: StageRecord): Promise<void>;
  /** Stage records of one run (in the order they were written), or of every run (newest run first). */
  getStageRecords(runId?: string): Promise<StageRecord[]>;
  putPlan(plan: PlanRecord): Promise<void>;
  getPlan(id: string): Promise<PlanRecord | null>;

  /** Free-form SQL on the store's own tables, in the store's dialect (DuckDB SQL, which may also read the Parquet lake; PostgreSQL SQL). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}
