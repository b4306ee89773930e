// The regime family (FEATURES.md §6): declarations; the seven rolling metrics against plain reference
// implementations written from the definitions; the Saturday segments and fit provenance; degenerate input;
// truncation and partition invariance of all 30 features across a weekly refit and a month boundary
// (synthetic market with real calendar gaps); completeness and ranges on real EURUSD 2017.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { sliceBars } from '../../src/core/types.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import { regime, segmentStarts } from '../../src/features/families/regime.ts';
import type { PairFrame } from '../../src/features/types.ts';
import { readHistData } from '../../src/io/ingest/histdata.ts';
import { generateMarket } from '../../src/io/synthetic.ts';
import { firstMismatch } from '../helpers/compare.ts';
import { rowAt } from '../helpers/market.ts';
import { checkRanges, near, syntheticFrame } from './base-b-frame.ts';

const METRICS = [
  'hmm_p_calm', 'hmm_p_normal', 'hmm_p_turbulent', 'hmm_state', 'regime_duration', 'regime_expected_duration',
  'regime_transition_probability', 'regime_strength', 'trend_quality_score', 'regime_classification',
  'range_bound_score', 'volatility_regime_score', 'vol_clustering', 'hurst_exponent', 'bb_squeeze_pct',
];
const DAY = 86_400_000;

interface Run { cols: Map<string, Float64Array>; notes: Record<string, unknown>; warnings: string[] }
function compute(frame: PairFrame): Run {
  const cols = new Map(regime.features.map((f) => [f.name, new Float64Array(frame.n)]));
  const notes: Record<string, unknown> = {};
  const warnings: string[] = [];
  regime.compute!(frame, (name) => cols.get(name) ?? assert.fail(`undeclared ${name}`), { note: (k, v) => { notes[k] = v; }, warn: (m) => warnings.push(m) });
  return { cols, notes, warnings };
}

test('names, counts and declarations match FEATURES.md §6 (idx 15, bqx 15, stage regime)', () => {
  assert.deepEqual(regime.features.map((f) => f.name).sort(), ['idx', 'bqx'].flatMap((d) => METRICS.map((m) => `regime_${d}_${m}`)).sort());
  for (const f of regime.features) {
    assert.equal(f.stage, 'regime');
    assert.equal(f.lookahead, 0);
    assert.ok(f.nanPrefix <= f.lookback + 1, f.name);
  }
  const lb = (name: string) => regime.features.find((f) => f.name === name)!.lookback;
  assert.equal(lb('regime_idx_regime_duration'), 21_600); // the design figure: 10,079 + 10,081 + 1,440
  assert.equal(lb('regime_bqx_regime_duration'), 21_615);
  assert.equal(lb('regime_idx_hmm_p_calm'), 20_160);
});

test('segments start at the first row and at every row after a Saturday 00:00 UTC', () => {
  const sat = Date.UTC(2024, 6, 6); // a Saturday
  const ts = Float64Array.of(sat - 3 * DAY, sat - 60_000, sat + 2 * DAY, sat + 2 * DAY + 60_000, sat + 7 * DAY, sat + 21 * DAY);
  assert.deepEqual(segmentStarts(ts), [0, 2, 4, 5]);
});

// ---- The rolling metrics against plain references (a frame without weekends, too short for the HMM). ----
const small = syntheticFrame(3_200, 17);
const smallRun = compute(small);

function window(y: Float64Array, t: number, w: number): number[] {
  return Array.from(y.subarray(t - w + 1, t + 1));
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
const sampleStd = (a: number[]) => { const m = mean(a); return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1)); };
function bands(y: Float64Array, t: number): { lo: number; up: number; mid: number } {
  const a = window(y, t, 20);
  const m = mean(a);
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / 20);
  return { lo: m - 2 * sd, up: m + 2 * sd, mid: m };
}
function hurstRef(dy: number[]): number {
  const sizes = [8, 16, 30, 60, 120, 240];
  const pts = sizes.map((n) => {
    const rs: number[] = [];
    for (let end = dy.length; end >= n; end -= n) {
      const c = dy.slice(end - n, end);
      const m = mean(c);
      let y = 0, hi = 0, lo = 0;
      for (const v of c) { y += v - m; hi = Math.max(hi, y); lo = Math.min(lo, y); }
      const s = Math.sqrt(c.reduce((acc, v) => acc + (v - m) ** 2, 0) / n);
      if (s > 0) rs.push((hi - lo) / s);
    }
    return [Math.log(n), Math.log(mean(rs))] as const;
  });
  const mx = mean(pts.map((p) => p[0])), my = mean(pts.map((p) => p[1]));
  const h = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0) / pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return Math.min(1, Math.max(0, h));
}

