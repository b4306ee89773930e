// Plain O(W) reference for the rolling polynomial fits (test oracle, no sliding sums): the normal equations of
// y on [1, u, u²] with u = x − (W−1)/2 and y centred by its window mean, solved by Gaussian elimination with
// partial pivoting; residuals summed directly.
import { rng } from '../helpers/rng.ts';

export interface RefFit {
  a: number; b: number; c: number; fitted: number; ssRes: number; ssTot: number;
}

/** Fit of y over rows [end − w + 1, end]; null when the window is incomplete or holds a non-finite value. */
export function referenceFit(y: ArrayLike<number>, end: number, w: number, degree: 1 | 2): RefFit | null {
  const first = end - w + 1;
  if (first < 0) return null;
  // Mean as y_first + mean of the differences: exact (SStot = 0) for a constant window.
  let dev = 0;
  for (let i = first; i <= end; i++) {
    if (!Number.isFinite(y[i]!)) return null;
    dev += y[i]! - y[first]!;
  }
  const mean = y[first]! + dev / w;
  const xm = (w - 1) / 2;
  const k = degree + 1;
  const mat = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  for (let i = first; i <= end; i++) {
    const u = i - first - xm;
    const v = y[i]! - mean;
    const basis = [1, u, u * u].slice(0, k);
    for (let r = 0; r < k; r++) {
      for (let col = 0; col < k; col++) mat[r]![col]! += basis[r]! * basis[col]!;
      mat[r]![k]! += basis[r]! * v;
    }
  }
  const g = solve(mat);
  const g2 = degree === 2 ? g[2]! : 0;
  const at = (u: number) => mean + g[0]! + g[1]! * u + g2 * u * u;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = first; i <= end; i++) {
    const e = y[i]! - at(i - first - xm);
    ssRes += e * e;
    ssTot += (y[i]! - mean) ** 2;
  }
  return {
    a: g2,
    b: g[1]! - 2 * xm * g2,
    c: at(-xm),
    fitted: at(xm),
    ssRes,
    ssTot,
  };
}

function solve(mat: number[][]): number[] {
  const k = mat.length;
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(mat[r]![col]!) > Math.abs(mat[piv]![col]!)) piv = r;
    [mat[col], mat[piv]] = [mat[piv]!, mat[col]!];
    for (let r = col + 1; r < k; r++) {
      const f = mat[r]![col]! / mat[col]![col]!;
      for (let j = col; j <= k; j++) mat[r]![j]! -= f * mat[col]![j]!;
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let r = k - 1; r >= 0; r--) {
    let s = mat[r]![k]!;
    for (let j = r + 1; j < k; j++) s -= mat[r]![j]! * x[j]!;
    x[r] = s / mat[r]![r]!;
  }
  return x;
}

export { rng } from '../helpers/rng.ts';

/** Standard normal draws from a uniform generator (Box–Muller). */
export function gauss(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** A random walk around `level` with relative moves of size `rel` and volatility clustering. */
export function walk(n: number, level: number, rel: number, seed: number): Float64Array {
  const z = gauss(rng(seed));
  const y = new Float64Array(n);
  let v = 1;
  let x = level;
  for (let t = 0; t < n; t++) {
    v = 0.97 * v + 0.03 * (0.2 + 1.6 * Math.abs(z()));
    x *= 1 + rel * v * z();
    y[t] = x;
  }
  return y;
}
