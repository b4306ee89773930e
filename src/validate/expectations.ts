// Rows on which a feature is undefined by its definition (FEATURES.md §0: 0/0 is NaN), so that NaN there
// is not missing data: they are left out of the non-null expectation. Real bid data has flat bars
// (H = L: about 1.5 % of 2017 HistData minutes), where the micro shape ratios over (H − L) are 0/0.
import type { Bars } from '../core/types.ts';
import type { FeatureDef } from '../features/types.ts';

export interface UndefinedRows {
  /** Which rows, for the report. */
  readonly rows: string;
  readonly features: ReadonlySet<string>;
  readonly at: (bars: Bars, i: number) => boolean;
}

export const UNDEFINED_ROWS: readonly UndefinedRows[] = [
  {
    rows: 'flat bars (H = L)',
    // FEATURES.md §7: body_ratio, upper/lower_wick_ratio and close_location divide by H − L.
    features: new Set(['body_ratio', 'upper_wick_ratio', 'lower_wick_ratio', 'close_location'].map((n) => `micro_idx_${n}`)),
    at: (b, i) => b.high[i] === b.low[i],
  },
];

/** The rule under which `def` is undefined on some rows, if any. */
export function undefinedRowsOf(def: FeatureDef): UndefinedRows | undefined {
  return UNDEFINED_ROWS.find((r) => r.features.has(def.name));
}
