import assert from 'node:assert/strict';
import { concatBars, type Bars } from '../../src/core/types.ts';
import { DAY_MS, MINUTE_MS, monthEnd, monthOf, monthStart } from '../../src/core/time.ts';
import type { Store } from '../../src/store/types.ts';
import { assertOneBlock, assertSameBars, barsOf, makeBars, referenceGaps, referenceVersion, rng, selectBars, storeTest } from './store-reference.ts';

const T0 = Date.UTC(2024, 0, 29, 0, 0);
const count = async (s: Store, where = 'true') => (await s.query(`SELECT count(*) AS n, count(DISTINCT (pair, ts)) AS d FROM bars WHERE ${where}`))[0]!;

storeTest('bars round-trip bit for bit, awkward values included, as one contiguous block', async (withStore) => {
  const awkward = [-0, 0, 5e-324, 2.2250738585072014e-308, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, 1 / 3,
    Number.EPSILON, 1.0000000000000002, 149.99999999999997, NaN, Infinity, -Infinity, 1e-300, 123456789.12345679];
  const b = makeBars(T0, 5000, 3);
  awkward.forEach((x, i) => { b.open[i] = x; b.high[i + 20] = x; b.low[i + 40] = x; b.close[i + 60] = x; b.volume[i + 80] = x; });
  await withStore(async (s) => {
    assert.deepEqual(await s.upsertBars('EURUSD', b, 'test'), { inserted: 5000, replaced: 0, unchanged: 0 });
    const back = await s.readBars('EURUSD', -Infinity, Infinity);
    assertSameBars(back, b, 'all');
    assertOneBlock(back);
    assertOneBlock(await s.readBars('EURUSD', b.ts[100]!, b.ts[200]!));
    assert.deepEqual(await s.upsertBars('EURUSD', b, 'test'), { inserted: 0, replaced: 0, unchanged: 5000 }, 'awkward values compare equal to themselves');
  });
});

storeTest('readBars: from inclusive, to exclusive, per pair, at and between bar timestamps', async (withStore) => {
  const eu = makeBars(T0, 3000, 1, 0.2); // many missing minutes, so bounds often fall between bars
  const gu = makeBars(T0, 3000, 2);
  await withStore(async (s) => {
    await s.upsertBars('EURUSD', eu, 'a');
    await s.upsertBars('GBPUSD', gu, 'a');
    const r = rng(5);
    const cuts = [-Infinity, T0 - DAY_MS, T0, T0 + 1, eu.ts[1]!, eu.ts[2999]!, eu.ts[2999]! + 1, T0 + 100 * DAY_MS, Infinity];
    for (let k = 0; k < 12; k++) cuts.push(T0 + Math.floor(r() * 4000) * MINUTE_MS + (k % 3 === 0 ? 30_000 : 0));
    for (const from of cuts) {
      for (const to of [from, from + MINUTE_MS, from + 200 * MINUTE_MS, Infinity]) {
        const got = await s.readBars('EURUSD', from, to);
        assertSameBars(got, selectBars(eu, (t) => t >= from && t < to), `EURUSD [${from}, ${to})`);
      }
    }
    assertSameBars(await s.readBars('gbp/usd', T0, Infinity), gu, 'GBPUSD by another spelling');
    assert.equal((await s.readBars('USDJPY', -Infinity, Infinity)).ts.length, 0);
    await assert.rejects(s.readBars('EURXXX', 0, 1), /unknown pair/);
    await assert.rejects(s.readBars('EURUSD', NaN, 1), /NaN/);
  });
});

storeTest('readBarsBefore: the last rows bars strictly before, across long holes and month boundaries', async (withStore) => {
  // three blocks with a 40-day hole (a month with no bars) and a 2-day hole
  const b = concatBars([makeBars(T0, 2000, 1), makeBars(T0 + 42 * DAY_MS, 3000, 2), makeBars(T0 + 47 * DAY_MS, 1500, 3)]);
  await withStore(async (s) => {
    await s.upsertBars('USDJPY', b, 'a');
    const r = rng(9);
    const befores = [b.ts[0]!, b.ts[0]! + 1, b.ts[1]!, b.ts[2000]!, b.ts[2000]! - 1, b.ts[6499]!, b.ts[6499]! + 1, Infinity, -Infinity, T0 + 60 * DAY_MS];
    for (let k = 0; k < 4; k++) befores.push(b.ts[Math.floor(r() * 6500)]! + (k % 2) * 30_000);
    for (const before of befores) {
      for (const rows of [0, 1, 2001, 4999, 10_000]) {
        const got = await s.readBarsBefore('USDJPY', before, rows);
        const all = selectBars(b, (t) => t < before);
        const want = selectBars(all, (_, i) => i >= all.ts.length - rows);
        assertSameBars(got, want, `before ${before} rows ${rows}`);
      }
    }
    assertOneBlock(await s.readBarsBefore('USDJPY', b.ts[3000]!, 2500));
    assert.equal((await s.readBarsBefore('EURUSD', Infinity, 10)).ts.length, 0, 'a pair with no bars');
    await assert.rejects(s.readBarsBefore('USDJPY', T0, -1), /rows must be an integer/);
    await assert.rejects(s.readBarsBefore('USDJPY', T0, 1.5), /rows must be an integer/);
  });
});

