// Test helper for the bqx, stat, bb, ret, ma, lag and targets families: the declared lookback is the
// warm-up that reproduces a continuous run (DESIGN.md "Warm-up"), checked feature by feature.
import assert from 'node:assert/strict';
import type { Family, PairFrame } from '../../src/features/types.ts';
import { frameOf, run } from './base-b-frame.ts';

/** Rows [from, n) of the frame as a new frame (B recomputed from those closes, as the pipeline does). */
export function tail(frame: PairFrame, from: number): PairFrame {
  const cut = (a: Float64Array) => a.slice(from);
  return frameOf({ open: cut(frame.open), high: cut(frame.high), low: cut(frame.low), close: cut(frame.close), volume: cut(frame.volume) });
}

/**
 * For every feature: computed from `lookback` rows before row s, its values at rows ≥ s equal the full
 * run's to 1e-9 of the column's magnitude; with one row fewer, the value at s is NaN where the lookback is
 * all NaN prefix (nanPrefix = lookback), so the declared lookback is also the least that works.
 */
export function checkWarmup(fam: Family, frame: PairFrame, s: number): void {
  const full = run(fam, frame);
  const byLookback = new Map<number, string[]>();
  for (const f of fam.features) byLookback.set(f.lookback, [...(byLookback.get(f.lookback) ?? []), f.name]);
  for (const [lookback, names] of byLookback) {
    assert.ok(s - lookback >= 1, `frame too short for lookback ${lookback}`);
    const part = run(fam, tail(frame, s - lookback));
    const short = run(fam, tail(frame, s - lookback + 1));
    for (const name of names) {
      const a = full.get(name)!.subarray(s);
      const b = part.get(name)!.subarray(lookback);
      const scale = a.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 0);
      for (let i = 0; i < a.length; i++) {
        const ok = Number.isNaN(a[i]!) ? Number.isNaN(b[i]!) : Math.abs(a[i]! - b[i]!) <= 1e-9 * scale;
        assert.ok(ok, `${name} at row ${s + i} with ${lookback} rows of warm-up: ${b[i]} ≠ ${a[i]}`);
      }
      const f = fam.features.find((x) => x.name === name)!;
      if (lookback > 0 && f.nanPrefix === f.lookback) assert.ok(Number.isNaN(short.get(name)![lookback - 1]!), `${name}: lookback ${lookback} is not the least`);
    }
  }
}
