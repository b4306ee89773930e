// Properties of the synthetic market, computed from its bars alone: determinism, chunking and subset
// invariance, triangle closure, intraday seasonality, weekends, missing minutes, price levels,
// volatility clustering and OHLC consistency. One year of all 28 pairs is generated once (streamed
// month by month) and shared by the year-level tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAIR_NAMES } from '../../src/core/currencies.ts';
import { BAR_COLUMNS, concatBars, type Bars } from '../../src/core/types.ts';
import { generateMarket, generateMonths, MarketSimulator } from '../../src/io/synthetic.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const JULY = Date.UTC(2024, 6, 1);
const BP = 1e-4;

function sameBars(a: Bars, b: Bars, what: string): void {
  for (const c of BAR_COLUMNS) {
    assert.equal(a[c].length, b[c].length, `${what}: ${c} length`);
    assert.ok(Buffer.from(a[c].buffer, a[c].byteOffset, a[c].byteLength).equals(
      Buffer.from(b[c].buffer, b[c].byteOffset, b[c].byteLength)), `${what}: ${c} differs`);
  }
}

/** The q-quantile of ascending `sorted` (nearest rank). */
function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Closes on the month's minute grid (NaN where the pair has no bar). */
function onGrid(b: Bars, start: number, minutes: number): Float64Array {
  const g = new Float64Array(minutes).fill(NaN);
  for (let i = 0; i < b.ts.length; i++) g[(b.ts[i]! - start) / MIN] = b.close[i]!;
  return g;
}

test('same seed gives identical bytes, another seed different bars; the default start is 2024-07-01', () => {
  const gen = (seed: number) => generateMarket({ pairs: ['EURUSD', 'GBPJPY'], months: 1, seed });
  const a = gen(11);
  const ts = a.get('EURUSD')!.ts;
  assert.ok(ts[0]! >= JULY && ts[0]! < JULY + 10 * MIN && ts.at(-1)! < Date.UTC(2024, 7, 1), 'July 2024');
  const b = gen(11);
  const c = gen(12);
  for (const p of ['EURUSD', 'GBPJPY']) {
    sameBars(a.get(p)!, b.get(p)!, p);
    const x = a.get(p)!.close;
    const y = c.get(p)!.close;
    let differ = 0;
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) differ++;
    assert.ok(differ > 0.9 * x.length, `${p}: seeds 11 and 12 agree on ${x.length - differ} of ${x.length} closes`);
  }
});

test('month by month, all at once and arbitrary chunks give the same bars', () => {
  const from = Date.UTC(2024, 6, 24, 13, 37); // mid-week, mid-month
  const end = Date.UTC(2024, 8, 1);
  const pairs = ['USDJPY', 'AUDNZD'];
  const whole = new MarketSimulator(pairs, from, 5).advance(end);
  const months = [...generateMonths({ pairs, from, months: 2, seed: 5 })];
  assert.deepEqual(months.map((m) => m.month), ['2024-07', '2024-08']);
  const seen: string[] = [];
  const market = generateMarket({ pairs, from, months: 2, seed: 5 }, (m) => seen.push(m));
  assert.deepEqual(seen, ['2024-07', '2024-08']);
  // chunks ending inside a week, at a weekend close (Fri 2024-07-26 21:00Z), inside the weekend, empty ones
  const cuts = [from + MIN, from + 8 * MIN, Date.UTC(2024, 6, 26, 21), Date.UTC(2024, 6, 27, 5),
    Date.UTC(2024, 6, 27, 5), Date.UTC(2024, 6, 28, 21, 1), Date.UTC(2024, 7, 3, 3, 3), end];
  const sim = new MarketSimulator(pairs, from, 5);
  const chunks = cuts.map((t) => sim.advance(t));
  for (const p of pairs) {
    const w = whole.get(p)!;
    assert.ok(w.ts.length > 35_000, `${p}: ${w.ts.length} bars`);
    assert.ok(months[0]!.bars.get(p)!.ts[0]! >= from && months[0]!.bars.get(p)!.ts.at(-1)! < Date.UTC(2024, 7, 1));
    sameBars(concatBars(months.map((m) => m.bars.get(p)!)), w, `${p} months vs whole`);
    sameBars(market.get(p)!, w, `${p} generateMarket vs whole`);
    sameBars(concatBars(chunks.map((c) => c.get(p)!)), w, `${p} chunks vs whole`);
  }
});

