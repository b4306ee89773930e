// What a validation covers (units × pairs × months), which partitions the causality battery samples and
// in what order (deterministic for a seed), and the compute time its budget is measured against.
import { formatPartition } from '../core/partition.ts';
import { addMonths } from '../core/time.ts';
import { Rng, seedKey } from '../io/synthetic/prng.ts';
import type { MonthIndex } from '../pipeline/plan.ts';
import type { Unit } from '../pipeline/units.ts';
import type { ManifestRecord, RunRecord } from '../store/types.ts';

export interface Scope {
  readonly units: readonly Unit[];
  readonly pairs: readonly string[];
  readonly months: readonly string[];
}

/** One partition of one unit: a pair's month, or (month units) a month of every pair with bars. */
export interface Partition {
  readonly unit: Unit;
  /** The pair, or '*' for a month unit. */
  readonly pair: string;
  readonly month: string;
  /** The pairs its task reads. */
  readonly pairs: readonly string[];
}

export const manifestKey = (unit: string, pair: string, month: string) => formatPartition({ unit, pair, month });

export function doneManifests(manifests: readonly ManifestRecord[]): Map<string, ManifestRecord> {
  return new Map(manifests.filter((m) => m.status === 'done').map((m) => [manifestKey(m.stage, m.pair, m.month), m]));
}

const monthsWithBars = (index: MonthIndex, pairs: readonly string[]) =>
  [...new Set(pairs.flatMap((p) => (index.get(p) ?? []).map((m) => m.month)))].sort();

/**
 * Pairs default to every loaded pair; months to those in which every unit has computed something (the
 * months a run covered, not the earlier ones computed only as an upstream's warm-up), else every month
 * with bars.
 */
export function resolveScope(units: readonly Unit[], index: MonthIndex, manifests: readonly ManifestRecord[],
  opts: { pairs?: readonly string[]; months?: readonly string[] }): Scope {
  const pairs = (opts.pairs ?? [...index.keys()]).filter((p) => index.has(p)).sort();
  let months = opts.months ? [...opts.months].sort() : null;
  if (!months) {
    const done = manifests.filter((m) => m.status === 'done');
    const per = units.map((u) => new Set(done.filter((m) => m.stage === u.name).map((m) => m.month)));
    const all = monthsWithBars(index, pairs);
    const covered = all.filter((m) => per.every((s) => s.has(m)));
    months = covered.length > 0 ? covered : all;
  }
  return { units, pairs, months };
}

/** Every partition of the scope that has bars. */
export function partitionsOf(scope: Scope, index: MonthIndex): Partition[] {
  const has = (p: string, m: string) => (index.get(p) ?? []).some((x) => x.month === m);
  const out: Partition[] = [];
  for (const unit of scope.units) {
    for (const month of scope.months) {
      const pairs = scope.pairs.filter((p) => has(p, month));
      if (unit.kind === 'month') { if (pairs.length > 0) out.push({ unit, pair: '*', month, pairs }); }
      else for (const p of pairs) out.push({ unit, pair: p, month, pairs: [p] });
    }
  }
  return out;
}

/**
 * The battery's order of partitions per unit: shuffled for the seed, those whose previous month is
 * stored first (their boundary check compares both sides of the boundary with the lake).
 */
export function batteryOrder(parts: readonly Partition[], seed: number, stored: (p: Partition, month: string) => boolean): Map<string, Partition[]> {
  const rng = new Rng(seedKey(seed), 0x7a11d);
  const keyed = parts.map((p) => ({ p, prev: stored(p, addMonths(p.month, -1)) ? 0 : 1, r: rng.uniform() }));
  keyed.sort((a, b) => a.prev - b.prev || a.r - b.r);
  const out = new Map<string, Partition[]>();
  for (const { p } of keyed) out.set(p.unit.name, [...(out.get(p.unit.name) ?? []), p]);
  return out;
}

interface UnitRunSummary { unit: string; done: number; computeMs: number; writeMs?: number }

/**
 * Mean time of one task per unit, computing and writing its partition (what the compute phase spends on
 * it, as a manifest's duration measures it): from the latest run that computed the unit (run records),
 * else the mean duration of its done manifests.
 */
export function taskComputeMs(runs: readonly RunRecord[], manifests: ReadonlyMap<string, ManifestRecord>): Map<string, number> {
  const perTask = new Map<string, number>();
  for (const r of runs) { // newest first
    const units = (r.summary as { units?: UnitRunSummary[] }).units;
    if (!Array.isArray(units)) continue;
    for (const u of units) if (u.done > 0 && u.computeMs > 0 && !perTask.has(u.unit)) perTask.set(u.unit, (u.computeMs + (u.writeMs ?? 0)) / u.done);
  }
  const durations = new Map<string, number[]>();
  for (const m of manifests.values()) if (m.finishedAt > m.startedAt) durations.set(m.stage, [...(durations.get(m.stage) ?? []), m.finishedAt - m.startedAt]);
  for (const [unit, d] of durations) if (!perTask.has(unit)) perTask.set(unit, d.reduce((s, x) => s + x, 0) / d.length);
  return perTask;
}

/** Compute time of the scope's partitions (taskComputeMs per partition); null when a unit has none. */
export function computeBasis(parts: readonly Partition[], perTask: ReadonlyMap<string, number>): number | null {
  let total = 0;
  for (const p of parts) {
    const ms = perTask.get(p.unit.name);
    if (ms === undefined) return null;
    total += ms;
  }
  return total;
}
