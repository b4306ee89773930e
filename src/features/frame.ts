// Builds a pair's PairFrame from its bars: the idx domain (O, H, L, C = 100 × price / baseline close,
// FEATURES.md §0), the bqx series B = w15_bqx_return, and any upstream stage outputs.
import type { Bars } from '../core/types.ts';
import { BQX_WINDOW, bqxReturn } from '../kernels/bqx.ts';
import type { PairFrame } from './types.ts';

export function buildPairFrame(pair: string, bars: Bars, baseline: number, upstream?: ReadonlyMap<string, Float64Array>): PairFrame {
  const n = bars.ts.length;
  if (!(baseline > 0)) throw new Error(`${pair}: baseline close must be positive, got ${baseline}`);
  // One buffer for the four index columns and B.
  const buf = new Float64Array(5 * n);
  const open = buf.subarray(0, n), high = buf.subarray(n, 2 * n), low = buf.subarray(2 * n, 3 * n), close = buf.subarray(3 * n, 4 * n);
  const bqx = buf.subarray(4 * n, 5 * n);
  const k = 100 / baseline;
  for (let i = 0; i < n; i++) {
    open[i] = bars.open[i]! * k;
    high[i] = bars.high[i]! * k;
    low[i] = bars.low[i]! * k;
    close[i] = bars.close[i]! * k;
  }
  bqxReturn(close, BQX_WINDOW, bqx);
  return {
    pair, n, ts: bars.ts, open, high, low, close, volume: bars.volume, bqx, rawClose: bars.close,
    upstream: (name) => {
      const col = upstream?.get(name);
      if (!col) throw new Error(`${pair}: upstream column ${name} was not loaded`);
      return col;
    },
  };
}
