// How a job reaches the store: the caller opens it around each phase (the CLI waits for a brief lock
// held by a dashboard snapshot; a worker or the server may share one), so the job never holds it across
// phases that other processes may want to read between.
import type { Store } from '../store/types.ts';

export type StoreScope = <T>(fn: (store: Store) => Promise<T>) => Promise<T>;

/** What every job needs from the configuration. */
export interface JobSettings {
  readonly dataDir: string;
  readonly maxWorkers: number;
  readonly retries: number;
  /** The baseline instant (epoch ms) of the bqx index. */
  readonly baselineTs: number;
}