for (const d of ['idx', 'bqx'] as const) {
  test(`${d}: trend quality, range-bound, volatility ratio, clustering, Hurst, squeeze = plain references (1e-9)`, () => {
    const y = d === 'idx' ? small.close : small.bqx;
    const col = (m: string) => smallRun.cols.get(`regime_${d}_${m}`)!;
    const dy = (t: number) => y[t]! - y[t - 1]!;
    const width = (t: number) => { const b = bands(y, t); return d === 'idx' ? (b.up - b.lo) / b.mid : b.up - b.lo; };
    const first = d === 'idx' ? 0 : 15;
    for (let t = first + 1460; t < small.n; t += 37) {
      const moves = Array.from({ length: 60 }, (_, k) => Math.abs(dy(t - k)));
      near(col('trend_quality_score')[t]!, (y[t]! - y[t - 60]!) / moves.reduce((s, v) => s + v, 0), 1e-9, `tq ${t}`, 1);
      let inside = 0;
      for (let j = t - 59; j <= t; j++) { const b = bands(y, j); if (b.lo <= y[j]! && y[j]! <= b.up) inside++; }
      assert.equal(col('range_bound_score')[t], inside / 60, `range-bound ${t}`);
      const d60 = Array.from({ length: 60 }, (_, k) => dy(t - k)), d1440 = Array.from({ length: 1440 }, (_, k) => dy(t - k));
      near(col('volatility_regime_score')[t]!, sampleStd(d60) / sampleStd(d1440), 1e-9, `vol ratio ${t}`);
      const a = Array.from({ length: 240 }, (_, k) => Math.abs(dy(t - 239 + k)));
      const x0 = a.slice(0, -1), x1 = a.slice(1), m0 = mean(x0), m1 = mean(x1);
      let sxy = 0, sxx = 0, syy = 0;
      for (let i = 0; i < x0.length; i++) { sxy += (x0[i]! - m0) * (x1[i]! - m1); sxx += (x0[i]! - m0) ** 2; syy += (x1[i]! - m1) ** 2; }
      near(col('vol_clustering')[t]!, sxy / Math.sqrt(sxx * syy), 1e-9, `clustering ${t}`, 1);
      near(col('hurst_exponent')[t]!, hurstRef(Array.from({ length: 240 }, (_, k) => dy(t - 239 + k))), 1e-9, `hurst ${t}`, 1);
      const wt = width(t);
      let less = 0, equal = 0;
      for (let j = t - 1439; j <= t; j++) { const v = width(j); if (v < wt) less++; else if (v === wt) equal++; }
      near(col('bb_squeeze_pct')[t]!, (less + (equal - 1) / 2) / 1439, 1e-9, `squeeze ${t}`, 1);
    }
  });
}

test('before 5,000 rows of history every HMM-derived column is NaN (the rolling ones are not)', () => {
  for (const d of ['idx', 'bqx']) {
    for (const m of ['hmm_p_calm', 'hmm_state', 'regime_duration', 'regime_strength', 'regime_classification']) {
      assert.ok(smallRun.cols.get(`regime_${d}_${m}`)!.every((v) => Number.isNaN(v)), `${d} ${m}`);
    }
    assert.ok(Number.isFinite(smallRun.cols.get(`regime_${d}_hurst_exponent`)![3_000]!));
  }
});

// ---- Synthetic market with real calendar gaps: June 2024 → mid-July 2024. ----
const market = generateMarket({ pairs: ['EURUSD'], from: Date.UTC(2024, 5, 1), months: 2, seed: 9 }).get('EURUSD')!;
const END = rowAt(market.ts, Date.UTC(2024, 6, 9));
const frameOf = (from: number, to = END) => buildPairFrame('EURUSD', sliceBars(market, from, to), market.close[0]!);
const continuous = compute(frameOf(0));
const T0 = rowAt(market.ts, Date.UTC(2024, 6, 1)); // the month boundary; Saturday 6 July is a refit after it
const WARMUP = Math.max(...regime.features.map((f) => f.lookback));

