// The erm regression diagnostics (kernels/regression-diagnostics.ts) against textbook OLS computed in numpy by
// fixtures/erm/make_erm_fixtures.py (QR on a scaled monomial design, lstsq for the line and the
// Breusch–Pagan auxiliary regression), on real EURUSD windows (idx and B) and generated series.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { regressionDiagnostics, T975, type DiagnosticColumns, type QuadTerms } from '../../src/kernels/regression-diagnostics.ts';
import { regTerms } from '../helpers/reg-terms.ts';

const WINDOWS = [60, 90, 150, 240, 390, 630] as const;
const METRICS = ['rmseImprovement', 'extrapolationConfidence', 'residualAutocorrelation', 'heteroskedasticity', 'curvatureSignificance'] as const;
type Case = { w: number; t: number; constant?: true; quadTerm: number; linTerm: number; constTerm: number } & Record<(typeof METRICS)[number], number>;
const fx = JSON.parse(readFileSync(new URL('../../fixtures/erm/erm.json', import.meta.url), 'utf8')) as {
  tQuantiles: Record<string, number>;
  series: Record<string, { y: (number | null)[]; cases: Case[] }>;
};

const columns = (n: number): DiagnosticColumns => Object.fromEntries(METRICS.map((m) => [m, new Float64Array(n)])) as unknown as DiagnosticColumns;


/** The fixture's own coefficients at its rows, NaN elsewhere (isolates the diagnostics from the fit). */
function fixtureTerms(n: number, cases: Case[]): QuadTerms {
  const terms = { quadTerm: new Float64Array(n).fill(NaN), linTerm: new Float64Array(n).fill(NaN), constTerm: new Float64Array(n).fill(NaN) };
  for (const c of cases) {
    if (c.constant) continue;
    terms.quadTerm[c.t] = c.quadTerm; terms.linTerm[c.t] = c.linTerm; terms.constTerm[c.t] = c.constTerm;
  }
  return terms;
}

function check(name: string, source: 'fixture' | 'reg', tol: number): void {
  const s = fx.series[name]!;
  const y = Float64Array.from(s.y, (v) => v ?? NaN);
  let compared = 0;
  for (const w of WINDOWS) {
    const cases = s.cases.filter((c) => c.w === w);
    const out = columns(y.length);
    regressionDiagnostics(y, w, source === 'reg' ? regTerms(y, w) : fixtureTerms(y.length, cases), out);
    for (const c of cases) {
      for (const m of METRICS) {
        const got = out[m][c.t]!;
        const what = `${name} W=${w} t=${c.t} ${m}`;
        if (c.constant) {
          if (source === 'reg') assert.ok(Number.isNaN(got), `${what}: constant window must be NaN, got ${got}`);
          continue;
        }
        const exp = c[m];
        assert.ok(Math.abs(got - exp) <= tol * Math.max(Math.abs(exp), 1e-3), `${what}: got ${got}, expected ${exp}`);
        compared++;
      }
    }
  }
  assert.ok(compared >= 500, `only ${compared} values compared`);
}

for (const name of ['real_idx', 'real_bqx', 'gen_idx', 'gen_bqx']) {
  test(`${name}: the five diagnostics equal numpy OLS within 1e-9 (fixture coefficients)`, () => check(name, 'fixture', 1e-9));
  test(`${name}: and within 1e-9 with the coefficients of the shared rolling fit (reg)`, () => check(name, 'reg', 1e-9));
}

test('t-quantiles: equal scipy and satisfy ∫₀^q t-density = 0.475 (independent Simpson integration)', () => {
  for (const w of WINDOWS) {
    const nu = w - 3;
    const q = T975.get(nu)!;
    assert.equal(q, fx.tQuantiles[String(nu)]);
    // Student-t density with nu dof; log-gamma via Stirling series (accurate to ~1e-15 for nu ≥ 50).
    const lgamma = (z: number) => (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5);
    const c = Math.exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) / Math.sqrt(nu * Math.PI);
    const f = (x: number) => c * Math.pow(1 + (x * x) / nu, -(nu + 1) / 2);
    const k = 2000;
    const h = q / k;
    let s = f(0) + f(q);
    for (let i = 1; i < k; i++) s += (i % 2 ? 4 : 2) * f(i * h);
    assert.ok(Math.abs((s * h) / 3 - 0.475) < 1e-12, `W=${w}: ∫ = ${(s * h) / 3}`);
  }
});

test('edge cases: exact quadratic, NaN in the window, window shorter than W, unknown W', () => {
  const n = 200;
  const w = 60;
  const y = Float64Array.from({ length: n }, (_, i) => 100 + 1e-4 * i - 2e-6 * i * i);
  const out = columns(n);
  regressionDiagnostics(y, w, regTerms(y, w), out);
  for (let t = 0; t < w - 1; t++) for (const m of METRICS) assert.ok(Number.isNaN(out[m][t]!), `${m}[${t}] before the first full window`);
  for (let t = w - 1; t < n; t++) {
    assert.equal(out.rmseImprovement[t], 1, `row ${t}: an exact quadratic improves on the line by 100 %`);
    assert.equal(out.extrapolationConfidence[t], 0);
    for (const m of ['residualAutocorrelation', 'heteroskedasticity', 'curvatureSignificance'] as const) assert.ok(Number.isNaN(out[m][t]!), `${m}[${t}]`);
  }
  const holed = y.slice();
  holed[100] = NaN;
  regressionDiagnostics(holed, w, regTerms(holed, w), out);
  for (let t = 100; t < 100 + w; t++) for (const m of METRICS) assert.ok(Number.isNaN(out[m][t]!), `${m}[${t}] with a NaN in the window`);
  assert.ok(Number.isFinite(out.rmseImprovement[100 + w]!));
  assert.throws(() => regressionDiagnostics(y, 61, regTerms(y, 61), out), /no t-quantile/);
});

test('causal: values at t ignore rows after t (the loop reads rows t − W + 1 … t only)', () => {
  const s = fx.series.real_idx!;
  const y = Float64Array.from(s.y, (v) => v ?? NaN);
  const cut = 900;
  for (const w of WINDOWS) {
    const full = columns(y.length);
    regressionDiagnostics(y, w, regTerms(y, w), full);
    const head = y.slice(0, cut + 1);
    const part = columns(head.length);
    regressionDiagnostics(head, w, regTerms(head, w), part);
    for (const m of METRICS) assert.deepEqual(part[m], full[m].subarray(0, cut + 1), `W=${w} ${m}`);
  }
});