storeTest('upsert is idempotent and overlapping loads merge without duplicates, in either order', async (withStore) => {
  const all = makeBars(T0, 10_000, 4);
  const first = selectBars(all, (_, i) => i < 6000);
  const second = selectBars(all, (_, i) => i >= 4000);
  for (const [a, b] of [[first, second], [second, first]] as const) {
    await withStore(async (s) => {
      assert.deepEqual(await s.upsertBars('EURUSD', a, 'a'), { inserted: a.ts.length, replaced: 0, unchanged: 0 });
      assert.deepEqual(await s.upsertBars('EURUSD', a, 'a'), { inserted: 0, replaced: 0, unchanged: a.ts.length });
      assert.deepEqual(await s.upsertBars('EURUSD', b, 'b'), { inserted: b.ts.length - 2000, replaced: 0, unchanged: 2000 });
      assertSameBars(await s.readBars('EURUSD', -Infinity, Infinity), all, 'merged');
      assert.deepEqual(await count(s), { n: 10_000, d: 10_000 });
      assert.deepEqual(await s.upsertBars('EURUSD', all, 'c'), { inserted: 0, replaced: 0, unchanged: 10_000 });
      assert.deepEqual(await count(s), { n: 10_000, d: 10_000 });
    });
  }
});

storeTest('changed values are replaced in place and counted; unchanged bars are not', async (withStore) => {
  const b = makeBars(T0, 4000, 6);
  b.volume[2999] = 0;
  await withStore(async (s) => {
    await s.upsertBars('EURUSD', b, 'a');
    const edit = selectBars(b, (_, i) => i >= 1000 && i < 3000);
    const changed = [5, 6, 700, 1999];
    edit.close[5] = edit.close[5]! + 1e-5;
    edit.volume[6] = NaN;
    edit.high[700] = edit.high[700]! * (1 + 1e-15);
    edit.volume[1999] = -0; // stored +0: only the sign differs
    assert.deepEqual(await s.upsertBars('EURUSD', edit, 'b'), { inserted: 0, replaced: changed.length, unchanged: 2000 - changed.length });
    const want = concatBars([selectBars(b, (_, i) => i < 1000), edit, selectBars(b, (_, i) => i >= 3000)]);
    assertSameBars(await s.readBars('EURUSD', -Infinity, Infinity), want, 'after replace');
    assert.deepEqual(await count(s), { n: 4000, d: 4000 });
  });
});

storeTest('bar versions: sha256 of the month, changed exactly for the months an upsert touched', async (withStore) => {
  const b = selectBars(makeBars(Date.UTC(2024, 0, 20), 85_000, 8, 0.3), (_, i) => i % 4 === 0); // Jan 20 → about Apr 6, sparse
  const months = [...new Set(Array.from(b.ts, monthOf))];
  assert.deepEqual(months, ['2024-01', '2024-02', '2024-03', '2024-04']);
  const monthBars = (x: Bars, m: string) => selectBars(x, (t) => t >= monthStart(m) && t < monthEnd(m));
  await withStore(async (s) => {
    assert.equal(await s.barVersion('EURUSD', '2024-01'), '');
    await s.upsertBars('EURUSD', b, 'a');
    const v0 = new Map<string, string>();
    for (const m of months) {
      v0.set(m, await s.barVersion('EURUSD', m));
      assert.equal(v0.get(m), referenceVersion(monthBars(b, m)), m);
    }
    assert.deepEqual(await s.months('EURUSD'), months);
    assert.deepEqual(await s.monthIndex(), months.map((m) => ({ pair: 'EURUSD', month: m, bars: monthBars(b, m).ts.length, version: v0.get(m) })));
    // one value in February changes, and one new bar at the start of May
    const i = b.ts.findIndex((t) => monthOf(t) === '2024-02') + 100;
    const edit = selectBars(b, (_, k) => k === i);
    edit.low[0] = edit.low[0]! - 1e-5;
    b.low[i] = edit.low[0]!;
    assert.equal((await s.upsertBars('EURUSD', edit, 'a')).replaced, 1);
    const may = barsOf([[Date.UTC(2024, 4, 1), 1.1, 1.1, 1.1, 1.1, 0]]);
    await s.upsertBars('EURUSD', may, 'a');
    for (const m of months) {
      const v = await s.barVersion('EURUSD', m);
      assert.equal(v, referenceVersion(monthBars(b, m)), m);
      assert.equal(v !== v0.get(m), m === '2024-02', `${m} changed iff touched`);
    }
    assert.equal(await s.barVersion('EURUSD', '2024-05'), referenceVersion(may));
    assert.deepEqual(await s.months('EURUSD'), [...months, '2024-05']);
    await s.upsertBars('EURUSD', b, 'a'); // identical: nothing changes
    assert.equal(await s.barVersion('EURUSD', '2024-02'), referenceVersion(monthBars(b, '2024-02')));
    await assert.rejects(s.barVersion('EURUSD', '2024-13'), /invalid month/);
  });
});

