// Directional movement with TA-Lib 0.6 semantics (ta_ADX.c, ta_DX.c, ta_PLUS_DI.c, ta_MINUS_DI.c), all
// four outputs from one pass. Per bar: diffP = H_t − H_{t−1}, diffM = L_{t−1} − L_t; −DM1 = diffM when
// diffM > 0 and diffP < diffM, else +DM1 = diffP when diffP > 0 and diffP > diffM; TR as TRANGE.
// Wilder sums: the first period − 1 bars are added, then s = s − s/period + today (for DM and TR).
// ±DI = 100·(DM/TR) (0 where TR is TA_IS_ZERO), from row period; DX = 100·|−DI − +DI|/(−DI + +DI) from
// row period (TA-Lib's DX repeats its previous value where TR or the DI sum is zero, 0 at its first row);
// ADX = average of the DX of rows period … 2·period − 1 (zero cases count as 0), then
// adx = (adx·(period − 1) + DX)/period, skipped where TR or the DI sum is zero. Lookbacks: DI and DX
// period, ADX 2·period − 1.
import { alignOutputs, checkPeriod } from './common.ts';

/** TA-Lib's TA_EPSILON (ta_utility.h): TA_IS_ZERO(v) is −ε < v < ε. */
const TA_EPSILON = 1e-14;

export interface DmiColumns {
  readonly adx?: Float64Array;
  readonly plusDI?: Float64Array;
  readonly minusDI?: Float64Array;
  readonly dx?: Float64Array;
}

/** Rows before the first ADX value (TA-Lib ADX lookback). */
export function adxLookback(period: number): number {
  return 2 * period - 1;
}

/** Rows before the first +DI / −DI / DX value (TA-Lib lookback for period ≥ 2). */
export function diLookback(period: number): number {
  return period;
}

/** TA-Lib ADX, PLUS_DI, MINUS_DI and DX of (H, L, C, period ≥ 2); only the requested columns are written. */
export function dmi(high: Float64Array, low: Float64Array, close: Float64Array, period: number, cols: DmiColumns): void {
  checkPeriod(period, 2);
  const n = close.length;
  const { adx, plusDI, minusDI, dx } = cols;
  alignOutputs(n, adxLookback(period), [high, low], [adx]);
  if (!alignOutputs(n, period, [high, low], [plusDI, minusDI, dx])) return;
  dmiRows(high, low, close, period, adx, plusDI, minusDI, dx);
}

// The row loop, apart from the argument handling above: V8 optimises it more reliably that way (the
// true range and TA_IS_ZERO are written inline for the same reason, as TA-Lib's own TRUE_RANGE macro).
function dmiRows(high: Float64Array, low: Float64Array, close: Float64Array, period: number,
  adx: Float64Array | undefined, plusDI: Float64Array | undefined, minusDI: Float64Array | undefined, dx: Float64Array | undefined): void {
  const n = close.length;
  const adxStart = adxLookback(period);
  let plusDM = 0;
  let minusDM = 0;
  let tr = 0;
  let sumDX = 0;
  let adxValue = 0;
  let dxValue = 0; // TA-Lib's DX keeps its previous value (0 at first) where it is undefined
  let prevHigh = high[0]!;
  let prevLow = low[0]!;
  let prevClose = close[0]!;
  for (let t = 1; t < n; t++) {
    const h = high[t]!;
    const l = low[t]!;
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    // True range and ±DM1 with 0/1 factors instead of branches (exact, see common.ts).
    let range = h - l;
    const a = Math.abs(prevClose - h);
    let k = +(a > range);
    range = a * k + range * (1 - k);
    const b = Math.abs(prevClose - l);
    k = +(b > range);
    range = b * k + range * (1 - k);
    const dmMinus = diffM * (+(diffM > 0) & +(diffP < diffM));
    const dmPlus = diffP * (+(diffP > 0) & +(diffP > diffM));
    prevHigh = h;
    prevLow = l;
    prevClose = close[t]!;
    if (t < period) {
      minusDM += dmMinus;
      plusDM += dmPlus;
      tr += range;
      continue;
    }
    minusDM = minusDM - minusDM / period + dmMinus;
    plusDM = plusDM - plusDM / period + dmPlus;
    tr = tr - tr / period + range;
    let mdi = 0;
    let pdi = 0;
    let defined = false; // TR and the DI sum both non-zero: DX is defined
    if (!(-TA_EPSILON < tr && tr < TA_EPSILON)) {
      mdi = 100 * (minusDM / tr);
      pdi = 100 * (plusDM / tr);
      const s = mdi + pdi;
      if (!(-TA_EPSILON < s && s < TA_EPSILON)) {
        dxValue = 100 * (Math.abs(mdi - pdi) / s);
        defined = true;
      }
    }
    if (plusDI) plusDI[t] = pdi;
    if (minusDI) minusDI[t] = mdi;
    if (dx) dx[t] = dxValue;
    if (t < adxStart) {
      if (defined) sumDX += dxValue;
      continue;
    }
    if (t === adxStart) {
      if (defined) sumDX += dxValue;
      adxValue = sumDX / period;
    } else if (defined) {
      adxValue = (adxValue * (period - 1) + dxValue) / period;
    }
    if (adx) adx[t] = adxValue;
  }
}