test('a subset of pairs equals the same pairs of the full market', () => {
  const [from, until] = [Date.UTC(2024, 9, 3), Date.UTC(2024, 9, 12)]; // Thursday to Saturday a week later
  const full = new MarketSimulator(PAIR_NAMES, from, 3).advance(until);
  const sub = new MarketSimulator(['gbp/nzd', 'EURUSD', 'CADJPY', 'EURUSD'], from, 3).advance(until);
  assert.deepEqual([...sub.keys()], ['GBPNZD', 'EURUSD', 'CADJPY']);
  for (const [p, b] of sub) {
    assert.ok(b.ts.length > 7000, `${p}: ${b.ts.length} bars`);
    sameBars(b, full.get(p)!, p);
  }
});

test('bad options are rejected with a clear message', () => {
  assert.throws(() => generateMarket({ pairs: ['EURXYZ'], months: 1, seed: 1 }), /unknown pair/);
  assert.throws(() => generateMarket({ pairs: ['EURUSD'], months: 0, seed: 1 }), /months/);
  assert.throws(() => generateMarket({ pairs: ['EURUSD'], months: 1, seed: -1 }), /seed/);
  assert.throws(() => generateMarket({ pairs: ['EURUSD'], months: 1, seed: 1.5 }), /seed/);
});

// ---- one year of the whole market, streamed ----------------------------------------------------

/** Everything the year-level tests need, accumulated month by month. */
interface YearStats {
  violations: Map<string, string[]>;
  low: Map<string, number>;
  high: Map<string, number>;
  firstOpen: Map<string, number>;
  sumSq: Map<string, number>; // Σ r² of consecutive-minute log close returns (realised variance)
  present: Map<string, number>; // bars (= in-week minutes with a bar)
  marketMinutes: number; // minutes where any pair has a bar
  weeks: number;
  gaps: Map<string, number[][]>; // [last bar before, first bar after] of every gap > 30 minutes
  july: Map<string, Bars>;
}

let year: YearStats | undefined;
function yearStats(): YearStats {
  if (year) return year;
  const s: YearStats = {
    violations: new Map(), low: new Map(), high: new Map(), firstOpen: new Map(),
    sumSq: new Map(), present: new Map(), marketMinutes: 0, weeks: 0, gaps: new Map(), july: new Map(),
  };
  const last = new Map<string, [ts: number, close: number]>();
  for (const { month, bars } of generateMonths({ pairs: PAIR_NAMES, from: JULY, months: 12, seed: 2024 })) {
    const start = Date.parse(month + '-01T00:00:00Z');
    const minutes = Math.round((Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth() + 1) - start) / MIN);
    const any = new Uint8Array(minutes);
    for (const [p, b] of bars) {
      if (month === '2024-07') s.july.set(p, b);
      const bad = s.violations.get(p) ?? [];
      let low = s.low.get(p) ?? Infinity;
      let high = s.high.get(p) ?? -Infinity;
      let sumSq = s.sumSq.get(p) ?? 0;
      const gaps = s.gaps.get(p) ?? [];
      let [prevTs, prevClose] = last.get(p) ?? [NaN, NaN];
      if (!s.firstOpen.has(p)) s.firstOpen.set(p, b.open[0]!);
      const k = p.endsWith('JPY') ? 1e3 : 1e5;
      const quoted = (x: number) => Math.round(x * k) / k === x; // quoted decimals, no float artefacts
      for (let i = 0; i < b.ts.length; i++) {
        const t = b.ts[i]!, o = b.open[i]!, h = b.high[i]!, l = b.low[i]!, c = b.close[i]!, v = b.volume[i]!;
        const ok = Number.isFinite(o + h + l + c) && l > 0 && l <= Math.min(o, c) && h >= Math.max(o, c)
          && t % MIN === 0 && t >= start && t < start + minutes * MIN
          && quoted(o) && quoted(h) && quoted(l) && quoted(c) && Number.isInteger(v) && v >= 1;
        if (!ok && bad.length < 5) bad.push(`${new Date(t).toISOString()} ${o} ${h} ${l} ${c} ${v}`);
        if (t <= prevTs && bad.length < 5) bad.push(`non-increasing ts ${t}`);
        if (t - prevTs === MIN) sumSq += Math.log(c / prevClose) ** 2;
        if (t - prevTs > 30 * MIN) gaps.push([prevTs, t]);
        low = Math.min(low, l);
        high = Math.max(high, h);
        any[(t - start) / MIN] = 1;
        prevTs = t;
        prevClose = c;
      }
      last.set(p, [prevTs, prevClose]);
      s.violations.set(p, bad);
      s.low.set(p, low);
      s.high.set(p, high);
      s.sumSq.set(p, sumSq);
      s.gaps.set(p, gaps);
      s.present.set(p, (s.present.get(p) ?? 0) + b.ts.length);
    }
    s.marketMinutes += any.reduce((a, x) => a + x, 0);
  }
  s.weeks = s.marketMinutes / (5 * 1440);
  year = s;
  return s;
}

