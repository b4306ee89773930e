// mtf (10) — clock-aligned 5- and 15-minute bars built from the pair's 1-minute rows (FEATURES.md §9).
// At row t only completed bars count: bar [T, T + TF) is complete at the row with ts = T + TF − 1 min,
// or — when that minute has no bar — at the pair's first row after it (the first row of a later bar).
import { MINUTE_MS } from '../../core/time.ts';
import { filterMemory } from '../define.ts';
import { logReturn } from '../../kernels/lag.ts';
import { rollingStd } from '../../kernels/rolling.ts';
import { rsi } from '../../kernels/ta/rsi.ts';
import type { Family, OutputColumn, PairFrame } from '../types.ts';
import { BP, crossDefs, type CrossSpec, pairFamily } from './common.ts';

const FRAMES = [5, 15] as const;
const RSI = 14;
const VOL = 12;
const COMPLETED = 'at row t, the last completed bar (complete at its last minute, or at the first row after it when that minute has no bar)';

/** Rows of history for a value that needs the last m completed bars: m bars + the current partial one. */
const rows = (tf: number, m: number) => (m + 1) * tf - 1;
const RSI_BARS = filterMemory(1 / RSI) + RSI + 1; // Wilder memory to 1e-12 plus TA-Lib's seed (the lookback)

const specs: CrossSpec[] = FRAMES.flatMap((tf): CrossSpec[] => [
  { name: `mtf${tf}_ret_1`, kernel: 'mtf_log_return', params: { tf, n: 1 }, lookback: rows(tf, 2),
    description: `Log return of the last completed ${tf}-minute close over the previous one, bp`, notes: COMPLETED },
  { name: `mtf${tf}_ret_3`, kernel: 'mtf_log_return', params: { tf, n: 3 }, lookback: rows(tf, 4),
    description: `Log return over the last 3 completed ${tf}-minute bars, bp`, notes: COMPLETED },
  { name: `mtf${tf}_range_bp`, kernel: 'mtf_range', params: { tf }, lookback: rows(tf, 1), inputs: ['high', 'low', 'close'],
    description: `(H − L) / C of the last completed ${tf}-minute bar, bp`, notes: COMPLETED },
  { name: `mtf${tf}_rsi_14`, kernel: 'rsi', params: { tf, period: RSI }, lookback: rows(tf, RSI_BARS), nanPrefix: rows(tf, RSI + 1),
    range: [0, 100] as const,
    description: `TA-Lib RSI(14) of the completed ${tf}-minute closes`, notes: `${COMPLETED}; RSI over the sequence of existing bars` },
  { name: `mtf${tf}_vol_${VOL}`, kernel: 'rolling_std', params: { tf, w: VOL }, lookback: rows(tf, VOL + 1),
    description: `Sample std of the last ${VOL} completed ${tf}-minute log returns, bp`, notes: COMPLETED },
]);
const features = crossDefs('mtf', 'cross', specs);

interface TfBars {
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  /** Per row, the index of the last bar completed at that row (−1: none yet). */
  readonly completed: Int32Array;
}

/** Aggregates rows into clock-aligned bars of tf minutes (bars exist only where rows exist). */
function timeframeBars(frame: PairFrame, tf: number): TfBars {
  const n = frame.n;
  const span = tf * MINUTE_MS;
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const completed = new Int32Array(n);
  let k = -1;
  let bucket = NaN;
  for (let t = 0; t < n; t++) {
    const ts = frame.ts[t]!;
    const b = Math.floor(ts / span);
    if (b !== bucket) {
      bucket = b;
      k++;
      high[k] = frame.high[t]!;
      low[k] = frame.low[t]!;
    } else {
      high[k] = Math.max(high[k]!, frame.high[t]!);
      low[k] = Math.min(low[k]!, frame.low[t]!);
    }
    close[k] = frame.close[t]!;
    completed[t] = ts === (b + 1) * span - MINUTE_MS ? k : k - 1;
  }
  const m = k + 1;
  return { high: high.slice(0, m), low: low.slice(0, m), close: close.slice(0, m), completed };
}

function compute(frame: PairFrame, out: OutputColumn): void {
  for (const tf of FRAMES) {
    const bars = timeframeBars(frame, tf);
    const m = bars.close.length;
    const r1 = new Float64Array(m);
    const r3 = new Float64Array(m);
    const range = bars.close.map((c, k) => (BP * (bars.high[k]! - bars.low[k]!)) / c);
    const rs = new Float64Array(m);
    const vol = new Float64Array(m);
    logReturn(bars.close, 1, r1, BP);
    logReturn(bars.close, 3, r3, BP);
    rsi(bars.close, RSI, rs);
    rollingStd(r1, VOL, 1, vol);
    const cols: [string, Float64Array][] = [
      [`mtf${tf}_ret_1`, r1], [`mtf${tf}_ret_3`, r3], [`mtf${tf}_range_bp`, range], [`mtf${tf}_rsi_14`, rs], [`mtf${tf}_vol_${VOL}`, vol],
    ];
    for (const [name, perBar] of cols) {
      const o = out(name);
      for (let t = 0; t < frame.n; t++) {
        const k = bars.completed[t]!;
        o[t] = k >= 0 ? perBar[k]! : NaN;
      }
    }
  }
}

export const mtfFamily: Family = pairFamily('mtf', 'cross', features, compute);
