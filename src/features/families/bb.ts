// bb — Bollinger bands (FEATURES.md §5), idx 10 + bqx 10: middle = SMA of y over the last W rows,
// bands = middle ± 2 · population std (TA-Lib BBANDS, nbdev 2, MA type SMA), W ∈ {20, 60}.
import { feature, PRICE_DOMAINS, type PriceDomain } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingMoments } from '../../kernels/rolling.ts';
import { DOMAIN_SERIES } from './bqx.ts';

export const BB_WINDOWS = [20, 60] as const;
const NB_DEV = 2;

const METRICS: Record<string, (d: PriceDomain) => { text: string; range?: readonly [number, number] }> = {
  upper: () => ({ text: 'upper band, middle + 2σ' }),
  middle: () => ({ text: 'middle band, the simple moving average' }),
  lower: () => ({ text: 'lower band, middle − 2σ' }),
  bandwidth: (d) => ({ text: d === 'idx' ? '(upper − lower) / middle' : 'upper − lower (B’s middle is near 0, so not divided by it)', range: [0, Infinity] }),
  percent_b: () => ({ text: '(y_t − lower) / (upper − lower), NaN when the bands coincide (constant window)' }),
};
const METRIC_NAMES = Object.keys(METRICS);

const bbName = (d: PriceDomain, w: number, m: string) => `bb_${d}_w${w}_${m}`;

const features: FeatureDef[] = PRICE_DOMAINS.flatMap((d) =>
  BB_WINDOWS.flatMap((w) =>
    METRIC_NAMES.map((m) => {
      const { text, range } = METRICS[m]!(d);
      return feature({
        name: bbName(d, w, m),
        family: 'bb',
        domain: d,
        stage: 'base',
        kernel: 'rollingMoments',
        params: { w, nbdev: NB_DEV, ddof: 0 },
        inputs: [DOMAIN_SERIES[d].input],
        lookback: w - 1 + DOMAIN_SERIES[d].lookback,
        ...(range ? { range } : {}),
        description: `Bollinger band ${text}; σ = population std of ${DOMAIN_SERIES[d].label} over the last ${w} rows including t.`,
        notes:
          'σ from shifted power sums (stable at idx ≈ 100), not TA-Lib’s running sum of squares: equal to ' +
          'TA-Lib BBANDS to its own rounding (~1e-8 relative on the bands).',
      });
    }),
  ),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  for (const d of PRICE_DOMAINS) {
    const y = frame[DOMAIN_SERIES[d].input];
    for (const w of BB_WINDOWS) {
      const col = (m: string) => out(bbName(d, w, m));
      const mid = col('middle');
      const up = col('upper');
      const lo = col('lower');
      const bw = col('bandwidth');
      const pb = col('percent_b');
      rollingMoments(y, w, { mean: mid, std: up }, 0); // σ parked in `upper`, turned into the band below
      for (let t = 0; t < frame.n; t++) {
        const m = mid[t]!;
        const dev = NB_DEV * up[t]!;
        const u = m + dev;
        const l = m - dev;
        up[t] = u;
        lo[t] = l;
        const width = u - l;
        bw[t] = d === 'idx' ? width / m : width;
        pb[t] = width > 0 ? (y[t]! - l) / width : NaN;
      }
    }
  }
}

export const bb: Family = { name: 'bb', stage: 'base', version: 2, partition: 'pair', features, compute };
