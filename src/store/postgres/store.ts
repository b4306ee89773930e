// The PostgreSQL store (DESIGN.md "Storage"; Aurora PostgreSQL 15 compatible): the same Store as the
// embedded one, with bars in bqx.m1_{pair} and the same per-month facts, versions and records. A
// small pool per process; SQL gets table names only from the fixed pair list, every value is a bound
// parameter or a validated numeric/time literal. Bars move as binary COPY in both directions.
import { once } from 'node:events';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { pairInfo } from '../../core/currencies.ts';
import { monthEnd, monthOf, monthStart, parseMonth, type MonthKey } from '../../core/time.ts';
import { allocBars, type Bars } from '../../core/types.ts';
import { checkBars, diffBars, mergeBars, rangeOf, TS_MAX, TS_MIN } from '../merge.ts';
import { foldMonths, monthStats, type MonthStats } from '../months.ts';
import type { ManifestRecord, PairSummary, PlanRecord, RunRecord, StageRecord, Store, UpsertResult } from '../types.ts';
import { manifestFromRow, stageRecordFromRow } from '../rows.ts';
import { decodeBars, encodeBars } from './binary.ts';
import { connectPool, namedError, type PostgresOptions } from './connect.ts';
import { barTable, migratePostgres } from './migrations.ts';
import { CallOrder } from './order.ts';

/** Advisory lock space of per-pair bar writes (with the pair's index as the second key). */
const BARS_LOCK = 0x627178;

const BAR_COLUMNS_SQL = 'ts, open, high, low, close, volume';

/** A timestamptz literal for an epoch-ms bound within the bars' years (ceil: ts are whole ms, so ts ≥ x ⇔ ts ≥ ⌈x⌉). */
function tsLiteral(ms: number): string {
  return `'${new Date(Math.ceil(Math.min(Math.max(ms, TS_MIN), TS_MAX + 1))).toISOString()}'::timestamptz`;
}

/** The condition from ≤ ts < to (unbounded sides omitted). */
function rangeSql(from: number, to: number): string {
  const where = ['true'];
  if (from > TS_MIN) where.push(`ts >= ${tsLiteral(from)}`);
  if (to <= TS_MAX) where.push(`ts < ${tsLiteral(to)}`);
  return where.join(' AND ');
}

/** A timestamptz from an epoch-ms parameter given as whole microseconds (exact; see usParam). */
const tsParam = (i: number) => `(timestamptz 'epoch' + interval '1 microsecond' * $${i})`;
const usParam = (ms: number) => Math.round(ms * 1000);
/** A timestamptz column as epoch ms (float8), exact to the microsecond. */
const msOf = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

function checkBound(name: string, ms: number): void {
  if (Number.isNaN(ms)) throw new Error(`${name} must be a number of epoch ms, got NaN`);
}

function checkRows(rows: number): void {
  if (!Number.isInteger(rows) || rows < 0) throw new Error(`rows must be an integer ≥ 0, got ${rows}`);
}

function finite(name: string, v: number): number {
  if (!Number.isFinite(v)) throw new Error(`${name} must be a finite number, got ${v}`);
  return v;
}

const manifestPair = (pair: string) => (pair === '*' ? pair : pairInfo(pair).name);

class PostgresStore implements Store {
  private readonly order = new CallOrder();

  constructor(private readonly pool: pg.Pool, readonly location: string) {}

