// The grid families (ci, ccy, market, arb, corr, sister) against the plain reference of reference.ts,
// on a 28-pair market with random missing bars, stale stretches (> 5 min), a weekend and late reopens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CROSS_FAMILIES } from '../../src/features/cross/index.ts';
import { MINUTE_MS } from '../../src/core/time.ts';
import { framesOf, marketBars, runFamilies } from './fixture.ts';
import { GridReference } from './reference.ts';

const START = Date.UTC(2024, 6, 5, 17, 0); // Friday 17:00 UTC
const CLOSE = 240; // Friday 21:00 …
const OPEN = CLOSE + 2880; // … to Sunday 21:00
const bars = marketBars({
  start: START, minutes: OPEN + 520, seed: 21, noiseBp: 0.6, drop: 0.03, closed: { from: CLOSE, to: OPEN },
  holes: [
    { pair: 'USDJPY', from: 100, to: 109 }, // stale for 3 grid minutes mid-session
    { pair: 'NZDCAD', from: OPEN, to: OPEN + 7 }, // reopens 7 minutes late
    { pair: 'EURGBP', from: OPEN + 200, to: OPEN + 240 }, // 40 minutes without bars
  ],
});
const frames = framesOf(bars, { baselineAt: START });
const reference = new GridReference(frames, START);
const GRID_FAMILIES = CROSS_FAMILIES.filter((f) => f.partition === 'month');
const outputs = runFamilies(GRID_FAMILIES, frames);
// Pairs covering every orientation pattern (USD base/quote, JPY quote, crosses), and the gapped ones.
const CHECKED = ['EURUSD', 'USDJPY', 'AUDNZD', 'CADCHF', 'GBPJPY', 'NZDCAD', 'EURGBP'];
/** Fewer pairs where the reference is slow; market and ccy are the same for every pair (two suffice). */
const CHECKED_IN: Record<string, string[]> = { market: ['EURUSD', 'NZDCAD'], ccy: ['EURUSD', 'NZDCAD'], corr: ['EURUSD', 'USDJPY', 'NZDCAD', 'EURGBP'] };
/** Rows compared: every row, or every k-th for the features whose reference is slow (O(378 · W) per row). */
const STRIDE: Record<string, number> = { avg_corr_60: 11, avg_corr_240: 11, mkt_vol_60: 3, mkt_vol_240: 3 };

for (const fam of GRID_FAMILIES) {
  test(`${fam.name}: all ${fam.features.length} features equal the reference at the pairs' own rows`, () => {
    for (const pair of CHECKED_IN[fam.name] ?? CHECKED) {
      const f = frames.get(pair)!;
      const rows = Array.from(f.ts, (t) => reference.gridRow(t));
      for (const def of fam.features) {
        const ours = outputs.get(pair)!.get(def.name)!;
        let compared = 0;
        const stride = STRIDE[def.name] ?? 1;
        for (let i = 0; i < f.n; i++) {
          // The pair's first nanPrefix rows are NaN by the registry's convention (history too short).
          if (i < def.nanPrefix) {
            if (!Number.isNaN(ours[i]!)) assert.fail(`${def.name} ${pair} row ${i} < nanPrefix ${def.nanPrefix}: ${ours[i]}`);
            continue;
          }
          if (i % stride !== 0) continue;
          const [a, b] = [ours[i]!, reference.value(pair, def.name, rows[i]!)];
          if (Number.isNaN(a) !== Number.isNaN(b)) assert.fail(`${def.name} ${pair} row ${i} (${new Date(f.ts[i]!).toISOString()}): ${a} vs reference ${b}`);
          if (Number.isNaN(b)) continue;
          if (!(Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(b)))) assert.fail(`${def.name} ${pair} row ${i}: ${a} vs reference ${b}`);
          compared++;
        }
        // Every feature is defined on most rows past its lookback (no vacuous comparison).
        assert.ok(compared >= ((f.n - def.nanPrefix) / stride) * 0.6, `${def.name} ${pair}: only ${compared} of ${f.n} values defined`);
      }
    }
  });
}

test('stale pairs are NaN contributions: a leg whose last bar is > 5 minutes old blanks the triangle', () => {
  // EURUSD via JPY uses EURJPY and USDJPY; USDJPY has no bars in minutes 100 … 108.
  const f = frames.get('EURUSD')!;
  const tri = outputs.get('EURUSD')!.get('tri_resid_2')!;
  const age = (pair: string, t: number) => {
    const ts = frames.get(pair)!.ts;
    let last = -Infinity;
    for (const s of ts) if (s <= t) last = s;
    return (t - last) / MINUTE_MS;
  };
  let stale = 0;
  for (let i = 0; i < f.n; i++) {
    const t = f.ts[i]!;
    const m = (t - START) / MINUTE_MS;
    if (m < 90 || m > 115) continue;
    const fresh = age('USDJPY', t) <= 5 && age('EURJPY', t) <= 5;
    assert.equal(Number.isFinite(tri[i]!), fresh, `minute ${m}: USDJPY ${age('USDJPY', t)} min, EURJPY ${age('EURJPY', t)} min old`);
    if (!fresh) stale++;
  }
  assert.ok(stale >= 3, `the hole makes at least 3 EURUSD rows stale (${stale})`);
});
