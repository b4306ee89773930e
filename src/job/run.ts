// Running the stages and validating what they computed: the library side of `bqx run` (and of start,
// a worker, the dashboard). Output and signals are the caller's: progress arrives as pipeline events,
// messages through `say`, cancellation through an AbortSignal.
import type { StageName } from '../features/types.ts';
import type { PipelineEvent } from '../pipeline/events.ts';
import { assertDiskFits, runFootprint } from '../pipeline/footprint.ts';
import { runPipeline, type RunResult } from '../pipeline/run.ts';
import type { Tracker } from '../track/tracker.ts';
import { validate, validationGate, type ValidationReport } from '../validate/index.ts';
import { reportDir } from '../validate/report.ts';
import type { JobSettings, StoreScope } from './store.ts';

export interface RunSelection { stages?: StageName[]; pairs?: string[]; months?: string[] }

/** How a run can write less, for the disk check's message. */
export const RUN_REDUCE = ['fewer months or pairs (--months, --pairs)', 'another --data-dir on a larger disk'];

/** The run names a saved plan the store does not hold. */
export class UnknownPlanError extends Error {}

export interface RunJobOptions extends RunSelection {
  /** The command recorded with the run (run, start, worker …). */
  readonly command: string;
  readonly force?: boolean;
  /** A saved plan to compare the run with. */
  readonly planId?: string;
  readonly onEvent?: (e: PipelineEvent) => void;
  readonly signal?: AbortSignal;
  readonly tracker?: Tracker;
}

/**
 * Computes the selected partitions (missing or stale ones, or all with force). Refuses up front when they
 * would not fit the data directory's disk.
 */
export async function runJob(withStore: StoreScope, s: JobSettings, o: RunJobOptions): Promise<RunResult> {
  const sel: RunSelection = { stages: o.stages, pairs: o.pairs, months: o.months };
  return withStore(async (store) => {
    if (o.planId && !(await store.getPlan(o.planId))) throw new UnknownPlanError(`no saved plan ${JSON.stringify(o.planId)} (bqx plan prints the id)`);
    const force = o.force === true;
    assertDiskFits(await runFootprint(store, { ...sel, force }, s.baselineTs), s.dataDir, o.command, RUN_REDUCE);
    const tracker = o.tracker?.active ? o.tracker : undefined;
    const onEvent = tracker ? (e: PipelineEvent) => { o.onEvent?.(e); tracker.pipeline(e); } : o.onEvent;
    const t0 = Date.now();
    return runPipeline(store, {
      dataDir: s.dataDir, ...sel, maxWorkers: s.maxWorkers, retries: s.retries, force, baselineTs: s.baselineTs,
      onEvent, signal: o.signal, command: o.command, planId: o.planId,
    }).catch((e: unknown) => { tracker?.runFailed(Date.now() - t0); throw e; });
  });
}

/**
 * Stage 2.6 after a successful run: validates the run's scope and returns the report (null when the run
 * did not finish or validation is skipped). When the run computed nothing, the latest validation stands
 * if it covers these exact data versions.
 */
export async function validateJob(withStore: StoreScope, s: JobSettings, r: RunResult, sel: RunSelection,
  o: { skip?: boolean; tracker?: Tracker; say?: (line: string) => void } = {}): Promise<ValidationReport | null> {
  if (r.status !== 'done' || o.skip) return null;
  const say = o.say ?? (() => {});
  if (r.units.every((u) => u.done === 0)) {
    const gate = await withStore((store) => validationGate(store, s.dataDir, sel));
    if (gate.ok && gate.report) {
      say(`nothing computed: ${gate.message}`);
      o.tracker?.validation(gate.report);
      return gate.report;
    }
  }
  say('validating (temporal causality of every feature, completeness, quality) …');
  const report = await withStore((store) => validate(store, {
    dataDir: s.dataDir, runId: r.runId, stages: sel.stages, pairs: sel.pairs, months: sel.months, baselineTs: s.baselineTs, workers: s.maxWorkers,
  }));
  const failed = report.summary.filter((x) => x.failed > 0);
  say(`validation ${report.passed ? 'passed' : `FAILED (${failed.map((x) => `${x.check}: ${x.failed}`).join(', ')})`} — ${reportDir(s.dataDir, report.runId)}/validation.md`);
  o.tracker?.validation(report);
  return report;
}
