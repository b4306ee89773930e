// Edge cases of the TA-Lib kernels against TA-Lib 0.6 (constant series, zero volume, ties, price gaps,
// inputs shorter than the lookback) and the documented deviations from TA-Lib, each against an oracle
// written from the definition: MFI's NaN instead of 0, the bqx domain's volume money flow, obv_slope,
// BBANDS' exact variance; plus long-series drift of the running sums and the window extremes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CASES, exactBands, mfiVolumeFlowExpected } from './ta-cases.ts';
import { assertParity, bqxSeries, idxSeries, rng, taLib, type Series } from './ta-oracle.ts';
import { mfi } from '../../src/kernels/ta/mfi.ts';
import { obvSlope } from '../../src/kernels/ta/obv.ts';
import { sma } from '../../src/kernels/ta/sma.ts';
import { bbands } from '../../src/kernels/ta/bbands.ts';
import { rsi } from '../../src/kernels/ta/rsi.ts';
import { ema } from '../../src/kernels/ta/ema.ts';
import { stoch } from '../../src/kernels/ta/stoch.ts';
import { HighLowBlocks } from '../../src/kernels/ta/extremes.ts';

const series = (name: string, close: number[], spread = 0, volume = (t: number) => 10 + (t % 7)): Series => ({
  name,
  high: Float64Array.from(close, (c) => c + spread),
  low: Float64Array.from(close, (c) => c - spread),
  close: Float64Array.from(close),
  volume: Float64Array.from(close, (_, t) => volume(t)),
});

/** Every case and parameter set on `s` equals TA-Lib (for cases that apply to such prices). */
function allEqualTaLib(s: Series, bqxLike = false): void {
  for (const c of CASES) {
    if (bqxLike && !c.onBqx) continue;
    for (const p of c.params) {
      const theirs = c.talib(s, p);
      const ours = c.ours(s, p);
      for (const [k, col] of Object.entries(theirs)) assertParity(ours[k]!, col, c.rel, `${s.name}: ${c.name}(${p.join(', ')}) ${k}`);
    }
  }
}

const slice = (s: Series, n: number): Series => ({
  name: `${s.name}[0, ${n})`, high: s.high.slice(0, n), low: s.low.slice(0, n), close: s.close.slice(0, n), volume: s.volume.slice(0, n),
});

test('inputs shorter than, equal to and just longer than the lookback: same NaN rows and values as TA-Lib', () => {
  const s = idxSeries(160, 5);
  for (const n of [1, 2, 3, 4, 5, 6, 13, 14, 15, 16, 17, 18, 19, 20, 29, 30, 31, 45, 46, 59, 60, 61, 75, 76, 77, 78, 98, 99, 100, 101, 148, 149, 150]) {
    allEqualTaLib(slice(s, n));
  }
});

test('empty input: every kernel writes nothing and does not throw', () => {
  const e = new Float64Array(0);
  for (const c of CASES) for (const p of c.params) c.ours({ name: 'empty', high: e, low: e, close: e, volume: e }, p);
});

test('constant series (flat prices, constant or zero volume) = TA-Lib, including its 0s for 0/0', () => {
  for (const level of [100, 1.08, 0.1]) {
    allEqualTaLib(series(`constant ${level}`, Array(200).fill(level)));
    allEqualTaLib(series(`constant ${level}, zero volume`, Array(200).fill(level), 0, () => 0));
  }
  allEqualTaLib(series('constant bqx 0', Array(200).fill(0), 0, () => 3), true);
  // TA-Lib's conventions on a flat history: RSI, STOCH, WILLR, CCI, DI and ADX are 0 (not NaN).
  const flat = series('flat', Array(100).fill(100));
  const out = new Float64Array(100);
  rsi(flat.close, 14, out);
  assert.equal(out[50], 0);
});

test('ties, steps and price gaps = TA-Lib', () => {
  const steps = Array.from({ length: 400 }, (_, t) => 100 + 0.01 * Math.floor(t / 9) * ((t >> 6) % 2 ? -1 : 1));
  allEqualTaLib(series('steps', steps, 0.005));
  const alternating = Array.from({ length: 400 }, (_, t) => (t % 2 ? 100.01 : 100));
  allEqualTaLib(series('alternating', alternating, 0.01));
  const r = rng(9);
  const gaps: number[] = [];
  let p = 100;
  for (let t = 0; t < 600; t++) {
    if (t === 200) p *= 1.03; // weekend gap up
    if (t === 400) p *= 0.96; // and down
    p *= 1 + (r() - 0.5) * 2e-4;
    gaps.push(Math.round(p * 1000) / 1000);
  }
  allEqualTaLib(series('gaps', gaps, 0.004));
});

