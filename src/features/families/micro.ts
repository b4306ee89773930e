// micro — bar shape, volume and liquidity microstructure of the idx bars (FEATURES.md §7), 16 features
// prefixed micro_idx_. NaN where undefined: H = L for the shape ratios, windows without volume (all-zero
// volume sources such as HistData give NaN for every volume feature).
import { feature } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingMean, rollingMoments, rollingSum } from '../../kernels/rolling.ts';
import { diff, logReturn } from '../../kernels/lag.ts';

const BP = 1e4;
const P = 'micro_idx_';
const Z_WINDOWS = [15, 60, 240] as const;
const RATIOS = [[15, 240], [60, 1440]] as const;
const VWAP_WINDOWS = [60, 240] as const;
const W60 = 60;
/** VWAP sums are kept of (TP − VWAP_REF)·V: idx prices are ≈ 100, so the level does not swamp the moves. */
const VWAP_REF = 100;

/** Shape ratios x/(H − L) of one bar, in [0, 1]. */
const SHAPES: readonly { name: string; num: (o: number, h: number, l: number, c: number) => number; text: string }[] = [
  { name: 'body_ratio', num: (o, _h, _l, c) => Math.abs(c - o), text: '|C − O|/(H − L)' },
  { name: 'upper_wick_ratio', num: (o, h, _l, c) => h - Math.max(o, c), text: '(H − max(O, C))/(H − L)' },
  { name: 'lower_wick_ratio', num: (o, _h, l, c) => Math.min(o, c) - l, text: '(min(O, C) − L)/(H − L)' },
  { name: 'close_location', num: (_o, _h, l, c) => c - l, text: '(C − L)/(H − L)' },
];

const POS: readonly [number, number] = [0, Infinity];
const UNIT: readonly [number, number] = [0, 1];
type Spec = { name: string; kernel: string; inputs: string[]; lookback: number; range?: readonly [number, number]; description: string; notes?: string };

const SPECS: Spec[] = [
  { name: 'bar_range_bp', kernel: 'barShape', inputs: ['high', 'low', 'close'], lookback: 0, range: POS, description: '(H − L)/C of bar t, in bp.' },
  ...SHAPES.map(({ name, text }) => ({
    name, kernel: 'barShape', inputs: ['open', 'high', 'low', 'close'], lookback: 0, range: UNIT,
    description: `${text} of bar t; NaN when H = L.`,
  })),
  { name: 'gap_bp', kernel: 'gap', inputs: ['open', 'close'], lookback: 1, description: '(O_t − C_{t−1})/C_{t−1}, in bp.' },
  ...Z_WINDOWS.map((w) => ({
    name: `volume_z_w${w}`, kernel: 'rollingMoments', inputs: ['volume'], lookback: w - 1,
    description: `(V_t − mean V)/std V over the last ${w} rows (sample std, n−1); NaN when that std is 0 (constant or all-zero volume).`,
  })),
  ...RATIOS.map(([a, b]) => ({
    name: `volume_ratio_${a}_${b}`, kernel: 'rollingMean', inputs: ['volume'], lookback: b - 1, range: POS,
    description: `Mean V over the last ${a} rows / mean V over the last ${b} rows; NaN when the latter is 0.`,
  })),
  ...VWAP_WINDOWS.map((w) => ({
    name: `vwap_dist_w${w}`, kernel: 'vwap', inputs: ['high', 'low', 'close', 'volume'], lookback: w - 1,
    description: `(C − VWAP)/VWAP in bp, VWAP = Σ TP·V / Σ V over the last ${w} rows with TP = (H + L + C)/3; NaN when Σ V = 0.`,
  })),
  {
    name: `amihud_w${W60}`, kernel: 'amihud', inputs: ['close', 'volume'], lookback: W60, range: POS,
    description: `Mean of |r_i|/V_i over the rows i of the last ${W60} with V_i > 0, r_i = ln(C_i/C_{i−1}); NaN when no row has volume.`,
    notes: '|r| is the plain log return (not bp), V the source’s volume unit.',
  },
  {
    name: `roll_spread_w${W60}`, kernel: 'rollSpread', inputs: ['close'], lookback: W60 + 1, range: POS,
    description: `Roll (1984) spread 2·sqrt(max(0, −cov(ΔC_t, ΔC_{t−1})))/C_t in bp, the covariance over the ${W60} pairs (ΔC_i, ΔC_{i−1}) of the last ${W60} rows.`,
    notes: 'Sample covariance (n − 1), as std in FEATURES.md §0; ΔC_{i−1} of the oldest row reaches back to C_{t−61}.',
  },
  {
    name: `zero_return_frac_w${W60}`, kernel: 'rollingMean', inputs: ['close'], lookback: W60, range: UNIT,
    description: `Fraction of the last ${W60} rows whose close equals the previous close (r = 0).`,
  },
];

