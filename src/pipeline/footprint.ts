// Disk footprint of a command before it writes anything: the bytes a generate, run or export will add,
// estimated from the catalog (columns per unit) and the partitions planned, and compared with the free
// space of the target file system, so that a command that cannot fit is refused up front.
import { diskSpace, fmtBytes } from '../core/disk.ts';
import { addMonths, monthEnd, monthOf, monthStart, type MonthKey } from '../core/time.ts';
import { registry } from '../features/registry.ts';
import type { StageName } from '../features/types.ts';
import { tradingWeek } from '../io/synthetic/calendar.ts';
import type { ManifestRecord, Store } from '../store/types.ts';
import { baselines } from './baseline.ts';
import { loadMonthIndex, plan, type MonthIndex, type PlannedTask } from './plan.ts';
import { buildUnits, type Unit } from './units.ts';

/**
 * Parquet bytes per stored value (one float64 cell) when the lake holds no partition to measure yet: 8 bytes
 * of PLAIN float64 plus page headers and statistics. Snappy barely shrinks noise-like doubles: the one-month
 * demo's lake measured 4.4 (cross) to 7.9 (ti, erm) bytes per value by unit, so this errs on refusing.
 */
export const DEFAULT_BYTES_PER_VALUE = 8.25;
/** Store bytes per bar (DuckDB, ts + OHLCV compressed: 15 bytes measured on the synthetic market; doubled for the WAL). */
export const STORE_BYTES_PER_BAR = 32;
/** Kept free beyond the estimate: DuckDB's WAL and checkpoints, run logs, validation reports, temp files. */
export const DISK_RESERVE = 64e6;

export interface FootprintItem { readonly what: string; readonly bytes: number }

export interface Footprint {
  readonly items: FootprintItem[];
  readonly bytes: number;
  /** Bytes per stored value used for Parquet files, and how many done partitions it was measured on (0 = the constant). */
  readonly bytesPerValue: number;
  readonly measuredOn: number;
}

export function footprint(items: FootprintItem[], bpv: { bytesPerValue: number; measuredOn: number }): Footprint {
  const kept = items.filter((i) => i.bytes > 0);
  return { items: kept, bytes: kept.reduce((n, i) => n + i.bytes, 0), ...bpv };
}

/** Bytes per value of the lake's done partitions (their recorded bytes over rows × (columns + ts)). */
export function lakeBytesPerValue(manifests: readonly ManifestRecord[], units: readonly Unit[]): { bytesPerValue: number; measuredOn: number } {
  let bytes = 0, values = 0, n = 0;
  for (const m of manifests) {
    const u = units.find((x) => x.name === m.stage);
    if (m.status !== 'done' || !u || m.rows <= 0 || m.bytes <= 0) continue;
    bytes += m.bytes;
    values += m.rows * (u.columns.length + 1);
    n++;
  }
  return n === 0 ? { bytesPerValue: DEFAULT_BYTES_PER_VALUE, measuredOn: 0 } : { bytesPerValue: bytes / values, measuredOn: n };
}

/** The units a run of `stages` computes: the selected ones and every unit they read from. */
export function selectUnits(all: readonly Unit[], stages?: readonly StageName[]): Unit[] {
  const selected = new Set(all.filter((u) => !stages || stages.includes(u.stage)).map((u) => u.name));
  for (const u of [...all].reverse()) if (selected.has(u.name)) for (const [from] of u.upstream) selected.add(from);
  return all.filter((u) => selected.has(u.name));
}

/** Rows a task writes: the bars of its month of every pair it writes. */
function taskRows(t: PlannedTask, index: MonthIndex): number {
  return t.inputs.reduce((n, i) => n + ((index.get(i.pair) ?? []).find((m) => m.month === t.month)?.bars ?? 0), 0);
}

/** Lake bytes of the tasks a run will compute (those not up to date), per unit. */
export function runItems(tasks: readonly PlannedTask[], index: MonthIndex, bytesPerValue: number): FootprintItem[] {
  const per = new Map<string, number>();
  for (const t of tasks) {
    if (t.upToDate) continue;
    per.set(t.unit.name, (per.get(t.unit.name) ?? 0) + taskRows(t, index) * (t.unit.columns.length + 1) * bytesPerValue);
  }
  return [...per].map(([unit, bytes]) => ({ what: `lake ${unit}`, bytes }));
}

/** Export bytes: every exported column (+ ts, pair) of the selected pair-months; float32 halves the values. */
export function exportItem(index: MonthIndex, sel: { pairs?: readonly string[]; months?: readonly string[]; float32?: boolean }, bytesPerValue: number): FootprintItem {
  const columns = buildUnits(registry()).reduce((n, u) => n + u.columns.length, 0) + 2;
  let rows = 0;
  for (const [pair, months] of index) {
    if (sel.pairs && !sel.pairs.includes(pair)) continue;
    for (const m of months) if (!sel.months || sel.months.includes(m.month)) rows += m.bars;
  }
  return { what: 'export', bytes: rows * columns * bytesPerValue * (sel.float32 ? 0.5 : 1) };
}

export interface RunSelection { readonly stages?: readonly StageName[]; readonly pairs?: readonly string[]; readonly months?: readonly string[]; readonly force?: boolean }

