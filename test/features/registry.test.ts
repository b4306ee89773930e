// The registry's self-check at load: 730 unique features (268 idx / 254 bqx / 208 cross), 15 targets
// apart, no lookahead on any feature — and that each violation is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRegistry, registry } from '../../src/features/registry.ts';
import { feature } from '../../src/features/define.ts';
import type { Family } from '../../src/features/types.ts';

test('the catalog: 730 features by domain, 15 targets, every name unique, the seed check names present', () => {
  const reg = registry();
  const count = (d: string) => reg.features.filter((f) => f.domain === d).length;
  assert.deepEqual([count('idx'), count('bqx'), count('cross'), reg.targets.length], [268, 254, 208, 15]);
  assert.equal(new Set(reg.all.map((f) => f.name)).size, 745);
  assert.ok(reg.features.every((f) => f.lookahead === 0 && f.role === 'feature'));
  assert.ok(reg.targets.every((f) => f.lookahead > 0 && f.name.startsWith('target_')));
  for (const n of ['rsi_idx_w15', 'macd_idx_w15', 'corr_base_pairs_15min', 'corr_quote_pairs_15min', 'w15_bqx_return', 'reg_bqx_w630_rmse']) {
    assert.ok(reg.byName.has(n), n);
  }
  for (const f of reg.all) assert.ok(f.description.length > 10, `${f.name} has no description`);
});

test('violations are refused at load', () => {
  const fam = (features: Family['features']): Family => ({ name: 'x', stage: 'base', version: 1, partition: 'pair', features });
  const ok = feature({ name: 'a', family: 'x', domain: 'idx', stage: 'base', kernel: 'k', lookback: 3, description: 'a test feature' });
  assert.doesNotThrow(() => buildRegistry([fam([ok])], null));
  assert.throws(() => buildRegistry([fam([ok, ok])], null), /duplicate name a/);
  assert.throws(() => buildRegistry([fam([{ ...ok, lookahead: 1 }])], null), /a feature with lookahead 1/);
  assert.throws(() => buildRegistry([fam([{ ...ok, lookback: 1e6 }])], null), /lookback 1000000 outside/);
  assert.throws(() => buildRegistry([fam([{ ...ok, role: 'target' }])], null), /a target must declare its lookahead/);
  assert.throws(() => buildRegistry([fam([ok])]), /1 idx features, expected 268/);
});
