// Money Flow Index after TA-Lib 0.6 (ta_MFI.c): typical price TP = (H + L + C)/3, money flow = TP·V,
// positive when TP rose from the previous bar, negative when it fell, neither when unchanged;
// MFI = 100·(Σpos/(Σpos + Σneg)) over the last `period` flows (rows t − period + 1 … t). Lookback = period.
// Deviations (FEATURES.md §4), both tested as such:
// - TA-Lib returns 0 where Σpos + Σneg < 1 (e.g. a window without volume); here the value is NaN.
// - flow 'volume' (the bqx domain, where prices cross zero): the money flow of a bar is its volume
//   alone, and the change of the (single) price series only decides its sign.
// The running sums are re-summed exactly every `period` rows and clamped at 0 (rounding could leave
// −ulp where the true sum is 0), so MFI stays within [0, 100].
import { alignOutputs, checkPeriod } from './common.ts';

export type MoneyFlow = 'typical-price' | 'volume';

/** Rows before the first MFI value (TA-Lib MFI lookback). */
export function mfiLookback(period: number): number {
  return period;
}

/** MFI(H, L, C, V, period) into `out` (NaN for t < period); see the deviations above. With flow
 * 'volume', `close` decides the direction (H and L are not read). */
export function mfi(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, period: number, out: Float64Array, flow: MoneyFlow = 'typical-price'): void {
  checkPeriod(period, 2);
  const n = close.length;
  if (!alignOutputs(n, period, [high, low, volume], [out])) return;
  const byVolume = flow === 'volume';
  const posRing = new Float64Array(period); // flow of row r ≥ 1 in slot (r − 1) mod period
  const negRing = new Float64Array(period);
  let pos = 0;
  let neg = 0;
  let prev = byVolume ? close[0]! : (high[0]! + low[0]! + close[0]!) / 3;
  let slot = 0;
  for (let t = 1; t < n; t++) {
    const price = byVolume ? close[t]! : (high[t]! + low[t]! + close[t]!) / 3;
    const d = price - prev;
    prev = price;
    const f = byVolume ? volume[t]! : price * volume[t]!;
    pos -= posRing[slot]!;
    neg -= negRing[slot]!;
    posRing[slot] = f * +(d > 0); // branch-free selection, exact (see common.ts)
    negRing[slot] = f * +(d < 0);
    pos += posRing[slot]!;
    neg += negRing[slot]!;
    if (++slot === period) {
      slot = 0;
      pos = ringSum(posRing);
      neg = ringSum(negRing);
    }
    if (t < period) continue;
    const p = pos > 0 ? pos : 0;
    const s = p + (neg > 0 ? neg : 0);
    out[t] = s < 1 ? NaN : 100 * (p / s);
  }
}

/** Sum of a full ring whose slot 0 holds its oldest row (time order). */
function ringSum(ring: Float64Array): number {
  let s = 0;
  for (let j = 0; j < ring.length; j++) s += ring[j]!;
  return s;
}
