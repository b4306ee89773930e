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
        // Credited to both members in one pass (p and q share a currency or both see a cross pair).
        const rp = relation(p, q), rq = relation(q, p);
        const cp = acc.get(`${p}:${rp.kind}`)!, cq = acc.get(`${q}:${rq.kind}`)!;
        const kp = 1 / groups.get(p)![rp.kind].length, kq = 1 / groups.get(q)![rq.kind].length;
        if (rp.kind === 'cross') {
          for (let g = 0; g < n; g++) {
            const c = Math.abs(corr[g]!);
            cp[g] += kp * c;
            cq[g] += kq * c;
          }
        } else {
          const [op, oq] = [rp.o, rq.o];
          for (let g = 0; g < n; g++) {
            const c = corr[g]!;
            cp[g] += kp * op * c;
            cq[g] += kq * oq * c;
          }
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
  const scratch = { tmp: new Float64Array(n), mean: new Float64Array(n), lagged: new Float64Array(n), sign: new Float64Array(n), own: new Float64Array(n) };
  for (const pair of loaded) perPair(grid, pair, groups.get(pair)!, kept, stdB, (name) => out(pair, name), complete, scratch);
}

/** Scratch grid columns of perPair, allocated once per month. */
interface Scratch { readonly tmp: Float64Array; readonly mean: Float64Array; readonly lagged: Float64Array; readonly sign: Float64Array; readonly own: Float64Array }

function perPair(
  grid: MonthGrid, pair: string, groups: Groups, kept: Map<string, Float64Array>, stdB: Map<string, Float64Array>,
  out: (name: string) => Float64Array, complete: (pair: string, kind: Kind) => boolean, sc: Scratch,
): void {
  const n = grid.n;
  const { tmp, mean, lagged } = sc;
  const emit = (name: string, col: Float64Array = tmp): void => grid.readBack(pair, col, out(name));
  for (const side of SIDES) {
    rollingSeries(kept.get(`${pair}:${side}60`)!, Z_OVER, gridMinValid(Z_OVER), { z: tmp });
    emit(`corr_zscore_${side}_60min`);
  }
  for (const w of STABILITY) {
    rollingSeries(kept.get(`${pair}:base15`)!, w, gridMinValid(w), { std: tmp });
    for (let g = 0; g < n; g++) tmp[g] = 1 - tmp[g]!;
    emit(`corr_stability_${w}`);
  }
  const B = grid.aligned(pair, 'bqx');
  const bOf = (p: string) => grid.aligned(p, 'bqx');
  const w30 = grid.aligned(pair, W30);
  for (const side of SIDES) {
    groupMean(grid, groups[side], bOf, mean);
    for (let g = 0; g < n; g++) tmp[g] = B[g]! - mean[g]!;
    emit(`relative_strength_vs_${side}_pairs`);
    lagged[0] = NaN;
    for (let g = 1; g < n; g++) lagged[g] = mean[g - 1]!;
    groupMean(grid, groups[side], (p) => grid.aligned(p, W30), mean);
    for (let g = 0; g < n; g++) tmp[g] = w30[g]! - mean[g]!;
    emit(`${side}_pair_divergence`);
    rollingPair(lagged, B, W, gridMinValid(W), { corr: tmp });
    emit(`lead_lag_${side}`);
  }
  groupMean(grid, groups.base, (p) => deltaSign(bOf(p), sc.sign), mean);
  const own = deltaSign(B, sc.own);
  for (let g = 0; g < n; g++) tmp[g] = own[g]! - mean[g]!;
  emit('cross_pair_momentum_divergence');
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

/** acc = mean over the members of orientation × col(member), NaN throughout if a member is not loaded. */
function groupMean(grid: MonthGrid, members: readonly Member[], col: (pair: string) => Float64Array, acc: Float64Array): void {
  acc.fill(0);
  for (const m of members) {
    if (!grid.has(m.pair)) {
      acc.fill(NaN);
      return;
    }
    const x = col(m.pair);
    const [o, k] = [m.o, members.length];
    for (let g = 0; g < acc.length; g++) acc[g] += (o * x[g]!) / k;
  }
}

/** out[g] = sign(x[g] − x[g − 1]), NaN at g = 0. */
function deltaSign(x: Float64Array, out: Float64Array): Float64Array {
  out[0] = NaN;
  for (let g = 1; g < x.length; g++) out[g] = Math.sign(x[g]! - x[g - 1]!);
  return out;
}

export const corrFamily: Family = monthFamily('corr', 'cross', features, computeMonth);