storeTest('summary counts missing minutes (gaps of 2 min up to < 24 h) and weekend gaps (≥ 24 h) per pair', async (withStore) => {
  const m = (k: number) => T0 + k * MINUTE_MS;
  const day = 1440;
  // minutes: 0 1 2 | 4 (1 missing) | 10 (5 missing) | +1439 (1438 missing) | +1440 (weekend) | +3 days (weekend) | +1
  const at = [0, 1, 2, 4, 10, 10 + 1439, 10 + 1439 + day, 10 + 1439 + day + 3 * day, 10 + 1439 + day + 3 * day + 1];
  const b = barsOf(at.map((k) => [m(k), 1, 1, 1, 1, 0]));
  await withStore(async (s) => {
    assert.deepEqual(await s.summary(), []);
    await s.upsertBars('USDJPY', b, 'histdata:USDJPY.zip');
    await s.upsertBars('USDJPY', selectBars(b, (_, i) => i < 3), 'generate');
    await s.upsertBars('EURGBP', barsOf([[m(5), 1, 1, 1, 1, 0]]), 'one');
    await s.upsertBars('EURUSD', barsOf([[m(5), 1, 1, 1, 1, 0], [m(7), 1, 1, 1, 1, 0]]), 'two');
    await s.upsertBars('GBPUSD', barsOf([]), 'nothing'); // no bars: the pair stays absent
    // in canonical pair order (PAIR_NAMES: EURUSD before EURGBP), not alphabetical
    assert.deepEqual(await s.summary(), [
      { pair: 'EURUSD', bars: 2, first: m(5), last: m(7), missingMinutes: 1, weekendGaps: 0, sources: ['two'] },
      { pair: 'EURGBP', bars: 1, first: m(5), last: m(5), missingMinutes: 0, weekendGaps: 0, sources: ['one'] },
      { pair: 'USDJPY', bars: at.length, first: m(0), last: m(at[at.length - 1]!), missingMinutes: 1 + 5 + 1438, weekendGaps: 2,
        sources: ['generate', 'histdata:USDJPY.zip'] },
    ]);
    assert.deepEqual([...new Set((await s.monthIndex()).map((r) => r.pair))], ['EURUSD', 'EURGBP', 'USDJPY']);
  });
});

storeTest('summary after overlapping multi-month loads equals the counts over the merged series', async (withStore) => {
  const all = concatBars([makeBars(T0, 20_000, 21, 0.05), makeBars(T0 + 40 * DAY_MS, 30_000, 22, 0.1)]); // Jan 29 → Mar 31
  await withStore(async (s) => {
    await s.upsertBars('AUDJPY', selectBars(all, (_, i) => i >= 15_000), 'b');
    await s.upsertBars('AUDJPY', selectBars(all, (_, i) => i < 25_000 && i % 7 !== 3), 'a'); // leaves one-minute holes
    const have = selectBars(all, (_, i) => i >= 15_000 || i % 7 !== 3);
    const [sum] = await s.summary();
    assert.deepEqual(sum, { pair: 'AUDJPY', bars: have.ts.length, first: have.ts[0], last: have.ts[have.ts.length - 1],
      ...referenceGaps(have.ts), sources: ['a', 'b'] });
    await s.upsertBars('AUDJPY', all, 'c'); // fills the holes
    assert.deepEqual((await s.summary())[0], { pair: 'AUDJPY', bars: all.ts.length, first: all.ts[0], last: all.ts[all.ts.length - 1],
      ...referenceGaps(all.ts), sources: ['a', 'b', 'c'] });
  });
});

storeTest('bad input is rejected and leaves the store unchanged; concurrent calls run one at a time', async (withStore) => {
  const b = makeBars(T0, 2000, 10);
  await withStore(async (s) => {
    await s.upsertBars('EURUSD', b, 'a');
    const bad = selectBars(b, () => true);
    bad.ts[10] = bad.ts[9]!;
    await assert.rejects(s.upsertBars('EURUSD', bad, 'x'), /does not come after/);
    await assert.rejects(s.upsertBars('XAUUSD', b, 'x'), /unknown pair/);
    assertSameBars(await s.readBars('EURUSD', -Infinity, Infinity), b, 'unchanged');
    assert.equal((await s.summary())[0]!.sources.length, 1);
    const later = makeBars(T0 + 30 * DAY_MS, 2000, 11);
    const [u1, r1, u2, r2] = await Promise.all([
      s.upsertBars('AUDUSD', later, 'p'), s.readBars('AUDUSD', -Infinity, Infinity),
      s.upsertBars('AUDUSD', b, 'p'), s.readBars('AUDUSD', -Infinity, Infinity),
    ]);
    assert.equal((u1 as { inserted: number }).inserted + (u2 as { inserted: number }).inserted, 4000);
    assertSameBars(r1 as Bars, later, 'read after the first upsert only');
    assertSameBars(r2 as Bars, concatBars([b, later]), 'read after both');
  });
});
