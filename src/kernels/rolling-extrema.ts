// Rolling maximum / minimum of the last w rows and the age of the extreme (rows since it occurred), by
// a monotonic deque: O(1) amortised per row (each index enters and leaves the deque once). Window and
// NaN conventions as in rolling.ts: NaN for t < w − 1 and wherever the window holds a NaN.
import { checkArgs, fillNaN } from './rolling.ts';

/** Which of several equal extreme values in the window the age refers to. */
export type TiePolicy = 'latest' | 'earliest';

/** Output columns of rollingMax / rollingMin; pass only those you need. */
export interface ExtremeColumns {
  /** The extreme value of the window. */
  readonly value?: Float64Array;
  /** t − (row of the extreme): 0 when row t itself is the extreme, at most w − 1. */
  readonly age?: Float64Array;
}

/** Rolling maximum of the last w rows and its age; ties resolved by `ties` (default: the latest). */
export function rollingMax(x: Float64Array, w: number, cols: ExtremeColumns, ties: TiePolicy = 'latest'): void {
  rollingExtreme(x, w, cols, 1, ties);
}

/** Rolling minimum of the last w rows and its age; ties resolved by `ties` (default: the latest). */
export function rollingMin(x: Float64Array, w: number, cols: ExtremeColumns, ties: TiePolicy = 'latest'): void {
  rollingExtreme(x, w, cols, -1, ties);
}

/**
 * Deque of row indices whose values s·x are strictly decreasing from front to back ('latest': a new
 * value evicts equal ones) or non-increasing ('earliest': equal values stay behind the older one); the
 * front is the window's extreme. Ring buffer of capacity w (the deque never holds more than w rows).
 */
function rollingExtreme(x: Float64Array, w: number, cols: ExtremeColumns, s: 1 | -1, ties: TiePolicy): void {
  const { value, age } = cols;
  if (value) checkArgs(x, w, value);
  if (age) checkArgs(x, w, age);
  const n = x.length;
  const ring = new Int32Array(w);
  const evictEqual = ties === 'latest';
  let head = 0; // ring position of the front
  let size = 0;
  let lastNaN = -Infinity; // row of the latest NaN
  for (let t = 0; t < n; t++) {
    if (size > 0 && ring[head]! <= t - w) {
      head = head + 1 === w ? 0 : head + 1;
      size--;
    }
    const v = x[t]!;
    if (v !== v) {
      lastNaN = t;
    } else {
      const sv = s * v;
      while (size > 0) {
        let back = head + size - 1;
        if (back >= w) back -= w;
        const sb = s * x[ring[back]!]!;
        if (sb < sv || (evictEqual && sb === sv)) size--;
        else break;
      }
      let at = head + size;
      if (at >= w) at -= w;
      ring[at] = t;
      size++;
    }
    if (t < w - 1) continue;
    if (t - lastNaN < w || size === 0) {
      if (value) value[t] = NaN;
      if (age) age[t] = NaN;
    } else {
      const i = ring[head]!;
      if (value) value[t] = x[i]!;
      if (age) age[t] = t - i;
    }
  }
  const headRows = Math.min(w - 1, n);
  if (value) fillNaN(value, 0, headRows);
  if (age) fillNaN(age, 0, headRows);
}
