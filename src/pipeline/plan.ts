// The planner: which (unit, partition) tasks a run needs, the months each one reads (warm-up and
// lookahead), and their data versions = sha256 of code version + input data versions.
import { monthEnd, monthStart, type MonthKey } from '../core/time.ts';
import { sha256 } from '../core/hash.ts';
import { EVERY_PAIR, formatPartition } from '../core/partition.ts';
import type { ManifestRecord, Store } from '../store/types.ts';
import type { Unit } from './units.ts';

export interface MonthInfo { readonly month: MonthKey; readonly bars: number; readonly version: string }

/** Per loaded pair, its months with bars, in time order. */
export type MonthIndex = ReadonlyMap<string, readonly MonthInfo[]>;

export async function loadMonthIndex(store: Store): Promise<MonthIndex> {
  const idx = new Map<string, MonthInfo[]>();
  for (const r of await store.monthIndex()) {
    const list = idx.get(r.pair) ?? [];
    list.push({ month: r.month, bars: r.bars, version: r.version });
    idx.set(r.pair, list);
  }
  for (const list of idx.values()) list.sort((a, b) => (a.month < b.month ? -1 : 1));
  return idx;
}

/**
 * The months a pair partition reads: its month, the months with bars before it holding its `warmup` rows,
 * and those after it holding its `lookahead` rows — the previous and next rows of the pair however far
 * away (windows are positional and span gaps of any length, FEATURES.md §0).
 */
export function monthsRead(months: readonly MonthInfo[], month: MonthKey, warmup: number, lookahead: number): MonthInfo[] {
  const i = months.findIndex((m) => m.month === month);
  if (i < 0) return [];
  let start = i;
  for (let rows = 0; start > 0 && rows < warmup; ) rows += months[--start]!.bars;
  let end = i + 1;
  for (let rows = 0; end < months.length && rows < lookahead; ) rows += months[end++]!.bars;
  return months.slice(start, end);
}

export interface PlannedInput {
  readonly pair: string;
  readonly reads: readonly MonthInfo[];
}

export interface PlannedTask {
  readonly unit: Unit;
  /** The pair, or EVERY_PAIR ('*') for a month fan-in task. */
  readonly pair: string;
  readonly month: MonthKey;
  readonly inputs: readonly PlannedInput[];
  readonly dataVersion: string;
  readonly inputVersions: Record<string, string>;
  /** True when a done manifest with the same data version exists (and --force is off). */
  readonly upToDate: boolean;
}

export interface PlanOptions {
  readonly pairs: readonly string[];
  readonly months: readonly MonthKey[] | null; // null = every month with bars
  readonly baselines: ReadonlyMap<string, number>;
  readonly force: boolean;
}

const key = (unit: string, pair: string, month: MonthKey) => formatPartition({ unit, pair, month });

/**
 * Plans units in order (upstream first). Months needed by a downstream unit's warm-up are added to
 * its upstream units, so that every upstream row a task reads exists.
 */
export function plan(units: readonly Unit[], index: MonthIndex, manifests: readonly ManifestRecord[], opts: PlanOptions): PlannedTask[] {
  const done = new Map(manifests.filter((m) => m.status === 'done').map((m) => [key(m.stage, m.pair, m.month), m]));
  const wanted = (pair: string) => (index.get(pair) ?? []).filter((m) => opts.months === null || opts.months.includes(m.month));
  // Months per (unit, pair) to compute; widened by downstream warm-ups (processed in reverse order).
  const need = new Map<string, Map<string, Set<MonthKey>>>(); // unit → pair → months
  for (const u of units) need.set(u.name, new Map(opts.pairs.map((p) => [p, new Set(wanted(p).map((m) => m.month))])));
  const needed = (unit: string, pair: string): Set<MonthKey> => need.get(unit)?.get(pair) ?? new Set();
  for (const u of [...units].reverse()) {
    for (const [from] of u.upstream) {
      for (const p of opts.pairs) {
        const months = index.get(p) ?? [];
        for (const m of needed(u.name, p)) {
          for (const r of monthsRead(months, m, u.warmup, 0)) need.get(from)?.get(p)?.add(r.month);
        }
      }
    }
  }
  const versions = new Map<string, string>(); // planned data versions, for downstream input versions
  const tasks: PlannedTask[] = [];
  const version = (u: Unit, p: string, m: MonthKey) => versions.get(key(u.name, p, m)) ?? done.get(key(u.name, p, m))?.dataVersion ?? '';
  const upstreamVersions = (u: Unit, pair: string, reads: readonly MonthInfo[], into: Record<string, string>) => {
    for (const [from] of u.upstream) {
      const up = units.find((x) => x.name === from)!;
      for (const r of reads) {
        const p = up.kind === 'month' ? EVERY_PAIR : pair;
        into[`${from}/${p}/${r.month}`] = version(up, p, r.month);
      }
    }
  };
  for (const u of units) {
    if (u.kind === 'pair') {
      // Month after month, every pair within a month: a pair's previous month is then done (and its memo
      // kept) when its next month is sent (run.ts).
      const allMonths = [...new Set(opts.pairs.flatMap((p) => [...needed(u.name, p)]))].sort();
      for (const m of allMonths) {
        for (const p of opts.pairs) {
          if (!needed(u.name, p).has(m)) continue;
          const months = index.get(p) ?? [];
          const reads = monthsRead(months, m, u.warmup, u.lookahead);
          const inputVersions: Record<string, string> = { code: u.codeVersion, baseline: String(opts.baselines.get(p)) };
          for (const r of reads) inputVersions[`bars/${p}/${r.month}`] = r.version;
          upstreamVersions(u, p, reads.filter((r) => r.month <= m), inputVersions);
          tasks.push(finish(u, p, m, [{ pair: p, reads }], inputVersions));
        }
      }
    } else {
      const allMonths = new Set<MonthKey>();
      for (const p of opts.pairs) for (const m of needed(u.name, p)) allMonths.add(m);
      for (const m of [...allMonths].sort()) {
        const inputs = [...index.keys()].sort()
          .filter((p) => (index.get(p) ?? []).some((x) => x.month === m))
          .map((p) => ({ pair: p, reads: monthsRead(index.get(p)!, m, u.warmup, u.lookahead) }));
        const inputVersions: Record<string, string> = { code: u.codeVersion };
        for (const i of inputs) {
          inputVersions[`baseline/${i.pair}`] = String(opts.baselines.get(i.pair));
          for (const r of i.reads) inputVersions[`bars/${i.pair}/${r.month}`] = r.version;
          upstreamVersions(u, i.pair, i.reads.filter((r) => r.month <= m), inputVersions);
        }
        tasks.push(finish(u, EVERY_PAIR, m, inputs, inputVersions));
      }
    }
  }
  return tasks;

  function finish(u: Unit, pair: string, month: MonthKey, inputs: PlannedInput[], inputVersions: Record<string, string>): PlannedTask {
    const dataVersion = sha256(JSON.stringify({ unit: u.name, pair, month, inputVersions }));
    versions.set(key(u.name, pair, month), dataVersion);
    const prev = done.get(key(u.name, pair, month));
    return { unit: u, pair, month, inputs, dataVersion, inputVersions, upToDate: !opts.force && prev?.dataVersion === dataVersion };
  }
}

/** [start, end) of a month in epoch ms. */
export function monthBounds(month: MonthKey): [number, number] {
  return [monthStart(month), monthEnd(month)];
}
