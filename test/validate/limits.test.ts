// Real windows that reach their theoretical limits (GBPUSD, the first days of 2017 from HistData): the
// flat window with one jump at the 2 January open puts stat_idx_w20_skew/kurt/zscore on their sharp
// bounds (hand-computed: (n−2)/√(n−1), n − 5 + 1/(n−1), (n−1)/√n for n = 20); flat windows put the BB
// bandwidth on 0 and Williams %R / stochastics on their ends. The base and ti units computed as a
// pipeline task over these rows pass the validator's range check under the range rule (core/bounds.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { boundTolerance, withinBounds } from '../../src/core/bounds.ts';
import { sliceBars } from '../../src/core/types.ts';
import { isoMinute } from '../../src/core/time.ts';
import { registry } from '../../src/features/registry.ts';
import { readHistData } from '../../src/io/ingest/histdata.ts';
import { computeMonthUnit, computePairUnit } from '../../src/pipeline/compute.ts';
import { PAIR_NAMES } from '../../src/core/currencies.ts';
import type { FeatureDef } from '../../src/features/types.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { rowAtOrAfter } from '../../src/validate/compare.ts';
import { QualityChecks } from '../../src/validate/quality.ts';
import { Tally } from '../../src/validate/tally.ts';

const DIR = fileURLToPath(new URL('../../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
const ZIP = `${DIR}HISTDATA_COM_ASCII_GBPUSD_M1_2017.zip`;
const skip = existsSync(ZIP) ? false : 'needs ../shared/data/real-fx (absent)';
const n = 20;
const SKEW = (n - 2) / Math.sqrt(n - 1), KURT = n - 5 + 1 / (n - 1), Z = (n - 1) / Math.sqrt(n);

test('GBPUSD 2 January 2017: stat, bb and ti reach their limits; nothing outside its range', { skip }, () => {
  const read = readHistData(new Uint8Array(readFileSync(ZIP)), 'HISTDATA_COM_ASCII_GBPUSD_M1_2017.zip');
  const all = read.bars;
  const bars = sliceBars(all, 0, rowAtOrAfter(all.ts, Date.UTC(2017, 0, 5))); // 2–4 January
  const units = buildUnits(registry()).filter((u) => u.name === 'base' || u.name === 'ti');
  const cols = new Map<string, Float64Array>();
  for (const u of units) {
    const r = computePairUnit(u, { pair: 'GBPUSD', bars, first: 0, count: bars.ts.length, baseline: bars.close[0]! });
    for (const [k, v] of r.outputs.get('GBPUSD')!.columns) cols.set(k, v);
  }
  const at = (iso: string) => rowAtOrAfter(bars.ts, Date.parse(iso));
  // The 20-row window ending 21:42Z: 19 equal closes and one jump (checked on the bars themselves).
  const t = at('2017-01-02T21:42Z');
  assert.equal(isoMinute(bars.ts[t]!), '2017-01-02T21:42Z');
  const w = [...bars.close.subarray(t - 19, t + 1)];
  assert.equal(new Set(w).size, 2);
  assert.equal(w.filter((x) => x === w[0]).length === 1 || w.filter((x) => x === w[19]).length === 1, true);
  const skew = cols.get('stat_idx_w20_skew')![t]!, kurt = cols.get('stat_idx_w20_kurt')![t]!;
  assert.ok(Math.abs(Math.abs(skew) - SKEW) <= boundTolerance([-SKEW, SKEW]), `skew ${skew} vs ±${SKEW}`);
  assert.ok(Math.abs(kurt - KURT) <= boundTolerance([-2, KURT]), `kurt ${kurt} vs ${KURT}`);
  const z = cols.get('stat_idx_w20_zscore')!;
  assert.ok(z.some((v) => Math.abs(Math.abs(v) - Z) <= boundTolerance([-Z, Z])), `no z-score at ±${Z}`);
  // Flat windows: bandwidth 0; %R and stochastics on their ends.
  assert.ok(cols.get('bb_idx_w20_bandwidth')!.some((v) => v === 0));
  assert.ok(cols.get('willr_idx_w15')!.some((v) => v === 0) && cols.get('willr_idx_w15')!.some((v) => v === -100));
  // The validator's range check over every column of both units.
  const tally = new Tally();
  const q = new QualityChecks(tally);
  const defs = units.flatMap((u) => u.columns);
  for (const d of defs) q.column(d, { unit: 'u', pair: 'GBPUSD', month: '2017-01' }, bars.ts, cols.get(d.name)!);
  q.finish(defs);
  const failed = tally.findings.filter((f) => f.check === 'range' && f.outcome === 'fail').map((f) => f.message);
  assert.deepEqual(failed, []);
  for (const d of defs) {
    if (!d.range) continue;
    for (const v of cols.get(d.name)!) if (v === v) assert.ok(withinBounds(v, d.range), `${d.name} ${v}`);
  }
});

/** A pair's 2017 bars up to `end` (exclusive), read by the real HistData reader. */
function barsUntil(pair: string, end: number) {
  const name = `HISTDATA_COM_ASCII_${pair}_M1_2017.zip`;
  const all = readHistData(new Uint8Array(readFileSync(`${DIR}${name}`)), name).bars;
  return sliceBars(all, 0, rowAtOrAfter(all.ts, end));
}

/** The validator's range check over `defs`, and each value inside its range by the range rule. */
function assertInRange(defs: readonly FeatureDef[], cols: ReadonlyMap<string, Float64Array>, ts: Float64Array): void {
  const tally = new Tally();
  const q = new QualityChecks(tally);
  for (const d of defs) q.column(d, { unit: 'u', pair: 'GBPUSD', month: '2017-01' }, ts, cols.get(d.name)!);
  q.finish(defs);
  assert.deepEqual(tally.findings.filter((f) => f.check === 'range' && f.outcome === 'fail').map((f) => f.message), []);
}

/** Some value of the column sits on `bound` (to the range rule's allowance). */
function reaches(cols: ReadonlyMap<string, Float64Array>, def: FeatureDef, bound: number): boolean {
  const tol = boundTolerance(def.range!);
  return cols.get(def.name)!.some((v) => Math.abs(v - bound) <= tol);
}

test('GBPUSD January 2017: regime probabilities, strength, range-bound score and squeeze rank reach their limits inside their ranges', { skip }, () => {
  // Three weeks and more: the weekly HMM needs 5,000 rows before its segment.
  const bars = barsUntil('GBPUSD', Date.UTC(2017, 0, 28));
  const unit = buildUnits(registry()).find((u) => u.name === 'regime')!;
  const cols = new Map(computePairUnit(unit, { pair: 'GBPUSD', bars, first: 0, count: bars.ts.length, baseline: bars.close[0]! }).outputs.get('GBPUSD')!.columns);
  const def = (name: string) => unit.columns.find((c) => c.name === name)!;
  for (const d of ['idx', 'bqx']) {
    // A filtered probability saturates on a decisive run: one state at 1, the others at 0.
    assert.ok(reaches(cols, def(`regime_${d}_hmm_p_turbulent`), 1), `regime_${d}_hmm_p_turbulent never 1`);
    assert.ok(reaches(cols, def(`regime_${d}_hmm_p_calm`), 0), `regime_${d}_hmm_p_calm never 0`);
    assert.ok(reaches(cols, def(`regime_${d}_regime_strength`), 1), `regime_${d}_regime_strength never 1`);
    assert.ok(reaches(cols, def(`regime_${d}_range_bound_score`), 1), `regime_${d}_range_bound_score never 1`);
    for (const b of [0, 1]) assert.ok(reaches(cols, def(`regime_${d}_bb_squeeze_pct`), b), `regime_${d}_bb_squeeze_pct never ${b}`);
  }
  assertInRange(unit.columns, cols, bars.ts);
});

test('28 pairs, 2–5 January 2017: the triangle consistency fraction reaches 0 and 1 inside its range', { skip }, () => {
  const unit = buildUnits(registry()).find((u) => u.name === 'arb')!;
  const inputs = PAIR_NAMES.map((pair) => {
    const bars = barsUntil(pair, Date.UTC(2017, 0, 6));
    return { pair, bars, first: 0, count: bars.ts.length, baseline: bars.close[0]! };
  });
  const out = computeMonthUnit(unit, '2017-01', inputs).outputs;
  const consistency = unit.columns.find((c) => c.name === 'triangular_consistency_60min')!;
  const efficiency = unit.columns.find((c) => c.name === 'cross_pair_efficiency_score')!;
  for (const pair of ['GBPUSD', 'EURUSD']) {
    const cols = new Map(out.get(pair)!.columns);
    for (const b of [0, 1]) assert.ok(reaches(cols, consistency, b), `${pair} triangular_consistency_60min never ${b}`);
    assert.ok(reaches(cols, efficiency, 1), `${pair} cross_pair_efficiency_score never 1`);
    assertInRange(unit.columns, cols, out.get(pair)!.ts);
  }
});
