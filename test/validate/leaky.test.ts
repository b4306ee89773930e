// Proof that the causality battery works: the tests' own families, some deliberately leaky, on a synthetic
// market. Each leak must be caught by the check meant for it, with a message naming the feature and the
// first offending row; the clean features (and a target reading the future as declared) must not fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoMinute } from '../../src/core/time.ts';
import { feature, filterMemory } from '../../src/features/define.ts';
import type { Family, FeatureDef, PairFrame, StageName } from '../../src/features/types.ts';
import { rowAtOrAfter } from '../../src/validate/compare.ts';
import { validate, type CheckId, type Finding, type ValidationReport } from '../../src/validate/index.ts';
import { checkStatic } from '../../src/validate/provenance.ts';
import { Tally } from '../../src/validate/tally.ts';
import { BASELINE_TS, marketStore, trailingMean, unitsOf } from './helpers.ts';

const def = (family: string, stage: StageName, name: string, lookback: number, extra: Partial<FeatureDef> = {}) =>
  feature({ name, family, domain: 'idx', stage, kernel: 'test', lookback, description: `test feature ${name}`, ...extra });

const pairFamily = (name: string, stage: StageName, features: FeatureDef[], compute: (f: PairFrame, out: (n: string) => Float64Array) => void): Family =>
  ({ name, stage, version: 1, partition: 'pair', features, compute: (f, out) => compute(f, out) });

const ALPHA = 0.1;
const clean = pairFamily('clean', 'base', [
  def('clean', 'base', 'clean_mean_w10', 9),
  def('clean', 'base', 'clean_ema', filterMemory(ALPHA)),
  def('clean', 'base', 'target_next', 0, { role: 'target', lookahead: 1 }),
], (f, out) => {
  trailingMean(f.close, 10, out('clean_mean_w10'));
  const e = out('clean_ema');
  for (let t = 0; t < f.n; t++) e[t] = t === 0 ? f.close[0]! : e[t - 1]! + ALPHA * (f.close[t]! - e[t - 1]!);
  const y = out('target_next');
  for (let t = 0; t < f.n; t++) y[t] = t + 1 < f.n ? f.close[t + 1]! - f.close[t]! : NaN;
});

const leaky = pairFamily('leaky', 'base', [
  def('leaky', 'base', 'leak_centred', 5),
  def('leaky', 'base', 'leak_next', 0),
  def('leaky', 'base', 'leak_zscore', 0),
  def('leaky', 'base', 'leak_short', 10), // reads 20 rows
], (f, out) => {
  const c = out('leak_centred');
  for (let t = 0; t < f.n; t++) {
    if (t < 5 || t + 5 >= f.n) { c[t] = NaN; continue; }
    let s = 0;
    for (let i = t - 5; i <= t + 5; i++) s += f.close[i]!;
    c[t] = s / 11;
  }
  const nx = out('leak_next');
  for (let t = 0; t < f.n; t++) nx[t] = t + 1 < f.n ? f.close[t + 1]! : NaN;
  let m = 0, ss = 0;
  for (let t = 0; t < f.n; t++) m += f.close[t]! / f.n;
  for (let t = 0; t < f.n; t++) ss += (f.close[t]! - m) ** 2;
  const z = out('leak_zscore');
  for (let t = 0; t < f.n; t++) z[t] = (f.close[t]! - m) / Math.sqrt(ss / f.n);
  trailingMean(f.close, 20, out('leak_short'));
});

// Alone in its unit: the unit's warm-up (10) is too short for the 30 rows it reads.
const short = pairFamily('short', 'ti', [def('short', 'ti', 'short_only', 10)], (f, out) => trailingMean(f.close, 30, out('short_only')));

