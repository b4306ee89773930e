// The bar cache (pipeline and validation) against the pipeline's loader (loadPartitionBars, three store queries per
// partition): the same rows for any history and lookahead, each month read from the store once while cached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAR_COLUMNS } from '../../src/core/types.ts';
import { loadPartitionBars } from '../../src/pipeline/inputs.ts';
import { loadMonthIndex } from '../../src/pipeline/plan.ts';
import { BarCache } from '../../src/pipeline/bars.ts';
import { marketStore, PAIRS } from '../validate/helpers.ts';

test('bar cache: the rows loadPartitionBars reads, for any history and lookahead; each month read once', async () => {
  const { store } = await marketStore();
  try {
    const index = await loadMonthIndex(store);
    const june = index.get(PAIRS[0])!.find((m) => m.month === '2024-06')!.bars;
    const cache = new BarCache(store, index);
    const tiny = new BarCache(store, index, 1); // keeps only the month last read
    for (const pair of PAIRS) {
      for (const month of ['2024-06', '2024-07']) {
        for (const before of [0, 1, 240, june - 1, june, june + 10]) {
          for (const after of [0, 75, 40_000]) {
            const want = await loadPartitionBars(store, pair, month, before, after);
            for (const c of [cache, tiny]) {
              const got = await c.partition(pair, month, before, after);
              const what = `${pair} ${month} before ${before} after ${after}`;
              assert.deepEqual([got.first, got.count], [want.first, want.count], what);
              for (const col of BAR_COLUMNS) assert.deepEqual(got.bars[col], want.bars[col], `${what}: ${col}`);
            }
          }
        }
      }
    }
    assert.equal(cache.reads, PAIRS.length * 2);
    assert.ok(tiny.reads > cache.reads);
  } finally {
    await store.close();
  }
});

test('bar cache: a block of its own can be transferred to a worker and the cached month stays whole', async () => {
  const { store } = await marketStore();
  try {
    const cache = new BarCache(store, await loadMonthIndex(store));
    const want = await loadPartitionBars(store, PAIRS[0], '2024-06', 0, 0);
    const block = await cache.partition(PAIRS[0], '2024-06', 0, 0, true);
    const buffer = block.bars.ts.buffer as ArrayBuffer;
    structuredClone(buffer, { transfer: [buffer] }); // what postMessage does to it
    assert.equal(block.bars.ts.length, 0, 'the transferred block is detached');
    const again = await cache.partition(PAIRS[0], '2024-06', 0, 0);
    for (const col of BAR_COLUMNS) assert.deepEqual(again.bars[col], want.bars[col], col);
    assert.equal(cache.reads, 1);
  } finally {
    await store.close();
  }
});
