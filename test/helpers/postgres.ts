// A fresh PostgreSQL database for one test file, on the server of these machines (127.0.0.1:5432,
// trust auth, user postgres; BQX_TEST_PG_ADMIN overrides the admin URL): created on first use as
// bqx_test_<random>, dropped when the file finishes. null when no server answers, so that tests skip
// visibly.
import { after } from 'node:test';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const ADMIN = process.env.BQX_TEST_PG_ADMIN ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const NO_SERVER = `no PostgreSQL server at ${ADMIN.replace(/\/\/[^@]*@/, '//')}`;

/** Databases this file created, dropped when it finishes (the hook belongs to the file, not to the test that created them). */
const created: string[] = [];
after(async () => {
  if (created.length === 0) return;
  await admin(async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN, connectionTimeoutMillis: 3_000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates a new empty database and returns its URL, or null when the server is unreachable. Dropped after the file. */
export async function createTestDatabase(): Promise<string | null> {
  const name = `bqx_test_${randomBytes(6).toString('hex')}`;
  try {
    // (commits need not wait for the disk here: nothing tests durability across a server crash)
    await admin(async (c) => {
      await c.query(`CREATE DATABASE ${name}`);
      await c.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
    });
  } catch (e) {
    if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|timeout/i.test(String((e as Error).message ?? e))) return null;
    throw e;
  }
  created.push(name);
  const u = new URL(ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

let shared: Promise<string | null> | null = null;

/** One database shared by the tests of a file (created on first call). */
export function testDatabase(): Promise<string | null> {
  shared ??= createTestDatabase();
  return shared;
}

/** Empties every table of schema bqx of `url` but its migrations (DELETE: cheaper than TRUNCATE for near-empty tables). */
export async function resetDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'bqx' AND tablename <> 'migrations'`);
    if (rows.length > 0) await c.query(rows.map((r) => `DELETE FROM bqx.${r.tablename as string}`).join('; '));
  } finally {
    await c.end();
  }
}
