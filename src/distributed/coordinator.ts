// `bqx run --distributed`: plan the stale partitions with the pipeline's planner, enqueue each one as
// soon as the partitions it reads are done (dependency order), follow the jobs' states, report the
// usual progress events and records, and return when every partition is done or failed (or blocked
// behind a failure). The coordinator computes nothing; it also drives pg-boss's expiry check, so a
// killed worker's job is retried once its lease runs out.
import { formatPartition, EVERY_PAIR } from '../core/partition.ts';
import type { PipelineEvent } from '../pipeline/events.ts';
import type { PlannedTask } from '../pipeline/plan.ts';
import { bqxVersion, machineInfo, stageRecord } from '../pipeline/records.ts';
import { newRunId, planRun, type PlanScope, type RunResult, type UnitSummary } from '../pipeline/run.ts';
import type { Store } from '../store/types.ts';
import { DEFAULT_EXPIRY, expirySeconds, slowestTasks, type ExpiryPolicy } from './expiry.ts';
import type { ObjectStore } from '../io/objectstore/index.ts';
import { liveWorkers } from './heartbeat.ts';
import { lakeKey } from './lake.ts';
import type { JobOutput, PartitionJob, PartitionQueue } from './queue.ts';

export interface DistributedRunOptions extends PlanScope {
  /** Re-executions of a failed or released job before it counts as failed. */
  readonly retries: number;
  readonly expiry?: ExpiryPolicy;
  /** How often job states are read (and expired leases failed). */
  readonly pollMs?: number;
  readonly onEvent?: (e: PipelineEvent) => void;
  /** After this long without a heartbeat from any worker while tasks wait, a 'no-workers' event (default 60 s). */
  readonly workerSilenceMs?: number;
  /** Aborting withdraws the jobs no worker has taken and returns 'interrupted'; jobs in flight finish. */
  readonly signal?: AbortSignal;
  readonly command?: string;
}

const keyOf = (t: PlannedTask) => formatPartition({ unit: t.unit.name, pair: t.pair, month: t.month });

