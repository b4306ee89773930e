// Runs the pipeline: plan, then execute each unit's stale partitions on the worker pool with retries,
// manifests written after each atomic Parquet write, cancellation that leaves in-flight work pending.
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PartitionBars } from './inputs.ts';
import { registry } from '../features/registry.ts';
import type { StageName } from '../features/types.ts';
import type { ManifestRecord, Store } from '../store/types.ts';
import { baselines } from './baseline.ts';
import { syncFiles } from '../io/parquet.ts';
import { partitionPath, removeStaleTemps } from './lake.ts';
import { loadMonthIndex, plan, type MonthIndex, type PlannedInput, type PlannedTask } from './plan.ts';
import { BarCache } from './bars.ts';
import { WorkerPool } from './pool.ts';
import type { WorkerOutput, WorkerPairInput, WorkerReply, WorkerTask } from './protocol.ts';
import { buildUnits, type Unit } from './units.ts';
import type { PipelineEvent } from './events.ts';
import { bqxVersion, machineInfo, stageRecord } from './records.ts';

export interface RunOptions {
  readonly dataDir: string;
  readonly stages?: readonly StageName[];
  readonly pairs?: readonly string[];
  readonly months?: readonly string[];
  readonly maxWorkers: number;
  readonly retries: number;
  readonly force: boolean;
  readonly baselineTs: number;
  readonly onEvent?: (e: PipelineEvent) => void;
  /** Aborting stops dispatching; in-flight tasks get `graceMs` to finish, then are left pending. */
  readonly signal?: AbortSignal;
  readonly graceMs?: number;
  readonly command?: string;
  /** A saved plan (`bqx plan`) this run is compared with in `bqx runs`. */
  readonly planId?: string;
}

export interface UnitSummary {
  unit: string; total: number; skipped: number; done: number; failed: number; pending: number;
  rows: number; bytes: number; computeMs: number; writeMs: number; wallMs: number;
  /** Pairs × months computed (a month fan-in partition counts every pair it writes). */
  pairMonths: number; startedAt: number;
  /** Results taken from the memo of the pair's previous task instead of computed again (regime: HMM fits of straddling weeks). */
  reused: number;
}

export interface RunResult {
  readonly runId: string;
  readonly status: 'done' | 'failed' | 'interrupted';
  readonly units: UnitSummary[];
  readonly wallMs: number;
  readonly warnings: string[];
}

/** Who computed a partition (the manifest's worker field): this host and process. */
export const WORKER_ID = `${hostname()}:${process.pid}`;

/** A run id: UTC start time and a random suffix. */
export function newRunId(t0: number): string {
  return `${new Date(t0).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`;
}

export type PlanScope = Pick<RunOptions, 'stages' | 'pairs' | 'months' | 'force' | 'baselineTs'>;

export interface RunPlan {
  /** The selected units plus every unit they read from, upstream first. */
  readonly units: Unit[];
  readonly pairs: string[];
  readonly baselines: Map<string, number>;
  readonly tasks: PlannedTask[];
  readonly index: MonthIndex;
}

/** Plans a run's scope: the units, pairs and (unit, partition) tasks with their data versions. */
export async function planRun(store: Store, opts: PlanScope): Promise<RunPlan> {
  const allUnits = buildUnits(registry());
  // Selected stages plus every unit they read from (skipped when current).
  const selected = new Set(allUnits.filter((u) => !opts.stages || opts.stages.includes(u.stage)).map((u) => u.name));
  for (const u of [...allUnits].reverse()) if (selected.has(u.name)) for (const [from] of u.upstream) selected.add(from);
  const units = allUnits.filter((u) => selected.has(u.name));
  const index = await loadMonthIndex(store);
  const pairs = [...index.keys()].filter((p) => !opts.pairs || opts.pairs.includes(p)).sort();
  const base = await baselines(store, [...index.keys()], opts.baselineTs);
  const tasks = plan(units, index, await store.getManifests(), { pairs, months: opts.months ?? null, baselines: base, force: opts.force });
  return { units, pairs, baselines: base, tasks, index };
}

/** A task's manifest record: planned fields, then `patch`. */
export function manifestOf(t: PlannedTask, patch: Partial<ManifestRecord>): ManifestRecord {
  return {
    stage: t.unit.name, pair: t.pair, month: t.month, status: 'pending', codeVersion: t.unit.codeVersion,
    inputVersions: t.inputVersions, dataVersion: t.dataVersion, rows: 0, bytes: 0, checksum: '', path: '',
    startedAt: 0, finishedAt: 0, attempts: 0, worker: '', error: '', extra: {}, ...patch,
  };
}