  /** Runs `fn` on a pooled connection; errors name the database. */
  private async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw namedError(this.location, e);
    }
    let ok = false;
    try {
      const r = await fn(client);
      ok = true;
      return r;
    } catch (e) {
      throw namedError(this.location, e);
    } finally {
      client.release(!ok); // after an error the connection may be mid-transaction or broken: close it
    }
  }

  private async rows(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return (await this.pool.query(sql, params as unknown[])).rows;
    } catch (e) {
      throw namedError(this.location, e);
    }
  }

  /** The bars a SELECT of the six bar columns returns, through binary COPY. */
  private async copyOut(c: pg.ClientBase, select: string): Promise<Bars> {
    const stream = c.query(copyStreams.to(`COPY (${select}) TO STDOUT (FORMAT binary)`));
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return decodeBars(Buffer.concat(chunks));
  }

  private async copyIn(c: pg.ClientBase, table: string, bars: Bars): Promise<void> {
    const stream = c.query(copyStreams.from(`COPY ${table} (${BAR_COLUMNS_SQL}) FROM STDIN (FORMAT binary)`));
    stream.end(encodeBars(bars));
    await once(stream, 'finish');
  }

  private async transaction<T>(c: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
    await c.query('BEGIN');
    try {
      const r = await fn();
      await c.query('COMMIT');
      return r;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined); // (a broken connection: the first error is the one to report)
      throw e;
    }
  }

  async upsertBars(pairName: string, bars: Bars, source: string): Promise<UpsertResult> {
    const pair = pairInfo(pairName);
    checkBars(bars);
    const n = bars.ts.length;
    if (n === 0) return { inserted: 0, replaced: 0, unchanged: 0 };
    const table = barTable(pair.name);
    return this.order.write(() => this.withClient((c) => this.transaction(c, async () => {
      // One writer per pair at a time, across processes; then the stored bars of the whole months the
      // incoming ones fall in: enough to classify them and to version every month they touch.
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', [BARS_LOCK, pair.index]);
      const stored = await this.copyOut(c, `SELECT ${BAR_COLUMNS_SQL} FROM ${table}
        WHERE ${rangeSql(monthStart(monthOf(bars.ts[0]!)), monthEnd(monthOf(bars.ts[n - 1]!)))} ORDER BY ts`);
      const diff = diffBars(stored, bars);
      if (diff.changed.ts.length > 0) {
        const merged = mergeBars(stored, bars);
        if (diff.replaced === 0) {
          await this.copyIn(c, table, diff.changed); // only new timestamps: straight into the table
        } else {
          await c.query(`CREATE TEMP TABLE IF NOT EXISTS bars_stage (LIKE ${barTable('EURUSD')}) ON COMMIT DELETE ROWS`);
          await this.copyIn(c, 'bars_stage', diff.changed);
          await c.query(`INSERT INTO ${table} SELECT ${BAR_COLUMNS_SQL} FROM bars_stage ON CONFLICT (ts) DO UPDATE SET
            open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`);
        }
        for (const month of diff.months) {
          const m = monthStats(rangeOf(merged, monthStart(month), monthEnd(month)));
          await c.query(`INSERT INTO bqx.bar_versions AS v
            (pair, month, version, bars, first_ts, last_ts, missing_minutes, weekend_gaps)
            VALUES ($1, $2, $3, $4, ${tsParam(5)}, ${tsParam(6)}, $7, $8)
            ON CONFLICT (pair, month) DO UPDATE SET version = excluded.version, bars = excluded.bars, first_ts = excluded.first_ts,
              last_ts = excluded.last_ts, missing_minutes = excluded.missing_minutes, weekend_gaps = excluded.weekend_gaps`,
          [pair.name, month, m.version, m.bars, usParam(m.first), usParam(m.last), m.missingMinutes, m.weekendGaps]);
        }
      }
      await c.query('INSERT INTO bqx.bar_sources VALUES ($1, $2) ON CONFLICT DO NOTHING', [pair.name, source]);
      return { inserted: diff.inserted, replaced: diff.replaced, unchanged: diff.unchanged };
    })));
  }

  /** The bars a SELECT of the six bar columns returns, in its order. */
  private readSelect(select: string): Promise<Bars> {
    return this.order.read(() => this.withClient((c) => this.copyOut(c, select)));
  }

  async readBars(pairName: string, from: number, to: number): Promise<Bars> {
    const table = barTable(pairInfo(pairName).name);
    checkBound('from', from);
    checkBound('to', to);
    return this.readSelect(`SELECT ${BAR_COLUMNS_SQL} FROM ${table} WHERE ${rangeSql(from, to)} ORDER BY ts`);
  }

  async readBarsBefore(pairName: string, before: number, rows: number): Promise<Bars> {
    const table = barTable(pairInfo(pairName).name);
    checkBound('before', before);
    checkRows(rows);
    if (rows === 0) return allocBars(0);
    // The primary key's index read backwards for the last `rows` bars, put back in time order.
    return this.readSelect(`SELECT * FROM (SELECT ${BAR_COLUMNS_SQL} FROM ${table} WHERE ${rangeSql(-Infinity, before)}
      ORDER BY ts DESC LIMIT ${rows}) AS last ORDER BY ts`);
  }

  async readBarsAfter(pairName: string, from: number, rows: number): Promise<Bars> {
    const table = barTable(pairInfo(pairName).name);
    checkBound('from', from);
    checkRows(rows);
    if (rows === 0) return allocBars(0);
    return this.readSelect(`SELECT ${BAR_COLUMNS_SQL} FROM ${table} WHERE ${rangeSql(from, Infinity)} ORDER BY ts LIMIT ${rows}`);
  }

  async barVersion(pairName: string, month: MonthKey): Promise<string> {
    const pair = pairInfo(pairName).name;
    parseMonth(month);
    const [r] = await this.order.read(() => this.rows('SELECT version FROM bqx.bar_versions WHERE pair = $1 AND month = $2', [pair, month]));
    return r ? (r.version as string) : '';
  }

  // (ORDER BY v.pair sorts by the enum, in canonical pair order: the bare name would sort the text selected as pair.)
  async monthIndex(): Promise<{ pair: string; month: MonthKey; bars: number; version: string }[]> {
    const rows = await this.order.read(() => this.rows('SELECT pair::text AS pair, month, bars, version FROM bqx.bar_versions v ORDER BY v.pair, month'));
    return rows.map((r) => ({ pair: r.pair as string, month: r.month as string, bars: r.bars as number, version: r.version as string }));
  }

  async summary(): Promise<PairSummary[]> {
    const [months, sourceRows] = await this.order.read(() => Promise.all([
      this.rows(`SELECT pair::text AS pair, version, bars, ${msOf('first_ts')} AS first, ${msOf('last_ts')} AS last, missing_minutes,
        weekend_gaps FROM bqx.bar_versions v ORDER BY v.pair, month`),
      this.rows('SELECT pair::text AS pair, source FROM bqx.bar_sources s ORDER BY s.pair, source'),
    ]));
    const byPair = new Map<string, MonthStats[]>();
    for (const r of months) {
      const list = byPair.get(r.pair as string) ?? [];
      list.push({ version: r.version as string, bars: r.bars as number, first: r.first as number, last: r.last as number,
        missingMinutes: r.missing_minutes as number, weekendGaps: r.weekend_gaps as number });
      byPair.set(r.pair as string, list);
    }
    const sources = new Map<string, string[]>();
    for (const r of sourceRows) {
      const list = sources.get(r.pair as string) ?? [];
      list.push(r.source as string);
      sources.set(r.pair as string, list);
    }
    return [...byPair].map(([pair, list]) => ({ pair, ...foldMonths(list), sources: sources.get(pair) ?? [] }));
  }

  async months(pairName: string): Promise<MonthKey[]> {
    const pair = pairInfo(pairName).name;
    const rows = await this.order.read(() => this.rows('SELECT month FROM bqx.bar_versions WHERE pair = $1 ORDER BY month', [pair]));
    return rows.map((r) => r.month as string);
  }

  async getManifests(stage?: string): Promise<ManifestRecord[]> {
    const select = `SELECT stage, pair, month, status, code_version, input_versions, data_version, row_count, byte_count, checksum, path,
      ${msOf('started_at')} AS started_at, ${msOf('finished_at')} AS finished_at, attempts, worker, error, extra FROM bqx.manifests`;
    const rows = await this.order.read(() => (stage === undefined
      ? this.rows(`${select} ORDER BY stage, pair, month`)
      : this.rows(`${select} WHERE stage = $1 ORDER BY pair, month`, [stage])));
    return rows.map((r) => manifestFromRow(r, (v) => v as Record<string, unknown>));
  }

  async putManifest(m: ManifestRecord): Promise<void> {
    parseMonth(m.month);
    const params = [
      m.stage, manifestPair(m.pair), m.month, m.status, m.codeVersion, JSON.stringify(m.inputVersions), m.dataVersion,
      finite('rows', m.rows), finite('bytes', m.bytes), m.checksum, m.path, usParam(finite('startedAt', m.startedAt)),
      usParam(finite('finishedAt', m.finishedAt)), finite('attempts', m.attempts), m.worker, m.error, JSON.stringify(m.extra),
    ];
    await this.order.write(() => this.rows(`INSERT INTO bqx.manifests VALUES
      ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${tsParam(12)}, ${tsParam(13)}, $14, $15, $16, $17)
      ON CONFLICT (stage, pair, month) DO UPDATE SET status = excluded.status, code_version = excluded.code_version,
        input_versions = excluded.input_versions, data_version = excluded.data_version, row_count = excluded.row_count,
        byte_count = excluded.byte_count, checksum = excluded.checksum, path = excluded.path, started_at = excluded.started_at,
        finished_at = excluded.finished_at, attempts = excluded.attempts, worker = excluded.worker, error = excluded.error,
        extra = excluded.extra`, params));
  }

  async putRun(run: RunRecord): Promise<void> {
    const finishedAt = run.finishedAt === null ? null : usParam(finite('finishedAt', run.finishedAt));
    const params = [run.id, usParam(finite('startedAt', run.startedAt)), finishedAt, run.status, run.command, JSON.stringify(run.summary)];
    await this.order.write(() => this.rows(`INSERT INTO bqx.runs VALUES ($1, ${tsParam(2)}, ${tsParam(3)}, $4, $5, $6)
      ON CONFLICT (id) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at, status = excluded.status,
        command = excluded.command, summary = excluded.summary`, params));
  }

  async getRuns(limit?: number): Promise<RunRecord[]> {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new Error(`limit must be an integer ≥ 0, got ${limit}`);
    const rows = await this.order.read(() => this.rows(`SELECT id, ${msOf('started_at')} AS started_at, ${msOf('finished_at')} AS finished_at,
      status, command, summary FROM bqx.runs ORDER BY runs.started_at DESC, id DESC${limit === undefined ? '' : ` LIMIT ${limit}`}`));
    return rows.map((r) => ({
      id: r.id as string, startedAt: r.started_at as number, finishedAt: r.finished_at as number | null,
      status: r.status as RunRecord['status'], command: r.command as string, summary: r.summary as Record<string, unknown>,
    }));
  }

  async putStageRecord(r: StageRecord): Promise<void> {
    const { partitions, computed, skipped, failed, pending, pairMonths, rows, bytes, workers, wallMs, computeMs, writeMs } = r;
    const nums = Object.entries({ partitions, computed, skipped, failed, pending, pairMonths, rows, bytes, workers, wallMs, computeMs, writeMs })
      .map(([k, v]) => finite(k, v));
    const params = [r.runId, r.stage, ...nums, usParam(finite('startedAt', r.startedAt)), usParam(finite('finishedAt', r.finishedAt))];
    const cols = ['partitions', 'computed', 'skipped', 'failed', 'pending', 'pair_months', 'row_count', 'byte_count', 'workers', 'wall_ms',
      'compute_ms', 'write_ms', 'started_at', 'finished_at'];
    await this.order.write(() => this.rows(`INSERT INTO bqx.run_stages VALUES
      ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, ${tsParam(15)}, ${tsParam(16)})
      ON CONFLICT (run_id, stage) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}`, params));
  }

  async getStageRecords(runId?: string): Promise<StageRecord[]> {
    const rows = await this.order.read(() => this.rows(`SELECT s.run_id, s.stage, s.partitions, s.computed, s.skipped, s.failed, s.pending,
        s.pair_months, s.row_count, s.byte_count, s.workers, s.wall_ms, s.compute_ms, s.write_ms,
        ${msOf('s.started_at')} AS started_at, ${msOf('s.finished_at')} AS finished_at
      FROM bqx.run_stages s LEFT JOIN bqx.runs r ON r.id = s.run_id
      ${runId === undefined ? '' : 'WHERE s.run_id = $1'} ORDER BY r.started_at DESC NULLS LAST, s.run_id DESC, s.started_at, s.stage`,
    runId === undefined ? undefined : [runId]));
    return rows.map(stageRecordFromRow);
  }

  async putPlan(p: PlanRecord): Promise<void> {
    const params = [p.id, usParam(finite('createdAt', p.createdAt)), JSON.stringify(p.plan)];
    await this.order.write(() => this.rows(`INSERT INTO bqx.plans VALUES ($1, ${tsParam(2)}, $3)
      ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, plan = excluded.plan`, params));
  }

  async getPlan(id: string): Promise<PlanRecord | null> {
    const [r] = await this.order.read(() => this.rows(`SELECT id, ${msOf('created_at')} AS created_at, plan FROM bqx.plans WHERE id = $1`, [id]));
    return r ? { id: r.id as string, createdAt: r.created_at as number, plan: r.plan as Record<string, unknown> } : null;
  }

  /** PostgreSQL SQL on the store's database (schema bqx first on the search path); may write, so ordered as a write. */
  query(sql: string): Promise<Record<string, unknown>[]> {
    return this.order.write(() => this.rows(sql));
  }

  async close(): Promise<void> {
    if (!(await this.order.close())) return;
    await this.pool.end();
  }
}

/** Opens the store of the database at `opts.url` (schema bqx, migrated to the latest version). */
export async function openPostgresStore(opts: PostgresOptions): Promise<Store> {
  const { pool, database } = await connectPool(opts);
  try {
    const client = await pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw namedError(database, e);
  }
  return new PostgresStore(pool, database);
}
