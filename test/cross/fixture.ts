// Test fixtures of the cross families: a small deterministic market whose 28 pair prices are ratios of
// 8 currency values (plus optional independent noise), with controllable missing bars, stale stretches
// and a weekend; frames as the pipeline builds them (warm-up prefix, global baseline, upstream columns);
// and a runner that calls a family the way the pipeline does.
import { CURRENCIES, PAIRS } from '../../src/core/currencies.ts';
import { allocBars, sliceBars, type Bars } from '../../src/core/types.ts';
import { MINUTE_MS } from '../../src/core/time.ts';
import { bqxReturn } from '../../src/kernels/bqx.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import type { ComputeContext, Family, PairFrame } from '../../src/features/types.ts';
export { rng } from '../helpers/rng.ts';
import { rng } from '../helpers/rng.ts';

/** Currency values in USD at the start (realistic levels: EURUSD ≈ 1.08, USDJPY ≈ 150 …). */
export const START_VALUE: Record<string, number> = { EUR: 1.08, USD: 1, GBP: 1.27, JPY: 1 / 150, AUD: 0.66, NZD: 0.6, CAD: 0.73, CHF: 1.12 };


export function gauss(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

export interface MarketSpec {
  readonly start: number;
  readonly minutes: number;
  readonly seed: number;
  /** Pairs to produce (default all 28). */
  readonly pairs?: readonly string[];
  /** Std of the independent per-pair noise on ln price, bp (0 = exact ratios). */
  readonly noiseBp?: number;
  /** Probability that a pair has no bar in a minute. */
  readonly drop?: number;
  /** Minutes [from, to) (indices from start) in which a pair has no bars. */
  readonly holes?: readonly { pair: string; from: number; to: number }[];
  /** Minutes [from, to) with no bars at all (a weekend). */
  readonly closed?: { from: number; to: number };
  /** Override the currency log-values: ln v_c at minute m (default: random walks, 1 bp/min). */
  readonly logValue?: (c: number, m: number) => number;
  /** An extra ln offset of one pair's price at minute m (a mispricing). */
  readonly perturb?: (pair: string, m: number) => number;
}

/** ln v_c(m) of the default random walks (σ = 1 bp per minute, occasional 15 bp jumps). */
export function currencyPaths(spec: MarketSpec): Float64Array[] {
  const u = rng(spec.seed);
  return CURRENCIES.map((c, ci) => {
    const x = new Float64Array(spec.minutes);
    let v = Math.log(START_VALUE[c]!);
    for (let m = 0; m < spec.minutes; m++) {
      v += 1e-4 * gauss(u) + (u() < 0.003 ? 15e-4 * (u() < 0.5 ? -1 : 1) : 0);
      x[m] = spec.logValue ? spec.logValue(ci, m) : v;
    }
    return x;
  });
}

/** The market's bars: close = exp(ln v_base − ln v_quote + noise), OHLC around it. */
export function marketBars(spec: MarketSpec): Map<string, Bars> {
  const paths = currencyPaths(spec);
  const u = rng(spec.seed + 1);
  const out = new Map<string, Bars>();
  for (const p of PAIRS) {
    if (spec.pairs && !spec.pairs.includes(p.name)) continue;
    const a = paths[CURRENCIES.indexOf(p.base)]!;
    const b = paths[CURRENCIES.indexOf(p.quote)]!;
    const rows: number[] = [];
    for (let m = 0; m < spec.minutes; m++) {
      if (spec.closed && m >= spec.closed.from && m < spec.closed.to) continue;
      if (spec.holes?.some((h) => h.pair === p.name && m >= h.from && m < h.to)) continue;
      if (spec.drop && m > 0 && u() < spec.drop) continue;
      rows.push(m);
    }
    const bars = allocBars(rows.length);
    let prev = NaN;
    rows.forEach((m, i) => {
      const c = Math.exp(a[m]! - b[m]! + (spec.noiseBp ?? 0) * 1e-4 * gauss(u) + (spec.perturb?.(p.name, m) ?? 0));
      const o = prev === prev ? prev : c;
      bars.ts[i] = spec.start + m * MINUTE_MS;
      bars.open[i] = o;
      bars.close[i] = c;
      bars.high[i] = Math.max(o, c) * (1 + 2e-5 * Math.abs(gauss(u)));
      bars.low[i] = Math.min(o, c) * (1 - 2e-5 * Math.abs(gauss(u)));
      bars.volume[i] = 1 + Math.floor(50 * u());
      prev = c;
    });
    out.set(p.name, bars);
  }
  return out;
}

/** Upstream columns the cross families read, computed over a pair's whole data (then sliced). */
export function upstreamOf(bars: Bars, baseline: number): Map<string, Float64Array> {
  const n = bars.ts.length;
  const idx = bars.close.map((c) => (100 * c) / baseline);
  const w30 = new Float64Array(n);
  bqxReturn(idx, 30, w30);
  const up = new Map<string, Float64Array>([['w30_bqx_return', w30]]);
  // reg outputs: any deterministic function of the row (dual only passes them through).
  for (const w of [60, 90, 150, 240, 390, 630]) {
    for (const [d, k] of [['idx', 1], ['bqx', 2]] as const) {
      up.set(`reg_${d}_w${w}_r2`, bars.ts.map((t) => (Math.sin(t / 7e5 + w + k) + 1) / 2));
      up.set(`reg_${d}_w${w}_linear_term`, bars.ts.map((t, i) => (i % 17 === 0 ? 0 : Math.sin(t / 3e6 + w * k))));
    }
  }
  return up;
}

export { rowAtOrAfter as rowAt } from '../../src/core/types.ts';
import { rowAtOrAfter as rowAt } from '../../src/core/types.ts';

export interface FrameOptions {
  /** Partition rows: from ≤ ts < to (default: all). */
  readonly from?: number;
  readonly to?: number;
  /** Rows before `from` each pair gets (default: all earlier rows). */
  readonly warmup?: number;
  /** Baseline time (default: the first bar of the data). */
  readonly baselineAt?: number;
}

/** Pipeline-like frames: rows [from − warmup, to) of each pair, baseline of the whole data set. */
export function framesOf(bars: Map<string, Bars>, opt: FrameOptions = {}): Map<string, PairFrame> {
  const frames = new Map<string, PairFrame>();
  for (const [pair, b] of bars) {
    const base = b.close[Math.min(rowAt(b.ts, opt.baselineAt ?? -Infinity), b.ts.length - 1)]!;
    const s = rowAt(b.ts, opt.from ?? -Infinity);
    const e = rowAt(b.ts, opt.to ?? Infinity);
    const lo = Math.max(0, s - (opt.warmup ?? Infinity));
    const up = new Map([...upstreamOf(b, base)].map(([k, v]) => [k, v.slice(lo, e)]));
    frames.set(pair, buildPairFrame(pair, sliceBars(b, lo, e), base, up));
  }
  return frames;
}

export type Outputs = Map<string, Map<string, Float64Array>>;

/** Runs families on frames as the pipeline does; outputs per pair per feature over the frame's rows. */
export function runFamilies(fams: readonly Family[], frames: Map<string, PairFrame>, notes: Record<string, unknown> = {}): Outputs {
  const outputs: Outputs = new Map([...frames].map(([p]) => [p, new Map()]));
  const col = (pair: string, name: string) => {
    const m = outputs.get(pair)!;
    let c = m.get(name);
    if (!c) m.set(name, (c = new Float64Array(frames.get(pair)!.n)));
    return c;
  };
  const ctx: ComputeContext = { note: (k, v) => { notes[k] = v; }, warn: () => {} };
  for (const fam of fams) {
    if (fam.partition === 'month') fam.computeMonth!({ month: 'test', pairs: frames }, col, ctx);
    else for (const [p, f] of frames) fam.compute!(f, (name) => col(p, name), ctx);
  }
  return outputs;
}

/** Values of `name` for `pair` at the rows with from ≤ ts < to. */
export function valuesAt(out: Outputs, frames: Map<string, PairFrame>, pair: string, name: string, from = -Infinity, to = Infinity): Float64Array {
  const ts = frames.get(pair)!.ts;
  return out.get(pair)!.get(name)!.subarray(rowAt(ts, from), rowAt(ts, to));
}
