// The shapes of a validation (DESIGN.md "Validation"): the checks, their outcomes, findings, the report.
import { BOUND_REL_TOL } from '../core/bounds.ts';
import { MAX_AGE_MS } from '../features/cross/common.ts';
import type { Role } from '../features/types.ts';

/**
 * Relative tolerance of checks (4) warm-up doubling and (5) partition boundary: how far a value computed
 * from a different starting row may differ (compare.ts: relative to the value or the column's typical
 * magnitude). The rolling kernels carry no rounding from rows that left the window: on real 2017 data
 * with a 7-month gap and 7–9 % level shifts the largest difference measured is 7.4e-13
 * (test/features/real-gaps.test.ts holds them to 1e-12); 1e-11 keeps a 10× margin so that rounding
 * never fails a run. TA-Lib-semantics columns (ti) keep TA-Lib's own running sums, bit for bit with
 * TA-Lib, and differ by up to 6.1e-11 (CCI across the same gap): they are held to 1e-9.
 */
export const WARMUP_REL_TOL = 1e-11;
export const WARMUP_REL_TOL_TALIB = 1e-9;

/** The tolerance of checks (4) and (5) for one column. */
export function warmupTolerance(def: { readonly family: string }): number {
  return def.family === 'ti' ? WARMUP_REL_TOL_TALIB : WARMUP_REL_TOL;
}

export const CHECKS = {
  static: { group: 'causality', title: '(1) static: lookahead 0 declared for every feature' },
  truncation: { group: 'causality', title: '(2) truncation: recomputed on rows ≤ t, values at ≤ t identical' },
  perturbation: { group: 'causality', title: '(3) future perturbation: rows > t replaced, values at ≤ t identical' },
  warmup: { group: 'causality', title: `(4) warm-up doubling: 2× warm-up equals the declared lookback (${WARMUP_REL_TOL} rel.; ti ${WARMUP_REL_TOL_TALIB})` },
  boundary: { group: 'causality', title: `(5) partition boundary: month alone equals the continuous run, once per unit from the data set’s start (${WARMUP_REL_TOL} rel.; ti ${WARMUP_REL_TOL_TALIB})` },
  cross_pair: { group: 'causality', title: "(6) cross-pair alignment (month units; a per-pair unit reads one pair): other pairs' rows > t perturbed, values at ≤ t identical" },
  model_fit: { group: 'causality', title: '(7) model fits end before the rows they are applied to' },
  rows: { group: 'completeness', title: 'rows per partition equal the bars' },
  non_null: { group: 'completeness', title: `non-null fraction after the burn-in ≥ 99.5 % (expected NaN, info: a target’s last lookahead rows of the data; a fan-in feature’s rows where a pair it reads is stale, last bar > ${MAX_AGE_MS / 60_000} min old, at t or within its lookback rows)` },
  timestamps: { group: 'quality', title: 'timestamps strictly increasing and unique' },
  finite: { group: 'quality', title: 'no ±Infinity' },
  range: { group: 'quality', title: `declared ranges (± ${BOUND_REL_TOL} · max(|lo|, |hi|, hi − lo) rounding) and discrete values` },
  outliers: { group: 'quality', title: 'outliers |robust z| > 10 (median/MAD; reported, not failed)' },
} as const;
export type CheckId = keyof typeof CHECKS;
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

/**
 * fail: an error (blocks export). target: a target reading the future as declared. unavailable: the
 * data cannot support the feature (no volume, pairs not loaded). info: reported, not failed.
 */
export type Outcome = 'pass' | 'fail' | 'target' | 'unavailable' | 'info';

export interface Finding {
  readonly check: CheckId;
  readonly outcome: Outcome;
  readonly feature?: string;
  readonly unit?: string;
  readonly pair?: string;
  readonly month?: string;
  /** The first offending row (ISO minute), when the finding is about a row. */
  readonly ts?: string;
  readonly message: string;
}

export interface CheckSummary {
  readonly check: CheckId;
  readonly title: string;
  readonly group: string;
  readonly status: 'pass' | 'fail' | 'not run';
  /** Features (or partitions, for rows/timestamps) checked, and how many of them ended in each outcome. */
  readonly checked: number;
  readonly failed: number;
  readonly targets: number;
  readonly unavailable: number;
  readonly info: number;
}

export interface FeatureReport {
  readonly name: string;
  readonly unit: string;
  readonly role: Role;
  readonly results: Partial<Record<CheckId, Outcome>>;
  /** Smallest non-null fraction after the burn-in over the pairs (null when no row was past it). */
  readonly nonNull: number | null;
  readonly outliers: number;
}

export interface PartitionReport {
  readonly unit: string;
  readonly pair: string;
  readonly month: string;
  readonly rows: number | null;
  readonly bars: number;
  /** Cut points of the causality battery (ISO), empty when the partition was not sampled. */
  readonly cuts: string[];
  readonly batteryMs: number;
}

export interface ValidationReport {
  readonly format: 'bqx-validation/1';
  readonly runId: string;
  readonly createdAt: string;
  readonly passed: boolean;
  readonly scope: { readonly units: string[]; readonly pairs: string[]; readonly months: string[] };
  readonly options: Readonly<Record<string, number | string>>;
  readonly timing: {
    /** Wall time of the causality battery (the lake scan runs on the main thread meanwhile). */
    readonly batteryMs: number;
    /** Core time of the whole validation (every thread of the process: loading, battery, scan) up to the report. */
    readonly coreMs: number;
    /** Compute time of the scope's partitions (their tasks' compute + write, from the run records / manifests): the budget's basis. */
    readonly computeMs: number | null;
    /** coreMs / computeMs: the budget's measure. */
    readonly ratio: number | null;
    readonly scanMs: number;
    /** Stored partitions the lake scan validated from their manifest's statistics, and those whose file it read. */
    readonly scanFromStats: number;
    readonly scanFilesRead: number;
  };
  readonly summary: CheckSummary[];
  readonly features: FeatureReport[];
  readonly partitions: PartitionReport[];
  /** Failures first, then targets, unavailable features and information, at most a few per feature and check. */
  readonly findings: Finding[];
  /** Data version of every partition validated ('unit|pair|month'), to tell whether it is still current. */
  readonly dataVersions: Readonly<Record<string, string>>;
}

export interface ValidationProgress {
  readonly phase: 'causality' | 'lake';
  readonly done: number;
  readonly total: number;
  readonly message: string;
}
