// Helpers for family configs: build FeatureDefs with the registry's defaults.
import { BOUND_NOTE } from '../core/bounds.ts';
import type { FeatureDef } from './types.ts';

type Required = Pick<FeatureDef, 'name' | 'family' | 'domain' | 'stage' | 'kernel' | 'lookback' | 'description'>;

/**
 * A feature with the defaults: role feature, lookahead 0, float64, nanPrefix = lookback. A bounded
 * feature's notes end with the range rule (core/bounds.ts), so the catalog states it for every range.
 */
export function feature(p: Required & Partial<FeatureDef>): FeatureDef {
  const f: FeatureDef = { params: {}, inputs: ['close'], nanPrefix: p.lookback, lookahead: 0, role: 'feature', dtype: 'float64', ...p };
  return f.range ? { ...f, notes: f.notes ? `${f.notes} ${BOUND_NOTE}` : BOUND_NOTE } : f;
}

/**
 * Rows after which a recursive filter with smoothing α has forgotten its start to below 1e-12
 * ((1 − α)^k < 1e-12): the memory part of the warm-up of EMA/Wilder-type features.
 */
export function filterMemory(alpha: number): number {
  return Math.ceil(Math.log(1e-12) / Math.log(1 - alpha));
}

/** Domain prefixes used in names: idx → 'idx', bqx → 'bqx'. */
export const PRICE_DOMAINS = ['idx', 'bqx'] as const;
export type PriceDomain = (typeof PRICE_DOMAINS)[number];
