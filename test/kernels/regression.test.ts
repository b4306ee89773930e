import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rollingLineFit, rollingQuadFit, type LineFit, type QuadFit } from '../../src/kernels/regression.ts';
import { referenceFit, walk, type RefFit } from './regression-reference.ts';

const WINDOWS = [60, 90, 150, 240, 390, 630];

function quadOut(n: number): QuadFit {
  const col = () => new Float64Array(n);
  return { a: col(), b: col(), c: col(), fitted: col(), ssRes: col(), ssTot: col() };
}
function lineOut(n: number): LineFit {
  const col = () => new Float64Array(n);
  return { b: col(), c: col(), fitted: col(), ssRes: col(), ssTot: col() };
}

/** |got − exp| ≤ tol · max(|exp|, scale): relative, with the window's spread as the floor of the scale. */
function near(got: number, exp: number, scale: number, tol: number, what: string): void {
  const err = Math.abs(got - exp);
  assert.ok(err <= tol * Math.max(Math.abs(exp), scale), `${what}: got ${got}, expected ${exp} (err ${err})`);
}

function spread(y: ArrayLike<number>, end: number, w: number): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = end - w + 1; i <= end; i++) { lo = Math.min(lo, y[i]!); hi = Math.max(hi, y[i]!); }
  return hi - lo;
}

/** Compares every row of both kernels with the O(W) reference (NaN exactly where the reference has none). */
function checkAgainstReference(y: Float64Array, w: number, tol: number, label: string): void {
  const q = quadOut(y.length);
  const l = lineOut(y.length);
  rollingQuadFit(y, w, q);
  rollingLineFit(y, w, l);
  for (let t = 0; t < y.length; t++) {
    const rq = referenceFit(y, t, w, 2);
    const rl = referenceFit(y, t, w, 1);
    const where = `${label} w${w} t${t}`;
    if (!rq || !rl) {
      for (const v of [q.a[t], q.b[t], q.c[t], q.fitted[t], q.ssRes[t], q.ssTot[t], l.b[t], l.c[t], l.ssRes[t]]) {
        assert.ok(Number.isNaN(v), `${where}: expected NaN, got ${v}`);
      }
      continue;
    }
    const s = spread(y, t, w);
    compare(q, t, rq, w, s, tol, `${where} quad`, true);
    compare(l, t, rl, w, s, tol, `${where} line`, false);
  }
}

function compare(got: LineFit & { a?: Float64Array }, t: number, exp: RefFit, w: number, s: number, tol: number, where: string, quad: boolean): void {
  if (quad) near(got.a![t]! * (w - 1) ** 2, exp.a * (w - 1) ** 2, s, tol, `${where} a(W-1)^2`);
  near(got.b[t]! * (w - 1), exp.b * (w - 1), s, tol, `${where} b(W-1)`);
  near(got.c[t]!, exp.c, s, tol, `${where} c`);
  near(got.fitted[t]!, exp.fitted, s, tol, `${where} fitted`);
  // Sums of squares: relative to SStot (r2 = 1 − SSres/SStot then agrees to tol).
  near(got.ssTot[t]!, exp.ssTot, 0, tol, `${where} ssTot`);
  near(got.ssRes[t]!, exp.ssRes, exp.ssTot, tol, `${where} ssRes`);
}

interface Case {
  domain: 'idx' | 'bqx'; w: number; t: number; a: number; b: number; c: number; fitted: number; ssRes: number;
  ssTot: number; lineB: number; lineC: number; lineFitted: number; lineSsRes: number;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/numpy/polyfit.json', import.meta.url), 'utf8')) as {
  series: Record<'idx' | 'bqx', number[]>; cases: Case[];
};

test('matches numpy.polyfit on real EURUSD windows (idx and bqx, every W) to 1e-9 relative', () => {
  assert.equal(fixture.cases.length, 60);
  for (const domain of ['idx', 'bqx'] as const) {
    const y = Float64Array.from(fixture.series[domain]);
    for (const w of WINDOWS) {
      const q = quadOut(y.length);
      const l = lineOut(y.length);
      rollingQuadFit(y, w, q);
      rollingLineFit(y, w, l);
      const cases = fixture.cases.filter((c) => c.domain === domain && c.w === w);
      assert.equal(cases.length, 5);
      for (const e of cases) {
        const t = e.t;
        const where = `${domain} w${w} t${t}`;
        // Pure relative tolerance on every quantity (no spread floor).
        near(q.a[t]! * (w - 1) ** 2, e.a * (w - 1) ** 2, 0, 1e-9, `${where} quadratic_term`);
        near(q.b[t]! * (w - 1), e.b * (w - 1), 0, 1e-9, `${where} linear_term`);
        near(q.c[t]!, e.c, 0, 1e-9, `${where} constant_term`);
        near(q.fitted[t]!, e.fitted, 0, 1e-9, `${where} prediction`);
        near(q.ssRes[t]!, e.ssRes, 0, 1e-9, `${where} ssRes`);
        near(q.ssTot[t]!, e.ssTot, 0, 1e-9, `${where} ssTot`);
        near(l.b[t]! * (w - 1), e.lineB * (w - 1), 0, 1e-9, `${where} line b`);
        near(l.c[t]!, e.lineC, 0, 1e-9, `${where} line c`);
        near(l.fitted[t]!, e.lineFitted, 0, 1e-9, `${where} line fitted`);
        near(l.ssRes[t]!, e.lineSsRes, 0, 1e-9, `${where} line ssRes`);
      }
    }
  }
});

