// The quadratic terms the erm diagnostics read, as the reg family writes them from the shared rolling fit.
import type { QuadTerms } from '../../src/kernels/regression-diagnostics.ts';
import { rollingQuadFit } from '../../src/kernels/regression.ts';

/** reg's terms a(W−1)², b(W−1), c of the rolling fit of y over w rows. */
export function regTerms(y: Float64Array, w: number): QuadTerms {
  const n = y.length;
  const a = new Float64Array(n), b = new Float64Array(n), c = new Float64Array(n);
  rollingQuadFit(y, w, { a, b, c, fitted: new Float64Array(n), ssRes: new Float64Array(n), ssTot: new Float64Array(n) });
  for (let t = 0; t < n; t++) { a[t]! *= (w - 1) * (w - 1); b[t]! *= w - 1; }
  return { quadTerm: a, linTerm: b, constTerm: c };
}
