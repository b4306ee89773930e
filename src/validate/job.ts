// The causality battery of one partition as self-contained jobs: one for the month's start — (4), (5) and
// the cut in the month's first rows — and one per other cut — (2), (3), (6) —, each with only the rows it
// reads (one transferable buffer per pair) and the stored lake files it compares with. A job runs the
// same way in this thread or in a worker thread (worker.ts); its outcomes come back as a log, replayed
// into the tally in the jobs' order.
import { rowAtOrAfter, type Bars } from '../core/types.ts';
import { readParquetFile, type ReadColumns } from '../io/parquet.ts';
import type { PoolFailure } from '../pipeline/pool.ts';
import { barsFrom } from '../pipeline/task.ts';
import type { Unit } from '../pipeline/units.ts';
import { monthWindow, PartitionBattery, planCuts, type BatteryOptions, type Cut } from './causality.ts';
import { upstreamReach, type PairRows, type PartitionRows } from './frames.ts';
import { VOLATILITY_ROWS } from './perturb.ts';
import { FeatureLog, type FeatureRecord } from './tally.ts';

export interface JobPair extends Omit<PairRows, 'bars'> {
  readonly pair: string;
  /** allocBars layout: 6 columns × n float64. */
  readonly buffer: ArrayBuffer;
  readonly n: number;
}

export type StoredFiles = readonly { readonly pair: string; readonly month: string; readonly path: string }[];

export interface BatteryJob {
  readonly id: number;
  readonly unit: string;
  readonly month: string;
  readonly pairs: readonly JobPair[];
  readonly opts: BatteryOptions;
  /** The month's start: (4), (5) and cuts[0] (if any) against the 1× span. Else: every cut on its own. */
  readonly start: boolean;
  readonly cuts: readonly Cut[];
  readonly fromStart: boolean;
  /** The stored lake partitions of the unit the checks may compare with (done manifest, file present). */
  readonly stored: StoredFiles;
  /** Rough relative cost (rows recomputed), to run the costliest jobs first. */
  readonly cost: number;
}

export type BatteryJobReply =
  | { readonly id: number; readonly ok: true; readonly records: FeatureRecord[]; readonly ms: number }
  | PoolFailure;

/** Rows [lo, hi) of each pair (allocBars layout, copied), with the month's rows shifted accordingly. */
function slice(rows: PartitionRows, range: (pair: string, r: PairRows) => readonly [number, number]): JobPair[] {
  return [...rows.pairs].map(([pair, r]) => {
    const [lo, hi] = range(pair, r), n = hi - lo;
    const buf = new Float64Array(n * 6);
    const cols: Bars[keyof Bars][] = [r.bars.ts, r.bars.open, r.bars.high, r.bars.low, r.bars.close, r.bars.volume];
    cols.forEach((c, k) => buf.set(c.subarray(lo, hi), k * n));
    const at = (i: number) => Math.min(n, Math.max(0, i - lo));
    return { pair, buffer: buf.buffer, n, baseline: r.baseline, start: at(r.start), end: at(r.end), prevStart: r.prevStart === null ? null : at(r.prevStart) };
  });
}

/** The jobs of one partition (ids from `firstId`) and its cut points. */
export function partitionJobs(rows: PartitionRows, units: ReadonlyMap<string, Unit>, opts: BatteryOptions, fromStart: boolean,
  stored: StoredFiles, firstId: number): { jobs: BatteryJob[]; cuts: number[] } {
  const unit = rows.unit, w = unit.warmup, la = unit.lookahead;
  const plan = planCuts(rows, opts);
  const { stop } = monthWindow(rows, opts);
  const fanIn = unit.kind === 'month' && rows.pairs.size > 1;
  const common = { unit: unit.name, month: rows.month, opts, fromStart, stored };
  // The start job: every row up to the compared window and its lookahead (and the month's first `window` rows, which set `stop`).
  const startPairs = slice(rows, (p, r) => [0, Math.min(r.bars.ts.length, Math.max(stop.get(p)! + la, Math.min(r.start + opts.window, r.end)))]);
  const startRows = Math.max(...startPairs.map((p) => p.n - p.start));
  const start: BatteryJob = { ...common, id: firstId, pairs: startPairs, start: true, cuts: plan.first ? [plan.cuts[0]!] : [],
    cost: rows.pairs.size * ((w + startRows) + Math.max(...startPairs.map((p) => p.n)) + (plan.first ? 2 * (w + startRows) : 0)) };
  // A cut job: the cut's spans (cut − warm-up − context to the reference's end), the upstream units' reach
  // before them, and the rows whose returns set the perturbation's volatility.
  const before = Math.max(w + opts.context + upstreamReach(unit, units), VOLATILITY_ROWS + 1);
  const cutJobs = plan.cuts.slice(plan.first ? 1 : 0).map((c, i): BatteryJob => ({
    ...common, id: firstId + 1 + i, start: false, cuts: [c], stored: [],
    pairs: slice(rows, (_, r) => {
      const after = rowAtOrAfter(r.bars.ts, c.t + 1);
      return [Math.max(0, after - before), Math.min(r.bars.ts.length, after + Math.max(opts.horizon, la + 1))];
    }),
    cost: rows.pairs.size * (fanIn ? 4 : 3) * (w + opts.context + opts.horizon),
  }));
  return { jobs: [start, ...cutJobs], cuts: plan.cuts.map((c) => c.t).sort((a, b) => a - b) };
}

/** Runs a job's checks; `units`: every unit by name (the job's and those it reads from). */
export function runJob(job: BatteryJob, units: ReadonlyMap<string, Unit>): BatteryJobReply {
  const t0 = performance.now();
  const unit = units.get(job.unit);
  if (!unit) return { id: job.id, ok: false, error: `unknown unit ${job.unit}` };
  const pairs = new Map(job.pairs.map((p) => [p.pair, { bars: barsFrom(p.buffer, p.n), baseline: p.baseline, start: p.start, end: p.end, prevStart: p.prevStart }]));
  const files = new Map(job.stored.map((s) => [`${s.pair}|${s.month}`, s.path]));
  // Read when compared and not kept: the boundary check asks for each file once, pair by pair, so at
  // most two files are held at a time (a month unit's 2 × 28 files together took gigabytes).
  const stored = (pair: string, month: string): ReadColumns | null => {
    const path = files.get(`${pair}|${month}`);
    return path === undefined ? null : readParquetFile(path);
  };
  const log = new FeatureLog();
  const battery = new PartitionBattery({ unit, month: job.month, pairs }, { units, opts: job.opts, stored, tally: log, fromStart: job.fromStart });
  if (job.start) battery.runStart(job.cuts[0] ?? null);
  else for (const c of job.cuts) battery.runCut(c);
  return { id: job.id, ok: true, records: log.records, ms: performance.now() - t0 };
}
