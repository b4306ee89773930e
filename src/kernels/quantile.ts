// Quantiles of a sample without sorting it: the order statistics they interpolate, found by selection.

/**
 * The p-quantile of values, linear interpolation between order statistics (numpy's default): the same
 * order statistics as in the sorted array, found by selection (O(n)) instead of a sort. Reorders values.
 */
export function quantile(values: Float64Array, p: number): number {
  const h = (values.length - 1) * p;
  const lo = Math.floor(h);
  select(values, lo);
  const at = values[lo]!;
  let next = at; // order statistic lo + 1: the least of the values after lo (none is below values[lo])
  if (lo + 1 < values.length) {
    next = values[lo + 1]!;
    for (let i = lo + 2; i < values.length; i++) if (values[i]! < next) next = values[i]!;
  }
  return at + (h - lo) * (next - at);
}

/**
 * Hoare's selection: reorders a (no NaN) so that a[k] holds the value that sorting would put there, with
 * none above it before k and none below it after.
 */
function select(a: Float64Array, k: number): void {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const x = a[lo]!, y = a[(lo + hi) >> 1]!, z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y; // median of three
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const v = a[i]!;
        a[i++] = a[j]!;
        a[j--] = v;
      }
    }
    if (k <= j) hi = j; // a[lo..j] ≤ pivot ≤ a[i..hi], and a[j+1..i−1] = pivot
    else if (k >= i) lo = i;
    else return;
  }
}
