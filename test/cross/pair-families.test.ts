// The per-pair cross families (dual, mtf, event, time, ret_lag) against plain references written from
// FEATURES.md §9 (TA-Lib for the RSI of the completed bars), plus hand-checked values at known times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { allocBars } from '../../src/core/types.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../src/core/time.ts';
import { CROSS_FAMILIES } from '../../src/features/cross/index.ts';
import { buildPairFrame } from '../../src/features/frame.ts';
import type { FeatureDef, PairFrame } from '../../src/features/types.ts';
import { framesOf, marketBars, runFamilies } from './fixture.ts';

const talib = createRequire(import.meta.url)('talib') as {
  execute(p: Record<string, unknown>): { begIndex: number; nbElement: number; result: { outReal: number[] } };
};
const BP = 1e4;
const fam = (name: string) => CROSS_FAMILIES.find((f) => f.name === name)!;

// Two pairs over ~2 trading days with a weekend, 2 % missing minutes and occasional 15 bp jumps.
const START = Date.UTC(2024, 6, 4, 12, 0); // Thursday 12:00 UTC
const CLOSE = 33 * 60; // Friday 21:00
const OPEN = CLOSE + 2880; // Sunday 21:00
const bars = marketBars({ start: START, minutes: OPEN + 900, seed: 31, drop: 0.02, closed: { from: CLOSE, to: OPEN }, pairs: ['EURUSD', 'USDJPY'] });
const frames = framesOf(bars);

/** Checks a family's column against a reference at rows ≥ nanPrefix, and NaN before. */
function check(def: FeatureDef, frame: PairFrame, got: Float64Array, ref: (t: number) => number, tol = 1e-9): void {
  let compared = 0;
  for (let t = 0; t < frame.n; t++) {
    if (t < def.nanPrefix) {
      if (!Number.isNaN(got[t]!)) assert.fail(`${def.name} ${frame.pair} row ${t} < nanPrefix ${def.nanPrefix}: ${got[t]}`);
      continue;
    }
    const [a, b] = [got[t]!, ref(t)];
    if (Number.isNaN(a) !== Number.isNaN(b)) assert.fail(`${def.name} ${frame.pair} row ${t}: ${a} vs reference ${b}`);
    if (Number.isNaN(b)) continue;
    if (!(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)))) assert.fail(`${def.name} ${frame.pair} row ${t}: ${a} vs reference ${b}`);
    compared++;
  }
  assert.ok(compared >= (frame.n - def.nanPrefix) * 0.9, `${def.name} ${frame.pair}: only ${compared} values compared`);
}

// ---- plain statistics ----
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const sd = (v: number[]) => { const m = mean(v); return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1)); };
function fit(x: number[], y: number[]) {
  const [mx, my] = [mean(x), mean(y)];
  let sxy = 0, sxx = 0, syy = 0;
  x.forEach((xi, i) => { sxy += (xi - mx) * (y[i]! - my); sxx += (xi - mx) ** 2; syy += (y[i]! - my) ** 2; });
  const beta = sxy / sxx;
  const resid = y.map((yi, i) => yi - my - beta * (x[i]! - mx));
  return { corr: sxy / Math.sqrt(sxx * syy), beta, resid };
}
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

