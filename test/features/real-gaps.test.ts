// Warm-up independence on real data with a long gap and a level shift: two periods of the real 2017
// files 7 months apart (real-gaps.ts), computed from each unit's declared warm-up before the second
// period and from a longer one. Every column must agree to 1e-12 relative (the validator's rule), except
// the TA-Lib-semantics columns of ti, whose arithmetic must stay TA-Lib's (their parity tests): they are
// held to the validator's 1e-9 and their largest difference is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registry } from '../../src/features/registry.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { realBars, realSkip, warmupDrift, type Drift } from './real-gaps.ts';

const PAIR_UNIT_PAIRS = ['GBPUSD', 'EURCHF'];
const MONTH_PAIRS = ['EURUSD', 'GBPUSD', 'EURGBP', 'EURCHF', 'USDCHF', 'USDJPY'];
const TA_LIB_TOLERANCE = 1e-9;
const TOLERANCE = 1e-12;

const units = buildUnits(registry());
let bars: ReturnType<typeof realBars> | undefined;
const data = () => (bars ??= realBars(MONTH_PAIRS));

const show = (d: Drift) => d.rel === 0 ? `${d.name} ${d.pair}: identical` : `${d.name} ${d.pair} ${d.rel.toExponential(2)} at ${new Date(d.ts).toISOString()}: ${d.a} vs ${d.b}`;

for (const unit of units) {
  const groups = unit.kind === 'pair' ? PAIR_UNIT_PAIRS.map((p) => [p]) : [MONTH_PAIRS];
  const tol = unit.name === 'ti' ? TA_LIB_TOLERANCE : TOLERANCE;
  test(`real 2017, two periods 7 months apart: ${unit.name} (${unit.columns.length} columns) from its warm-up and a longer one agree to ${tol}`, { skip: realSkip }, (t) => {
    const drifts: Drift[] = [];
    for (const g of groups) {
      const b = new Map(g.map((p) => [p, data().get(p)!]));
      drifts.push(...warmupDrift(unit, { units, bars: b, extra: Math.max(unit.warmup, 1000) }));
    }
    drifts.sort((a, b) => b.rel - a.rel);
    t.diagnostic(`largest: ${show(drifts[0]!)}`);
    const bad = drifts.filter((d) => !(d.rel <= tol));
    assert.equal(bad.length, 0, bad.slice(0, 5).map(show).join('\n'));
  });
}
