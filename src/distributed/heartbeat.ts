// Worker heartbeats: one row per worker process in bqx.workers (id, host, pid, current partitions,
// last heartbeat), written every few seconds, read by `bqx status --db`.
import type { PartitionQueue } from './queue.ts';

export interface WorkerRow {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly state: 'running' | 'stopping' | 'stopped';
  /** Partitions in progress (unit|pair|month), comma-separated; '' when idle. */
  readonly partition: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  /** Partitions computed by this process so far. */
  readonly done: number;
}

type Sql = Pick<PartitionQueue, 'sql'>;

export async function ensureWorkersTable(db: Sql): Promise<void> {
  await db.sql(`CREATE SCHEMA IF NOT EXISTS bqx`);
  await db.sql(`CREATE TABLE IF NOT EXISTS bqx.workers (
    id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, state text NOT NULL, partition text NOT NULL DEFAULT '',
    started_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL, done integer NOT NULL DEFAULT 0)`);
}

export async function beat(db: Sql, w: Omit<WorkerRow, 'heartbeatAt'>): Promise<void> {
  await db.sql(
    `INSERT INTO bqx.workers (id, host, pid, state, partition, started_at, heartbeat_at, done) VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), now(), $7)
     ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, partition = EXCLUDED.partition, heartbeat_at = now(), done = EXCLUDED.done`,
    [w.id, w.host, w.pid, w.state, w.partition, w.startedAt, w.done]);
}

/** Every worker row, newest heartbeat first; [] before any worker has started. */
export async function listWorkers(db: Sql): Promise<WorkerRow[]> {
  const { rows: exists } = await db.sql(`SELECT to_regclass('bqx.workers') IS NOT NULL AS ok`);
  if (!(exists[0] as { ok: boolean }).ok) return [];
  const { rows } = await db.sql(`SELECT id, host, pid, state, partition, started_at, heartbeat_at, done FROM bqx.workers ORDER BY heartbeat_at DESC, id`);
  return (rows as { id: string; host: string; pid: number; state: WorkerRow['state']; partition: string; started_at: Date; heartbeat_at: Date; done: number }[])
    .map((r) => ({ id: r.id, host: r.host, pid: r.pid, state: r.state, partition: r.partition, startedAt: r.started_at.getTime(), heartbeatAt: r.heartbeat_at.getTime(), done: r.done }));
}
