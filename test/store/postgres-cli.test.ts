// The command line on the PostgreSQL store (--db URL, BQX_DATABASE_URL): ingest + status and a tiny
// run, each compared with the same commands on the embedded store; the URL's password never appears
// in any output or record. Against the real server (127.0.0.1:5432), skipped visibly without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseCommand } from '../../src/cli/args.ts';
import { generateInto } from '../../src/job/generate.ts';
import { status } from '../../src/cli/commands/status.ts';
import { configFrom } from '../../src/cli/context.ts';
import { DEFAULTS } from '../../src/core/config.ts';
import { parseInstant } from '../../src/core/time.ts';
import { ingestPaths } from '../../src/io/ingest/ingest.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import { bqx } from '../helpers/cli.ts';
import { createTestDatabase, NO_SERVER } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/tmp.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/ingest/', import.meta.url));
const SECRET = 'pw-cli-s3cret';

/** A fresh test database's URL with a password (trust auth accepts and ignores it), or null after skipping. */
async function dbUrl(t: { skip(msg: string): void }): Promise<string | null> {
  const url = await createTestDatabase();
  if (url === null) {
    t.skip(NO_SERVER);
    return null;
  }
  const u = new URL(url);
  u.password = SECRET;
  return u.toString();
}

function ok(r: { status: number | null; stdout: string; stderr: string }, what: string): string {
  assert.equal(r.status, 0, `${what}: ${r.stderr}`);
  assert.ok(!(r.stdout + r.stderr).includes(SECRET), `${what}: the password was printed`);
  return r.stdout;
}

test('--db, --db-pool and their settings resolve as configuration layers (flag over environment over default)', () => {
  const cfg = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      return configFrom(parseCommand(status, argv));
    } finally {
      for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    }
  };
  assert.deepEqual([cfg([]).databaseUrl, cfg([]).dbPool], [process.env.BQX_DATABASE_URL ?? '', Number(process.env.BQX_DB_POOL ?? 4)]);
  assert.deepEqual([cfg(['--db', 'postgres://a@h/x', '--db-pool', '2'], { BQX_DATABASE_URL: 'postgres://b@h/y', BQX_DB_POOL: '7' })].map((c) => [c.databaseUrl, c.dbPool]),
    [['postgres://a@h/x', 2]]);
  assert.deepEqual([cfg([], { BQX_DATABASE_URL: 'postgres://b@h/y', BQX_DB_POOL: '7' })].map((c) => [c.databaseUrl, c.dbPool]), [['postgres://b@h/y', 7]]);
  assert.throws(() => cfg(['--db-pool', '0']), /--db-pool: expected an integer ≥ 1, got "0"/);
  assert.throws(() => cfg([], { BQX_DB_POOL: '0' }), /dbPool must be at least 1/);
});

test('bqx ingest (BQX_DATABASE_URL) then status --db show what the embedded store holds after the same ingest', async (t) => {
  const url = await dbUrl(t);
  if (!url) return;
  const files = ['gbpusd-m1-bid-iso.csv', 'USDJPY_epoch.parquet'].map((f) => join(FIXTURES, f));
  const dir = tempDir('bqx-pgcli-');
  ok(bqx(['ingest', '--data-dir', dir, ...files], { env: { BQX_DATABASE_URL: url } }), 'ingest with BQX_DATABASE_URL');
  const status = JSON.parse(ok(bqx(['status', '--db', url, '--data-dir', dir, '--json']), 'status --db')) as { pairs: unknown[] };
  assert.ok(!existsSync(join(dir, 'bqx.duckdb')), 'no embedded store was created');
  const ref = await openStore(':memory:');
  try {
    await ingestPaths(ref, files, { format: 'auto', onError: 'fail', rejectsDir: join(dir, 'rejects') });
    const want = await ref.summary();
    assert.deepEqual(want.map((p) => p.pair), ['GBPUSD', 'USDJPY'], 'both fixtures loaded');
    assert.deepEqual(status.pairs, want);
  } finally {
    await ref.close();
  }
});

test('bqx run --db on a tiny synthetic market records the manifests a run on the embedded store records; the run record names the database without its password', async (t) => {
  const url = await dbUrl(t);
  if (!url) return;
  const pgDir = tempDir('bqx-pgrun-');
  const embedded = tempDir('bqx-pgrun-ref-');
  const market = { pairs: ['EURUSD'], from: Date.UTC(2024, 6, 29), months: 1, seed: 3 };
  const pgStore = await openPostgresStore({ url });
  await generateInto(pgStore, market).finally(() => pgStore.close());
  const ref = await openStore(join(embedded, 'bqx.duckdb'));
  let want: Record<string, unknown>[];
  try {
    await generateInto(ref, market);
    await runPipeline(ref, { dataDir: embedded, stages: ['base'], maxWorkers: 1, retries: 0, force: false, baselineTs: parseInstant(DEFAULTS.baseline) });
    want = (await ref.getManifests()).map((m) => ({ stage: m.stage, pair: m.pair, month: m.month, status: m.status,
      row_count: String(m.rows), checksum: m.checksum, data_version: m.dataVersion }));
  } finally {
    await ref.close();
  }
  assert.ok(want.length > 0 && want.every((m) => m.status === 'done'));

  // (one pooled connection: calls wait their turn for it)
  const r = JSON.parse(ok(bqx(['run', '--stages', 'base', '--max-workers', '1', '--quiet', '--db', url, '--db-pool', '1', '--data-dir', pgDir, '--json']),
    'run --db')) as { runId: string; status: string; validation: { passed: boolean }; tables: { load: { loaded: number }; sqlPassed: boolean } };
  assert.equal(r.status, 'done');
  // validated, then the feature tables loaded (one per computed partition) and checked by the generated SQL
  assert.equal(r.validation.passed, true);
  assert.deepEqual([r.tables.load.loaded, r.tables.sqlPassed], [want.length, true]);
  assert.ok(existsSync(join(pgDir, 'lake')) && !existsSync(join(pgDir, 'bqx.duckdb')), 'the lake stays local, the store is PostgreSQL');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const manifests = (await c.query('SELECT stage, pair, month, status, row_count, checksum, data_version FROM bqx.manifests ORDER BY stage, pair, month')).rows;
    // int8 comes back as a string from a plain pg client
    assert.deepEqual(manifests, want, 'same partitions, row counts, checksums of the Parquet outputs and data versions');
    const loaded = (await c.query('SELECT count(*)::int AS n FROM bqx.bqx_eurusd')).rows[0].n;
    assert.equal(loaded, want.reduce((n, m) => n + Number(m.row_count), 0), 'the bqx feature table holds every computed row');
    const [rec] = (await c.query('SELECT id, command, summary FROM bqx.runs WHERE id = $1', [r.runId])).rows;
    assert.equal(rec.command, 'run');
    assert.equal(rec.summary.store, `postgres://postgres@127.0.0.1:5432${new URL(url).pathname}`);
    const records = JSON.stringify((await c.query('SELECT * FROM bqx.runs')).rows) + JSON.stringify((await c.query('SELECT * FROM bqx.manifests')).rows) +
      JSON.stringify((await c.query('SELECT * FROM bqx.run_stages')).rows);
    assert.ok(!records.includes(SECRET), 'the password is in a record');
  } finally {
    await c.end();
  }
});
