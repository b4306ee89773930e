import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { lag } from '../../src/features/families/lag.ts';
import { ret } from '../../src/features/families/ret.ts';
import { bqx } from '../../src/features/families/bqx.ts';
import { checkNanPrefix, checkRanges, checkTruncation, near, run, syntheticFrame } from './base-b-frame.ts';
import { checkWarmup } from './base-a-frame.ts';

const talib = createRequire(import.meta.url)('talib') as {
  execute(p: Record<string, unknown>): { begIndex: number; result: Record<string, number[]> };
};

// FEATURES.md §7 lag (idx) and §8 (bqx).
const LAGS = [60, 120, 180];
const SOURCES = { ret_idx_r60: 'idx', rsi_idx_w60: 'idx', w60_bqx_return: 'bqx', agg_bqx_return: 'bqx' } as const;

test('names and counts match FEATURES.md §7 lag (idx 6) and §8 (bqx 6)', () => {
  const expected = Object.keys(SOURCES).flatMap((s) => LAGS.map((l) => `${s}_lag${l}`));
  assert.deepEqual(lag.features.map((f) => f.name).sort(), expected.sort());
  for (const f of lag.features) {
    const source = f.name.replace(/_lag\d+$/, '') as keyof typeof SOURCES;
    const l = Number(/_lag(\d+)$/.exec(f.name)![1]);
    assert.equal(f.domain, SOURCES[source], f.name);
    const prefix = { ret_idx_r60: 60, rsi_idx_w60: 60, w60_bqx_return: 60, agg_bqx_return: 75 }[source];
    assert.equal(f.nanPrefix, prefix + l, f.name);
    assert.ok(f.lookback >= f.nanPrefix, f.name);
  }
});

const frame = syntheticFrame(1200, 81);
const cols = run(lag, frame);

test('each lag equals its source feature L rows earlier (bit for bit) and the source’s definition', () => {
  const sources = { ...Object.fromEntries(run(ret, frame)), ...Object.fromEntries(run(bqx, frame)) };
  const rsi = talib.execute({ name: 'RSI', startIdx: 0, endIdx: frame.n - 1, inReal: Array.from(frame.close), optInTimePeriod: 60 });
  assert.equal(rsi.begIndex, 60);
  const c = frame.close;
  for (const l of LAGS) {
    for (let t = 0; t < frame.n; t++) {
      const s = t - l;
      const at = (name: string) => (s >= 0 ? sources[name]![s]! : NaN);
      const got = (name: string) => cols.get(`${name}_lag${l}`)![t]!;
      assert.equal(got('ret_idx_r60'), at('ret_idx_r60'), `ret lag${l} t${t}`);
      assert.equal(got('w60_bqx_return'), at('w60_bqx_return'), `w60 lag${l} t${t}`);
      assert.equal(got('agg_bqx_return'), at('agg_bqx_return'), `agg lag${l} t${t}`);
      near(got('ret_idx_r60'), s >= 60 ? 1e4 * Math.log(c[s]! / c[s - 60]!) : NaN, 1e-9, `ret def lag${l} t${t}`, 1e-2);
      near(got('rsi_idx_w60'), s >= 60 ? rsi.result.outReal![s - 60]! : NaN, 1e-9, `rsi lag${l} t${t}`);
    }
  }
});

test('NaN prefix, RSI range, truncation invariance', () => {
  checkNanPrefix(lag, cols);
  checkRanges(lag, cols);
  checkTruncation(lag, frame, [0, 59, 60, 119, 120, 239, 240, 255, 256, 900]);
});

test('declared lookback is the warm-up that reproduces a continuous run (1e-9), and the least', () => {
  checkWarmup(lag, syntheticFrame(2500, 82), 2100);
});
