// Numbered, embedded schema migrations of the DuckDB store. Each one runs exactly once, in order, in
// its own transaction together with its row in schema_migrations. Never edit a released migration:
// add a new one with the next number.
import type { DuckDBConnection } from '@duckdb/node-api';
import { PAIR_NAMES } from '../core/currencies.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

// The pair enum is spelled from the fixed list of the 28 majors (a constant of the domain, so this
// migration's text never changes); its order is the canonical pair order, which ORDER BY pair follows.
const PAIR_ENUM = PAIR_NAMES.map((p) => `'${p}'`).join(', ');

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'bars, bar versions and bar sources',
    // No primary key on bars: DuckDB's ART index for (pair, ts) over the 10.3 M bars of 2017 made the
    // load 7× slower (27 s vs 4 s), the file 7× bigger (640 MB vs 90 MB) and doubled the memory, so
    // (pair, ts) uniqueness is kept by upsertBars, the only writer (it inserts only timestamps not
    // stored yet, and updates the others in place). Range reads use the zone maps on (pair, ts).
    sql: `
      CREATE TYPE pair_name AS ENUM (${PAIR_ENUM});
      CREATE TABLE bars (
        pair pair_name NOT NULL, ts TIMESTAMP NOT NULL,
        open DOUBLE NOT NULL, high DOUBLE NOT NULL, low DOUBLE NOT NULL, close DOUBLE NOT NULL,
        volume DOUBLE NOT NULL);
      CREATE TABLE bar_versions (
        pair pair_name NOT NULL, month VARCHAR NOT NULL, version VARCHAR NOT NULL, bars BIGINT NOT NULL,
        PRIMARY KEY (pair, month));
      CREATE TABLE bar_sources (pair pair_name NOT NULL, source VARCHAR NOT NULL, PRIMARY KEY (pair, source));`,
  },
  {
    version: 2,
    name: 'manifests and runs',
    sql: `
      CREATE TABLE manifests (
        stage VARCHAR NOT NULL, pair VARCHAR NOT NULL, month VARCHAR NOT NULL,
        status VARCHAR NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
        code_version VARCHAR NOT NULL, input_versions JSON NOT NULL, data_version VARCHAR NOT NULL,
        row_count BIGINT NOT NULL, byte_count BIGINT NOT NULL, checksum VARCHAR NOT NULL, path VARCHAR NOT NULL,
        started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL, attempts INTEGER NOT NULL,
        worker VARCHAR NOT NULL, error VARCHAR NOT NULL, extra JSON NOT NULL,
        PRIMARY KEY (stage, pair, month));
      CREATE TABLE runs (
        id VARCHAR PRIMARY KEY, started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP,
        status VARCHAR NOT NULL CHECK (status IN ('running', 'done', 'failed', 'interrupted')),
        command VARCHAR NOT NULL, summary JSON NOT NULL);`,
  },
  {
    version: 3,
    name: 'per-month bar facts (first, last, gaps) for summaries without scanning the bars',
    // Backfills the months already loaded, with the gap rules of PairSummary (within each month).
    sql: `
      ALTER TABLE bar_versions ADD COLUMN first_ts TIMESTAMP;
      ALTER TABLE bar_versions ADD COLUMN last_ts TIMESTAMP;
      ALTER TABLE bar_versions ADD COLUMN missing_minutes BIGINT;
      ALTER TABLE bar_versions ADD COLUMN weekend_gaps BIGINT;
      UPDATE bar_versions SET first_ts = s.first_ts, last_ts = s.last_ts, missing_minutes = s.missing, weekend_gaps = s.weekend
      FROM (
        SELECT pair, month, min(ts) AS first_ts, max(ts) AS last_ts,
          coalesce(sum(gap // 60000 - 1) FILTER (WHERE gap >= 120000 AND gap < 86400000), 0) AS missing,
          count(*) FILTER (WHERE gap >= 86400000) AS weekend
        FROM (
          SELECT pair, strftime(ts, '%Y-%m') AS month, ts,
            epoch_ms(ts) - epoch_ms(lag(ts) OVER (PARTITION BY pair, strftime(ts, '%Y-%m') ORDER BY ts)) AS gap
          FROM bars)
        GROUP BY pair, month) s
      WHERE bar_versions.pair = s.pair AND bar_versions.month = s.month;`,
  },
  {
    version: 4,
    name: 'run records per stage, and saved plans',
    // One row per (run, stage unit): what was computed and what it cost in wall time and core time.
    // compute_ms and write_ms are summed over the worker threads (core-milliseconds); pair_months counts
    // the pairs of every computed partition (a month fan-in partition counts each pair it writes).
    sql: `
      CREATE TABLE run_stages (
        run_id VARCHAR NOT NULL, stage VARCHAR NOT NULL, partitions BIGINT NOT NULL, computed BIGINT NOT NULL,
        skipped BIGINT NOT NULL, failed BIGINT NOT NULL, pending BIGINT NOT NULL, pair_months BIGINT NOT NULL,
        row_count BIGINT NOT NULL, byte_count BIGINT NOT NULL, workers INTEGER NOT NULL,
        wall_ms DOUBLE NOT NULL, compute_ms DOUBLE NOT NULL, write_ms DOUBLE NOT NULL,
        started_at TIMESTAMP NOT NULL, finished_at TIMESTAMP NOT NULL,
        PRIMARY KEY (run_id, stage));
      CREATE TABLE plans (id VARCHAR PRIMARY KEY, created_at TIMESTAMP NOT NULL, plan JSON NOT NULL);`,
  },
];

/** The schema version a database at the end of `migrations` has. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/**
 * Brings the database to the last of `migrations` and returns the versions it applied (none when it
 * was already there). Refuses a database migrated by a newer bqx.
 */
export async function migrate(conn: DuckDBConnection, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} is numbered ${m.version} (expected 1, 2, 3 … in order)`);
  });
  await conn.run(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`);
  const rows = (await conn.runAndReadAll('SELECT coalesce(max(version), 0) AS v FROM schema_migrations')).getRows();
  const current = Number(rows[0]![0]);
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new Error(`the database is at schema version ${current}, newer than this bqx knows (${latest}); upgrade bqx`);
  }
  const applied: number[] = [];
  for (const m of migrations.slice(current)) {
    await conn.run('BEGIN TRANSACTION');
    try {
      await conn.run(m.sql);
      await conn.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      await conn.run('COMMIT');
    } catch (e) {
      await conn.run('ROLLBACK');
      throw new Error(`schema migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
    }
    applied.push(m.version);
  }
  return applied;
}
