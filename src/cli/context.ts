// What every command needs: the resolved config and the store (the embedded DuckDB file in the data
// directory, or PostgreSQL when --db / BQX_DATABASE_URL names a database).
import { loadConfig, type Config } from '../core/config.ts';
import { embeddedStorePath, openStore } from '../store/index.ts';
import { describeDatabase } from '../store/postgres/connect.ts';
import type { Store } from '../store/types.ts';
import { int, str, type ParsedArgs } from './args.ts';

export function configFrom(args: ParsedArgs, flags: Partial<Config> = {}): Config {
  // (bqx plan has a boolean --db of its own: only a string is a database URL)
  const db = args.values.db;
  return loadConfig({ dataDir: str(args, 'data-dir'), databaseUrl: typeof db === 'string' ? db : undefined, dbPool: int(args, 'db-pool', 1), ...flags });
}

/** The embedded store's file (whether or not a database URL is configured). */
export function storePath(cfg: Config): string {
  return embeddedStorePath(cfg.dataDir);
}

/** Where the configured store lives, for messages: the file, or the database URL without its password. */
export function storeLocation(cfg: Config): string {
  return cfg.databaseUrl !== '' ? describeDatabase(cfg.databaseUrl) : storePath(cfg);
}

/** How long a command waits for the store while another process (a dashboard snapshot, `bqx status`) holds it. */
const LOCK_WAIT_MS = 5_000;

/**
 * Opens the store, waiting up to LOCK_WAIT_MS while another process holds it: DuckDB allows one process
 * per database file, and readers hold it only briefly. (PostgreSQL serves any number of processes.)
 */
async function openWaiting(cfg: Config): Promise<Store> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await openStore(cfg);
    } catch (e) {
      if (!/Could not set lock/.test((e as Error).message) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Opens the store, runs `fn`, closes the store (also on error). */
export async function withStore<T>(cfg: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openWaiting(cfg);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