test('OHLC consistent, prices positive and quoted to 5 (JPY: 3) decimals, volumes positive integers', () => {
  const s = yearStats();
  let total = 0;
  for (const p of PAIR_NAMES) {
    assert.deepEqual(s.violations.get(p), [], `${p}: first violations`);
    total += s.present.get(p)!;
  }
  assert.ok(total > 10_000_000 && total < 10_700_000, `${total} bars in a year of 28 pairs`);
});

test('weekends: no bars from Friday ~21:00 to Sunday ~21:00 UTC (US DST), gaps ≥ 47 h, nothing else > 30 min', () => {
  const s = yearStats();
  // New York 17:00 is 22:00 UTC in winter: 2024-11-03 (first Sunday of November) … 2025-03-09 (second Sunday of March)
  const winter = (t: number) => t >= Date.UTC(2024, 10, 3) && t < Date.UTC(2025, 2, 9);
  let saturdays = 0;
  for (let d = JULY; d < Date.UTC(2025, 6, 1); d += DAY) if (new Date(d).getUTCDay() === 6) saturdays++;
  for (const p of PAIR_NAMES) {
    const gaps = s.gaps.get(p)!;
    assert.equal(gaps.length, saturdays, `${p}: ${gaps.length} long gaps, ${saturdays} weekends`);
    for (const [before, after] of gaps) {
      const what = `${p}: gap ${new Date(before!).toISOString()} → ${new Date(after!).toISOString()}`;
      assert.ok(after! - before! >= 47 * HOUR, what);
      assert.equal(new Date(before!).getUTCDay(), 5, what);
      assert.equal(new Date(after!).getUTCDay(), 0, what);
      const close = Date.UTC(new Date(before!).getUTCFullYear(), new Date(before!).getUTCMonth(),
        new Date(before!).getUTCDate(), winter(before!) ? 22 : 21);
      const open = Date.UTC(new Date(after!).getUTCFullYear(), new Date(after!).getUTCMonth(),
        new Date(after!).getUTCDate(), winter(after!) ? 22 : 21);
      assert.ok(before! < close && before! >= close - 10 * MIN, `${what}: last bar not just before ${new Date(close).toISOString()}`);
      assert.ok(after! >= open && after! < open + 10 * MIN, `${what}: first bar not just after ${new Date(open).toISOString()}`);
    }
  }
});

test('each pair misses a few in-week minutes (≥ 1 a week on average) but has > 99 % of them', () => {
  const s = yearStats();
  assert.ok(s.weeks > 51.5 && s.weeks < 52.5, `${s.weeks} weeks of market minutes`);
  for (const p of PAIR_NAMES) {
    const missing = s.marketMinutes - s.present.get(p)!;
    const perWeek = missing / s.weeks;
    assert.ok(perWeek >= 1, `${p}: ${perWeek.toFixed(2)} missing minutes a week`);
    assert.ok(s.present.get(p)! / s.marketMinutes > 0.99, `${p}: ${missing} of ${s.marketMinutes} minutes missing`);
  }
});

