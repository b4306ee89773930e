// A plain reference of the grid families (ci, ccy, market, arb, corr, sister), written straight from
// FEATURES.md §9 without the production code's structure: a naive union grid and as-of search, windows
// evaluated row by row over their valid rows (two-pass statistics), currency groups, orientations,
// triangles and sisters derived here from the pair names. Slow (O(W) per row), for small markets only.
import type { PairFrame } from '../../src/features/types.ts';

const CCY = ['EUR', 'USD', 'GBP', 'JPY', 'AUD', 'NZD', 'CAD', 'CHF'];
const LIQUIDITY = ['EURUSD', 'USDJPY', 'GBPUSD', 'AUDUSD', 'USDCAD', 'USDCHF', 'NZDUSD', 'EURJPY', 'EURGBP', 'GBPJPY',
  'EURCHF', 'AUDJPY', 'EURAUD', 'GBPCHF', 'CHFJPY', 'EURCAD', 'AUDNZD', 'CADJPY', 'GBPAUD', 'NZDJPY', 'GBPCAD', 'AUDCAD',
  'EURNZD', 'GBPNZD', 'AUDCHF', 'CADCHF', 'NZDCAD', 'NZDCHF'];
const BP = 1e4;
const minValid = (w: number) => Math.ceil(w / 2);
const base = (p: string) => p.slice(0, 3);
const quote = (p: string) => p.slice(3);

