// The file statistics (pipeline/colstats.ts) against a plain reference implementation of their
// definition (the original one: three passes, sorted strided sample, sorted absolute deviations), on
// synthetic columns built to hit every branch and on every pair unit's columns of real data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { boundTolerance, withinBounds } from '../../src/core/bounds.ts';
import { rowAtOrAfter, sliceBars } from '../../src/core/types.ts';
import { registry } from '../../src/features/registry.ts';
import type { FeatureDef } from '../../src/features/types.ts';
import { readHistData } from '../../src/io/ingest/index.ts';
import { columnStats, MAX_NAN_RUNS, OUTLIER_Z, partitionStats, type ColumnStats } from '../../src/pipeline/colstats.ts';
import { computePairUnit } from '../../src/pipeline/compute.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { rng } from '../helpers/rng.ts';

/** The definition, written plainly: NaN runs; infinities; range/discrete violations; robust z over a sorted sample of ≤ 4,096 finite values. */
function reference(def: FeatureDef, col: Float64Array, maxRuns = Infinity): ColumnStats {
  const runs: number[] = [];
  let capped = false;
  for (let i = 0; i < col.length; i++) {
    if (!Number.isNaN(col[i]!)) continue;
    let j = i;
    while (j + 1 < col.length && Number.isNaN(col[j + 1]!)) j++;
    if (runs.length / 2 >= maxRuns) capped = true;
    runs.push(i, j + 1);
    i = j;
  }
  const range = def.range ?? [-Infinity, Infinity];
  const tol = boundTolerance(range);
  const count = (pred: (x: number) => boolean, value: (x: number) => number): [number, number, number] | null => {
    const rows = [...col.keys()].filter((i) => pred(col[i]!));
    return rows.length === 0 ? null : [rows.length, rows[0]!, value(col[rows[0]!]!)];
  };
  const infinite = count((x) => x === Infinity || x === -Infinity, Math.sign);
  const outOfRange = count((x) => Number.isFinite(x) && (!withinBounds(x, range, tol) || (def.discrete !== undefined && !def.discrete.includes(x))), (x) => x);
  const stats = { nan: capped ? null : runs, infinite, range: outOfRange };
  const finite = [...col].filter(Number.isFinite);
  const step = Math.max(1, Math.ceil(finite.length / 4096));
  const sample = Float64Array.from(finite.filter((_, i) => i % step === 0)).sort();
  const median = (s: Float64Array) => (s.length === 0 ? NaN : s[s.length >> 1]!);
  const med = median(sample);
  const sigma = 1.4826 * median(sample.map((x) => Math.abs(x - med)).sort());
  if (!(sigma > 0)) return stats;
  return { ...stats, outliers: count((x) => Number.isFinite(x) && Math.abs(x - med) > OUTLIER_Z * sigma, (x) => x) };
}

const check = (def: FeatureDef, col: Float64Array, what: string, maxRuns = Infinity) =>
  assert.deepEqual(columnStats(def, col, new Float64Array(col.length), maxRuns), reference(def, col, maxRuns), what);

