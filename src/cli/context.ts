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

/** Opens the store, runs `fn`, closes the store (also on error). */
export async function withStore<T>(cfg: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(storePath(cfg));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