// ---- statistics over the valid rows of a window (two passes) ----
type Win = Float64Array | number[];
function validPairs(xs: Win, ys: Win): [number[], number[]] {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!) && Number.isFinite(ys[i]!)) { a.push(xs[i]!); b.push(ys[i]!); }
  return [a, b];
}
const finite = (xs: Win) => Array.prototype.filter.call(xs, Number.isFinite) as number[];
const avg = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
function sampleStd(v: number[]): number {
  const m = avg(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}
export function corrOf(xs: Win, ys: Win, w: number): number {
  const [a, b] = validPairs(xs, ys);
  if (a.length < minValid(w) || a.length < 2) return NaN;
  const ma = avg(a);
  const mb = avg(b);
  let sab = 0, saa = 0, sbb = 0;
  a.forEach((x, i) => { sab += (x - ma) * (b[i]! - mb); saa += (x - ma) ** 2; sbb += (b[i]! - mb) ** 2; });
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}
function betaOf(xs: Win, ys: Win, w: number): number {
  const [a, b] = validPairs(xs, ys);
  if (a.length < minValid(w) || a.length < 2) return NaN;
  const ma = avg(a);
  const mb = avg(b);
  let sab = 0, saa = 0;
  a.forEach((x, i) => { sab += (x - ma) * (b[i]! - mb); saa += (x - ma) ** 2; });
  return saa > 0 ? sab / saa : NaN;
}
function stdOf(xs: Win, w: number): number {
  const a = finite(xs);
  return a.length < minValid(w) || a.length < 2 ? NaN : sampleStd(a);
}
function meanOf(xs: Win, w: number): number {
  const a = finite(xs);
  return a.length < minValid(w) ? NaN : avg(a);
}
/** z of the window's last value among its valid values. */
function zOf(xs: Win, w: number): number {
  const last = xs[xs.length - 1]!;
  const s = stdOf(xs, w);
  return Number.isFinite(last) && s > 0 ? (last - meanOf(xs, w)) / s : NaN;
}

export class GridReference {
  readonly grid: number[];
  private readonly memo = new Map<string, Float64Array>();

  constructor(readonly frames: Map<string, PairFrame>, readonly baselineAt: number) {
    const all = new Set<number>();
    for (const f of frames.values()) for (const t of f.ts) all.add(t);
    this.grid = [...all].sort((a, b) => a - b);
  }

  private series(key: string, f: (g: number) => number): Float64Array {
    let s = this.memo.get(key);
    if (!s) this.memo.set(key, (s = Float64Array.from(this.grid, (_, g) => f(g))));
    return s;
  }

  /** The window rows g − w + 1 … g of a series (undefined when the window does not exist). */
  private win(s: Float64Array, g: number, w: number, lagRows = 0): Float64Array | undefined {
    const from = g - w + 1 - lagRows;
    return from < 0 ? undefined : s.subarray(from, g + 1 - lagRows);
  }

  // ---- as-of alignment: the last bar with ts ≤ t, missing if more than 5 minutes older ----
  asof(pair: string, col: 'rawClose' | 'bqx' | 'w30', g: number): number {
    const f = this.frames.get(pair);
    if (!f) return NaN;
    const t = this.grid[g]!;
    let i = -1;
    for (let k = 0; k < f.n && f.ts[k]! <= t; k++) i = k;
    if (i < 0 || t - f.ts[i]! > 5 * 60_000) return NaN;
    return col === 'rawClose' ? f.rawClose[i]! : col === 'bqx' ? f.bqx[i]! : f.upstream('w30_bqx_return')[i]!;
  }
  lnP(pair: string): Float64Array {
    return this.series(`lnP ${pair}`, (g) => Math.log(this.asof(pair, 'rawClose', g)));
  }
  /** ln of the price of x in y, from whichever of XY / YX is traded. */
  lnRate(x: string, y: string): Float64Array {
    const direct = this.frames.has(x + y) || LIQUIDITY.includes(x + y);
    return this.series(`rate ${x}${y}`, (g) => (direct ? this.lnP(x + y)[g]! : -this.lnP(y + x)[g]!));
  }
  ret(pair: string): Float64Array {
    const lp = this.lnP(pair);
    return this.series(`ret ${pair}`, (g) => (g > 0 ? lp[g]! - lp[g - 1]! : NaN));
  }
  level(c: string): Float64Array {
    return this.series(`level ${c}`, (g) => CCY.filter((j) => j !== c).reduce((s, j) => s + this.lnRate(c, j)[g]!, 0) / 8);
  }
  /** The grid row of the pair's frame row i. */
  gridRow(t: number): number {
    return this.grid.indexOf(t);
  }

  // ---- relations between pairs, from the names ----
  related(pair: string): { pair: string; o: number; group: 'base' | 'quote' }[] {
    const out: { pair: string; o: number; group: 'base' | 'quote' }[] = [];
    for (const p of LIQUIDITY) {
      if (p === pair) continue;
      for (const [c, group] of [[base(pair), 'base'], [quote(pair), 'quote']] as const) {
        if (base(p) !== c && quote(p) !== c) continue;
        const sameRole = group === 'base' ? base(p) === c : quote(p) === c;
        out.push({ pair: p, o: sameRole ? 1 : -1, group });
      }
    }
    return out;
  }
  crossOf(pair: string): string[] {
    return LIQUIDITY.filter((p) => ![base(pair), quote(pair)].some((c) => p.includes(c)));
  }
  triangle(pair: string, k: number): Float64Array {
    const [a, b] = [base(pair), quote(pair)];
    const c = CCY.filter((x) => x !== a && x !== b)[k - 1]!;
    return this.series(`tri ${pair} ${k}`, (g) => BP * (this.lnRate(a, b)[g]! - this.lnRate(a, c)[g]! - this.lnRate(c, b)[g]!));
  }

  /** Feature `name` of `pair` on the whole grid (memoised: inputs of other features). */
  feature(pair: string, name: string): Float64Array {
    const f = this.compile(pair, name);
    return this.series(`${pair} ${name}`, f);
  }

  private readonly compiled = new Map<string, (g: number) => number>();
  /** Feature `name` of `pair` at grid row g. */
  value(pair: string, name: string, g: number): number {
    const key = `${pair} ${name}`;
    let f = this.compiled.get(key);
    if (!f) this.compiled.set(key, (f = this.compile(pair, name)));
    return f(g);
  }

  /** The definition of feature `name` of `pair` as a function of the grid row. */
  private compile(pair: string, name: string): (g: number) => number {
    const [A, B] = [base(pair), quote(pair)];
    const own = this.lnP(pair);
    let m: RegExpMatchArray | null;
    const ago = (s: Float64Array, n: number, g: number) => (g >= n ? s[g]! - s[g - n]! : NaN);
    // ---- ci ----
    const t0 = this.grid.findIndex((t) => t >= this.baselineAt);
    const index = (c: string, g: number) => 100 * Math.exp(this.level(c)[g]! - this.level(c)[t0]!);
    if (name === 'base_currency_index') return (g) => index(A, g);
    if (name === 'quote_currency_index') return (g) => index(B, g);
    if (name === 'currency_index_differential') return (g) => 100 * Math.log(index(A, g) / index(B, g));
    if ((m = name.match(/^(base|quote)_currency_strength_percentile$/))) {
      const me = CCY.indexOf(m[1] === 'base' ? A : B);
      return (g) => {
        const ch = CCY.map((c) => ago(this.level(c), 60, g));
        if (ch.some((v) => !Number.isFinite(v))) return NaN;
        return (100 * ch.filter((v) => v < ch[me]!).length) / 7;
      };
    }
    if (name === 'pair_divergence_from_index') {
      const d = this.series(`lAB ${pair}`, (h) => this.level(A)[h]! - this.level(B)[h]!);
      return (g) => BP * (ago(own, 60, g) - ago(d, 60, g));
    }
    if (name === 'related_pairs_correlation_60min') {
      const rel = this.related(pair);
      return (g) => avg(rel.map((r) => {
        const x = this.win(this.ret(pair), g, 60);
        return x ? r.o * corrOf(x, this.win(this.ret(r.pair), g, 60)!, 60) : NaN;
      }));
    }
    const tris = [1, 2, 3, 4, 5, 6].map((k) => this.triangle(pair, k));
    if (name === 'triangular_consistency_score') return (g) => Math.exp(-avg(tris.map((t) => Math.abs(t[g]!))));
    // ---- ccy ----
    if ((m = name.match(/^ccy_([a-z]{3})_r(\d+)$/))) {
      const [l, n] = [this.level(m[1]!.toUpperCase()), Number(m[2])];
      return (g) => BP * ago(l, n, g);
    }
    // ---- market ----
    const usd = this.level('USD');
    const dUsd = this.series('dUSD', (h) => (h > 0 ? usd[h]! - usd[h - 1]! : NaN));
    if ((m = name.match(/^usd_idx_(vol|z|er)(\d+)$/))) {
      const [kind, w] = [m[1]!, Number(m[2])];
      return (g) => {
        const x = this.win(kind === 'z' ? usd : dUsd, g, w);
        if (!x) return NaN;
        if (kind === 'vol') return BP * stdOf(x, w);
        if (kind === 'z') return zOf(x, w);
        const v = finite(x);
        const path = v.reduce((s, d) => s + Math.abs(d), 0);
        return v.length >= minValid(w) && path > 0 ? v.reduce((s, d) => s + d, 0) / path : NaN;
      };
    }
    if ((m = name.match(/^dispersion_r(\d+)$/))) {
      const n = Number(m[1]);
      return (g) => {
        if (this.frames.size < 28) return NaN;
        const r = LIQUIDITY.map((p) => BP * ago(this.lnP(p), n, g));
        return r.every(Number.isFinite) ? sampleStd(r) : NaN;
      };
    }
    if ((m = name.match(/^avg_corr_(\d+)$/))) {
      const w = Number(m[1]);
      return (g) => {
        if (this.frames.size < 28 || g < w - 1) return NaN;
        const cs: number[] = [];
        for (let i = 0; i < 28; i++) for (let j = i + 1; j < 28; j++) {
          cs.push(Math.abs(corrOf(this.win(this.ret(LIQUIDITY[i]!), g, w)!, this.win(this.ret(LIQUIDITY[j]!), g, w)!, w)));
        }
        return avg(cs);
      };
    }
    if ((m = name.match(/^mkt_vol_(\d+)$/))) {
      const w = Number(m[1]);
      return (g) => (this.frames.size < 28 || g < w - 1 ? NaN : avg(LIQUIDITY.map((p) => BP * stdOf(this.win(this.ret(p), g, w)!, w))));
    }
    if ((m = name.match(/^risk_sentiment_r(\d+)$/))) {
      const n = Number(m[1]);
      const risk = this.series('risk', (h) => (this.level('JPY')[h]! + this.level('CHF')[h]! - (this.level('AUD')[h]! + this.level('NZD')[h]!)) / 2);
      return (g) => BP * ago(risk, n, g);
    }
    // ---- arb ----
    const meanAbs = this.series(`arbres ${pair}`, (h) => avg(tris.map((t) => Math.abs(t[h]!))));
    if ((m = name.match(/^tri_resid_(\d)$/))) { const t = tris[Number(m[1]) - 1]!; return (g) => t[g]!; }
    if ((m = name.match(/^tri_z_(\d)$/))) {
      const t = tris[Number(m[1]) - 1]!;
      return (g) => { const x = this.win(t, g, 60); return x ? zOf(x, 60) : NaN; };
    }
    if (name === 'triangular_arb_residual') return (g) => meanAbs[g]!;
    if (name === 'triangular_arb_zscore') return (g) => { const x = this.win(meanAbs, g, 60); return x ? zOf(x, 60) : NaN; };
    if (name === 'triangular_consistency_60min') {
      const ok = this.series(`arbok ${pair}`, (h) => {
        const mx = Math.max(...tris.map((t) => Math.abs(t[h]!)));
        return Number.isNaN(mx) ? NaN : mx <= 2 ? 1 : 0;
      });
      return (g) => { const x = this.win(ok, g, 60); return x ? meanOf(x, 60) : NaN; };
    }
    if (name === 'cross_pair_efficiency_score') {
      const sm = this.series(`arbmean ${pair}`, (h) => avg(tris.map((t) => t[h]!)));
      return (g) => (g < 60 ? NaN : 1 - Math.max(0, corrOf(this.win(sm, g, 60, 1)!, this.win(sm, g, 60)!, 60)));
    }
    // ---- corr ----
    const Bs = (p: string) => this.series(`B ${p}`, (h) => this.asof(p, 'bqx', h));
    const group = (side: string) => this.related(pair).filter((r) => r.group === side);
    const needs = (ps: string[]) => ps.every((p) => this.frames.has(p));
    if ((m = name.match(/^corr_(base|quote|cross)_pairs_(\d+)min$/))) {
      const [kind, w] = [m[1]!, Number(m[2])];
      const members = kind === 'cross' ? this.crossOf(pair).map((p) => ({ pair: p, o: 1 })) : group(kind);
      if (!needs(members.map((r) => r.pair))) return () => NaN;
      return (g) => {
        if (g < w - 1) return NaN;
        const c = (p: string) => corrOf(this.win(Bs(pair), g, w)!, this.win(Bs(p), g, w)!, w);
        return avg(members.map((r) => (kind === 'cross' ? Math.abs(c(r.pair)) : r.o * c(r.pair))));
      };
    }
    if ((m = name.match(/^corr_zscore_(base|quote)_60min$/))) {
      const side = m[1]!;
      return (g) => { const x = this.win(this.feature(pair, `corr_${side}_pairs_60min`), g, 240); return x ? zOf(x, 240) : NaN; };
    }
    if ((m = name.match(/^corr_stability_(\d+)$/))) {
      const w = Number(m[1]);
      return (g) => { const x = this.win(this.feature(pair, 'corr_base_pairs_15min'), g, w); return x ? 1 - stdOf(x, w) : NaN; };
    }
    const groupMean = (side: string, col: 'bqx' | 'w30', h: number) =>
      needs(group(side).map((r) => r.pair)) ? avg(group(side).map((r) => r.o * this.asof(r.pair, col, h))) : NaN;
    if ((m = name.match(/^relative_strength_vs_(base|quote)_pairs$/))) { const side = m[1]!; return (g) => this.asof(pair, 'bqx', g) - groupMean(side, 'bqx', g); }
    if ((m = name.match(/^(base|quote)_pair_divergence$/))) { const side = m[1]!; return (g) => this.asof(pair, 'w30', g) - groupMean(side, 'w30', g); }
    if (name === 'cross_pair_momentum_divergence') {
      const s = (p: string, g: number) => Math.sign(Bs(p)[g]! - Bs(p)[g - 1]!);
      const grp = group('base');
      return (g) => (g < 1 || !needs(grp.map((r) => r.pair)) ? NaN : s(pair, g) - avg(grp.map((r) => r.o * s(r.pair, g))));
    }
    if (name === 'pair_spread_z_score') return (g) => { const x = this.win(Bs(pair), g, 60); return x ? zOf(x, 60) : NaN; };
    if (name === 'cross_pair_volatility_ratio') {
      const rel = this.related(pair).map((r) => r.pair);
      return (g) => {
        const x = this.win(Bs(pair), g, 60);
        if (!x || !needs(rel)) return NaN;
        return stdOf(x, 60) / avg(rel.map((p) => stdOf(this.win(Bs(p), g, 60)!, 60)));
      };
    }
    if ((m = name.match(/^lead_lag_(base|quote)$/))) {
      const side = m[1]!;
      const gm = this.series(`gm ${pair} ${side}`, (h) => groupMean(side, 'bqx', h));
      return (g) => (g < 60 ? NaN : corrOf(this.win(Bs(pair), g, 60)!, this.win(gm, g, 60, 1)!, 60));
    }
    // ---- sister ----
    if ((m = name.match(/^sis(\d)_(ret_\d+|vol_30|corr_60|beta_60)$/))) {
      const s = this.related(pair).sort((a, b) => LIQUIDITY.indexOf(a.pair) - LIQUIDITY.indexOf(b.pair))[Number(m[1]) - 1]!;
      if (!this.frames.has(s.pair)) return () => NaN;
      const adj = this.series(`adj ${pair} ${s.pair}`, (h) => s.o * BP * this.ret(s.pair)[h]!);
      const ownBp = this.series(`ownbp ${pair}`, (h) => BP * this.ret(pair)[h]!);
      const what = m[2]!;
      if (what.startsWith('ret_')) { const n = Number(what.slice(4)); return (g) => s.o * BP * ago(this.lnP(s.pair), n, g); }
      if (what === 'vol_30') return (g) => { const x = this.win(adj, g, 30); return x ? stdOf(x, 30) : NaN; };
      const f = what === 'corr_60' ? corrOf : betaOf;
      return (g) => { const x = this.win(adj, g, 60); return x ? f(x, this.win(ownBp, g, 60)!, 60) : NaN; };
    }
    throw new Error(`reference: unknown feature ${name}`);
  }
}
