// Stage 2.6, validation (DESIGN.md "Validation"): the temporal-causality battery for every feature,
// completeness and quality of the stored outputs, and the JSON + Markdown report recorded with the run.
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { BOUND_REL_TOL } from '../core/bounds.ts';
import { registry } from '../features/registry.ts';
import { baselines } from '../pipeline/baseline.ts';
import { loadMonthIndex } from '../pipeline/plan.ts';
import { buildUnits, type Unit } from '../pipeline/units.ts';
import type { StageName } from '../features/types.ts';
import type { Store } from '../store/types.ts';
import { BarCache } from '../pipeline/bars.ts';
import { runBattery } from './battery.ts';
import { DEFAULT_BATTERY, type BatteryOptions } from './causality.ts';
import { recordRun, sortFindings, summarise, writeReport } from './report.ts';
import { scanLake, type ScanResult } from './scan.ts';
import { doneManifests, manifestKey, partitionsOf, resolveScope } from './scope.ts';
import { Tally } from './tally.ts';
import { WARMUP_REL_TOL, WARMUP_REL_TOL_TALIB, type ValidationProgress, type ValidationReport } from './types.ts';

export interface ValidateOptions extends Partial<BatteryOptions> {
  readonly dataDir: string;
  /** The run validated: the report goes to <dataDir>/reports/<runId>/ and into its run record. Default: a new id. */
  readonly runId?: string;
  readonly pairs?: readonly string[];
  readonly months?: readonly string[];
  /**
   * The validation's core time (every thread) as a fraction of the scope's compute time; more partitions
   * are sampled while it holds (one partition per unit is always checked).
   */
  readonly budget?: number;
  readonly maxPartitions?: number;
  /** Baseline time of the idx domain (config `baseline`): must be the run's. */
  readonly baselineTs: number;
  /** Validate only these stages' units (default: every unit). */
  readonly stages?: readonly StageName[];
  /** The units (default: the registry's); tests pass their own. */
  readonly units?: readonly Unit[];
  /** false: causality only — no stored outputs read, no lake scan (default true). */
  readonly lake?: boolean;
  /** false: no report files and no run record (default true). */
  readonly write?: boolean;
  /**
   * Worker threads of the causality battery (default: the machine's cores); ≤ 1 runs it in this thread.
   * Units passed in `units` always run in this thread (a worker rebuilds only the registry's units).
   */
  readonly workers?: number;
}

/** Validation may take this fraction of the scope's compute time: its target is at most 25 % of it. */
export const DEFAULT_BUDGET = 0.25;

export function newValidationId(now = Date.now()): string {
  return `${new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)}-validate-${randomUUID().slice(0, 8)}`;
}

