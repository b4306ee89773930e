// Family `ti` (FEATURES.md §4, seed stage 2.2): 15 TA-Lib indicators × windows w15 … w75 and their
// mean (agg) × domains idx and bqx = 180 features. The definitions are generated from INDICATORS ×
// WINDOWS × PRICE_DOMAINS; the values come from the TA-Lib-semantics kernels in kernels/ta/.
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { clampRounding } from '../../core/bounds.ts';
import { feature, filterMemory, PRICE_DOMAINS, type PriceDomain } from '../define.ts';
import { rsi, rsiLookback } from '../../kernels/ta/rsi.ts';
import { macd, macdLookback } from '../../kernels/ta/macd.ts';
import { emaK } from '../../kernels/ta/ema.ts';
import { stoch, stochLookback } from '../../kernels/ta/stoch.ts';
import { atr, atrLookback } from '../../kernels/ta/atr.ts';
import { cci, cciLookback } from '../../kernels/ta/cci.ts';
import { willr, willrLookback } from '../../kernels/ta/willr.ts';
import { mfi, mfiLookback } from '../../kernels/ta/mfi.ts';
import { adxLookback, diLookback, dmi } from '../../kernels/ta/adx.ts';
import { sar } from '../../kernels/ta/sar.ts';
import { obvSlope, obvSlopeLookback } from '../../kernels/ta/obv.ts';
import { BQX_WINDOW } from '../../kernels/bqx.ts';

export const TI_WINDOWS = [15, 30, 45, 60, 75] as const;

/** MACD periods for window w: fast = round(12w/26), slow = w, signal = round(9w/26). */
function macdPeriods(w: number): { fast: number; slow: number; signal: number } {
  return { fast: Math.round((12 * w) / 26), slow: w, signal: Math.round((9 * w) / 26) };
}

/** SAR parameters for window w: acceleration 0.3/w, maximum 3/w (w15 → the classic 0.02 / 0.2). */
function sarParams(w: number): { acceleration: number; maximum: number } {
  return { acceleration: 0.3 / w, maximum: 3 / w };
}

/** STOCH smoothing: slow %K and slow %D are 3-row SMAs. */
const STOCH_SMOOTH = 3;

/** Rows of history B = w15_bqx_return itself needs (its NaN prefix): added to the bqx domain's warm-up. */
const BQX_INPUT_ROWS = BQX_WINDOW;

/**
 * SAR has no decaying memory: a run started at another row follows a different path until both runs
 * reverse on the same bars, after which they are identical. Rows until two runs agree, measured on the
 * 2017 HistData M1 series (EURUSD, USDJPY, GBPJPY, AUDUSD, EURCHF; 3,000 start rows each; idx and bqx;
 * w = 15 … 75; bench/ti.ts repeats it for EURUSD): median 1.4·w, 99th percentile 7·w, worst 15·w, with
 * an exponential tail (scale ≈ 1.3·w). A warm-up of 40·w rows leaves a chance of about e^−30 that a
 * partition differs from the continuous run.
 */
const SAR_SYNC_ROWS_PER_WINDOW = 40;

const wilder = (w: number) => filterMemory(1 / w);
const emaMemory = (period: number) => filterMemory(emaK(period));

interface Indicator {
  readonly name: string;
  readonly kernel: string;
  /** Bar columns read on the idx domain (the bqx domain reads B for every price column). */
  readonly inputs: readonly ('high' | 'low' | 'close' | 'volume')[];
  readonly params: (w: number) => Readonly<Record<string, number>>;
  /** TA-Lib lookback: rows without a value at the start of the input. */
  readonly taLookback: (w: number) => number;
  /** Further rows of warm-up: recursive filters' memory (cut at 1e-12), SAR's re-synchronisation. */
  readonly memory: (w: number) => number;
  readonly range?: readonly [number, number];
  readonly description: (w: number) => string;
  readonly notes?: string;
}

