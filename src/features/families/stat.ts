// stat — rolling statistics (FEATURES.md §5), idx 24 + bqx 24: mean, sample std, population skew and
// excess kurtosis, min, max, range and z-score of y (C or B) over the last W rows, W ∈ {20, 60, 240}.
import { feature, PRICE_DOMAINS, type PriceDomain } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingMoments } from '../../kernels/rolling.ts';
import { rollingMax, rollingMin } from '../../kernels/rolling-extrema.ts';
import { DOMAIN_SERIES } from './bqx.ts';

export const STAT_WINDOWS = [20, 60, 240] as const;

/** Sharp bounds for a window of n values: |skew| ≤ (n−2)/√(n−1), kurt ≤ n − 5 + 1/(n−1), |z| ≤ (n−1)/√n. */
type Bound = (n: number) => readonly [number, number] | undefined;
const METRICS: Record<string, { text: string; kernel: string; range: Bound }> = {
  mean: { text: 'mean', kernel: 'rollingMoments', range: () => undefined },
  std: { text: 'sample standard deviation (n − 1)', kernel: 'rollingMoments', range: () => [0, Infinity] },
  skew: { text: 'population skewness m3 / m2^1.5 (NaN when the window is constant)', kernel: 'rollingMoments', range: (n) => [-(n - 2) / Math.sqrt(n - 1), (n - 2) / Math.sqrt(n - 1)] },
  kurt: { text: 'population excess kurtosis m4 / m2² − 3 (NaN when the window is constant)', kernel: 'rollingMoments', range: (n) => [-2, n - 5 + 1 / (n - 1)] },
  min: { text: 'minimum', kernel: 'rollingMin', range: () => undefined },
  max: { text: 'maximum', kernel: 'rollingMax', range: () => undefined },
  range: { text: 'max − min', kernel: 'rollingMax/rollingMin', range: () => [0, Infinity] },
  zscore: { text: '(y_t − mean) / std with the sample std (NaN when std = 0)', kernel: 'rollingMoments', range: (n) => [-(n - 1) / Math.sqrt(n), (n - 1) / Math.sqrt(n)] },
};
const METRIC_NAMES = Object.keys(METRICS);

const statName = (d: PriceDomain, w: number, m: string) => `stat_${d}_w${w}_${m}`;

const features: FeatureDef[] = PRICE_DOMAINS.flatMap((d) =>
  STAT_WINDOWS.flatMap((w) =>
    METRIC_NAMES.map((m) => {
      const { text, kernel, range } = METRICS[m]!;
      const r = range(w);
      return feature({
        name: statName(d, w, m),
        family: 'stat',
        domain: d,
        stage: 'base',
        kernel,
        params: { w },
        inputs: [DOMAIN_SERIES[d].input],
        lookback: w - 1 + DOMAIN_SERIES[d].lookback,
        ...(r ? { range: r } : {}),
        description: `Rolling ${text} of ${DOMAIN_SERIES[d].label} over the last ${w} rows including t.`,
        notes:
          'std and zscore use the sample std (FEATURES.md §0 default); skew/kurt use population moments (§5). ' +
          'A constant window gives std 0 and range 0 (defined) but NaN skew, kurt and zscore (zero variance). ' +
          'Shifted power sums re-summed exactly every W rows: equal to a continuous run to ~1e-12, not bit for bit.',
      });
    }),
  ),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  for (const d of PRICE_DOMAINS) {
    const y = frame[DOMAIN_SERIES[d].input];
    for (const w of STAT_WINDOWS) {
      const col = (m: string) => out(statName(d, w, m));
      const mean = col('mean');
      const std = col('std');
      const max = col('max');
      const min = col('min');
      rollingMoments(y, w, { mean, std, skew: col('skew'), kurt: col('kurt') }, 1);
      rollingMax(y, w, { value: max });
      rollingMin(y, w, { value: min });
      const range = col('range');
      const z = col('zscore');
      for (let t = 0; t < frame.n; t++) {
        range[t] = max[t]! - min[t]!;
        const s = std[t]!;
        z[t] = s > 0 ? (y[t]! - mean[t]!) / s : NaN;
      }
    }
  }
}

export const stat: Family = { name: 'stat', stage: 'base', version: 2, partition: 'pair', features, compute };
