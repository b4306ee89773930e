// The R/S range scan of rollingRescaledRange skips blocks by bounds (hurst.ts): its values must be those
// of the plain scan over every row of each chunk, bit for bit, on series that exercise the skipping —
// trends (a large chunk slope), quantised ties and flat stretches, a spike, a NaN, and chunk sizes below,
// at and around the 16-row block; and the rows from `from` on are unchanged when the earlier ones are not computed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rng } from '../helpers/rng.ts';
import { rollingHurst, rollingRescaledRange } from '../../src/kernels/hurst.ts';
import { rollingVar } from '../../src/kernels/rolling.ts';

/** R/S by the definition: the full scan of the cumulative deviations, S from the same population variance. */
function plainRescaledRange(y: Float64Array, n: number): Float64Array {
  const len = y.length;
  const x = new Float64Array(len);
  x[0] = NaN;
  for (let i = 1; i < len; i++) x[i] = y[i]! - y[i - 1]!;
  const v = new Float64Array(len);
  rollingVar(x, n, 0, v);
  const out = new Float64Array(len);
  for (let r = 0; r < len; r++) {
    if (!(v[r]! > 0)) { out[r] = NaN; continue; }
    const y0 = y[r - n]!;
    const m = (y[r]! - y0) / n;
    let hi = 0, lo = 0;
    for (let j = 1; j < n; j++) {
      const dev = y[r - n + j]! - y0 - j * m;
      hi = Math.max(hi, dev);
      lo = Math.min(lo, dev);
    }
    out[r] = (hi - lo) / Math.sqrt(v[r]!);
  }
  return out;
}

function series(seed: number, len: number): Float64Array {
  const u = rng(seed);
  const y = new Float64Array(len);
  let v = 1.1;
  for (let t = 0; t < len; t++) {
    const drift = Math.floor(t / 700) % 2 === 0 ? 3e-5 : -2e-5; // alternating trends
    v += drift + 1e-4 * (u() - 0.5);
    y[t] = t % 1000 >= 900 && t % 1000 < 960 ? y[t - 1]! : Math.round(v * 1e5) / 1e5; // flat stretches
  }
  y[1500] = y[1499]! * 1.004; // spike
  y[2200] = NaN;
  return y;
}

test('rollingRescaledRange with block skipping equals the plain scan bit for bit', () => {
  for (const seed of [1, 2]) {
    const y = series(seed, 3000);
    for (const n of [2, 8, 15, 16, 17, 31, 32, 33, 64, 120, 240]) {
      const got = new Float64Array(y.length);
      rollingRescaledRange(y, n, got);
      const want = plainRescaledRange(y, n);
      let finite = 0;
      for (let r = 0; r < y.length; r++) {
        assert.ok(Object.is(got[r], want[r]), `seed ${seed}, n ${n}, row ${r}: ${got[r]} vs ${want[r]}`);
        if (Number.isFinite(want[r]!)) finite++;
      }
      assert.ok(finite > y.length / 2, `n ${n}: most rows have a value`);
    }
  }
});

test('from: rows before it are NaN, the rows from it on equal the computation over every row bit for bit', () => {
  const y = series(3, 3000);
  const sizes = [8, 16, 30, 60, 120, 240];
  const all = new Float64Array(y.length);
  rollingHurst(y, 240, sizes, all);
  for (const from of [0, 1, 239, 240, 241, 1000, 1517, 2210, 3000]) {
    const got = new Float64Array(y.length);
    rollingHurst(y, 240, sizes, got, from);
    for (let t = 0; t < y.length; t++) {
      assert.ok(Object.is(got[t], t < from ? NaN : all[t]), `from ${from}, row ${t}: ${got[t]} vs ${all[t]}`);
    }
    for (const n of [8, 33, 240]) {
      const rs = new Float64Array(y.length);
      rollingRescaledRange(y, n, rs, from - 240);
      const want = plainRescaledRange(y, n);
      for (let r = 0; r < y.length; r++) assert.ok(Object.is(rs[r], r < from - 240 ? NaN : want[r]), `R/S n ${n}, from ${from - 240}, row ${r}`);
    }
  }
  assert.ok(all.subarray(1000).some((v) => Number.isFinite(v)));
});
