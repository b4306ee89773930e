// Which pair a file holds: the --pair option, its name, or its pair column (DESIGN.md: identifiers that
// reach SQL or object keys come from the fixed pair list, never from raw input).
import { CURRENCIES, isPair, PAIR_NAMES } from '../../core/currencies.ts';

/** A pair as written in a name or a pair column (EURUSD, eurusd, EUR/USD, EUR_USD) → canonical, or null. */
export function canonicalPair(s: string): string | null {
  const name = s.toUpperCase().replace(/[^A-Z]/g, '');
  return isPair(name) ? name : null;
}

export type NamePair = { pair: string } | { unknown: string } | null;

const MAJOR = new Set<string>(CURRENCIES);

/**
 * The pair a file name names: its first 6-letter token (or two adjacent 3-letter currency tokens) that
 * is one of the 28; else `unknown` with the first 6-letter token that contains a major currency code
 * (e.g. USDEUR, XAUUSD); else null. HISTDATA_COM_ASCII_EURUSD_M1_2017.zip, EURUSD_Candlestick_….csv,
 * eurusd.csv and EUR_USD_M1.csv all give EURUSD.
 */
export function pairFromName(fileName: string): NamePair {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').toUpperCase();
  const tokens = base.split(/[^A-Z0-9]+/).filter((t) => t.length > 0);
  const candidates: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (/^[A-Z]{6}$/.test(t)) candidates.push(t);
    const next = tokens[i + 1];
    if (MAJOR.has(t) && next !== undefined && MAJOR.has(next)) candidates.push(t + next);
  }
  const known = candidates.find((t) => isPair(t));
  if (known) return { pair: known };
  const unknown = candidates.find((t) => MAJOR.has(t.slice(0, 3)) || MAJOR.has(t.slice(3)));
  return unknown ? { unknown } : null;
}

/** Why `name` is not a pair, with the conventional name when it is an inverted one. */
export function unknownPairMessage(name: string, where: string): string {
  const inverted = name.length === 6 ? name.slice(3) + name.slice(0, 3) : '';
  const hint = isPair(inverted) ? ` (the market quotes it as ${inverted})` : '';
  return `${where} ${JSON.stringify(name)} is not one of the 28 pairs${hint}: ${PAIR_NAMES.slice(0, 4).join(', ')}, …`;
}

/**
 * The pair of a file from --pair and its names (a zip's name, then its member's): null when a pair
 * column must decide. Defects: --pair not a pair, --pair contradicting the name (guards against
 * `--pair EURUSD dir/` loading every file as EURUSD), a name naming an unknown pair.
 */
export function filePair(explicit: string | undefined, names: readonly string[], hasPairColumn: boolean): {
  pair: string | null; defects: { kind: 'unknown-pair' | 'mixed-pairs'; message: string }[];
} {
  const fromNames = names.map(pairFromName);
  const named = fromNames.find((p): p is { pair: string } => p !== null && 'pair' in p)?.pair ?? null;
  if (explicit !== undefined) {
    const pair = canonicalPair(explicit);
    if (pair === null) return { pair: null, defects: [{ kind: 'unknown-pair', message: unknownPairMessage(explicit, '--pair') }] };
    if (named !== null && named !== pair) {
      return { pair, defects: [{ kind: 'mixed-pairs', message: `the file name says ${named} but --pair says ${pair}` }] };
    }
    return { pair, defects: [] };
  }
  if (named !== null) return { pair: named, defects: [] };
  const unknown = fromNames.find((p): p is { unknown: string } => p !== null && 'unknown' in p)?.unknown;
  if (unknown !== undefined && !hasPairColumn) {
    return { pair: null, defects: [{ kind: 'unknown-pair', message: unknownPairMessage(unknown, 'the file name\'s pair') }] };
  }
  return { pair: null, defects: [] };
}