for (const pair of ['EURUSD', 'USDJPY']) {
  const frame = frames.get(pair)!;
  const C = frame.close;
  const r = (t: number) => (t >= 1 ? Math.log(C[t]! / C[t - 1]!) : NaN);

  test(`dual ${pair}: all 20 features equal the reference`, () => {
    const out = runFamilies([fam('dual')], new Map([[pair, frame]])).get(pair)!;
    const u = (t: number) => BP * r(t);
    const v = (t: number) => frame.bqx[t]! - frame.bqx[t - 1]!;
    for (const def of fam('dual').features) {
      const m = /^dual_(corr|beta|resid_z)_w(\d+)$|^dual_(r2_gap|trend_coherence)_w(\d+)$|^dual_xcorr_lag(\d)_w60$/.exec(def.name)!;
      let ref: (t: number) => number;
      if (m[1]) {
        const w = Number(m[2]);
        ref = (t) => {
          const rows = range(t - w + 1, t + 1);
          const f = fit(rows.map(u), rows.map(v));
          return m[1] === 'corr' ? f.corr : m[1] === 'beta' ? f.beta : f.resid[w - 1]! / sd(f.resid);
        };
      } else if (m[3]) {
        const w = Number(m[4]);
        const up = (d: string, k: string) => frame.upstream(`reg_${d}_w${w}_${k}`);
        ref = m[3] === 'r2_gap'
          ? (t) => up('idx', 'r2')[t]! - up('bqx', 'r2')[t]!
          : (t) => -Math.sign(up('idx', 'linear_term')[t]!) * Math.sign(up('bqx', 'linear_term')[t]!) || 0;
      } else {
        const k = Number(m[5]);
        ref = (t) => { const rows = range(t - 59, t + 1); return fit(rows.map((i) => u(i - k)), rows.map(v)).corr; };
      }
      check(def, frame, out.get(def.name)!, ref, 1e-8);
    }
  });

  test(`event ${pair}: all 10 features equal the reference`, () => {
    const out = runFamilies([fam('event')], new Map([[pair, frame]])).get(pair)!;
    const z = (t: number) => { const s = sd(range(t - 60, t).map(r)); return s > 0 ? r(t) / s : NaN; };
    const zs = Float64Array.from(range(0, frame.n), (t) => (t >= 61 ? z(t) : NaN));
    const jump = (i: number) => Math.abs(zs[i]!) > 3;
    let jumps = 0;
    for (let t = 61; t < frame.n; t++) if (jump(t)) jumps++;
    assert.ok(jumps >= 3, `${pair}: ${jumps} jumps in the fixture`);
    const refs: Record<string, (t: number) => number> = {
      jump_flag_25: (t) => (Math.abs(zs[t]!) > 2.5 ? 1 : 0),
      jump_flag_30: (t) => (jump(t) ? 1 : 0),
      bars_since_jump: (t) => { for (let k = 0; k < 1440; k++) if (jump(t - k)) return k; return 1440; },
      signed_jump_sum_w240: (t) => BP * range(t - 239, t + 1).filter(jump).reduce((s, i) => s + r(i), 0),
    };
    for (const w of [60, 240]) {
      refs[`jump_count_w${w}`] = (t) => range(t - w + 1, t + 1).filter(jump).length;
      refs[`max_abs_z_w${w}`] = (t) => Math.max(...range(t - w + 1, t + 1).map((i) => Math.abs(zs[i]!)));
      refs[`bipower_ratio_w${w}`] = (t) => {
        const rows = range(t - w + 1, t + 1);
        return ((Math.PI / 2) * rows.reduce((s, i) => s + Math.abs(r(i)) * Math.abs(r(i - 1)), 0)) / rows.reduce((s, i) => s + r(i) ** 2, 0);
      };
    }
    for (const def of fam('event').features) check(def, frame, out.get(def.name)!, refs[def.name]!, 1e-8);
  });

  test(`mtf ${pair}: all 10 features equal the reference built from completed clock-aligned bars`, () => {
    const out = runFamilies([fam('mtf')], new Map([[pair, frame]])).get(pair)!;
    for (const tf of [5, 15]) {
      const span = tf * MINUTE_MS;
      const bucket = (t: number) => Math.floor(frame.ts[t]! / span);
      // Bars from the rows of each bucket; at row t the completed ones are the buckets before t's, and
      // t's own bucket when t is its last minute.
      const buckets = [...new Set(range(0, frame.n).map(bucket))];
      const rowsOf = (b: number) => range(0, frame.n).filter((t) => bucket(t) === b);
      const bar = buckets.map((b) => {
        const rows = rowsOf(b);
        return { close: C[rows[rows.length - 1]!]!, high: Math.max(...rows.map((t) => frame.high[t]!)), low: Math.min(...rows.map((t) => frame.low[t]!)) };
      });
      const lastDone = (t: number) => {
        const k = buckets.indexOf(bucket(t));
        return frame.ts[t]! === (bucket(t) + 1) * span - MINUTE_MS ? k : k - 1;
      };
      const closes = bar.map((b) => b.close);
      const rsi = talib.execute({ name: 'RSI', startIdx: 0, endIdx: closes.length - 1, inReal: closes, optInTimePeriod: 14 });
      const rsiAt = (k: number) => (k >= rsi.begIndex ? rsi.result.outReal[k - rsi.begIndex]! : NaN);
      const ret = (k: number, n: number) => (k >= n ? BP * Math.log(closes[k]! / closes[k - n]!) : NaN);
      const refs: Record<string, (k: number) => number> = {
        ret_1: (k) => ret(k, 1),
        ret_3: (k) => ret(k, 3),
        range_bp: (k) => (BP * (bar[k]!.high - bar[k]!.low)) / bar[k]!.close,
        rsi_14: rsiAt,
        vol_12: (k) => (k >= 12 ? sd(range(k - 11, k + 1).map((i) => ret(i, 1))) : NaN),
      };
      for (const [what, ref] of Object.entries(refs)) {
        const def = fam('mtf').features.find((d) => d.name === `mtf${tf}_${what}`)!;
        check(def, frame, out.get(def.name)!, (t) => { const k = lastDone(t); return k >= 0 ? ref(k) : NaN; }, 1e-9);
      }
    }
  });

  test(`ret_lag ${pair}: ret_lag_k = r_{t−k+1} in bp`, () => {
    const out = runFamilies([fam('ret_lag')], new Map([[pair, frame]])).get(pair)!;
    for (const def of fam('ret_lag').features) {
      const k = Number(def.name.slice(8));
      // ln of the ratio rounds at ~1e-16 / 1e-4: 1e-12 relative of a 1-minute return.
      check(def, frame, out.get(def.name)!, (t) => BP * r(t - k + 1), 1e-10);
    }
  });
}