test('fits end before the rows they are applied to; provenance for each segment; HMM columns consistent', () => {
  const fits = continuous.notes.hmm_fits as { domain: string; segmentStart: string; windowEnd: string | null; status: string; observations: number; iterations?: number }[];
  assert.ok(fits.length >= 2 * 6, `${fits.length} fits`);
  for (const f of fits.filter((x) => x.status === 'ok')) {
    assert.ok(Date.parse(f.windowEnd!) < Date.parse(f.segmentStart), `${f.domain} fit ${f.windowEnd} ends after ${f.segmentStart}`);
    assert.equal(new Date(f.segmentStart).getUTCDay(), 6, 'segments are anchored on Saturday 00:00');
    assert.ok(f.iterations! >= 1 && f.iterations! <= 100);
  }
  assert.equal(continuous.warnings.length, 0);
  for (const d of ['idx', 'bqx']) {
    const c = (m: string) => continuous.cols.get(`regime_${d}_${m}`)!;
    for (let t = 0; t < END; t++) {
      const p = [c('hmm_p_calm')[t]!, c('hmm_p_normal')[t]!, c('hmm_p_turbulent')[t]!];
      if (Number.isNaN(p[0])) continue;
      near(p[0]! + p[1]! + p[2]!, 1, 1e-12, `Σp at ${t}`);
      const s = c('hmm_state')[t]!;
      assert.equal(p[s], Math.max(...p));
      assert.equal(c('regime_strength')[t], Math.max(...p));
      const tq = c('trend_quality_score')[t]!;
      const cls = s === 2 && p[2]! >= 0.5 ? 3 : Math.abs(tq) >= 0.3 ? (tq > 0 ? 1 : 2) : 0;
      assert.equal(c('regime_classification')[t], cls, `classification at ${t}`);
    }
  }
});

test('partition invariance: July with the declared warm-up (21,615 rows) = continuous run, across refits', () => {
  const from = T0 - WARMUP;
  assert.ok(from > 0);
  const alone = compute(frameOf(from));
  for (const f of regime.features) {
    const a = continuous.cols.get(f.name)!.subarray(T0), b = alone.cols.get(f.name)!.subarray(T0 - from);
    const i = firstMismatch(a, b, 1e-9);
    assert.equal(i, -1, `${f.name}: July alone differs at row ${T0 + i}: ${b[i]} vs ${a[i]}`);
    assert.ok(a.some((v) => !Number.isNaN(v)), `${f.name} has values in July`);
  }
});

test('truncation invariance: rows ≤ t identical when computed on rows ≤ t (just before / after a refit)', () => {
  const refit = rowAt(market.ts, Date.UTC(2024, 6, 6));
  for (const cut of [refit - 1, refit + 2]) {
    const part = compute(frameOf(0, cut + 1));
    for (const f of regime.features) assert.deepEqual(part.cols.get(f.name), continuous.cols.get(f.name)!.subarray(0, cut + 1), `${f.name} cut at ${cut}`);
  }
});

test('degenerate input (flat price for weeks): HMM features NaN with a warning, never a throw', () => {
  const flat = sliceBars(market, 0, 25_000);
  const bars = { ...flat, close: new Float64Array(flat.close.length).fill(flat.close[0]!) };
  const run = compute(buildPairFrame('EURUSD', bars, bars.close[0]!));
  assert.ok(run.warnings.some((w) => /degenerate/.test(w)), run.warnings.join('\n'));
  for (const d of ['idx', 'bqx']) {
    for (const m of ['hmm_p_calm', 'hmm_state', 'regime_expected_duration']) assert.ok(run.cols.get(`regime_${d}_${m}`)!.every((v) => Number.isNaN(v)), `${d} ${m}`);
  }
});

// ---- Real EURUSD February 2017 (HistData, one plain monthly CSV): completeness and declared ranges. ----
const CSV = new URL('../../../shared/data/real-fx/Kismuz__btgym/DAT_ASCII_EURUSD_M1_201702.csv', import.meta.url);
test('real EURUSD Feb 2017: no NaN after nanPrefix, declared ranges, no degenerate fit', { skip: existsSync(CSV) ? false : 'needs ../shared/data/real-fx (absent)' }, () => {
  const bars = readHistData(readFileSync(CSV), 'DAT_ASCII_EURUSD_M1_201702.csv').bars;
  const run = compute(buildPairFrame('EURUSD', bars, bars.close[0]!));
  assert.deepEqual(run.warnings, []);
  checkRanges(regime, run.cols);
  for (const f of regime.features) {
    const col = run.cols.get(f.name)!;
    assert.ok(col.length > f.nanPrefix + 10_000);
    for (let t = f.nanPrefix; t < col.length; t++) assert.ok(Number.isFinite(col[t]!), `${f.name}[${t}] = ${col[t]}`);
  }
});
