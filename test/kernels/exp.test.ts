// kernels/exp.ts must equal Math.exp bit for bit (the HMM's outputs depend on every bit of its
// emission densities): on millions of arguments spread over every scale of its own range (−700, 0],
// on the edges of its branches and of the range, and on arguments it hands to Math.exp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exp } from '../../src/kernels/exp.ts';
import { rng } from '../helpers/rng.ts';

function check(x: number): void {
  const got = exp(x), want = Math.exp(x);
  if (!Object.is(got, want)) assert.fail(`exp(${x}) = ${got}, Math.exp = ${want}`);
}

test('exp equals Math.exp on 4 million random arguments from −750 to 1, at every scale', () => {
  const u = rng(7);
  for (let i = 0; i < 4_000_000; i++) {
    const scale = [750, 40, 3, 1.1, 0.36, 1e-3, 1e-9][i % 7]!;
    check(-u() * scale);
    if (i % 8 === 0) check(u() * Math.min(scale, 1));
  }
});

test('exp equals Math.exp on the edges of its branches and range, and outside it', () => {
  const ln2 = Math.LN2;
  const edges = [-(2 ** -28), -0.5 * ln2, -1.5 * ln2, -700, -708.39, -745.13, -745.2, -1, -2, -0.5, -ln2, -10 * ln2, -1000 * ln2];
  for (const e of edges) {
    let x = e;
    for (let i = 0; i < 200; i++) x = nextDown(x); // 200 doubles either side
    for (let i = 0; i < 400; i++, x = nextUp(x)) check(x);
  }
  for (const x of [0, -0, 1, 1e-300, -1e-300, 5e-324, -5e-324, Number.NaN, Infinity, -Infinity, 709.78, -Number.MAX_VALUE]) check(x);
});

const bits = new DataView(new ArrayBuffer(8));
/** The next double towards +∞ (x finite, not −0). */
function nextUp(x: number): number {
  bits.setFloat64(0, x);
  const b = bits.getBigUint64(0);
  bits.setBigUint64(0, x >= 0 ? b + 1n : b - 1n);
  return x === 0 ? 5e-324 : bits.getFloat64(0);
}
const nextDown = (x: number) => -nextUp(-x);