test('mtf at bar boundaries: a bar counts from its last minute on, or from the first row after it when that minute is missing', () => {
  // 1-minute closes 1, 2, 3 … at 10:00 … ; minute 10:09 is missing (the 2nd 5-minute bar has no last minute).
  const minutes = range(0, 40).filter((m) => m !== 9);
  const b = allocBars(minutes.length);
  minutes.forEach((m, i) => {
    b.ts[i] = Date.UTC(2024, 6, 2, 10, m);
    b.close[i] = b.open[i] = b.high[i] = b.low[i] = 100 + m;
  });
  const frame = buildPairFrame('EURUSD', b, 100);
  const f = { ...frame, n: frame.n };
  const out = runFamilies([fam('mtf')], new Map([['EURUSD', f]])).get('EURUSD')!;
  const at = (m: number) => out.get('mtf5_ret_1')![minutes.indexOf(m)]!;
  const ln = (a: number, c: number) => BP * Math.log(a / c);
  // nanPrefix of mtf5_ret_1 = 14 rows: check from 10:15 on.
  // 10:15–10:18: completed bars are [10:00,05) close 104, [10:05,10) close 108 (completed at 10:10, the
  // first row after its missing last minute), [10:10,15) close 114 → ret_1 = ln(114/108).
  for (const m of [15, 16, 17, 18]) assert.ok(Math.abs(at(m) - ln(114, 108)) < 1e-9, `10:${m}`);
  // 10:19 is the last minute of [10:15,20): that bar (close 119) counts at 10:19 itself.
  assert.ok(Math.abs(at(19) - ln(119, 114)) < 1e-9, '10:19');
  assert.ok(Math.abs(at(20) - ln(119, 114)) < 1e-9, '10:20');
  // 15-minute bars: [10:00,15) closes at 10:14 (114), [10:15,30) at 10:29 (129).
  const at15 = (m: number) => out.get('mtf15_range_bp')![minutes.indexOf(m)]!;
  assert.ok(Number.isNaN(at15(28)), 'nanPrefix of mtf15_range_bp is 29 rows');
  assert.ok(Math.abs(at15(30) - (BP * (129 - 115)) / 129) < 1e-9, '10:30: range of [10:15, 10:30)');
});

