import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff, lag, logReturn } from '../../src/kernels/lag.ts';
import { assertClose, gbm } from './rolling-reference.ts';

test('lag, diff and log return against their definitions', () => {
  const x = gbm(500, 21);
  for (const k of [0, 1, 5, 60, 499, 500, 600]) {
    const l = new Float64Array(500);
    const d = new Float64Array(500);
    const r = new Float64Array(500);
    lag(x, k, l);
    diff(x, k, d);
    logReturn(x, k, r, 1e4);
    const at = (t: number) => (t - k >= 0 ? x[t - k]! : NaN);
    assertClose(l, Array.from(x, (_, t) => at(t)), 0, 0, `lag ${k}`);
    assertClose(d, Array.from(x, (v, t) => v - at(t)), 0, 0, `diff ${k}`);
    // ln of the ratio in extended care: the ratio's rounding (1e-16) is ≈ 1e-12 of a 1e-4 move
    assertClose(r, Array.from(x, (v, t) => 1e4 * Math.log(v / at(t))), 1e-9, 1e-12, `logReturn ${k}`);
  }
});

test('log return is NaN (never ±Infinity) for non-positive or NaN prices', () => {
  const x = Float64Array.from([1, 0, 2, -1, NaN, 4, 8]);
  const r = new Float64Array(7);
  logReturn(x, 1, r);
  assert.deepEqual(Array.from(r.subarray(0, 6), (v) => (Number.isNaN(v) ? 'NaN' : v)), ['NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN']);
  assert.equal(r[6], Math.log(2));
  logReturn(x, 2, r);
  assert.equal(r[2], Math.log(2));
});

test('aliasing and argument checks', () => {
  const x = gbm(10, 22);
  assert.throws(() => lag(x, 1, x), RangeError);
  assert.throws(() => diff(x, -1, new Float64Array(10)), RangeError);
  assert.throws(() => logReturn(x, 1, new Float64Array(9)), RangeError);
});
