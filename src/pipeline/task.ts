// Executes one worker task: rebuild the bars from the transferred buffer, read upstream columns from
// the lake, compute the unit, write each pair's Parquet atomically. Runs inside a worker thread.
import { threadClock } from '../core/cpu.ts';
import type { Bars } from '../core/types.ts';
import { readParquetColumns, writeParquetFile } from '../io/parquet.ts';
import { partitionStats } from './colstats.ts';
import { LAKE_ENCODING } from './lake.ts';
import { computeMonthUnit, computePairUnit, TaskMemo, type OutputBuffers, type PairInput } from './compute.ts';
import type { Unit } from './units.ts';
import type { WorkerPairInput, WorkerReply, WorkerTask } from './protocol.ts';

export function barsFrom(buffer: ArrayBuffer, n: number): Bars {
  const col = (k: number) => new Float64Array(buffer, k * n * 8, n);
  return { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

/** Upstream columns aligned to rows [0, rows) of `ts`: the lake files must hold exactly those bars. */
async function readUpstream(input: WorkerPairInput, ts: Float64Array, rows: number): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  if (input.upstream.length === 0) return out;
  for (const file of input.upstream) for (const name of file.columns) out.set(name, new Float64Array(rows).fill(NaN));
  const covered = new Uint8Array(rows);
  for (const file of input.upstream) {
    const part = await readParquetColumns(file.path, file.columns);
    const at = alignRows(part.ts, ts, rows);
    // Usually one contiguous run of rows (a month inside the loaded span): copied as whole blocks.
    for (const [from, to, length] of runs(at)) {
      covered.fill(1, to, to + length);
      for (const name of file.columns) out.get(name)!.set(part.columns.get(name)!.subarray(from, from + length), to);
    }
  }
  const hole = covered.indexOf(0);
  if (hole >= 0) {
    throw new Error(`upstream of ${input.pair} has no row at ${new Date(ts[hole]!).toISOString()} (recompute the upstream stage)`);
  }
  return out;
}

/** For each file row, its row in ts[0, rows), or −1 (both strictly increasing: a merge walk). */
function alignRows(fileTs: Float64Array, ts: Float64Array, rows: number): Int32Array {
  const at = new Int32Array(fileTs.length).fill(-1);
  let j = 0;
  for (let i = 0; i < fileTs.length && j < rows; i++) {
    const t = fileTs[i]!;
    while (j < rows && ts[j]! < t) j++;
    if (j < rows && ts[j] === t) at[i] = j;
  }
  return at;
}

/** Maximal runs of consecutive file rows landing on consecutive rows: [file row, row, length]. */
function* runs(at: Int32Array): Generator<[number, number, number]> {
  for (let i = 0; i < at.length;) {
    if (at[i]! < 0) { i++; continue; }
    let k = i + 1;
    while (k < at.length && at[k] === at[i]! + (k - i)) k++;
    yield [i, at[i]!, k - i];
    i = k;
  }
}

/** What a worker thread keeps between tasks. */
export interface TaskEnv {
  /** Memory for the outputs, reused task after task (default: fresh per task). */
  readonly outputs?: OutputBuffers;
  /** The clock of computeMs and writeMs (default: the thread's CPU time where the system tells it, else wall time). */
  readonly clock?: () => number;
}

export async function executeTask(task: WorkerTask, units: ReadonlyMap<string, Unit>, env: TaskEnv = {}): Promise<WorkerReply> {
  const unit = units.get(task.unit);
  if (!unit) return { id: task.id, ok: false, error: `unknown unit ${task.unit}` };
  const clock = env.clock ?? threadClock;
  const t0 = clock();
  const inputs: PairInput[] = [];
  for (const i of task.inputs) {
    const bars = barsFrom(i.buffer, i.n);
    const upstream = await readUpstream(i, bars.ts, i.first + i.count);
    inputs.push({ pair: i.pair, bars, first: i.first, count: i.count, baseline: i.baseline, upstream });
  }
  const memo = new TaskMemo(task.memo);
  const result = unit.kind === 'pair' ? computePairUnit(unit, inputs[0]!, env.outputs, memo) : computeMonthUnit(unit, task.month, inputs, env.outputs);
  const t1 = clock();
  const outputs = task.inputs.map((i) => {
    const o = result.outputs.get(i.pair)!;
    // Not synced here: the thread that records the file syncs it first (run.ts, distributed/execute.ts), while this one computes on.
    const w = writeParquetFile(i.outPath, { ts: o.ts, columns: o.columns }, { metadata: task.metadata, encoding: LAKE_ENCODING }, { durable: false, direct: true });
    return { pair: i.pair, path: i.outPath, rows: o.ts.length, ...w, stats: partitionStats(unit.columns, o.ts, o.columns) };
  });
  return { id: task.id, ok: true, outputs, notes: result.notes, warnings: result.warnings, computeMs: t1 - t0, writeMs: clock() - t1,
    memo: memo.kept, memoHits: memo.hits };
}
