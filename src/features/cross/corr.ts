// corr (25) — correlations of the pair's BQX series B with its base, quote and cross groups (FEATURES.md
// §9, the seed's correlation_bqx table), on the grid. Each of the 378 pairs of pairs is correlated once
// per window and credited to both members.
import { crossGroup, PAIR_NAMES, pairInfo, relatedPairs } from '../../core/currencies.ts';
import { rollingPair, rollingSeries } from '../../kernels/corr.ts';
import type { ComputeContext, Family, MonthInput } from '../types.ts';
import { B_LOOKBACK, crossDefs, gridMinValid, UNIT, type CrossSpec, monthFamily } from './common.ts';
import { monthGrid, type MonthGrid } from './grid.ts';

const WINDOWS = [15, 30, 60, 120] as const;
const KINDS = ['base', 'quote', 'cross'] as const;
type Kind = (typeof KINDS)[number];
const SIDES = ['base', 'quote'] as const;
const Z_OVER = 240;
const STABILITY = [60, 240] as const;
const W = 60; // spread z, volatility ratio, lead-lag
const W30 = 'w30_bqx_return';
const MASKED = 'over the valid grid rows of the window (at least half)';
const GROUPS = 'base group = the 6 other pairs containing the base currency, quote group = the 6 containing the quote';

const specs: CrossSpec[] = [
  ...KINDS.flatMap((kind) => WINDOWS.map((w) => ({
    name: `corr_${kind}_pairs_${w}min`, kernel: 'rolling_corr', params: { w, group: kind }, lookback: w - 1 + B_LOOKBACK,
    inputs: ['bqx'], range: kind === 'cross' ? [0, 1] as const : UNIT,
    description: kind === 'cross'
      ? `Mean |correlation| over ${w} grid rows of B with the 15 pairs sharing no currency`
      : `Mean of orientation × correlation over ${w} grid rows of B with the ${kind} group`,
    notes: `${GROUPS}; ${MASKED}; NaN when a group member is not loaded`,
  }))),
  ...SIDES.map((side) => ({ name: `corr_zscore_${side}_60min`, kernel: 'rolling_z', params: { w: Z_OVER }, inputs: [`corr_${side}_pairs_60min`],
    lookback: 59 + Z_OVER - 1 + B_LOOKBACK, description: `z-score of corr_${side}_pairs_60min over its last ${Z_OVER} grid values`, notes: MASKED })),
  ...STABILITY.map((w) => ({ name: `corr_stability_${w}`, kernel: 'rolling_std', params: { w }, inputs: ['corr_base_pairs_15min'],
    lookback: 14 + w - 1 + B_LOOKBACK, description: `1 − sample std of corr_base_pairs_15min over ${w} grid rows`, notes: MASKED })),
  ...SIDES.map((side) => ({ name: `relative_strength_vs_${side}_pairs`, kernel: 'group_spread', params: { group: side }, inputs: ['bqx'],
    lookback: B_LOOKBACK, description: `B − mean over the ${side} group of orientation × B_p`, notes: GROUPS })),
  ...SIDES.map((side) => ({ name: `${side}_pair_divergence`, kernel: 'group_spread', params: { group: side }, inputs: [W30],
    lookback: 30, description: `w30_bqx_return − mean over the ${side} group of orientation × w30_bqx_return_p`, notes: GROUPS })),
  { name: 'cross_pair_momentum_divergence', kernel: 'group_sign', inputs: ['bqx'], lookback: 1 + B_LOOKBACK, range: [-2, 2],
    description: 'sign(ΔB) − mean over the base group of orientation × sign(ΔB_p), Δ = 1 grid row' },
  { name: 'pair_spread_z_score', kernel: 'rolling_z', params: { w: W }, inputs: ['bqx'], lookback: W - 1 + B_LOOKBACK,
    description: `z-score of B over ${W} grid rows`, notes: MASKED },
  { name: 'cross_pair_volatility_ratio', kernel: 'rolling_std', params: { w: W }, inputs: ['bqx'], lookback: W - 1 + B_LOOKBACK,
    description: `Std of B over ${W} grid rows / mean of the 12 related pairs' std of B over ${W}`, notes: MASKED },
  ...SIDES.map((side) => ({ name: `lead_lag_${side}`, kernel: 'rolling_corr', params: { w: W, group: side }, inputs: ['bqx'],
    lookback: W + B_LOOKBACK, range: UNIT, description: `Correlation over ${W} grid rows of B(t) and the ${side} group's mean of orientation × B_p(t − 1)`,
    notes: MASKED })),
];
const features = crossDefs('corr', 'cross', specs);

interface Member { readonly pair: string; readonly o: number }
interface Groups { readonly base: Member[]; readonly quote: Member[]; readonly cross: Member[] }

function groupsOf(pair: string): Groups {
  const rel = relatedPairs(pair);
  const of = (g: 'base' | 'quote') => rel.filter((r) => r.group === g).map((r) => ({ pair: r.pair.name, o: r.orientation }));
  return { base: of('base'), quote: of('quote'), cross: crossGroup(pair).map((p) => ({ pair: p.name, o: 1 })) };
}

/** The kind and orientation of q relative to p. */
function relation(p: string, q: string): { kind: Kind; o: number } {
  const a = pairInfo(p);
  const b = pairInfo(q);
  for (const side of SIDES) {
    const c = a[side];
    if (b.base === c || b.quote === c) return { kind: side, o: (b.base === c) === (side === 'base') ? 1 : -1 };
  }
  return { kind: 'cross', o: 1 };
}

