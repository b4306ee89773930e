// Error-free transformation for running sums (Knuth's TwoSum, TAOCP vol. 2 §4.2.2; Ogita, Rump & Oishi,
// "Accurate sum and dot product", SIAM J. Sci. Comput. 26(6), 2005): s = fl(a + b) and the rounding
// error e with a + b = s + e exactly, without a branch. A running window sum that adds each term when it
// enters and subtracts the same (identically rounded) term when it leaves, and keeps Σ e beside it, holds
// the window's sum to about one rounding of the result — values that left the window (a level far from
// today's, before a long gap) leave no residue behind, so the value no longer depends on where the
// computation started.

/** The rounding error of s = fl(a + b): a + b − s exactly (s must be a + b as computed). */
export function twoSumError(a: number, b: number, s: number): number {
  const bv = s - a;
  return a - (s - bv) + (b - bv);
}
