// vol — realised-volatility estimators on the idx bars (FEATURES.md §7), 7 features, all in bp:
// rv = sample std of the 1-bar log returns, Parkinson (1980) from the high/low range, Garman–Klass (1980)
// from the range and the open→close move.
import { feature } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingMean, rollingStd } from '../../kernels/rolling.ts';
import { logReturn } from '../../kernels/lag.ts';

const BP = 1e4;
const LN2 = Math.LN2;

type Estimator = 'rv' | 'pk' | 'gk';
const CONFIG: readonly { est: Estimator; windows: readonly number[] }[] = [
  { est: 'rv', windows: [15, 60, 240] },
  { est: 'pk', windows: [15, 60, 240] },
  { est: 'gk', windows: [60] },
];

const SPEC: Record<Estimator, { kernel: string; inputs: string[]; returns: boolean; text: (w: number) => string }> = {
  rv: {
    kernel: 'rollingStd', inputs: ['close'], returns: true,
    text: (w) => `Sample standard deviation (n−1) of the 1-bar log returns r = ln(C_t/C_{t−1}) over the last ${w} rows, in bp.`,
  },
  pk: {
    kernel: 'parkinson', inputs: ['high', 'low'], returns: false,
    text: (w) => `Parkinson volatility sqrt(Σ ln(H/L)² / (4·ln2·${w})) over the last ${w} rows, in bp.`,
  },
  gk: {
    kernel: 'garmanKlass', inputs: ['open', 'high', 'low', 'close'], returns: false,
    text: (w) => `Garman–Klass volatility sqrt(Σ [½·ln(H/L)² − (2·ln2 − 1)·ln(C/O)²] / ${w}) over the last ${w} rows, in bp.`,
  },
};

const volName = (est: Estimator, w: number) => `${est}_idx_w${w}`;

const features: FeatureDef[] = CONFIG.flatMap(({ est, windows }) =>
  windows.map((w) =>
    feature({
      name: volName(est, w),
      family: 'vol',
      domain: 'idx',
      stage: 'base',
      kernel: SPEC[est].kernel,
      params: { w },
      inputs: SPEC[est].inputs,
      // A window of W returns reaches back to C_{t−W}.
      lookback: SPEC[est].returns ? w : w - 1,
      range: [0, Infinity],
      description: SPEC[est].text(w),
      ...(est === 'gk'
        ? { notes: 'Each bar’s term is ≥ 0 when L ≤ O, C ≤ H; the window mean is clamped at 0 against rounding.' }
        : {}),
    }),
  ),
);

/** ln(a/b) as log1p((a − b)/b): accurate for the tiny ranges of 1-minute bars; NaN unless both are > 0. */
function logRatio(a: number, b: number): number {
  return a > 0 && b > 0 ? Math.log1p((a - b) / b) : NaN;
}

function compute(frame: PairFrame, out: OutputColumn): void {
  const { n, open, high, low, close } = frame;
  const rBp = new Float64Array(n);
  const hl2 = new Float64Array(n); // ln(H/L)²
  const gkTerm = new Float64Array(n); // ½ ln(H/L)² − (2 ln2 − 1) ln(C/O)²
  const mean = new Float64Array(n);
  logReturn(close, 1, rBp, BP);
  for (let t = 0; t < n; t++) {
    const hl = logRatio(high[t]!, low[t]!);
    const co = logRatio(close[t]!, open[t]!);
    hl2[t] = hl * hl;
    gkTerm[t] = 0.5 * hl * hl - (2 * LN2 - 1) * co * co;
  }
  for (const { est, windows } of CONFIG) {
    for (const w of windows) {
      const o = out(volName(est, w));
      if (est === 'rv') {
        rollingStd(rBp, w, 1, o);
        continue;
      }
      rollingMean(est === 'pk' ? hl2 : gkTerm, w, mean);
      const k = est === 'pk' ? 1 / (4 * LN2) : 1;
      for (let t = 0; t < n; t++) {
        const m = mean[t]!;
        o[t] = m === m ? BP * Math.sqrt(Math.max(0, m * k)) : NaN;
      }
    }
  }
}

export const vol: Family = { name: 'vol', stage: 'base', version: 2, partition: 'pair', features, compute };