// A model fitted on the whole partition, applied from its first row, its fit recorded honestly.
const model: Family = {
  name: 'model', stage: 'regime', version: 1, partition: 'pair', features: [def('model', 'regime', 'model_z', 1)],
  compute(f, out, ctx) {
    const z = out('model_z');
    let m = 0, ss = 0;
    for (let t = 1; t < f.n; t++) m += (f.close[t]! - f.close[t - 1]!) / (f.n - 1);
    for (let t = 1; t < f.n; t++) ss += (f.close[t]! - f.close[t - 1]! - m) ** 2;
    z[0] = NaN;
    for (let t = 1; t < f.n; t++) z[t] = (f.close[t]! - f.close[t - 1]! - m) / Math.sqrt(ss / (f.n - 2));
    ctx.note('fits', [{ segmentStart: new Date(f.ts[0]!).toISOString(), windowStart: new Date(f.ts[0]!).toISOString(), windowEnd: new Date(f.ts[f.n - 1]!).toISOString() }]);
  },
};

// Month fan-in: each pair reads the next pair's close, as of t (clean) and at its first bar after t (leak).
const peek: Family = {
  name: 'peek', stage: 'ci', version: 1, partition: 'month',
  features: [def('peek', 'ci', 'asof_other', 0), def('peek', 'ci', 'peek_next_other', 0)],
  computeMonth(input, out) {
    const pairs = [...input.pairs.keys()].sort();
    pairs.forEach((p, k) => {
      const x = input.pairs.get(p)!, y = input.pairs.get(pairs[(k + 1) % pairs.length]!)!;
      const asof = out(p, 'asof_other'), next = out(p, 'peek_next_other');
      for (let t = 0; t < x.n; t++) {
        const j = rowAtOrAfter(y.ts, x.ts[t]! + 1); // first bar of y after t
        asof[t] = j > 0 ? y.close[j - 1]! : NaN;
        next[t] = j < y.n ? y.close[j]! : NaN;
      }
    });
  },
};

const FAMILIES = [clean, leaky, short, model, peek];
const units = unitsOf(FAMILIES);
const { store, bars } = await marketStore();
const report: ValidationReport = await validate(store, { dataDir: '/nonexistent', baselineTs: BASELINE_TS, months: ['2024-07'], units, lake: false, write: false });
await store.close();

const findings = (name: string, check: CheckId): Finding[] => report.findings.filter((f) => f.feature === name && f.check === check);
const result = (name: string) => report.features.find((f) => f.name === name)!.results;
const cutsOf = (unit: string) => report.partitions.filter((p) => p.unit === unit).flatMap((p) => p.cuts.map((c) => ({ pair: p.pair, cut: Date.parse(c) })));

/** Every failure of `check` names the feature and its first offending row, and that row is `expected(finding)`. */
function assertCaught(name: string, check: CheckId, expected?: (f: Finding) => string[]) {
  const fs = findings(name, check).filter((f) => f.outcome === 'fail');
  assert.ok(fs.length > 0, `${name}: not caught by ${check} (results ${JSON.stringify(result(name))})`);
  for (const f of fs) {
    assert.ok(f.message.includes(name) && f.ts !== undefined && f.message.includes(f.ts), `${name}: ${f.message}`);
    if (expected) assert.ok(expected(f).includes(f.ts!), `${name}: first offending row ${f.ts}, expected one of ${expected(f).join(', ')}: ${f.message}`);
  }
}

/** ISO minute of the row `shift` rows from the cut row of each cut in `unit` on the finding's pair. */
const fromCuts = (unit: string, shift: number) => (f: Finding) => cutsOf(unit).filter((c) => c.pair === f.pair || c.pair === '*').map((c) => {
  const ts = bars.get(f.pair!)!.ts;
  return isoMinute(ts[rowAtOrAfter(ts, c.cut + 1) - 1 + shift]!);
});

test('the battery ran every unit and every feature (one partition per unit, 2 random cut points and the placed ones each)', () => {
  for (const u of units) {
    const parts = report.partitions.filter((p) => p.unit === u.name && p.cuts.length > 0);
    assert.equal(parts.length, 1, u.name);
    // July 2024: the month's end, a Friday's last bar and the Sunday open after it (= the refit boundary).
    const days = parts[0]!.cuts.map((c) => new Date(c).getUTCDay());
    assert.ok(parts[0]!.cuts.length >= 2 + 3 && days.includes(5) && days.includes(0), `${u.name}: ${parts[0]!.cuts.join(', ')}`);
    assert.ok(parts[0]!.cuts.some((c) => c.startsWith('2024-07-31T')), `${u.name}: no cut at the month's end`);
  }
  for (const f of report.features) assert.ok(f.results.truncation !== undefined, `${f.name} not checked`);
});

