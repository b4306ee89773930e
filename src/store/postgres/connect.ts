// Connection settings of the PostgreSQL store: the URL (postgres://user[:password]@host[:port]/db),
// the password (from the URL, else PGPASSWORD, else the password file as libpq reads it), the pool,
// the description of the database shown in messages and records (never with the password), and the
// type parsers that turn results into plain values (query()).
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const DEFAULT_POOL = 4;

export interface PostgresOptions {
  /** postgres://user[:password]@host[:port]/database[?sslmode=…] */
  readonly url: string;
  /** Connections this process may open at most (DEFAULT_POOL). */
  readonly pool?: number;
  /** Environment for PGPASSWORD and PGPASSFILE (process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

/** libpq's sslmode as pg's ssl setting: require encrypts without checking the certificate, verify-* check it. */
function sslOf(mode: string | null): pg.ClientConfig['ssl'] {
  switch (mode) {
    case null: case 'disable': case 'allow': case 'prefer': return false;
    case 'require': return { rejectUnauthorized: false };
    case 'verify-ca': case 'verify-full': return true;
    default: throw new Error(`unknown sslmode ${JSON.stringify(mode)} (disable, require, verify-ca, verify-full)`);
  }
}

function targetOf(url: string, env: NodeJS.ProcessEnv): Target & { password: string | undefined; ssl: pg.ClientConfig['ssl'] } {
  let u: URL | null = null;
  if (isPostgresUrl(url)) {
    try { u = new URL(url); } catch { /* reported below */ }
  }
  if (!u) throw new Error('the PostgreSQL store needs a URL postgres://user[:password]@host[:port]/database');
  const user = decodeURIComponent(u.username) || env.PGUSER || 'postgres';
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || env.PGHOST || 'localhost', port: Number(u.port || env.PGPORT || 5432),
    database: decodeURIComponent(u.pathname.slice(1)) || env.PGDATABASE || user, user,
    password: u.password ? decodeURIComponent(u.password) : undefined, ssl: sslOf(u.searchParams.get('sslmode')),
  };
}

/** The database as shown in messages, logs and run records: postgres://user@host:port/database, no password. */
export function describeDatabase(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const t = targetOf(url, env);
  return `postgres://${encodeURIComponent(t.user)}@${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}/${encodeURIComponent(t.database)}`;
}

/** One field of a password file line: `\:` and `\\` are escapes, `*` (unescaped, alone) matches anything. */
function splitPgpassLine(line: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (ch === '\\' && i + 1 < line.length) cur += line[++i]!;
    else if (ch === ':' && fields.length < 4) { fields.push(cur); cur = ''; }
    else cur += ch;
  }
  fields.push(cur);
  return fields;
}

/**
 * The password of `t` from the password file (PGPASSFILE, else ~/.pgpass) as libpq reads it: lines
 * host:port:database:user:password, `*` matches any value, the first matching line wins; a file that
 * group or others can read is ignored. (pg's own reading of it is deprecated and warns on every use.)
 */
export function pgpassPassword(t: Target, env: NodeJS.ProcessEnv): string | undefined {
  const file = env.PGPASSFILE || join(homedir(), '.pgpass');
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile() || (st.mode & 0o077) !== 0) return undefined;
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const want = [t.host, String(t.port), t.database, t.user];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = splitPgpassLine(line);
    if (f.length === 5 && want.every((w, i) => f[i] === '*' || f[i] === w)) return f[4];
  }
  return undefined;
}

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** An integer as a number when it is exact, else as its decimal string (nothing silently rounded). */
function integer(s: string): number | string {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

/** A numeric: integers as `integer`, fractions as the nearest float64. NaN for 'NaN' and ±Infinity (never Infinity). */
function numeric(s: string): number | string {
  if (/^-?\d+$/.test(s)) return integer(s);
  const n = Number(s);
  return Number.isFinite(n) ? n : NaN;
}

const STAMP = /^(\d{4,})-(\d\d)-(\d\d)(?: (\d\d):(\d\d):(\d\d)(\.\d+)?)?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;

/** A date, timestamp or timestamptz in PostgreSQL's ISO output as epoch ms (to the microsecond; NaN for ±infinity). */
export function epochMsOf(s: string): number {
  const m = STAMP.exec(s);
  if (!m) return NaN;
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1]);
  const d = new Date(0);
  d.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), 0);
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * ((Number(m[9]) * 60 + Number(m[10] ?? 0)) * 60 + Number(m[11] ?? 0)) * 1000 : 0;
  return d.getTime() + (m[7] ? Math.round(Number(m[7]) * 1e6) / 1000 : 0) - offset;
}

/** Result parsers (text format): integers and numerics as numbers, time values as epoch ms, the rest as pg does. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary');
    switch (oid) {
      case INT8: return integer;
      case NUMERIC: return numeric;
      case DATE: case TIMESTAMP: case TIMESTAMPTZ: return epochMsOf;
      default: return pg.types.getTypeParser(oid, 'text');
    }
  }) as pg.CustomTypesConfig['getTypeParser'],
};

export interface Connected {
  readonly pool: pg.Pool;
  /** postgres://user@host:port/database, for messages and records. */
  readonly database: string;
}

/** The error prefixed with the database (never the password), keeping its SQLSTATE or system error code. */
export function namedError(database: string, e: unknown): Error {
  const err = e as Error & { code?: string };
  const named = new Error(`PostgreSQL ${database}: ${err.message || err.code || String(e)}`, { cause: e }) as Error & { code?: string };
  if (err.code !== undefined) named.code = err.code;
  return named;
}

/**
 * A pool of at most `pool` connections to the database of `url`; every connection works in UTC with
 * bqx's schema first on its search path. Connects once before returning, so that a wrong URL fails here.
 */
export async function connectPool(opts: PostgresOptions): Promise<Connected> {
  const env = opts.env ?? process.env;
  const t = targetOf(opts.url, env);
  const max = opts.pool ?? DEFAULT_POOL;
  if (!Number.isInteger(max) || max < 1) throw new Error(`the PostgreSQL pool needs at least 1 connection, got ${max}`);
  const database = describeDatabase(opts.url, env);
  const password = t.password ?? env.PGPASSWORD ?? pgpassPassword(t, env);
  const pool = new pg.Pool({
    host: t.host, port: t.port, database: t.database, user: t.user, ssl: t.ssl, max, types,
    // A function, so that pg neither keeps the password as a plain property nor reads the password file itself.
    password: async () => password ?? '',
    application_name: 'bqx',
    options: '-c TimeZone=UTC -c search_path=bqx,public',
  });
  pool.on('error', () => undefined); // an idle connection lost: the next checkout reconnects
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw namedError(database, e);
  }
  return { pool, database };
}
