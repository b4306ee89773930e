// Computing one task's families on its frames: pure and synchronous, used by the worker threads and
// directly by tests (so the invariance tests exercise exactly what the pipeline runs).
import type { Bars } from '../core/types.ts';
import type { ComputeContext, Memo, PairFrame } from '../features/types.ts';
import { buildPairFrame } from '../features/frame.ts';
import type { Unit } from './units.ts';

export interface TaskRows {
  /** Index of the partition's first row in the loaded bars (= warm-up rows available). */
  readonly first: number;
  /** Number of rows of the partition. */
  readonly count: number;
}

export interface PairInput extends TaskRows {
  readonly pair: string;
  readonly bars: Bars;
  readonly baseline: number;
  /** Upstream columns over rows [0, first + count) of `bars`. */
  readonly upstream?: ReadonlyMap<string, Float64Array>;
}

export interface ComputeResult {
  /** Per pair: the unit's columns over the partition's rows, in unit column order (views of one buffer per pair). */
  readonly outputs: Map<string, { ts: Float64Array; columns: [string, Float64Array][] }>;
  readonly notes: Record<string, unknown>;
  readonly warnings: string[];
}

function context(notes: Record<string, unknown>, warnings: string[], prefix: string, memo?: Memo): ComputeContext {
  return { note: (k, v) => { notes[prefix + k] = v; }, warn: (m) => warnings.push(prefix + m), ...(memo ? { memo } : {}) };
}

/**
 * A task's memo: what the previous task of the same unit and pair left (`given`), and what this task takes
 * from it or adds — `kept`, handed on to the next task (so the memo holds one task's worth, not a run's).
 */
export class TaskMemo implements Memo {
  readonly kept: Record<string, unknown> = {};
  /** Values taken from `given`. */
  hits = 0;

  constructor(private readonly given: Readonly<Record<string, unknown>> = {}) {}

  get(key: string): unknown {
    if (!Object.hasOwn(this.given, key)) return this.kept[key];
    this.hits++;
    return this.kept[key] = this.given[key];
  }

  set(key: string, value: unknown): void {
    this.kept[key] = value;
  }
}

/** Column index of each declared name, per unit (built once). */
const slotsOf = new WeakMap<Unit, Map<string, number>>();
function slots(unit: Unit): Map<string, number> {
  let m = slotsOf.get(unit);
  if (!m) slotsOf.set(unit, m = new Map(unit.columns.map((c, i) => [c.name, i])));
  return m;
}

/**
 * Float64 memory for a task's output columns, kept from one task to the next by a worker thread (fresh
 * memory per task cost more than the zero fill: page faults on first touch). The outputs are views of
 * it, valid until the next task takes it, which is after the task's files and statistics are written.
 */
export class OutputBuffers {
  private buf = new Float64Array(0);

  /** `keep`: the most floats kept between tasks (a pair task's outputs fit; month fan-ins of 28 pairs take fresh memory). */
  constructor(private readonly keep = KEEP_FLOATS) {}

  /** Zeroed regions of the given lengths, one after the other. */
  take(lengths: readonly number[]): Float64Array[] {
    const total = lengths.reduce((a, b) => a + b, 0);
    let buf = this.buf;
    if (buf.length >= total) buf.fill(0, 0, total);
    else if (total <= this.keep) buf = this.buf = new Float64Array(total);
    else buf = new Float64Array(total);
    let at = 0;
    return lengths.map((len) => buf.subarray(at, at += len));
  }
}

/** 128 MB: base, the widest pair unit, needs ~70 MB for a month with its warm-up. */
const KEEP_FLOATS = 1 << 24;

/** Zeroed regions of fresh memory (tests and validation recompute call the units directly and keep the outputs). */
const fresh = { take: (lengths: readonly number[]) => lengths.map((len) => new Float64Array(len)) };

