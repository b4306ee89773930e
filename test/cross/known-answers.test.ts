// Known answers of the currency levels, triangles and orientations (FEATURES.md §9), from markets whose
// 28 prices are built from 8 exact currency values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CURRENCIES, PAIR_NAMES, relatedPairs, sisters, trianglesOf } from '../../src/core/currencies.ts';
import { CROSS_FAMILIES } from '../../src/features/cross/index.ts';
import { monthGrid } from '../../src/features/cross/grid.ts';
import { currencyLevels } from '../../src/features/cross/levels.ts';
import { currencyPaths, framesOf, marketBars, runFamilies, START_VALUE, type MarketSpec } from './fixture.ts';

const START = Date.UTC(2024, 6, 2, 8, 0);
const fam = (name: string) => CROSS_FAMILIES.find((f) => f.name === name)!;
const BP = 1e4;

test('exact currency values: every triangle residual is 0 and the levels recover ln v_c − mean ln v', () => {
  // Every pair has a bar every minute: with missing bars, as-of values of different minutes would mix.
  const spec: MarketSpec = { start: START, minutes: 300, seed: 3 };
  const bars = marketBars(spec);
  const frames = framesOf(bars, { baselineAt: START });
  const out = runFamilies([fam('arb'), fam('ci')], frames);
  for (const pair of PAIR_NAMES) {
    const o = out.get(pair)!;
    let checked = 0;
    for (let k = 1; k <= 6; k++) {
      for (const v of o.get(`tri_resid_${k}`)!) {
        if (Number.isNaN(v)) continue;
        assert.ok(Math.abs(v) <= 1e-8, `${pair} tri_resid_${k} = ${v} bp (> 1e-12 in log units)`);
        checked++;
      }
    }
    assert.equal(checked, 6 * 300, `${pair}: every residual is defined`);
    for (const v of o.get('triangular_consistency_score')!.subarray(1)) if (!Number.isNaN(v)) assert.ok(Math.abs(v - 1) < 1e-8);
    // With consistent prices, ℓ_A − ℓ_B = ln P_AB exactly: the divergence from the index is 0.
    for (const v of o.get('pair_divergence_from_index')!.subarray(60)) if (!Number.isNaN(v)) assert.ok(Math.abs(v) < 1e-8, `${pair} divergence ${v}`);
  }
  // Levels: ln v_c − mean_j ln v_j (the sum-zero normalisation).
  const paths = currencyPaths(spec);
  const grid = monthGrid({ month: 'test', pairs: frames });
  const lv = currencyLevels(grid);
  assert.equal(grid.n, 300);
  for (let g = 0; g < grid.n; g++) {
    const m = (grid.ts[g]! - START) / 60_000;
    const mean = paths.reduce((s, x) => s + x[m]!, 0) / 8;
    CURRENCIES.forEach((_, c) => assert.ok(Math.abs(lv.level[c]![g]! - (paths[c]![m]! - mean)) < 1e-12, `ℓ_${CURRENCIES[c]} at minute ${m}`));
  }
  // The currency index: 100 · exp(ℓ_c(t) − ℓ_c(t₀)) = 100 · (v_c(t) / v_c(t₀)) / (G(t) / G(t₀)), G = geometric mean of the 8.
  const eurusd = frames.get('EURUSD')!;
  const idx = out.get('EURUSD')!.get('base_currency_index')!;
  const mean = (m: number) => paths.reduce((s, x) => s + x[m]!, 0) / 8;
  for (let i = 0; i < eurusd.n; i++) {
    const m = (eurusd.ts[i]! - START) / 60_000;
    const expected = 100 * Math.exp(paths[0]![m]! - paths[0]![0]! - (mean(m) - mean(0)));
    if (!Number.isNaN(idx[i]!)) assert.ok(Math.abs(idx[i]! - expected) < 1e-10, `EUR index at minute ${m}: ${idx[i]} vs ${expected}`);
  }
});

