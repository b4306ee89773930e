// Shared pieces of the cross families (FEATURES.md §9): definition builder, units, window rules.
import { feature } from '../define.ts';
import type { ComputeContext, Family, FeatureDef, MonthInput, OutputColumn, PairFrame, StageName } from '../types.ts';
import { MINUTE_MS } from '../../core/time.ts';

export const BP = 1e4;
/** An as-of value older than this is missing (FEATURES.md §0). */
export const MAX_AGE_MS = 5 * MINUTE_MS;
/** B = w15_bqx_return reads 15 rows before its own row: added to the lookback of features of B. */
export const B_LOOKBACK = 15;

/**
 * Valid rows a grid window of w rows needs (kernels/corr.ts masked windows): half of it. On the union
 * grid a pair is briefly stale at week opens and closes; a strict rule would blank every window touching
 * such a row (4.4 % of the rows of March 2017 for 240-row windows).
 */
export function gridMinValid(w: number): number {
  return Math.ceil(w / 2);
}

export type CrossSpec = Omit<Parameters<typeof feature>[0], 'family' | 'domain' | 'stage'>;

/** FeatureDefs of one cross family. */
export function crossDefs(family: string, stage: StageName, specs: readonly CrossSpec[]): FeatureDef[] {
  return specs.map((s) => feature({ family, domain: 'cross', stage, ...s }));
}

export const UNIT = [-1, 1] as const;
export const FLAG = [0, 1] as const;

/**
 * A month fan-in family on the union grid. After `compute`, each pair's first nanPrefix own rows are set
 * to NaN: a grid window may already exist there (the grid is denser than one pair's rows), but the
 * pair's own history is too short — the registry's convention (NaN exactly in the data set's first
 * nanPrefix rows of the pair) holds. Rows past the warm-up of a partition are never affected
 * (nanPrefix ≤ lookback ≤ warm-up).
 */
export function monthFamily(
  name: string, stage: StageName, features: readonly FeatureDef[],
  compute: (input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext) => void,
): Family {
  return {
    name, stage, version: 2, partition: 'month', features,
    computeMonth: (input, out, ctx) => {
      compute(input, out, ctx);
      for (const [pair, frame] of input.pairs) maskPrefix(features, frame.n, (f) => out(pair, f));
    },
  };
}

/** A per-pair family, with the same NaN prefix convention (values whose start is data-dependent). */
export function pairFamily(
  name: string, stage: StageName, features: readonly FeatureDef[],
  compute: (frame: PairFrame, out: OutputColumn, ctx: ComputeContext) => void,
): Family {
  return {
    name, stage, version: 2, partition: 'pair', features,
    compute: (frame, out, ctx) => {
      compute(frame, out, ctx);
      maskPrefix(features, frame.n, out);
    },
  };
}

function maskPrefix(features: readonly FeatureDef[], n: number, out: OutputColumn): void {
  for (const f of features) out(f.name).fill(NaN, 0, Math.min(f.nanPrefix, n));
}
