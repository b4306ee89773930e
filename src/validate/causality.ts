// Checks (2)–(6) of the temporal-causality battery on one partition of one unit (DESIGN.md "Validation").
// Every check compares two recomputations of the unit on spans of the same loaded rows:
//  (2) truncation: span [lo, cut] vs the reference span [lo, cut + horizon] — identical at ≤ cut;
//  (3) perturbation: the reference span with every pair's rows after the cut replaced — identical at ≤ cut;
//  (6) cross-pair (month units): only the OTHER pairs' rows after the cut replaced — identical at ≤ cut;
//  (4) warm-up doubling: the month's first `window` rows with ≥ 2× the unit's warm-up vs 1×; each column
//      is compared from the row that has its own declared lookback of history inside the 1× span (warmupTolerance);
//  (5) boundary: the same long span, a continuous run over the previous month's last `boundary` rows and
//      the month's first `window` rows, vs the months computed alone — the stored lake partitions when
//      present, else (month m) the 1× span (warmupTolerance). Once per unit (battery.ts) the long span
//      starts at the data set's first row and the whole previous month is compared.
// lo = cut − warm-up − context, so every column is live well before the cut; the first cut lies in the
// month's first `window` rows and takes the 1× span of (4) as its reference span.
import { addMonths, isoMinute } from '../core/time.ts';
import type { Bars } from '../core/types.ts';
import type { FeatureDef } from '../features/types.ts';
import { Rng, seedKey } from '../io/synthetic/prng.ts';
import type { ReadColumns } from '../io/parquet.ts';
import type { Unit } from '../pipeline/units.ts';
import { firstMismatch, rowAtOrAfter } from './compare.ts';
import { cutPoints, placedCuts } from './cuts.ts';
import type { PartitionRows } from './frames.ts';
import { Recomputer, type Computed, type Spans } from './recompute.ts';
import { checkFits } from './provenance.ts';
import type { FeatureSink } from './tally.ts';
import { warmupTolerance, type CheckId } from './types.ts';

export interface BatteryOptions {
  /** Cut points per partition. */
  readonly k: number;
  readonly seed: number;
  /** Rows between a span's warm-up and its cut. */
  readonly context: number;
  /** Rows after the cut in the reference and perturbed spans (at least the lookahead + 1). */
  readonly horizon: number;
  /** Rows of the month compared by the warm-up and boundary checks. */
  readonly window: number;
  /** Rows of the previous month (after its warm-up) in the boundary check's continuous run. */
  readonly boundary: number;
  /** Also cut where rare leaks hide (cuts.ts: month end, weekend gap, refit boundary, DST change, hole). */
  readonly placed: boolean;
  /**
   * The first partition checked per unit runs (4)/(5) against a continuous run from the data set's first
   * row when it has at most this many rows before its month (memory and time grow with them); 0: never.
   */
  readonly fromStartMaxRows: number;
}

export const DEFAULT_BATTERY: BatteryOptions = { k: 2, seed: 1, context: 60, horizon: 240, window: 1_440, boundary: 1_440, placed: true, fromStartMaxRows: 100_000 };

export interface PartitionContext {
  readonly units: ReadonlyMap<string, Unit>;
  readonly opts: BatteryOptions;
  /** The stored lake output of the unit for (pair, month), or null. */
  readonly stored: (pair: string, month: string) => ReadColumns | null;
  readonly tally: FeatureSink;
  /** The rows hold the data set from its first row: the long span of (4)/(5) starts there. */
  readonly fromStart?: boolean;
}

/** FNV-1a of a string: the random stream of a partition. */
function streamOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const iso = (t: number) => isoMinute(t);

/** A cut point: the last kept instant, and the pair (6) leaves intact. */
export interface Cut { readonly t: number; readonly keep: string }

export interface CutPlan {
  /** In order of choice: the random cuts, then the placed ones not among them. */
  readonly cuts: readonly Cut[];
  /** cuts[0] lies in the month's first `window` rows: it shares the 1× span of (4) (PartitionBattery.runStart). */
  readonly first: boolean;
}

