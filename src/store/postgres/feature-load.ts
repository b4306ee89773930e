// Loads one computed partition (a unit's columns of one pair-month) into its feature tables, replacing
// exactly that month in one transaction: per table TRUNCATE the month's partition, then binary COPY
// into it with FREEZE (allowed because the partition was truncated in the same transaction; the rows
// need no later hint-bit writes), and record the data version in bqx.feature_loads. TRUNCATE takes an
// ACCESS EXCLUSIVE lock on that partition only: a concurrent reader of the month waits for the commit
// and then sees the new rows (READ COMMITTED); other months stay readable throughout. (A REPEATABLE READ
// transaction that began before the commit sees the month empty: TRUNCATE is not MVCC-safe.)
import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import type { FeatureTable } from '../../features/tables.ts';
import { copyStream, type CopyRows } from './copy-binary.ts';
import { createPartitionSql, createTableSql, FEATURE_LOADS_SQL, featurePartition, ident } from './feature-ddl.ts';

export interface PartitionData {
  /** The stage unit that computed it (the key of bqx.feature_loads). */
  readonly unit: string;
  readonly pair: string;
  readonly month: string;
  readonly dataVersion: string;
  readonly ts: Float64Array;
  readonly columns: ReadonlyMap<string, Float64Array>;
}

export interface LoadResult { readonly rows: number; readonly bytes: number; readonly ms: number }

/** Advisory lock of the feature tables' DDL ('bqx' and 2): CREATE … IF NOT EXISTS races between processes. */
const DDL_LOCK = 0x627178_0002;

/** Runs DDL statements in one transaction under the DDL lock (idempotent statements, safe between processes). */
export async function runDdl(db: pg.ClientBase, statements: readonly string[]): Promise<void> {
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1)', [DDL_LOCK]);
    for (const sql of statements) await db.query(sql);
    await db.query('COMMIT');
  } catch (e) {
    await db.query('ROLLBACK');
    throw e;
  }
}

/** Creates the schema, bqx.feature_loads, and the tables and month partitions. */
export function ensureFeatureTables(db: pg.ClientBase, tables: readonly FeatureTable[], pair: string, month: string): Promise<void> {
  return runDdl(db, [FEATURE_LOADS_SQL, ...tables.flatMap((t) => [createTableSql(t, pair), createPartitionSql(t.name, pair, month)])]);
}

/**
 * Binary COPY of rows into one table or partition; returns the bytes sent. With `freeze` (the default)
 * the target must have been created or truncated in the current transaction (COPY FREEZE's rule).
 */
export async function copyBinary(db: pg.ClientBase, target: string, columns: readonly string[], rows: CopyRows, freeze = true): Promise<number> {
  let bytes = 0;
  const count = new Transform({ transform(chunk: Buffer, _enc, done) { bytes += chunk.length; done(null, chunk); } });
  const cols = ['ts', ...columns].map((c) => (c === 'ts' ? c : ident(c))).join(', ');
  await pipeline(copyStream(rows), count, db.query(copyFrom(`COPY ${target} (${cols}) FROM STDIN (FORMAT binary${freeze ? ', FREEZE' : ''})`)));
  return bytes;
}

/** Replaces the month of every table of `tables` (all columns of the unit) with `data`, in one transaction. */
export async function loadPartition(pool: pg.Pool, tables: readonly FeatureTable[], data: PartitionData): Promise<LoadResult> {
  const t0 = performance.now();
  const db = await pool.connect();
  let bytes = 0;
  try {
    await ensureFeatureTables(db, tables, data.pair, data.month);
    await db.query('BEGIN');
    try {
      for (const t of tables) {
        const part = featurePartition(t.name, data.pair, data.month);
        const names = t.columns.map((c) => c.name);
        const columns = names.map((n) => {
          const c = data.columns.get(n);
          if (!c) throw new Error(`${data.unit} ${data.pair} ${data.month}: no column ${n} for ${t.name}`);
          return c;
        });
        await db.query(`TRUNCATE ${part}`);
        bytes += await copyBinary(db, part, names, { ts: data.ts, columns });
      }
      await db.query(
        `INSERT INTO bqx.feature_loads (unit, pair, month, data_version, rows) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (unit, pair, month) DO UPDATE SET data_version = EXCLUDED.data_version, rows = EXCLUDED.rows, loaded_at = now()`,
        [data.unit, data.pair, data.month, data.dataVersion, data.ts.length]);
      await db.query('COMMIT');
    } catch (e) {
      await db.query('ROLLBACK');
      throw e;
    }
  } finally {
    db.release();
  }
  return { rows: data.ts.length, bytes, ms: performance.now() - t0 };
}
