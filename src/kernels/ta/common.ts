// Shared plumbing of the TA-Lib kernels: argument checks, the alignment of TA-Lib's outputs to input
// rows, and exact branch-free selection. TA-Lib writes its first value at outBegIdx = lookback; here every
// output column has the input's length and rows [0, lookback) hold NaN, so out[t] belongs to input row t.
// Inputs are finite (the families run the kernels on runs of finite rows).

/** Throws unless `period` is an integer ≥ min (TA-Lib's optInTimePeriod ranges). */
export function checkPeriod(period: number, min: number, what = 'period'): void {
  if (!Number.isInteger(period) || period < min) throw new RangeError(`${what} must be an integer ≥ ${min}, got ${period}`);
}

/**
 * Checks that every input and output column has length n, fills rows [0, min(lookback, n)) of the outputs
 * with NaN, and returns whether any row is left to compute (n > lookback).
 */
export function alignOutputs(n: number, lookback: number, inputs: readonly Float64Array[], outputs: readonly (Float64Array | undefined)[]): boolean {
  for (const a of inputs) if (a.length !== n) throw new RangeError(`input length ${a.length} ≠ ${n}`);
  const head = Math.min(lookback, n);
  for (const o of outputs) {
    if (!o) continue;
    if (o.length !== n) throw new RangeError(`output length ${o.length} ≠ input length ${n}`);
    o.fill(NaN, 0, head);
  }
  return n > lookback;
}

// Branch-free selection. V8 compiles comparisons of doubles (ternaries, Math.max) to branches, which
// mispredict on noisy prices and cost more than the arithmetic around them (measured: a true range 4×
// slower). A comparison turned into 0/1 and used as a factor does not branch, and is exact for finite
// values: a·1 + b·0 = a, a·0 + b·1 = b (an added signed zero changes nothing). Write it inline or in a
// helper private to one kernel: V8's type feedback is per function, and helpers (and imported
// constants) in a hot loop shared by several kernels made ADX 2.5× slower in some runs.
