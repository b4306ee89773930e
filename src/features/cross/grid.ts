// The month's union minute grid (FEATURES.md §9 "Grid"): every minute at which at least one loaded pair
// has a bar (warm-up prefixes included), with every pair's columns as-of aligned onto it (last bar with
// ts ≤ t, NaN when more than 5 minutes older) and grid results read back at each pair's own rows.
// Built once per set of frames and shared by the grid families of a unit (a WeakMap memo keyed by the
// frames map, which the families of one task share: each family is handed its own MonthInput object).
import { asofIndex, gather, gridRows, unionGrid } from '../../kernels/asof.ts';
import { PAIR_NAMES } from '../../core/currencies.ts';
import type { MonthInput, PairFrame } from '../types.ts';
import { MAX_AGE_MS } from './common.ts';

/** A column of a pair frame: a bar column or an upstream feature name. */
export type FrameColumn = 'rawClose' | 'close' | 'bqx' | (string & {});

export interface MonthGrid {
  readonly ts: Float64Array;
  readonly n: number;
  /** Loaded pairs, in canonical order. */
  readonly loaded: readonly string[];
  has(pair: string): boolean;
  frame(pair: string): PairFrame;
  /** A frame column as-of aligned onto the grid (cached). */
  aligned(pair: string, column: FrameColumn): Float64Array;
  /** ln of the aligned raw close (cached). */
  lnPrice(pair: string): Float64Array;
  /** 1-row grid log return of the raw close: lnPrice[g] − lnPrice[g − 1] (cached). */
  ret(pair: string): Float64Array;
  /** Frame row i → grid row. */
  rows(pair: string): Int32Array;
  /** out[i] = values[grid row of the pair's row i]: a grid result at the pair's own rows. */
  readBack(pair: string, values: Float64Array, out: Float64Array): void;
}

const memo = new WeakMap<MonthInput['pairs'], MonthGrid>();

export function monthGrid(input: MonthInput): MonthGrid {
  let g = memo.get(input.pairs);
  if (!g) memo.set(input.pairs, (g = buildGrid(input)));
  return g;
}

function buildGrid(input: MonthInput): MonthGrid {
  const loaded = PAIR_NAMES.filter((p) => input.pairs.has(p));
  const frames = new Map(loaded.map((p) => [p, input.pairs.get(p)!]));
  const ts = unionGrid(loaded.map((p) => frames.get(p)!.ts));
  const n = ts.length;
  const asof = new Map<string, Int32Array>();
  const rowMap = new Map<string, Int32Array>();
  const cache = new Map<string, Float64Array>();
  const frame = (pair: string): PairFrame => {
    const f = frames.get(pair);
    if (!f) throw new Error(`pair ${pair} is not loaded`);
    return f;
  };
  const cached = (key: string, make: () => Float64Array): Float64Array => {
    let v = cache.get(key);
    if (!v) cache.set(key, (v = make()));
    return v;
  };
  const asofOf = (pair: string): Int32Array => {
    let a = asof.get(pair);
    if (!a) {
      a = new Int32Array(n);
      asofIndex(frame(pair).ts, ts, MAX_AGE_MS, a);
      asof.set(pair, a);
    }
    return a;
  };
  const self: MonthGrid = {
    ts,
    n,
    loaded,
    has: (pair) => frames.has(pair),
    frame,
    aligned: (pair, column) =>
      cached(`${pair}:${column}`, () => {
        const f = frame(pair);
        const src = column === 'rawClose' ? f.rawClose : column === 'close' ? f.close : column === 'bqx' ? f.bqx : f.upstream(column);
        const out = new Float64Array(n);
        gather(src, asofOf(pair), out);
        return out;
      }),
    lnPrice: (pair) =>
      cached(`${pair}:ln`, () => self.aligned(pair, 'rawClose').map((v) => (v > 0 ? Math.log(v) : NaN))),
    ret: (pair) =>
      cached(`${pair}:ret`, () => {
        const lp = self.lnPrice(pair);
        const r = new Float64Array(n);
        r[0] = NaN;
        for (let g = 1; g < n; g++) r[g] = lp[g]! - lp[g - 1]!;
        return r;
      }),
    rows: (pair) => {
      let r = rowMap.get(pair);
      if (!r) {
        r = new Int32Array(frame(pair).n);
        gridRows(frame(pair).ts, ts, r);
        rowMap.set(pair, r);
      }
      return r;
    },
    readBack: (pair, values, out) => gather(values, self.rows(pair), out),
  };
  return self;
}
