// Rare leaks planted in the real registry's code paths: the real bqx and targets families (one base
// unit, which loads the targets' lookahead rows past the month end), with three columns made to read the
// next bar on one kind of row only — a Friday's last bar, the month's last bar, the first bar after the
// regime HMM's Saturday 00:00 UTC refit boundary (regime.ts segmentStarts). The battery with its default
// options catches each at exactly that row; without the placed cuts it does not. The real columns pass
// and the real targets read the future as declared; a target that stops reading the future fails truncation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoMinute, monthOf } from '../../src/core/time.ts';
import { bqx } from '../../src/features/families/bqx.ts';
import { segmentStarts } from '../../src/features/families/regime.ts';
import { targets } from '../../src/features/families/targets.ts';
import type { Family, PairFrame } from '../../src/features/types.ts';
import { generateMarket } from '../../src/io/synthetic.ts';
import { openStore } from '../../src/store/duckdb.ts';
import { validate, type ValidationReport } from '../../src/validate/index.ts';
import { BASELINE_TS, FROM, PAIRS, unitsOf } from './helpers.ts';

const DAY = 86_400_000;
const fridayLast = (ts: Float64Array, t: number) => t + 1 < ts.length && ts[t + 1]! - ts[t]! >= DAY && new Date(ts[t]!).getUTCDay() === 5;
const monthLast = (ts: Float64Array, t: number) => t + 1 < ts.length && monthOf(ts[t + 1]!) !== monthOf(ts[t]!);
const LEAKS = {
  w15_bqx_return: (f: PairFrame) => (t: number) => fridayLast(f.ts, t),
  w15_bqx_max: (f: PairFrame) => (t: number) => monthLast(f.ts, t),
  w15_bqx_min: (f: PairFrame) => { const s = new Set(segmentStarts(f.ts).filter((r) => r > 0)); return (t: number) => s.has(t); },
} as const;

/** The real bqx family, with each leaky column replaced on its rows by the next bar's close. */
const leakyBqx: Family = {
  ...bqx, name: 'bqx',
  compute(frame, out, ctx) {
    bqx.compute!(frame, out, ctx);
    for (const [name, rowsOf] of Object.entries(LEAKS)) {
      const at = rowsOf(frame), col = out(name);
      for (let t = 0; t + 1 < frame.n; t++) if (at(t)) col[t] = frame.close[t + 1]!;
    }
  },
};

/** target_bqx_h15 made to read the past (its declared lookahead unused); target_bqx_h45 undefined. */
const staleTargets: Family = {
  ...targets,
  compute(frame, out, ctx) {
    targets.compute!(frame, out, ctx);
    const y = out('target_bqx_h15');
    for (let t = 0; t < frame.n; t++) y[t] = t > 0 ? frame.close[t]! - frame.close[t - 1]! : NaN;
    out('target_bqx_h45').fill(NaN); // undefined everywhere (as in a burn-in): nothing to cut, no failure
  },
};

// June–August 2024: July is validated, June is its previous month, August holds the lookahead rows.
const bars = generateMarket({ pairs: PAIRS, from: FROM, months: 3, seed: 3 });
const store = await openStore(':memory:');
for (const [pair, b] of bars) await store.upsertBars(pair, b, 'synthetic');
const run = (families: Family[], placed?: boolean) =>
  validate(store, { dataDir: '/nonexistent', baselineTs: BASELINE_TS, months: ['2024-07'], units: unitsOf(families), lake: false, write: false, ...(placed === undefined ? {} : { placed }) });
const withDefaults: ValidationReport = await run([leakyBqx, targets]);
const randomOnly: ValidationReport = await run([leakyBqx, targets], false);
const stale: ValidationReport = await run([bqx, staleTargets]);
await store.close();

const truncation = (r: ValidationReport, name: string) => r.findings.filter((f) => f.feature === name && f.check === 'truncation' && f.outcome === 'fail');
const result = (r: ValidationReport, name: string) => r.features.find((f) => f.name === name)!.results;

/** The rows of the validated pair's July where the leak of `name` sits (ISO minutes). */
function leakRows(name: keyof typeof LEAKS, pair: string): string[] {
  const ts = bars.get(pair)!.ts;
  const at = LEAKS[name]({ ts, n: ts.length } as PairFrame);
  const out: string[] = [];
  for (let t = 0; t < ts.length; t++) if (monthOf(ts[t]!) === '2024-07' && at(t)) out.push(isoMinute(ts[t]!));
  return out;
}

test('each rare leak is caught by truncation with the default options, at a row where it sits', () => {
  for (const name of Object.keys(LEAKS) as (keyof typeof LEAKS)[]) {
    const fs = truncation(withDefaults, name);
    assert.ok(fs.length > 0, `${name} not caught: ${JSON.stringify(result(withDefaults, name))}`);
    for (const f of fs) assert.ok(leakRows(name, f.pair!).includes(f.ts!), `${name}: first offending row ${f.ts} is not a leak row: ${f.message}`);
    assert.equal(result(withDefaults, name).perturbation, 'fail', name);
  }
  assert.equal(withDefaults.passed, false);
});

test('the placed cuts are what catch them: random cuts alone miss all three', () => {
  for (const name of Object.keys(LEAKS)) assert.equal(result(randomOnly, name).truncation, 'pass', name);
  assert.equal(withDefaults.options.placed, 'yes');
  assert.equal(randomOnly.options.placed, 'no');
});

test('the real bqx columns pass and every real target reads the future as declared', () => {
  for (const f of withDefaults.features) {
    if (f.name in LEAKS) continue;
    const r = f.results;
    const want = f.role === 'target' ? 'target' : 'pass';
    assert.deepEqual([r.truncation, r.perturbation], [want, want], `${f.name}: ${JSON.stringify(r)}`);
  }
});

test('a target that no longer reads its declared future fails truncation', () => {
  const r = result(stale, 'target_bqx_h15');
  assert.deepEqual([r.truncation, r.perturbation], ['fail', 'pass']);
  const f = stale.findings.find((x) => x.feature === 'target_bqx_h15' && x.check === 'truncation')!;
  assert.match(f.message, /the target does not read the 15 rows after t it declares/);
  assert.equal(result(stale, 'target_bqx_h30').truncation, 'target');
  assert.equal(result(stale, 'target_bqx_h45').truncation, 'pass');
});
