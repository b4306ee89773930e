// Parabolic SAR with TA-Lib 0.6 semantics (ta_SAR.c). Initial direction from the directional movement
// between bars 0 and 1 (TA-Lib's MINUS_DM(1): short when L0 − L1 > 0 and H1 − H0 < L0 − L1, long
// otherwise, ties long); the first SAR (row 1) is L0 when long (H0 when short) and the extreme point
// EP is H1 (L1). Each row outputs the SAR computed on the previous row unless the bar penetrates it: then
// the position reverses, the SAR becomes the old EP (kept outside the previous and current bar's range),
// AF resets and EP restarts at the current bar. Otherwise EP/AF advance (AF += acceleration up to
// maximum at each new extreme) and SAR += AF·(EP − SAR), kept inside the previous and current bar's
// range. acceleration > maximum is lowered to maximum, as in TA-Lib. Lookback 1.
import { alignOutputs } from './common.ts';

/** TA-Lib SAR(H, L, acceleration, maximum) into `out` (NaN at row 0). */
export function sar(high: Float64Array, low: Float64Array, acceleration: number, maximum: number, out: Float64Array): void {
  if (!(acceleration >= 0 && maximum >= 0)) throw new RangeError('SAR acceleration and maximum must be ≥ 0');
  const n = high.length;
  if (!alignOutputs(n, 1, [low], [out])) return;
  const step = Math.min(acceleration, maximum);
  let af = step;
  const diffM = low[0]! - low[1]!;
  const diffP = high[1]! - high[0]!;
  let isLong = !(diffM > 0 && diffP < diffM);
  let ep = isLong ? high[1]! : low[1]!;
  let s = isLong ? low[0]! : high[0]!;
  let newLow = low[1]!;
  let newHigh = high[1]!;
  for (let t = 1; t < n; t++) {
    const prevLow = newLow;
    const prevHigh = newHigh;
    newLow = low[t]!;
    newHigh = high[t]!;
    if (isLong) {
      if (newLow <= s) {
        isLong = false;
        s = ep;
        if (s < prevHigh) s = prevHigh;
        if (s < newHigh) s = newHigh;
        out[t] = s;
        af = step;
        ep = newLow;
        s = s + af * (ep - s);
        if (s < prevHigh) s = prevHigh;
        if (s < newHigh) s = newHigh;
      } else {
        out[t] = s;
        if (newHigh > ep) {
          ep = newHigh;
          af += step;
          if (af > maximum) af = maximum;
        }
        s = s + af * (ep - s);
        if (s > prevLow) s = prevLow;
        if (s > newLow) s = newLow;
      }
    } else if (newHigh >= s) {
      isLong = true;
      s = ep;
      if (s > prevLow) s = prevLow;
      if (s > newLow) s = newLow;
      out[t] = s;
      af = step;
      ep = newHigh;
      s = s + af * (ep - s);
      if (s > prevLow) s = prevLow;
      if (s > newLow) s = newLow;
    } else {
      out[t] = s;
      if (newLow < ep) {
        ep = newLow;
        af += step;
        if (af > maximum) af = maximum;
      }
      s = s + af * (ep - s);
      if (s < prevHigh) s = prevHigh;
      if (s < newHigh) s = newHigh;
    }
  }
}
