// Worker heartbeats: one row per worker process in bqx.workers (id, host, pid, current partitions,
// last heartbeat), written every few seconds, read by `bqx status --db`. The table is the PostgreSQL
// store's migration 3 (made once, under the migrations' lock, however many workers start together).
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

/** Runs SQL and returns its rows (the queue's pool in a worker; the store's query() in bqx status). */
export type Sql = (text: string, values?: unknown[]) => Promise<unknown[]>;

export async function beat(sql: Sql, w: Omit<WorkerRow, 'heartbeatAt'>): Promise<void> {
  await sql(
    `INSERT INTO bqx.workers (id, host, pid, state, partition, started_at, heartbeat_at, done) VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), now(), $7)
     ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, partition = EXCLUDED.partition, heartbeat_at = now(), done = EXCLUDED.done`,
    [w.id, w.host, w.pid, w.state, w.partition, w.startedAt, w.done]);
}

/** Every worker row, newest heartbeat first. Times are read as epoch ms (no driver type parsing). */
export async function listWorkers(sql: Sql): Promise<WorkerRow[]> {
  const rows = await sql(`SELECT id, host, pid, state, partition, done, (extract(epoch FROM started_at) * 1000)::float8 AS started_ms,
    (extract(epoch FROM heartbeat_at) * 1000)::float8 AS heartbeat_ms FROM bqx.workers ORDER BY heartbeat_at DESC, id`);
  return (rows as { id: string; host: string; pid: number; state: WorkerRow['state']; partition: string; done: number; started_ms: number; heartbeat_ms: number }[])
    .map((r) => ({ id: r.id, host: r.host, pid: r.pid, state: r.state, partition: r.partition, done: r.done, startedAt: r.started_ms, heartbeatAt: r.heartbeat_ms }));
}

/** Workers not stopped whose last heartbeat is within `ms`, by the database's clock (machines' clocks may differ). */
export async function liveWorkers(sql: Sql, ms: number): Promise<number> {
  const [row] = await sql(`SELECT count(*)::int AS n FROM bqx.workers WHERE state <> 'stopped' AND heartbeat_at > now() - $1 * interval '1 millisecond'`, [ms]) as { n: number }[];
  return row!.n;
}
