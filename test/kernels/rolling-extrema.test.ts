import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rollingMax, rollingMin, type TiePolicy } from '../../src/kernels/rolling-extrema.ts';
import { assertClose, gbm, rng, windowOf } from './rolling-reference.ts';

/** Reference: scan every window; age of the latest or earliest occurrence of the extreme. */
function refExtreme(x: Float64Array, w: number, s: 1 | -1, ties: TiePolicy): { value: Float64Array; age: Float64Array } {
  const value = new Float64Array(x.length).fill(NaN);
  const age = new Float64Array(x.length).fill(NaN);
  for (let t = 0; t < x.length; t++) {
    const v = windowOf(x, t, w);
    if (v === null) continue;
    const best = s === 1 ? Math.max(...v) : Math.min(...v);
    const pos = ties === 'latest' ? v.lastIndexOf(best) : v.indexOf(best);
    value[t] = best;
    age[t] = w - 1 - pos;
  }
  return { value, age };
}

function check(x: Float64Array, label: string): void {
  for (const w of [1, 2, 5, 20, 240]) {
    for (const ties of ['latest', 'earliest'] as const) {
      for (const [s, fn] of [[1, rollingMax], [-1, rollingMin]] as const) {
        const value = new Float64Array(x.length);
        const age = new Float64Array(x.length);
        fn(x, w, { value, age }, ties);
        const ref = refExtreme(x, w, s, ties);
        assertClose(value, ref.value, 0, 0, `${label} ${fn.name} w${w} ${ties} value`);
        assertClose(age, ref.age, 0, 0, `${label} ${fn.name} w${w} ${ties} age`);
      }
    }
  }
}

test('rolling max/min and ages equal a window scan on a realistic series', () => {
  check(gbm(1500, 11), 'gbm');
});

test('ties: quantised prices with many equal values, both tie policies', () => {
  const u = rng(12);
  const x = new Float64Array(1500);
  let v = 100;
  for (let t = 0; t < x.length; t++) x[t] = v += Math.round((u() - 0.5) * 3) * 0.01; // steps of −1, 0, +1 pip
  check(x, 'ties');
  check(new Float64Array(300).fill(1.5), 'constant');
});

test('monotone series (deque at its largest / smallest) and a NaN in the middle', () => {
  const up = Float64Array.from({ length: 600 }, (_, i) => 100 + i * 1e-3);
  check(up, 'up');
  check(up.slice().reverse(), 'down');
  const x = gbm(600, 13);
  x[0] = NaN;
  x[300] = NaN;
  check(x, 'nan');
});

test('short input and optional columns', () => {
  const x = gbm(4, 14);
  const value = new Float64Array(4);
  rollingMax(x, 5, { value });
  assert.ok(value.every(Number.isNaN));
  const age = new Float64Array(4);
  rollingMin(x, 2, { age });
  assert.deepEqual(age, refExtreme(x, 2, -1, 'latest').age);
});

test('truncation invariance', () => {
  const x = gbm(800, 15);
  const full = new Float64Array(800);
  rollingMax(x, 60, { age: full });
  for (const cut of [59, 61, 500]) {
    const part = new Float64Array(cut);
    rollingMax(x.subarray(0, cut), 60, { age: part });
    assert.deepEqual(part, full.subarray(0, cut));
  }
});
