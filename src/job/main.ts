// The main job (npm start / bqx start): generate a synthetic market when the store is empty, run every
// implemented stage, validate, export the wide data set, and say what was made. The CLI, a worker and
// the dashboard call this; they print (or stream) what the reporter hands them.
import { join } from 'node:path';
import { sameFileSystem } from '../core/disk.ts';
import { isImplemented, registry } from '../features/registry.ts';
import { exportDataSet } from '../export/index.ts';
import type { PipelineEvent } from '../pipeline/events.ts';
import { assertDiskFits, exportFootprint, footprint, runFootprint, startFootprint, type Footprint } from '../pipeline/footprint.ts';
import type { RunResult } from '../pipeline/run.ts';
import type { Tracker } from '../track/tracker.ts';
import { validationGate, type ValidationReport } from '../validate/index.ts';
import { reportDir } from '../validate/report.ts';
import { demoSpan, recordDemo, warmupMonths, warmupWeeks } from './demo.ts';
import { generateInto, type GenerateResult } from './generate.ts';
import { RUN_REDUCE, runJob, validateJob, type RunSelection } from './run.ts';
import type { JobSettings, StoreScope } from './store.ts';

export interface MainJobOptions extends RunSelection {
  /** Export destination: a directory or s3://bucket/prefix. */
  readonly out: string;
  /** What an empty store gets: `days` > 0 days from `from`, else `months` whole months, after the warm-up weeks. */
  readonly generate: { readonly pairs: readonly string[]; readonly from: number; readonly months: number; readonly days: number; readonly seed: number };
  /** Recompute up-to-date partitions; export data no validation covers (marked unvalidated). */
  readonly force?: boolean;
  readonly skipValidation?: boolean;
  readonly planId?: string;
  readonly tracker?: Tracker;
  /**
   * Scopes the run's cancellation: calls `run` with the signal that stops it (tasks in flight left pending).
   * The CLI passes one that SIGINT/SIGTERM abort during the run only; other phases keep the default.
   */
  readonly cancellable?: <T>(run: (signal?: AbortSignal) => Promise<T>) => Promise<T>;
  readonly onEvent?: (e: PipelineEvent) => void;
  readonly reporter?: MainJobReporter;
}

/** Where the job's progress goes (every member optional). */
export interface MainJobReporter {
  /** A line of progress (generation, validation, export start). */
  say?(line: string): void;
  runDone?(r: RunResult): void;
  exportProgress?(done: number, total: number): void;
}

export interface MainJobSummary {
  readonly generated: GenerateResult | null;
  readonly run: string;
  readonly months: string[];
  /** First – last exported bar (UTC minutes): the demo's month may be partial. */
  readonly span: string;
  readonly partitions: number;
  readonly computed: number;
  readonly validated: boolean;
  readonly validationReport: string | null;
  readonly rows: number;
  readonly bytes: number;
  readonly features: number;
  readonly targets: number;
  readonly catalogFeatures: number;
  readonly wallMs: number;
  readonly rowsPerSecond: number;
  readonly output: string;
  readonly files: number;
}

export type MainJobResult =
  | { readonly outcome: 'not-done'; readonly run: RunResult }
  | { readonly outcome: 'validation-failed'; readonly run: RunResult; readonly report: ValidationReport; readonly reportPath: string }
  /** Validation skipped and no earlier one covers the data: not exported (force exports it marked unvalidated). */
  | { readonly outcome: 'not-covered'; readonly run: RunResult; readonly message: string }
  /** Exported; `missing` lists the partitions a stage had not computed. */
  | { readonly outcome: 'exported'; readonly run: RunResult; readonly summary: MainJobSummary; readonly missing: readonly string[] };

