// Opens the store a configuration names: PostgreSQL when it gives a database URL (--db,
// BQX_DATABASE_URL), else the embedded DuckDB file in the data directory.
import { join } from 'node:path';
import { openStore as openDuckDBStore } from './duckdb.ts';
import { openPostgresStore } from './postgres/store.ts';
import type { Store } from './types.ts';

export interface StoreConfig {
  readonly dataDir: string;
  /** postgres://… ('' = the embedded store). */
  readonly databaseUrl: string;
  /** Connections of the PostgreSQL pool. */
  readonly dbPool: number;
}

/** The embedded store's file in `dataDir`. */
export function embeddedStorePath(dataDir: string): string {
  return join(dataDir, 'bqx.duckdb');
}

export function openStore(cfg: StoreConfig): Promise<Store> {
  return cfg.databaseUrl !== ''
    ? openPostgresStore({ url: cfg.databaseUrl, pool: cfg.dbPool })
    : openDuckDBStore(embeddedStorePath(cfg.dataDir));
}
