// bqx — backward momentum (FEATURES.md §1), bqx domain, 37 features: statistics of the previous W idx
// closes P = x_{t−W} … x_{t−1} relative to x_t, W ∈ {15, 30, 45, 60, 75}, and the agg_* set (W = 75).
// Also the domain table shared by the families that run on both idx and bqx (stat, bb).
import { feature, type PriceDomain } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { BQX_WINDOW, bqxReturn, fromNextRow, previousRows } from '../../kernels/bqx.ts';
import { rollingMoments } from '../../kernels/rolling.ts';
import { rollingMax, rollingMin } from '../../kernels/rolling-extrema.ts';

/** Rows of history B = w15_bqx_return needs itself: bqx-domain lookbacks add them. */
export const BQX_LOOKBACK = BQX_WINDOW;

/** The series y of each price domain, as read from a frame, and the history it carries. */
export const DOMAIN_SERIES: Record<PriceDomain, { input: 'close' | 'bqx'; label: string; lookback: number }> = {
  idx: { input: 'close', label: 'the idx close C', lookback: 0 },
  bqx: { input: 'bqx', label: 'B = w15_bqx_return', lookback: BQX_LOOKBACK },
};

export const BQX_WINDOWS = [15, 30, 45, 60, 75] as const;
const AGG_WINDOW = 75;

const POSITIVE = [0, Infinity] as const;
const METRICS = {
  return: { text: 'Σ_{k=1..W} (x_{t−k} − x_t) / x_t, positive when the price fell into t', range: undefined },
  endpoint: { text: '(x_{t−W} − x_t) / x_t', range: [-1, Infinity] as const },
  max: { text: 'max of P', range: POSITIVE },
  min: { text: 'min of P', range: POSITIVE },
  avg: { text: 'mean of P', range: POSITIVE },
  stdev: { text: 'sample standard deviation (n − 1) of P', range: POSITIVE },
} as const;
type Metric = keyof typeof METRICS;
const METRIC_NAMES = Object.keys(METRICS) as Metric[];
/** agg_* copies of the W = 75 metrics (all but endpoint), plus two normalised ones. */
const AGG_COPIES = ['return', 'max', 'min', 'avg', 'stdev'] as const satisfies readonly Metric[];
const AGG_EXTRA = {
  range: '(max of P − min of P) / x_t',
  volatility: '(sample standard deviation of P) / x_t',
} as const;

const name = (w: number, m: Metric) => `w${w}_bqx_${m}`;
const KERNEL: Record<Metric, string> = {
  return: 'bqxReturn', endpoint: 'inline', max: 'rollingMax', min: 'rollingMin', avg: 'rollingMoments', stdev: 'rollingMoments',
};

function def(n: string, w: number, kernel: string, text: string, range: readonly [number, number] | undefined): FeatureDef {
  return feature({
    name: n,
    family: 'bqx',
    domain: 'bqx',
    stage: 'base',
    kernel,
    params: { w },
    inputs: ['close'],
    lookback: w,
    ...(range ? { range } : {}),
    description: `Backward momentum over the previous ${w} idx closes P = x_{t−${w}} … x_{t−1} (x = C): ${text.replaceAll('W', String(w))}.`,
    notes:
      'Computed on the idx close C itself (not on B), so its lookback is W, not W + 15. max/min/avg/stdev are ' +
      'of the raw idx closes (FEATURES.md §1 "of P"), not of the relative differences. NaN for t < W.',
  });
}

const features: FeatureDef[] = [
  ...BQX_WINDOWS.flatMap((w) => METRIC_NAMES.map((m) => def(name(w, m), w, KERNEL[m], METRICS[m].text, METRICS[m].range))),
  ...AGG_COPIES.map((m) => def(`agg_bqx_${m}`, AGG_WINDOW, KERNEL[m], `${METRICS[m].text} (= ${name(AGG_WINDOW, m)})`, METRICS[m].range)),
  ...(Object.keys(AGG_EXTRA) as (keyof typeof AGG_EXTRA)[]).map((m) =>
    def(`agg_bqx_${m}`, AGG_WINDOW, 'rollingMoments', AGG_EXTRA[m], POSITIVE),
  ),
];

function compute(frame: PairFrame, out: OutputColumn): void {
  const x = frame.close;
  const prev = previousRows(x);
  for (const w of BQX_WINDOWS) {
    const col = (m: Metric) => out(name(w, m));
    bqxReturn(x, w, col('return'));
    rollingMoments(prev, w, { mean: fromNextRow(col('avg')), std: fromNextRow(col('stdev')) }, 1);
    rollingMax(prev, w, { value: fromNextRow(col('max')) });
    rollingMin(prev, w, { value: fromNextRow(col('min')) });
    const end = col('endpoint');
    end.fill(NaN, 0, Math.min(w, frame.n));
    for (let t = w; t < frame.n; t++) end[t] = (x[t - w]! - x[t]!) / x[t]!;
  }
  for (const m of AGG_COPIES) out(`agg_bqx_${m}`).set(out(name(AGG_WINDOW, m)));
  const max = out(name(AGG_WINDOW, 'max'));
  const min = out(name(AGG_WINDOW, 'min'));
  const sd = out(name(AGG_WINDOW, 'stdev'));
  const range = out('agg_bqx_range');
  const vol = out('agg_bqx_volatility');
  for (let t = 0; t < frame.n; t++) {
    range[t] = (max[t]! - min[t]!) / x[t]!;
    vol[t] = sd[t]! / x[t]!;
  }
}

export const bqx: Family = { name: 'bqx', stage: 'base', version: 2, partition: 'pair', features, compute };