export async function mainJob(withStore: StoreScope, s: JobSettings, o: MainJobOptions): Promise<MainJobResult> {
  const t0 = Date.now();
  const say = (line: string) => o.reporter?.say?.(line);
  const sel: RunSelection = { stages: o.stages, pairs: o.pairs, months: o.months };
  const empty = await withStore(async (store) => (await store.summary()).length === 0);
  let generated: GenerateResult | null = null;
  if (empty) {
    const g = o.generate;
    const span = demoSpan(g.from, g.months, g.days);
    const gen = { pairs: g.pairs, from: span.genFrom, months: span.generatedMonths.length, seed: g.seed, ...(span.to === undefined ? {} : { to: span.to }) };
    diskCheck(s.dataDir, o.out, startFootprint(gen, sel.months ?? span.runMonths), 'start');
    const what = g.days > 0 ? `${g.days} day${g.days === 1 ? '' : 's'} from ${new Date(g.from).toISOString().slice(0, 10)}` : `${g.months} month${g.months === 1 ? '' : 's'}`;
    say(`store ${join(s.dataDir, 'bqx.duckdb')} is empty: generating ${what} of ${g.pairs.length} pairs after ${warmupWeeks()} weeks of warm-up (seed ${g.seed})`);
    generated = await withStore((store) => generateInto(store, gen, (m, n) => say(`  ${m}: ${n.toLocaleString('en-US')} bars`)));
    recordDemo(s.dataDir, gen, span.warmupMonths);
  }
  const months = await withStore(async (store) => {
    const all = [...new Set((await store.monthIndex()).map((r) => r.month))].sort();
    const chosen = sel.months ?? all.filter((m) => !warmupMonths(s.dataDir).includes(m));
    if (!empty) {
      const run = await runFootprint(store, { ...sel, months: chosen, force: o.force === true }, s.baselineTs);
      const ex = await exportFootprint(store, { pairs: sel.pairs, months: chosen });
      diskCheck(s.dataDir, o.out, { ...run, items: [...run.items, ...ex.items], bytes: run.bytes + ex.bytes }, 'start');
    }
    return chosen;
  });
  const scope = { ...sel, months };
  const cancellable = o.cancellable ?? ((run) => run());
  const r = await cancellable((signal) => runJob(withStore, s, { ...scope, command: 'start', force: o.force, planId: o.planId, onEvent: o.onEvent, signal, tracker: o.tracker }));
  o.reporter?.runDone?.(r);
  if (r.status !== 'done') return { outcome: 'not-done', run: r };
  const report = await validateJob(withStore, s, r, scope, { skip: o.skipValidation, tracker: o.tracker, say });
  if (report && !report.passed) return { outcome: 'validation-failed', run: r, report, reportPath: join(reportDir(s.dataDir, report.runId), 'validation.md') };
  const gate = await withStore((store) => validationGate(store, s.dataDir, { pairs: sel.pairs, months }));
  if (!gate.ok && !o.force) return { outcome: 'not-covered', run: r, message: gate.message };
  say(`exporting to ${o.out} …`);
  // The gate applies inside the export too: force is what lets an unvalidated data set through.
  const ex = await withStore((store) => exportDataSet(store, {
    dataDir: s.dataDir, out: o.out, pairs: sel.pairs, months, force: o.force, onProgress: (p) => o.reporter?.exportProgress?.(p.done, p.total),
  }));
  o.tracker?.exported({ out: o.out, files: ex.files.length, rows: ex.rows, validated: ex.validated });
  const reg = registry();
  const implemented = reg.all.filter((f) => isImplemented(reg.familyOf.get(f.name)!));
  const wallMs = Date.now() - t0;
  const summary: MainJobSummary = {
    generated, run: r.runId, months, span: dataSpan(ex.files), partitions: r.units.reduce((n, u) => n + u.total, 0), computed: r.units.reduce((n, u) => n + u.done, 0),
    validated: gate.ok, validationReport: gate.report ? join(reportDir(s.dataDir, gate.report.runId), 'validation.md') : null,
    rows: ex.rows, bytes: ex.bytes, features: implemented.filter((f) => f.role === 'feature').length, targets: implemented.filter((f) => f.role === 'target').length,
    catalogFeatures: reg.features.length, wallMs, rowsPerSecond: Math.round(ex.rows / (wallMs / 1000)), output: o.out, files: ex.files.length,
  };
  return { outcome: 'exported', run: r, summary, missing: ex.missing };
}

/** The first and last exported bar. */
function dataSpan(files: readonly { from: string; to: string }[]): string {
  const from = files.map((f) => f.from).sort()[0], to = files.map((f) => f.to).sort().at(-1);
  return `${from} – ${to}`;
}

/** Refuses (throws a one-line error) when `fp` does not fit the data directory's disk (and the export's, when elsewhere). */
function diskCheck(dataDir: string, out: string, fp: Footprint, what: string): void {
  const reduce = [...RUN_REDUCE.slice(0, 1), '--generate-months N on an empty store', 'another --data-dir on a larger disk'];
  if (sameFileSystem(dataDir, out)) return void assertDiskFits(fp, dataDir, what, reduce);
  const part = (keep: boolean) => footprint(fp.items.filter((i) => (i.what === 'export') === keep), fp);
  assertDiskFits(part(false), dataDir, what, reduce);
  assertDiskFits(part(true), out, `${what} (export)`, reduce);
}
