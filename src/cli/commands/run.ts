// bqx run: compute the stages for pair × month partitions; resumes by default.
// The work is the library's (src/job/run.ts); this shell parses flags, handles signals and prints.
import { isMonthKey, parseInstant } from '../../core/time.ts';
import { isPair, pairInfo } from '../../core/currencies.ts';
import { STAGES, type StageName } from '../../features/types.ts';
import type { RunResult } from '../../pipeline/run.ts';
import { bool, int, list, str, UsageError, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, storeLocation, withStore } from '../context.ts';
import { fmtDuration, printJson, table } from '../output.ts';
import { progressSink } from '../progress.ts';
import { printTables } from '../tables.ts';
import { loadAndValidateTables } from '../../job/tables.ts';
import type { Config } from '../../core/config.ts';
import type { ValidationReport } from '../../validate/index.ts';
import { trackerFor, trackerOf } from '../tracking.ts';
import { DISTRIBUTED_RUN_OPTIONS, runDistributedCommand } from '../distributed.ts';
import { runJob, UnknownPlanError, validateJob, type RunSelection } from '../../job/run.ts';
import type { JobSettings, StoreScope } from '../../job/store.ts';

export { RUN_REDUCE, type RunSelection } from '../../job/run.ts';

export const RUN_OPTIONS = {
  stages: { type: 'string', description: `stages to run, comma-separated (${STAGES.join(', ')}); upstream stages they read are included`, default: 'all implemented', valueName: 'LIST' },
  pairs: { type: 'string', description: 'pairs, comma-separated (e.g. EURUSD,GBPUSD); month fan-in stages (ci, arb, cross.month) always read and write every loaded pair', default: 'all loaded', valueName: 'LIST' },
  months: { type: 'string', description: 'months YYYY-MM, comma-separated', default: 'all with bars', valueName: 'LIST' },
  'max-workers': { type: 'string', description: 'worker threads (compute, then validation)', default: 'number of cores (config maxWorkers)', valueName: 'N' },
  retries: { type: 'string', description: 'retries per partition, with backoff', default: '3', valueName: 'N' },
  force: { type: 'boolean', description: 'recompute partitions even when they are up to date' },
  'skip-validation': { type: 'boolean', description: 'do not run the validation stage after computing (export then refuses without --force)' },
  quiet: { type: 'boolean', description: 'no progress output' },
  notify: { type: 'string', description: 'POST tracking events as JSON to this webhook (retries, 5 s timeout; never fails the run)', default: 'config notify', valueName: 'URL' },
  track: { type: 'string', description: 'one AirTable record per stage in this base and table (token from AIRTABLE_TOKEN)', valueName: 'airtable:BASE/TABLE' },
  plan: { type: 'string', description: 'a saved plan (bqx plan prints its id) to compare this run with in bqx runs', valueName: 'ID' },
} as const;

/** --pairs LIST as canonical pair names. */
export function pairsFlag(args: ParsedArgs): string[] | undefined {
  return list(args, 'pairs')?.map((p) => {
    if (!isPair(p.toUpperCase())) throw new UsageError(`--pairs: unknown pair ${JSON.stringify(p)}`);
    return pairInfo(p).name;
  });
}

const definedOnly = (sel: RunSelection): RunSelection => Object.fromEntries(Object.entries(sel).filter(([, v]) => v !== undefined));

export function runSelection(args: ParsedArgs): RunSelection {
  const stages = list(args, 'stages');
  for (const s of stages ?? []) if (!(STAGES as readonly string[]).includes(s)) throw new UsageError(`--stages: unknown stage ${JSON.stringify(s)} (stages: ${STAGES.join(', ')})`);
  const pairs = pairsFlag(args);
  const months = list(args, 'months');
  for (const m of months ?? []) if (!isMonthKey(m)) throw new UsageError(`--months: expected YYYY-MM, got ${JSON.stringify(m)}`);
  return { stages: stages as StageName[] | undefined, pairs, months };
}

/** The job's view of the config and flags, and the store opened per phase. */
export function jobSettings(cfg: Config, args: ParsedArgs): JobSettings {
  return { dataDir: cfg.dataDir, maxWorkers: int(args, 'max-workers', 1) ?? cfg.maxWorkers, retries: int(args, 'retries') ?? cfg.retries, baselineTs: parseInstant(cfg.baseline) };
}

export const storeScope = (cfg: Config): StoreScope => (fn) => withStore(cfg, fn);

/** The flags' selection over `defaults` (bqx start's demo months). */
const selectionOf = (args: ParsedArgs, defaults: RunSelection): RunSelection => ({ ...defaults, ...definedOnly(runSelection(args)) });