test('clean features pass every causality check (no false positives)', () => {
  for (const name of ['clean_mean_w10', 'clean_ema', 'asof_other']) {
    const r = result(name);
    for (const check of ['static', 'truncation', 'perturbation', 'warmup', 'boundary'] as const) assert.equal(r[check], 'pass', `${name} ${check}: ${findings(name, check)[0]?.message}`);
  }
  assert.equal(result('asof_other').cross_pair, 'pass');
});

test('a target is reported as reading the future as declared, not as an error', () => {
  const r = result('target_next');
  assert.deepEqual([r.static, r.truncation, r.perturbation, r.warmup, r.boundary], ['target', 'target', 'target', 'pass', 'pass']);
  assert.ok(findings('target_next', 'truncation').every((f) => f.outcome === 'target' && f.message.includes('reads the future as declared')));
});

test('a centred window is caught by truncation and perturbation at the row 4 rows before the cut', () => {
  assertCaught('leak_centred', 'truncation', fromCuts('base', -4));
  assertCaught('leak_centred', 'perturbation', fromCuts('base', -4));
});

test('a look-ahead of one row is caught by truncation and perturbation at the cut', () => {
  assertCaught('leak_next', 'truncation', fromCuts('base', 0));
  assertCaught('leak_next', 'perturbation', fromCuts('base', 0));
});

test('a whole-partition z-score is caught by truncation, perturbation, warm-up doubling and the boundary check', () => {
  for (const check of ['truncation', 'perturbation', 'warmup', 'boundary'] as const) assertCaught('leak_zscore', check);
});

test('the boundary check compares with a continuous run from the data set\'s first bar (once per unit)', () => {
  const first = isoMinute(Math.min(...[...bars.values()].map((b) => b.ts[0]!)));
  const fs = findings('leak_zscore', 'boundary').filter((f) => f.outcome === 'fail');
  assert.ok(fs.length > 0 && fs.every((f) => f.message.includes(`the continuous run from ${first}`)), fs.map((f) => f.message).join('; '));
  assert.equal(report.options.fromStartMaxRows, 100_000);
});

test('a declared lookback too short is caught by warm-up doubling (and, alone in its unit, by the boundary check)', () => {
  // leak_short reads 20 rows but declares 10: the first value with 10 rows of history differs.
  assertCaught('leak_short', 'warmup');
  assert.equal(result('leak_short').truncation, 'pass');
  assertCaught('short_only', 'warmup');
  assertCaught('short_only', 'boundary');
});

test('a model fitted on the whole partition is caught by the model-fit provenance and by truncation', () => {
  assertCaught('model_z', 'model_fit');
  assert.match(findings('model_z', 'model_fit')[0]!.message, /fitted on rows up to .* but applied from/);
  assertCaught('model_z', 'truncation');
});

test("a read of another pair's future bar is caught by the cross-pair check (and by perturbation)", () => {
  // The kept pair's last row at or before the cut reads the other pair's first (perturbed) bar after it.
  assertCaught('peek_next_other', 'cross_pair', fromCuts('ci', 0));
  assertCaught('peek_next_other', 'perturbation');
  assert.equal(report.passed, false);
});

test('(1) static: a feature declaring a lookahead fails, a target must declare one', () => {
  const tally = new Tally();
  const bad = units.map((u) => ({ ...u, columns: u.columns.map((c) => c.name === 'clean_ema' ? { ...c, lookahead: 2 } : c.name === 'target_next' ? { ...c, lookahead: 0 } : c) }));
  checkStatic(bad, tally);
  assert.equal(tally.resultsOf('clean_ema').static, 'fail');
  assert.equal(tally.resultsOf('target_next').static, 'fail');
  assert.equal(tally.resultsOf('clean_mean_w10').static, 'pass');
  assert.match(tally.findings.find((f) => f.feature === 'clean_ema')!.message, /clean_ema declares lookahead 2/);
});
