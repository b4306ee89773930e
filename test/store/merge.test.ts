import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BAR_COLUMNS, type Bars } from '../../src/core/types.ts';
import { MINUTE_MS, monthOf } from '../../src/core/time.ts';
import { checkBars, diffBars, mergeBars, rangeOf } from '../../src/store/merge.ts';
import { assertSameBars, barsOf, makeBars, rng, selectBars } from './store-reference.ts';

const T0 = Date.UTC(2024, 0, 31, 20, 0); // close to a month end, so that cases span two months

test('checkBars accepts well-formed blocks and rejects each kind of defect', () => {
  checkBars(makeBars(T0, 100, 1));
  checkBars(barsOf([]));
  const bad: [string, Bars, RegExp][] = [
    ['duplicate', barsOf([[T0, 1, 1, 1, 1, 0], [T0, 1, 1, 1, 1, 0]]), /does not come after/],
    ['decreasing', barsOf([[T0, 1, 1, 1, 1, 0], [T0 - MINUTE_MS, 1, 1, 1, 1, 0]]), /does not come after/],
    ['off-minute', barsOf([[T0 + 1, 1, 1, 1, 1, 0]]), /whole minute/],
    ['NaN ts', barsOf([[NaN, 1, 1, 1, 1, 0]]), /whole minute/],
    ['infinite ts', barsOf([[Infinity, 1, 1, 1, 1, 0]]), /whole minute/],
    ['year 10000', barsOf([[Date.UTC(10000, 0, 1), 1, 1, 1, 1, 0]]), /outside the years/],
    ['year 999', barsOf([[Date.UTC(999, 11, 31, 23, 59), 1, 1, 1, 1, 0]]), /outside the years/],
  ];
  for (const [label, b, re] of bad) assert.throws(() => checkBars(b), re, label);
  const short = { ...makeBars(T0, 3, 1), volume: new Float64Array(2) };
  assert.throws(() => checkBars(short), /column volume has 2 values/);
});

const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0]!;
const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || bits(a) === bits(b);

/** Reference diff: a lookup by timestamp and a value-by-value bit comparison. */
function referenceDiff(stored: Bars, incoming: Bars) {
  const at = new Map<number, number>();
  stored.ts.forEach((t, j) => at.set(t, j));
  const kind = Array.from(incoming.ts, (t, i) => {
    const j = at.get(t);
    if (j === undefined) return 'inserted';
    return BAR_COLUMNS.every((c) => same(incoming[c][i]!, stored[c][j]!)) ? 'unchanged' : 'replaced';
  });
  const changed = selectBars(incoming, (_, i) => kind[i] !== 'unchanged');
  const tally = (k: string) => kind.filter((x) => x === k).length;
  const months = [...new Set(Array.from(changed.ts, monthOf))];
  return { changed, inserted: tally('inserted'), replaced: tally('replaced'), unchanged: tally('unchanged'), months };
}

test('diffBars classifies every incoming bar like a lookup by timestamp (random overlaps and edits)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const r = rng(seed);
    const all = makeBars(T0, 600, seed, 0.05);
    const stored = selectBars(all, () => r() < 0.6);
    const incoming = selectBars(all, () => r() < 0.6);
    // edits of incoming values: ordinary changes, −0 for +0, NaN for a number and back
    for (let i = 0; i < incoming.ts.length; i++) {
      const u = r();
      if (u < 0.05) incoming.close[i] = incoming.close[i]! + 1e-5;
      else if (u < 0.07) incoming.volume[i] = incoming.volume[i] === 0 ? -0 : NaN;
    }
    for (let j = 0; j < stored.ts.length; j++) if (r() < 0.02) stored.volume[j] = NaN;
    const got = diffBars(stored, incoming);
    const want = referenceDiff(stored, incoming);
    assertSameBars(got.changed, want.changed, `seed ${seed} changed`);
    assert.deepEqual([got.inserted, got.replaced, got.unchanged], [want.inserted, want.replaced, want.unchanged], `seed ${seed} counts`);
    assert.deepEqual(got.months, want.months, `seed ${seed} months`);
  }
});

test('mergeBars lays incoming bars over stored ones like a map by timestamp; rangeOf selects [from, to)', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = rng(100 + seed);
    const all = makeBars(T0, 800, seed, 0.05);
    const stored = selectBars(all, () => r() < 0.5);
    const incoming = selectBars(all, () => r() < 0.5);
    for (let i = 0; i < incoming.ts.length; i++) incoming.open[i] = incoming.open[i]! + 1; // tell them apart
    const byTs = new Map<number, number[]>();
    for (const src of [stored, incoming]) {
      src.ts.forEach((t, i) => byTs.set(t, BAR_COLUMNS.map((c) => src[c][i]!)));
    }
    const rows = [...byTs.values()].sort((a, b) => a[0]! - b[0]!);
    const want = barsOf(rows);
    const merged = mergeBars(stored, incoming);
    assertSameBars(merged, want, `seed ${seed} merge`);
    for (const [from, to] of [[-Infinity, Infinity], [all.ts[100]!, all.ts[300]!], [all.ts[5]! + 1, all.ts[6]!], [T0 - 1, T0]]) {
      assertSameBars(rangeOf(merged, from!, to!), selectBars(want, (t) => t >= from! && t < to!), `seed ${seed} range`);
    }
  }
});

test('diffBars: NaN equals NaN, −0 differs from +0, and an empty side is handled', () => {
  const a = barsOf([[T0, 1, 1, 1, 1, NaN], [T0 + MINUTE_MS, 1, 1, 1, 1, 0]]);
  const b = barsOf([[T0, 1, 1, 1, 1, NaN], [T0 + MINUTE_MS, 1, 1, 1, 1, -0]]);
  const d = diffBars(a, b);
  assert.deepEqual([d.inserted, d.replaced, d.unchanged, d.changed.ts.length], [0, 1, 1, 1]);
  assert.ok(Object.is(d.changed.volume[0], -0));
  const fresh = diffBars(barsOf([]), b);
  assert.deepEqual([fresh.inserted, fresh.replaced, fresh.unchanged], [2, 0, 0]);
  assert.deepEqual(fresh.months, ['2024-01']);
  const none = diffBars(a, barsOf([]));
  assert.deepEqual([none.changed.ts.length, none.months], [0, []]);
});
