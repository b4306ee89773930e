// The embedded store (DESIGN.md "Storage"): bars, bar versions, manifests and run records in one
// DuckDB file, no server. One process owns a database file; worker threads get typed arrays from it.
// Every operation runs on one connection, one at a time, in call order (DuckDB transactions must not
// interleave on a connection). SQL gets pair names only from the fixed pair list and numbers only as
// validated numeric literals; every other value is a bound parameter.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { pairInfo } from '../core/currencies.ts';
import { monthEnd, monthOf, monthStart, parseMonth, type MonthKey } from '../core/time.ts';
import { allocBars, type Bars } from '../core/types.ts';
import { appendBars, readBarsBlock, STAGE_COLUMNS_SQL } from './blocks.ts';
import { checkBars, diffBars, mergeBars, rangeOf, TS_MAX, TS_MIN } from './merge.ts';
import { foldMonths, monthStats, type MonthStats } from './months.ts';
import { migrate } from './migrations.ts';
import { queryPlain, type Plain } from './plain.ts';
import { manifestFromRow, stageRecordFromRow } from './rows.ts';
import type { ManifestRecord, PairSummary, PlanRecord, RunRecord, StageRecord, Store, UpsertResult } from './types.ts';

export interface StoreOptions {
  /** DuckDB worker threads. 1 measured fastest for this workload on 2 cores (bench/store.ts). */
  readonly threads?: number;
}

const DEFAULT_THREADS = 1;
const MAX_MS = 8.64e15; // the range of JS Date; a bound beyond it means "unbounded"

/**
 * The pair as an SQL literal, spelled from the fixed list (unknown names throw). Typed as the enum:
 * compared with a plain string, DuckDB casts the column to VARCHAR and cannot skip row groups by pair.
 */
function pairSql(pair: string): string {
  return `'${pairInfo(pair).name}'::pair_name`;
}

/** A TIMESTAMP literal for an epoch-ms bound (ceil: ts are whole ms, so ts ≥ x ⇔ ts ≥ ⌈x⌉). */
function tsSql(ms: number): string {
  return `make_timestamp(${Math.ceil(ms) * 1000})`;
}

/** A TIMESTAMP from an epoch-ms DOUBLE parameter, kept to the microsecond. */
const tsParam = (i: number) => `make_timestamp(CAST(round($${i} * 1000) AS BIGINT))`;

function checkBound(name: string, ms: number): void {
  if (Number.isNaN(ms)) throw new Error(`${name} must be a number of epoch ms, got NaN`);
}

/** The condition "bars of `pair` with from ≤ ts < to". */
function rangeSql(pair: string, from: number, to: number): string {
  const where = [`pair = ${pair}`];
  if (from > -MAX_MS) where.push(`ts >= ${tsSql(Math.min(from, MAX_MS))}`);
  if (to < MAX_MS) where.push(`ts < ${tsSql(Math.max(to, -MAX_MS))}`);
  return where.join(' AND ');
}

const BARS_SELECT = 'epoch_ms(ts)::DOUBLE AS ts, open, high, low, close, volume';
const toTimestamp = (col: string) => `make_timestamp(CAST(${col} AS BIGINT) * 1000)`;

function finite(name: string, v: number): number {
  if (!Number.isFinite(v)) throw new Error(`${name} must be a finite number, got ${v}`);
  return v;
}

function manifestPair(pair: string): string {
  return pair === '*' ? pair : pairInfo(pair).name;
}

