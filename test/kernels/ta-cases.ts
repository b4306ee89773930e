// The parity cases of the TA-Lib kernels: every indicator with every catalog window (15 … 75) and its
// classic parameters, ours next to TA-Lib's, column by column (shared by ta-parity and ta-real tests).
import assert from 'node:assert/strict';
import { sma } from '../../src/kernels/ta/sma.ts';
import { ema } from '../../src/kernels/ta/ema.ts';
import { rsi } from '../../src/kernels/ta/rsi.ts';
import { macd } from '../../src/kernels/ta/macd.ts';
import { stoch } from '../../src/kernels/ta/stoch.ts';
import { atr, trange } from '../../src/kernels/ta/atr.ts';
import { cci } from '../../src/kernels/ta/cci.ts';
import { willr } from '../../src/kernels/ta/willr.ts';
import { mfi } from '../../src/kernels/ta/mfi.ts';
import { dmi } from '../../src/kernels/ta/adx.ts';
import { sar } from '../../src/kernels/ta/sar.ts';
import { obv, obvSlope } from '../../src/kernels/ta/obv.ts';
import { bbands } from '../../src/kernels/ta/bbands.ts';
import { assertParity, medianAbs, taLib, type Series } from './ta-oracle.ts';

export const WINDOWS = [15, 30, 45, 60, 75];

type Columns = Record<string, Float64Array>;
export interface Case {
  readonly name: string;
  readonly params: readonly (readonly number[])[];
  /** Agreement with TA-Lib (FEATURES.md §4: 1e-9 relative, BBANDS 1e-8). */
  readonly rel: number;
  /** False when the case does not apply to bqx-like series (prices crossing zero). */
  readonly onBqx: boolean;
  ours(s: Series, p: readonly number[]): Columns;
  talib(s: Series, p: readonly number[]): Columns;
}

const cols = (s: Series, ...names: string[]) => Object.fromEntries(names.map((k) => [k, new Float64Array(s.close.length)]));
const hlc = (s: Series) => ({ high: s.high, low: s.low, close: s.close });
const periods = (classic: number) => [...WINDOWS, classic].map((w) => [w]);
const macdParams = (w: number) => [Math.round((12 * w) / 26), w, Math.round((9 * w) / 26)];

/** TA-Lib MFI with the documented deviation applied: NaN where the window's money flow (recomputed here
 * from the definition) sums to < 1, where TA-Lib must have returned 0. */
export function mfiExpected(s: Series, w: number): Float64Array {
  const out = taLib('MFI', { ...hlc(s), volume: s.volume }, { optInTimePeriod: w }).outReal!;
  const tp = (t: number) => (s.high[t]! + s.low[t]! + s.close[t]!) / 3;
  for (let t = w; t < out.length; t++) {
    let flow = 0;
    for (let k = t - w + 1; k <= t; k++) if (tp(k) !== tp(k - 1)) flow += tp(k) * s.volume[k]!;
    if (flow < 1) {
      assert.equal(out[t], 0, `TA-Lib MFI(${w}) at row ${t} with money flow ${flow}`);
      out[t] = NaN;
    }
  }
  return out;
}

/** The bqx domain's MFI from its definition (FEATURES.md §4): a bar's money flow is its volume, positive
 * when the price rose, negative when it fell; 100·Σpos/(Σpos + Σneg) over the last w bars, NaN below 1. */
export function mfiVolumeFlowExpected(price: Float64Array, volume: Float64Array, w: number): Float64Array {
  const out = new Float64Array(price.length).fill(NaN);
  for (let t = w; t < price.length; t++) {
    let pos = 0, neg = 0;
    for (let k = t - w + 1; k <= t; k++) {
      const d = price[k]! - price[k - 1]!;
      if (d > 0) pos += volume[k]!;
      if (d < 0) neg += volume[k]!;
    }
    if (pos + neg >= 1) out[t] = (100 * pos) / (pos + neg);
  }
  return out;
}

/** (OBV_t − OBV_{t−w}) / Σ V over the last w rows from TA-Lib's OBV; NaN where that volume is 0. */
export function obvSlopeExpected(s: Series, w: number): Float64Array {
  const o = taLib('OBV', { inReal: s.close, volume: s.volume }).outReal!;
  const out = new Float64Array(o.length).fill(NaN);
  for (let t = w; t < o.length; t++) {
    let v = 0;
    for (let k = t - w + 1; k <= t; k++) v += s.volume[k]!;
    if (v !== 0) out[t] = (o[t]! - o[t - w]!) / v;
  }
  return out;
}

