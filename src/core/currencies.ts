// The 8 currencies, the 28 pairs by market convention, and the relations between them
// (FEATURES.md §0 and §9). Everything here is derived from two constant lists.

/** Canonical currency order (FEATURES.md §0). */
export const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'AUD', 'NZD', 'CAD', 'CHF'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** Base priority of the market convention: the currency earlier in this list is the base. */
const BASE_PRIORITY: readonly Currency[] = ['EUR', 'GBP', 'AUD', 'NZD', 'USD', 'CAD', 'CHF', 'JPY'];

export interface PairInfo {
  readonly name: string;
  readonly base: Currency;
  readonly quote: Currency;
  /** Position in PAIRS (canonical order: by base then quote in CURRENCIES order). */
  readonly index: number;
}

function conventionName(a: Currency, b: Currency): [Currency, Currency] {
  return BASE_PRIORITY.indexOf(a) < BASE_PRIORITY.indexOf(b) ? [a, b] : [b, a];
}

/** All 28 pairs, in canonical order (pairs of CURRENCIES taken i < j). */
export const PAIRS: readonly PairInfo[] = (() => {
  const out: PairInfo[] = [];
  for (let i = 0; i < CURRENCIES.length; i++) {
    for (let j = i + 1; j < CURRENCIES.length; j++) {
      const [base, quote] = conventionName(CURRENCIES[i]!, CURRENCIES[j]!);
      out.push({ name: base + quote, base, quote, index: out.length });
    }
  }
  return out;
})();

export const PAIR_NAMES: readonly string[] = PAIRS.map((p) => p.name);
const BY_NAME = new Map(PAIRS.map((p) => [p.name, p]));

export function isPair(name: string): boolean {
  return BY_NAME.has(name);
}

/** The pair named `name` (case-insensitive, with or without a separator such as EUR/USD). */
export function pairInfo(name: string): PairInfo {
  const p = BY_NAME.get(name.toUpperCase().replace(/[^A-Z]/g, ''));
  if (!p) throw new Error(`unknown pair: ${JSON.stringify(name)} (expected one of the 28 majors, e.g. EURUSD)`);
  return p;
}

/** The pair that trades currencies a and b (either order), and whether a is its base. */
export function pairOf(a: Currency, b: Currency): { pair: PairInfo; aIsBase: boolean } {
  const [base, quote] = conventionName(a, b);
  return { pair: BY_NAME.get(base + quote)!, aIsBase: base === a };
}

/** Liquidity order of FEATURES.md §9 (used to choose sisters). */
export const LIQUIDITY_ORDER: readonly string[] = [
  'EURUSD', 'USDJPY', 'GBPUSD', 'AUDUSD', 'USDCAD', 'USDCHF', 'NZDUSD', 'EURJPY', 'EURGBP', 'GBPJPY',
  'EURCHF', 'AUDJPY', 'EURAUD', 'GBPCHF', 'CHFJPY', 'EURCAD', 'AUDNZD', 'CADJPY', 'GBPAUD', 'NZDJPY',
  'GBPCAD', 'AUDCAD', 'EURNZD', 'GBPNZD', 'AUDCHF', 'CADCHF', 'NZDCAD', 'NZDCHF',
];

export interface RelatedPair {
  readonly pair: PairInfo;
  /** The currency shared with the subject pair. */
  readonly shared: Currency;
  /** +1 if the shared currency has the same role (base or quote) in both pairs, else −1. */
  readonly orientation: 1 | -1;
  /** 'base' if the shared currency is the subject's base, 'quote' if its quote. */
  readonly group: 'base' | 'quote';
}

/** The 12 pairs sharing exactly one currency with `pair`, in canonical pair order. */
export function relatedPairs(pair: string): RelatedPair[] {
  const p = pairInfo(pair);
  const out: RelatedPair[] = [];
  for (const q of PAIRS) {
    if (q.name === p.name) continue;
    for (const [shared, group] of [[p.base, 'base'], [p.quote, 'quote']] as const) {
      if (q.base !== shared && q.quote !== shared) continue;
      const sameRole = (q.base === shared) === (group === 'base');
      out.push({ pair: q, shared, orientation: sameRole ? 1 : -1, group });
    }
  }
  return out;
}

/** The 15 pairs sharing no currency with `pair`. */
export function crossGroup(pair: string): PairInfo[] {
  const p = pairInfo(pair);
  return PAIRS.filter((q) => q.base !== p.base && q.base !== p.quote && q.quote !== p.base && q.quote !== p.quote);
}

export interface TriangleLeg {
  readonly pair: PairInfo;
  /** +1 if the leg's price is used as is, −1 if inverted, to express the rate in the needed direction. */
  readonly sign: 1 | -1;
}

/**
 * The triangle of pair A/B through third currency C (FEATURES.md §9 arb):
 * ln P_{A/B} − ln P_{A/C} − ln P_{C/B}, with ln P_{X/Y} = sign · ln(close of the traded pair).
 */
export interface Triangle {
  readonly pair: PairInfo;
  readonly third: Currency;
  readonly viaA: TriangleLeg; // A/C
  readonly viaB: TriangleLeg; // C/B
}

function leg(x: Currency, y: Currency): TriangleLeg {
  const { pair, aIsBase } = pairOf(x, y);
  return { pair, sign: aIsBase ? 1 : -1 };
}

/** The 6 triangles of `pair`, slot k = 1..6 = third currencies in canonical order. */
export function trianglesOf(pair: string): Triangle[] {
  const p = pairInfo(pair);
  return CURRENCIES.filter((c) => c !== p.base && c !== p.quote).map((third) => ({
    pair: p,
    third,
    viaA: leg(p.base, third),
    viaB: leg(third, p.quote),
  }));
}

/** The 56 distinct currency triangles (unordered triples of currencies). */
export const TRIANGLES: readonly (readonly [Currency, Currency, Currency])[] = (() => {
  const out: [Currency, Currency, Currency][] = [];
  const n = CURRENCIES.length;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      for (let k = j + 1; k < n; k++) out.push([CURRENCIES[i]!, CURRENCIES[j]!, CURRENCIES[k]!]);
  return out;
})();

/** Sisters: the first 5 related pairs of `pair` in the liquidity order (FEATURES.md §9 sister). */
export function sisters(pair: string): RelatedPair[] {
  const related = relatedPairs(pair);
  return LIQUIDITY_ORDER.map((n) => related.find((r) => r.pair.name === n))
    .filter((r): r is RelatedPair => r !== undefined)
    .slice(0, 5);
}
