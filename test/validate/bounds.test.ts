// The range rule (core/bounds.ts) at its limits, with hand-computed tolerances: the validator's range
// check accepts rounding at a theoretical limit and reports anything further out; the ti clamp absorbs
// only rounding and leaves a value truly outside its range as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOUND_NOTE, BOUND_REL_TOL, boundTolerance, clampRounding, withinBounds } from '../../src/core/bounds.ts';
import { feature } from '../../src/features/define.ts';
import { registry } from '../../src/features/registry.ts';
import { QualityChecks } from '../../src/validate/quality.ts';
import { Tally } from '../../src/validate/tally.ts';

const f64 = (...x: number[]) => Float64Array.from(x);

// Theoretical limits of a 20-row window of n − 1 equal values and one jump (population moments,
// z-score with the sample std): skew = (n − 2)/√(n − 1), kurt = (n² − 3n + 3)/(n − 1) − 3, z = (n − 1)/√n.
const n = 20;
const SKEW = (n - 2) / Math.sqrt(n - 1), KURT = (n * n - 3 * n + 3) / (n - 1) - 3, Z = (n - 1) / Math.sqrt(n);

test('the tolerance is 1e-9 · max(|lo|, |hi|, hi − lo) over the finite terms, 0 without a magnitude', () => {
  assert.equal(BOUND_REL_TOL, 1e-9);
  assert.equal(boundTolerance([-1, 1]), 2e-9);
  assert.equal(boundTolerance([0, 1]), 1e-9);
  assert.equal(boundTolerance([0, 100]), 1e-9 * 100);
  assert.equal(boundTolerance([-2, 15]), 17e-9);
  assert.equal(boundTolerance([-10_000, Infinity]), 1e-5);
  assert.equal(boundTolerance([0, Infinity]), 0);
  assert.equal(boundTolerance([-Infinity, Infinity]), 0);
});

test('withinBounds at the limits: the allowance is inclusive, one step past it is out, NaN is never inside', () => {
  assert.ok(withinBounds(1 + 2e-9, [-1, 1]));
  assert.ok(withinBounds(-1 - 2e-9, [-1, 1]));
  assert.ok(!withinBounds(1 + 2.1e-9, [-1, 1]));
  assert.ok(!withinBounds(-1 - 2.1e-9, [-1, 1]));
  assert.ok(withinBounds(0, [0, Infinity]) && withinBounds(1e300, [0, Infinity]));
  assert.ok(!withinBounds(-Number.MIN_VALUE, [0, Infinity]), '[0, ∞) has no allowance');
  assert.ok(!withinBounds(NaN, [0, 1]));
  // The values real data produced (GBPUSD 2017-01-02T21:42Z and 21:45Z; triangles with 28 pairs).
  assert.ok(withinBounds(-4.1294832096701155, [-SKEW, SKEW]));
  assert.ok(withinBounds(15.052631578947377, [-2, KURT]));
  assert.ok(withinBounds(-4.248529157251169, [-Z, Z]));
  assert.ok(withinBounds(-2.2e-16, [0, 1]));
  // The same statistics by more than rounding: out.
  assert.ok(!withinBounds(-SKEW - 1e-7, [-SKEW, SKEW]));
  assert.ok(!withinBounds(KURT + 1e-7, [-2, KURT]));
});

test('the stat ranges are the hand-computed limits', () => {
  const def = registry().byName;
  assert.deepEqual(def.get('stat_idx_w20_skew')!.range, [-SKEW, SKEW]);
  const [klo, khi] = def.get('stat_idx_w20_kurt')!.range!;
  assert.equal(klo, -2);
  assert.ok(Math.abs(khi - KURT) <= 2 * Number.EPSILON * KURT, `${khi} vs ${KURT}`); // n − 5 + 1/(n − 1): the same number, other rounding
  assert.deepEqual(def.get('stat_idx_w20_zscore')!.range, [-Z, Z]);
});

test('the range check reports a value past the allowance and only that one', () => {
  const tally = new Tally();
  const q = new QualityChecks(tally);
  const where = { unit: 'stat', pair: 'GBPUSD', month: '2017-01' };
  const ok = feature({ name: 'ok', family: 'x', domain: 'idx', stage: 'base', kernel: 'k', lookback: 0, description: 'a test feature', range: [-1, 1] });
  const bad = { ...ok, name: 'bad' };
  const ts = f64(0, 60_000, 120_000);
  q.column(ok, where, ts, f64(1 + 2e-9, -1 - 1e-9, 0.5));
  q.column(bad, where, ts, f64(0, 1 + 3e-9, -1 - 5e-9));
  q.finish([ok, bad]);
  assert.equal(tally.resultsOf('ok').range, 'pass');
  assert.equal(tally.resultsOf('bad').range, 'fail');
  const f = tally.findings.find((x) => x.feature === 'bad' && x.check === 'range')!;
  assert.match(f.message, /2 values outside the declared range \[-1, 1\] \(± 2e-9 rounding\), the first 1\.000000003/);
});

test('clampRounding: rounding is set to the bound, a value further out and NaN are left as they are', () => {
  // ti's ranges: [0, 100] (tol 1e-7), [-100, 0] (tol 1e-7), [-1, 1] (tol 2e-9).
  const pct = f64(100.00000000000001, -1e-12, 100 + 1e-7, 100 + 1.1e-7, -0.5, 150, NaN, 42);
  clampRounding(pct, [0, 100]);
  assert.deepEqual([...pct], [100, 0, 100, 100 + 1.1e-7, -0.5, 150, NaN, 42]);
  const willr = f64(1e-14, -100 - 1e-9, 3);
  clampRounding(willr, [-100, 0]);
  assert.deepEqual([...willr], [0, -100, 3]);
  const unit = f64(1 + 1e-9, -1 - 3e-9);
  clampRounding(unit, [-1, 1]);
  assert.deepEqual([...unit], [1, -1 - 3e-9]);
});

test('every bounded feature states the rule in its notes; a range without it is refused', () => {
  const bounded = registry().all.filter((f) => f.range);
  assert.ok(bounded.length > 300);
  for (const f of bounded) assert.ok(f.notes?.endsWith(BOUND_NOTE), f.name);
  assert.match(registry().byName.get('regime_idx_hurst_exponent')!.notes!, /clamp to \[0, 1\] is part of FEATURES\.md/);
  assert.equal(registry().byName.get('stat_idx_w20_mean')!.notes?.includes(BOUND_NOTE) ?? false, false, 'unbounded: no rule');
});
