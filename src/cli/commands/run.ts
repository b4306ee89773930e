// bqx run: compute the stages for pair × month partitions; resumes by default.
import { isMonthKey, parseInstant } from '../../core/time.ts';
import { isPair, pairInfo } from '../../core/currencies.ts';
import { STAGES, type StageName } from '../../features/types.ts';
import { runPipeline, type RunResult } from '../../pipeline/run.ts';
import { bool, int, list, str, UsageError, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, printJson, table } from '../output.ts';
import { progressSink } from '../progress.ts';
import type { Config } from '../../core/config.ts';
import { validate, validationGate, type ValidationReport } from '../../validate/index.ts';
import { reportDir } from '../../validate/report.ts';
import { trackerFor, trackerOf } from '../tracking.ts';
import { assertDiskFits, runFootprint } from '../../pipeline/footprint.ts';
import { DISTRIBUTED_RUN_OPTIONS, runDistributedCommand } from '../distributed.ts';

/** How a run can write less, for the disk check's message. */
export const RUN_REDUCE = ['fewer months or pairs (--months, --pairs)', 'another --data-dir on a larger disk'];

export const RUN_OPTIONS = {
  stages: { type: 'string', description: `stages to run, comma-separated (${STAGES.join(', ')}); upstream stages they read are included`, default: 'all implemented', valueName: 'LIST' },
  pairs: { type: 'string', description: 'pairs, comma-separated (e.g. EURUSD,GBPUSD); month fan-in stages (ci, arb, cross.month) always read and write every loaded pair', default: 'all loaded', valueName: 'LIST' },
  months: { type: 'string', description: 'months YYYY-MM, comma-separated', default: 'all with bars', valueName: 'LIST' },
  'max-workers': { type: 'string', description: 'worker threads', default: 'number of cores (config maxWorkers)', valueName: 'N' },
  retries: { type: 'string', description: 'retries per partition, with backoff', default: '3', valueName: 'N' },
  force: { type: 'boolean', description: 'recompute partitions even when they are up to date' },
  'skip-validation': { type: 'boolean', description: 'do not run the validation stage after computing (export then refuses without --force)' },
  quiet: { type: 'boolean', description: 'no progress output' },
  notify: { type: 'string', description: 'POST tracking events as JSON to this webhook (retries, 5 s timeout; never fails the run)', default: 'config notify', valueName: 'URL' },
  track: { type: 'string', description: 'one AirTable record per stage in this base and table (token from AIRTABLE_TOKEN)', valueName: 'airtable:BASE/TABLE' },
  plan: { type: 'string', description: 'a saved plan (bqx plan prints its id) to compare this run with in bqx runs', valueName: 'ID' },
} as const;

export interface RunSelection { stages?: StageName[]; pairs?: string[]; months?: string[] }

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

/**
 * Runs the pipeline with signal handling: SIGINT/SIGTERM leave tasks in flight pending. Refuses up front
 * when the partitions to compute would not fit the data directory's disk. `defaults` fills selections
 * the flags leave open (bqx start's demo months).
 */
export async function runWithSignals(cfg: Config, args: ParsedArgs, command: string, defaults: RunSelection = {}): Promise<RunResult> {
  const sel = { ...defaults, ...definedOnly(runSelection(args)) };
  const json = bool(args, 'json');
  const sink = progressSink(cfg.dataDir, { tty: process.stderr.isTTY === true && !json, quiet: bool(args, 'quiet') || json });
  const ac = new AbortController();
  const onSignal = () => ac.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await withStore(cfg, async (store) => {
      const planId = str(args, 'plan');
      if (planId && !(await store.getPlan(planId))) throw new UsageError(`--plan: no saved plan ${JSON.stringify(planId)} (bqx plan prints the id)`);
      const force = bool(args, 'force');
      assertDiskFits(await runFootprint(store, { ...sel, force }, parseInstant(cfg.baseline)), cfg.dataDir, command, RUN_REDUCE);
      const tracker = await trackerFor(cfg, args, store);
      const t0 = Date.now();
      return runPipeline(store, {
        dataDir: cfg.dataDir, ...sel, maxWorkers: int(args, 'max-workers', 1) ?? cfg.maxWorkers,
        retries: int(args, 'retries') ?? cfg.retries, force, baselineTs: parseInstant(cfg.baseline),
        onEvent: tracker.active ? (e) => { sink(e); tracker.pipeline(e); } : sink, signal: ac.signal, command, planId,
      }).catch((e: unknown) => { tracker.runFailed(Date.now() - t0); throw e; });
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
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
  if (r.status !== 'done' || bool(args, 'skip-validation')) return null;
  const sel = { ...defaults, ...definedOnly(runSelection(args)) };
  const json = bool(args, 'json');
  if (r.units.every((u) => u.done === 0)) {
    // Nothing was computed: the latest validation still holds if it covers these exact data versions.
    const gate = await withStore(cfg, (store) => validationGate(store, cfg.dataDir, sel));
    if (gate.ok && gate.report) {
      if (!json) console.log(`nothing computed: ${gate.message}`);
      trackerOf(args)?.validation(gate.report);
      return gate.report;
    }
  }
  if (!json) console.log('validating (temporal causality of every feature, completeness, quality) …');
  const report = await withStore(cfg, (store) => validate(store, {
    dataDir: cfg.dataDir, runId: r.runId, stages: sel.stages, pairs: sel.pairs, months: sel.months, baselineTs: parseInstant(cfg.baseline),
  }));
  if (!json) {
    const failed = report.summary.filter((s) => s.failed > 0);
    console.log(`validation ${report.passed ? 'passed' : `FAILED (${failed.map((s) => `${s.check}: ${s.failed}`).join(', ')})`} — ${reportDir(cfg.dataDir, report.runId)}/validation.md`);
  }
  trackerOf(args)?.validation(report);
  return report;
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
    const report = dist && !dist.localLake ? null : await validateRun(cfg, args, r);
    if (bool(args, 'json')) printJson({ ...r, validation: report && { passed: report.passed, runId: report.runId, summary: report.summary } });
    if (r.status !== 'done') return r.status === 'interrupted' ? 130 : 1;
    return report === null || report.passed ? 0 : 1;
  },
};