/** The manifest fields of a computed task: totals, and each pair's file (one file: path and checksum; several: extra.outputs). */
export function outputFields(outputs: readonly WorkerOutput[], notes: Record<string, unknown>, warnings: readonly string[]): Partial<ManifestRecord> {
  const single = outputs.length === 1 ? outputs[0]! : null;
  const extra: Record<string, unknown> = { ...notes };
  // The file statistics validation reads instead of the file while its checksum matches (colstats.ts).
  if (!single) extra.outputs = Object.fromEntries(outputs.map((o) => [o.pair, { path: o.path, rows: o.rows, bytes: o.bytes, checksum: o.checksum, stats: o.stats }]));
  else extra.stats = single.stats;
  if (warnings.length) extra.warnings = warnings;
  return {
    rows: outputs.reduce((n, o) => n + o.rows, 0), bytes: outputs.reduce((n, o) => n + o.bytes, 0),
    checksum: single?.checksum ?? '', path: single?.path ?? '', extra,
  };
}

/** The month fan-in's inputs and every upstream file a task reads: (upstream unit, pair, month) with the columns read. */
export function upstreamReads(t: PlannedTask, input: PlannedInput): { unit: string; pair: string; month: string; columns: readonly string[] }[] {
  return [...t.unit.upstream].flatMap(([from, columns]) =>
    input.reads.filter((r) => r.month <= t.month).map((r) => ({ unit: from, pair: input.pair, month: r.month, columns })));
}

