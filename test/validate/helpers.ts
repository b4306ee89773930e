// Shared pieces of the validation tests: a synthetic market in a throw-away store, a test registry of the
// tests' own families, and the pipeline's way of storing a unit's partitions (lake file + done manifest).
import type { Bars } from '../../src/core/types.ts';
import { concatBars } from '../../src/core/types.ts';
import { monthEnd, monthStart } from '../../src/core/time.ts';
import { buildRegistry } from '../../src/features/registry.ts';
import type { Family } from '../../src/features/types.ts';
import { generateMarket } from '../../src/io/synthetic.ts';
import { writeParquetFile } from '../../src/io/parquet.ts';
import { baselines } from '../../src/pipeline/baseline.ts';
import { computePairUnit } from '../../src/pipeline/compute.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { buildUnits, type Unit } from '../../src/pipeline/units.ts';
import { openStore } from '../../src/store/duckdb.ts';
import type { Store } from '../../src/store/types.ts';

export const PAIRS = ['EURGBP', 'EURUSD', 'GBPUSD'] as const;
/** June and July 2024: July is validated, June is its previous month. */
export const FROM = Date.UTC(2024, 5, 1);
export const BASELINE_TS = Date.UTC(2024, 5, 1);

/** A throw-away store holding the synthetic market (3 pairs, 2 months); `edit` may change a pair's bars first. */
export async function marketStore(edit?: (pair: string, bars: Bars) => void): Promise<{ store: Store; bars: Map<string, Bars> }> {
  const bars = generateMarket({ pairs: PAIRS, from: FROM, months: 2, seed: 3 });
  const store = await openStore(':memory:');
  for (const [pair, b] of bars) {
    edit?.(pair, b);
    await store.upsertBars(pair, b, 'synthetic');
  }
  return { store, bars };
}

export function unitsOf(families: readonly Family[]): Unit[] {
  return buildUnits(buildRegistry(families, null));
}

/** Computes a per-pair unit's partition as a pipeline task does and returns its output columns. */
export async function computeStored(store: Store, unit: Unit, pair: string, month: string) {
  const base = await baselines(store, PAIRS, BASELINE_TS);
  const start = monthStart(month), end = monthEnd(month);
  const before = await store.readBarsBefore(pair, start, unit.warmup);
  const inMonth = await store.readBars(pair, start, end);
  const bars = concatBars([before, inMonth]);
  const out = computePairUnit(unit, { pair, bars, first: before.ts.length, count: inMonth.ts.length, baseline: base.get(pair)! });
  const o = out.outputs.get(pair)!;
  return { ts: o.ts, columns: new Map(o.columns), notes: out.notes };
}

/** Writes a partition to the lake and records it done, as the pipeline would. */
export async function storePartition(store: Store, dataDir: string, unit: Unit, pair: string, month: string,
  ts: Float64Array, columns: ReadonlyMap<string, Float64Array>, dataVersion = `v-${pair}-${month}`): Promise<void> {
  const path = partitionPath(dataDir, unit.name, pair, month);
  const w = writeParquetFile(path, { ts, columns: unit.columns.map((c) => [c.name, columns.get(c.name)!] as const) });
  await store.putManifest({
    stage: unit.name, pair, month, status: 'done', codeVersion: unit.codeVersion, inputVersions: {}, dataVersion,
    rows: ts.length, bytes: w.bytes, checksum: w.checksum, path, startedAt: 1_000, finishedAt: 2_000, attempts: 1, worker: 'test', error: '', extra: {},
  });
}

/** The trailing mean of x over `w` rows into out (NaN until w rows exist): the plain definition. */
export function trailingMean(x: Float64Array, w: number, out: Float64Array): void {
  for (let t = 0; t < x.length; t++) {
    if (t < w - 1) { out[t] = NaN; continue; }
    let s = 0;
    for (let i = t - w + 1; i <= t; i++) s += x[i]!;
    out[t] = s / w;
  }
}
