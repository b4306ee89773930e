// Numbered schema migrations of the PostgreSQL store, in schema `bqx`. Every process that opens the
// store calls migrate(): the pending migrations run in one transaction under an advisory lock, so that
// several workers starting at once apply each migration exactly once (the others wait, then find
// nothing to do). Never edit a released migration: add one with the next number. SQL that Aurora
// PostgreSQL 15 accepts: no extensions.
import type pg from 'pg';
import { PAIR_NAMES } from '../../core/currencies.ts';
import type { Migration } from '../migrations.ts';

/** The advisory lock key of migrations ('bqx' and 1 in its bytes): held only inside the migrating transaction. */
const MIGRATION_LOCK = 0x627178_0001;

/** The bar table of a pair: bqx.m1_{pair}, spelled from the fixed list (the seed's naming). */
export const barTable = (pair: string) => `bqx.m1_${pair.toLowerCase()}`;

const PAIR_ENUM = PAIR_NAMES.map((p) => `'${p}'`).join(', ');

// ts is timestamptz (not bigint epoch ms): the seed's tables and the monthly range partitions of the
// feature tables key on it, SQL over it reads as dates, and its binary form (int64 µs) carries whole
// minutes exactly, so COPY costs the same as for a bigint.
const BAR_TABLES = PAIR_NAMES.map((p) => `CREATE TABLE ${barTable(p)} (
        ts timestamptz PRIMARY KEY, open double precision NOT NULL, high double precision NOT NULL,
        low double precision NOT NULL, close double precision NOT NULL, volume double precision NOT NULL);`).join('\n      ');

const BARS_VIEW = PAIR_NAMES.map((p) => `SELECT '${p}'::bqx.pair_name AS pair, ts, open, high, low, close, volume FROM ${barTable(p)}`)
  .join('\n        UNION ALL ');

// Text keys compare bytewise (COLLATE "C"), so that listings come out in the same order as from the
// embedded store whatever the database's locale.
export const PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bars per pair, per-month bar facts, bar sources',
    sql: `
      CREATE TYPE bqx.pair_name AS ENUM (${PAIR_ENUM});
      ${BAR_TABLES}
      CREATE VIEW bqx.bars AS
        ${BARS_VIEW};
      CREATE TABLE bqx.bar_versions (
        pair bqx.pair_name NOT NULL, month text COLLATE "C" NOT NULL, version text NOT NULL, bars bigint NOT NULL,
        first_ts timestamptz NOT NULL, last_ts timestamptz NOT NULL, missing_minutes bigint NOT NULL, weekend_gaps bigint NOT NULL,
        PRIMARY KEY (pair, month));
      CREATE TABLE bqx.bar_sources (pair bqx.pair_name NOT NULL, source text COLLATE "C" NOT NULL, PRIMARY KEY (pair, source));`,
  },
  {
    version: 2,
    name: 'manifests, runs, stage records and plans',
    sql: `
      CREATE TABLE bqx.manifests (
        stage text COLLATE "C" NOT NULL, pair text COLLATE "C" NOT NULL, month text COLLATE "C" NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
        code_version text NOT NULL, input_versions jsonb NOT NULL, data_version text NOT NULL,
        row_count bigint NOT NULL, byte_count bigint NOT NULL, checksum text NOT NULL, path text NOT NULL,
        started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL, attempts integer NOT NULL,
        worker text NOT NULL, error text NOT NULL, extra jsonb NOT NULL,
        PRIMARY KEY (stage, pair, month));
      CREATE TABLE bqx.runs (
        id text COLLATE "C" PRIMARY KEY, started_at timestamptz NOT NULL, finished_at timestamptz,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
        command text NOT NULL, summary jsonb NOT NULL);
      CREATE TABLE bqx.run_stages (
        run_id text COLLATE "C" NOT NULL, stage text COLLATE "C" NOT NULL, partitions bigint NOT NULL, computed bigint NOT NULL,
        skipped bigint NOT NULL, failed bigint NOT NULL, pending bigint NOT NULL, pair_months bigint NOT NULL,
        row_count bigint NOT NULL, byte_count bigint NOT NULL, workers integer NOT NULL,
        wall_ms double precision NOT NULL, compute_ms double precision NOT NULL, write_ms double precision NOT NULL,
        started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL,
        PRIMARY KEY (run_id, stage));
      CREATE TABLE bqx.plans (id text COLLATE "C" PRIMARY KEY, created_at timestamptz NOT NULL, plan jsonb NOT NULL);`,
  },
  {
    version: 3,
    // Each worker used to create this table as it started: workers starting together on a fresh database
    // raced in CREATE TABLE IF NOT EXISTS (a unique violation in pg_type), and the losers died. IF NOT
    // EXISTS here keeps the table those workers made.
    name: 'worker heartbeats',
    sql: `
      CREATE TABLE IF NOT EXISTS bqx.workers (
        id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, state text NOT NULL, partition text NOT NULL DEFAULT '',
        started_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL, done integer NOT NULL DEFAULT 0);`,
  },
];

/**
 * Brings schema bqx to the last of `migrations` in one transaction under MIGRATION_LOCK and returns
 * the versions applied (none when it was there). Refuses a database migrated by a newer bqx; a failing
 * migration leaves the database as it was.
 */
export async function migratePostgres(client: pg.ClientBase, migrations: readonly Migration[] = PG_MIGRATIONS): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} is numbered ${m.version} (expected 1, 2, 3 … in order)`);
  });
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS bqx;
      CREATE TABLE IF NOT EXISTS bqx.migrations (
        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const current = Number((await client.query('SELECT coalesce(max(version), 0) AS v FROM bqx.migrations')).rows[0].v);
    const latest = migrations.length;
    if (current > latest) throw new Error(`the database is at schema version ${current}, newer than this bqx knows (${latest}); upgrade bqx`);
    const applied: number[] = [];
    for (const m of migrations.slice(current)) {
      try {
        await client.query(m.sql);
      } catch (e) {
        throw new Error(`schema migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
      }
      await client.query('INSERT INTO bqx.migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
}