test('a shock to one currency moves exactly that currency against all others (ccy, index differential)', () => {
  const SHOCK = 100; // minute of the shock
  const delta = 25e-4; // +25 bp to USD
  const logValue = (c: number, m: number) => Math.log(START_VALUE[CURRENCIES[c]!]!) + (c === 1 && m >= SHOCK ? delta : 0);
  const frames = framesOf(marketBars({ start: START, minutes: 200, seed: 4, logValue }), { baselineAt: START });
  const out = runFamilies([fam('ccy'), fam('ci')], frames);
  const o = out.get('EURGBP')!; // a pair with no USD: its own rows read every currency's change
  const ts = frames.get('EURGBP')!.ts;
  for (let i = 0; i < ts.length; i++) {
    const m = (ts[i]! - START) / 60_000;
    if (m < 15) continue;
    const inWindow = m >= SHOCK && m < SHOCK + 15;
    for (const c of CURRENCIES) {
      // Sum-zero normalisation: USD moves by 7δ/8, each other currency by −δ/8 (all alike).
      const expected = !inWindow ? 0 : c === 'USD' ? (BP * 7 * delta) / 8 : (-BP * delta) / 8;
      const v = o.get(`ccy_${c.toLowerCase()}_r15`)![i]!;
      assert.ok(Math.abs(v - expected) < 1e-9, `ccy_${c.toLowerCase()}_r15 at minute ${m}: ${v} vs ${expected}`);
    }
  }
  // Index differentials of pairs without USD are unchanged by the shock; with USD they move by 100·δ.
  for (const [pair, moves] of [['EURGBP', 0], ['AUDNZD', 0], ['EURUSD', -1], ['USDJPY', 1]] as const) {
    const d = out.get(pair)!.get('currency_index_differential')!;
    const pts = frames.get(pair)!.ts;
    const at = (m: number) => d[pts.indexOf(START + m * 60_000)]!;
    assert.ok(Math.abs(at(SHOCK) - at(SHOCK - 1) - moves * 100 * delta) < 1e-10, `${pair}: ${at(SHOCK) - at(SHOCK - 1)}`);
  }
});

test('orientation signs: hand-checked related pairs, triangle legs and sisters', () => {
  const o = Object.fromEntries(relatedPairs('EURUSD').map((r) => [r.pair.name, r.orientation]));
  // USD is EURUSD's quote: +1 where USD is also the quote (GBPUSD, AUDUSD), −1 where it is the base.
  assert.deepEqual([o.GBPUSD, o.AUDUSD, o.NZDUSD, o.USDJPY, o.USDCAD, o.USDCHF], [1, 1, 1, -1, -1, -1]);
  // EUR is the base of every EUR pair.
  assert.deepEqual([o.EURGBP, o.EURJPY, o.EURAUD, o.EURNZD, o.EURCAD, o.EURCHF], [1, 1, 1, 1, 1, 1]);
  const jpy = trianglesOf('EURUSD')[1]!; // slot 2 = JPY
  assert.deepEqual([jpy.third, jpy.viaA.pair.name, jpy.viaA.sign, jpy.viaB.pair.name, jpy.viaB.sign], ['JPY', 'EURJPY', 1, 'USDJPY', -1]);
  assert.deepEqual(sisters('USDJPY').map((s) => [s.pair.name, s.orientation]), [['EURUSD', -1], ['GBPUSD', -1], ['AUDUSD', -1], ['USDCAD', 1], ['USDCHF', 1]]);
});

test('a mispriced leg gives the hand-computed residual sign in each of its three triangles', () => {
  const at = 50;
  const frames = framesOf(marketBars({ start: START, minutes: 80, seed: 5, perturb: (p, m) => (p === 'EURJPY' && m === at ? 3e-4 : 0) }));
  const out = runFamilies([fam('arb')], frames);
  const value = (pair: string, slot: number) => out.get(pair)!.get(`tri_resid_${slot}`)![frames.get(pair)!.ts.indexOf(START + at * 60_000)]!;
  // EURUSD via JPY: ln EURUSD − ln EURJPY − ln(1/USDJPY) → −3 bp; USDJPY via EUR (slot 1):
  // ln USDJPY − ln(1/EURUSD) − ln EURJPY → −3 bp; EURJPY via USD (slot 1): ln EURJPY − ln EURUSD − ln USDJPY → +3 bp.
  assert.ok(Math.abs(value('EURUSD', 2) + 3) < 1e-8, `EURUSD ${value('EURUSD', 2)}`);
  assert.ok(Math.abs(value('USDJPY', 1) + 3) < 1e-8, `USDJPY ${value('USDJPY', 1)}`);
  assert.ok(Math.abs(value('EURJPY', 1) - 3) < 1e-8, `EURJPY ${value('EURJPY', 1)}`);
  assert.ok(Math.abs(value('EURUSD', 1)) < 1e-8, 'EURUSD via GBP does not involve EURJPY');
});

