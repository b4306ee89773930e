// One partition job on a worker: skip it when it is already done with the same data version (pg-boss
// may run a job twice), else load the bars from the store, download the upstream files from the lake,
// compute with the pipeline's task code on a worker thread, upload the outputs, then write the
// manifest (object first, manifest last: a killed worker never leaves a partition marked done without
// its files).
import { parsePartition } from '../core/partition.ts';
import { syncFiles } from '../io/parquet.ts';
import { loadPartitionBars } from '../pipeline/inputs.ts';
import type { PlannedTask } from '../pipeline/plan.ts';
import type { WorkerPool } from '../pipeline/pool.ts';
import { manifestOf, outputFields, upstreamReads, workerTask } from '../pipeline/run.ts';
import type { Unit } from '../pipeline/units.ts';
import type { ManifestRecord, Store } from '../store/types.ts';
import type { RemoteLake } from './lake.ts';
import type { FetchedJob, JobOutput, PartitionJob } from './queue.ts';

export interface ExecuteContext {
  readonly store: Store;
  readonly lake: RemoteLake;
  readonly pool: WorkerPool;
  readonly units: ReadonlyMap<string, Unit>;
  readonly workerId: string;
}

/** The planned task a job describes, on this worker's units (refused when the code differs from the planner's). */
export function taskOf(job: PartitionJob, units: ReadonlyMap<string, Unit>): PlannedTask {
  const key = parsePartition(job.key);
  const unit = units.get(key.unit);
  if (!unit) throw new Error(`${job.key}: this worker has no unit ${key.unit} (another bqx version?)`);
  if (unit.codeVersion !== job.codeVersion) throw new Error(`${job.key}: the planner's code version of ${unit.name} differs from this worker's (run the same bqx version everywhere)`);
  return {
    unit, pair: key.pair, month: key.month, dataVersion: job.dataVersion, inputVersions: job.inputVersions, upToDate: false,
    inputs: job.inputs.map((i) => ({ pair: i.pair, reads: i.reads })),
  };
}

/** Each output file's recorded checksum in a done manifest (pair → sha256). */
function recordedChecksums(t: PlannedTask, m: ManifestRecord): Map<string, string> {
  if (t.inputs.length === 1) return new Map([[t.inputs[0]!.pair, m.checksum]]);
  const outputs = (m.extra.outputs ?? {}) as Record<string, { checksum?: string }>;
  return new Map(t.inputs.map((i) => [i.pair, outputs[i.pair]?.checksum ?? '']));
}

/** True when the partition is done with this data version and every output object holds its recorded checksum. */
export async function alreadyDone(store: Store, lake: RemoteLake, t: PlannedTask): Promise<boolean> {
  const m = (await store.getManifests(t.unit.name)).find((r) => r.pair === t.pair && r.month === t.month);
  if (!m || m.status !== 'done' || m.dataVersion !== t.dataVersion) return false;
  for (const [pair, checksum] of recordedChecksums(t, m)) {
    const stored = await lake.stored({ unit: t.unit.name, pair, month: t.month });
    if (!stored || stored.sha256 !== checksum) return false;
  }
  return true;
}

export async function executeJob(ctx: ExecuteContext, job: FetchedJob, nextId: number): Promise<JobOutput> {
  const t = taskOf(job.data, ctx.units);
  const idle = { worker: ctx.workerId, rows: 0, bytes: 0, pairMonths: 0, computeMs: 0, writeMs: 0, warnings: [] };
  if (await alreadyDone(ctx.store, ctx.lake, t)) return { ...idle, computed: false };
  const startedAt = Date.now();
  const attempts = job.retryCount + 1;
  await ctx.store.putManifest(manifestOf(t, { status: 'running', startedAt, attempts, worker: ctx.workerId }));
  const inputs = await Promise.all(job.data.inputs.map(async (input) => {
    const loaded = await loadPartitionBars(ctx.store, input.pair, t.month, t.unit.warmup, t.unit.lookahead);
    const upstream = [];
    for (const r of upstreamReads(t, input)) upstream.push({ path: await ctx.lake.download(r), columns: r.columns });
    return { input, loaded, baseline: input.baseline, upstream, outPath: ctx.lake.cachePath({ unit: t.unit.name, pair: input.pair, month: t.month }) };
  }));
  const task = workerTask(nextId, t, inputs);
  const reply = await ctx.pool.run(task, task.inputs.map((i) => i.buffer));
  if (!reply.ok) throw new Error(reply.error);
  await syncFiles(reply.outputs.map((o) => o.path)); // on disk before anything records them
  const outputs = [];
  for (const o of reply.outputs) {
    const path = await ctx.lake.upload({ unit: t.unit.name, pair: o.pair, month: t.month }, { size: o.bytes, sha256: o.checksum });
    outputs.push({ ...o, path });
  }
  const fields = outputFields(outputs, reply.notes, reply.warnings);
  await ctx.store.putManifest(manifestOf(t, { status: 'done', ...fields, startedAt, finishedAt: Date.now(), attempts, worker: ctx.workerId }));
  return {
    ...idle, computed: true, rows: fields.rows!, bytes: fields.bytes!, pairMonths: outputs.length,
    computeMs: reply.computeMs, writeMs: reply.writeMs, warnings: reply.warnings,
  };
}

/**
 * Records a job that did not finish here: pending (it will run again: a failure with retries left, or a
 * release) or failed (its last retry). Written before the job goes back to the queue, so that it cannot
 * overwrite the manifest of the next execution.
 */
export async function recordUnfinished(ctx: Pick<ExecuteContext, 'store' | 'units' | 'workerId'>, job: FetchedJob, error: string, final: boolean): Promise<void> {
  const t = taskOf(job.data, ctx.units);
  await ctx.store.putManifest(manifestOf(t, { status: final ? 'failed' : 'pending', attempts: job.retryCount + 1, worker: ctx.workerId, error, finishedAt: Date.now() }));
}