class DuckDBStore implements Store {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection, readonly location: string) {}

  /** Runs `fn` after every operation called before it. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async transaction(fn: () => Promise<void>): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      await fn();
      await this.conn.run('COMMIT');
    } catch (e) {
      await this.conn.run('ROLLBACK');
      throw e;
    }
  }

  private rows(sql: string, params?: readonly (string | number | null)[]): Promise<Record<string, Plain>[]> {
    return queryPlain(this.conn, sql, params);
  }

  private readRange(pair: string, from: number, to: number): Promise<Bars> {
    return readBarsBlock(this.conn, `SELECT ${BARS_SELECT} FROM bars WHERE ${rangeSql(pair, from, to)} ORDER BY ts`);
  }

  async upsertBars(pairName: string, bars: Bars, source: string): Promise<UpsertResult> {
    const pair = pairSql(pairName);
    checkBars(bars);
    const n = bars.ts.length;
    if (n === 0) return { inserted: 0, replaced: 0, unchanged: 0 };
    return this.serial(async () => {
      // The stored bars of the whole months the incoming ones fall in: enough to classify them and to
      // version every month they touch without reading it back.
      const stored = await this.readRange(pair, monthStart(monthOf(bars.ts[0]!)), monthEnd(monthOf(bars.ts[n - 1]!)));
      const diff = diffBars(stored, bars);
      const { changed } = diff;
      const merged = diff.months.length > 0 ? mergeBars(stored, bars) : stored;
      await this.conn.run('DELETE FROM stage');
      await appendBars(this.conn, 'stage', changed);
      await this.transaction(async () => {
        // Replaced bars are deleted and inserted again rather than updated: DuckDB's UPDATE keeps a
        // stored +0 when given −0 (they compare equal), and the store must hold exactly what it was given.
        if (diff.replaced > 0) {
          const span = rangeSql(pair, changed.ts[0]!, changed.ts[changed.ts.length - 1]! + 1);
          await this.conn.run(`DELETE FROM bars WHERE ${span} AND ts IN (SELECT ${toTimestamp('ts')} FROM stage)`);
        }
        // (a plain scan of the staging table keeps its time order: DuckDB preserves insertion order)
        if (changed.ts.length > 0) {
          await this.conn.run(`INSERT INTO bars SELECT ${pair}, ${toTimestamp('ts')}, open, high, low, close, volume FROM stage`);
        }
        for (const month of diff.months) {
          const m = monthStats(rangeOf(merged, monthStart(month), monthEnd(month)));
          await this.rows(`INSERT OR REPLACE INTO bar_versions
            (pair, month, version, bars, first_ts, last_ts, missing_minutes, weekend_gaps)
            VALUES (${pair}, $1, $2, $3, ${tsParam(4)}, ${tsParam(5)}, $6, $7)`,
          [month, m.version, m.bars, m.first, m.last, m.missingMinutes, m.weekendGaps]);
        }
        await this.conn.run(`INSERT OR IGNORE INTO bar_sources VALUES (${pair}, $1)`, [source]);
      });
      return { inserted: diff.inserted, replaced: diff.replaced, unchanged: diff.unchanged };
    });
  }

  async readBars(pairName: string, from: number, to: number): Promise<Bars> {
    const pair = pairSql(pairName);
    checkBound('from', from);
    checkBound('to', to);
    return this.serial(() => this.readRange(pair, from, to));
  }

  async readBarsBefore(pairName: string, before: number, rows: number): Promise<Bars> {
    const pair = pairSql(pairName);
    checkBound('before', before);
    if (!Number.isInteger(rows) || rows < 0) throw new Error(`rows must be an integer ≥ 0, got ${rows}`);
    return this.serial(async () => {
      if (rows === 0) return allocBars(0);
      // The lower bound: the start of the latest month such that the whole months from it up to the
      // month of `before` (from the month index) hold ≥ rows bars; so the read scans little more than
      // the rows it returns.
      const end = Math.min(Math.max(before, TS_MIN), TS_MAX + 1); // every bar lies in [TS_MIN, TS_MAX]
      const months = await this.rows(`SELECT month, bars FROM bar_versions WHERE pair = ${pair} AND month < $1
        ORDER BY month DESC`, [monthOf(end)]);
      let from = -Infinity;
      for (let i = 0, sum = 0; i < months.length; i++) {
        sum += months[i]!.bars as number;
        if (sum >= rows) {
          from = monthStart(months[i]!.month as string);
          break;
        }
      }
      return readBarsBlock(this.conn, `SELECT * FROM (SELECT ${BARS_SELECT} FROM bars WHERE ${rangeSql(pair, from, end)}
        ORDER BY ts DESC LIMIT ${rows}) ORDER BY ts`);
    });
  }

  async readBarsAfter(pairName: string, from: number, rows: number): Promise<Bars> {
    const pair = pairSql(pairName);
    checkBound('from', from);
    if (!Number.isInteger(rows) || rows < 0) throw new Error(`rows must be an integer ≥ 0, got ${rows}`);
    return this.serial(async () => {
      if (rows === 0) return allocBars(0);
      // The upper bound: the end of the earliest month such that the months after that of `from` up to
      // it (from the month index) hold ≥ rows bars, however far apart they are.
      const start = Math.min(Math.max(from, TS_MIN), TS_MAX + 1);
      const months = await this.rows(`SELECT month, bars FROM bar_versions WHERE pair = ${pair} AND month > $1
        ORDER BY month`, [monthOf(Math.min(start, TS_MAX))]);
      let to = Infinity;
      for (let i = 0, sum = 0; i < months.length; i++) {
        sum += months[i]!.bars as number;
        if (sum >= rows) {
          to = monthEnd(months[i]!.month as string);
          break;
        }
      }
      return readBarsBlock(this.conn, `SELECT ${BARS_SELECT} FROM bars WHERE ${rangeSql(pair, start, to)} ORDER BY ts LIMIT ${rows}`);
    });
  }

  async barVersion(pairName: string, month: MonthKey): Promise<string> {
    const pair = pairSql(pairName);
    parseMonth(month);
    return this.serial(async () => {
      const [r] = await this.rows(`SELECT version FROM bar_versions WHERE pair = ${pair} AND month = $1`, [month]);
      return r ? (r.version as string) : '';
    });
  }

  monthIndex(): Promise<{ pair: string; month: MonthKey; bars: number; version: string }[]> {
    return this.serial(async () => {
      const rows = await this.rows('SELECT pair::VARCHAR AS pair, month, bars, version FROM bar_versions ORDER BY bar_versions.pair, month');
      return rows.map((r) => ({ pair: r.pair as string, month: r.month as string, bars: r.bars as number, version: r.version as string }));
    });
  }

  summary(): Promise<PairSummary[]> {
    return this.serial(async () => {
      const byPair = new Map<string, MonthStats[]>();
      for (const r of await this.rows(`SELECT pair::VARCHAR AS pair, version, bars, first_ts, last_ts, missing_minutes,
          weekend_gaps FROM bar_versions ORDER BY bar_versions.pair, month`)) {
        const list = byPair.get(r.pair as string) ?? [];
        list.push({ version: r.version as string, bars: r.bars as number, first: r.first_ts as number, last: r.last_ts as number,
          missingMinutes: r.missing_minutes as number, weekendGaps: r.weekend_gaps as number });
        byPair.set(r.pair as string, list);
      }
      const sources = new Map<string, string[]>();
      for (const r of await this.rows('SELECT pair::VARCHAR AS pair, source FROM bar_sources ORDER BY bar_sources.pair, source')) {
        const list = sources.get(r.pair as string) ?? [];
        list.push(r.source as string);
        sources.set(r.pair as string, list);
      }
      return [...byPair].map(([pair, months]) => ({ pair, ...foldMonths(months), sources: sources.get(pair) ?? [] }));
    });
  }

  async months(pairName: string): Promise<MonthKey[]> {
    const pair = pairSql(pairName);
    return this.serial(async () =>
      (await this.rows(`SELECT month FROM bar_versions WHERE pair = ${pair} ORDER BY month`)).map((r) => r.month as string));
  }

  getManifests(stage?: string): Promise<ManifestRecord[]> {
    return this.serial(async () => {
      const rows = stage === undefined
        ? await this.rows('SELECT * FROM manifests ORDER BY stage, pair, month')
        : await this.rows('SELECT * FROM manifests WHERE stage = $1 ORDER BY pair, month', [stage]);
      return rows.map((r) => manifestFromRow(r, (v) => JSON.parse(v as string) as Record<string, unknown>));
    });
  }

  async putManifest(m: ManifestRecord): Promise<void> {
    parseMonth(m.month);
    const params = [
      m.stage, manifestPair(m.pair), m.month, m.status, m.codeVersion, JSON.stringify(m.inputVersions), m.dataVersion,
      finite('rows', m.rows), finite('bytes', m.bytes), m.checksum, m.path, finite('startedAt', m.startedAt),
      finite('finishedAt', m.finishedAt), finite('attempts', m.attempts), m.worker, m.error, JSON.stringify(m.extra),
    ];
    await this.serial(() => this.rows(`INSERT OR REPLACE INTO manifests VALUES
      ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ${tsParam(12)}, ${tsParam(13)}, $14, $15, $16, $17)`, params));
  }

  async putRun(run: RunRecord): Promise<void> {
    const finishedAt = run.finishedAt === null ? null : finite('finishedAt', run.finishedAt);
    const params = [run.id, finite('startedAt', run.startedAt), finishedAt, run.status, run.command, JSON.stringify(run.summary)];
    await this.serial(() => this.rows(`INSERT OR REPLACE INTO runs VALUES ($1, ${tsParam(2)}, ${tsParam(3)}, $4, $5, $6)`, params));
  }

  async getRuns(limit?: number): Promise<RunRecord[]> {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) throw new Error(`limit must be an integer ≥ 0, got ${limit}`);
    return this.serial(async () => {
      const rows = await this.rows(`SELECT * FROM runs ORDER BY started_at DESC, id DESC${limit === undefined ? '' : ` LIMIT ${limit}`}`);
      return rows.map((r) => ({
        id: r.id as string, startedAt: r.started_at as number, finishedAt: r.finished_at as number | null,
        status: r.status as RunRecord['status'], command: r.command as string,
        summary: JSON.parse(r.summary as string) as Record<string, unknown>,
      }));
    });
  }

  async putStageRecord(r: StageRecord): Promise<void> {
    const { partitions, computed, skipped, failed, pending, pairMonths, rows, bytes, workers, wallMs, computeMs, writeMs } = r;
    const nums = Object.entries({ partitions, computed, skipped, failed, pending, pairMonths, rows, bytes, workers, wallMs, computeMs, writeMs })
      .map(([k, v]) => finite(k, v));
    const params = [r.runId, r.stage, ...nums, finite('startedAt', r.startedAt), finite('finishedAt', r.finishedAt)];
    await this.serial(() => this.rows(`INSERT OR REPLACE INTO run_stages VALUES
      ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, ${tsParam(15)}, ${tsParam(16)})`, params));
  }

  getStageRecords(runId?: string): Promise<StageRecord[]> {
    return this.serial(async () => {
      const rows = await this.rows(`SELECT s.* FROM run_stages s LEFT JOIN runs r ON r.id = s.run_id
        ${runId === undefined ? '' : 'WHERE s.run_id = $1'} ORDER BY r.started_at DESC NULLS LAST, s.run_id DESC, s.started_at, s.stage`,
      runId === undefined ? undefined : [runId]);
      return rows.map(stageRecordFromRow);
    });
  }

  async putPlan(p: PlanRecord): Promise<void> {
    const params = [p.id, finite('createdAt', p.createdAt), JSON.stringify(p.plan)];
    await this.serial(() => this.rows(`INSERT OR REPLACE INTO plans VALUES ($1, ${tsParam(2)}, $3)`, params));
  }

  getPlan(id: string): Promise<PlanRecord | null> {
    return this.serial(async () => {
      const [r] = await this.rows('SELECT * FROM plans WHERE id = $1', [id]);
      return r ? { id: r.id as string, createdAt: r.created_at as number, plan: JSON.parse(r.plan as string) as Record<string, unknown> } : null;
    });
  }

  query(sql: string): Promise<Record<string, unknown>[]> {
    return this.serial(() => this.rows(sql));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const last = this.tail;
    this.closed = true;
    await last;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Opens (creating it and its parent directories if needed) the store at `path`, ':memory:' for a
 * throw-away one, and brings its schema to the latest migration.
 */
export async function openStore(path: string, opts: StoreOptions = {}): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const instance = await DuckDBInstance.create(path, {
    threads: String(opts.threads ?? DEFAULT_THREADS),
    autoinstall_known_extensions: 'false', // no network: json and parquet are built in
    autoload_known_extensions: 'false',
  });
  try {
    const conn = await instance.connect();
    await migrate(conn);
    await conn.run(`CREATE TEMP TABLE stage (${STAGE_COLUMNS_SQL})`);
    return new DuckDBStore(instance, conn, path);
  } catch (e) {
    instance.closeSync();
    throw e;
  }
}
