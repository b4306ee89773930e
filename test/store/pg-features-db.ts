// A fresh PostgreSQL database for a test file (test/helpers/postgres.ts: created on the local server,
// dropped when the file finishes) with a small pool on it; null when no server answers.
import { after } from 'node:test';
import pg from 'pg';
import { createTestDatabase } from '../helpers/postgres.ts';

export interface TestDb { readonly pool: pg.Pool; readonly url: string }

export async function freshDatabase(): Promise<TestDb | null> {
  const url = await createTestDatabase();
  if (!url) return null;
  const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 30_000 });
  pool.on('error', () => undefined); // connections ended by the drop at the file's end
  after(() => pool.end());
  return { pool, url };
}