test('missing minutes are independent per pair', () => {
  const s = yearStats();
  const start = JULY;
  const minutes = 31 * 1440;
  const holes = (p: string) => {
    const g = onGrid(s.july.get(p)!, start, minutes);
    const market = PAIR_NAMES.map((q) => onGrid(s.july.get(q)!, start, minutes));
    return new Set([...g.keys()].filter((i) => Number.isNaN(g[i]!) && market.some((m) => !Number.isNaN(m[i]!))));
  };
  const a = holes('EURUSD');
  const b = holes('GBPUSD');
  const both = [...a].filter((i) => b.has(i)).length;
  assert.ok(a.size > 0 && b.size > 0, `${a.size} and ${b.size} holes`);
  assert.ok(both < 0.2 * Math.min(a.size, b.size), `${both} shared of ${a.size} and ${b.size} holes`);
});

/** Mid-2024 reference levels (the spec's majors; crosses from the 2024 market), for the realism bands. */
const LEVELS_2024: Record<string, number> = {
  EURUSD: 1.08, USDJPY: 150, GBPUSD: 1.27, AUDUSD: 0.66, USDCAD: 1.36, USDCHF: 0.88, NZDUSD: 0.6,
  EURJPY: 163, EURGBP: 0.85, GBPJPY: 191, EURCHF: 0.95, AUDJPY: 99, EURAUD: 1.64, GBPCHF: 1.12,
  CHFJPY: 170, EURCAD: 1.47, AUDNZD: 1.1, CADJPY: 110, GBPAUD: 1.92, NZDJPY: 90, GBPCAD: 1.73,
  AUDCAD: 0.9, EURNZD: 1.8, GBPNZD: 2.11, AUDCHF: 0.58, CADCHF: 0.65, NZDCAD: 0.82, NZDCHF: 0.53,
};

test('price levels stay in realistic bands for all 28 pairs over a year, and they move', () => {
  const s = yearStats();
  for (const p of PAIR_NAMES) {
    const ref = LEVELS_2024[p]!;
    const [low, high, open] = [s.low.get(p)!, s.high.get(p)!, s.firstOpen.get(p)!];
    assert.ok(Math.abs(Math.log(open / ref)) < 0.02, `${p}: starts at ${open}, 2024 level ${ref}`);
    assert.ok(low > ref / 1.2 && high < ref * 1.2, `${p}: year range ${low} – ${high} vs 2024 level ${ref}`);
    assert.ok(high / low > 1.03, `${p}: year range ${low} – ${high} barely moves`);
  }
});

test('realised volatility is that of FX majors and crosses (3–15 % a year)', () => {
  const s = yearStats();
  for (const p of PAIR_NAMES) {
    const vol = Math.sqrt((s.sumSq.get(p)! * 52) / s.weeks);
    assert.ok(vol > 0.03 && vol < 0.15, `${p}: annualised volatility ${(100 * vol).toFixed(2)} %`);
  }
});

test('triangles close to within about a basis point, but not exactly', () => {
  const s = yearStats();
  const minutes = 31 * 1440;
  const lnClose = new Map(PAIR_NAMES.map((p) => [p, onGrid(s.july.get(p)!, JULY, minutes).map(Math.log)]));
  const ccys = ['EUR', 'USD', 'GBP', 'JPY', 'AUD', 'NZD', 'CAD', 'CHF'];
  // ln P(x/y): the traded pair's log close, negated when it is quoted the other way round
  const lnRate = (x: string, y: string) => lnClose.get(x + y) ?? lnClose.get(y + x)!.map((v) => -v);
  let zeros = 0;
  let total = 0;
  for (let a = 0; a < 8; a++) for (let b = a + 1; b < 8; b++) for (let c = b + 1; c < 8; c++) {
    const [x, y, z] = [ccys[a]!, ccys[b]!, ccys[c]!];
    const [xy, yz, zx] = [lnRate(x, y), lnRate(y, z), lnRate(z, x)];
    const all = new Float64Array(minutes);
    let n = 0;
    for (let i = 0; i < minutes; i++) {
      const r = xy[i]! + yz[i]! + zx[i]!;
      if (!Number.isNaN(r)) all[n++] = Math.abs(r) / BP;
    }
    assert.ok(n > 30_000, `${x}${y}${z}: ${n} common minutes`);
    const res = all.subarray(0, n).sort();
    const [med, p99] = [quantile(res, 0.5), quantile(res, 0.99)];
    assert.ok(med < 1 && med > 0.05, `${x}/${y}/${z}: median |residual| ${med.toFixed(3)} bp`);
    assert.ok(p99 < 4, `${x}/${y}/${z}: p99 |residual| ${p99.toFixed(3)} bp`);
    zeros += res.filter((r) => r === 0).length;
    total += res.length;
  }
  assert.ok(zeros < 0.05 * total, `${zeros} of ${total} residuals are exactly zero`);
});

