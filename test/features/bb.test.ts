import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { bb } from '../../src/features/families/bb.ts';
import { moments } from '../kernels/rolling-reference.ts';
import { checkNanPrefix, checkRanges, checkTruncation, frameOf, near, run, syntheticBars, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';

const talib = createRequire(import.meta.url)('talib') as {
  execute(p: Record<string, unknown>): { begIndex: number; result: Record<string, number[]> };
};

// FEATURES.md §5.
const WINDOWS = [20, 60];
const METRICS = ['upper', 'middle', 'lower', 'bandwidth', 'percent_b'];

test('names and counts match FEATURES.md §5 (idx 10, bqx 10)', () => {
  const expected = ['idx', 'bqx'].flatMap((d) => WINDOWS.flatMap((w) => METRICS.map((m) => `bb_${d}_w${w}_${m}`)));
  assert.deepEqual(bb.features.map((f) => f.name).sort(), expected.sort());
  for (const f of bb.features) {
    const w = Number(/_w(\d+)_/.exec(f.name)![1]);
    assert.equal(f.lookback, f.domain === 'idx' ? w - 1 : w - 1 + 15, f.name);
  }
});

const frame = syntheticFrame(1000, 51);
const cols = run(bb, frame);
const SERIES = [['idx', frame.close], ['bqx', frame.bqx]] as const;

test('values equal the definition: SMA ± 2 population std, bandwidth, percent_b (two-pass reference)', () => {
  for (const [d, y] of SERIES) {
    for (const w of WINDOWS) {
      const col = (m: string) => cols.get(`bb_${d}_w${w}_${m}`)![t]!;
      let t = 0;
      for (; t < frame.n; t++) {
        const where = `${d} w${w} t${t}`;
        const v = t >= w - 1 ? Array.from(y.subarray(t - w + 1, t + 1)) : [NaN];
        if (v.some(Number.isNaN)) {
          for (const m of METRICS) assert.ok(Number.isNaN(col(m)), `${where} ${m} NaN`);
          continue;
        }
        const mo = moments(v);
        const sd = Math.sqrt(mo.m2);
        const scale = Math.max(...v) - Math.min(...v);
        near(col('middle'), mo.mean, 1e-13, `${where} middle`, scale);
        near(col('upper'), mo.mean + 2 * sd, 1e-12, `${where} upper`, scale);
        near(col('lower'), mo.mean - 2 * sd, 1e-12, `${where} lower`, scale);
        near(col('bandwidth'), d === 'idx' ? (4 * sd) / mo.mean : 4 * sd, 1e-9, `${where} bandwidth`);
        near(col('percent_b'), (y[t]! - (mo.mean - 2 * sd)) / (4 * sd), 1e-9, `${where} percent_b`, 1);
      }
    }
  }
});

test('bands agree with TA-Lib BBANDS (SMA, nbdev 2) to its own rounding', () => {
  for (const [d, y] of SERIES) {
    const from = d === 'bqx' ? 15 : 0; // TA-Lib cannot skip B's NaN prefix
    for (const w of WINDOWS) {
      const r = talib.execute({
        name: 'BBANDS', startIdx: 0, endIdx: frame.n - from - 1, inReal: Array.from(y.subarray(from)),
        optInTimePeriod: w, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0,
      });
      assert.equal(r.begIndex, w - 1);
      // TA-Lib takes σ² = E[x²] − E[x]² (its own rounding: ~1e-7 relative on σ at idx ≈ 100), so the
      // bands themselves are compared: 1e-10 of ≈ 100 still pins 2σ ≈ 0.02 to ~1e-6 (a ddof slip is 2.5 %).
      const bands = [['upper', 'outRealUpperBand'], ['middle', 'outRealMiddleBand'], ['lower', 'outRealLowerBand']] as const;
      for (const [m, key] of bands) {
        const ours = cols.get(`bb_${d}_w${w}_${m}`)!;
        const upper = cols.get(`bb_${d}_w${w}_upper`)!;
        r.result[key]!.forEach((e, i) => {
          const t = from + w - 1 + i;
          // B's bands may cross 0: on bqx the tolerance is 1e-8 of max(|band|, |upper band|)
          near(ours[t]!, e, d === 'idx' ? 1e-10 : 1e-8, `${d} w${w} ${m} t${t}`, Math.abs(upper[t]!));
        });
      }
    }
  }
});

test('NaN exactly in the first nanPrefix rows, finite after; declared ranges hold; truncation invariance', () => {
  checkNanPrefix(bb, cols);
  checkRanges(bb, cols);
  checkTruncation(bb, frame, [0, 18, 19, 33, 34, 74, 75, 600]);
});

test('flat closes: bands collapse on the middle, bandwidth 0, percent_b NaN', () => {
  const bars = syntheticBars(200, 52);
  bars.close.fill(101.5, 50, 200);
  const c = run(bb, frameOf(bars));
  for (let t = 69; t < 200; t++) {
    for (const m of ['upper', 'middle', 'lower']) assert.equal(c.get(`bb_idx_w20_${m}`)![t], 101.5);
    assert.equal(c.get('bb_idx_w20_bandwidth')![t], 0);
    assert.ok(Number.isNaN(c.get('bb_idx_w20_percent_b')![t]!));
  }
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(bb, frame, 500);
});
