import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, MINUTE_MS, monthEnd, monthOf, monthStart } from '../../src/core/time.ts';
import { concatBars } from '../../src/core/types.ts';
import { contentVersion, foldMonths, monthStats } from '../../src/store/months.ts';
import { barsOf, makeBars, referenceGaps, referenceVersion, selectBars } from './store-reference.ts';

const T0 = Date.UTC(2024, 0, 29);

test('contentVersion is sha256 of the six columns as float64 little-endian, column after column', () => {
  const b = makeBars(T0, 1000, 7);
  b.volume[3] = NaN;
  b.open[5] = -0;
  assert.equal(contentVersion(b), referenceVersion(b));
  assert.match(contentVersion(b), /^[0-9a-f]{64}$/);
  assert.equal(contentVersion(barsOf([])), '');
  const c = selectBars(b, () => true);
  c.open[5] = 0; // only the sign of a zero differs
  assert.notEqual(contentVersion(c), contentVersion(b));
  assert.equal(contentVersion(c), referenceVersion(c));
});

test('monthStats on a hand-made month: gaps of 2 min … < 24 h miss g − 1 minutes, ≥ 24 h are weekend gaps', () => {
  const at = [0, 1, 3, 10, 10 + 1439, 10 + 1439 + 1440, 10 + 1439 + 1440 + 1441];
  const b = barsOf(at.map((k) => [T0 + k * MINUTE_MS, 1, 1, 1, 1, 0]));
  assert.deepEqual(monthStats(b), {
    version: referenceVersion(b), bars: 7, first: T0, last: T0 + at[6]! * MINUTE_MS, missingMinutes: 1 + 6 + 1438, weekendGaps: 2,
  });
});

test('folding the months of a series gives the same totals as the whole series, gaps across month ends included', () => {
  // Jan 29 → Feb 4, Mar 9 → Apr 14, May 30 → May 31 09:20, then Jun 1 02:00 (a 16 h hole across a month end)
  const b = concatBars([makeBars(T0, 9000, 1, 0.1), makeBars(T0 + 40 * DAY_MS, 50_000, 2, 0.05),
    makeBars(Date.UTC(2024, 4, 30), 2000, 3, 0), makeBars(Date.UTC(2024, 5, 1, 2), 1000, 4)]);
  const months = [...new Set(Array.from(b.ts, monthOf))];
  const stats = months.map((m) => monthStats(selectBars(b, (t) => t >= monthStart(m) && t < monthEnd(m))));
  const ref = referenceGaps(b.ts);
  assert.deepEqual(foldMonths(stats), { bars: b.ts.length, first: b.ts[0], last: b.ts[b.ts.length - 1], ...ref });
  assert.equal(ref.weekendGaps, 2, 'two ≥ 24 h holes');
  assert.ok(ref.missingMinutes > 1000, 'and many missing minutes');
  assert.deepEqual(foldMonths([]), { bars: 0, first: NaN, last: NaN, missingMinutes: 0, weekendGaps: 0 });
});
