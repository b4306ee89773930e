// "Different data after t" for the future-perturbation checks: the rows after a cut are replaced by a
// deterministic random walk that continues from the close at the cut, on the same timestamps.
import { allocBars, BAR_COLUMNS, type Bars } from '../core/types.ts';
import { Rng } from '../io/synthetic/prng.ts';

/** Rows before the first perturbed row whose returns set the random walk's volatility. */
export const VOLATILITY_ROWS = 1_440;

/** Sample std of 1-row log returns of close over rows (to − n, to], or 1e-4 when undefined or zero. */
function recentVolatility(close: Float64Array, to: number, n: number): number {
  let s = 0, ss = 0, m = 0;
  for (let i = Math.max(1, to - n + 1); i <= to; i++) {
    const r = Math.log(close[i]! / close[i - 1]!);
    if (!Number.isFinite(r)) continue;
    s += r; ss += r * r; m++;
  }
  const v = m > 1 ? (ss - (s * s) / m) / (m - 1) : 0;
  return v > 0 ? Math.sqrt(v) : 1e-4;
}

/**
 * A copy of `bars` whose rows from `from` on are a random walk (log returns N(0, σ²), σ = the last day's
 * 1-minute volatility) starting at close[from − 1]; open = the previous close, high/low a half-σ
 * excursion beyond the body, volume a random count. Timestamps are kept.
 */
export function perturbFrom(bars: Bars, from: number, rng: Rng): Bars {
  const n = bars.ts.length;
  const out = allocBars(n);
  for (const c of BAR_COLUMNS) out[c].set(bars[c]);
  if (from >= n) return out;
  const start = Math.max(0, from);
  const sigma = recentVolatility(bars.close, start - 1, VOLATILITY_ROWS);
  let prev = start > 0 ? bars.close[start - 1]! : bars.open[0]!;
  for (let i = start; i < n; i++) {
    const open = prev;
    const close = open * Math.exp(sigma * rng.normal());
    out.open[i] = open;
    out.close[i] = close;
    out.high[i] = Math.max(open, close) * Math.exp(0.5 * sigma * Math.abs(rng.normal()));
    out.low[i] = Math.min(open, close) * Math.exp(-0.5 * sigma * Math.abs(rng.normal()));
    out.volume[i] = 1 + Math.floor(100 * rng.uniform());
    prev = close;
  }
  return out;
}
