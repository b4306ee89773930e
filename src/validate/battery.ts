// The temporal-causality battery over a scope: (1) on every declaration, (7) on every stored manifest,
// (2)–(6) on a sample of partitions — at least one per unit, so that every feature is checked, and more
// while the battery's time stays within `budget` × the compute time of the scope's partitions.
import { existsSync } from 'node:fs';
import { isoMinute } from '../core/time.ts';
import { readParquetFile, type ReadColumns } from '../io/parquet.ts';
import { partitionPath } from '../pipeline/lake.ts';
import type { MonthIndex } from '../pipeline/plan.ts';
import type { Unit } from '../pipeline/units.ts';
import type { ManifestRecord, RunRecord, Store } from '../store/types.ts';
import { PartitionBattery, type BatteryOptions } from './causality.ts';
import { loadPartition } from './frames.ts';
import { checkFits, checkStatic } from './provenance.ts';
import { batteryOrder, computeBasis, manifestKey, partitionsOf, type Partition, type Scope } from './scope.ts';
import type { Tally } from './tally.ts';
import type { PartitionReport, ValidationProgress } from './types.ts';

export interface BudgetOptions extends BatteryOptions {
  /** The battery may take this fraction of the scope's compute time (one partition per unit is checked regardless). */
  readonly budget: number;
  /** At most this many partitions per unit. */
  readonly maxPartitions: number;
}

export interface BatteryInput {
  readonly store: Store;
  /** Where the lake is; null: no stored outputs (the boundary check compares with recomputations only). */
  readonly dataDir: string | null;
  readonly scope: Scope;
  /** Every unit the scope's units read from, by name. */
  readonly units: ReadonlyMap<string, Unit>;
  readonly index: MonthIndex;
  readonly done: ReadonlyMap<string, ManifestRecord>;
  readonly runs: readonly RunRecord[];
  readonly baselines: ReadonlyMap<string, number>;
  readonly opts: BudgetOptions;
  readonly tally: Tally;
  readonly onProgress?: (p: ValidationProgress) => void;
}

/** A partition the battery checked: its cut points and time. */
export type CheckedPartition = Pick<PartitionReport, 'unit' | 'pair' | 'month' | 'cuts' | 'batteryMs'>;

export interface BatteryResult {
  readonly checked: CheckedPartition[];
  readonly batteryMs: number;
  readonly computeMs: number | null;
}

function storedReader(dataDir: string | null, unit: Unit, done: ReadonlyMap<string, ManifestRecord>) {
  const cache = new Map<string, ReadColumns | null>();
  return (pair: string, month: string): ReadColumns | null => {
    if (!dataDir) return null;
    const key = `${pair}|${month}`;
    if (!cache.has(key)) {
      const path = partitionPath(dataDir, unit.name, pair, month);
      const manifest = done.get(manifestKey(unit.name, unit.kind === 'month' ? '*' : pair, month));
      cache.set(key, manifest && existsSync(path) ? readParquetFile(path) : null);
    }
    return cache.get(key)!;
  };
}

export async function runBattery(input: BatteryInput): Promise<BatteryResult> {
  const { scope, opts, tally } = input;
  const t0 = performance.now();
  checkStatic(scope.units, tally);
  for (const m of input.done.values()) {
    const unit = scope.units.find((u) => u.name === m.stage);
    if (unit && scope.months.includes(m.month) && (m.pair === '*' || scope.pairs.includes(m.pair))) {
      checkFits(m.extra, { unit, pair: m.pair, month: m.month, where: 'manifest' }, tally);
    }
  }
  const parts = partitionsOf(scope, input.index);
  const computeMs = computeBasis(parts, input.runs, input.done);
  const isStored = (p: Partition, month: string) => input.dataDir !== null &&
    p.pairs.every((pair) => input.done.has(manifestKey(p.unit.name, p.pair, month)) && existsSync(partitionPath(input.dataDir!, p.unit.name, pair, month)));
  const queues = batteryOrder(parts, opts.seed, isStored);
  const checked: CheckedPartition[] = [];
  const lastMs = new Map<string, number>();
  const total = Math.min(parts.length, scope.units.length * opts.maxPartitions);

  // Rows of the data set before the partition's month (the most of its pairs).
  const rowsBefore = (p: Partition) => Math.max(...p.pairs.map((pair) => (input.index.get(pair) ?? []).filter((m) => m.month < p.month).reduce((n, m) => n + m.bars, 0)));
  const check = async (p: Partition, fromStart = false) => {
    const s0 = performance.now();
    input.onProgress?.({ phase: 'causality', done: checked.length, total, message: `${p.unit.name} ${p.pair} ${p.month}` });
    const bounded = p.unit.warmup + Math.max(p.unit.warmup, opts.context, opts.boundary);
    const history = fromStart ? Math.max(bounded, rowsBefore(p)) : bounded;
    const rows = await loadPartition(input.store, p.unit, input.units, p.month, p.pairs, input.baselines, input.index, history);
    const stored = storedReader(input.dataDir, p.unit, input.done);
    const cuts = new PartitionBattery(rows, { units: input.units, opts, stored, tally, fromStart }).run();
    const ms = performance.now() - s0;
    lastMs.set(p.unit.name, ms);
    checked.push({ unit: p.unit.name, pair: p.pair, month: p.month, cuts: cuts.map(isoMinute), batteryMs: Math.round(ms) });
  };

  // Then round-robin while the next partition is expected to fit the budget.
  // Every unit once, its (4)/(5) from the data set's start when the rows before its month are few enough.
  for (const u of scope.units) {
    const q = queues.get(u.name);
    if (!q?.length || opts.maxPartitions <= 0) continue;
    const p = q.shift()!;
    const before = rowsBefore(p);
    if (before > opts.fromStartMaxRows) {
      for (const c of u.columns) tally.feature('boundary', c.name, 'info', { unit: u.name, pair: p.pair, month: p.month,
        message: `${c.name}: no continuous run from the data set's start (${before} rows before ${p.month} > ${opts.fromStartMaxRows}); bounded runs only` });
    }
    await check(p, before <= opts.fromStartMaxRows);
  }
  const allowance = computeMs === null ? 0 : opts.budget * computeMs;
  for (let round = 1; round < opts.maxPartitions; round++) {
    let any = false;
    for (const u of scope.units) {
      const q = queues.get(u.name);
      if (!q?.length) continue;
      if (performance.now() - t0 + (lastMs.get(u.name) ?? 0) > allowance) continue;
      await check(q.shift()!);
      any = true;
    }
    if (!any) break;
  }
  input.onProgress?.({ phase: 'causality', done: checked.length, total: checked.length, message: 'done' });
  return { checked, batteryMs: performance.now() - t0, computeMs };
}
