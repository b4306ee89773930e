// Causality and partition invariance of every cross feature (DESIGN.md "Validation"):
// (a) partition: a partition computed alone, with its unit's declared warm-up, equals one continuous run
//     (≤ 1e-9 relative: running sums are re-anchored at a different row);
// (b) truncation: recomputing on rows ≤ t gives identical values at ≤ t;
// (c) cross-pair alignment: changing, dropping or adding OTHER pairs' bars after t leaves every value
//     of a pair at its rows ≤ t unchanged (no bar of another pair newer than t is ever read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceBars, type Bars } from '../../src/core/types.ts';
import { MINUTE_MS } from '../../src/core/time.ts';
import { CROSS_FAMILIES } from '../../src/features/cross/index.ts';
import type { Family } from '../../src/features/types.ts';
import { firstMismatch } from '../helpers/compare.ts';
import { framesOf, gauss, marketBars, rng, rowAt, runFamilies, valuesAt, type Outputs } from './fixture.ts';

/** Families grouped as the pipeline's units: one warm-up per stage and partition kind. */
const UNITS = [...new Set(CROSS_FAMILIES.map((f) => `${f.stage}/${f.partition}`))].map((key) => {
  const fams = CROSS_FAMILIES.filter((f) => `${f.stage}/${f.partition}` === key);
  return { key, fams, warmup: Math.max(...fams.flatMap((f) => f.features.map((d) => d.lookback))) };
});

interface Case { bars: Map<string, Bars>; split: number; cuts: number[]; checked: string[] }

// Grid families: 28 pairs, noise, missing bars, a stale stretch, a weekend with a late reopen.
const S0 = Date.UTC(2024, 6, 5, 14, 0);
const gridCase: Case = {
  bars: marketBars({ start: S0, minutes: 3600 + 800, seed: 41, noiseBp: 0.5, drop: 0.03, closed: { from: 420, to: 3300 },
    holes: [{ pair: 'AUDNZD', from: 3300, to: 3306 }, { pair: 'USDCHF', from: 3500, to: 3530 }] }),
  split: S0 + 3420 * MINUTE_MS,
  cuts: [S0 + 300 * MINUTE_MS, S0 + 3301 * MINUTE_MS, S0 + 3650 * MINUTE_MS],
  checked: ['EURUSD', 'AUDNZD', 'USDCHF', 'NZDJPY'],
};
// Per-pair families: their warm-up is 10,080 rows (time), so two pairs over ~9 trading days.
const S1 = Date.UTC(2024, 6, 1, 0, 0);
const pairCase: Case = {
  bars: marketBars({ start: S1, minutes: 15600, seed: 43, drop: 0.02, closed: { from: 6660, to: 9540 }, pairs: ['EURUSD', 'USDJPY'] }),
  split: S1 + 14400 * MINUTE_MS,
  cuts: [S1 + 11000 * MINUTE_MS, S1 + 15345 * MINUTE_MS],
  checked: ['EURUSD', 'USDJPY'],
};

function compare(fams: readonly Family[], a: Outputs, aFrames: ReturnType<typeof framesOf>, b: Outputs, bFrames: ReturnType<typeof framesOf>,
  pairs: string[], from: number, to: number, rel: number, what: string, requireValues = true): void {
  for (const pair of pairs) {
    for (const f of fams.flatMap((x) => x.features)) {
      const x = valuesAt(a, aFrames, pair, f.name, from, to);
      const y = valuesAt(b, bFrames, pair, f.name, from, to);
      assert.equal(x.length, y.length, `${f.name} ${pair}: rows`);
      const i = firstMismatch(x, y, rel);
      assert.equal(i, -1, `${what}: ${f.name} ${pair} differs at row ${i}: ${y[i]} vs ${x[i]}`);
      if (requireValues) assert.ok(x.some(Number.isFinite), `${what}: ${f.name} ${pair} has no value in the compared rows`);
    }
  }
}