function computeMonth(input: MonthInput, out: (pair: string, name: string) => Float64Array, ctx: ComputeContext): void {
  const grid = monthGrid(input);
  const n = grid.n;
  const loaded = grid.loaded;
  const groups = new Map(loaded.map((p) => [p, groupsOf(p)]));
  const complete = (pair: string, kind: Kind): boolean => groups.get(pair)![kind].every((m) => grid.has(m.pair));
  for (const pair of loaded) {
    const absent = PAIR_NAMES.filter((q) => q !== pair && !grid.has(q) && relation(pair, q).kind !== 'cross');
    if (absent.length > 0) ctx.note(`corr.${pair}`, `group features NaN: pairs not loaded: ${absent.join(' ')}`);
  }
  // Group correlations: kept on the grid for base 15 / base 60 / quote 60 (inputs of z and stability).
  const kept = new Map<string, Float64Array>();
  const corr = new Float64Array(n);
  const acc = new Map(loaded.flatMap((p) => KINDS.map((k) => [`${p}:${k}`, new Float64Array(n)] as const)));
  for (const w of WINDOWS) {
    for (const col of acc.values()) col.fill(0);
    for (let i = 0; i < loaded.length; i++) {
      for (let j = i + 1; j < loaded.length; j++) {
        const [p, q] = [loaded[i]!, loaded[j]!];
        rollingPair(grid.aligned(p, 'bqx'), grid.aligned(q, 'bqx'), w, gridMinValid(w), { corr });
        for (const [a, b] of [[p, q], [q, p]] as const) {
          const { kind, o } = relation(a, b);
          const col = acc.get(`${a}:${kind}`)!;
          const k = 1 / groups.get(a)![kind].length;
          if (kind === 'cross') for (let g = 0; g < n; g++) col[g] += k * Math.abs(corr[g]!);
          else for (let g = 0; g < n; g++) col[g] += k * o * corr[g]!;
        }
      }
    }
    for (const pair of loaded) {
      for (const kind of KINDS) {
        const col = acc.get(`${pair}:${kind}`)!;
        if (!complete(pair, kind)) col.fill(NaN);
        grid.readBack(pair, col, out(pair, `corr_${kind}_pairs_${w}min`));
        if ((w === 15 && kind === 'base') || (w === 60 && kind !== 'cross')) kept.set(`${pair}:${kind}${w}`, col.slice());
      }
    }
  }
  const stdB = new Map(loaded.map((p) => {
    const s = new Float64Array(n);
    rollingSeries(grid.aligned(p, 'bqx'), W, gridMinValid(W), { std: s });
    return [p, s] as const;
  }));
  for (const pair of loaded) perPair(grid, pair, groups.get(pair)!, kept, stdB, (name) => out(pair, name), complete);
}

function perPair(
  grid: MonthGrid, pair: string, groups: Groups, kept: Map<string, Float64Array>, stdB: Map<string, Float64Array>,
  out: (name: string) => Float64Array, complete: (pair: string, kind: Kind) => boolean,
): void {
  const n = grid.n;
  const tmp = new Float64Array(n);
  const emit = (name: string, col: Float64Array = tmp): void => grid.readBack(pair, col, out(name));
  for (const side of SIDES) {
    rollingSeries(kept.get(`${pair}:${side}60`)!, Z_OVER, gridMinValid(Z_OVER), { z: tmp });
    emit(`corr_zscore_${side}_60min`);
  }
  for (const w of STABILITY) {
    rollingSeries(kept.get(`${pair}:base15`)!, w, gridMinValid(w), { std: tmp });
    emit(`corr_stability_${w}`, tmp.map((v) => 1 - v));
  }
  const B = grid.aligned(pair, 'bqx');
  const mean = (col: (m: Member) => Float64Array, members: Member[], f: (v: number) => number = (v) => v): Float64Array => {
    const acc = new Float64Array(n);
    for (const m of members) {
      if (!grid.has(m.pair)) return acc.fill(NaN);
      const x = col(m);
      for (let g = 0; g < n; g++) acc[g] += (m.o * f(x[g]!)) / members.length;
    }
    return acc;
  };
  const bOf = (m: Member) => grid.aligned(m.pair, 'bqx');
  const w30 = grid.aligned(pair, W30);
  for (const side of SIDES) {
    const mB = mean(bOf, groups[side]);
    emit(`relative_strength_vs_${side}_pairs`, B.map((v, g) => v - mB[g]!));
    const mW = mean((m) => grid.aligned(m.pair, W30), groups[side]);
    emit(`${side}_pair_divergence`, w30.map((v, g) => v - mW[g]!));
    const lagged = mB.map((_, g) => (g > 0 ? mB[g - 1]! : NaN));
    rollingPair(lagged, B, W, gridMinValid(W), { corr: tmp });
    emit(`lead_lag_${side}`);
  }
  const deltaSign = (x: Float64Array) => x.map((v, g) => (g > 0 ? Math.sign(v - x[g - 1]!) : NaN));
  const mSign = mean((m) => deltaSign(bOf(m)), groups.base);
  const own = deltaSign(B);
  emit('cross_pair_momentum_divergence', own.map((v, g) => v - mSign[g]!));
  rollingSeries(B, W, gridMinValid(W), { z: tmp });
  emit('pair_spread_z_score');
  const related = [...groups.base, ...groups.quote];
  const ownStd = stdB.get(pair)!;
  if (!complete(pair, 'base') || !complete(pair, 'quote')) tmp.fill(NaN);
  else {
    tmp.fill(0);
    for (const m of related) {
      const s = stdB.get(m.pair)!;
      for (let g = 0; g < n; g++) tmp[g] += s[g]! / related.length;
    }
    for (let g = 0; g < n; g++) tmp[g] = tmp[g]! > 0 ? ownStd[g]! / tmp[g]! : NaN;
  }
  emit('cross_pair_volatility_ratio');
}

export const corrFamily: Family = monthFamily('corr', 'cross', features, computeMonth);
