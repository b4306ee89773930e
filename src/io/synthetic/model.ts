// Parameters of the synthetic market (DESIGN.md "Synthetic market"), as data. Magnitudes follow the
// real 1-minute bars in /work/shared/data/real-fx (SOURCES.md): minute moves of about 1 bp in active
// hours, triangle residuals of 0.1–1 bp, a few missing minutes per pair per week.
import { CURRENCIES, LIQUIDITY_ORDER, type Currency, type PairInfo } from '../../core/currencies.ts';

/** Trading minutes in a year (52 weeks of 5 × 1440 minutes): converts annual to per-minute volatility. */
const MINUTES_PER_YEAR = 52 * 5 * 1440;
/** Trading minutes in a week. */
const MINUTES_PER_WEEK = 5 * 1440;

/**
 * Each currency's latent log-value is ln(its value in USD). usdValue sets the start (and the level the
 * slow mean reversion pulls to), so every pair starts at its mid-2024 level: EURUSD 1.08, USDJPY 150,
 * GBPUSD 1.27, AUDUSD 0.66, USDCAD 1.36, USDCHF 0.88, NZDUSD 0.60, and the crosses their ratios
 * (EURJPY 162, EURGBP 0.850, AUDNZD 1.10 …). annualVol is the volatility of the latent innovations;
 * a pair's is about √(σ_base² + σ_quote² − 2ρσ_baseσ_quote), e.g. EURUSD 6.7 %, USDJPY 8.2 %.
 */
const CURRENCY_PARAMS: Record<Currency, { usdValue: number; annualVol: number }> = {
  EUR: { usdValue: 1.08, annualVol: 0.045 },
  USD: { usdValue: 1, annualVol: 0.05 },
  GBP: { usdValue: 1.27, annualVol: 0.05 },
  JPY: { usdValue: 1 / 150, annualVol: 0.065 },
  AUD: { usdValue: 0.66, annualVol: 0.06 },
  NZD: { usdValue: 0.6, annualVol: 0.062 },
  CAD: { usdValue: 1 / 1.36, annualVol: 0.045 },
  CHF: { usdValue: 1 / 0.88, annualVol: 0.05 },
};

/** Correlations of the latent innovations (pairs not listed: 0): European, safe-haven, commodity blocs. */
const CORRELATIONS: readonly (readonly [Currency, Currency, number])[] = [
  ['EUR', 'GBP', 0.45], ['EUR', 'CHF', 0.55], ['GBP', 'CHF', 0.3], ['JPY', 'CHF', 0.35],
  ['AUD', 'NZD', 0.75], ['AUD', 'CAD', 0.35], ['NZD', 'CAD', 0.3],
];

/**
 * Intraday activity (multiplier of the volatility) at the start of each UTC hour, linearly
 * interpolated in between: quiet Asia, the London open at 07–08, the London/New York overlap at
 * 13–15, and the quiet rollover at 21 (New York 17:00). Normalised to mean square 1 over the day.
 */
const ACTIVITY_BY_HOUR = [
  0.45, 0.5, 0.45, 0.42, 0.4, 0.45, 0.65, 1.2, 1.35, 1.2, 1.1, 1.05,
  1.3, 1.6, 1.7, 1.5, 1.2, 0.9, 0.75, 0.65, 0.55, 0.3, 0.4, 0.45,
];

/** Scalars of the latent dynamics. Volatilities are in units of a currency's base minute volatility. */
export const DYNAMICS = {
  /** GARCH(1,1) on each currency's variance ratio g: g ← (1 − α − β) + α·min(e², cap) + β·g. */
  garchAlpha: 0.06,
  garchBeta: 0.93,
  garchShockCap: 50,
  /** Market-wide log-volatility AR(1): half-life one trading day, stationary sd 0.35. */
  slowVolPersistence: Math.pow(0.5, 1 / 1440),
  slowVolSd: 0.35,
  /** Pull of each latent to its start level per minute: half-life 26 trading weeks (keeps levels realistic). */
  reversion: Math.LN2 / (26 * MINUTES_PER_WEEK),
  /** Jumps (news): expected count per currency per week (more in active hours), size sd. */
  jumpRate: 2 / MINUTES_PER_WEEK,
  jumpSd: 12,
  /** Extra variance at the weekend reopening, in base minute variances (the Monday gap). */
  weekendGapVariance: 40,
} as const;

export interface CurrencyModel {
  /** Start (and reversion) level of each latent, ln(USD value), in CURRENCIES order. */
  readonly anchor: Float64Array;
  /** Base minute volatility of each latent. */
  readonly sigma: Float64Array;
  /** Correlation matrix, row-major 8 × 8. */
  readonly corr: Float64Array;
  /** Its lower Cholesky factor, row-major 8 × 8 (z = L·n turns iid normals n into correlated z). */
  readonly chol: Float64Array;
  /** Activity multiplier of the volatility for each UTC minute of the day (1440 entries). */
  readonly activity: Float64Array;
}

function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error('synthetic market: correlation matrix is not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

function activityByMinute(): Float64Array {
  const out = new Float64Array(1440);
  let sumSq = 0;
  for (let m = 0; m < 1440; m++) {
    const h = Math.floor(m / 60);
    const f = (m % 60) / 60;
    out[m] = ACTIVITY_BY_HOUR[h]! * (1 - f) + ACTIVITY_BY_HOUR[(h + 1) % 24]! * f;
    sumSq += out[m]! * out[m]!;
  }
  const scale = 1 / Math.sqrt(sumSq / 1440);
  for (let m = 0; m < 1440; m++) out[m] = out[m]! * scale;
  return out;
}

export function currencyModel(): CurrencyModel {
  const n = CURRENCIES.length;
  const corr = new Float64Array(n * n);
  for (let i = 0; i < n; i++) corr[i * n + i] = 1;
  for (const [a, b, rho] of CORRELATIONS) {
    const i = CURRENCIES.indexOf(a);
    const j = CURRENCIES.indexOf(b);
    corr[i * n + j] = rho;
    corr[j * n + i] = rho;
  }
  return {
    anchor: Float64Array.from(CURRENCIES, (c) => Math.log(CURRENCY_PARAMS[c].usdValue)),
    sigma: Float64Array.from(CURRENCIES, (c) => CURRENCY_PARAMS[c].annualVol / Math.sqrt(MINUTES_PER_YEAR)),
    corr,
    chol: cholesky(corr, n),
    activity: activityByMinute(),
  };
}

export interface PairModel {
  readonly base: number; // index in CURRENCIES
  readonly quote: number;
  /** sd of the independent quote noise on each price (bid/ask and leg timing), in log units. */
  readonly noiseSd: number;
  /** Price decimals: 3 for JPY pairs, 5 otherwise (as quoted by brokers). */
  readonly decimals: number;
  /** Mean tick volume per minute at average activity. */
  readonly volume: number;
  /** Probability that a minute at average activity has no bar (scaled by 1/activity). */
  readonly missing: number;
}

/** Per-pair parameters from the pair's rank in the liquidity order: the less liquid, the noisier. */
export function pairModel(pair: PairInfo): PairModel {
  const rank = LIQUIDITY_ORDER.indexOf(pair.name); // 0 (EURUSD) … 27 (NZDCHF)
  return {
    base: CURRENCIES.indexOf(pair.base),
    quote: CURRENCIES.indexOf(pair.quote),
    noiseSd: (0.1 + 0.01 * rank) * 1e-4,
    decimals: pair.quote === 'JPY' ? 3 : 5,
    volume: 150 * Math.pow(0.93, rank),
    missing: (2 + 0.5 * rank) / MINUTES_PER_WEEK,
  };
}