test('matches the O(W) reference on long random walks at idx ≈ 100 and bqx ≈ 1e-3 magnitude', () => {
  const idx = walk(2000, 100, 1e-4, 7);
  const bqx = walk(2000, 1e-3, 3e-2, 8); // ≈ 1e-3 level, moves ≈ 3e-5
  for (const w of WINDOWS) {
    checkAgainstReference(idx, w, 1e-9, 'idx');
    checkAgainstReference(bqx, w, 1e-9, 'bqx');
  }
});

test('NaN holes and constant stretches: NaN exactly while a window holds NaN, SStot exactly 0 when flat', () => {
  const y = walk(1700, 100, 1e-4, 11);
  y[300] = NaN;
  y[301] = NaN;
  y[900] = Infinity;
  y.fill(y[1000]!, 1000, 1200); // 200 identical values
  for (const w of [60, 150]) {
    checkAgainstReference(y, w, 1e-9, 'holes');
    const q = quadOut(y.length);
    rollingQuadFit(y, w, q);
    for (let t = 1000 + w - 1; t < 1200; t++) {
      assert.equal(q.ssTot[t], 0);
      assert.equal(q.ssRes[t], 0);
      assert.equal(q.a[t], 0);
      assert.equal(q.b[t], 0);
      assert.equal(q.c[t], y[1000]);
      assert.equal(q.fitted[t], y[1000]);
    }
    assert.ok(q.ssTot[1000 + w - 2]! > 0, 'one differing value leaves SStot > 0');
    assert.ok(q.ssTot[1200]! > 0);
  }
});

test('a perfectly quadratic series is fitted exactly (SSres ≈ 0, residual ≈ 0 relative to scale)', () => {
  const n = 1500;
  const y = new Float64Array(n);
  const A = -3e-8, B = 2e-4, C = 100; // idx ≈ 100, curvature of a few 1e-4 relative over a window
  for (let s = 0; s < n; s++) y[s] = C + B * s + A * s * s;
  for (const w of WINDOWS) {
    const q = quadOut(n);
    rollingQuadFit(y, w, q);
    for (let t = w - 1; t < n; t++) {
      const first = t - w + 1;
      const s = spread(y, t, w);
      // In window coordinates x = s − first: a = A, b = B + 2A·first, c = y(first).
      near(q.a[t]! * (w - 1) ** 2, A * (w - 1) ** 2, 0, 1e-9, `w${w} t${t} a`);
      near(q.b[t]! * (w - 1), (B + 2 * A * first) * (w - 1), s, 1e-9, `w${w} t${t} b`);
      near(q.c[t]!, C + B * first + A * first * first, s, 1e-9, `w${w} t${t} c`);
      assert.ok(Math.abs(y[t]! - q.fitted[t]!) <= 1e-10 * s, `w${w} t${t} residual ${y[t]! - q.fitted[t]!}`);
      assert.ok(q.ssRes[t]! <= 1e-12 * q.ssTot[t]!, `w${w} t${t} r2 = 1: ssRes ${q.ssRes[t]} ssTot ${q.ssTot[t]}`);
    }
  }
});

test('truncation invariance: rows ≤ t are identical when the input ends at t', () => {
  const y = walk(1400, 100, 1e-4, 21);
  for (const w of [60, 390]) {
    const full = quadOut(y.length);
    rollingQuadFit(y, w, full);
    for (const cut of [w - 1, w + 5, 777, 1399]) {
      const part = quadOut(cut + 1);
      rollingQuadFit(y.subarray(0, cut + 1), w, part);
      for (const k of ['a', 'b', 'c', 'fitted', 'ssRes', 'ssTot'] as const) {
        assert.deepEqual(part[k], full[k].subarray(0, cut + 1), `w${w} cut ${cut} ${k}`);
      }
    }
  }
});

test('inputs shorter than W give NaN everywhere; invalid windows are rejected', () => {
  const y = walk(50, 100, 1e-4, 3);
  const q = quadOut(50);
  rollingQuadFit(y, 60, q);
  assert.ok(q.a.every(Number.isNaN) && q.ssTot.every(Number.isNaN), 'all NaN');
  assert.throws(() => rollingQuadFit(y, 2, quadOut(50)), RangeError);
  assert.throws(() => rollingLineFit(y, 1, lineOut(50)), RangeError);
  assert.throws(() => rollingQuadFit(y, 7.5, quadOut(50)), RangeError);
  assert.throws(() => rollingQuadFit(y, 10, quadOut(49)), RangeError);
});
