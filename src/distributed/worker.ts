// The worker loop of `bqx worker`: take partition jobs from the queue (up to `concurrency` at a time,
// each on its own worker thread), execute them, complete or fail them, and beat a heartbeat. Stopping
// (SIGTERM, a Spot eviction notice): take no more jobs, let those in flight finish within `graceMs`,
// then release the rest — fail them, so pg-boss hands them out again at once — and stop the threads.
import { hostname } from 'node:os';
import { registry } from '../features/registry.ts';
import { WorkerPool } from '../pipeline/pool.ts';
import { buildUnits } from '../pipeline/units.ts';
import type { Store } from '../store/types.ts';
import { executeJob, recordUnfinished } from './execute.ts';
import { beat } from './heartbeat.ts';
import type { RemoteLake } from './lake.ts';
import type { FetchedJob, PartitionQueue } from './queue.ts';

export interface WorkerOptions {
  readonly concurrency: number;
  readonly graceMs: number;
  /** Wait between fetches when the queue is empty. */
  readonly pollMs: number;
  readonly heartbeatMs: number;
  /** Aborting stops the worker (see above). */
  readonly signal: AbortSignal;
  /** One line per event: ready, then per job taken, computed, skipped, failed, released. */
  readonly log: (line: string) => void;
  /** Stop once the queue has been empty this long (tests, batch use); default: run until stopped. */
  readonly idleExitMs?: number;
}

export interface WorkerSummary {
  readonly id: string;
  computed: number;
  skipped: number;
  failed: number;
  released: number;
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  if (signal.aborted) return resolve();
  const t = setTimeout(() => { signal.removeEventListener('abort', done); resolve(); }, ms);
  const done = () => { clearTimeout(t); resolve(); };
  signal.addEventListener('abort', done, { once: true });
});

export async function runWorker(store: Store, queue: PartitionQueue, lake: RemoteLake, opts: WorkerOptions): Promise<WorkerSummary> {
  const id = `${hostname()}:${process.pid}`;
  const startedAt = Date.now();
  const summary: WorkerSummary = { id, computed: 0, skipped: 0, failed: 0, released: 0 };
  const units = new Map(buildUnits(registry()).map((u) => [u.name, u]));
  const pool = new WorkerPool(Math.max(1, opts.concurrency));
  const inflight = new Map<string, { job: FetchedJob; done: Promise<void> }>();
  const released = new Set<string>();
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  let nextId = 1;

  // A cold thread takes seconds to load the feature registry; a job's lease starts when it is fetched,
  // so every thread is made ready first: a task naming no unit is answered (with an error) once it is.
  await Promise.all(Array.from({ length: pool.size }, (_, i) => pool.run({ id: -1 - i, unit: '', month: '', inputs: [], metadata: {} }, [])));
  const heartbeat = () => beat(queue.sql, {
    id, host: hostname(), pid: process.pid, state, startedAt, done: summary.computed,
    partition: [...inflight.values()].map((f) => f.job.data.key).join(','),
  }).catch((e: Error) => opts.log(`heartbeat failed: ${e.message}`));
  await heartbeat();
  const timer = setInterval(heartbeat, opts.heartbeatMs);
  opts.log(`ready: ${pool.size} thread${pool.size === 1 ? '' : 's'} loaded, taking tasks`);

  /** Manifest first (pending, or failed after the last retry), then the job back to the queue. */
  async function giveBack(job: FetchedJob, message: string, final: boolean): Promise<void> {
    await recordUnfinished({ store, units, workerId: id }, job, message, final).catch((err: Error) => opts.log(`could not record ${job.data.key}: ${err.message}`));
    await queue.fail(job.id, { message }).catch((err: Error) => opts.log(`could not fail ${job.data.key}: ${err.message}`));
  }

  async function handle(job: FetchedJob): Promise<void> {
    const key = job.data.key;
    const t0 = Date.now();
    opts.log(`taken ${key} job ${job.id} attempt ${job.retryCount + 1}`);
    try {
      const out = await executeJob({ store, lake, pool, units, workerId: id }, job, nextId++);
      if (released.has(job.id)) return;
      await queue.complete(job.id, out);
      if (out.computed) summary.computed++; else summary.skipped++;
      opts.log(`${out.computed ? 'computed' : 'skipped (already done)'} ${key} in ${Date.now() - t0} ms`);
    } catch (e) {
      if (released.has(job.id)) return;
      const message = ((e as Error).stack ?? String(e)).split('\n')[0]!;
      summary.failed++;
      opts.log(`failed ${key}: ${message}`);
      await giveBack(job, message, job.retryCount >= job.retryLimit);
    }
  }

  try {
    let idleSince = Date.now();
    while (!opts.signal.aborted) {
      const free = opts.concurrency - inflight.size;
      const jobs = free > 0 ? await queue.fetch(free) : [];
      for (const job of jobs) {
        const done = handle(job).finally(() => { inflight.delete(job.id); });
        inflight.set(job.id, { job, done });
      }
      if (jobs.length || inflight.size > 0) idleSince = Date.now();
      if (jobs.length) { void heartbeat(); continue; }
      if (opts.idleExitMs !== undefined && Date.now() - idleSince >= opts.idleExitMs) break;
      // Wake on a finished job (a free slot), the poll interval, or the stop signal.
      await Promise.race([sleep(opts.pollMs, opts.signal), ...[...inflight.values()].map((f) => f.done)]);
    }
    state = 'stopping';
    await heartbeat();
    const all = Promise.all([...inflight.values()].map((f) => f.done));
    const graceOver = new AbortController(); // ends the grace timer when the tasks finish first
    const finished = await Promise.race([all.then(() => true), sleep(opts.graceMs, graceOver.signal).then(() => false)]);
    graceOver.abort();
    if (!finished) {
      for (const { job } of inflight.values()) {
        released.add(job.id);
        summary.released++;
        await giveBack(job, `released: worker ${id} stopping`, job.retryCount >= job.retryLimit);
        opts.log(`released ${job.data.key} (grace of ${opts.graceMs} ms over)`);
      }
    }
  } finally {
    clearInterval(timer);
    await pool.close();
    state = 'stopped';
    inflight.clear();
    await heartbeat();
  }
  return summary;
}