const HLC = ['high', 'low', 'close'] as const;
const PCT: readonly [number, number] = [0, 100];
const TA_NOTE = 'TA-Lib 0.6 semantics (seeding, lookback, order of operations); NaN for the TA-Lib lookback rows.';

const macdIndicator = (name: string, what: string): Indicator => ({
  name, kernel: 'ta.macd', inputs: ['close'],
  params: (w) => macdPeriods(w),
  taLookback: (w) => { const p = macdPeriods(w); return macdLookback(p.fast, p.slow, p.signal); },
  memory: (w) => emaMemory(w) + emaMemory(macdPeriods(w).signal),
  description: (w) => { const p = macdPeriods(w); return `${what} of MACD(C, ${p.fast}, ${p.slow}, ${p.signal})`; },
  notes: `${TA_NOTE} The fast EMA is seeded at the slow EMA's first row (TA-Lib's MACD); warm-up adds the slow and signal EMA memories.`,
});

const dmiIndicator = (name: string, what: string, taLookback: (w: number) => number, memory: (w: number) => number): Indicator => ({
  name, kernel: 'ta.dmi', inputs: HLC, params: (w) => ({ period: w }), taLookback, memory, range: PCT,
  description: (w) => `${what}(H, L, C, ${w}), Wilder smoothing`,
  notes: `${TA_NOTE} 0 where the smoothed true range is zero (TA-Lib).`,
});

const INDICATORS: readonly Indicator[] = [
  { name: 'rsi', kernel: 'ta.rsi', inputs: ['close'], params: (w) => ({ period: w }), taLookback: rsiLookback, memory: wilder, range: PCT,
    description: (w) => `RSI(C, ${w}), Wilder smoothing`, notes: `${TA_NOTE} 0 where gains + losses are zero (TA-Lib).` },
  macdIndicator('macd', 'MACD line'),
  macdIndicator('macd_signal', 'signal line'),
  macdIndicator('macd_hist', 'histogram (MACD − signal)'),
  ...(['k', 'd'] as const).map((k): Indicator => ({
    name: `stoch_${k}`, kernel: 'ta.stoch', inputs: HLC,
    params: (w) => ({ fastK: w, slowK: STOCH_SMOOTH, slowD: STOCH_SMOOTH }),
    taLookback: (w) => stochLookback(w, STOCH_SMOOTH, STOCH_SMOOTH), memory: () => 0, range: PCT,
    description: (w) => `slow %${k.toUpperCase()} of STOCH(H, L, C, ${w}, 3 SMA, 3 SMA)`,
    notes: `${TA_NOTE} Fast %K is 0 where the window's high = low (TA-Lib).`,
  })),
  { name: 'atr', kernel: 'ta.atr', inputs: HLC, params: (w) => ({ period: w }), taLookback: atrLookback, memory: wilder, range: [0, Infinity],
    description: (w) => `ATR(H, L, C, ${w}), Wilder smoothing of the true range`, notes: TA_NOTE },
  { name: 'cci', kernel: 'ta.cci', inputs: HLC, params: (w) => ({ period: w }), taLookback: cciLookback, memory: () => 0,
    description: (w) => `CCI(H, L, C, ${w}) = (TP − SMA(TP))/(0.015 · mean deviation)`, notes: `${TA_NOTE} 0 where TP equals its mean or the mean deviation is 0 (TA-Lib). On a flat window TA-Lib's mean of the equal TPs can be off by an ulp, which gives ±66.67 instead of 0 (e.g. the flat weekend bars of Dukascopy data); reproduced as TA-Lib computes it.` },
  { name: 'willr', kernel: 'ta.willr', inputs: HLC, params: (w) => ({ period: w }), taLookback: willrLookback, memory: () => 0, range: [-100, 0],
    description: (w) => `Williams %R(H, L, C, ${w})`, notes: `${TA_NOTE} 0 where the window's high = low (TA-Lib).` },
  { name: 'mfi', kernel: 'ta.mfi', inputs: [...HLC, 'volume'], params: (w) => ({ period: w }), taLookback: mfiLookback, memory: () => 0, range: PCT,
    description: (w) => `MFI(H, L, C, V, ${w})`,
    notes: `${TA_NOTE} Deviations: NaN (TA-Lib: 0) where the window's money flow sums to < 1, e.g. a window without volume; on the bqx domain a bar's money flow is its volume, signed by the change of B.` },
  dmiIndicator('adx', 'ADX', adxLookback, (w) => 2 * wilder(w)),
  dmiIndicator('plus_di', '+DI', diLookback, wilder),
  dmiIndicator('minus_di', '−DI', diLookback, wilder),
  { name: 'sar_dist', kernel: 'ta.sar', inputs: HLC, params: (w) => sarParams(w), taLookback: () => 1, memory: (w) => SAR_SYNC_ROWS_PER_WINDOW * w,
    description: (w) => `C − SAR(H, L, acceleration 0.3/${w}, maximum 3/${w})`,
    notes: `${TA_NOTE} SAR starts from TA-Lib's initialisation at the data start; warm-up ${SAR_SYNC_ROWS_PER_WINDOW}·w rows, after which runs started at different rows agree (measured re-synchronisation ≤ 15·w rows on 2017 M1 data).` },
  { name: 'obv_slope', kernel: 'ta.obv_slope', inputs: ['close', 'volume'], params: (w) => ({ period: w }), taLookback: obvSlopeLookback, memory: () => 0, range: [-1, 1],
    description: (w) => `(OBV_t − OBV_t−${w}) / Σ V over the last ${w} rows`,
    notes: 'OBV as TA-Lib; the difference is computed as the window sum of signed volumes. NaN where the window has no volume.' },
];

