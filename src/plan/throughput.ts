// Measured throughput per stage unit from the run records: core-seconds per pair-month.
//
// A stage with n computed partitions on w workers runs in r = ⌈n / w⌉ rounds, so one partition takes
// wall / r and a pair-month (wall / r) · n / pairMonths seconds of one core. This counts everything the
// run spent on the stage (loading bars on the main thread, computing, writing, idle tails), so a plan
// for the same scope and workers reproduces the measured wall time exactly.
import type { StageRecord } from '../store/types.ts';

export interface Throughput {
  readonly stage: string;
  /** Median over the records used. */
  readonly coreSecondsPerPairMonth: number;
  /** Medians of the workers' own compute and write core-seconds per pair-month (shown, not used). */
  readonly computeCoreSecondsPerPairMonth: number;
  readonly writeCoreSecondsPerPairMonth: number;
  /** Bytes of stage output per pair-month (median). */
  readonly bytesPerPairMonth: number;
  /** The runs the figures rest on, newest first. */
  readonly runs: readonly string[];
}

/** Records that measure throughput: something computed, nothing failed or interrupted (its wall time holds retries or a grace period). */
export function usable(r: StageRecord): boolean {
  return r.computed > 0 && r.pairMonths > 0 && r.failed === 0 && r.pending === 0 && r.wallMs > 0 && r.workers > 0;
}

export function coreSecondsPerPairMonth(r: StageRecord): number {
  const rounds = Math.ceil(r.computed / r.workers);
  return (r.wallMs / 1000 / rounds) * (r.computed / r.pairMonths);
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Per stage, the median over its `recent` newest usable records. `records` must be newest run first
 * (as Store.getStageRecords returns them).
 */
export function throughput(records: readonly StageRecord[], recent = 5): Map<string, Throughput> {
  const byStage = new Map<string, StageRecord[]>();
  for (const r of records) {
    if (!usable(r)) continue;
    const list = byStage.get(r.stage) ?? [];
    if (list.length < recent) list.push(r);
    byStage.set(r.stage, list);
  }
  return new Map([...byStage].map(([stage, rs]) => [stage, {
    stage,
    coreSecondsPerPairMonth: median(rs.map(coreSecondsPerPairMonth)),
    computeCoreSecondsPerPairMonth: median(rs.map((r) => r.computeMs / 1000 / r.pairMonths)),
    writeCoreSecondsPerPairMonth: median(rs.map((r) => r.writeMs / 1000 / r.pairMonths)),
    bytesPerPairMonth: median(rs.map((r) => r.bytes / r.pairMonths)),
    runs: rs.map((r) => r.runId),
  }]));
}
