// The partition queue of distributed runs: pg-boss 10 (a PostgreSQL-backed job queue, DESIGN.md
// "Distributed") behind the few operations bqx needs. One job = one partition task (PartitionJob);
// retries go back to the queue at once (retryDelay 0); a job whose handler died is failed by pg-boss's
// expiry check after its expireIn and then retried like any failure.
import PgBoss from 'pg-boss';
import type pg from 'pg';
import { connectPool } from '../store/postgres/connect.ts';
import type { MonthInfo } from '../pipeline/plan.ts';

export const QUEUE = 'bqx-partitions';

/** Connections per process that the queue (and the heartbeats, which share its pool) may open. */
export const DEFAULT_QUEUE_POOL = 2;

/** What a worker needs to compute one partition, besides the store and the lake. */
export interface PartitionJob {
  readonly runId: string;
  /** formatPartition(key): unit|pair|month. */
  readonly key: string;
  /** The planner's code version of the unit: a worker running other code refuses the job. */
  readonly codeVersion: string;
  readonly dataVersion: string;
  readonly inputVersions: Readonly<Record<string, string>>;
  /** Per pair read: its baseline and the planner's months of bars it reads (warm-up and lookahead included). */
  readonly inputs: readonly { readonly pair: string; readonly baseline: number; readonly reads: readonly MonthInfo[] }[];
}

/** What a worker reports when it completes a job. */
export interface JobOutput {
  readonly worker: string;
  /** False when the partition was already done with this data version (an idempotent repeat). */
  readonly computed: boolean;
  readonly rows: number;
  readonly bytes: number;
  readonly pairMonths: number;
  readonly computeMs: number;
  readonly writeMs: number;
  readonly warnings: readonly string[];
}

export interface FetchedJob {
  readonly id: string;
  readonly data: PartitionJob;
  /** Executions before this one (pg-boss's retry count). */
  readonly retryCount: number;
  readonly retryLimit: number;
}

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobStatus {
  readonly id: string;
  readonly state: JobState;
  readonly retryCount: number;
  readonly startedOn: number | null;
  readonly output: unknown;
}

export interface QueueOptions {
  /** postgres:// URL (its password is passed to the driver, never printed). */
  readonly url: string;
  /** Pool size of this process's queue connection (pg-boss defaults to 10). */
  readonly pool?: number;
}

export class PartitionQueue {
  private constructor(private readonly boss: PgBoss, private readonly pool: pg.Pool) {}

  /**
   * Connects, installs or migrates pg-boss's schema, and creates the queue (pg-boss 10 needs it before
   * send). The connections come from the store's connector (the same password sources, never printed),
   * in a pool of their own.
   */
  static async open(opts: QueueOptions): Promise<PartitionQueue> {
    const { pool } = await connectPool({ url: opts.url, pool: opts.pool ?? DEFAULT_QUEUE_POOL });
    // supervise/schedule off: maintenance (expiry) is driven explicitly by the coordinator's expire().
    const boss = new PgBoss({ db: { executeSql: (text, values) => pool.query(text, values) }, supervise: false, schedule: false });
    boss.on('error', () => undefined); // failures surface as rejected calls
    await boss.start();
    if (!(await boss.getQueue(QUEUE))) {
      try {
        await boss.createQueue(QUEUE);
      } catch (e) {
        // Another process created it between the check and the create.
        if (!(await boss.getQueue(QUEUE))) throw e;
      }
    }
    return new PartitionQueue(boss, pool);
  }

  /** Enqueues a partition task; expireSeconds is its lease, retryLimit the re-executions allowed after a failure. */
  async send(job: PartitionJob, opts: { expireSeconds: number; retryLimit: number }): Promise<string> {
    const id = await this.boss.send(QUEUE, job, { expireInSeconds: opts.expireSeconds, retryLimit: opts.retryLimit, retryDelay: 0, retryBackoff: false });
    if (!id) throw new Error(`queue refused partition ${job.key}`);
    return id;
  }

  /** Takes up to `n` jobs (marks them active); [] when none is ready. */
  async fetch(n: number): Promise<FetchedJob[]> {
    const jobs = await this.boss.fetch<PartitionJob>(QUEUE, { batchSize: n, includeMetadata: true });
    return jobs.map((j) => ({ id: j.id, data: j.data, retryCount: j.retryCount, retryLimit: j.retryLimit }));
  }

  async complete(id: string, output: JobOutput): Promise<void> {
    await this.boss.complete(QUEUE, id, output as unknown as object);
  }

  /** Fails the job: pg-boss puts it back at once while retries remain (retryDelay 0), else marks it failed. */
  async fail(id: string, reason: { message: string }): Promise<void> {
    await this.boss.fail(QUEUE, id, reason);
  }

  /** Cancels jobs not yet completed (an interrupted coordinator withdraws what no worker took). */
  async cancel(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.boss.cancel(QUEUE, [...ids]);
  }

  /** Fails active jobs whose lease (expireIn) ran out, which sends them back for a retry. */
  async expire(): Promise<void> {
    await this.boss.expire();
  }

  /** State of each job id (live or archived). */
  async states(ids: readonly string[]): Promise<Map<string, JobStatus>> {
    const out = new Map<string, JobStatus>();
    if (ids.length === 0) return out;
    const cols = 'id, state, retry_count, started_on, output';
    const rows = await this.sql(
      `SELECT ${cols} FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) UNION ALL SELECT ${cols} FROM pgboss.archive WHERE name = $1 AND id = ANY($2::uuid[])`,
      [QUEUE, [...ids]]);
    // The connector's type parsers read times as epoch ms.
    for (const r of rows as { id: string; state: JobState; retry_count: number; started_on: number | null; output: unknown }[]) {
      out.set(r.id, { id: r.id, state: r.state, retryCount: r.retry_count, startedOn: r.started_on, output: r.output });
    }
    return out;
  }

  /** SQL on the queue's own pool, returning the rows (the heartbeats use it, so a worker holds one pool). */
  readonly sql = async (text: string, values: unknown[] = []): Promise<unknown[]> => (await this.boss.getDb().executeSql(text, values)).rows;

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true });
    await this.pool.end();
  }
}