test('time features at known timestamps (sessions, fixes, month end, gaps, week open and close)', () => {
  // Every minute the market is open (Sunday 21:00 → Friday 21:00 UTC) from Monday 2024-06-17, so that
  // the checked rows are past the 10,080-row prefix; plus a missing stretch on Monday 2024-07-08.
  const ts: number[] = [];
  for (let t = Date.UTC(2024, 5, 17); t < Date.UTC(2024, 7, 3); t += MINUTE_MS) {
    const dow = new Date(t).getUTCDay();
    const h = new Date(t).getUTCHours();
    const open = !(dow === 6 || (dow === 5 && h >= 21) || (dow === 0 && h < 21));
    const hole = t >= Date.UTC(2024, 6, 8, 3, 0) && t < Date.UTC(2024, 6, 8, 3, 7);
    if (open && !hole) ts.push(t);
  }
  const b = allocBars(ts.length);
  ts.forEach((t, i) => { b.ts[i] = t; b.close[i] = b.open[i] = b.high[i] = b.low[i] = 1.08; });
  const frame = buildPairFrame('EURUSD', b, 1.08);
  const out = runFamilies([fam('time')], new Map([['EURUSD', frame]])).get('EURUSD')!;
  const v = (name: string, iso: string) => {
    const i = ts.indexOf(Date.parse(iso));
    assert.ok(i >= 10080, `${iso} is a checked row`);
    return out.get(name)![i]!;
  };
  const expect = (iso: string, values: Record<string, number>) => {
    for (const [name, want] of Object.entries(values)) {
      const got = v(name, iso);
      assert.ok(Math.abs(got - want) < 1e-12, `${name} at ${iso}: ${got}, expected ${want}`);
    }
  };
  // Friday 15:55: London fix, London and New York sessions and their overlap; 5 h 05 to the week close.
  expect('2024-07-05T15:55Z', { is_london_fix: 1, session_london: 1, session_newyork: 1, overlap_london_ny: 1, session_tokyo: 0,
    session_sydney: 0, hour_of_day: 15, day_of_week: 4, minutes_to_week_close: 305, is_tokyo_fix: 0 });
  expect('2024-07-05T16:04Z', { is_london_fix: 1, overlap_london_ny: 0, session_london: 0 }); // [07:00, 16:00)
  expect('2024-07-05T15:59Z', { session_london: 1, overlap_london_ny: 1 });
  expect('2024-07-05T16:05Z', { is_london_fix: 0 });
  expect('2024-07-05T20:59Z', { session_newyork: 1, session_sydney: 0, minutes_to_week_close: 1 });
  // Sunday 21:00: the week opens (first bar after a ≥ 24 h gap); Sydney session; 5 days to the close.
  expect('2024-07-07T21:00Z', { minutes_since_week_open: 0, gap_minutes: 2881, after_gap: 1, session_sydney: 1, session_newyork: 0,
    day_of_week: 6, minutes_to_week_close: 5 * 1440 });
  expect('2024-07-07T21:30Z', { minutes_since_week_open: 30, gap_minutes: 1, after_gap: 0 });
  // Monday 00:50: Tokyo fix, Sydney + Tokyo sessions; the minute of week is 50 (week from Monday 00:00).
  expect('2024-07-08T00:50Z', { is_tokyo_fix: 1, session_tokyo: 1, session_sydney: 1, minutes_since_week_open: 230, day_of_week: 0,
    dow_sin: Math.sin((2 * Math.PI * 50) / 10080), dow_cos: Math.cos((2 * Math.PI * 50) / 10080) });
  expect('2024-07-08T01:00Z', { is_tokyo_fix: 0 });
  // The 7-minute hole: the first bar after it has gap 8 > 5, and the week does not reopen.
  expect('2024-07-08T03:07Z', { gap_minutes: 8, after_gap: 1, minutes_since_week_open: 367 });
  expect('2024-07-08T06:00Z', { hour_sin: 1, session_sydney: 0, session_tokyo: 1, overlap_tokyo_london: 0 });
  expect('2024-07-08T07:00Z', { overlap_tokyo_london: 1, session_london: 1 });
  // Month end: July 2024 ends on Wednesday 31st; month progress is linear in time.
  expect('2024-07-31T10:00Z', { is_month_end: 1, month_progress: (30 * DAY_MS + 10 * HOUR_MS) / (31 * DAY_MS) });
  expect('2024-07-30T10:00Z', { is_month_end: 0 });
  // June 2024 ends on Sunday 30th: its last weekday is Friday 28th.
  expect('2024-06-28T10:00Z', { is_month_end: 1 });
  expect('2024-06-27T10:00Z', { is_month_end: 0 });
  // August 2024: Friday 2nd is not the month's end.
  expect('2024-08-02T10:00Z', { is_month_end: 0, month_progress: (DAY_MS + 10 * HOUR_MS) / (31 * DAY_MS) });
  // The first 10,080 rows (the declared prefix) are NaN for minutes_since_week_open.
  assert.ok(Number.isNaN(out.get('minutes_since_week_open')![10079]!) && !Number.isNaN(out.get('minutes_since_week_open')![10080]!));
});
