// What every command needs: the resolved config and the store.
import { join } from 'node:path';
import { loadConfig, type Config } from '../core/config.ts';
import { openStore } from '../store/duckdb.ts';
import type { Store } from '../store/types.ts';
import { str, type ParsedArgs } from './args.ts';

export function configFrom(args: ParsedArgs, flags: Partial<Config> = {}): Config {
  return loadConfig({ dataDir: str(args, 'data-dir'), ...flags });
}

export function storePath(cfg: Config): string {
  return join(cfg.dataDir, 'bqx.duckdb');
}

/** How long a command waits for the store while another process (a dashboard snapshot, `bqx status`) holds it. */
const LOCK_WAIT_MS = 5_000;

/**
 * Opens the store, waiting up to LOCK_WAIT_MS while another process holds it: DuckDB allows one process
 * per database file, and readers hold it only briefly.
 */
async function openWaiting(path: string): Promise<Store> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await openStore(path);
    } catch (e) {
      if (!/Could not set lock/.test((e as Error).message) || Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Opens the store, runs `fn`, closes the store (also on error). */
export async function withStore<T>(cfg: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openWaiting(storePath(cfg));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
