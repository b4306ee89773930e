// kernels/quantile.ts: numpy's default quantile (linear interpolation between order statistics), and the
// selection that finds the order statistics against a sort of the same values, bit for bit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantile } from '../../src/kernels/quantile.ts';
import { Rng, seedKey } from '../../src/io/synthetic/prng.ts';

test('quantile interpolates linearly between order statistics (numpy default), in any input order', () => {
  for (const order of [[1, 2, 4, 8, 16], [16, 4, 1, 8, 2]]) {
    const q = (p: number) => quantile(Float64Array.from(order), p);
    assert.equal(q(0), 1);
    assert.equal(q(1), 16);
    assert.equal(q(0.5), 4);
    assert.equal(q(0.2), 1.8); // h = 0.8 between 1 and 2
    assert.equal(q(0.9), 8 + 0.6 * 8);
  }
});

test('quantile (by selection) equals the interpolation on the sorted values, bit for bit (ties, squares of quantised data)', () => {
  const rng = new Rng(seedKey(11), 0);
  for (let trial = 0; trial < 200; trial++) {
    const n = 1 + Math.floor(rng.uniform() * 3000);
    const levels = 1 + Math.floor(rng.uniform() * (trial % 2 === 0 ? 20 : 1e6)); // many ties, or nearly none
    const v = Float64Array.from({ length: n }, () => (Math.floor(rng.uniform() * levels) - levels / 2) ** 2 / 7);
    const sorted = v.slice().sort();
    for (const p of [0, 0.2, 0.5, 0.9, 1, rng.uniform()]) {
      const h = (n - 1) * p, lo = Math.floor(h), hi = Math.min(lo + 1, n - 1);
      const want = sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
      assert.ok(Object.is(quantile(v.slice(), p), want), `n ${n}, levels ${levels}, p ${p}`);
    }
  }
});
