import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CURRENCIES, LIQUIDITY_ORDER, PAIRS, crossGroup, pairInfo, pairOf, relatedPairs, sisters, TRIANGLES, trianglesOf,
} from '../../src/core/currencies.ts';

test('28 pairs named by market convention: exactly the pairs of the liquidity list', () => {
  assert.equal(PAIRS.length, 28);
  assert.deepEqual(PAIRS.map((p) => p.name).sort(), [...LIQUIDITY_ORDER].sort());
  for (const p of PAIRS) assert.equal(p.name, p.base + p.quote);
  assert.equal(pairInfo('eur/usd').name, 'EURUSD');
  assert.throws(() => pairInfo('USDEUR'), /unknown pair/);
});

test('every unordered currency pair maps to one traded pair with the right orientation', () => {
  for (const a of CURRENCIES) for (const b of CURRENCIES) {
    if (a === b) continue;
    const { pair, aIsBase } = pairOf(a, b);
    assert.equal(aIsBase ? pair.base : pair.quote, a);
    assert.equal(aIsBase ? pair.quote : pair.base, b);
  }
  assert.deepEqual([pairOf('JPY', 'USD').pair.name, pairOf('JPY', 'USD').aIsBase], ['USDJPY', false]);
});

test('related pairs: 12 per pair, orientation by the shared currency role (hand-made cases)', () => {
  for (const p of PAIRS) {
    assert.equal(relatedPairs(p.name).length, 12);
    assert.equal(crossGroup(p.name).length, 15);
  }
  const rel = new Map(relatedPairs('EURUSD').map((r) => [r.pair.name, r]));
  // EUR is base in EURUSD and in EURJPY: same role → +1; USD is quote in EURUSD but base in USDJPY → −1.
  assert.deepEqual([rel.get('EURJPY')!.orientation, rel.get('EURJPY')!.group], [1, 'base']);
  assert.deepEqual([rel.get('USDJPY')!.orientation, rel.get('USDJPY')!.group], [-1, 'quote']);
  assert.deepEqual([rel.get('GBPUSD')!.orientation, rel.get('GBPUSD')!.group], [1, 'quote']);
  assert.deepEqual([rel.get('EURGBP')!.orientation, rel.get('EURGBP')!.group], [1, 'base']);
  assert.equal(rel.has('GBPJPY'), false);
});

test('56 triangles; the 6 triangles of a pair close on exact rates', () => {
  assert.equal(TRIANGLES.length, 56);
  // Exact currency values in a common numeraire: P_{X/Y} = v_X / v_Y.
  const v: Record<string, number> = { EUR: 1.1, USD: 1, GBP: 1.3, JPY: 0.0067, AUD: 0.66, NZD: 0.6, CAD: 0.73, CHF: 1.13 };
  const price = (name: string) => v[pairInfo(name).base]! / v[pairInfo(name).quote]!;
  for (const p of PAIRS) {
    const tris = trianglesOf(p.name);
    assert.equal(tris.length, 6);
    assert.deepEqual(tris.map((t) => t.third), CURRENCIES.filter((c) => c !== p.base && c !== p.quote));
    for (const t of tris) {
      const resid = Math.log(price(p.name)) - t.viaA.sign * Math.log(price(t.viaA.pair.name)) - t.viaB.sign * Math.log(price(t.viaB.pair.name));
      assert.ok(Math.abs(resid) < 1e-14, `${p.name} via ${t.third}: ${resid}`);
    }
  }
});

test('sisters: the first 5 related pairs in liquidity order', () => {
  assert.deepEqual(sisters('EURUSD').map((s) => s.pair.name), ['USDJPY', 'GBPUSD', 'AUDUSD', 'USDCAD', 'USDCHF']);
  assert.deepEqual(sisters('NZDCHF').map((s) => s.pair.name), ['USDCHF', 'NZDUSD', 'EURCHF', 'GBPCHF', 'CHFJPY']);
  for (const p of PAIRS) assert.equal(sisters(p.name).length, 5);
});
