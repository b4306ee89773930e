// Lookahead rows across a long gap (windows are positional, FEATURES.md §0): a partition's lookahead
// rows are the next rows of the pair however far away. A store holding two periods months apart
// (the end of January and April 2024) gives January's last rows their targets from April's bars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS } from '../../src/core/time.ts';
import { concatBars, sliceBars } from '../../src/core/types.ts';
import { loadPartitionBars } from '../../src/pipeline/inputs.ts';
import { monthsRead } from '../../src/pipeline/plan.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import { targets } from '../../src/features/families/targets.ts';
import { assertOneBlock, assertSameBars, makeBars, rng, selectBars, storeTest, withStore } from '../store/store-reference.ts';

const JAN = Date.UTC(2024, 0, 29);
const APR = Date.UTC(2024, 3, 2);
const first = makeBars(JAN, 3000, 1); // 29 Jan → 31 Jan
const second = makeBars(APR, 3000, 2);
const both = concatBars([first, second]);

storeTest('readBarsAfter: the first rows bars at or after `from`, across long holes and month boundaries', async (withStore) => {
  // a 2-day hole inside the second block too
  const b = concatBars([first, makeBars(APR, 1500, 3), makeBars(APR + 3 * DAY_MS, 1500, 4)]);
  await withStore(async (s) => {
    await s.upsertBars('USDJPY', b, 'a');
    const r = rng(5);
    const froms = [b.ts[0]!, b.ts[0]! - 1, b.ts[2999]!, b.ts[2999]! + 1, b.ts[3000]!, Date.UTC(2024, 1, 1), b.ts[5999]!, b.ts[5999]! + 1, Infinity, -Infinity];
    for (let k = 0; k < 4; k++) froms.push(b.ts[Math.floor(r() * 6000)]! + (k % 2) * 30_000);
    for (const from of froms) {
      for (const rows of [0, 1, 75, 3001, 10_000]) {
        const got = await s.readBarsAfter('USDJPY', from, rows);
        const want = selectBars(selectBars(b, (t) => t >= from), (_, i) => i < rows);
        assertSameBars(got, want, `from ${from} rows ${rows}`);
      }
    }
    assertOneBlock(await s.readBarsAfter('USDJPY', b.ts[100]!, 2500));
    assert.equal((await s.readBarsAfter('EURUSD', -Infinity, 10)).ts.length, 0, 'a pair with no bars');
    await assert.rejects(s.readBarsAfter('USDJPY', JAN, -1), /rows must be an integer/);
    await assert.rejects(s.readBarsAfter('USDJPY', NaN, 1), /must be a number/);
  });
});

test('monthsRead: the lookahead rows come from the next months with bars, however far', () => {
  const m = [
    { month: '2024-01', bars: 3000, version: 'a' },
    { month: '2024-04', bars: 50, version: 'b' },
    { month: '2024-05', bars: 900, version: 'c' },
  ];
  assert.deepEqual(monthsRead(m, '2024-01', 0, 75).map((x) => x.month), ['2024-01', '2024-04', '2024-05']);
  assert.deepEqual(monthsRead(m, '2024-01', 0, 50).map((x) => x.month), ['2024-01', '2024-04']);
  assert.deepEqual(monthsRead(m, '2024-01', 0, 0).map((x) => x.month), ['2024-01']);
  assert.deepEqual(monthsRead(m, '2024-05', 3050, 75).map((x) => x.month), ['2024-01', '2024-04', '2024-05']);
});

test('loadPartitionBars: January with 75 lookahead rows reads them from April; its last rows get their targets', async () => {
  await withStore(async (s) => {
    await s.upsertBars('EURUSD', both, 'two periods');
    const jan = await loadPartitionBars(s, 'EURUSD', '2024-01', 500, 75);
    assert.equal(jan.first, 0, 'no rows before 29 January');
    assert.equal(jan.count, 3000);
    assertSameBars(jan.bars, sliceBars(both, 0, 3075), 'January + the first 75 rows of April');
    const apr = await loadPartitionBars(s, 'EURUSD', '2024-04', 500, 75);
    assert.equal(apr.first, 500);
    assertSameBars(apr.bars, sliceBars(both, 2500, 6000), '500 January rows of history + April (no rows after)');

    // target_bqx_h75 at t = Σ_{k=1..75} (C_{t+75−k} − C_{t+75}) / C_{t+75} (FEATURES.md §10), by a plain loop.
    const frame = buildPairFrame('EURUSD', jan.bars, jan.bars.close[0]!);
    const cols = new Map<string, Float64Array>();
    targets.compute!(frame, (name) => { let c = cols.get(name); if (!c) cols.set(name, (c = new Float64Array(frame.n))); return c; }, { note: () => {}, warn: () => {} });
    const got = cols.get('target_bqx_h75')!;
    const c = both.close;
    for (let t = 3000 - 75; t < 3000; t++) {
      let want = 0;
      for (let k = 1; k <= 75; k++) want += (c[t + 75 - k]! - c[t + 75]!) / c[t + 75]!;
      // (the family computes on idx = 100·C/baseline: equal to rounding, not bit for bit)
      assert.ok(Math.abs(got[t]! - want) <= 1e-10 * Math.abs(want), `row ${t}: ${got[t]} vs ${want}`);
    }
    assert.ok(both.ts[3000]! - both.ts[2999]! > 60 * DAY_MS, 'the rows straddle a 2-month gap');
  });
});