/**
 * Where a partition is cut: the first random cut in the month's first `window` rows (so that its
 * reference is the warm-up check's 1× span), the other random ones anywhere in the month, then the placed
 * ones (cuts.ts); the cuts cycle through the pairs from a random focus pair for (6). Deterministic for the seed.
 */
export function planCuts(rows: PartitionRows, opts: BatteryOptions): CutPlan {
  const pairs = [...rows.pairs.keys()];
  const label = rows.unit.kind === 'pair' ? pairs[0]! : '*';
  const rng = new Rng(seedKey(opts.seed), streamOf(`${rows.unit.name}|${label}|${rows.month}`));
  const focus = pairs[Math.floor(rng.uniform() * pairs.length)]!;
  const f = rows.pairs.get(focus)!;
  const { stop } = monthWindow(rows, opts);
  const early = stop.get(focus)! - opts.horizon;
  const first = opts.k > 0 && early > f.start;
  const random = first
    ? [...cutPoints(f.bars.ts, f.start, early, 1, rng), ...cutPoints(f.bars.ts, f.start, f.end, opts.k - 1, rng)]
    : cutPoints(f.bars.ts, f.start, f.end, opts.k, rng);
  const placed = opts.placed ? placedCuts(f.bars.ts, f.start, f.end, f.bars.ts.length).map((c) => f.bars.ts[c.row]!) : [];
  const cuts = [...random, ...placed.filter((t) => !random.includes(t))];
  return { cuts: cuts.map((t, i) => ({ t, keep: pairs[(pairs.indexOf(focus) + i) % pairs.length]! })), first };
}

/**
 * The month's first `window` rows: they end at one instant for every pair (a month unit aligns pairs by
 * time) — `stop`, one past the last compared row —; the 1× span runs from the declared warm-up before
 * the month to `lookahead` rows past `stop`, so that targets there see their future.
 */
export function monthWindow(rows: PartitionRows, opts: BatteryOptions): { once: Spans; stop: Map<string, number> } {
  const pairs = [...rows.pairs.keys()];
  const until = Math.min(...pairs.map((p) => {
    const r = rows.pairs.get(p)!;
    return r.bars.ts[Math.max(r.start, Math.min(r.start + opts.window, r.end)) - 1]! + 1;
  }));
  const stop = new Map(pairs.map((p) => [p, rowAtOrAfter(rows.pairs.get(p)!.bars.ts, until)]));
  const once = new Map(pairs.map((p) => {
    const r = rows.pairs.get(p)!;
    return [p, [Math.max(0, r.start - rows.unit.warmup), Math.min(r.bars.ts.length, stop.get(p)! + rows.unit.lookahead)] as const];
  }));
  return { once, stop };
}

export class PartitionBattery {
  private readonly unit: Unit;
  private readonly pairs: string[];
  private readonly bars: Map<string, Bars>;
  private readonly baselines: Map<string, number>;
  private readonly label: string;
  private readonly recompute: Recomputer;

  constructor(private readonly rows: PartitionRows, private readonly ctx: PartitionContext) {
    this.unit = rows.unit;
    this.pairs = [...rows.pairs.keys()];
    this.bars = new Map([...rows.pairs].map(([p, r]) => [p, r.bars]));
    this.baselines = new Map([...rows.pairs].map(([p, r]) => [p, r.baseline]));
    this.label = rows.unit.kind === 'pair' ? this.pairs[0]! : '*';
    this.recompute = new Recomputer(ctx.units, rows.month, this.baselines, this.bars);
  }

  /** A recomputation; the model fits it notes go through (7). */
  private compute(spans: Spans, bars: ReadonlyMap<string, Bars> = this.bars): Computed {
    const c = this.recompute.compute(this.unit, bars, spans);
    checkFits(c.notes, { unit: this.unit, pair: this.label, month: this.rows.month, where: 'recomputation' }, this.ctx.tally);
    return c;
  }

