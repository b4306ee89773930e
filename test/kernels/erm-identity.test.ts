// kernels/regression-diagnostics.ts, whose residual loop now runs as WebAssembly SIMD two rows at a time
// (kernels/quad-residual-sums.ts), must reproduce the kernel it replaced bit for bit (the lake files and data
// versions depend on every bit): every erm column against the frozen copy in regression-diagnostics-reference.ts,
// on real 2017 bars (EURUSD, USDJPY, GBPJPY from the year's first open, weekend gaps, a 9-month gap) through
// the erm family with the reg family's terms as upstream, and on generated series that take every path —
// NaN runs, constant windows, exact quadratics, B ≈ 1e-3, odd and even row counts, fewer rows than W.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { erm } from '../../src/features/families/erm.ts';
import { reg, REG_WINDOWS } from '../../src/features/families/reg.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import { PRICE_DOMAINS } from '../../src/features/define.ts';
import { DOMAIN_SERIES } from '../../src/features/families/bqx.ts';
import { regressionDiagnostics, type DiagnosticColumns } from '../../src/kernels/regression-diagnostics.ts';
import { regTerms } from '../helpers/reg-terms.ts';
import { histdata, realSkip } from '../helpers/histdata-slice.ts';
import { rng } from '../helpers/rng.ts';
import { referenceDiagnostics } from './regression-diagnostics-reference.ts';

const METRICS = ['rmseImprovement', 'extrapolationConfidence', 'residualAutocorrelation', 'heteroskedasticity', 'curvatureSignificance'] as const;
const COLUMN: Record<(typeof METRICS)[number], string> = {
  rmseImprovement: 'rmse_improvement_vs_linear', extrapolationConfidence: 'extrapolation_confidence',
  residualAutocorrelation: 'residual_autocorrelation', heteroskedasticity: 'heteroskedasticity_measure',
  curvatureSignificance: 'curvature_significance',
};
const columns = (n: number): DiagnosticColumns => Object.fromEntries(METRICS.map((m) => [m, new Float64Array(n).fill(7)])) as unknown as DiagnosticColumns;
const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Same bytes (NaN payloads included); on a difference, the first row that differs. */
function assertSameBits(got: Float64Array, want: Float64Array, what: string): void {
  if (bytes(got).equals(bytes(want))) return;
  const t = got.findIndex((v, i) => !Object.is(v, want[i]) || bytes(got.subarray(i, i + 1)).compare(bytes(want.subarray(i, i + 1))) !== 0);
  assert.fail(`${what}[${t}]: ${got[t]} ≠ frozen ${want[t]}`);
}

test('real 2017 (EURUSD, USDJPY, GBPJPY; 2–20 January from the year’s first open and 29 October–10 November): every erm column equals the frozen kernel bit for bit', { skip: realSkip }, () => {
  const ctx = { note: () => {}, warn: () => {} };
  let finite = 0, total = 0;
  for (const pair of ['EURUSD', 'USDJPY', 'GBPJPY']) {
    const bars = histdata(pair, [['20170101 170000', '20170120 170000'], ['20171029 170000', '20171110 170000']]);
    const upstream = new Map<string, Float64Array>();
    const base = buildPairFrame(pair, bars, bars.close[0]!);
    reg.compute!(base, (name) => { const c = new Float64Array(base.n); upstream.set(name, c); return c; }, ctx);
    const frame = buildPairFrame(pair, bars, bars.close[0]!, upstream);
    const out = new Map<string, Float64Array>();
    erm.compute!(frame, (name) => { const c = new Float64Array(frame.n).fill(7); out.set(name, c); return c; }, ctx);
    assert.equal(out.size, erm.features.length);
    for (const d of PRICE_DOMAINS) {
      for (const w of REG_WINDOWS) {
        const want = columns(frame.n);
        const term = (k: string) => frame.upstream(`reg_${d}_w${w}_${k}`);
        referenceDiagnostics(frame[DOMAIN_SERIES[d].input], w, { quadTerm: term('quadratic_term'), linTerm: term('linear_term'), constTerm: term('constant_term') }, want);
        for (const m of METRICS) {
          const name = `erm_${d}_w${w}_${COLUMN[m]}`;
          assertSameBits(out.get(name)!, want[m], `${pair} ${name}`);
          finite += want[m].filter(Number.isFinite).length;
          total += frame.n;
        }
      }
    }
  }
  // Not a vacuous comparison of NaN columns.
  assert.ok(finite > 0.9 * total, `finite values compared: ${finite} of ${total}`);
});


/** A random walk at `level` with relative steps `step`, NaN runs, flat runs and exact-quadratic stretches. */
function series(seed: number, n: number, level: number, step: number): Float64Array {
  const u = rng(seed);
  const y = new Float64Array(n);
  let p = level;
  for (let t = 0; t < n; t++) {
    const phase = t % 2400;
    if (phase >= 1000 && phase < 1700) y[t] = p; // flat for 700 rows: constant windows up to W = 630
    else if (phase >= 1700 && phase < 2400) y[t] = p + step * level * 1e-3 * (phase - 1700) ** 2; // exact quadratic
    else y[t] = p *= 1 + step * (u() - 0.5);
  }
  for (let k = 0; k < 6; k++) {
    const s = Math.floor(u() * n);
    y.fill(NaN, s, Math.min(n, s + 1 + Math.floor(u() * 40)));
  }
  return y;
}

test('generated series (idx ≈ 100, B ≈ 1e-3; NaN runs, constant windows, exact quadratics; odd, even and short lengths): bit for bit', () => {
  let compared = 0;
  for (const [seed, level, step] of [[1, 100, 1e-4], [2, 1e-3, 0.3], [3, -2e-3, 0.2]] as const) {
    for (const n of [7000, 7001, 400, 59, 1]) {
      const y = series(seed, n, level, step);
      for (const w of REG_WINDOWS) {
        const terms = regTerms(y, w);
        const got = columns(n), want = columns(n);
        regressionDiagnostics(y, w, terms, got);
        referenceDiagnostics(y, w, terms, want);
        for (const m of METRICS) assertSameBits(got[m], want[m], `seed ${seed} n ${n} W ${w} ${m}`);
        compared += n;
      }
    }
  }
  assert.ok(compared > 100_000);
});

test('terms with isolated NaN rows (a row whose neighbour has no fit) and a scratch memory reused across sizes: bit for bit', () => {
  const u = rng(9);
  for (const n of [3001, 20_000, 2000]) {
    const y = series(4, n, 100, 1e-4);
    const w = 90;
    const terms = regTerms(y, w);
    for (let t = 0; t < n; t += 1 + Math.floor(u() * 7)) terms.quadTerm[t] = NaN;
    const got = columns(n), want = columns(n);
    regressionDiagnostics(y, w, terms, got);
    referenceDiagnostics(y, w, terms, want);
    for (const m of METRICS) assertSameBits(got[m], want[m], `n ${n} ${m}`);
  }
});
