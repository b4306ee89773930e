// A small connection pool for the feature tables from a postgres:// URL (or BQX_DATABASE_URL). The
// password comes from the URL, PGPASSWORD or ~/.pgpass (node-postgres reads both); only the redacted
// URL is ever shown.
import pg from 'pg';

/** Connections per process for loading and validation: one COPY stream at a time needs one. */
const POOL_SIZE = 2;

export function databaseUrl(flag: string | undefined): string | undefined {
  return flag ?? process.env.BQX_DATABASE_URL;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'an unparsable database URL';
  }
}

export function featurePool(url: string): pg.Pool {
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error(`--db: expected a postgres:// URL, got ${redactUrl(url)}`);
  return new pg.Pool({ connectionString: url, max: POOL_SIZE });
}