/** Other pairs' bars after t: prices moved, 10 % of the bars dropped, bars added in the weekend gap. */
function perturbAfter(bars: Map<string, Bars>, keep: string, t: number, seed: number): Map<string, Bars> {
  const u = rng(seed);
  return new Map([...bars].map(([pair, b]) => {
    if (pair === keep) return [pair, b];
    const cut = rowAt(b.ts, t + 1);
    const rows: number[] = [];
    for (let i = 0; i < b.ts.length; i++) if (i < cut || u() > 0.1) rows.push(i);
    const ts = rows.map((i) => b.ts[i]!);
    const extra = t + 3 * MINUTE_MS + 0.5 * MINUTE_MS; // an off-minute bar right after t
    const all = [...ts.map((v, k) => [v, rows[k]!] as const), ...(ts.includes(extra) ? [] : [[extra, cut] as const])].sort((x, y) => x[0] - y[0]);
    const nb = { ts: new Float64Array(all.length), open: new Float64Array(all.length), high: new Float64Array(all.length),
      low: new Float64Array(all.length), close: new Float64Array(all.length), volume: new Float64Array(all.length) };
    all.forEach(([v, i], k) => {
      const s = v > t ? 1 + 2e-3 * gauss(u) : 1;
      const j = Math.min(i, b.ts.length - 1);
      nb.ts[k] = v;
      nb.open[k] = b.open[j]! * s;
      nb.high[k] = b.high[j]! * s * 1.001;
      nb.low[k] = b.low[j]! * s * 0.999;
      nb.close[k] = b.close[j]! * s;
      nb.volume[k] = b.volume[j]!;
    });
    return [pair, nb];
  }));
}

for (const unit of UNITS) {
  const c = unit.key.endsWith('/month') ? gridCase : pairCase;
  const full = framesOf(c.bars);
  const continuous = runFamilies(unit.fams, full);
  const label = `${unit.key} (${unit.fams.map((f) => f.name).join(', ')})`;

  test(`${label}: partition alone with ${unit.warmup} warm-up rows equals the continuous run`, () => {
    const alone = framesOf(c.bars, { from: c.split, warmup: unit.warmup });
    for (const p of c.checked) assert.ok(alone.get(p)!.ts[0]! > full.get(p)!.ts[0]!, `${p}: the partition's frame starts after the data`);
    compare(unit.fams, continuous, full, runFamilies(unit.fams, alone), alone, c.checked, c.split, Infinity, 1e-9, 'partition');
  });

  test(`${label}: truncation at ${c.cuts.length} cut points leaves values at ≤ t identical`, () => {
    for (const cut of c.cuts) {
      const part = framesOf(new Map([...c.bars].map(([p, b]) => [p, sliceBars(b, 0, rowAt(b.ts, cut + 1))])));
      compare(unit.fams, continuous, full, runFamilies(unit.fams, part), part, c.checked, -Infinity, cut + 1, 0, `cut ${new Date(cut).toISOString()}`,
        cut === c.cuts[c.cuts.length - 1]);
    }
  });

  if (unit.key.endsWith('/month')) {
    test(`${label}: other pairs' bars after t (moved, dropped, added) never change a pair's values at ≤ t`, () => {
      for (const pair of ['EURUSD', 'AUDNZD']) {
        const t = c.cuts[2]!;
        const moved = framesOf(perturbAfter(c.bars, pair, t, 7));
        const out = runFamilies(unit.fams, moved);
        compare(unit.fams, continuous, full, out, moved, [pair], -Infinity, t + 1, 0, `future of others after ${new Date(t).toISOString()}`);
        // The perturbation is real: later values of the pair do change.
        const later = unit.fams.flatMap((f) => f.features).some((f) =>
          firstMismatch(valuesAt(continuous, full, pair, f.name, t + 1), valuesAt(out, moved, pair, f.name, t + 1), 0) !== -1);
        assert.ok(later, 'values after t do depend on the perturbed bars');
      }
    });
  }
}