/** The worker-thread task of a planned task from its loaded bars, upstream file paths and output path. */
export function workerTask(id: number, t: PlannedTask, inputs: readonly { input: PlannedInput; loaded: PartitionBars; baseline: number;
  upstream: WorkerPairInput['upstream']; outPath: string }[]): WorkerTask {
  const pairInputs: WorkerPairInput[] = inputs.map(({ input, loaded, baseline, upstream, outPath }) => ({
    pair: input.pair, buffer: loaded.bars.ts.buffer as ArrayBuffer, n: loaded.bars.ts.length, first: loaded.first, count: loaded.count,
    baseline, upstream, outPath,
  }));
  return { id, unit: t.unit.name, month: t.month, inputs: pairInputs, metadata: { unit: t.unit.name, month: t.month, data_version: t.dataVersion } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runPipeline(store: Store, opts: RunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const emit = opts.onEvent ?? (() => {});
  const runId = newRunId(t0);
  removeStaleTemps(opts.dataDir);
  const { units, pairs, baselines: base, tasks, index } = await planRun(store, opts);
  // Every unit reads a pair-month's bars again (with its own warm-up and lookahead): read from the store once while cached.
  const bars = new BarCache(store, index);
  const pathOf = (t: PlannedTask, pair: string) => partitionPath(opts.dataDir, t.unit.name, pair, t.month);
  const isCurrent = (t: PlannedTask) => t.upToDate && t.inputs.every((i) => existsSync(pathOf(t, i.pair)));

  const summaries = new Map<string, UnitSummary>(units.map((u) => [u.name, {
    unit: u.name, total: 0, skipped: 0, done: 0, failed: 0, pending: 0, rows: 0, bytes: 0, computeMs: 0, writeMs: 0, wallMs: 0,
    pairMonths: 0, startedAt: t0, reused: 0,
  }]));
  for (const t of tasks) {
    const s = summaries.get(t.unit.name)!;
    s.total++;
    if (isCurrent(t)) s.skipped++;
  }
  emit({ type: 'plan', runId, units: [...summaries.values()].map((s) => ({ unit: s.unit, total: s.total, todo: s.total - s.skipped })) });
  const workers = Math.max(1, opts.maxWorkers);
  const about = {
    pairs, months: opts.months ?? 'all', version: bqxVersion(), machine: machineInfo(), planId: opts.planId ?? null, store: store.location,
    options: { stages: opts.stages ?? 'all', pairs: opts.pairs ?? 'all', months: opts.months ?? 'all', maxWorkers: workers, retries: opts.retries, force: opts.force },
  };
  await store.putRun({ id: runId, startedAt: t0, finishedAt: null, status: 'running', command: opts.command ?? 'run', summary: about });

  const pool = new WorkerPool(workers);
  const warnings: string[] = [];
  let interrupted = false;
  const onAbort = () => { interrupted = true; emit({ type: 'interrupt', graceMs: opts.graceMs ?? 10_000 }); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  let nextId = 1;
  // Each unit and pair's last memo (TaskMemo), handed to its next task: pair units are planned month after
  // month (plan.ts), so a pair's previous month has usually finished when its next one is sent.
  const memos = new Map<string, Record<string, unknown>>();

  const record = manifestOf;

  async function attempt(t: PlannedTask): Promise<WorkerReply> {
    // A block of its own per pair: its buffer is transferred to the worker.
    const loaded = await Promise.all(t.inputs.map((i) => bars.partition(i.pair, t.month, t.unit.warmup, t.unit.lookahead, true)));
    const task = workerTask(nextId++, t, t.inputs.map((input, k) => ({
      input, loaded: loaded[k]!, baseline: base.get(input.pair)!, outPath: pathOf(t, input.pair),
      upstream: upstreamReads(t, input).map((r) => ({ path: partitionPath(opts.dataDir, r.unit, r.pair, r.month), columns: r.columns })),
    })));
    const memoKey = `${t.unit.name}|${t.pair}`;
    const reply = await pool.run({ ...task, memo: memos.get(memoKey) }, task.inputs.map((i) => i.buffer));
    if (reply.ok) {
      await syncFiles(reply.outputs.map((o) => o.path)); // on disk before the manifest records them
      if (Object.keys(reply.memo).length > 0) memos.set(memoKey, reply.memo); else memos.delete(memoKey);
    }
    return reply;
  }

  async function execute(t: PlannedTask): Promise<void> {
    const s = summaries.get(t.unit.name)!;
    const startedAt = Date.now();
    let lastError = '';
    for (let a = 1; a <= opts.retries + 1 && !interrupted; a++) {
      await store.putManifest(record(t, { status: 'running', startedAt, attempts: a }));
      emit({ type: 'task-start', unit: t.unit.name, pair: t.pair, month: t.month, attempt: a });
      const reply = await attempt(t).catch((e: Error) => ({ id: 0, ok: false as const, error: e.stack ?? e.message }));
      if (reply.ok) {
        const fields = outputFields(reply.outputs, reply.notes, reply.warnings);
        const rows = fields.rows!, bytes = fields.bytes!;
        await store.putManifest(record(t, { status: 'done', ...fields, startedAt, finishedAt: Date.now(), attempts: a, worker: WORKER_ID }));
        for (const w of reply.warnings) { warnings.push(`${t.unit.name} ${t.pair} ${t.month}: ${w}`); emit({ type: 'warning', message: warnings.at(-1)! }); }
        Object.assign(s, { done: s.done + 1, rows: s.rows + rows, bytes: s.bytes + bytes, computeMs: s.computeMs + reply.computeMs, writeMs: s.writeMs + reply.writeMs,
          pairMonths: s.pairMonths + reply.outputs.length, reused: s.reused + reply.memoHits });
        emit({ type: 'task-done', unit: t.unit.name, pair: t.pair, month: t.month, rows, ms: Date.now() - startedAt });
        return;
      }
      lastError = reply.error;
      if (interrupted) break;
      if (a <= opts.retries) {
        emit({ type: 'task-retry', unit: t.unit.name, pair: t.pair, month: t.month, attempt: a, error: reply.error.split('\n')[0]! });
        await sleep(Math.min(250 * 2 ** (a - 1), 5_000));
      }
    }
    if (interrupted) {
      s.pending++;
      await store.putManifest(record(t, { status: 'pending', error: 'interrupted' }));
      return;
    }
    s.failed++;
    await store.putManifest(record(t, { status: 'failed', startedAt, finishedAt: Date.now(), attempts: opts.retries + 1, error: lastError }));
    emit({ type: 'task-failed', unit: t.unit.name, pair: t.pair, month: t.month, error: lastError.split('\n')[0]! });
  }

  try {
    for (const u of units) {
      const todo = tasks.filter((t) => t.unit === u && !isCurrent(t));
      const s = summaries.get(u.name)!;
      const u0 = Date.now();
      s.startedAt = u0;
      emit({ type: 'unit-start', unit: u.name, todo: todo.length, total: s.total });
      // Keep every worker busy plus one task being loaded ahead.
      const limit = pool.size + 1;
      const running = new Set<Promise<void>>();
      for (const t of todo) {
        if (interrupted) { s.pending++; continue; }
        const p = execute(t).finally(() => running.delete(p));
        running.add(p);
        if (running.size >= limit) await Promise.race(running);
      }
      await waitWithGrace([...running], () => interrupted, opts.graceMs ?? 10_000, pool);
      s.wallMs = Date.now() - u0;
      await store.putStageRecord(stageRecord(runId, s, workers));
      emit({ type: 'unit-done', summary: { ...s } });
      if (interrupted) break;
      if (s.failed > 0) break; // downstream units would read missing partitions
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await pool.close();
  }
  const list = [...summaries.values()];
  const status = interrupted ? 'interrupted' : list.some((s) => s.failed > 0) ? 'failed' : 'done';
  const wallMs = Date.now() - t0;
  await store.putRun({ id: runId, startedAt: t0, finishedAt: Date.now(), status, command: opts.command ?? 'run', summary: { ...about, units: list, warnings } });
  emit({ type: 'run-done', runId, status, wallMs });
  return { runId, status, units: list, wallMs, warnings };
}

/** Waits for in-flight tasks; after an interrupt, at most `graceMs`, then terminates the workers. */
async function waitWithGrace(running: Promise<void>[], interrupted: () => boolean, graceMs: number, pool: WorkerPool): Promise<void> {
  const all = Promise.all(running);
  while (true) {
    const tick = await Promise.race([all.then(() => 'done' as const), sleep(100).then(() => 'tick' as const)]);
    if (tick === 'done') return;
    if (interrupted()) {
      const finished = await Promise.race([all.then(() => true), sleep(graceMs).then(() => false)]);
      if (!finished) await pool.close();
      await all;
      return;
    }
  }
}
