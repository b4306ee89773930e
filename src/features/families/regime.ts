// regime — regime detection, seed stage 2.9 (FEATURES.md §6), idx 15 + bqx 15, on y = C (idx) or B (bqx)
// and o_t = Δy_t: a 3-state Gaussian HMM refitted weekly (segments start each Saturday 00:00 UTC; fit on the
// 10,080 rows before the start, scaled forward filter from 1,440 rows before it; kernels/regime-hmm.ts)
// and seven rolling regime metrics.
import { DAY_MS, WEEK_MS } from '../../core/time.ts';
import { feature, PRICE_DOMAINS, type PriceDomain } from '../define.ts';
import type { ComputeContext, Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { diff, lag } from '../../kernels/lag.ts';
import { rollingMean, rollingStd, rollingSum } from '../../kernels/rolling.ts';
import { windowMeanStd } from '../../kernels/window-exact.ts';
import { rollingPair } from '../../kernels/corr.ts';
import { rollingHurst } from '../../kernels/hurst.ts';
import { rollingPercentileRank } from '../../kernels/rank.ts';
import { REGIME_HMM, regimeHmm, stateColumns, type FitMemo, type SegmentFit } from '../../kernels/regime-hmm.ts';
import { DOMAIN_SERIES } from './bqx.ts';

/** Saturday 1970-01-03 00:00 UTC: segments start at this instant + k weeks. */
const SATURDAY_0 = 2 * DAY_MS;
const TREND_ROWS = 60;
const TREND_THRESHOLD = 0.3;
const BB_ROWS = 20;
const BB_DEV = 2;
const RANGE_ROWS = 60;
const VOL_SHORT = 60;
const VOL_LONG = 1_440;
const CLUSTER_ROWS = 240;
const HURST_ROWS = 240;
const HURST_CHUNKS = [8, 16, 30, 60, 120, 240] as const;
const SQUEEZE_ROWS = 1_440;
const DURATION_CAP = 1_440;

// Lookbacks (rows of y before t, idx domain; bqx adds B's own 15). The segment containing t starts at most
// 10,079 rows before t (a week has 10,080 minutes, at most one row each); its fit reads o over the 10,080
// rows before the start, and o needs one more row of y: 10,079 + 10,081 = 20,160. The filter's 1,440-row
// burn-in lies inside the fit window. regime_duration reads the states of rows t − 1,440 … t: 21,600.
const HMM_LOOKBACK = REGIME_HMM.fitRows - 1 + REGIME_HMM.fitRows + 1;
const DURATION_LOOKBACK = HMM_LOOKBACK + DURATION_CAP;
// First rows that can be NaN for want of history at the start of the data (an upper bound: the value depends
// on where the first Saturday falls). A fit needs 5,000 finite o (o starts at row 1); the first segment
// start with that many lies less than one week (10,080 rows) after the last one without.
const HMM_NAN_PREFIX = REGIME_HMM.minRows + 1 + REGIME_HMM.fitRows - 1;

const HMM_NOTES =
  'Weekly refit: a segment starts at each Saturday 00:00 UTC that falls between two rows (and the frame’s first row ' +
  'starts one); the fit uses the finite o among the 10,080 rows before the start, standardised by their mean and ' +
  'sample std, NaN for the whole segment if fewer than 5,000 (or the fit is degenerate — constant o, a state with ' +
  'less than one row of mass, a non-finite likelihood — with a warning). Baum–Welch ≤ 100 updates, stop when the ' +
  'log-likelihood gains < 1e-6 (absolute); state variances floored at 1e-3 (standardised units, hmmlearn’s ' +
  'min_covar) so that no state collapses onto the exact-zero returns of quantised prices (without it 39 of 51 ' +
  'weekly NZDCHF idx fits of 2017 degenerate); states ordered by variance. The filter starts 1,440 rows before the ' +
  'segment start from the uniform distribution. Lookback: the segment holding t starts ≤ 10,079 rows before t, its ' +
  'fit window reaches 10,081 rows of y further back. nanPrefix is an upper bound (calendar-anchored).';

interface MetricSpec {
  readonly text: string;
  readonly lookback: number;
  readonly nanPrefix?: number;
  readonly range?: readonly [number, number];
  readonly discrete?: readonly number[];
  readonly kernel: string;
  readonly notes?: string;
}

const PROB = [0, 1] as const;
const hmmMetric = (text: string, extra: Partial<MetricSpec> = {}): MetricSpec =>
  ({ text, lookback: HMM_LOOKBACK, nanPrefix: HMM_NAN_PREFIX, kernel: 'regimeHmm', notes: HMM_NOTES, ...extra });

const METRICS = {
  hmm_p_calm: hmmMetric('filtered probability of the calm state (lowest emission variance)', { range: PROB }),
  hmm_p_normal: hmmMetric('filtered probability of the normal state', { range: PROB }),
  hmm_p_turbulent: hmmMetric('filtered probability of the turbulent state (highest emission variance)', { range: PROB }),
  hmm_state: hmmMetric('argmax of the filtered probabilities: 0 calm, 1 normal, 2 turbulent', { discrete: [0, 1, 2] }),
  regime_duration: hmmMetric(`rows since hmm_state last changed, capped at ${DURATION_CAP}`, {
    lookback: DURATION_LOOKBACK, range: [0, DURATION_CAP],
    notes: `${HMM_NOTES} 0 on the row where the state changes (or follows a NaN state); reads the states of the last ${DURATION_CAP + 1} rows.`,
  }),
  regime_expected_duration: hmmMetric('1 / (1 − A_kk) of the current state k (NaN if A_kk = 1)', { range: [1, Infinity] }),
  regime_transition_probability: hmmMetric('1 − A_kk of the current state k', { range: PROB }),
  regime_strength: hmmMetric('max_k of the filtered probabilities', { range: PROB }),
  trend_quality_score: {
    text: `(y_t − y_{t−${TREND_ROWS}}) / Σ |Δy| over the last ${TREND_ROWS} rows (signed efficiency ratio)`,
    lookback: TREND_ROWS, range: [-1, 1], kernel: 'rollingSum', notes: 'NaN when y did not move over the window.',
  },
  regime_classification: hmmMetric(
    `3 volatile if hmm_state is turbulent with p ≥ 0.5, else 1 trending up / 2 trending down if |trend_quality_score| ≥ ${TREND_THRESHOLD} (by its sign), else 0 ranging`,
    { discrete: [0, 1, 2, 3], kernel: 'inline', notes: `${HMM_NOTES} NaN while the HMM is NaN, or when not volatile and trend_quality_score is NaN.` },
  ),
  range_bound_score: {
    text: `fraction of the last ${RANGE_ROWS} rows with y inside its BB(${BB_ROWS}, ${BB_DEV}) bands (lower ≤ y ≤ upper)`,
    lookback: RANGE_ROWS - 1 + BB_ROWS - 1, range: [0, 1], kernel: 'windowMeanStd',
    notes: 'Bands as bb_*_w20 (SMA ± 2·population std), summed directly over each 20-row window so that the inside test never depends on where a partition starts; bounds inclusive, so a constant window counts as inside.',
  },
  volatility_regime_score: {
    text: `sample std of Δy over ${VOL_SHORT} rows / sample std of Δy over ${VOL_LONG} rows`,
    lookback: VOL_LONG, range: [0, Infinity], kernel: 'rollingStd', notes: 'NaN when Δy is constant over the long window.',
  },
  vol_clustering: {
    text: `lag-1 autocorrelation of |Δy| over the last ${CLUSTER_ROWS} rows`,
    lookback: CLUSTER_ROWS, range: [-1, 1], kernel: 'rollingPair',
    notes: `Pearson correlation of the ${CLUSTER_ROWS - 1} pairs (|Δy|_{i−1}, |Δy|_i) inside the last ${CLUSTER_ROWS} values (as arb’s ac1 reads "lag-1 autocorrelation"); NaN if |Δy| is constant.`,
  },
  hurst_exponent: {
    text: `rescaled-range Hurst estimate of Δy over the last ${HURST_ROWS} rows: OLS slope of ln(mean R/S) on ln n, n ∈ {${HURST_CHUNKS.join(', ')}}, clamped to [0, 1]`,
    lookback: HURST_ROWS, range: [0, 1], kernel: 'rollingHurst',
    notes: 'R/S of the increments Δy (R/S of the level would be ≈ 1 always). Chunks tile the window back from t; S is the chunk’s population std; chunks with S = 0 are skipped, NaN if a size has none. The clamp to [0, 1] is part of FEATURES.md’s definition (“clamped to [0, 1]”), not a rounding allowance: a slope outside [0, 1] is reported as 0 or 1.',
  },
  bb_squeeze_pct: {
    text: `percentile rank (0–1) of the current BB(${BB_ROWS}) bandwidth among its last ${SQUEEZE_ROWS} values`,
    lookback: SQUEEZE_ROWS - 1 + BB_ROWS - 1, range: [0, 1], kernel: 'rollingPercentileRank',
    notes: 'Bandwidth as bb_*_w20_bandwidth, its mean and std summed directly over each 20-row window: a rank flips on a last-bit difference, so the bandwidths must not depend on where a partition starts (running sums would). Rank = (#smaller + (#equal − 1)/2) / (1,440 − 1) over the 1,440 values including the current one: 0 = narrowest, 1 = widest.',
  },
} as const satisfies Record<string, MetricSpec>;
type Metric = keyof typeof METRICS;
const METRIC_NAMES = Object.keys(METRICS) as Metric[];

const regimeName = (d: PriceDomain, m: Metric) => `regime_${d}_${m}`;

const features: FeatureDef[] = PRICE_DOMAINS.flatMap((d) =>
  METRIC_NAMES.map((m) => {
    const spec: MetricSpec = METRICS[m];
    const extra = DOMAIN_SERIES[d].lookback;
    return feature({
      name: regimeName(d, m),
      family: 'regime',
      domain: d,
      stage: 'regime',
      kernel: spec.kernel,
      params: {},
      inputs: [DOMAIN_SERIES[d].input],
      lookback: spec.lookback + extra,
      nanPrefix: (spec.nanPrefix ?? spec.lookback) + extra,
      ...(spec.range ? { range: spec.range } : {}),
      ...(spec.discrete ? { discrete: spec.discrete } : {}),
      description: `Regime metric of ${DOMAIN_SERIES[d].label} (o = Δy): ${spec.text}.`,
      ...(spec.notes ? { notes: spec.notes } : {}),
    });
  }),
);

/** Rows where a new segment starts: the first row, and every row in a later week (Saturday-anchored) than its predecessor. */
export function segmentStarts(ts: Float64Array): number[] {
  const starts: number[] = ts.length > 0 ? [0] : [];
  for (let i = 1; i < ts.length; i++) {
    if (weekAnchor(ts[i]!) !== weekAnchor(ts[i - 1]!)) starts.push(i);
  }
  return starts;
}

/** The Saturday 00:00 UTC at or before `ms`. */
function weekAnchor(ms: number): number {
  return SATURDAY_0 + Math.floor((ms - SATURDAY_0) / WEEK_MS) * WEEK_MS;
}

function provenance(d: PriceDomain, ts: Float64Array, f: SegmentFit): Record<string, unknown> {
  const iso = (i: number) => new Date(ts[i]!).toISOString();
  const read = f.status !== 'skipped' && f.start > f.fitFrom; // the fit window was read
  return {
    domain: d,
    segmentStart: new Date(weekAnchor(ts[f.start]!)).toISOString(),
    firstRow: iso(f.start),
    rows: f.end - f.start,
    windowStart: read ? iso(f.fitFrom) : null,
    windowEnd: read ? iso(f.start - 1) : null,
    ...(f.observations !== undefined ? { observations: f.observations } : {}),
    status: f.status,
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.iterations !== undefined ? { iterations: f.iterations, logLik: f.logLik, converged: f.converged } : {}),
    ...(f.params ? { variance: [...f.params.variance], stay: [0, 4, 8].map((i) => f.params!.trans[i]) } : {}),
  };
}

