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

/** The sets of discrete features, built once per definition (not per column scanned). */
const discreteSets = new WeakMap<FeatureDef, Set<number>>();
function allowedSet(def: FeatureDef): Set<number> | null {
  if (!def.discrete) return null;
  let s = discreteSets.get(def);
  if (!s) discreteSets.set(def, s = new Set(def.discrete));
  return s;
}

/**
 * The k-th smallest of a[0, n) (a is reordered): Wirth's selection, which stops on values equal to the
 * pivot, so that runs of equal values (discrete columns) stay linear. It is the value at index k of the
 * sorted array (up to the sign of a zero, which no statistic here depends on: they use |x − median|).
 */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const pivot = a[k]!;
    let i = lo, j = hi;
    do {
      while (a[i]! < pivot) i++;
      while (pivot < a[j]!) j--;
      if (i <= j) {
        const t = a[i]!; a[i] = a[j]!; a[j] = t;
        i++; j--;
      }
    } while (i <= j);
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
  return a[k]!;
}

/**
 * Median and robust σ (MAD_TO_SIGMA × median absolute deviation) of an evenly strided sample of the
 * `finite` values in scratch[0, finite): the sample (every step-th value, at most SAMPLE) is compacted
 * in place at the front of scratch, then both medians are the element at index ⌊m/2⌋ of the sorted
 * sample (NaN for no values), found by selection.
 */
function robustCentre(scratch: Float64Array, finite: number): { med: number; sigma: number } {
  const step = Math.max(1, Math.ceil(finite / SAMPLE));
  let m = 0;
  for (let i = 0; i < finite; i += step) scratch[m++] = scratch[i]!;
  if (m === 0) return { med: NaN, sigma: NaN };
  const k = m >> 1;
  const med = select(scratch, m, k);
  for (let i = 0; i < m; i++) scratch[i] = Math.abs(scratch[i]! - med);
  return { med, sigma: MAD_TO_SIGMA * select(scratch, m, k) };
}

/** The first `x` of col (scanning from `from`) for which `breaks(x)`, and how many there are; null: none. */
function violations(col: Float64Array, from: number, breaks: (x: number) => boolean): Violations {
  let first = -1, count = 0;
  for (let i = from; i < col.length; i++) {
    if (breaks(col[i]!)) { if (first < 0) first = i; count++; }
  }
  return first < 0 ? null : [count, first, col[first]!];
}

/**
 * A column's statistics (`scratch`: at least col.length floats, reused between columns). One pass finds
 * the NaN runs and infinities and gathers the finite values with their minimum and maximum; the range
 * and outlier rules are then settled by the extremes (rounding is monotonic, so no value breaks a rule
 * that neither extreme breaks) and a column is scanned again only when one of them does.
 */
export function columnStats(def: FeatureDef, col: Float64Array, scratch: Float64Array, maxRuns = Infinity): ColumnStats {
  const range = def.range ?? [-Infinity, Infinity];
  const tol = boundTolerance(range);
  const allowed = allowedSet(def);
  let inf: [number, number, number] | null = null;
  let nan: number[] | null = [];
  let finite = 0, min = Infinity, max = -Infinity, firstFinite = -1;
  const n = col.length;
  for (let i = 0; i < n; i++) {
    const x = col[i]!;
    if (x !== x) {
      const from = i;
      while (i + 1 < n && col[i + 1] !== col[i + 1]) i++;
      if (nan !== null) {
        if (nan.length / 2 >= maxRuns) nan = null;
        else nan.push(from, i + 1);
      }
      continue;
    }
    if (x === Infinity || x === -Infinity) {
      if (inf) inf[0]++; else inf = [1, i, x > 0 ? 1 : -1];
      continue;
    }
    if (firstFinite < 0) firstFinite = i;
    scratch[finite++] = x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const finiteValue = (x: number) => x === x && x !== Infinity && x !== -Infinity;
  const inRange = (x: number) => withinBounds(x, range, tol) && (allowed === null || allowed.has(x));
  const outOfRange = finite > 0 && (!withinBounds(min, range, tol) || !withinBounds(max, range, tol) || allowed !== null)
    ? violations(col, firstFinite, (x) => finiteValue(x) && !inRange(x)) : null;
  const stats = { nan, infinite: inf, range: outOfRange };
  const { med, sigma } = robustCentre(scratch, finite);
  if (!(sigma > 0)) return stats;
  const limit = OUTLIER_Z * sigma;
  // NaN fails the comparison; an infinity is never within a finite limit of med, so exclude it by hand.
  const outliers = max - med > limit || med - min > limit
    ? violations(col, firstFinite, (x) => Math.abs(x - med) > limit && x !== Infinity && x !== -Infinity) : null;
  return { ...stats, outliers };
}

/** partitionStats' scratch, kept across calls (a worker thread computes one partition's statistics after another). */
let statsScratch = new Float64Array(0);

/** The statistics of one partition's output (the worker's, before the manifest: NaN runs capped). */
export function partitionStats(defs: readonly FeatureDef[], ts: Float64Array, columns: readonly (readonly [string, Float64Array])[]): PartitionStats {
  const byName = new Map(defs.map((d) => [d.name, d]));
  if (statsScratch.length < ts.length) statsScratch = new Float64Array(ts.length);
  const scratch = statsScratch;
  const out: Record<string, ColumnStats> = {};
  for (const [name, col] of columns) {
    const def = byName.get(name);
    if (def) out[name] = columnStats(def, col, scratch, MAX_NAN_RUNS);
  }
  return { rows: ts.length, tsHash: tsHash(ts), columns: out };
}