test('deviation — MFI is NaN where the money flow sums to < 1 (TA-Lib: 0), e.g. without volume or price change', () => {
  const prices = [...Array(30).fill(0).map((_, t) => 100 + 0.01 * (t % 5)), ...Array(30).fill(100.02), ...Array(30).fill(0).map((_, t) => 100 + 0.01 * (t % 4))];
  const s = series('mfi deviations', prices, 0.005, (t) => (t >= 10 && t < 30 ? 0 : 5));
  const ours = new Float64Array(prices.length);
  mfi(s.high, s.low, s.close, s.volume, 5, ours);
  const ta = taLib('MFI', { high: s.high, low: s.low, close: s.close, volume: s.volume }, { optInTimePeriod: 5 }).outReal!;
  for (let t = 5; t < prices.length; t++) {
    const noVolume = t >= 14 && t < 30; // the window t−4 … t has no volume
    const flat = t >= 35 && t < 60; // no typical-price change in the window
    if (noVolume || flat) {
      assert.ok(Number.isNaN(ours[t]!), `row ${t}: ${ours[t]}`);
      assert.equal(ta[t], 0, `TA-Lib row ${t}`);
    } else {
      assert.ok(Math.abs(ours[t]! - ta[t]!) <= 1e-9 * 100, `row ${t}: ${ours[t]} vs ${ta[t]}`);
    }
  }
});

test('deviation — bqx-domain MFI: the money flow of a bar is its volume, signed by the change of B', () => {
  const s = bqxSeries(5000, 3);
  for (const w of [15, 30, 45, 60, 75]) {
    const ours = new Float64Array(s.close.length);
    mfi(s.high, s.low, s.close, s.volume, w, ours, 'volume');
    assert.ok(ours.subarray(0, w).every(Number.isNaN), `w${w}: the lookback rows are NaN`);
    assertParity(ours, mfiVolumeFlowExpected(s.close, s.volume, w), 1e-9, `bqx MFI(${w})`);
  }
});

test('obv_slope: NaN (not rounding residue) on zero-volume windows after fractional volumes; |slope| ≤ 1', () => {
  const r = rng(4);
  const n = 3000;
  const close = Float64Array.from({ length: n }, (_, t) => 100 + Math.round(Math.sin(t / 7) * 50 + r() * 10) / 1000);
  const volume = Float64Array.from({ length: n }, (_, t) => (t >= 1000 && t < 2000 ? 0 : Math.round(r() * 1e4) / 100 + 0.01));
  const out = new Float64Array(n);
  for (const w of [15, 75]) {
    obvSlope(close, volume, w, out);
    for (let t = w; t < n; t++) {
      const empty = t >= 1000 + w - 1 && t < 2000;
      if (empty) assert.ok(Number.isNaN(out[t]!), `w${w} row ${t}: ${out[t]}`);
      else assert.ok(Math.abs(out[t]!) <= 1 + 1e-12, `w${w} row ${t}: ${out[t]}`);
    }
  }
});

test('deviation — BBANDS: the bands are within 1e-10 of the level of a two-pass oracle (TA-Lib: E[x²] − mean²)', () => {
  const s = idxSeries(30_000, 8);
  for (const w of [20, 75]) {
    const ours = { upper: new Float64Array(s.close.length), middle: new Float64Array(s.close.length), lower: new Float64Array(s.close.length) };
    bbands(s.close, w, 2, 2, ours);
    const exact = exactBands(s.close, w, 2, 2);
    for (let t = w - 1; t < s.close.length; t++) {
      for (const [k, e] of [['upper', exact.outRealUpperBand!], ['middle', exact.outRealMiddleBand!], ['lower', exact.outRealLowerBand!]] as const) {
        assert.ok(Math.abs(ours[k][t]! - e[t]!) <= 1e-10 * Math.abs(e[t]!), `w${w} ${k} row ${t}: ${ours[k][t]} vs ${e[t]}`);
      }
    }
  }
});

