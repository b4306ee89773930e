// A fresh PostgreSQL database per test file on the local server (127.0.0.1:5432, trust auth, user
// postgres), dropped when the file finishes; null when no server answers (the tests then skip visibly).
import { after } from 'node:test';
import pg from 'pg';

// A generous connect timeout: the machine may be loaded (a refused connection still fails at once).
const ADMIN = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 30_000 };

export interface TestDb { readonly pool: pg.Pool; readonly name: string; readonly url: string }

export async function freshDatabase(prefix: string): Promise<TestDb | null> {
  const admin = new pg.Client(ADMIN);
  try {
    await admin.connect();
  } catch {
    return null;
  }
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const pool = new pg.Pool({ ...ADMIN, database: name, max: 4 });
  after(async () => {
    await pool.end();
    const a = new pg.Client(ADMIN);
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });
  return { pool, name, url: `postgres://postgres@127.0.0.1:5432/${name}` };
}
