// Which pairs a month-unit feature reads (reads.ts), checked by hand on EURUSD, and the completeness
// excuse built on it: a fan-in feature short of values is excused only when a pair it reads is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAIR_NAMES } from '../../src/core/currencies.ts';
import { registry } from '../../src/features/registry.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { pairsRead } from '../../src/validate/reads.ts';
import { notLoadedReason } from '../../src/validate/scan.ts';

const sorted = (...p: string[]) => [...p].sort();

test('EURUSD by hand: triangle slot 1 (GBP), the JPY level, the base group, a sister, market-wide', () => {
  // Third currencies of EUR/USD in canonical order: GBP, JPY, AUD, NZD, CAD, CHF → slot 1 = GBP.
  assert.deepEqual(pairsRead('tri_resid_1', 'EURUSD'), sorted('EURUSD', 'EURGBP', 'GBPUSD'));
  assert.deepEqual(pairsRead('tri_z_2', 'EURUSD'), sorted('EURUSD', 'EURJPY', 'USDJPY'));
  assert.deepEqual(pairsRead('ccy_jpy_r15', 'EURUSD'), sorted('EURUSD', 'USDJPY', 'EURJPY', 'GBPJPY', 'AUDJPY', 'NZDJPY', 'CADJPY', 'CHFJPY'));
  assert.deepEqual(pairsRead('corr_base_pairs_15min', 'EURUSD'), sorted('EURUSD', 'EURGBP', 'EURJPY', 'EURAUD', 'EURNZD', 'EURCAD', 'EURCHF'));
  assert.deepEqual(pairsRead('corr_quote_pairs_60min', 'EURUSD'), sorted('EURUSD', 'GBPUSD', 'USDJPY', 'AUDUSD', 'NZDUSD', 'USDCAD', 'USDCHF'));
  assert.equal(pairsRead('corr_cross_pairs_15min', 'EURUSD').length, 16);
  assert.equal(pairsRead('related_pairs_correlation_60min', 'EURUSD').length, 13);
  assert.deepEqual(pairsRead('pair_spread_z_score', 'EURUSD'), ['EURUSD']);
  assert.equal(pairsRead('sis1_ret_1', 'EURUSD').length, 2);
  assert.deepEqual(pairsRead('dispersion_r15', 'EURUSD'), [...PAIR_NAMES]);
});

test('every month-unit feature: its own pair included; only the market-wide ones read all 28', () => {
  const month = buildUnits(registry()).filter((u) => u.kind === 'month').flatMap((u) => u.columns);
  assert.equal(month.length, 118);
  const all = new Set<string>();
  for (const c of month) {
    for (const pair of PAIR_NAMES) {
      const r = pairsRead(c.name, pair);
      assert.ok(r.includes(pair) && r.every((p) => PAIR_NAMES.includes(p)), `${c.name} ${pair}`);
      if (r.length === 28) all.add(c.name);
    }
  }
  assert.deepEqual([...all].sort(), ['avg_corr_240', 'avg_corr_60', 'base_currency_strength_percentile', 'dispersion_r15', 'dispersion_r60',
    'mkt_vol_240', 'mkt_vol_60', 'quote_currency_strength_percentile']);
});

test('the excuse: given only when a pair the feature reads is not loaded', () => {
  const arb = registry().byName.get('tri_resid_1')!;
  const loaded = (set: string[]) => (p: string) => set.includes(p);
  // EURUSD, EURGBP, GBPUSD loaded: slot 1 of EURUSD reads only these, no excuse; slot 2 reads EURJPY, USDJPY.
  assert.equal(notLoadedReason(arb, 'EURUSD', {}, loaded(['EURUSD', 'EURGBP', 'GBPUSD'])), null);
  const tri2 = registry().byName.get('tri_resid_2')!;
  const why = notLoadedReason(tri2, 'EURUSD', { 'arb: arb.EURUSD.slot2': 'NaN: legs not loaded: EURJPY USDJPY' }, loaded(['EURUSD', 'EURGBP', 'GBPUSD']));
  assert.match(why!, /^reads pairs that are not loaded: 2 of the 3 it reads \(EURJPY USDJPY\); arb\.EURUSD\.slot2: NaN: legs not loaded/);
});