/** Progress lines (stderr, or quiet) for the pipeline's events. */
export const progressOf = (cfg: Config, args: ParsedArgs) => {
  const json = bool(args, 'json');
  return progressSink(cfg.dataDir, { tty: process.stderr.isTTY === true && !json, quiet: bool(args, 'quiet') || json });
};

/** Runs `fn` with an AbortSignal that SIGINT/SIGTERM abort (tasks in flight are left pending); an unknown plan is a usage error of --plan. */
export async function withSignals<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await fn(ac.signal);
  } catch (e) {
    if (e instanceof UnknownPlanError) throw new UsageError(`--plan: ${e.message}`);
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Runs the pipeline with signal handling: SIGINT/SIGTERM leave tasks in flight pending. Refuses up front
 * when the partitions to compute would not fit the data directory's disk. `defaults` fills selections
 * the flags leave open (bqx start's demo months).
 */
export async function runWithSignals(cfg: Config, args: ParsedArgs, command: string, defaults: RunSelection = {}): Promise<RunResult> {
  const tracker = await withStore(cfg, (store) => trackerFor(cfg, args, store));
  return withSignals((signal) => runJob(storeScope(cfg), jobSettings(cfg, args), {
    ...selectionOf(args, defaults), command, force: bool(args, 'force'), planId: str(args, 'plan'), onEvent: progressOf(cfg, args), signal, tracker,
  }));
}

export function printRunSummary(r: RunResult): void {
  console.log(table(['stage', 'partitions', 'computed', 'up to date', 'failed', 'pending', 'rows', 'compute', 'write', 'wall', 'rows/s'],
    r.units.map((u) => [u.unit, u.total, u.done, u.skipped, u.failed, u.pending, u.rows, fmtDuration(u.computeMs), fmtDuration(u.writeMs),
      fmtDuration(u.wallMs), u.wallMs > 0 ? Math.round(u.rows / (u.wallMs / 1000)) : 0])));
  for (const w of r.warnings.slice(0, 10)) console.log(`warning: ${w}`);
  console.log(`run ${r.runId}: ${r.status} in ${fmtDuration(r.wallMs)}`);
}

/** Stage 2.6 after a successful run: validates the run's scope, prints the verdict, returns it. */
export async function validateRun(cfg: Config, args: ParsedArgs, r: RunResult, defaults: RunSelection = {}): Promise<ValidationReport | null> {
  const json = bool(args, 'json');
  return validateJob(storeScope(cfg), jobSettings(cfg, args), r, selectionOf(args, defaults), {
    skip: bool(args, 'skip-validation'), tracker: trackerOf(args), say: (line) => { if (!json) console.log(line); },
  });
}

export const run: CommandSpec = {
  name: 'run',
  summary: 'Compute the feature stages for pair × month partitions, then validate them (stage 2.6). Only missing or stale partitions are computed (resume); Ctrl-C leaves unfinished partitions pending for the next run.',
  options: { ...RUN_OPTIONS, ...DISTRIBUTED_RUN_OPTIONS },
  async run(args) {
    const cfg = configFrom(args);
    // --distributed: bqx worker processes compute; the validator runs here when it can read the lake.
    const dist = bool(args, 'distributed') ? await runDistributedCommand(cfg, args, definedOnly(runSelection(args))) : null;
    const r = dist?.result ?? await runWithSignals(cfg, args, 'run');
    if (!bool(args, 'json')) printRunSummary(r);
    const localLake = !dist || dist.localLake;
    const report = localLake ? await validateRun(cfg, args, r) : null;
    // With PostgreSQL: the feature tables get what the run computed, checked by the generated SQL.
    const tables = cfg.databaseUrl !== '' && localLake && r.status === 'done' && !bool(args, 'skip-validation')
      ? await withStore(cfg, async (store) => loadAndValidateTables({ url: cfg.databaseUrl, pool: cfg.dbPool }, cfg.dataDir, runSelection(args).stages, await store.getManifests()))
      : null;
    if (bool(args, 'json')) {
      printJson({ ...r, validation: report && { passed: report.passed, runId: report.runId, summary: report.summary },
        ...(tables ? { tables: { load: tables.load, sqlPassed: tables.sql.passed, summary: tables.sql.summary } } : {}) });
    } else if (tables) printTables(tables, storeLocation(cfg));
    if (r.status !== 'done') return r.status === 'interrupted' ? 130 : 1;
    return (report === null || report.passed) && (tables?.sql.passed ?? true) ? 0 : 1;
  },
};
