// The store on real bars: HistData EURUSD February 2017 (../shared/data/real-fx/SOURCES.md §3).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { allocBars, type Bars } from '../../src/core/types.ts';
import { HOUR_MS, monthEnd, monthStart } from '../../src/core/time.ts';
import { assertSameBars, referenceVersion, selectBars, storeTest } from './store-reference.ts';

const DIR = fileURLToPath(new URL('../../../shared/data/real-fx/', import.meta.url));
const FILE = `${DIR}Kismuz__btgym/DAT_ASCII_EURUSD_M1_201702.csv`;

/** `YYYYMMDD HHMMSS;open;high;low;close;volume`, New York time, which is EST (UTC−5) all February. */
function parseHistData(text: string): Bars {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const b = allocBars(lines.length);
  lines.forEach((line, i) => {
    const [stamp, ...v] = line.split(';');
    const d = stamp!;
    b.ts[i] = Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8), +d.slice(9, 11), +d.slice(11, 13)) + 5 * HOUR_MS;
    [b.open, b.high, b.low, b.close, b.volume].forEach((col, k) => { col[i] = Number(v[k]); });
  });
  return b;
}

storeTest('real EURUSD 2017-02: round trip, SOURCES.md counts (28,779 bars, 20 missing minutes), versions', async (withStore) => {
  const bars = parseHistData(readFileSync(FILE, 'utf8'));
  await withStore(async (s) => {
    assert.deepEqual(await s.upsertBars('EURUSD', bars, 'histdata'), { inserted: 28_779, replaced: 0, unchanged: 0 });
    assertSameBars(await s.readBars('EURUSD', -Infinity, Infinity), bars, 'round trip');
    const [sum] = await s.summary();
    // SOURCES.md: 28,779 rows, 20 missing in-week minutes; the four February weekends are the only ≥ 24 h gaps
    assert.deepEqual(sum, {
      pair: 'EURUSD', bars: 28_779, first: Date.UTC(2017, 1, 1, 5), last: Date.UTC(2017, 2, 1, 4, 58),
      missingMinutes: 20, weekendGaps: 4, sources: ['histdata'],
    });
    // the last 5 hours of New York's February are March in UTC
    assert.deepEqual(await s.months('EURUSD'), ['2017-02', '2017-03']);
    for (const m of ['2017-02', '2017-03']) {
      assert.equal(await s.barVersion('EURUSD', m), referenceVersion(selectBars(bars, (t) => t >= monthStart(m) && t < monthEnd(m))), m);
    }
    const before = Date.UTC(2017, 2, 1, 2);
    const prior = selectBars(bars, (t) => t < before);
    assertSameBars(await s.readBarsBefore('EURUSD', before, 21_600), selectBars(prior, (_, i) => i >= prior.ts.length - 21_600), 'warm-up');
  });
}, { skip: existsSync(FILE) ? false : 'needs ../shared/data/real-fx (absent)' });