  /**
   * (4) and (5) on the month's first `window` rows, and (2), (3), (6) at `first` — a cut in those rows,
   * whose reference is then the warm-up check's 1× span (CutPlan.first).
   */
  runStart(first: Cut | null): void {
    const { once, stop } = monthWindow(this.rows, this.ctx.opts);
    const alone = { spans: once, computed: this.compute(once) };
    if (first) this.cut(first.t, first.keep, alone);
    this.monthStart(once, stop, alone.computed);
  }

  /** (2), (3) and, for month units, (6) at one cut, with its own reference span. */
  runCut(c: Cut): void {
    this.cut(c.t, c.keep, null);
  }

  /** The perturbations of the cut at t draw from their own random stream (jobs of one partition run apart). */
  private rngAt(t: number): Rng {
    return new Rng(seedKey(this.ctx.opts.seed), streamOf(`${this.unit.name}|${this.label}|${this.rows.month}|${t}`));
  }

  /** (2), (3) and, for month units, (6) at one cut; `keep` is the pair left intact by (6); `given`: a reference already computed. */
  private cut(t: number, keep: string, given: { spans: Spans; computed: Computed } | null): void {
    const rng = this.rngAt(t);
    const { context, horizon } = this.ctx.opts;
    const w = this.unit.warmup;
    const after = new Map(this.pairs.map((p) => [p, rowAtOrAfter(this.bars.get(p)!.ts, t + 1)]));
    const lo = (p: string) => Math.max(0, after.get(p)! - w - context);
    const hiRef = (p: string) => Math.min(this.bars.get(p)!.ts.length, after.get(p)! + Math.max(horizon, this.unit.lookahead + 1));
    const refSpans = given?.spans ?? new Map(this.pairs.map((p) => [p, [lo(p), hiRef(p)] as const]));
    const reference = given?.computed ?? this.compute(refSpans);
    const truncated = this.compute(new Map(this.pairs.map((p) => [p, [refSpans.get(p)![0], after.get(p)!] as const])));
    this.compareAtOrBefore('truncation', t, reference, truncated, refSpans, after);
    // One perturbed copy per pair, shared by (3) and (6) (so are the upstream columns computed from it).
    const changed = new Map(this.pairs.map((p) => [p, this.recompute.perturb(p, after.get(p)!, rng)]));
    this.compareAtOrBefore('perturbation', t, reference, this.compute(refSpans, changed), refSpans, after);
    if (this.unit.kind === 'month' && this.pairs.length > 1) {
      const others = new Map(this.pairs.map((p) => [p, p === keep ? this.bars.get(p)! : changed.get(p)!]));
      this.compareAtOrBefore('cross_pair', t, reference, this.compute(refSpans, others), refSpans, after, keep);
    }
  }

  private compareAtOrBefore(check: CheckId, t: number, ref: Computed, other: Computed, spans: Spans, after: Map<string, number>, kept?: string): void {
    const what = check === 'truncation' ? 'truncated after' : check === 'perturbation' ? 'rows perturbed after' : `pairs other than ${kept} perturbed after`;
    for (const c of this.unit.columns) {
      let first: { pair: string; row: number; a: number; b: number } | null = null;
      for (const p of this.pairs) {
        const [lo] = spans.get(p)!;
        const a = ref.cols.get(p)!.get(c.name)!, b = other.cols.get(p)!.get(c.name)!;
        const i = firstMismatch(a, b, 0, after.get(p)! - lo, 0);
        if (i >= 0 && (!first || this.bars.get(p)!.ts[lo + i]! < this.bars.get(first.pair)!.ts[first.row]!)) first = { pair: p, row: lo + i, a: a[i]!, b: b[i]! };
      }
      const target = c.role === 'target';
      if (!first) {
        // A target must read the future: truncation turns a value whose future rows were in the
        // reference span into NaN; identical values mean it no longer reads them. (Perturbation need not
        // change a discrete target, e.g. a direction, so only truncation is required to.)
        const readsPast = (p: string) => {
          const [lo, hi] = spans.get(p)!, a = ref.cols.get(p)!.get(c.name)!;
          if (hi - after.get(p)! < c.lookahead) return false; // the reference has no future to read either
          for (let i = Math.max(0, after.get(p)! - lo - c.lookahead); i < after.get(p)! - lo; i++) if (a[i] === a[i]) return true;
          return false; // undefined there (burn-in): nothing to cut
        };
        if (target && check === 'truncation' && this.pairs.some(readsPast)) {
          this.ctx.tally.feature(check, c.name, 'fail', { unit: this.unit.name, pair: this.pairs[0]!, month: this.rows.month, ts: iso(t),
            message: `${c.name}: ${what} ${iso(t)}, no value changes: the target does not read the ${c.lookahead} rows after t it declares` });
        } else this.ctx.tally.feature(check, c.name, 'pass');
        continue;
      }
      const at = this.bars.get(first.pair)!.ts[first.row]!;
      this.ctx.tally.feature(check, c.name, target ? 'target' : 'fail', {
        unit: this.unit.name, pair: first.pair, month: this.rows.month, ts: iso(at),
        message: `${c.name} ${first.pair}: ${what} ${iso(t)}, ${target ? 'reads the future as declared' : 'the value changes'} at ${iso(at)}: ${first.b} vs ${first.a}`,
      });
    }
  }

