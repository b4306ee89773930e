// fib — Fibonacci retracement / extension position of the idx close within the last 240 rows' swing
// (FEATURES.md §7), 10 features: swing high Hs = max H, swing low Ls = min L, R = Hs − Ls.
import { feature } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingMax, rollingMin } from '../../kernels/rolling-extrema.ts';

const W = 240;

// Every ratio feature is pos − k with pos = (C − Ls)/R: (C − (Hs − f·R))/R = pos − (1 − f) and
// (C − (Ls + f·R))/R = pos − f. Written this way each value stays inside its range [−k, 1 − k] exactly
// (pos ∈ [0, 1] whenever L ≤ C ≤ H, and rounding is monotone).
const LEVELS: readonly { name: string; k: number; text: string }[] = [
  ...[236, 382, 500, 618, 786].map((p) => ({
    name: `dist_${p}`, k: 1 - p / 1000,
    text: `(C − (Hs − ${p / 1000}·R))/R: distance of the close from the ${p / 10} % retracement level below the swing high, in units of R`,
  })),
  { name: 'pos', k: 0, text: '(C − Ls)/R: position of the close within the swing, 0 at the low, 1 at the high' },
  ...[1272, 1618].map((p) => ({
    name: `ext_${p}`, k: p / 1000,
    text: `(C − (Ls + ${p / 1000}·R))/R: distance of the close from the ${p / 10} % extension level above the swing low, in units of R`,
  })),
];
const AGES = [
  { name: 'swing_high_age', max: true, text: 'rows since the swing high Hs (0 when it is bar t)' },
  { name: 'swing_low_age', max: false, text: 'rows since the swing low Ls (0 when it is bar t)' },
] as const;

const SWING = `Over the last ${W} rows including t: Hs = max H, Ls = min L, R = Hs − Ls`;
const TIES = 'Ties: when several rows hold the swing high (low), the most recent one counts (smallest age).';

const features: FeatureDef[] = [
  ...LEVELS.map(({ name, k, text }) =>
    feature({
      name: `fib_idx_${name}`, family: 'fib', domain: 'idx', stage: 'base', kernel: 'fibLevel',
      params: { w: W, offset: k }, inputs: ['high', 'low', 'close'], lookback: W - 1, range: [0 - k, 1 - k],
      description: `${SWING}; ${text}. NaN when R = 0.`,
      notes: 'Computed as (C − Ls)/R − k, algebraically equal to the FEATURES.md formula, so the declared range holds exactly.',
    })),
  ...AGES.map(({ name, text }) =>
    feature({
      name: `fib_idx_${name}`, family: 'fib', domain: 'idx', stage: 'base', kernel: 'rollingArgExtreme',
      params: { w: W }, inputs: ['high', 'low'], lookback: W - 1, range: [0, W - 1],
      description: `${SWING}; ${text}.`,
      notes: TIES,
    })),
];

function compute(frame: PairFrame, out: OutputColumn): void {
  const { n, high, low, close } = frame;
  const hs = new Float64Array(n);
  const ls = new Float64Array(n);
  rollingMax(high, W, { value: hs, age: out('fib_idx_swing_high_age') }, 'latest');
  rollingMin(low, W, { value: ls, age: out('fib_idx_swing_low_age') }, 'latest');
  const pos = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const r = hs[t]! - ls[t]!;
    pos[t] = r > 0 ? (close[t]! - ls[t]!) / r : NaN; // NaN also when the window is not full
  }
  for (const { name, k } of LEVELS) {
    const o = out(`fib_idx_${name}`);
    for (let t = 0; t < n; t++) o[t] = pos[t]! - k;
  }
}

export const fib: Family = { name: 'fib', stage: 'base', version: 2, partition: 'pair', features, compute };