/** Bollinger bands straight from the definition (two-pass mean and population std of each window, std
 * 0 where the variance is < 1e-14 as in TA-Lib). */
export function exactBands(x: Float64Array, w: number, up: number, dn: number): Columns {
  const n = x.length;
  const c = { outRealUpperBand: new Float64Array(n).fill(NaN), outRealMiddleBand: new Float64Array(n).fill(NaN), outRealLowerBand: new Float64Array(n).fill(NaN) };
  for (let t = w - 1; t < n; t++) {
    let s = 0;
    for (let k = t - w + 1; k <= t; k++) s += x[k]!;
    const mean = s / w;
    let q = 0;
    for (let k = t - w + 1; k <= t; k++) q += (x[k]! - mean) ** 2;
    const sd = q / w < 1e-14 ? 0 : Math.sqrt(q / w);
    c.outRealMiddleBand[t] = mean;
    c.outRealUpperBand[t] = mean + up * sd;
    c.outRealLowerBand[t] = mean - dn * sd;
  }
  return c;
}

/**
 * TA-Lib BBANDS, except at rows where TA-Lib's variance (E[x²] − mean² from running sums over the whole
 * series) is itself off by more than the 1e-8 tolerance — flat windows late in a long series, where its
 * residue of ~1e-10 becomes a std of ~1e-5: there the expected value is the exact band.
 */
function bbandsExpected(s: Series, w: number, up: number, dn: number): Columns {
  const ta = taLib('BBANDS', { inReal: s.close }, { optInTimePeriod: w, optInNbDevUp: up, optInNbDevDn: dn, optInMAType: 0 });
  const exact = exactBands(s.close, w, up, dn);
  for (const [k, col] of Object.entries(ta)) {
    const m = medianAbs(col);
    const e = exact[k]!;
    for (let t = 0; t < col.length; t++) if (Math.abs(col[t]! - e[t]!) > 1e-8 * Math.max(Math.abs(e[t]!), m)) col[t] = e[t]!;
  }
  return ta;
}

