// The PostgreSQL store beyond the contract tests (which run on both stores): versions identical to the
// embedded store's, migrations from several connections at once, plain query() values, the pool's
// connection budget, and where the password comes from and never goes. Against the real server
// (127.0.0.1:5432), skipped visibly without one; the password sources against a minimal fake server
// that asks for a cleartext password and records what the client sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inspect } from 'node:util';
import pg from 'pg';
import { concatBars } from '../../src/core/types.ts';
import { DAY_MS, monthEnd, monthOf, monthStart } from '../../src/core/time.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { describeDatabase } from '../../src/store/postgres/connect.ts';
import { migratePostgres, PG_MIGRATIONS } from '../../src/store/postgres/migrations.ts';
import { beat, listWorkers } from '../../src/distributed/heartbeat.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import type { Store } from '../../src/store/types.ts';
import { createTestDatabase, NO_SERVER, testDatabase } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeBars, referenceVersion, selectBars, withPostgresStore } from './store-reference.ts';

const T0 = Date.UTC(2024, 0, 20);

/** The test database's URL, or null after marking the test skipped. */
async function server(t: { skip(msg: string): void }, fresh = false): Promise<string | null> {
  const url = fresh ? await createTestDatabase() : await testDatabase();
  if (url === null) t.skip(NO_SERVER);
  return url;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

test('bar versions, the month index and summaries are identical in both stores for the same loads', async (t) => {
  const url = await server(t);
  if (!url) return;
  const eu = concatBars([makeBars(T0, 20_000, 31, 0.05), makeBars(T0 + 45 * DAY_MS, 5_000, 32)]);
  const edit = selectBars(eu, (_, i) => i >= 10_000 && i < 10_050);
  edit.close[3] = -0;
  edit.volume[7] = NaN;
  const loads: [string, ReturnType<typeof makeBars>, string][] = [
    ['EURUSD', eu, 'a'], ['USDJPY', makeBars(T0 + 3 * DAY_MS, 8_000, 33, 0.2), 'b'], ['EURUSD', edit, 'c'],
  ];
  const duck = await openStore(':memory:');
  try {
    await withPostgresStore(url)(async (pgs) => {
      for (const [pair, bars, source] of loads) {
        assert.deepEqual(await pgs.upsertBars(pair, bars, source), await duck.upsertBars(pair, bars, source), `${pair} ${source}`);
      }
      const index = await pgs.monthIndex();
      assert.deepEqual(index, await duck.monthIndex());
      assert.deepEqual(await pgs.summary(), await duck.summary());
      // and both equal the reference definition on the merged series
      const merged = concatBars([selectBars(eu, (_, i) => i < 10_000), edit, selectBars(eu, (_, i) => i >= 10_050)]);
      for (const r of index.filter((x) => x.pair === 'EURUSD')) {
        assert.equal(r.version, referenceVersion(selectBars(merged, (ts) => ts >= monthStart(r.month) && ts < monthEnd(r.month))), r.month);
      }
      assert.deepEqual([...new Set(index.map((r) => r.month))].sort(), [...new Set([...Array.from(eu.ts, monthOf)])].sort());
    });
  } finally {
    await duck.close();
  }
});

test('three connections migrating a fresh database at once: each migration applied exactly once', async (t) => {
  const url = await server(t, true);
  if (!url) return;
  const clients = await Promise.all([0, 1, 2].map(async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    return c;
  }));
  try {
    const applied = await Promise.all(clients.map((c) => migratePostgres(c)));
    const all = PG_MIGRATIONS.map((m) => m.version);
    assert.deepEqual(applied.map((a) => a.join(',')).sort(), ['', '', all.join(',')], 'one connection applied them, the others waited and found none');
    const rows = (await clients[0]!.query('SELECT version FROM bqx.migrations ORDER BY version')).rows.map((r) => r.version);
    assert.deepEqual(rows, all);
    // stores opened at once on the migrated database work side by side
    const stores = await Promise.all([0, 1, 2].map(() => openPostgresStore({ url, pool: 1 })));
    await Promise.all(stores.map((s, i) => s.upsertBars(['EURUSD', 'GBPUSD', 'USDJPY'][i]!, makeBars(T0, 100, i), 'x')));
    assert.deepEqual((await stores[0]!.summary()).map((s) => s.pair), ['EURUSD', 'GBPUSD', 'USDJPY']);
    await Promise.all(stores.map((s) => s.close()));
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
});

test('migration 3 keeps the workers table a worker of an earlier bqx made, and its rows; heartbeats from workers starting at once', async (t) => {
  const url = await server(t, true);
  if (!url) return;
  await withClient(url, async (c) => {
    await migratePostgres(c, PG_MIGRATIONS.slice(0, 2));
    // what a worker made as it started, before the table was a migration
    await c.query(`CREATE TABLE bqx.workers (id text PRIMARY KEY, host text NOT NULL, pid integer NOT NULL, state text NOT NULL,
      partition text NOT NULL DEFAULT '', started_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL, done integer NOT NULL DEFAULT 0)`);
    const sql = async (text: string, values?: unknown[]) => (await c.query(text, values)).rows;
    await beat(sql, { id: 'old:1', host: 'old', pid: 1, state: 'stopped', partition: '', startedAt: T0, done: 7 });
    assert.deepEqual(await migratePostgres(c), [3]);
    assert.deepEqual((await listWorkers(sql)).map((w) => [w.id, w.done]), [['old:1', 7]]);
  });
  // Workers on a fresh database: each opens the store (which migrates) and beats at once. Before the
  // table was a migration, all but one of them died in the race to create it.
  const fresh = await server(t, true);
  if (!fresh) return;
  const stores = await Promise.all([0, 1, 2, 3].map(() => openPostgresStore({ url: fresh, pool: 1 })));
  try {
    await Promise.all(stores.map((_, i) => withClient(fresh, (c) =>
      beat(async (text, values) => (await c.query(text, values)).rows, { id: `w:${i}`, host: 'w', pid: i, state: 'running', partition: '', startedAt: T0, done: 0 }))));
    assert.deepEqual((await listWorkers((text) => stores[0]!.query(text))).map((w) => w.id).sort(), ['w:0', 'w:1', 'w:2', 'w:3']);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

test('a failing migration leaves the database at its previous version; a newer database and a misnumbered list are refused', async (t) => {
  const url = await server(t, true);
  if (!url) return;
  await withClient(url, async (c) => {
    const bad = { version: PG_MIGRATIONS.length + 1, name: 'bad', sql: 'CREATE TABLE bqx.half_done (a integer); SELECT no_such_column FROM bqx.half_done' };
    await assert.rejects(migratePostgres(c, [...PG_MIGRATIONS, bad]), new RegExp(`schema migration ${PG_MIGRATIONS.length + 1} \\(bad\\) failed: column "no_such_column" does not exist`));
    // the whole transaction rolled back: not even the schema is there
    assert.equal((await c.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'bqx'`)).rows[0].n, 0);
    assert.deepEqual(await migratePostgres(c, PG_MIGRATIONS.slice(0, 1)), [1]);
    assert.deepEqual(await migratePostgres(c), PG_MIGRATIONS.slice(1).map((m) => m.version), 'only the missing ones');
    await c.query(`INSERT INTO bqx.migrations (version, name) VALUES (${PG_MIGRATIONS.length + 1}, 'from the future')`);
    await assert.rejects(migratePostgres(c), /newer than this bqx knows/);
    await assert.rejects(migratePostgres(c, [PG_MIGRATIONS[1]!]), /migration 1 is numbered 2/);
  });
});

test('query: PostgreSQL values as plain values (integers exact or as strings, times as epoch ms), schema bqx on the path', async (t) => {
  const url = await server(t);
  if (!url) return;
  await withPostgresStore(url)(async (s: Store) => {
    const [row] = await s.query(`SELECT 42::int8 AS i, 9007199254740993::int8 AS big, 7::int4 AS small, 3.25::numeric(10, 2) AS dec,
      123456789012345678901234567890::numeric AS huge, 1.5::float8 AS d, 'NaN'::float8 AS nan, '-0'::float8 AS negzero, 'x' AS str,
      NULL AS nothing, true AS flag, timestamptz '2024-07-01 12:00:00.25+02' AS tz, timestamp '2024-07-01 12:00:00.000123' AS t,
      date '2024-07-02' AS day, '{"a": [1, 2.5]}'::jsonb AS j, timestamp '0044-03-15 12:00:00 BC' AS ides,
      timestamptz '10000-01-01 00:00:00+00' AS far, 'infinity'::timestamptz AS inf`);
    assert.deepEqual(row, {
      i: 42, big: '9007199254740993', small: 7, dec: 3.25, huge: '123456789012345678901234567890', d: 1.5, nan: NaN, negzero: -0,
      str: 'x', nothing: null, flag: true, tz: Date.UTC(2024, 6, 1, 10, 0, 0, 250), t: Date.UTC(2024, 6, 1, 12) + 0.123,
      day: Date.UTC(2024, 6, 2), j: { a: [1, 2.5] }, ides: Date.UTC(-43, 2, 15, 12), far: Date.UTC(10000, 0, 1), inf: NaN,
    });
    await s.putRun({ id: 'r', startedAt: Date.UTC(2024, 0, 1), finishedAt: null, status: 'done', command: 'x', summary: {} });
    assert.deepEqual(await s.query('SELECT id, started_at FROM runs'), [{ id: 'r', started_at: Date.UTC(2024, 0, 1) }]);
    assert.deepEqual(await s.query(`SELECT count(*) AS n FROM bars WHERE pair = 'EURUSD'`), [{ n: 0 }]);
    await assert.rejects(s.query('SELECT * FROM no_such_table'), (e: Error & { code?: string }) => {
      assert.equal(e.message, `PostgreSQL ${s.location}: relation "no_such_table" does not exist`);
      assert.equal(e.code, '42P01', 'the SQLSTATE is kept');
      return true;
    });
    // a failed call leaves the store usable
    assert.deepEqual(await s.query('SELECT 1 AS one'), [{ one: 1 }]);
  });
});

test('the pool opens at most --db-pool connections, however many calls are in flight', async (t) => {
  const url = await server(t);
  if (!url) return;
  const db = new URL(url).pathname.slice(1);
  const s = await openPostgresStore({ url, pool: 2 });
  try {
    await s.upsertBars('EURUSD', makeBars(T0, 20_000, 41), 'x');
    await Promise.all(Array.from({ length: 12 }, (_, i) => s.readBars('EURUSD', T0 + i * 1000 * 60_000, Infinity)));
    const n = await withClient(url, async (c) => (await c.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'bqx'`, [db])).rows[0].n as number);
    assert.equal(n, 2, 'the pool keeps its 2 connections open and opened no more');
  } finally {
    await s.close();
  }
  await assert.rejects(openPostgresStore({ url, pool: 0 }), /at least 1 connection/);
});

test('errors name the host and database, never the password', async (t) => {
  const url = await server(t);
  if (!url) return;
  const u = new URL(url);
  u.password = 'pw-secret-1';
  u.pathname = '/bqx_no_such_database';
  const e1 = await openPostgresStore({ url: u.toString() }).then(() => null, (e: unknown) => e);
  assert.match(String(e1), /PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:5432\/bqx_no_such_database: database "bqx_no_such_database" does not exist/);
  const e2 = await openPostgresStore({ url: 'postgres://bqx:pw-secret-2@127.0.0.1:9/bqx' }).then(() => null, (e: unknown) => e);
  assert.match(String(e2), /PostgreSQL postgres:\/\/bqx@127\.0\.0\.1:9\/bqx: .*ECONNREFUSED/);
  for (const e of [e1, e2]) assert.ok(!inspect(e, { depth: 10 }).includes('pw-secret'), `the password leaked: ${inspect(e)}`);
  const ok = new URL(url);
  ok.password = 'pw-secret-3'; // trust auth: accepted and ignored
  const s = await openPostgresStore({ url: ok.toString() });
  try {
    assert.equal(s.location, `postgres://postgres@127.0.0.1:5432${ok.pathname}`);
    assert.ok(!inspect(s, { depth: 10 }).includes('pw-secret'), 'the store object holds the password in view');
  } finally {
    await s.close();
  }
});

test('URL forms: the database as shown has no password; missing parts from PGUSER/PGHOST/PGPORT/PGDATABASE', () => {
  const env = { PGUSER: 'envuser', PGHOST: 'envhost', PGPORT: '6543', PGDATABASE: 'envdb' };
  assert.equal(describeDatabase('postgres://bqx:p%40ss%3Aw0rd@db.example:5433/bqx?sslmode=verify-full', {}), 'postgres://bqx@db.example:5433/bqx');
  assert.equal(describeDatabase('postgresql://u:x@[::1]/d', {}), 'postgres://u@[::1]:5432/d');
  assert.equal(describeDatabase('postgres:///', env), 'postgres://envuser@envhost:6543/envdb');
  assert.equal(describeDatabase('postgres://a%20b@h/my%20db', {}), 'postgres://a%20b@h:5432/my%20db');
  for (const bad of ['mysql://u:topsecret@h/d', 'topsecret', 'postgres://u:topsecret@h:99999/d']) {
    assert.throws(() => describeDatabase(bad, {}), (e: Error) => /needs a URL postgres:\/\//.test(e.message) && !e.message.includes('topsecret'), bad);
  }
  assert.throws(() => describeDatabase('postgres://u:topsecret@h/d?sslmode=maybe', {}), (e: Error) => /unknown sslmode "maybe"/.test(e.message) && !e.message.includes('topsecret'));
});

/**
 * A server that asks every client for a cleartext password (PostgreSQL protocol: AuthenticationCleartextPassword),
 * records the password message, and refuses the login. Returns its port and the passwords received.
 */
async function passwordCatcher(): Promise<{ port: number; got: string[]; close: () => void }> {
  const got: string[] = [];
  const srv = createServer((sock) => {
    let buf = Buffer.alloc(0);
    let started = false;
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (!started && buf.length >= 4 && buf.length >= buf.readInt32BE(0)) {
        buf = buf.subarray(buf.readInt32BE(0));
        started = true;
        sock.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // 'R', length 8, cleartext password
      }
      if (started && buf.length >= 5 && buf[0] === 0x70 && buf.length >= 1 + buf.readInt32BE(1)) { // 'p'
        got.push(buf.subarray(5, buf.readInt32BE(1)).toString('utf8'));
        const fields = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0', 'utf8');
        const head = Buffer.alloc(5);
        head[0] = 0x45; // 'E'
        head.writeInt32BE(4 + fields.length, 1);
        sock.end(Buffer.concat([head, fields]));
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { port: (srv.address() as AddressInfo).port, got, close: () => srv.close() };
}

test('the password comes from the URL, else PGPASSWORD, else the password file (libpq rules), and is never shown', async () => {
  const catcher = await passwordCatcher();
  const dir = tempDir('bqx-pgpass-');
  const file = join(dir, 'pgpass');
  const p = catcher.port;
  writeFileSync(file, [`# comment`, `otherhost:*:*:*:wrong-host`, `127.0.0.1:${p}:db:other:wrong-user`, `127.0.0.1:${p}:db:u:from-file`,
    `*:*:db2:*:a\\:b\\\\c`, `*:*:*:*:catch-all`].join('\n'));
  chmodSync(file, 0o600);
  const tryOpen = async (url: string, env: NodeJS.ProcessEnv) => {
    const e = await openPostgresStore({ url, env }).then(() => null, (x: unknown) => x as Error);
    assert.ok(e, 'the fake server refuses every login');
    assert.match(e.message, new RegExp(`^PostgreSQL postgres://u@127\\.0\\.0\\.1:${p}/db2?: password authentication failed$`));
    return e;
  };
  try {
    const e = await tryOpen(`postgres://u:from-url@127.0.0.1:${p}/db`, { PGPASSWORD: 'from-env', PGPASSFILE: file });
    assert.ok(!inspect(e, { depth: 10 }).includes('from-url'));
    await tryOpen(`postgres://u@127.0.0.1:${p}/db`, { PGPASSWORD: 'from-env', PGPASSFILE: file });
    await tryOpen(`postgres://u@127.0.0.1:${p}/db`, { PGPASSFILE: file });
    await tryOpen(`postgres://u@127.0.0.1:${p}/db2`, { PGPASSFILE: file });
    chmodSync(file, 0o644); // readable by others: ignored, as libpq does
    await tryOpen(`postgres://u@127.0.0.1:${p}/db`, { PGPASSFILE: file });
    assert.deepEqual(catcher.got, ['from-url', 'from-env', 'from-file', 'a:b\\c', '']);
  } finally {
    catcher.close();
  }
});