  /**
   * (4) and (5) on the month's first `window` rows. Both use one long span: the declared warm-up plus
   * max(warm-up, boundary) rows before the month — at least twice the warm-up for (4), and for (5) a
   * continuous run through the previous month's last `boundary` rows, each with its full warm-up.
   */
  private monthStart(once: Spans, stop: ReadonlyMap<string, number>, alone: Computed): void {
    const w = this.unit.warmup;
    const before = (p: string) => this.ctx.fromStart ? 0 : Math.max(0, this.rows.pairs.get(p)!.start - w - Math.max(w, this.ctx.opts.boundary));
    const long = new Map(this.pairs.map((p) => [p, [before(p), once.get(p)![1]] as const]));
    if (this.pairs.every((p) => once.get(p)![0] === long.get(p)![0])) return; // no earlier rows: neither applies
    const continuous = this.compute(long);
    this.warmup(once, long, stop, alone, continuous);
    this.boundary(once, long, stop, alone, continuous);
  }

  /** (4): the long span vs the declared warm-up, each column from the row with its own lookback inside the latter. */
  private warmup(once: Spans, long: Spans, stop: ReadonlyMap<string, number>, alone: Computed, doubled: Computed): void {
    for (const c of this.unit.columns) {
      // Rows are counted per pair: a month unit's value at t is compared once every pair's span has
      // the column's lookback of rows before t (their spans start at different instants).
      const since = Math.max(...this.pairs.map((p) => {
        const ts = this.bars.get(p)!.ts, lo = once.get(p)![0];
        return ts[Math.min(lo + c.lookback, stop.get(p)!, ts.length - 1)]!;
      }));
      let failed = false;
      for (const p of this.pairs) {
        const lo = once.get(p)![0];
        const to = stop.get(p)! - lo;
        const from = Math.min(to, rowAtOrAfter(this.bars.get(p)!.ts, since) - lo);
        const a = doubled.cols.get(p)!.get(c.name)!.subarray(lo - long.get(p)![0]), b = alone.cols.get(p)!.get(c.name)!;
        const i = firstMismatch(a, b, from, to, warmupTolerance(c));
        if (i < 0) continue;
        failed = true;
        const at = this.bars.get(p)!.ts[lo + i]!;
        this.ctx.tally.feature('warmup', c.name, 'fail', {
          unit: this.unit.name, pair: p, month: this.rows.month, ts: iso(at),
          message: `${c.name} ${p}: with its declared lookback ${c.lookback} (span from ${iso(this.bars.get(p)!.ts[lo]!)}) the value at ${iso(at)} is ${b[i]}, with a longer warm-up ${a[i]}`,
        });
        break;
      }
      if (!failed) this.ctx.tally.feature('warmup', c.name, 'pass');
    }
  }

