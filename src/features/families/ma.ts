// ma — distance of the idx close from its moving averages (FEATURES.md §7), idx 12:
// sma_dist_idx_w{W}, ema_dist_idx_w{W} = (C − MA) / MA in bp, W ∈ {5, 10, 20, 50, 100, 200}.
import { feature, filterMemory } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingMean } from '../../kernels/rolling.ts';
import { ema, emaK, emaLookback } from '../../kernels/ta/ema.ts';
import { BP } from './ret.ts';

export const MA_WINDOWS = [5, 10, 20, 50, 100, 200] as const;

const KINDS = {
  sma: {
    kernel: 'rollingMean',
    fill: (c: Float64Array, w: number, out: Float64Array) => rollingMean(c, w, out),
    text: (w: number) => `the simple moving average of the last ${w} closes including t`,
    // The SMA reads exactly its window.
    lookback: (w: number) => w - 1,
    nanPrefix: (w: number) => w - 1,
    notes: undefined,
  },
  ema: {
    kernel: 'ema (kernels/ta, TA-Lib semantics)',
    fill: (c: Float64Array, w: number, out: Float64Array) => ema(c, w, out),
    text: (w: number) => `the EMA with α = 2/(${w}+1), seeded as TA-Lib with the SMA of the first ${w} closes`,
    lookback: (w: number) => emaLookback(w) + filterMemory(emaK(w)),
    nanPrefix: (w: number) => emaLookback(w),
    notes:
      'The EMA remembers its seed: lookback = the seed window (W − 1 rows) + the rows after which ' +
      '(1 − α)^k < 1e-12 (filterMemory), so a warm-up of that length reproduces a continuous run to ~1e-12.',
  },
} as const;
type Kind = keyof typeof KINDS;

const maName = (k: Kind, w: number) => `${k}_dist_idx_w${w}`;

const features: FeatureDef[] = (Object.keys(KINDS) as Kind[]).flatMap((k) =>
  MA_WINDOWS.map((w) => {
    const s = KINDS[k];
    return feature({
      name: maName(k, w),
      family: 'ma',
      domain: 'idx',
      stage: 'base',
      kernel: s.kernel,
      params: { w, scale: BP },
      inputs: ['close'],
      lookback: s.lookback(w),
      nanPrefix: s.nanPrefix(w),
      range: [-BP, Infinity],
      description: `(C − MA) / MA in basis points, MA = ${s.text(w)}.`,
      ...(s.notes ? { notes: s.notes } : {}),
    });
  }),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  const c = frame.close;
  for (const k of Object.keys(KINDS) as Kind[]) {
    for (const w of MA_WINDOWS) {
      const col = out(maName(k, w));
      KINDS[k].fill(c, w, col); // the MA, turned into the distance in place
      for (let t = 0; t < frame.n; t++) col[t] = (BP * (c[t]! - col[t]!)) / col[t]!;
    }
  }
}

export const ma: Family = { name: 'ma', stage: 'base', version: 2, partition: 'pair', features, compute };
