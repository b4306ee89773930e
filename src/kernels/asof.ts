// As-of alignment of several time series onto one union grid (FEATURES.md §0 "Cross-pair alignment"):
// the value of a series at grid time g is its last row with ts ≤ g, missing when that row is more than
// maxAge older than g. Pure kernels on typed arrays; timestamps strictly increasing.

/** The sorted union of strictly increasing timestamp arrays (pairwise merges, O(Σ n · k)). */
export function unionGrid(series: readonly Float64Array[]): Float64Array {
  let acc: Float64Array = new Float64Array(0);
  for (const s of series) acc = mergeUnique(acc, s);
  return acc;
}

function mergeUnique(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : Infinity;
    const y = j < b.length ? b[j]! : Infinity;
    if (x <= y) {
      out[k++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  return out.slice(0, k);
}

/**
 * out[g] = index of the last row i of `ts` with ts[i] ≤ grid[g] and grid[g] − ts[i] ≤ maxAge, else −1.
 * One merge pass: O(n + G).
 */
export function asofIndex(ts: Float64Array, grid: Float64Array, maxAge: number, out: Int32Array): void {
  if (out.length !== grid.length) throw new RangeError('asofIndex: output length ≠ grid length');
  let i = -1;
  for (let g = 0; g < grid.length; g++) {
    const t = grid[g]!;
    while (i + 1 < ts.length && ts[i + 1]! <= t) i++;
    out[g] = i >= 0 && t - ts[i]! <= maxAge ? i : -1;
  }
}

/** out[i] = the grid row whose time equals ts[i] (every ts must be on the grid). */
export function gridRows(ts: Float64Array, grid: Float64Array, out: Int32Array): void {
  if (out.length !== ts.length) throw new RangeError('gridRows: output length ≠ input length');
  let g = 0;
  for (let i = 0; i < ts.length; i++) {
    while (g < grid.length && grid[g]! < ts[i]!) g++;
    if (g === grid.length || grid[g] !== ts[i]) throw new RangeError(`gridRows: ts[${i}] = ${ts[i]} is not on the grid`);
    out[i] = g;
  }
}

/** out[k] = index[k] ≥ 0 ? src[index[k]] : NaN (aligns a column with asofIndex, or reads a grid column back). */
export function gather(src: Float64Array, index: Int32Array, out: Float64Array): void {
  if (out.length !== index.length) throw new RangeError('gather: output length ≠ index length');
  for (let k = 0; k < index.length; k++) {
    const i = index[k]!;
    out[k] = i >= 0 ? src[i]! : NaN;
  }
}
