import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { ma } from '../../src/features/families/ma.ts';
import { filterMemory } from '../../src/features/define.ts';
import { checkNanPrefix, checkRanges, checkTruncation, frameOf, near, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';

const talib = createRequire(import.meta.url)('talib') as {
  execute(p: Record<string, unknown>): { begIndex: number; result: Record<string, number[]> };
};

// FEATURES.md §7 ma.
const WINDOWS = [5, 10, 20, 50, 100, 200];

test('names and count match FEATURES.md §7 (idx 12); lookbacks', () => {
  const expected = ['sma', 'ema'].flatMap((k) => WINDOWS.map((w) => `${k}_dist_idx_w${w}`));
  assert.deepEqual(ma.features.map((f) => f.name).sort(), expected.sort());
  for (const f of ma.features) {
    const w = Number(/_w(\d+)$/.exec(f.name)![1]);
    assert.equal(f.nanPrefix, w - 1, f.name);
    assert.equal(f.lookback, f.name.startsWith('sma') ? w - 1 : w - 1 + filterMemory(2 / (w + 1)), f.name);
  }
});

const frame = syntheticFrame(1500, 71);
const cols = run(ma, frame);
const c = frame.close;

test('sma_dist = 10⁴ (C − SMA)/SMA with SMA = the mean of the last W closes', () => {
  for (const w of WINDOWS) {
    const col = cols.get(`sma_dist_idx_w${w}`)!;
    for (let t = 0; t < frame.n; t++) {
      let s = 0;
      for (let i = t - w + 1; i <= t; i++) s += c[i]!;
      const sma = t < w - 1 ? NaN : s / w;
      // an MA ≈ 100 is known to its ulp (1.4e-14), i.e. 1.4e-12 bp: absolute floor 1e-9 × 1e-2 bp
      near(col[t]!, (1e4 * (c[t]! - sma)) / sma, 1e-9, `w${w} t${t}`, 1e-2);
    }
  }
});

test('ema_dist = 10⁴ (C − EMA)/EMA with TA-Lib EMA and with the EMA written from its definition', () => {
  for (const w of WINDOWS) {
    const col = cols.get(`ema_dist_idx_w${w}`)!;
    const r = talib.execute({ name: 'EMA', startIdx: 0, endIdx: frame.n - 1, inReal: Array.from(c), optInTimePeriod: w });
    assert.equal(r.begIndex, w - 1);
    const alpha = 2 / (w + 1);
    let e = 0;
    for (let t = 0; t < frame.n; t++) {
      if (t < w - 1) {
        assert.ok(Number.isNaN(col[t]!), `w${w} t${t} NaN`);
        continue;
      }
      if (t === w - 1) {
        e = 0;
        for (let i = 0; i < w; i++) e += c[i]! / w; // seed: SMA of the first W closes
      } else e = alpha * c[t]! + (1 - alpha) * e;
      const ta = r.result.outReal![t - (w - 1)]!;
      near(col[t]!, (1e4 * (c[t]! - ta)) / ta, 1e-9, `w${w} t${t} vs TA-Lib`, 1e-2);
      // α·x + (1 − α)·e rounds differently from TA-Lib's (x − e)·k + e over ~1/α steps (~1e-14 of the
      // EMA): floor 1e-9 bp, i.e. the EMA to 1e-13 relative
      near(col[t]!, (1e4 * (c[t]! - e)) / e, 1e-9, `w${w} t${t} vs definition`, 1);
    }
  }
});

test('NaN prefix, ranges, truncation invariance', () => {
  checkNanPrefix(ma, cols);
  checkRanges(ma, cols);
  checkTruncation(ma, frame, [0, 3, 4, 198, 199, 200, 1000]);
});

test('flat closes give exactly 0', () => {
  const bars = syntheticBars(400, 72);
  bars.close.fill(100.125);
  const f = run(ma, frameOf(bars));
  for (const col of f.values()) for (let t = 199; t < 400; t++) assert.equal(col[t], 0);
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(ma, syntheticFrame(3400, 73), 3000);
});