  /** (5): the continuous run vs the stored months around the boundary (month m: the 1× span when not stored). */
  private boundary(once: Spans, long: Spans, stop: ReadonlyMap<string, number>, alone: Computed, continuous: Computed): void {
    const pairs = this.pairs.filter((p) => this.rows.pairs.get(p)!.prevStart !== null);
    if (pairs.length === 0) return; // no previous month: not applicable
    const failed = new Set<string>();
    const prev = addMonths(this.rows.month, -1);
    // Compared from the instant at which every pair's span holds the warm-up (month units align by time).
    const since = Math.max(...this.pairs.map((p) => {
      const ts = this.bars.get(p)!.ts, lo = long.get(p)![0];
      return ts[Math.min(lo + this.unit.warmup, ts.length - 1)]!;
    }));
    for (const p of pairs) {
      const r = this.rows.pairs.get(p)!;
      const lo = long.get(p)![0], hi = stop.get(p)!;
      // From the data's start: the whole previous month once warmed up; else its last `boundary` rows.
      const tail = this.ctx.fromStart ? r.prevStart! : r.start - this.ctx.opts.boundary;
      const from = Math.min(r.start, Math.max(r.prevStart!, tail, rowAtOrAfter(this.bars.get(p)!.ts, since)));
      const segments: { from: number; to: number; month: string; source: string; col: (c: FeatureDef) => Float64Array | undefined }[] = [];
      const storedPrev = this.aligned(p, prev, from, r.start, 'tail');
      if (storedPrev) segments.push({ from, to: r.start, month: prev, source: 'as stored', col: (c) => storedPrev.get(c.name) });
      const storedNow = this.aligned(p, this.rows.month, r.start, hi, 'head');
      const aloneLo = once.get(p)![0];
      segments.push(storedNow
        ? { from: r.start, to: hi, month: this.rows.month, source: 'as stored', col: (c) => storedNow.get(c.name) }
        : { from: r.start, to: hi, month: this.rows.month, source: 'computed alone', col: (c) => alone.cols.get(p)!.get(c.name)!.subarray(r.start - aloneLo) });
      for (const s of segments) {
        for (const c of this.unit.columns) {
          if (failed.has(c.name)) continue;
          const want = s.col(c);
          const got = continuous.cols.get(p)!.get(c.name)!.subarray(s.from - lo, s.to - lo);
          if (!want) {
            failed.add(c.name);
            this.ctx.tally.feature('boundary', c.name, 'fail', { unit: this.unit.name, pair: p, month: s.month, message: `${c.name} ${p}: the stored partition ${s.month} has no column ${c.name}` });
            continue;
          }
          const i = firstMismatch(got, want, 0, s.to - s.from, warmupTolerance(c));
          if (i < 0) continue;
          failed.add(c.name);
          const at = this.bars.get(p)!.ts[s.from + i]!;
          this.ctx.tally.feature('boundary', c.name, 'fail', {
            unit: this.unit.name, pair: p, month: s.month, ts: iso(at),
            message: `${c.name} ${p}: month ${s.month} ${s.source} has ${want[i]} at ${iso(at)}, the continuous run from ${iso(this.bars.get(p)!.ts[lo]!)} ${got[i]}`,
          });
        }
      }
    }
    for (const c of this.unit.columns) if (!failed.has(c.name)) this.ctx.tally.feature('boundary', c.name, 'pass');
  }

  /** The stored columns of (pair, month) over bars [from, to): its first (head) or last (tail) rows, when they align. */
  private aligned(pair: string, month: string, from: number, to: number, end: 'head' | 'tail'): Map<string, Float64Array> | null {
    const s = this.ctx.stored(pair, month);
    if (!s) return null;
    const ts = this.bars.get(pair)!.ts;
    const n = to - from;
    if (s.ts.length < n) return null;
    const at = end === 'head' ? 0 : s.ts.length - n;
    for (let i = 0; i < n; i++) if (s.ts[at + i] !== ts[from + i]) return null;
    return new Map([...s.columns].map(([k, v]) => [k, v.subarray(at, at + n)]));
  }
}
