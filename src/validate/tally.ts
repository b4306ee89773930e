// Accumulates the outcome of every check per feature (the worst one wins) and keeps a few findings each.
import type { CheckId, Finding, Outcome } from './types.ts';

/** Worse outcomes override better ones when a check runs on several partitions. */
const SEVERITY: Record<Outcome, number> = { pass: 0, info: 1, target: 2, unavailable: 3, fail: 4 };
/** Findings kept per (feature or partition, check, outcome); the counts keep the total. */
const KEEP = 3;

export type FindingDetail = Omit<Finding, 'check' | 'outcome' | 'feature'>;

/** Where per-feature outcomes go: the tally itself, or a log of them (a battery job in a worker thread). */
export interface FeatureSink {
  feature(check: CheckId, feature: string, outcome: Outcome, detail?: FindingDetail): void;
}

export type FeatureRecord = [check: CheckId, feature: string, outcome: Outcome, detail?: FindingDetail];

/**
 * The outcomes of one battery job in the order they were recorded; replayed into the tally in the jobs'
 * order, so that the findings kept do not depend on which job finished first.
 */
export class FeatureLog implements FeatureSink {
  readonly records: FeatureRecord[] = [];

  feature(check: CheckId, feature: string, outcome: Outcome, detail?: FindingDetail): void {
    this.records.push(detail ? [check, feature, outcome, detail] : [check, feature, outcome]);
  }

  static replay(records: readonly FeatureRecord[], into: FeatureSink): void {
    for (const [check, feature, outcome, detail] of records) into.feature(check, feature, outcome, detail);
  }
}

export class Tally implements FeatureSink {
  private readonly results = new Map<string, Map<CheckId, Outcome>>();
  private readonly kept = new Map<string, number>();
  /** Per check and outcome: how many records (for partition-level checks: partitions). */
  private readonly partitionCounts = new Map<CheckId, Map<Outcome, number>>();
  readonly findings: Finding[] = [];

  /** Records the outcome of `check` for one feature (on one partition, cut or pair). */
  feature(check: CheckId, feature: string, outcome: Outcome, detail?: FindingDetail): void {
    let byCheck = this.results.get(feature);
    if (!byCheck) this.results.set(feature, (byCheck = new Map()));
    const prev = byCheck.get(check);
    if (prev === undefined || SEVERITY[outcome] > SEVERITY[prev]) byCheck.set(check, outcome);
    if (detail) this.keep(`${feature}|${check}|${outcome}`, { check, outcome, feature, ...detail });
  }

  /** Records the outcome of a check about a whole partition (rows, timestamps). */
  partition(check: CheckId, outcome: Outcome, detail?: FindingDetail): void {
    let byOutcome = this.partitionCounts.get(check);
    if (!byOutcome) this.partitionCounts.set(check, (byOutcome = new Map()));
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    if (detail) this.keep(`${detail.unit}|${detail.pair}|${detail.month}|${check}|${outcome}`, { check, outcome, ...detail });
  }

  private keep(key: string, f: Finding): void {
    const n = this.kept.get(key) ?? 0;
    if (n >= KEEP) return;
    this.kept.set(key, n + 1);
    this.findings.push(f);
  }

  resultsOf(feature: string): Partial<Record<CheckId, Outcome>> {
    return Object.fromEntries(this.results.get(feature) ?? []);
  }

  /** Features that have an outcome for `check`, by outcome. */
  featureCounts(check: CheckId): Map<Outcome, number> {
    const out = new Map<Outcome, number>();
    for (const byCheck of this.results.values()) {
      const o = byCheck.get(check);
      if (o !== undefined) out.set(o, (out.get(o) ?? 0) + 1);
    }
    return out;
  }

  partitionCountsOf(check: CheckId): Map<Outcome, number> {
    return this.partitionCounts.get(check) ?? new Map();
  }
}
