// The temporal-causality battery over a scope: (1) on every declaration, (7) on every stored manifest,
// (2)–(6) on a sample of partitions — at least one per unit, so that every feature is checked, and more
// while the validation's core time (every thread: loading, the lake scan, the jobs) stays within
// `budget` × the compute time of the scope's partitions. Each partition's checks run as jobs (job.ts)
// on worker threads, the costliest first.
import { existsSync } from 'node:fs';
import { addMonths, isoMinute } from '../core/time.ts';
import { partitionPath } from '../pipeline/lake.ts';
import type { MonthIndex } from '../pipeline/plan.ts';
import { WorkerPool } from '../pipeline/pool.ts';
import type { Unit } from '../pipeline/units.ts';
import type { ManifestRecord, RunRecord, Store } from '../store/types.ts';
import type { BatteryOptions } from './causality.ts';
import type { BarCache } from '../pipeline/bars.ts';
import { loadPartition } from './frames.ts';
import { partitionJobs, runJob, type BatteryJob, type BatteryJobReply } from './job.ts';
import { checkFits, checkStatic } from './provenance.ts';
import { batteryOrder, computeBasis, manifestKey, partitionsOf, taskComputeMs, type Partition, type Scope } from './scope.ts';
import { FeatureLog, type FeatureRecord, type Tally } from './tally.ts';
import type { PartitionReport, ValidationProgress } from './types.ts';

export interface BudgetOptions extends BatteryOptions {
  /** Validation may take this fraction of the scope's compute time (one partition per unit is checked regardless). */
  readonly budget: number;
  /** At most this many partitions per unit. */
  readonly maxPartitions: number;
}

export interface BatteryInput {
  readonly store: Store;
  /** The bars, read once per pair and month (shared with the lake scan). */
  readonly bars: BarCache;
  /** Where the lake is; null: no stored outputs (the boundary check compares with recomputations only). */
  readonly dataDir: string | null;
  readonly scope: Scope;
  /** Every unit the scope's units read from, by name. */
  readonly units: ReadonlyMap<string, Unit>;
  readonly index: MonthIndex;
  readonly done: ReadonlyMap<string, ManifestRecord>;
  readonly runs: readonly RunRecord[];
  readonly baselines: ReadonlyMap<string, number>;
  readonly opts: BudgetOptions;
  readonly tally: Tally;
  /** Worker threads for the partition jobs (≤ 1: this thread; units not from the registry must use 1). */
  readonly workers: number;
  readonly onProgress?: (p: ValidationProgress) => void;
  /** Core time (ms, every thread) the validation has spent so far: what the budget is measured in. */
  readonly spentMs: () => number;
  /**
   * Main-thread work done while the workers check the fixed partitions (the lake scan): its cost is
   * spent before further partitions are sampled.
   */
  readonly meanwhile?: () => Promise<void>;
}

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** A partition the battery checked: its cut points and time. */
export type CheckedPartition = Pick<PartitionReport, 'unit' | 'pair' | 'month' | 'cuts' | 'batteryMs'>;

export interface BatteryResult {
  readonly checked: CheckedPartition[];
  readonly batteryMs: number;
  readonly computeMs: number | null;
}

