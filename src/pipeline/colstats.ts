// What validation needs of a stored partition, computed by the worker that writes it (and by the lake scan
// from a file it reads, the same way): the rows' timestamps as a hash, and per column where it is NaN and
// its infinities, range violations and outliers. Kept in the done manifest's `extra.stats`, so that
// validation does not decode the file again while its checksum still matches.
import { boundTolerance, withinBounds } from '../core/bounds.ts';
import { sha256 } from '../core/hash.ts';
import type { FeatureDef } from '../features/types.ts';

export const OUTLIER_Z = 10;
/** Median and MAD are estimated on an evenly strided sample of at most this many finite values. */
const SAMPLE = 4_096;
/** MAD of a normal distribution = 0.6745 σ; 1.4826 = 1 / 0.6745 makes robust z comparable to z. */
const MAD_TO_SIGMA = 1.4826;
/** A column with more NaN runs than this keeps none (null): validation then reads the column itself. */
export const MAX_NAN_RUNS = 256;

/** How many values break a rule, the first one's row and value (±1 for an infinity's sign); null: none. */
export type Violations = readonly [count: number, row: number, value: number] | null;

export interface ColumnStats {
  /** NaN rows as [from, to) runs, flattened; null when there are more than MAX_NAN_RUNS runs. */
  readonly nan: readonly number[] | null;
  readonly infinite: Violations;
  /** Finite values outside the declared range (with the rounding allowance of core/bounds.ts) or discrete set. */
  readonly range: Violations;
  /** |robust z| > OUTLIER_Z; undefined when the robust spread is 0 (constant or mostly constant columns). */
  readonly outliers?: Violations;
}

export interface PartitionStats {
  readonly rows: number;
  /** sha256 of the timestamps' float64 bytes. */
  readonly tsHash: string;
  readonly columns: Readonly<Record<string, ColumnStats>>;
}

export function tsHash(ts: Float64Array): string {
  return sha256(new Uint8Array(ts.buffer, ts.byteOffset, ts.byteLength));
}

/** NaN rows of `col` as flattened [from, to) runs; null beyond `max` runs. */
export function nanRuns(col: Float64Array, max = Infinity): number[] | null {
  const runs: number[] = [];
  for (let i = 0; i < col.length; i++) {
    if (col[i] === col[i]) continue;
    const from = i;
    while (i + 1 < col.length && col[i + 1] !== col[i + 1]) i++;
    if (runs.length / 2 >= max) return null;
    runs.push(from, i + 1);
  }
  return runs;
}

function sortedSample(values: Float64Array, n: number): Float64Array {
  const step = Math.max(1, Math.ceil(n / SAMPLE));
  const s = new Float64Array(Math.ceil(n / step));
  for (let i = 0, j = 0; i < n; i += step) s[j++] = values[i]!;
  return s.sort();
}

const median = (sorted: Float64Array) => sorted.length === 0 ? NaN : sorted[sorted.length >> 1]!;

/** A column's statistics (`scratch`: at least col.length floats, reused between columns). */
export function columnStats(def: FeatureDef, col: Float64Array, scratch: Float64Array, maxRuns = Infinity): ColumnStats {
  const range = def.range ?? [-Infinity, Infinity];
  const tol = boundTolerance(range);
  const allowed = def.discrete ? new Set(def.discrete) : null;
  let inf: [number, number, number] | null = null, out: [number, number, number] | null = null;
  let finite = 0;
  for (let i = 0; i < col.length; i++) {
    const x = col[i]!;
    if (x !== x) continue;
    if (x === Infinity || x === -Infinity) {
      if (inf) inf[0]++; else inf = [1, i, x > 0 ? 1 : -1];
      continue;
    }
    scratch[finite++] = x;
    if (!withinBounds(x, range, tol) || (allowed !== null && !allowed.has(x))) {
      if (out) out[0]++; else out = [1, i, x];
    }
  }
  const stats = { nan: nanRuns(col, maxRuns), infinite: inf, range: out };
  const sample = sortedSample(scratch, finite);
  const med = median(sample);
  const sigma = MAD_TO_SIGMA * median(sample.map((x) => Math.abs(x - med)).sort());
  if (!(sigma > 0)) return stats;
  let outliers: [number, number, number] | null = null;
  const limit = OUTLIER_Z * sigma;
  for (let i = 0; i < col.length; i++) {
    const x = col[i]!;
    if (Number.isFinite(x) && Math.abs(x - med) > limit) {
      if (outliers) outliers[0]++; else outliers = [1, i, x];
    }
  }
  return { ...stats, outliers };
}

/** The statistics of one partition's output (the worker's, before the manifest: NaN runs capped). */
export function partitionStats(defs: readonly FeatureDef[], ts: Float64Array, columns: readonly (readonly [string, Float64Array])[]): PartitionStats {
  const byName = new Map(defs.map((d) => [d.name, d]));
  const scratch = new Float64Array(ts.length);
  const out: Record<string, ColumnStats> = {};
  for (const [name, col] of columns) {
    const def = byName.get(name);
    if (def) out[name] = columnStats(def, col, scratch, MAX_NAN_RUNS);
  }
  return { rows: ts.length, tsHash: tsHash(ts), columns: out };
}