/** What `bqx run` will write into the lake, planned exactly as the run plans it. */
export async function runFootprint(store: Store, sel: RunSelection, baselineTs: number): Promise<Footprint> {
  const index = await loadMonthIndex(store);
  const units = selectUnits(buildUnits(registry()), sel.stages);
  const manifests = await store.getManifests();
  const pairs = [...index.keys()].filter((p) => !sel.pairs || sel.pairs.includes(p)).sort();
  const base = await baselines(store, pairs, baselineTs);
  const tasks = plan(units, index, manifests, { pairs, months: sel.months ?? null, baselines: base, force: sel.force === true });
  const bpv = lakeBytesPerValue(manifests, units);
  return footprint(runItems(tasks, index, bpv.bytesPerValue), bpv);
}

/** What `bqx export` will write: nothing (≈ 0) when it hard-links the lake's files (units layout on the lake's file system). */
export async function exportFootprint(store: Store, sel: { pairs?: readonly string[]; months?: readonly string[]; float32?: boolean; hardLinks?: boolean }): Promise<Footprint> {
  const index = await loadMonthIndex(store);
  const bpv = lakeBytesPerValue(await store.getManifests(), buildUnits(registry()));
  return footprint([exportItem(index, sel, sel.hardLinks ? 0 : bpv.bytesPerValue)], bpv);
}

/** Bars per pair and month that the synthetic market generates: its trading minutes (Sunday 17:00 – Friday 17:00 New York). */
export function syntheticMonthIndex(opts: { pairs: readonly string[]; from: number; months: number; to?: number }): MonthIndex {
  const first = monthOf(opts.from);
  const months: { month: MonthKey; bars: number; version: string }[] = [];
  for (let k = 0; k < opts.months; k++) {
    const month = addMonths(first, k);
    const end = opts.to === undefined ? monthEnd(month) : Math.min(monthEnd(month), opts.to);
    let bars = 0;
    for (let t = Math.max(opts.from, monthStart(month)); t < end;) {
      const w = tradingWeek(t);
      bars += Math.max(0, Math.min(end, w.close) - Math.max(t, w.open)) / 60_000;
      t = w.close;
    }
    months.push({ month, bars, version: '' });
  }
  return new Map(opts.pairs.map((p) => [p, months]));
}

/** What `bqx generate` will write into the store. */
export function generateFootprint(opts: { pairs: readonly string[]; from: number; months: number; to?: number }): Footprint {
  let bars = 0;
  for (const months of syntheticMonthIndex(opts).values()) for (const m of months) bars += m.bars;
  return footprint([{ what: 'store (bars)', bytes: bars * STORE_BYTES_PER_BAR }], { bytesPerValue: DEFAULT_BYTES_PER_VALUE, measuredOn: 0 });
}

/**
 * What `bqx start` writes on an empty store: the generated bars, the lake of every unit for the run's months
 * (and the upstream warm-up partitions the planner adds) and the export of those months.
 */
export function startFootprint(gen: { pairs: readonly string[]; from: number; months: number; to?: number }, runMonths: readonly string[] | undefined,
  opts: { float32?: boolean } = {}): Footprint {
  const index = syntheticMonthIndex(gen);
  const units = buildUnits(registry());
  const pairs = [...gen.pairs].sort();
  const tasks = plan(units, index, [], { pairs, months: runMonths ?? null, baselines: new Map(pairs.map((p) => [p, 1])), force: false });
  const bpv = DEFAULT_BYTES_PER_VALUE;
  return footprint([...generateFootprint(gen).items, ...runItems(tasks, index, bpv), exportItem(index, { months: runMonths, float32: opts.float32 }, bpv)],
    { bytesPerValue: bpv, measuredOn: 0 });
}

export interface DiskCheck {
  readonly ok: boolean;
  readonly needed: number;
  readonly free: number;
  /** The directory whose file system was measured. */
  readonly measured: string;
  /** One line: what is needed and free, and when it does not fit, how to reduce it. */
  readonly message: string;
}

/**
 * Compares a footprint (plus DISK_RESERVE) with the free space where `dir` lives. `reduce` names the
 * command's own ways to write less (e.g. "fewer months (--months)").
 */
export function checkDisk(fp: Footprint, dir: string, what: string, reduce: readonly string[]): DiskCheck {
  const { measured, free } = diskSpace(dir);
  const needed = fp.bytes + (fp.bytes > 0 ? DISK_RESERVE : 0);
  const detail = fp.items.length > 1 ? ` (${fp.items.map((i) => `${i.what} ${fmtBytes(i.bytes)}`).join(', ')})` : '';
  const ok = needed <= free;
  const head = `${what} needs about ${fmtBytes(fp.bytes)}${detail} + ${fmtBytes(DISK_RESERVE)} reserve; ${fmtBytes(free)} free on ${measured}`;
  const message = ok ? head : `not enough disk space: ${head}. Reduce it: ${reduce.join(', ')}`;
  return { ok, needed, free, measured, message };
}

/** Throws the check's message when it does not fit (commands turn it into a one-line error). */
export function assertDiskFits(fp: Footprint, dir: string, what: string, reduce: readonly string[]): DiskCheck {
  const c = checkDisk(fp, dir, what, reduce);
  if (!c.ok) throw new DiskSpaceError(c.message, c);
  return c;
}

export class DiskSpaceError extends Error {
  constructor(message: string, readonly check: DiskCheck) { super(message); }
}