export async function runBattery(input: BatteryInput): Promise<BatteryResult> {
  const { scope, opts, tally } = input;
  const t0 = performance.now();
  checkStatic(scope.units, tally);
  for (const m of input.done.values()) {
    const unit = scope.units.find((u) => u.name === m.stage);
    if (unit && scope.months.includes(m.month) && (m.pair === '*' || scope.pairs.includes(m.pair))) {
      checkFits(m.extra, { unit, pair: m.pair, month: m.month, where: 'manifest' }, tally);
    }
  }
  const parts = partitionsOf(scope, input.index);
  const perTask = taskComputeMs(input.runs, input.done);
  const computeMs = computeBasis(parts, perTask);
  // The stored lake file of a partition's pair in `month`: done manifest (the partition's, '*' for a month unit) and file present.
  const storedPath = (p: Partition, pair: string, month: string) => {
    if (input.dataDir === null || !input.done.has(manifestKey(p.unit.name, p.pair, month))) return null;
    const path = partitionPath(input.dataDir, p.unit.name, pair, month);
    return existsSync(path) ? path : null;
  };
  const isStored = (p: Partition, month: string) => p.pairs.every((pair) => storedPath(p, pair, month) !== null);
  const queues = batteryOrder(parts, opts.seed, isStored);
  // Per unit, the core time its last checked partition took (loading + its jobs): the next one's estimate.
  const lastMs = new Map<string, number>();
  const total = Math.min(parts.length, scope.units.length * opts.maxPartitions);
  const runner = new JobRunner(input.workers, input.units);
  // In the order checked; the tally is fed in this order, partition by partition as soon as every
  // earlier one is done (deterministic findings whichever worker finished first), and their logs dropped.
  const checks: { p: Partition; cuts: number[]; replies: Promise<unknown>; ms?: number; log?: { records: FeatureRecord[] }[] }[] = [];
  const checked: CheckedPartition[] = [];
  const replay = () => {
    for (let c = checks[checked.length]; c?.log; c = checks[checked.length]) {
      for (const j of c.log) FeatureLog.replay(j.records, tally);
      c.log = undefined;
      checked.push({ unit: c.p.unit.name, pair: c.p.pair, month: c.p.month, cuts: c.cuts.map(isoMinute), batteryMs: Math.round(c.ms!) });
    }
  };
  let nextId = 1;

  // Rows of the data set before the partition's month (the most of its pairs).
  const rowsBefore = (p: Partition) => Math.max(...p.pairs.map((pair) => (input.index.get(pair) ?? []).filter((m) => m.month < p.month).reduce((n, m) => n + m.bars, 0)));
  const monthRows = (p: Partition) => Math.max(...p.pairs.map((pair) => input.index.get(pair)?.find((m) => m.month === p.month)?.bars ?? 0));
  const check = async (p: Partition, fromStart = false, done?: () => void) => {
    input.onProgress?.({ phase: 'causality', done: checks.length, total, message: `${p.unit.name} ${p.pair} ${p.month}` });
    await runner.room();
    const l0 = performance.now();
    const bounded = p.unit.warmup + Math.max(p.unit.warmup, opts.context, opts.boundary);
    const history = fromStart ? Math.max(bounded, rowsBefore(p)) : bounded;
    const rows = await loadPartition(input.bars, p.unit, input.units, p.month, p.pairs, input.baselines, input.index, history);
    const stored = p.pairs.flatMap((pair) => [addMonths(p.month, -1), p.month].flatMap((month) => {
      const path = storedPath(p, pair, month);
      return path === null ? [] : [{ pair, month, path }];
    }));
    const { jobs, cuts } = partitionJobs(rows, input.units, opts, fromStart, stored, nextId);
    nextId += jobs.length;
    // Per row recomputed: the unit's compute time per task over the rows of a task.
    const perRow = (perTask.get(p.unit.name) ?? 1) / (p.pairs.length * (p.unit.warmup + Math.max(1, monthRows(p))));
    const loadMs = performance.now() - l0;
    const entry: (typeof checks)[number] = { p, cuts, replies: Promise.resolve() };
    entry.replies = Promise.all(jobs.map((j) => runner.run(j, j.cost * perRow))).then((r) => {
      entry.ms = r.reduce((s, j) => s + j.ms, 0);
      entry.log = r;
      lastMs.set(p.unit.name, loadMs + entry.ms);
      done?.();
      replay();
    });
    entry.replies.catch(() => {}); // awaited (and thrown) at the end; not an unhandled rejection meanwhile
    checks.push(entry);
  };

  // Every unit once, its (4)/(5) from the data set's start when the rows before its month are few enough;
  // the costliest units first, so that the workers finish together.
  const fixed = scope.units.flatMap((u) => {
    const q = queues.get(u.name);
    if (!q?.length || opts.maxPartitions <= 0) return [];
    const p = q.shift()!;
    return [{ p, before: rowsBefore(p), cost: (perTask.get(u.name) ?? 1) * (1 + u.warmup / Math.max(1, monthRows(p))) }];
  }).sort((a, b) => b.cost - a.cost);
  try {
    for (const { p, before } of fixed) {
      if (before > opts.fromStartMaxRows) {
        for (const c of p.unit.columns) tally.feature('boundary', c.name, 'info', { unit: p.unit.name, pair: p.pair, month: p.month,
          message: `${c.name}: no continuous run from the data set's start (${before} rows before ${p.month} > ${opts.fromStartMaxRows}); bounded runs only` });
      }
      await check(p, before <= opts.fromStartMaxRows);
    }
    await input.meanwhile?.();
    await runner.idle();
    // Then round-robin while the core time spent, that of the partitions still being checked and the
    // next one's (its unit's last) stay within the budget.
    const allowance = computeMs === null ? 0 : opts.budget * computeMs;
    let inFlight = 0;
    for (let round = 1; round < opts.maxPartitions; round++) {
      let any = false;
      for (const u of scope.units) {
        const q = queues.get(u.name);
        if (!q?.length) continue;
        const next = lastMs.get(u.name) ?? 0;
        if (input.spentMs() + inFlight + next > allowance) continue;
        inFlight += next;
        await check(q.shift()!, false, () => { inFlight -= next; });
        any = true;
      }
      if (!any) break;
    }
    await runner.idle();
  } finally {
    await runner.close();
  }
  await Promise.all(checks.map((c) => c.replies)); // a failed job throws here
  replay();
  input.onProgress?.({ phase: 'causality', done: checked.length, total: checked.length, message: 'done' });
  return { checked, batteryMs: performance.now() - t0, computeMs };
}

