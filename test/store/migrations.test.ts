import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { latestVersion, migrate, MIGRATIONS, type Migration } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { concatBars } from '../../src/core/types.ts';
import { monthOf } from '../../src/core/time.ts';
import { makeBars, referenceGaps } from './store-reference.ts';

async function withConnection(fn: (conn: DuckDBConnection) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const conn = await instance.connect();
  try {
    await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function versions(conn: DuckDBConnection): Promise<number[]> {
  return (await conn.runAndReadAll('SELECT version FROM schema_migrations ORDER BY version')).getRows().map((r) => Number(r[0]));
}

async function tables(conn: DuckDBConnection): Promise<string[]> {
  const r = await conn.runAndReadAll("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1");
  return r.getRows().map((row) => String(row[0]));
}

const ALL_TABLES = ['bar_sources', 'bar_versions', 'bars', 'manifests', 'plans', 'run_stages', 'runs', 'schema_migrations'];

test('a fresh database is migrated to the latest version, and migrating again applies nothing', async () => {
  await withConnection(async (conn) => {
    const all = MIGRATIONS.map((m) => m.version);
    assert.deepEqual(all, Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1));
    assert.deepEqual(await migrate(conn), all);
    assert.deepEqual(await versions(conn), all);
    assert.deepEqual(await tables(conn), ALL_TABLES);
    assert.deepEqual(await migrate(conn), []);
    assert.deepEqual(await versions(conn), all);
  });
});

test('an already partly migrated database applies only the missing migrations, in order', async () => {
  await withConnection(async (conn) => {
    assert.deepEqual(await migrate(conn, MIGRATIONS.slice(0, 1)), [1]);
    assert.deepEqual(await tables(conn), ['bar_sources', 'bar_versions', 'bars', 'schema_migrations']);
    assert.deepEqual(await migrate(conn), MIGRATIONS.slice(1).map((m) => m.version));
    assert.deepEqual(await versions(conn), MIGRATIONS.map((m) => m.version));
    assert.deepEqual(await tables(conn), ALL_TABLES);
  });
});

test('migration 3 backfills the per-month facts of bars loaded before it', async () => {
  await withConnection(async (conn) => {
    await migrate(conn, MIGRATIONS.slice(0, 2));
    const b = concatBars([makeBars(Date.UTC(2024, 0, 30, 20), 3000, 1, 0.2), makeBars(Date.UTC(2024, 1, 9), 500, 2)]);
    const months = [...new Set(Array.from(b.ts, monthOf))];
    const values = Array.from(b.ts, (t, i) => `('EURUSD', make_timestamp(${t * 1000}), ${b.open[i]}, ${b.high[i]}, ${b.low[i]}, ${b.close[i]}, ${b.volume[i]})`);
    await conn.run(`INSERT INTO bars VALUES ${values.join(', ')}`);
    await conn.run(`INSERT INTO bar_versions VALUES ${months.map((m) => `('EURUSD', '${m}', 'v-${m}', 0)`).join(', ')}`);
    assert.deepEqual(await migrate(conn, MIGRATIONS.slice(0, 3)), [3]);
    const rows = (await conn.runAndReadAll(`SELECT month, version, epoch_ms(first_ts), epoch_ms(last_ts), missing_minutes, weekend_gaps
      FROM bar_versions ORDER BY month`)).getRows().map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    assert.deepEqual(rows, months.map((m) => {
      const ts = Array.from(b.ts).filter((t) => monthOf(t) === m);
      const g = referenceGaps(ts);
      return [m, `v-${m}`, ts[0], ts[ts.length - 1], g.missingMinutes, g.weekendGaps];
    }));
  });
});

test('a failing migration leaves nothing behind and the database at the previous version', async () => {
  const bad: Migration = { version: MIGRATIONS.length + 1, name: 'bad', sql: 'CREATE TABLE half_done (a INTEGER); SELECT no_such_column FROM half_done' };
  await withConnection(async (conn) => {
    await assert.rejects(migrate(conn, [...MIGRATIONS, bad]), /schema migration \d+ \(bad\) failed/);
    assert.deepEqual(await versions(conn), MIGRATIONS.map((m) => m.version));
    assert.ok(!(await tables(conn)).includes('half_done'));
  });
});

test('refuses a database from a newer bqx and a misnumbered migration list', async () => {
  await withConnection(async (conn) => {
    await migrate(conn);
    await conn.run(`INSERT INTO schema_migrations (version, name) VALUES (${latestVersion() + 1}, 'from the future')`);
    await assert.rejects(migrate(conn), /newer than this bqx knows/);
  });
  await withConnection(async (conn) => {
    await assert.rejects(migrate(conn, [MIGRATIONS[1]!]), /migration 1 is numbered 2/);
  });
});

test('openStore on an existing file keeps its schema and applies no migration twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bqx-store-'));
  try {
    const path = join(dir, 'nested', 'bqx.duckdb'); // parent directories are created
    const seen: unknown[] = [];
    for (let i = 0; i < 2; i++) {
      const store = await openStore(path);
      const rows = await store.query('SELECT version, applied_at FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
      seen.push(rows);
      await store.close();
    }
    assert.deepEqual(seen[1], seen[0], 'the second open re-applied nothing (same applied_at)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