function windowDef(ind: Indicator, domain: PriceDomain, w: number): FeatureDef {
  const shift = domain === 'bqx' ? BQX_INPUT_ROWS : 0;
  const ta = ind.taLookback(w);
  const inputs = domain === 'idx' ? ind.inputs : [...new Set(ind.inputs.map((c) => (c === 'volume' ? 'volume' : 'bqx')))];
  return feature({
    name: `${ind.name}_${domain}_w${w}`, family: 'ti', domain, stage: 'ti', kernel: ind.kernel,
    params: ind.params(w), inputs, lookback: shift + ta + ind.memory(w), nanPrefix: shift + ta,
    description: `${ind.description(w)} on the ${domain} domain${domain === 'bqx' ? ' (H = L = C = B)' : ''}`,
    ...(ind.range ? { range: ind.range } : {}), ...(ind.notes ? { notes: ind.notes } : {}),
  });
}

function aggDef(ind: Indicator, domain: PriceDomain, parts: readonly FeatureDef[]): FeatureDef {
  return feature({
    name: `${ind.name}_${domain}_agg`, family: 'ti', domain, stage: 'ti', kernel: 'mean', inputs: parts.map((p) => p.name),
    lookback: Math.max(...parts.map((p) => p.lookback)), nanPrefix: Math.max(...parts.map((p) => p.nanPrefix)),
    description: `mean of ${parts.map((p) => p.name).join(', ')}; NaN if any is NaN`,
    ...(ind.range ? { range: ind.range } : {}),
  });
}

const TI_FEATURES: readonly FeatureDef[] = PRICE_DOMAINS.flatMap((domain) =>
  INDICATORS.flatMap((ind) => {
    const parts = TI_WINDOWS.map((w) => windowDef(ind, domain, w));
    return [...parts, aggDef(ind, domain, parts)];
  }),
);

/** The price and volume columns one domain's kernels read. */
interface DomainInput {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly flow: 'typical-price' | 'volume';
}

function domainInput(frame: PairFrame, domain: PriceDomain): DomainInput {
  if (domain === 'idx') return { high: frame.high, low: frame.low, close: frame.close, volume: frame.volume, flow: 'typical-price' };
  const b = frame.bqx;
  return { high: b, low: b, close: b, volume: frame.volume, flow: 'volume' };
}