const features: FeatureDef[] = SPECS.map(({ name, ...s }) =>
  feature({ name: P + name, family: 'micro', domain: 'idx', stage: 'base', params: {}, ...s }),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  const col = (name: string) => out(P + name);
  barShape(frame, col);
  volume(frame, col);
  vwap(frame, col);
  amihud(frame, col);
  zeroReturns(frame, col);
  rollSpread(frame, col);
}

function barShape({ n, open, high, low, close }: PairFrame, col: OutputColumn): void {
  const range = col('bar_range_bp');
  const gap = col('gap_bp');
  const shapes = SHAPES.map((s) => ({ num: s.num, o: col(s.name) }));
  for (let t = 0; t < n; t++) {
    const o = open[t]!, h = high[t]!, l = low[t]!, c = close[t]!;
    const hl = h - l;
    range[t] = (BP * hl) / c;
    for (const s of shapes) s.o[t] = hl > 0 ? s.num(o, h, l, c) / hl : NaN;
    gap[t] = t > 0 ? (BP * (o - close[t - 1]!)) / close[t - 1]! : NaN;
  }
}

function volume({ n, volume: v }: PairFrame, col: OutputColumn): void {
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  for (const w of Z_WINDOWS) {
    rollingMoments(v, w, { mean, std }, 1);
    const z = col(`volume_z_w${w}`);
    for (let t = 0; t < n; t++) z[t] = std[t]! > 0 ? (v[t]! - mean[t]!) / std[t]! : NaN;
  }
  const longMean = std;
  for (const [a, b] of RATIOS) {
    rollingMean(v, a, mean);
    rollingMean(v, b, longMean);
    const r = col(`volume_ratio_${a}_${b}`);
    for (let t = 0; t < n; t++) r[t] = longMean[t]! > 0 ? mean[t]! / longMean[t]! : NaN;
  }
}

function vwap({ n, high, low, close, volume: v }: PairFrame, col: OutputColumn): void {
  const pv = new Float64Array(n);
  for (let t = 0; t < n; t++) pv[t] = ((high[t]! + low[t]! + close[t]!) / 3 - VWAP_REF) * v[t]!;
  const spv = new Float64Array(n);
  const sv = new Float64Array(n);
  for (const w of VWAP_WINDOWS) {
    rollingSum(pv, w, spv);
    rollingSum(v, w, sv);
    const d = col(`vwap_dist_w${w}`);
    for (let t = 0; t < n; t++) {
      const vw = VWAP_REF + spv[t]! / sv[t]!;
      d[t] = sv[t]! > 0 ? (BP * (close[t]! - vw)) / vw : NaN;
    }
  }
}

function amihud({ n, close, volume: v }: PairFrame, col: OutputColumn): void {
  const illiq = new Float64Array(n); // |r_t|/V_t where V_t > 0, else 0
  const hasVolume = new Float64Array(n);
  logReturn(close, 1, illiq);
  for (let t = 0; t < n; t++) {
    const r = illiq[t]!;
    hasVolume[t] = v[t]! > 0 ? 1 : 0;
    illiq[t] = v[t]! > 0 ? Math.abs(r) / v[t]! : r === r ? 0 : NaN;
  }
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  rollingSum(illiq, W60, sum);
  rollingSum(hasVolume, W60, count);
  const o = col(`amihud_w${W60}`);
  for (let t = 0; t < n; t++) o[t] = count[t]! > 0 ? sum[t]! / count[t]! : NaN;
}

function zeroReturns({ n, close }: PairFrame, col: OutputColumn): void {
  const zero = new Float64Array(n); // 1 where C_t = C_{t−1}
  for (let t = 0; t < n; t++) {
    const c = close[t]!;
    const p = t > 0 ? close[t - 1]! : NaN;
    zero[t] = c === c && p === p ? +(c === p) : NaN;
  }
  rollingMean(zero, W60, col(`zero_return_frac_w${W60}`));
}

/**
 * Roll spread: the sample covariance of (ΔC_i, ΔC_{i−1}) over rows i = t−59 … t from the window sums
 * Σ ΔC_i ΔC_{i−1}, Σ ΔC_i and Σ ΔC_{i−1} (= the window sum of ΔC one row earlier).
 */
function rollSpread({ n, close }: PairFrame, col: OutputColumn): void {
  const d = new Float64Array(n);
  diff(close, 1, d);
  const prod = new Float64Array(n);
  for (let t = 0; t < n; t++) prod[t] = t > 0 ? d[t]! * d[t - 1]! : NaN;
  const sxy = new Float64Array(n);
  const sx = new Float64Array(n);
  rollingSum(prod, W60, sxy);
  rollingSum(d, W60, sx);
  const o = col(`roll_spread_w${W60}`);
  for (let t = 0; t < n; t++) {
    const cov = t > 0 ? (sxy[t]! - (sx[t]! * sx[t - 1]!) / W60) / (W60 - 1) : NaN;
    o[t] = cov === cov ? (2 * BP * Math.sqrt(Math.max(0, -cov))) / close[t]! : NaN;
  }
}

export const micro: Family = { name: 'micro', stage: 'base', version: 2, partition: 'pair', features, compute };