test('column statistics equal the reference definition on synthetic columns', () => {
  const r = rng(11);
  const plain = { name: 'x' } as unknown as FeatureDef;
  const bounded = { name: 'b', range: [-1, 1] } as unknown as FeatureDef;
  const discrete = { name: 'd', range: [-1, 1], discrete: [-1, 0, 1] } as unknown as FeatureDef;
  const n = 30_000;
  const cols: Record<string, Float64Array> = {
    empty: new Float64Array(0),
    allNaN: new Float64Array(n).fill(NaN),
    constant: new Float64Array(n).fill(0.25),
    mostlyConstant: Float64Array.from({ length: n }, (_, i) => (i % 97 === 0 ? 5 : 1)),
    gaussian: Float64Array.from({ length: n }, () => r() + r() + r() - 1.5),
    heavyTail: Float64Array.from({ length: n }, () => { const u = r(); return u < 0.001 ? 1e6 * (r() - 0.5) : r(); }),
    // Warm-up NaN prefix, NaN runs of every length, infinities of both signs, signed zeros, range violations.
    mixed: Float64Array.from({ length: n }, (_, i) => {
      if (i < 500 || (i % 1000 < i % 7)) return NaN;
      if (i % 4999 === 0) return i % 2 ? Infinity : -Infinity;
      if (i % 13 === 0) return i % 2 ? -0 : 0;
      return (r() - 0.5) * (i % 3001 === 0 ? 40 : 2);
    }),
    classes: Float64Array.from({ length: n }, (_, i) => (i < 100 ? NaN : [-1, 0, 1, 0.5][Math.floor(r() * 4)]!)),
    smallSample: Float64Array.from({ length: 3000 }, () => r()),
    twoValues: Float64Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1)),
    sortedRamp: Float64Array.from({ length: n }, (_, i) => i),
    scatteredNaN: Float64Array.from({ length: 2 * MAX_NAN_RUNS + 10 }, (_, i) => (i % 2 ? NaN : i)),
  };
  for (const [what, col] of Object.entries(cols)) {
    for (const def of [plain, bounded, discrete]) {
      check(def, col, `${what} (${def.name})`);
      check(def, col, `${what} (${def.name}, runs capped)`, MAX_NAN_RUNS);
    }
  }
});

test('outliers are decided by exactly the median and MAD of the strided sample (probes just inside and outside 10σ)', () => {
  const r = rng(5);
  for (const [n, values] of [[8_190, () => Math.floor(r() * 21)], [8_192, () => r()], [8_191, () => r() * r()]] as const) {
    // 8,190–8,192 finite values: step 2, so the sample is the even rows; the odd rows are not sampled.
    const col = new Float64Array(n);
    for (let i = 0; i < n; i += 2) col[i] = values();
    const sorted = col.filter((_, i) => i % 2 === 0).sort();
    const med = sorted[sorted.length >> 1]!;
    const sigma = 1.4826 * sorted.map((x) => Math.abs(x - med)).sort()[sorted.length >> 1]!;
    const limit = OUTLIER_Z * sigma;
    // Odd rows: the median, except probes at med ± limit·(1 ± 1e-9): only the outer ones are outliers.
    for (let i = 1; i < n; i += 2) col[i] = med;
    const probes = [1 + 1e-9, -(1 + 1e-9), 1 - 1e-9, -(1 - 1e-9)];
    for (const [k, f] of probes.entries()) col[101 + 2 * k] = med + f * limit;
    const s = columnStats({ name: 'p' } as unknown as FeatureDef, col, new Float64Array(n));
    assert.deepEqual(s.outliers, [2, 101, med + probes[0]! * limit], `n ${n}`);
  }
});

const ZIP = fileURLToPath(new URL('../../../shared/data/real-fx/parrondo__deeptrading/HISTDATA_COM_ASCII_GBPJPY_M1_2017.zip', import.meta.url));
const skip = existsSync(ZIP) ? false : 'needs ../shared/data/real-fx (absent)';

test('column and partition statistics equal the reference definition on every pair unit of real data (GBPJPY, Jan 2017)', { skip }, () => {
  const all = readHistData(new Uint8Array(readFileSync(ZIP)), ZIP).bars;
  const bars = sliceBars(all, 0, rowAtOrAfter(all.ts, Date.UTC(2017, 1, 1)));
  const upstream = new Map<string, Float64Array>();
  let columns = 0;
  for (const unit of buildUnits(registry()).filter((u) => u.kind === 'pair')) {
    const o = computePairUnit(unit, { pair: 'GBPJPY', bars, first: 0, count: bars.ts.length, baseline: bars.close[0]!, upstream }).outputs.get('GBPJPY')!;
    for (const [name, col] of o.columns) upstream.set(name, col);
    const stats = partitionStats(unit.columns, o.ts, o.columns);
    for (const [k, def] of unit.columns.entries()) {
      assert.deepEqual(stats.columns[def.name], reference(def, o.columns[k]![1], MAX_NAN_RUNS), `${unit.name} ${def.name}`);
      columns++;
    }
  }
  assert.ok(columns > 500, `${columns} columns compared`);
});
