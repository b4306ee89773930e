// Which pairs a month-unit (fan-in) feature of a pair reads, from the catalog's definitions (FEATURES.md
// §9, the families' descriptions) and the slot mappings (core/currencies.ts): completeness may excuse a
// feature's missing values on a pair only when one of these pairs is not loaded.
//   currency level ℓ_c (ci, ccy, market): the 7 pairs of c;   related / triangle legs: the 12 pairs
//   sharing one currency (base group + quote group);   sister k: slotMap's k-th sister;   cross group:
//   the 15 pairs sharing no currency;   market-wide and strength percentiles: all 28.
// A feature not listed reads every pair (the conservative reading: any missing pair excuses it).
import { crossGroup, PAIR_NAMES, pairInfo, relatedPairs, sisters, trianglesOf, type Currency } from '../core/currencies.ts';

const levelPairs = (c: Currency) => PAIR_NAMES.filter((p) => pairInfo(p).base === c || pairInfo(p).quote === c);
const group = (pair: string, g: 'base' | 'quote') => relatedPairs(pair).filter((r) => r.group === g).map((r) => r.pair.name);
const related = (pair: string) => relatedPairs(pair).map((r) => r.pair.name);

/** Rules in order: the first whose pattern matches the feature name gives the pairs read besides the pair itself. */
const RULES: readonly [RegExp, (pair: string, m: RegExpMatchArray) => readonly string[]][] = [
  // ci
  [/^base_currency_index$/, (p) => levelPairs(pairInfo(p).base)],
  [/^quote_currency_index$/, (p) => levelPairs(pairInfo(p).quote)],
  [/^(currency_index_differential|pair_divergence_from_index)$/, (p) => [...levelPairs(pairInfo(p).base), ...levelPairs(pairInfo(p).quote)]],
  [/^(related_pairs_correlation_60min|triangular_consistency_score)$/, related],
  // ccy, market
  [/^ccy_([a-z]{3})_/, (_p, m) => levelPairs(m[1]!.toUpperCase() as Currency)],
  [/^usd_idx_/, () => levelPairs('USD')],
  [/^risk_sentiment_/, () => (['JPY', 'CHF', 'AUD', 'NZD'] as const).flatMap(levelPairs)],
  // arb: slot k = the k-th third currency; its legs A/C and C/B
  [/^tri_(resid|z)_([1-6])$/, (p, m) => { const t = trianglesOf(p)[Number(m[2]) - 1]!; return [t.viaA.pair.name, t.viaB.pair.name]; }],
  [/^(triangular_|cross_pair_efficiency_score$)/, related],
  // corr
  [/^corr_(base|quote)_pairs_/, (p, m) => group(p, m[1] as 'base' | 'quote')],
  [/^corr_cross_pairs_/, (p) => crossGroup(p).map((q) => q.name)],
  [/^corr_zscore_(base|quote)_/, (p, m) => group(p, m[1] as 'base' | 'quote')],
  [/^(corr_stability_|cross_pair_momentum_divergence$)/, (p) => group(p, 'base')],
  [/^(relative_strength_vs_|lead_lag_)(base|quote)/, (p, m) => group(p, m[2] as 'base' | 'quote')],
  [/^(base|quote)_pair_divergence$/, (p, m) => group(p, m[1] as 'base' | 'quote')],
  [/^pair_spread_z_score$/, () => []],
  [/^cross_pair_volatility_ratio$/, related],
  // sister k = slotMap's k-th sister
  [/^sis([1-5])_/, (p, m) => [sisters(p)[Number(m[1]) - 1]!.pair.name]],
];

/** The pairs the feature `name` of `pair` reads (itself included). */
export function pairsRead(name: string, pair: string): string[] {
  for (const [re, read] of RULES) {
    const m = name.match(re);
    if (m) return [...new Set([pair, ...read(pair, m)])].sort();
  }
  return [...PAIR_NAMES];
}