/**
 * The unit's output columns as views of one zeroed buffer of unit.columns.length × n floats, handed out on
 * request; names the unit does not declare are rejected. Columns start at zero as they always have: no
 * family was found to leave rows unwritten (every unit gives the same outputs from a NaN or 7.5 fill on
 * real data), but nothing in the family contract requires writing every row, and the fill is cheap.
 */
function outputColumns(unit: Unit, n: number, buf: Float64Array) {
  const index = slots(unit);
  const given = new Array<Float64Array | undefined>(unit.columns.length);
  const out = (name: string): Float64Array => {
    const k = index.get(name);
    if (k === undefined) throw new Error(`unit ${unit.name} wrote undeclared column ${name}`);
    return given[k] ??= buf.subarray(k * n, (k + 1) * n);
  };
  return { out, given };
}

/** The partition's rows of every column (views, no copy), with −0 made +0 in place. */
function sliceOutputs(unit: Unit, pair: string, given: readonly (Float64Array | undefined)[], ts: Float64Array, rows: TaskRows) {
  const end = rows.first + rows.count;
  const columns: [string, Float64Array][] = [];
  for (let k = 0; k < unit.columns.length; k++) {
    const col = given[k];
    if (!col) throw new Error(`unit ${unit.name}: ${pair} has no value for ${unit.columns[k]!.name}`);
    const part = col.subarray(rows.first, end);
    positiveZeros(part);
    columns.push([unit.columns[k]!.name, part]);
  }
  return { ts: ts.subarray(rows.first, end), columns };
}

/**
 * −0 becomes +0: the sign of a zero carries no information here, and Parquet writers that
 * dictionary-encode doubles (DuckDB's) would not keep it, so exports stay bit-exact.
 */
function positiveZeros(a: Float64Array): void {
  for (let i = 0; i < a.length; i++) if (a[i] === 0) a[i] = 0;
}

function frameOf(input: PairInput): PairFrame {
  return { ...buildPairFrame(input.pair, input.bars, input.baseline, input.upstream), first: input.first };
}

/** `buffers`: where the outputs go (default fresh memory; a worker passes its OutputBuffers); `memo`: see Memo. */
export function computePairUnit(unit: Unit, input: PairInput, buffers: Pick<OutputBuffers, 'take'> = fresh, memo?: Memo): ComputeResult {
  const frame = frameOf(input);
  const notes: Record<string, unknown> = {};
  const warnings: string[] = [];
  const { out, given } = outputColumns(unit, frame.n, buffers.take([unit.columns.length * frame.n])[0]!);
  for (const fam of unit.families) fam.compute!(frame, out, context(notes, warnings, fam.name + ': ', memo));
  const outputs = new Map([[input.pair, sliceOutputs(unit, input.pair, given, frame.ts, input)]]);
  return { outputs, notes, warnings };
}

/** A month fan-in task: every loaded pair's frame; writes each pair's columns over its own rows. */
export function computeMonthUnit(unit: Unit, month: string, inputs: readonly PairInput[], buffers: Pick<OutputBuffers, 'take'> = fresh): ComputeResult {
  const frames = new Map(inputs.map((i) => [i.pair, frameOf(i)]));
  const notes: Record<string, unknown> = {};
  const warnings: string[] = [];
  const bufs = buffers.take(inputs.map((i) => unit.columns.length * i.bars.ts.length));
  const perPair = new Map(inputs.map((i, k) => [i.pair, outputColumns(unit, i.bars.ts.length, bufs[k]!)]));
  const out = (pair: string, name: string) => {
    const o = perPair.get(pair);
    if (!o) throw new Error(`unit ${unit.name} wrote ${name} for ${pair}, which is not loaded`);
    return o.out(name);
  };
  for (const fam of unit.families) fam.computeMonth!({ month, pairs: frames }, out, context(notes, warnings, fam.name + ': '));
  const outputs = new Map(inputs.map((i) => [i.pair, sliceOutputs(unit, i.pair, perPair.get(i.pair)!.given, i.bars.ts, i)]));
  return { outputs, notes, warnings };
}