export async function validate(store: Store, opts: ValidateOptions, onProgress?: (p: ValidationProgress) => void): Promise<ValidationReport> {
  const startedAt = Date.now();
  const cpu0 = process.cpuUsage();
  const spentMs = () => { const c = process.cpuUsage(cpu0); return (c.user + c.system) / 1000; };
  const runId = opts.runId ?? newValidationId(startedAt);
  const units = opts.units ?? buildUnits(registry());
  const validated = units.filter((u) => !opts.stages || opts.stages.includes(u.stage));
  const lake = opts.lake ?? true;
  const battery: BatteryOptions & { budget: number; maxPartitions: number } = {
    k: opts.k ?? DEFAULT_BATTERY.k, seed: opts.seed ?? DEFAULT_BATTERY.seed, context: opts.context ?? DEFAULT_BATTERY.context,
    horizon: opts.horizon ?? DEFAULT_BATTERY.horizon, window: opts.window ?? DEFAULT_BATTERY.window,
    boundary: opts.boundary ?? DEFAULT_BATTERY.boundary, placed: opts.placed ?? DEFAULT_BATTERY.placed,
    fromStartMaxRows: opts.fromStartMaxRows ?? DEFAULT_BATTERY.fromStartMaxRows,
    budget: opts.budget ?? DEFAULT_BUDGET, maxPartitions: opts.maxPartitions ?? Number.MAX_SAFE_INTEGER,
  };
  const index = await loadMonthIndex(store);
  const manifests = await store.getManifests();
  const done = doneManifests(manifests);
  const scope = resolveScope(validated, index, manifests, opts);
  const tally = new Tally();
  const bars = new BarCache(store, index);
  let scan = null as ScanResult | null; // the lake scan runs while the workers check the fixed partitions
  const result = await runBattery({
    store, bars, dataDir: lake ? opts.dataDir : null, scope, units: new Map(units.map((u) => [u.name, u])), index, done,
    runs: await store.getRuns(50), baselines: await baselines(store, [...index.keys()], opts.baselineTs), opts: battery, tally, onProgress,
    workers: opts.units ? 1 : opts.workers ?? availableParallelism(), spentMs,
    meanwhile: lake ? async () => { scan = await scanLake({ store, bars, dataDir: opts.dataDir, scope, index, done, tally, onProgress }); } : undefined,
  });
  // Every feature must have been through the battery: a unit without a partition with bars was not.
  for (const u of scope.units) {
    for (const c of u.columns) {
      if (tally.resultsOf(c.name).truncation === undefined) tally.feature('truncation', c.name, 'fail', { unit: u.name, message: `${c.name}: not checked (no partition of ${u.name} with bars in the scope)` });
    }
  }
  const summary = summarise(tally);
  const coreMs = spentMs();
  const checked = new Map(result.checked.map((p) => [manifestKey(p.unit, p.pair, p.month), p]));
  const report: ValidationReport = {
    format: 'bqx-validation/1', runId, createdAt: new Date().toISOString(),
    passed: summary.every((s) => s.failed === 0),
    scope: { units: scope.units.map((u) => u.name), pairs: [...scope.pairs], months: [...scope.months] },
    options: { k: battery.k, seed: battery.seed, context: battery.context, horizon: battery.horizon, window: battery.window, boundary: battery.boundary, placed: battery.placed ? 'yes' : 'no', fromStartMaxRows: battery.fromStartMaxRows, budget: battery.budget,
      warmupTolerance: WARMUP_REL_TOL, warmupToleranceTalib: WARMUP_REL_TOL_TALIB, boundTolerance: BOUND_REL_TOL },
    timing: {
      batteryMs: Math.round(result.batteryMs), coreMs: Math.round(coreMs), computeMs: result.computeMs === null ? null : Math.round(result.computeMs),
      ratio: result.computeMs ? coreMs / result.computeMs : null, scanMs: Math.round(scan?.ms ?? 0),
      scanFromStats: scan?.statsUsed ?? 0, scanFilesRead: scan?.filesRead ?? 0,
    },
    summary,
    features: scope.units.flatMap((u) => u.columns.map((c) => ({
      name: c.name, unit: u.name, role: c.role, results: tally.resultsOf(c.name),
      nonNull: scan?.nonNull.get(c.name) ?? null, outliers: scan?.outliers(c.name) ?? 0,
    }))),
    partitions: partitionsOf(scope, index).map((p) => {
      const c = checked.get(manifestKey(p.unit.name, p.pair, p.month));
      const stored = p.pairs.map((pair) => scan?.rows.get(manifestKey(p.unit.name, pair, p.month)));
      const bars = p.pairs.reduce((n, pair) => n + (index.get(pair)?.find((m) => m.month === p.month)?.bars ?? 0), 0);
      return { unit: p.unit.name, pair: p.pair, month: p.month, rows: stored.every((r) => r !== undefined) ? stored.reduce((n, r) => n + r!, 0) : null,
        bars, cuts: c?.cuts ?? [], batteryMs: c?.batteryMs ?? 0 };
    }),
    findings: sortFindings(tally.findings),
    dataVersions: scan?.dataVersions ?? {},
  };
  if (opts.write ?? true) {
    const paths = writeReport(opts.dataDir, report);
    await recordRun(store, report, paths.json, startedAt);
  }
  return report;
}

export { latestValidation, validationGate, toMarkdown, type Gate } from './report.ts';
export type { ValidationReport, ValidationProgress, Finding, CheckId, Outcome } from './types.ts';
