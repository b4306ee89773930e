// The battery's placed cut points against hand-built calendars: DST dates of 2017 and 2024 from the
// published calendars, Saturday boundaries, and the rows chosen in a small hand-made month.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dstChanges, nextSaturday, placedCuts } from '../../src/validate/cuts.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);

test('daylight-saving changes: US and EU dates of 2017 and 2024 as published', () => {
  assert.deepEqual(dstChanges(2017).map(iso), ['2017-03-12T07:00', '2017-03-26T01:00', '2017-10-29T01:00', '2017-11-05T06:00']);
  assert.deepEqual(dstChanges(2024).map(iso), ['2024-03-10T07:00', '2024-03-31T01:00', '2024-10-27T01:00', '2024-11-03T06:00']);
});

test('nextSaturday: the first Saturday 00:00 UTC strictly after the instant', () => {
  assert.equal(iso(nextSaturday(Date.UTC(2017, 0, 2, 21, 42))), '2017-01-07T00:00'); // a Monday
  assert.equal(iso(nextSaturday(Date.UTC(2017, 0, 7))), '2017-01-14T00:00'); // a Saturday 00:00 itself
  assert.equal(iso(nextSaturday(Date.UTC(2017, 0, 6, 23, 59))), '2017-01-07T00:00');
});

test('placed cuts in a hand-made March 2017: month end, weekend, refit boundary, DST change, hole', () => {
  const m = (d: number, h: number, mi: number) => Date.UTC(2017, 2, d, h, mi);
  const ts = Float64Array.from([
    m(1, 0, 0), m(1, 0, 1), m(1, 0, 5), // rows 0–2: a hole of 4 minutes before row 2
    m(10, 21, 58), m(10, 21, 59), // rows 3–4: Friday 10 March, the last bars before the weekend
    m(12, 21, 0), m(12, 21, 1), // rows 5–6: Sunday open (after the US DST change 2017-03-12T07:00Z)
    m(31, 20, 59), // row 7: the month's last bar
    Date.UTC(2017, 3, 2, 21, 0), // row 8: April, a lookahead row
  ]);
  const cuts = placedCuts(ts, 0, 8, 9);
  // The first weekend gap is 1 March 00:05 → 10 March (9 days), and it holds the first Saturday 00:00
  // (4 March), so the refit-boundary rows are the same rows 2 and 3; the US DST change gives row 5.
  assert.deepEqual(cuts.map((c) => [c.row, c.why]), [
    [1, 'the last bar before a missing-minute hole'],
    [2, 'the last bar before a weekend gap'],
    [3, 'the first bar after a weekend gap'],
    [5, 'the first bar after a daylight-saving change'],
    [7, 'the last bar of the month'],
  ]);
  // Without lookahead rows loaded the month-end cut moves back one row.
  assert.deepEqual(placedCuts(ts, 0, 8, 8).map((c) => c.row).slice(-1), [6]);
  // Starting on 10 March: the refit boundary (Saturday 11 March) gives rows 4 and 5 of its own.
  assert.deepEqual(placedCuts(ts, 3, 8, 9).map((c) => [c.row, c.why]), [
    [4, 'the last bar before a weekend gap'],
    [5, 'the first bar after a weekend gap'],
    [7, 'the last bar of the month'],
  ]);
  assert.deepEqual(placedCuts(ts, 0, 1, 9), []);
});