test('a USD-driven market: orientation-adjusted correlations are +1 with the pairs sharing USD', () => {
  // USD follows a 1 bp/min random walk; the other currencies move 100× less.
  const walk = currencyPaths({ start: START, minutes: 400, seed: 8 });
  const logValue = (c: number, m: number) => Math.log(START_VALUE[CURRENCIES[c]!]!) + (c === 1 ? 1 : 0.01) * (walk[c]![m]! - walk[c]![0]!);
  const frames = framesOf(marketBars({ start: START, minutes: 400, seed: 8, logValue }));
  const out = runFamilies([fam('ci'), fam('corr'), fam('sister')], frames);
  const last = (pair: string, name: string) => { const c = out.get(pair)!.get(name)!; return c[c.length - 1]!; };
  assert.ok(last('EURUSD', 'corr_quote_pairs_60min') > 0.99, `EURUSD quote group ${last('EURUSD', 'corr_quote_pairs_60min')}`);
  assert.ok(last('USDJPY', 'corr_base_pairs_60min') > 0.99, `USDJPY base group ${last('USDJPY', 'corr_base_pairs_60min')}`);
  // 6 related pairs share USD (o·corr of 1-row returns ≈ 1), 6 share EUR only (independent returns, ≈ 0).
  const rel = last('EURUSD', 'related_pairs_correlation_60min');
  assert.ok(rel > 0.4 && rel < 0.6, `EURUSD related ${rel}`);
  for (let k = 1; k <= 5; k++) assert.ok(last('USDJPY', `sis${k}_corr_60`) > 0.99, `USDJPY sis${k}_corr_60 ${last('USDJPY', `sis${k}_corr_60`)}`);
  for (let k = 1; k <= 5; k++) assert.ok(Math.abs(last('USDJPY', `sis${k}_beta_60`) - 1) < 0.05, `USDJPY sis${k}_beta_60`);
});

test('only some pairs loaded: features that need a missing pair are NaN, with a note; the others are computed', () => {
  // The 15 pairs among EUR, USD, GBP, JPY, CHF, AUD (no NZD or CAD pair).
  const loaded = PAIR_NAMES.filter((p) => !p.includes('NZD') && !p.includes('CAD'));
  assert.equal(loaded.length, 15);
  const frames = framesOf(marketBars({ start: START, minutes: 400, seed: 9, noiseBp: 0.5, pairs: loaded }));
  const notes: Record<string, unknown> = {};
  const out = runFamilies(CROSS_FAMILIES.filter((f) => f.partition === 'month'), frames, notes);
  const col = (name: string) => out.get('EURUSD')!.get(name)!;
  const defined = (name: string) => col(name).some(Number.isFinite);
  // Triangles through NZD (slot 4) and CAD (slot 5) are NaN; through GBP, JPY, AUD, CHF they are computed.
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((k) => defined(`tri_resid_${k}`)), [true, true, true, false, false, true]);
  assert.ok(!defined('triangular_arb_residual') && !defined('triangular_consistency_score'), 'means over the 6 triangles need all 6');
  // Sisters of EURUSD: USDJPY, GBPUSD, AUDUSD, USDCAD (missing), USDCHF.
  assert.deepEqual([1, 2, 3, 4, 5].map((k) => defined(`sis${k}_corr_60`)), [true, true, true, false, true]);
  // Every currency level needs a NZD and a CAD pair: levels, indices, ccy and USD market features are NaN.
  for (const name of ['ccy_usd_r15', 'base_currency_index', 'usd_idx_vol60', 'risk_sentiment_r15', 'dispersion_r15', 'avg_corr_60', 'corr_base_pairs_15min']) {
    assert.ok(!defined(name), `${name} needs a missing pair`);
  }
  assert.ok(defined('pair_spread_z_score'), 'own-pair grid features are computed');
  for (const key of ['arb.EURUSD.slot4', 'arb.EURUSD.slot5', 'sister.EURUSD.sis4', 'ci.undefined_currencies', 'market.all_pairs', 'corr.EURUSD']) {
    assert.ok(key in notes, `note ${key} recorded (${Object.keys(notes).slice(0, 8).join(', ')} …)`);
  }
});