function computeDomain(frame: PairFrame, d: PriceDomain, out: (m: Metric) => Float64Array, ctx: ComputeContext, starts: number[]): Record<string, unknown>[] {
  const n = frame.n;
  const first = frame.first ?? 0; // outputs of earlier rows are not kept
  const y = frame[DOMAIN_SERIES[d].input];
  const dy = new Float64Array(n);
  diff(y, 1, dy);
  const absDy = dy.map(Math.abs);
  const tmp = new Float64Array(n);

  // HMM and the state columns.
  const probs = [out('hmm_p_calm'), out('hmm_p_normal'), out('hmm_p_turbulent')];
  // Rows before the partition are not kept; regime_duration at its first row reads DURATION_CAP rows of
  // states before it, so segments ending earlier need no fit.
  const fits = regimeHmm(dy, starts, probs, Math.max(0, first - DURATION_CAP), ctx.memo as FitMemo | undefined);
  for (const f of fits) {
    if (f.status === 'degenerate') {
      ctx.warn(`regime_${d}: HMM fit for the segment from ${new Date(frame.ts[f.start]!).toISOString()} is degenerate (${f.reason}); its HMM features are NaN`);
    }
  }
  const state = out('hmm_state');
  stateColumns(probs, fits, DURATION_CAP, {
    state, duration: out('regime_duration'), expectedDuration: out('regime_expected_duration'),
    transitionProbability: out('regime_transition_probability'), strength: out('regime_strength'),
  });

  // Trend quality and classification.
  const tq = out('trend_quality_score');
  rollingSum(absDy, TREND_ROWS, tmp);
  for (let t = 0; t < n; t++) tq[t] = t >= TREND_ROWS && tmp[t]! > 0 ? (y[t]! - y[t - TREND_ROWS]!) / tmp[t]! : NaN;
  const cls = out('regime_classification');
  const pTurb = probs[2]!;
  for (let t = 0; t < n; t++) {
    const s = state[t]!;
    if (s !== s) cls[t] = NaN;
    else if (s === 2 && pTurb[t]! >= 0.5) cls[t] = 3;
    else {
      const q = tq[t]!;
      cls[t] = q !== q ? NaN : q >= TREND_THRESHOLD ? 1 : q <= -TREND_THRESHOLD ? 2 : 0;
    }
  }

  // Bollinger bands (as bb_*_w20): range-bound fraction and squeeze percentile.
  const mid = new Float64Array(n);
  const sd = new Float64Array(n);
  windowMeanStd(y, BB_ROWS, mid, sd); // exact per window: the rank and the band test below compare values
  const inside = tmp;
  const width = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const m = mid[t]!;
    const dev = BB_DEV * sd[t]!;
    const up = m + dev;
    const lo = m - dev;
    inside[t] = m === m ? (lo <= y[t]! && y[t]! <= up ? 1 : 0) : NaN;
    width[t] = d === 'idx' ? (up - lo) / m : up - lo;
  }
  rollingMean(inside, RANGE_ROWS, out('range_bound_score'));
  // The rank is exact (comparisons), so it is taken over the rows that the kept rows' windows reach only.
  const squeeze = out('bb_squeeze_pct');
  const rankFrom = Math.max(0, first - SQUEEZE_ROWS + 1);
  squeeze.fill(NaN, 0, rankFrom);
  rollingPercentileRank(width.subarray(rankFrom), SQUEEZE_ROWS, squeeze.subarray(rankFrom));

  // Volatility ratio, clustering, Hurst.
  const vr = out('volatility_regime_score');
  rollingStd(dy, VOL_SHORT, 1, vr);
  rollingStd(dy, VOL_LONG, 1, tmp);
  for (let t = 0; t < n; t++) vr[t] = tmp[t]! > 0 ? vr[t]! / tmp[t]! : NaN;
  const lagged = new Float64Array(n);
  lag(absDy, 1, lagged);
  rollingPair(lagged, absDy, CLUSTER_ROWS - 1, CLUSTER_ROWS - 1, { corr: out('vol_clustering') });
  rollingHurst(y, HURST_ROWS, HURST_CHUNKS, out('hurst_exponent'), first);

  return fits.map((f) => provenance(d, frame.ts, f));
}

function compute(frame: PairFrame, out: OutputColumn, ctx: ComputeContext): void {
  const starts = segmentStarts(frame.ts);
  const notes = PRICE_DOMAINS.flatMap((d) => computeDomain(frame, d, (m) => out(regimeName(d, m)), ctx, starts));
  ctx.note('hmm_fits', notes);
}

export const regime: Family = { name: 'regime', stage: 'regime', version: 3, partition: 'pair', features, compute };
