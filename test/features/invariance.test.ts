// Causality and partition invariance for EVERY implemented feature of the registry (issue 3, item 6):
// (a) truncation: recomputing on rows ≤ t gives identical values at ≤ t, for several t;
// (b) partition: a month computed alone with its declared warm-up equals the same rows of one
//     continuous multi-month run (≤ 1e-9 relative);
// (c) NaN pattern: after the first nanPrefix rows of the data set (the declared bound of rows without
//     enough history), NaN only where the value is undefined — rarely on a realistic market.
// Targets read the future: they are checked to FAIL (a), as the validator expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceBars, type Bars } from '../../src/core/types.ts';
import { registry } from '../../src/features/registry.ts';
import { buildUnits, type Unit } from '../../src/pipeline/units.ts';
import { computeMonthUnit, computePairUnit, type PairInput, type ComputeResult } from '../../src/pipeline/compute.ts';
import { firstMismatch } from '../helpers/compare.ts';
import { market, rowAt } from '../helpers/market.ts';

const FROM = Date.UTC(2024, 5, 1); // June and July 2024
const SPLIT = Date.UTC(2024, 6, 1); // the month computed alone: July
const END = Date.UTC(2024, 7, 1);
const PAIR_UNIT_PAIRS = ['EURUSD', 'USDJPY'];
const CUTS = [Date.UTC(2024, 6, 3, 13, 7), Date.UTC(2024, 6, 19, 0, 1), Date.UTC(2024, 6, 31, 20, 58)];

const units = buildUnits(registry());
const bars = market(FROM, 2);
const baselineOf = (b: Bars) => b.close[rowAt(b.ts, SPLIT)]!;

/**
 * Upstream columns (e.g. reg for erm) over bars rows [lo, hi): taken from the upstream unit's
 * continuous run, as the pipeline reads them from the lake (upstream causality is tested on its own).
 */
const continuousCache = new Map<string, ComputeResult>();
function upstreamOf(unit: Unit, pair: string, lo: number, hi: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const [from, names] of unit.upstream) {
    const up = units.find((u) => u.name === from)!;
    const key = up.kind === 'pair' ? `${up.name}|${pair}` : up.name;
    let r = continuousCache.get(key);
    if (!r) continuousCache.set(key, (r = computeUnit(up, [pair], FROM, END)));
    const cols = new Map(r.outputs.get(pair)!.columns);
    for (const n of names) out.set(n, cols.get(n)!.subarray(lo, hi));
  }
  return out;
}

/** Rows [from, to) of the data set (by time) with `warmup` earlier rows and `lookahead` later rows. */
function input(pair: string, unit: Unit, from: number, to: number, end = END): PairInput {
  const b = bars.get(pair)!;
  const s = rowAt(b.ts, from), e = rowAt(b.ts, to), last = rowAt(b.ts, end);
  const lo = Math.max(0, s - unit.warmup), hi = Math.min(last, e + unit.lookahead);
  return { pair, bars: sliceBars(b, lo, hi), first: s - lo, count: e - s, baseline: baselineOf(b), upstream: upstreamOf(unit, pair, lo, e) };
}

function computeUnit(unit: Unit, pairs: readonly string[], from: number, to: number, end = END): ComputeResult {
  if (unit.kind === 'pair') return computePairUnit(unit, input(pairs[0]!, unit, from, to, end));
  return computeMonthUnit(unit, '2024-07', [...bars.keys()].map((p) => input(p, unit, from, to, end)));
}

/** Values of `name` for `pair` at rows with ts in [from, to). */
function rowsOf(r: ComputeResult, pair: string, name: string, from: number, to: number): Float64Array {
  const o = r.outputs.get(pair)!;
  const col = o.columns.find(([n]) => n === name)![1];
  return col.subarray(rowAt(o.ts, from), rowAt(o.ts, to));
}

for (const unit of units) {
  const pairs = unit.kind === 'pair' ? PAIR_UNIT_PAIRS.map((p) => [p]) : [[...bars.keys()]];
  for (const group of pairs) {
    const checked = unit.kind === 'pair' ? group : ['EURUSD', 'USDJPY', 'AUDNZD'];
    const label = `${unit.name} [${unit.kind === 'pair' ? group[0] : 'all 28 pairs'}]`;
    let cont: ComputeResult | undefined;
    const continuousRun = () => (cont ??= computeUnit(unit, group, FROM, END));
    const features = unit.columns.filter((c) => c.role === 'feature');
    const targets = unit.columns.filter((c) => c.role === 'target');

    test(`${label}: partition invariance of ${unit.columns.length} columns (July alone with ${unit.warmup} warm-up rows = continuous run)`, () => {
      const alone = computeUnit(unit, group, SPLIT, END);
      for (const pair of checked) {
        for (const c of unit.columns) {
          const a = rowsOf(continuousRun(), pair, c.name, SPLIT, END), b = rowsOf(alone, pair, c.name, SPLIT, END);
          const i = firstMismatch(a, b, 1e-9);
          assert.equal(i, -1, `${c.name} ${pair}: July alone differs at row ${i}: ${b[i]} vs continuous ${a[i]}`);
        }
      }
    });

    test(`${label}: truncation invariance of ${features.length} features at ${CUTS.length} cut points`, () => {
      for (const cut of CUTS) {
        const truncated = computeUnit(unit, group, FROM, cut + 60_000, cut + 60_000);
        for (const pair of checked) {
          for (const c of features) {
            const a = rowsOf(continuousRun(), pair, c.name, FROM, cut + 60_000), b = rowsOf(truncated, pair, c.name, FROM, cut + 60_000);
            const i = firstMismatch(a, b, 0);
            assert.equal(i, -1, `${c.name} ${pair}: truncated at ${new Date(cut).toISOString()} differs at row ${i}: ${b[i]} vs ${a[i]}`);
          }
        }
      }
    });

    if (targets.length > 0) {
      test(`${label}: the ${targets.length} targets do read the future (truncation changes them)`, () => {
        const cut = CUTS[1]!;
        const truncated = computeUnit(unit, group, FROM, cut + 60_000, cut + 60_000);
        for (const c of targets) {
          const a = rowsOf(continuousRun(), group[0]!, c.name, FROM, cut + 60_000), b = rowsOf(truncated, group[0]!, c.name, FROM, cut + 60_000);
          assert.notEqual(firstMismatch(a, b, 0), -1, `${c.name} unchanged by truncation`);
        }
      });
    }

    test(`${label}: NaN only within the declared history prefix (and rarely where undefined)`, () => {
      for (const pair of checked) {
        for (const c of features) {
          const col = rowsOf(continuousRun(), pair, c.name, FROM, END);
          let nan = 0;
          for (let i = c.nanPrefix; i < col.length; i++) if (Number.isNaN(col[i]!)) nan++;
          const frac = nan / Math.max(1, col.length - c.nanPrefix);
          assert.ok(frac <= 0.005, `${c.name} ${pair}: ${(100 * frac).toFixed(2)}% NaN after the first ${c.nanPrefix} rows`);
          for (const v of col) assert.ok(v !== Infinity && v !== -Infinity, `${c.name} ${pair}: infinite value`);
        }
      }
    });
  }
}