test('running sums do not drift over 400,000 rows (SMA, BBANDS, MFI, obv_slope vs direct window sums)', () => {
  const n = 400_000;
  const s = idxSeries(n, 6);
  const w = 30;
  const out = new Float64Array(n);
  const bands = { middle: new Float64Array(n), upper: new Float64Array(n) };
  sma(s.close, w, out);
  bbands(s.close, w, 2, 2, bands);
  const mf = new Float64Array(n);
  mfi(s.high, s.low, s.close, s.volume, w, mf);
  const slope = new Float64Array(n);
  obvSlope(s.close, s.volume, w, slope);
  const ex = exactBands(s.close.subarray(n - 2000), w, 2, 2);
  for (let t = n - 2000 + w; t < n; t++) {
    const i = t - (n - 2000);
    assert.ok(Math.abs(out[t]! - ex.outRealMiddleBand![i]!) <= 1e-13 * 100, `sma row ${t}`);
    assert.ok(Math.abs(bands.upper[t]! - ex.outRealUpperBand![i]!) <= 1e-12 * 100, `bbands row ${t}`);
    let pos = 0, neg = 0, signed = 0, vol = 0;
    for (let k = t - w + 1; k <= t; k++) {
      const tp = (s.high[k]! + s.low[k]! + s.close[k]!) / 3, prev = (s.high[k - 1]! + s.low[k - 1]! + s.close[k - 1]!) / 3;
      if (tp > prev) pos += tp * s.volume[k]!;
      if (tp < prev) neg += tp * s.volume[k]!;
      const d = s.close[k]! - s.close[k - 1]!;
      signed += d > 0 ? s.volume[k]! : d < 0 ? -s.volume[k]! : 0;
      vol += s.volume[k]!;
    }
    if (pos + neg >= 1) assert.ok(Math.abs(mf[t]! - (100 * pos) / (pos + neg)) <= 1e-11, `mfi row ${t}`);
    if (vol > 0) assert.equal(slope[t], signed / vol, `obv_slope row ${t} (integer volumes: exact)`);
  }
});

test('window extremes (van Herk/Gil-Werman blocks) = brute force, periods 1 … 20, noisy and monotonic runs', () => {
  const r = rng(12);
  const n = 700;
  const noisy = Float64Array.from({ length: n }, () => Math.round(r() * 50));
  const trend = Float64Array.from({ length: n }, (_, t) => (t < 350 ? t : 700 - t));
  for (const [high, low] of [[noisy, noisy.map((v) => v - 3)], [trend, trend]] as const) {
    for (let period = 1; period <= 20; period++) {
      const b = new HighLowBlocks(high, low, period);
      for (let from = 0; from < n; from += period) {
        const count = b.block(from);
        for (let j = 0; j < count; j++) {
          const t = from + j;
          let hi = -Infinity, lo = Infinity;
          for (let k = Math.max(0, t - period + 1); k <= t; k++) {
            hi = Math.max(hi, high[k]!);
            lo = Math.min(lo, low[k]!);
          }
          assert.equal(b.hh[j], hi, `period ${period} row ${t}`);
          assert.equal(b.ll[j], lo, `period ${period} row ${t}`);
        }
      }
    }
  }
});

test('bounded outputs stay in range up to one rounding step; bad arguments throw', () => {
  const s = idxSeries(5000, 7);
  const k = new Float64Array(5000), d = new Float64Array(5000), r = new Float64Array(5000);
  stoch(s.high, s.low, s.close, 15, 3, 3, { slowK: k, slowD: d });
  rsi(s.close, 15, r);
  for (const col of [k, d, r]) for (const v of col) if (!Number.isNaN(v)) assert.ok(v >= 0 && v <= 100 * (1 + 1e-15), `${v}`);
  assert.throws(() => ema(s.close, 1, r), RangeError);
  assert.throws(() => rsi(s.close, 2.5, r), RangeError);
  assert.throws(() => rsi(s.close, 14, new Float64Array(10)), RangeError);
  assert.throws(() => mfi(s.high, s.low.subarray(1), s.close, s.volume, 14, r), RangeError);
});