/**
 * Runs battery jobs in this thread (workers ≤ 1, or units not built from the registry, which a worker
 * thread cannot rebuild) or on a pool of worker threads: the costliest queued job first, one per worker.
 */
class JobRunner {
  private readonly pool: WorkerPool<BatteryJob, BatteryJobReply> | null;
  private readonly queued: { job: BatteryJob; cost: number; resolve: (r: BatteryJobReply) => void }[] = [];
  private running = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(workers: number, private readonly units: ReadonlyMap<string, Unit>) {
    this.pool = workers > 1 ? new WorkerPool<BatteryJob, BatteryJobReply>(workers, WORKER_ENTRY) : null;
  }

  private get size(): number {
    return this.pool?.size ?? 1;
  }

  async run(job: BatteryJob, cost: number): Promise<{ records: FeatureRecord[]; ms: number }> {
    const r = await new Promise<BatteryJobReply>((resolve) => {
      this.queued.push({ job, cost, resolve });
      this.queued.sort((a, b) => b.cost - a.cost);
      this.pump();
    });
    if (!r.ok) throw new Error(`causality battery, unit ${job.unit} ${job.month}: ${r.error}`);
    return r;
  }

  private pump(): void {
    while (this.running < this.size && this.queued.length > 0) {
      const { job, resolve } = this.queued.shift()!;
      this.running++;
      const reply = this.pool ? this.pool.run(job, job.pairs.map((p) => p.buffer)) : new Promise<BatteryJobReply>((r) => setImmediate(() => {
        try {
          r(runJob(job, this.units));
        } catch (e) {
          r({ id: job.id, ok: false, error: (e as Error).stack ?? String(e) });
        }
      }));
      void reply.then((r) => {
        this.running--;
        resolve(r);
        this.pump();
        this.waiters.splice(0).forEach((w) => w());
      });
    }
  }

  /** Resolves when few enough jobs wait that loading the next partition's rows keeps memory bounded. */
  async room(): Promise<void> {
    while (this.queued.length > 2 * this.size) await new Promise<void>((r) => this.waiters.push(r));
  }

  async idle(): Promise<void> {
    while (this.running > 0 || this.queued.length > 0) await new Promise<void>((r) => this.waiters.push(r));
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
