// The erm family (FEATURES.md §3): names and declarations, values through the family (reading the reg stage's
// terms as upstream) against the numpy OLS fixtures, and causality / partition invariance across a month
// boundary on a synthetic market with real calendar gaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sliceBars, type Bars } from '../../src/core/types.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import { erm } from '../../src/features/families/erm.ts';
import { reg } from '../../src/features/families/reg.ts';
import type { PairFrame } from '../../src/features/types.ts';
import { generateMarket } from '../../src/io/synthetic.ts';
import { firstMismatch } from '../helpers/compare.ts';
import { rowAt } from '../helpers/market.ts';
import { checkRanges, frameOf, run } from './base-b-frame.ts';

const WINDOWS = [60, 90, 150, 240, 390, 630];
const METRICS = ['rmse_improvement_vs_linear', 'extrapolation_confidence', 'residual_autocorrelation', 'heteroskedasticity_measure', 'curvature_significance'];
const FIXTURE_KEY: Record<string, string> = {
  rmse_improvement_vs_linear: 'rmseImprovement', extrapolation_confidence: 'extrapolationConfidence',
  residual_autocorrelation: 'residualAutocorrelation', heteroskedasticity_measure: 'heteroskedasticity',
  curvature_significance: 'curvatureSignificance',
};

/** The frame with the reg stage's outputs (computed on `regFrame`, rows aligned) as its upstream. */
function withReg(frame: PairFrame, regFrame: PairFrame = frame): PairFrame {
  const cols = run(reg, regFrame);
  return { ...frame, upstream: (name) => cols.get(name) ?? assert.fail(`no upstream ${name}`) };
}

test('names, counts and declarations match FEATURES.md §3 (idx 30, bqx 30, stage erm)', () => {
  const expected = ['idx', 'bqx'].flatMap((d) => WINDOWS.flatMap((w) => METRICS.map((m) => `erm_${d}_w${w}_${m}`)));
  assert.deepEqual(erm.features.map((f) => f.name).sort(), expected.sort());
  for (const f of erm.features) {
    const [, d, w] = /^erm_(idx|bqx)_w(\d+)_/.exec(f.name)!;
    assert.equal(f.stage, 'erm');
    assert.equal(f.lookahead, 0);
    assert.equal(f.lookback, Number(w) - 1 + (d === 'bqx' ? 15 : 0), f.name);
    for (const term of ['quadratic_term', 'linear_term', 'constant_term']) assert.ok(f.inputs.includes(`reg_${d}_w${w}_${term}`), `${f.name} reads reg ${term}`);
  }
});

test('through the family, with reg’s terms as upstream: equal to numpy OLS within 1e-9 (real EURUSD idx and B)', () => {
  const fx = JSON.parse(readFileSync(new URL('../../fixtures/erm/erm.json', import.meta.url), 'utf8'));
  const y = Float64Array.from(fx.series.real_idx.y as number[]);
  const ones = new Float64Array(y.length).fill(1);
  const frame = frameOf({ open: y, high: y, low: y, close: y, volume: ones }); // B = w15_bqx_return of y
  const cols = run(erm, withReg(frame));
  let compared = 0;
  for (const [d, key] of [['idx', 'real_idx'], ['bqx', 'real_bqx']] as const) {
    for (const c of fx.series[key].cases) {
      for (const m of METRICS) {
        const got = cols.get(`erm_${d}_w${c.w}_${m}`)![c.t]!;
        const exp = c[FIXTURE_KEY[m]!] as number;
        assert.ok(Math.abs(got - exp) <= 1e-9 * Math.max(Math.abs(exp), 1e-3), `erm_${d}_w${c.w}_${m}[${c.t}] = ${got}, expected ${exp}`);
        compared++;
      }
    }
  }
  assert.ok(compared > 1000);
});

// A synthetic market (weekend gaps, real calendar) around the 2024-06 → 2024-07 month boundary.
const bars = generateMarket({ pairs: ['EURUSD'], from: Date.UTC(2024, 5, 24), months: 2, seed: 3 }).get('EURUSD')!;
const END = rowAt(bars.ts, Date.UTC(2024, 6, 10));
const market: Bars = sliceBars(bars, 0, END);
const BASELINE = market.close[0]!;
const frameFrom = (from: number, to = END) => buildPairFrame('EURUSD', sliceBars(market, from, to), BASELINE);
const continuous = withReg(frameFrom(0));
const full = run(erm, continuous);

test('NaN only in the declared prefix on the synthetic market, declared ranges hold', () => {
  checkRanges(erm, full);
  for (const f of erm.features) {
    const col = full.get(f.name)!;
    for (let t = 0; t < col.length; t++) {
      assert.equal(Number.isNaN(col[t]!), t < f.nanPrefix, `${f.name}[${t}] = ${col[t]} (nanPrefix ${f.nanPrefix})`);
    }
  }
});

test('partition invariance: July computed with the declared warm-up (reg recomputed there too) = continuous run', () => {
  const t0 = rowAt(market.ts, Date.UTC(2024, 6, 1));
  const warmup = Math.max(...erm.features.map((f) => f.lookback));
  const from = t0 - warmup;
  const part = withReg(frameFrom(from));
  const alone = run(erm, part);
  for (const f of erm.features) {
    const a = full.get(f.name)!.subarray(t0), b = alone.get(f.name)!.subarray(t0 - from);
    const i = firstMismatch(a, b, 1e-9);
    assert.equal(i, -1, `${f.name}: July alone differs at row ${t0 + i}: ${b[i]} vs ${a[i]}`);
  }
});

test('truncation invariance: computing on rows ≤ t (reg too) gives identical values at rows ≤ t', () => {
  for (const cut of [rowAt(market.ts, Date.UTC(2024, 6, 1)) - 1, rowAt(market.ts, Date.UTC(2024, 6, 3, 13, 7))]) {
    const part = run(erm, withReg(frameFrom(0, cut + 1)));
    for (const f of erm.features) assert.deepEqual(part.get(f.name), full.get(f.name)!.subarray(0, cut + 1), `${f.name} cut at ${cut}`);
  }
});