/** Consecutive-minute |log return| and volume by UTC hour for one pair's July bars. */
function byHour(b: Bars) {
  const absRet: number[][] = Array.from({ length: 24 }, () => []);
  const volume: number[][] = Array.from({ length: 24 }, () => []);
  for (let i = 1; i < b.ts.length; i++) {
    const h = new Date(b.ts[i]!).getUTCHours();
    volume[h]!.push(b.volume[i]!);
    if (b.ts[i]! - b.ts[i - 1]! === MIN) absRet[h]!.push(Math.abs(Math.log(b.close[i]! / b.close[i - 1]!)));
  }
  const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
  const range = (rows: number[][], h0: number, h1: number) => mean(rows.slice(h0, h1).flat());
  return { absRet, volume, mean, range };
}

test('London/New York hours (07–17 UTC) are clearly more active than Asia (00–06 UTC)', () => {
  const s = yearStats();
  for (const p of PAIR_NAMES) {
    const { absRet, volume, range } = byHour(s.july.get(p)!);
    const moves = range(absRet, 7, 17) / range(absRet, 0, 6);
    const vols = range(volume, 7, 17) / range(volume, 0, 6);
    assert.ok(moves > 1.8, `${p}: mean |return| London/NY ÷ Asia = ${moves.toFixed(2)}`);
    assert.ok(vols > 1.8, `${p}: mean volume London/NY ÷ Asia = ${vols.toFixed(2)}`);
  }
});

/** Pearson correlation of x[i] and y[i + lag] over the indices where both are defined. */
function laggedCorrelation(x: Float64Array, y: Float64Array, lag: number): number {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i + lag < x.length; i++) {
    const a = x[i]!;
    const b = y[i + lag]!;
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++; sx += a; sy += b; sxx += a * a; syy += b * b; sxy += a * b;
  }
  const cov = sxy / n - (sx / n) * (sy / n);
  return cov / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
}

/** |r| and volume on the minute grid, each divided by its hour-of-day mean (removes the seasonality). */
function deseasonalised(b: Bars) {
  const { absRet, volume, mean } = byHour(b);
  const retScale = absRet.map(mean);
  const volScale = volume.map(mean);
  const n = 31 * 1440;
  const r = new Float64Array(n).fill(NaN);
  const v = new Float64Array(n).fill(NaN);
  for (let i = 1; i < b.ts.length; i++) {
    const k = (b.ts[i]! - JULY) / MIN;
    const h = new Date(b.ts[i]!).getUTCHours();
    v[k] = b.volume[i]! / volScale[h]!;
    if (b.ts[i]! - b.ts[i - 1]! === MIN) r[k] = Math.abs(Math.log(b.close[i]! / b.close[i - 1]!)) / retScale[h]!;
  }
  return { r, v };
}

test('volatility clusters: deseasonalised |r| is positively autocorrelated at lags 1..10', () => {
  const s = yearStats();
  for (const p of PAIR_NAMES) {
    const { r } = deseasonalised(s.july.get(p)!);
    for (let lag = 1; lag <= 10; lag++) {
      const acf = laggedCorrelation(r, r, lag);
      assert.ok(acf > 0.05, `${p}: autocorrelation of |r| at lag ${lag} = ${acf.toFixed(3)}`);
    }
  }
});

test('tick volume is correlated with the size of the move (beyond the time of day)', () => {
  const s = yearStats();
  for (const p of ['EURUSD', 'AUDJPY', 'NZDCHF']) {
    const { r, v } = deseasonalised(s.july.get(p)!);
    const c = laggedCorrelation(r, v, 0);
    assert.ok(c > 0.2, `${p}: corr(|r|, volume) = ${c.toFixed(3)}`);
  }
});