export const CASES: readonly Case[] = [
  { name: 'SMA', params: periods(30), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); sma(s.close, w!, c.outReal!); return c; },
    talib: (s, [w]) => taLib('SMA', { inReal: s.close }, { optInTimePeriod: w! }) },
  { name: 'EMA', params: periods(30), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); ema(s.close, w!, c.outReal!); return c; },
    talib: (s, [w]) => taLib('EMA', { inReal: s.close }, { optInTimePeriod: w! }) },
  { name: 'RSI', params: periods(14), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); rsi(s.close, w!, c.outReal!); return c; },
    talib: (s, [w]) => taLib('RSI', { inReal: s.close }, { optInTimePeriod: w! }) },
  { name: 'MACD', params: [...WINDOWS.map(macdParams), [12, 26, 9]], rel: 1e-9, onBqx: true,
    ours: (s, [f, sl, g]) => {
      const c = cols(s, 'outMACD', 'outMACDSignal', 'outMACDHist');
      macd(s.close, f!, sl!, g!, { macd: c.outMACD, signal: c.outMACDSignal, hist: c.outMACDHist });
      return c;
    },
    talib: (s, [f, sl, g]) => taLib('MACD', { inReal: s.close }, { optInFastPeriod: f!, optInSlowPeriod: sl!, optInSignalPeriod: g! }) },
  { name: 'STOCH', params: [...WINDOWS.map((w) => [w, 3, 3]), [5, 3, 3], [14, 3, 3]], rel: 1e-9, onBqx: true,
    ours: (s, [k, sk, sd]) => { const c = cols(s, 'outSlowK', 'outSlowD'); stoch(s.high, s.low, s.close, k!, sk!, sd!, { slowK: c.outSlowK, slowD: c.outSlowD }); return c; },
    talib: (s, [k, sk, sd]) => taLib('STOCH', hlc(s), { optInFastK_Period: k!, optInSlowK_Period: sk!, optInSlowK_MAType: 0, optInSlowD_Period: sd!, optInSlowD_MAType: 0 }) },
  { name: 'TRANGE', params: [[]], rel: 1e-9, onBqx: true,
    ours: (s) => { const c = cols(s, 'outReal'); trange(s.high, s.low, s.close, c.outReal!); return c; },
    talib: (s) => taLib('TRANGE', hlc(s)) },
  { name: 'ATR', params: periods(14), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); atr(s.high, s.low, s.close, w!, c.outReal!); return c; },
    talib: (s, [w]) => taLib('ATR', hlc(s), { optInTimePeriod: w! }) },
  { name: 'CCI', params: periods(14), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); cci(s.high, s.low, s.close, w!, c.outReal!); return c; },
    talib: (s, [w]) => taLib('CCI', hlc(s), { optInTimePeriod: w! }) },
  { name: 'WILLR', params: periods(14), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); willr(s.high, s.low, s.close, w!, c.outReal!); return c; },
    talib: (s, [w]) => taLib('WILLR', hlc(s), { optInTimePeriod: w! }) },
  { name: 'MFI (NaN where the money flow is < 1)', params: periods(14), rel: 1e-9, onBqx: false,
    ours: (s, [w]) => { const c = cols(s, 'outReal'); mfi(s.high, s.low, s.close, s.volume, w!, c.outReal!); return c; },
    talib: (s, [w]) => ({ outReal: mfiExpected(s, w!) }) },
  { name: 'ADX, +DI, −DI, DX', params: periods(14), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => {
      const c = cols(s, 'ADX', 'PLUS_DI', 'MINUS_DI', 'DX');
      dmi(s.high, s.low, s.close, w!, { adx: c.ADX, plusDI: c.PLUS_DI, minusDI: c.MINUS_DI, dx: c.DX });
      return c;
    },
    talib: (s, [w]) => Object.fromEntries(['ADX', 'PLUS_DI', 'MINUS_DI', 'DX'].map((f) => [f, taLib(f, hlc(s), { optInTimePeriod: w! }).outReal!])) },
  { name: 'SAR', params: [...WINDOWS.map((w) => [0.3 / w, 3 / w]), [0.02, 0.2]], rel: 1e-9, onBqx: true,
    ours: (s, [a, m]) => { const c = cols(s, 'outReal'); sar(s.high, s.low, a!, m!, c.outReal!); return c; },
    talib: (s, [a, m]) => taLib('SAR', { high: s.high, low: s.low }, { optInAcceleration: a!, optInMaximum: m! }) },
  { name: 'OBV', params: [[]], rel: 1e-9, onBqx: true,
    ours: (s) => { const c = cols(s, 'outReal'); obv(s.close, s.volume, c.outReal!); return c; },
    talib: (s) => taLib('OBV', { inReal: s.close, volume: s.volume }) },
  { name: 'obv_slope (from TA-Lib OBV)', params: periods(14), rel: 1e-9, onBqx: true,
    ours: (s, [w]) => { const c = cols(s, 'slope'); obvSlope(s.close, s.volume, w!, c.slope!); return c; },
    talib: (s, [w]) => ({ slope: obvSlopeExpected(s, w!) }) },
  { name: 'BBANDS (exact bands where the TA-Lib variance is off)', params: [...WINDOWS.map((w) => [w, 2, 2]), [20, 2, 2], [20, 1, 1.5]], rel: 1e-8, onBqx: true,
    ours: (s, [w, up, dn]) => {
      const c = cols(s, 'outRealUpperBand', 'outRealMiddleBand', 'outRealLowerBand');
      bbands(s.close, w!, up!, dn!, { upper: c.outRealUpperBand, middle: c.outRealMiddleBand, lower: c.outRealLowerBand });
      return c;
    },
    talib: (s, [w, up, dn]) => bbandsExpected(s, w!, up!, dn!) },
];

/** Every case × parameter set on series `s`: each output column equals TA-Lib's. */
export function checkAllCases(s: Series, bqxLike: boolean): void {
  for (const c of CASES) {
    if (bqxLike && !c.onBqx) continue;
    for (const p of c.params) {
      const ours = c.ours(s, p);
      const theirs = c.talib(s, p);
      for (const [k, col] of Object.entries(theirs)) assertParity(ours[k]!, col, c.rel, `${s.name}: ${c.name}(${p.join(', ')}) ${k}`);
    }
  }
}
