// Computing one task's families on its frames: pure and synchronous, used by the worker threads and
// directly by tests (so the invariance tests exercise exactly what the pipeline runs).
import type { Bars } from '../core/types.ts';
import type { ComputeContext, PairFrame } from '../features/types.ts';
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
  /** Per pair: the unit's columns over the partition's rows, in unit column order. */
  readonly outputs: Map<string, { ts: Float64Array; columns: [string, Float64Array][] }>;
  readonly notes: Record<string, unknown>;
  readonly warnings: string[];
}

function context(notes: Record<string, unknown>, warnings: string[], prefix: string): ComputeContext {
  return { note: (k, v) => { notes[prefix + k] = v; }, warn: (m) => warnings.push(prefix + m) };
}

/** Allocates output columns on first request and rejects names the unit does not declare. */
function outputColumns(unit: Unit, n: number) {
  const declared = new Set(unit.columns.map((c) => c.name));
  const cols = new Map<string, Float64Array>();
  const out = (name: string): Float64Array => {
    let c = cols.get(name);
    if (!c) {
      if (!declared.has(name)) throw new Error(`unit ${unit.name} wrote undeclared column ${name}`);
      c = new Float64Array(n);
      cols.set(name, c);
    }
    return c;
  };
  return { out, cols };
}

function sliceOutputs(unit: Unit, pair: string, cols: Map<string, Float64Array>, ts: Float64Array, rows: TaskRows) {
  const end = rows.first + rows.count;
  const columns: [string, Float64Array][] = unit.columns.map((c) => {
    const col = cols.get(c.name);
    if (!col) throw new Error(`unit ${unit.name}: ${pair} has no value for ${c.name}`);
    const part = col.slice(rows.first, end);
    // −0 becomes +0: the sign of a zero carries no information here, and Parquet writers that
    // dictionary-encode doubles (DuckDB's) would not keep it, so exports stay bit-exact.
    for (let i = 0; i < part.length; i++) if (part[i] === 0) part[i] = 0;
    return [c.name, part];
  });
  return { ts: ts.slice(rows.first, end), columns };
}

function frameOf(input: PairInput): PairFrame {
  return buildPairFrame(input.pair, input.bars, input.baseline, input.upstream);
}

export function computePairUnit(unit: Unit, input: PairInput): ComputeResult {
  const frame = frameOf(input);
  const notes: Record<string, unknown> = {};
  const warnings: string[] = [];
  const { out, cols } = outputColumns(unit, frame.n);
  for (const fam of unit.families) fam.compute!(frame, out, context(notes, warnings, fam.name + ': '));
  const outputs = new Map([[input.pair, sliceOutputs(unit, input.pair, cols, frame.ts, input)]]);
  return { outputs, notes, warnings };
}

/** A month fan-in task: every loaded pair's frame; writes each pair's columns over its own rows. */
export function computeMonthUnit(unit: Unit, month: string, inputs: readonly PairInput[]): ComputeResult {
  const frames = new Map(inputs.map((i) => [i.pair, frameOf(i)]));
  const notes: Record<string, unknown> = {};
  const warnings: string[] = [];
  const perPair = new Map(inputs.map((i) => [i.pair, outputColumns(unit, i.bars.ts.length)]));
  const out = (pair: string, name: string) => {
    const o = perPair.get(pair);
    if (!o) throw new Error(`unit ${unit.name} wrote ${name} for ${pair}, which is not loaded`);
    return o.out(name);
  };
  for (const fam of unit.families) fam.computeMonth!({ month, pairs: frames }, out, context(notes, warnings, fam.name + ': '));
  const outputs = new Map(inputs.map((i) => [i.pair, sliceOutputs(unit, i.pair, perPair.get(i.pair)!.cols, i.bars.ts, i)]));
  return { outputs, notes, warnings };
}
