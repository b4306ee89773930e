// The command-line side of distributed runs, shared by `bqx run --distributed` and `bqx worker`: the
// --lake and queue flags, durations, and opening the queue and the lake next to the store.
import { isAbsolute, join, resolve } from 'node:path';
import { openObjectStore, parseS3Url, type ObjectStore } from '../io/objectstore/index.ts';
import type { Config } from '../core/config.ts';
import { DEFAULT_QUEUE_POOL, PartitionQueue } from '../distributed/queue.ts';
import { lakeDir } from '../pipeline/lake.ts';
import { bool, int, str, UsageError, type OptionSpec, type ParsedArgs } from './args.ts';
import { S3_OPTIONS, s3Options } from './s3.ts';
import { parseInstant } from '../core/time.ts';
import { runDistributed } from '../distributed/coordinator.ts';
import { DEFAULT_EXPIRY } from '../distributed/expiry.ts';
import type { RunResult } from '../pipeline/run.ts';
import { withStore } from './context.ts';
import { progressSink } from './progress.ts';
import type { RunSelection } from './commands/run.ts';

export const LAKE_OPTIONS = {
  lake: { type: 'string', description: 'the shared lake of stage outputs: a directory every machine sees, or s3://bucket/prefix', valueName: 'DIR|URL' },
  'queue-pool': { type: 'string', description: 'PostgreSQL connections of the job queue (and heartbeats) in this process', default: String(DEFAULT_QUEUE_POOL), valueName: 'N' },
  ...S3_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

/** A duration flag: 25, 25s, 1500ms, 2m or 1h, in milliseconds. */
export function durationMs(args: ParsedArgs, k: string, fallbackMs: number): number {
  const v = str(args, k);
  if (v === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--${k}: expected a duration such as 25s, 1500ms or 2m, got ${JSON.stringify(v)}`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']);
}

/** The database URL of a distributed command (the queue lives there too). */
export function databaseUrl(cfg: Config, command: string): string {
  if (cfg.databaseUrl === '') throw new UsageError(`${command} needs --db postgres://… (or BQX_DATABASE_URL): the queue and the store live in PostgreSQL`);
  return cfg.databaseUrl;
}

/** --lake as an object store; `where` names the command for the message when it is missing. */
export function lakeStore(args: ParsedArgs, command: string): ObjectStore {
  const raw = str(args, 'lake');
  if (raw === undefined) throw new UsageError(`${command} needs --lake DIR or --lake s3://bucket/prefix (the stage outputs every worker shares)`);
  let s3;
  try { s3 = parseS3Url(raw); } catch (e) { throw new UsageError(`--lake: ${(e as Error).message}`); }
  return openObjectStore(s3 || isAbsolute(raw) ? raw : resolve(raw), s3Options(args, s3 !== null, '--lake'));
}

/** True when --lake is this data directory's own lake (then the embedded validator can read it). */
export function isLocalLake(lake: ObjectStore, cfg: Config): boolean {
  return lake.location === resolve(lakeDir(cfg.dataDir));
}

/** The worker's cache of downloaded upstream files and its outputs before upload. */
export function cacheDir(args: ParsedArgs, cfg: Config): string {
  return resolve(str(args, 'cache') ?? join(cfg.dataDir, 'worker-cache'));
}

/** The queue in the database of `url` (databaseUrl), with --queue-pool connections. */
export function openQueue(url: string, args: ParsedArgs): Promise<PartitionQueue> {
  return PartitionQueue.open({ url, pool: int(args, 'queue-pool', 1) ?? DEFAULT_QUEUE_POOL });
}

/** The flags `bqx run` adds for --distributed. */
export const DISTRIBUTED_RUN_OPTIONS = {
  distributed: { type: 'boolean', description: 'enqueue the partitions for bqx worker processes (needs --db and --lake) instead of computing them here' },
  'min-expiry': { type: 'string', description: `--distributed: shortest lease of a task (a lease is ${DEFAULT_EXPIRY.factor} × the slowest measured task of its stage)`, default: `${DEFAULT_EXPIRY.minSeconds}s`, valueName: 'DURATION' },
  'unmeasured-expiry': { type: 'string', description: '--distributed: lease of a task of a stage never measured', default: `${DEFAULT_EXPIRY.unmeasuredSeconds / 60}m`, valueName: 'DURATION' },
  ...LAKE_OPTIONS,
} as const satisfies Record<string, OptionSpec>;

/**
 * bqx run --distributed: plans, enqueues and follows the run (SIGINT/SIGTERM withdraw the tasks no
 * worker has taken). `localLake` tells whether the embedded validator can read the lake afterwards.
 */
export async function runDistributedCommand(cfg: Config, args: ParsedArgs, sel: RunSelection): Promise<{ result: RunResult; localLake: boolean }> {
  const url = databaseUrl(cfg, 'bqx run --distributed');
  const objects = lakeStore(args, 'bqx run --distributed');
  const json = bool(args, 'json');
  const sink = progressSink(cfg.dataDir, { tty: process.stderr.isTTY === true && !json, quiet: bool(args, 'quiet') || json });
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await withStore(cfg, async (store) => {
      const queue = await openQueue(url, args);
      try {
        return await runDistributed(store, queue, objects, {
          ...sel, force: bool(args, 'force'), baselineTs: parseInstant(cfg.baseline), retries: int(args, 'retries') ?? cfg.retries,
          expiry: { ...DEFAULT_EXPIRY, minSeconds: durationMs(args, 'min-expiry', DEFAULT_EXPIRY.minSeconds * 1000) / 1000,
            unmeasuredSeconds: durationMs(args, 'unmeasured-expiry', DEFAULT_EXPIRY.unmeasuredSeconds * 1000) / 1000 },
          onEvent: sink, signal: ac.signal, command: 'run --distributed',
        });
      } finally {
        await queue.close();
      }
    });
    const localLake = isLocalLake(objects, cfg);
    if (!localLake && !json) console.log(`the lake is ${objects.location}, not ${lakeDir(cfg.dataDir)}: validate on a machine whose --data-dir holds it`);
    return { result, localLake };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    objects.close();
  }
}