/** Rows [from, to) of every column of `inp`. */
function slice(inp: DomainInput, from: number, to: number): DomainInput {
  const s = (a: Float64Array) => a.subarray(from, to);
  return { high: s(inp.high), low: s(inp.low), close: s(inp.close), volume: s(inp.volume), flow: inp.flow };
}

/** All 15 indicators of one window on one run of finite rows; `col(name)` is that run's output column. */
function computeWindow(inp: DomainInput, w: number, col: (indicator: string) => Float64Array): void {
  const { high, low, close, volume } = inp;
  rsi(close, w, col('rsi'));
  const m = macdPeriods(w);
  macd(close, m.fast, m.slow, m.signal, { macd: col('macd'), signal: col('macd_signal'), hist: col('macd_hist') });
  stoch(high, low, close, w, STOCH_SMOOTH, STOCH_SMOOTH, { slowK: col('stoch_k'), slowD: col('stoch_d') });
  atr(high, low, close, w, col('atr'));
  cci(high, low, close, w, col('cci'));
  willr(high, low, close, w, col('willr'));
  mfi(high, low, close, volume, w, col('mfi'), inp.flow);
  dmi(high, low, close, w, { adx: col('adx'), plusDI: col('plus_di'), minusDI: col('minus_di') });
  const s = sarParams(w);
  const dist = col('sar_dist');
  sar(high, low, s.acceleration, s.maximum, dist);
  for (let t = 0; t < dist.length; t++) dist[t] = close[t]! - dist[t]!;
  obvSlope(close, volume, w, col('obv_slope'));
}

/** Maximal runs [from, to) of rows whose price columns are all finite (B is NaN before its 15th row). */
function finiteRuns(inp: DomainInput, n: number): [number, number][] {
  const runs: [number, number][] = [];
  let from = -1;
  for (let t = 0; t <= n; t++) {
    const ok = t < n && Number.isFinite(inp.high[t]!) && Number.isFinite(inp.low[t]!) && Number.isFinite(inp.close[t]!);
    if (ok && from < 0) from = t;
    if (!ok && from >= 0) {
      runs.push([from, t]);
      from = -1;
    }
  }
  return runs;
}

function computeDomain(frame: PairFrame, domain: PriceDomain, out: OutputColumn): void {
  const inp = domainInput(frame, domain);
  const n = frame.n;
  const runs = finiteRuns(inp, n);
  for (const ind of INDICATORS) {
    for (const w of TI_WINDOWS) {
      const c = out(`${ind.name}_${domain}_w${w}`);
      c.fill(NaN); // rows outside the finite runs
    }
  }
  // Each run of finite rows is computed on its own, as if the data started there: values at row t
  // depend on rows since the last non-finite input only (causal, and the same in any partition).
  for (const [from, to] of runs) {
    const part = slice(inp, from, to);
    for (const w of TI_WINDOWS) computeWindow(part, w, (name) => out(`${name}_${domain}_w${w}`).subarray(from, to));
  }
  for (const ind of INDICATORS) {
    const cols = TI_WINDOWS.map((w) => out(`${ind.name}_${domain}_w${w}`));
    // The kernels' last rounding step can leave a value an ulp outside the range (e.g.
    // (C − L)/((H − L)/100) = 100.00000000000001 when C = H): absorbed; a value further out is kept.
    if (ind.range) for (const c of cols) clampRounding(c, ind.range);
    mean5(cols, out(`${ind.name}_${domain}_agg`));
  }
}

/** out = mean of the five window columns, NaN if any is NaN (NaN propagates through the sum). */
function mean5(cols: readonly Float64Array[], out: Float64Array): void {
  const [a, b, c, d, e] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  for (let t = 0; t < out.length; t++) out[t] = (a[t]! + b[t]! + c[t]! + d[t]! + e[t]!) / 5;
}

export const ti: Family = {
  name: 'ti',
  stage: 'ti',
  version: 1,
  partition: 'pair',
  features: TI_FEATURES,
  compute(frame, out) {
    for (const domain of PRICE_DOMAINS) computeDomain(frame, domain, out);
  },
};