/** The planned partitions a task reads (upstream units' outputs over its reads, up to its month). */
function dependencies(t: PlannedTask, byUnit: ReadonlyMap<string, PlannedTask['unit']>): string[] {
  const out = new Set<string>();
  for (const [from] of t.unit.upstream) {
    const up = byUnit.get(from)!;
    for (const i of t.inputs) {
      for (const r of i.reads) if (r.month <= t.month) out.add(formatPartition({ unit: from, pair: up.kind === 'month' ? EVERY_PAIR : i.pair, month: r.month }));
    }
  }
  return [...out];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDistributed(store: Store, queue: PartitionQueue, lake: ObjectStore, opts: DistributedRunOptions): Promise<RunResult> {
  const t0 = Date.now();
  const emit = opts.onEvent ?? (() => {});
  const runId = newRunId(t0);
  const { units, pairs, baselines, tasks } = await planRun(store, opts);
  const byUnit = new Map(units.map((u) => [u.name, u]));
  const outputsStored = async (t: PlannedTask) => {
    for (const i of t.inputs) if (!(await lake.head(lakeKey({ unit: t.unit.name, pair: i.pair, month: t.month })))) return false;
    return true;
  };
  const todo: PlannedTask[] = [];
  for (const t of tasks) if (!(t.upToDate && (await outputsStored(t)))) todo.push(t);
  const summaries = new Map<string, UnitSummary>(units.map((u) => [u.name, {
    unit: u.name, total: tasks.filter((t) => t.unit === u).length, skipped: 0, done: 0, failed: 0, pending: 0, rows: 0, bytes: 0,
    computeMs: 0, writeMs: 0, wallMs: 0, pairMonths: 0, startedAt: t0, reused: 0,
  }]));
  for (const s of summaries.values()) s.skipped = s.total - todo.filter((t) => t.unit.name === s.unit).length;
  emit({ type: 'plan', runId, units: [...summaries.values()].map((s) => ({ unit: s.unit, total: s.total, todo: s.total - s.skipped })) });
  const about = {
    pairs, months: opts.months ?? 'all', version: bqxVersion(), machine: machineInfo(), distributed: true,
    options: { stages: opts.stages ?? 'all', pairs: opts.pairs ?? 'all', months: opts.months ?? 'all', retries: opts.retries, force: opts.force },
  };
  await store.putRun({ id: runId, startedAt: t0, finishedAt: null, status: 'running', command: opts.command ?? 'run --distributed', summary: about });

  // Leases from the measured task times of every earlier run (and machine).
  const slowest = slowestTasks(await store.getManifests());
  const expiry = new Map(units.map((u) => [u.name, expirySeconds(slowest.get(u.name), opts.expiry ?? DEFAULT_EXPIRY)]));
  const todoKeys = new Set(todo.map(keyOf));
  const waitingOn = new Map(todo.map((t) => [keyOf(t), new Set(dependencies(t, byUnit).filter((d) => todoKeys.has(d)))]));
  const readers = new Map<string, PlannedTask[]>();
  for (const t of todo) for (const d of waitingOn.get(keyOf(t))!) readers.set(d, [...(readers.get(d) ?? []), t]);

  const sent = new Map<string, { task: PlannedTask; retryCount: number; started: boolean }>(); // job id → task
  const unitStarted = new Set<string>();
  const unitFirstStart = new Map<string, number>();
  const workersOf = new Map<string, Set<string>>(); // unit → the workers that ran its jobs (the stage record's workers)
  const warnings: string[] = [];
  let resolved = 0;
  const enqueue = async (t: PlannedTask) => {
    const s = summaries.get(t.unit.name)!;
    if (!unitStarted.has(s.unit)) {
      unitStarted.add(s.unit);
      emit({ type: 'unit-start', unit: s.unit, todo: s.total - s.skipped, total: s.total });
    }
    const job: PartitionJob = {
      runId, key: keyOf(t), codeVersion: t.unit.codeVersion, dataVersion: t.dataVersion, inputVersions: t.inputVersions,
      inputs: t.inputs.map((i) => ({ pair: i.pair, baseline: baselines.get(i.pair)!, reads: i.reads })),
    };
    const id = await queue.send(job, { expireSeconds: expiry.get(t.unit.name)!, retryLimit: opts.retries });
    sent.set(id, { task: t, retryCount: 0, started: false });
  };
  const recorded = new Set<string>();
  const record = async (s: UnitSummary) => {
    recorded.add(s.unit);
    s.startedAt = unitFirstStart.get(s.unit) ?? s.startedAt;
    s.wallMs = Date.now() - s.startedAt;
    await store.putStageRecord(stageRecord(runId, s, Math.max(1, workersOf.get(s.unit)?.size ?? 0)));
    emit({ type: 'unit-done', summary: { ...s } });
  };
  const unitDone = async (unit: string) => {
    const s = summaries.get(unit)!;
    if (!recorded.has(unit) && s.done + s.failed + s.pending === s.total - s.skipped) await record(s);
  };
  /** Every task that (transitively) reads a failed partition stays pending. */
  const block = async (key: string) => {
    for (const r of readers.get(key) ?? []) {
      const rk = keyOf(r);
      if (!waitingOn.has(rk)) continue;
      waitingOn.delete(rk);
      summaries.get(r.unit.name)!.pending++;
      resolved++;
      await block(rk);
      await unitDone(r.unit.name);
    }
  };

  // Waiting for workers: said once per silent stretch (the run waits on; workers may start at any time).
  const silenceMs = opts.workerSilenceMs ?? 60_000;
  let lastCheck = t0, silent = false;
  const checkWorkers = async (states: ReadonlyMap<string, { state: string }>) => {
    const now = Date.now();
    if (now - t0 < silenceMs || now - lastCheck < Math.min(5_000, silenceMs / 2)) return;
    lastCheck = now;
    const live = await liveWorkers(queue.sql, silenceMs);
    if (live > 0) { silent = false; return; }
    const queued = [...states.values()].filter((st) => st.state === 'created' || st.state === 'retry').length;
    if (queued > 0 && !silent) emit({ type: 'no-workers', queued, silentMs: silenceMs });
    silent = queued > 0;
  };

  let interrupted = false;
  const onAbort = () => { interrupted = true; emit({ type: 'interrupt', graceMs: 0 }); };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (const t of todo) {
      if (waitingOn.get(keyOf(t))!.size === 0) { waitingOn.delete(keyOf(t)); await enqueue(t); }
    }
    while (resolved < todo.length && !interrupted) {
      await sleep(opts.pollMs ?? 500);
      await queue.expire();
      const states = await queue.states([...sent.keys()]);
      await checkWorkers(states);
      for (const [id, st] of states) {
        const entry = sent.get(id)!;
        const t = entry.task;
        const s = summaries.get(t.unit.name)!;
        const where = { unit: t.unit.name, pair: t.pair, month: t.month };
        if (st.startedOn !== null && (!entry.started || st.retryCount > entry.retryCount)) {
          if (entry.started) emit({ type: 'task-retry', ...where, attempt: entry.retryCount + 1, error: errorOf(st.output) });
          entry.started = true;
          entry.retryCount = st.retryCount;
          if (!unitFirstStart.has(s.unit)) unitFirstStart.set(s.unit, st.startedOn);
          emit({ type: 'task-start', ...where, attempt: st.retryCount + 1 });
        }
        if (st.state === 'completed') {
          const out = st.output as JobOutput;
          workersOf.set(s.unit, (workersOf.get(s.unit) ?? new Set()).add(out.worker));
          Object.assign(s, { done: s.done + 1, rows: s.rows + out.rows, bytes: s.bytes + out.bytes, computeMs: s.computeMs + out.computeMs,
            writeMs: s.writeMs + out.writeMs, pairMonths: s.pairMonths + out.pairMonths });
          for (const w of out.warnings) { warnings.push(`${t.unit.name} ${t.pair} ${t.month}: ${w}`); emit({ type: 'warning', message: warnings.at(-1)! }); }
          emit({ type: 'task-done', ...where, rows: out.rows, ms: Date.now() - (st.startedOn ?? Date.now()) });
        } else if (st.state === 'failed' || st.state === 'cancelled') {
          s.failed++;
          emit({ type: 'task-failed', ...where, error: errorOf(st.output) });
        } else continue;
        sent.delete(id);
        resolved++;
        const key = keyOf(t);
        if (st.state === 'completed') {
          for (const r of readers.get(key) ?? []) {
            const w = waitingOn.get(keyOf(r));
            if (!w) continue;
            w.delete(key);
            if (w.size === 0) { waitingOn.delete(keyOf(r)); await enqueue(r); }
          }
        } else await block(key);
        await unitDone(t.unit.name);
      }
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (interrupted) {
    // Withdraw what no worker has taken; jobs in flight finish on their workers (their manifests say so).
    const states = await queue.states([...sent.keys()]);
    await queue.cancel([...states.values()].filter((st) => st.state === 'created' || st.state === 'retry').map((st) => st.id));
    for (const s of summaries.values()) s.pending = s.total - s.skipped - s.done - s.failed;
  }
  for (const s of summaries.values()) if (!recorded.has(s.unit)) await record(s); // up to date, or interrupted
  const list = [...summaries.values()];
  const status = interrupted ? 'interrupted' : list.some((s) => s.failed > 0 || s.pending > 0) ? 'failed' : 'done';
  const wallMs = Date.now() - t0;
  await store.putRun({ id: runId, startedAt: t0, finishedAt: Date.now(), status, command: opts.command ?? 'run --distributed', summary: { ...about, units: list, warnings } });
  emit({ type: 'run-done', runId, status, wallMs });
  return { runId, status, units: list, wallMs, warnings };
}

/** The message a failed job's output carries (a worker's error, a release, or pg-boss's timeout). */
function errorOf(output: unknown): string {
  const o = output as { message?: string; value?: { message?: string } } | null;
  return o?.message ?? o?.value?.message ?? 'failed';
}
