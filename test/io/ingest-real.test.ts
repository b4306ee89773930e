// The readers on the real files of ../shared/data/real-fx (SOURCES.md), against a plain split-and-Number()
// oracle and the published US daylight-saving dates; skipped visibly when the data is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { readDukascopy, readHistData, type ReadResult } from '../../src/io/ingest/index.ts';

const DIR = fileURLToPath(new URL('../../../shared/data/real-fx/', import.meta.url));
const skip = existsSync(DIR) ? false : 'needs ../shared/data/real-fx (absent)';
const H = 3_600_000;
const histdataZip = (pair: string) => `${DIR}parrondo__deeptrading/HISTDATA_COM_ASCII_${pair}_M1_2017.zip`;
const DUKA = `${DIR}MrNotGramatika__CSV-AskBid-Pair-Parser/`;

/** New York 2017 (US rule): EDT (UTC−4) from 12 March 02:00 to 5 November 02:00 local, else EST (UTC−5). */
function nyToUtc2017(local: number): number {
  const edt = local >= Date.UTC(2017, 2, 12, 3) && local < Date.UTC(2017, 10, 5, 1);
  return local + (edt ? 4 : 5) * H;
}

/** Oracle: a plain parse of HistData text (split lines and fields, Number(), the rule above). */
function oracleHistData(text: string): { ts: number[]; ohlcv: number[][] } {
  const ts: number[] = [];
  const ohlcv: number[][] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [t, ...rest] = line.split(';');
    const local = Date.UTC(+t!.slice(0, 4), +t!.slice(4, 6) - 1, +t!.slice(6, 8), +t!.slice(9, 11), +t!.slice(11, 13));
    ts.push(nyToUtc2017(local));
    ohlcv.push(rest.map(Number));
  }
  return { ts, ohlcv };
}

function assertMatchesOracle(r: ReadResult, o: { ts: number[]; ohlcv: number[][] }) {
  assert.equal(r.bars.ts.length, o.ts.length);
  assert.deepEqual(Array.from(r.bars.ts), o.ts);
  const cols = [r.bars.open, r.bars.high, r.bars.low, r.bars.close, r.bars.volume];
  for (let k = 0; k < 5; k++) assert.deepEqual(Array.from(cols[k]!), o.ohlcv.map((row) => row[k]));
}

let eurusd: ReadResult | undefined;
/** The yearly EURUSD file, read once for the tests that use it. */
function eurusd2017(): ReadResult {
  eurusd ??= readHistData(readFileSync(histdataZip('EURUSD')), 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip');
  return eurusd;
}

function csvOfZip(path: string): string {
  const files = unzipSync(new Uint8Array(readFileSync(path)), { filter: (f) => f.name.endsWith('.csv') });
  return Buffer.from(Object.values(files)[0]!).toString('latin1');
}

test('HistData EURUSD 2017 zip: every bar equals the plain oracle; New York clock with DST', { skip }, () => {
  const t0 = performance.now();
  const r = eurusd2017();
  const ms = performance.now() - t0;
  assert.equal(r.pair, 'EURUSD');
  assert.equal(r.rows, 371_635);
  assert.deepEqual(r.defects, []);
  assertMatchesOracle(r, oracleHistData(csvOfZip(histdataZip('EURUSD'))));
  assert.equal(new Date(r.bars.ts[0]!).toISOString(), '2017-01-02T07:00:00.000Z'); // 20170102 020000
  console.log(`# EURUSD 2017 zip: ${r.rows} bars unzipped and parsed in ${ms.toFixed(0)} ms`);

  // Weekly opens (first bar after a gap of ≥ 24 h): Sunday 17:00 New York = 21:00 UTC under EDT, 22:00 UTC
  // under EST. Christmas week reopens on Monday (SOURCES.md), so only Sunday opens are counted.
  const opens = { summer: 0, winter: 0 };
  for (let i = 1; i < r.bars.ts.length; i++) {
    if (r.bars.ts[i]! - r.bars.ts[i - 1]! < 24 * H) continue;
    const d = new Date(r.bars.ts[i]!);
    if (d.getUTCDay() !== 0) continue;
    const edt = d.getTime() >= Date.UTC(2017, 2, 12, 7) && d.getTime() < Date.UTC(2017, 10, 5, 6);
    assert.equal(d.getUTCHours(), edt ? 21 : 22, d.toISOString());
    assert.ok(d.getUTCMinutes() <= 5, d.toISOString());
    opens[edt ? 'summer' : 'winter']++;
  }
  assert.deepEqual(opens, { summer: 34, winter: 16 }); // the 50 Sunday opens of SOURCES.md; 34 weeks of EDT
});

test('HistData USDCAD: the 2017-09-06 Bank of Canada bar (local 10:00) lands at 14:00 UTC', { skip }, () => {
  const r = readHistData(readFileSync(histdataZip('USDCAD')), 'HISTDATA_COM_ASCII_USDCAD_M1_2017.zip');
  assert.equal(r.rows, 366_222);
  const i = r.bars.ts.indexOf(Date.parse('2017-09-06T14:00Z'));
  assert.ok(i > 0);
  // The file's line: 20170906 100000;1.240640;1.240640;1.219990;1.219990;0
  assert.deepEqual([r.bars.open[i], r.bars.high[i], r.bars.low[i], r.bars.close[i]], [1.24064, 1.24064, 1.21999, 1.21999]);
  assert.ok(r.bars.close[i]! / r.bars.open[i]! - 1 < -0.012);
  // It is the year's largest one-minute fall of USDCAD.
  let worst = 0;
  for (let k = 0; k < r.bars.ts.length; k++) if (r.bars.close[k]! / r.bars.open[k]! < r.bars.close[worst]! / r.bars.open[worst]!) worst = k;
  assert.equal(worst, i);
});

test('btgym monthly CSV equals the February rows of the yearly EURUSD zip (minus the month\'s last minute)', { skip }, () => {
  const monthly = readHistData(readFileSync(`${DIR}Kismuz__btgym/DAT_ASCII_EURUSD_M1_201702.csv`), 'DAT_ASCII_EURUSD_M1_201702.csv');
  assert.equal(monthly.rows, 28_779);
  assert.deepEqual(monthly.defects, []);
  const yearly = eurusd2017();
  // February in New York (EST): 2017-02-01T05:00Z … 2017-03-01T05:00Z.
  const from = yearly.bars.ts.indexOf(Date.parse('2017-02-01T05:00Z'));
  const to = yearly.bars.ts.findIndex((t) => t >= Date.parse('2017-03-01T05:00Z'));
  assert.equal(to - from, 28_780);
  assert.equal(yearly.bars.ts[to - 1], Date.parse('2017-03-01T04:59Z')); // 20170228 235900, absent monthly
  for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) {
    assert.deepEqual(monthly.bars[c], yearly.bars[c].slice(from, to - 1), c);
  }
});

test('Dukascopy April 2025: 43,200 rows; flat zero-volume bars dropped, weekend and in-week counted apart', { skip }, () => {
  for (const pair of ['EURUSD', 'GBPUSD'] as const) {
    const name = `${pair}_Candlestick_1_M_BID_01.04.2025-30.04.2025.csv`;
    const text = readFileSync(DUKA + name, 'latin1');
    const r = readDukascopy(readFileSync(DUKA + name), name);
    assert.equal(r.pair, pair);
    assert.equal(r.rows, 43_200);
    assert.deepEqual(r.defects, []);
    // Oracle: split the text, parse DD.MM.YYYY HH:MM:SS.000 as UTC, keep all but flat zero-volume rows;
    // those are weekend filler from Friday 21:00 to Sunday 22:00 UTC (Date's weekday), else in-week.
    const rows = text.split('\r\n').slice(1).map((l, k) => ({ line: k + 2, f: l.split(',') }));
    const utc = ([t]: string[]) => Date.UTC(+t!.slice(6, 10), +t!.slice(3, 5) - 1, +t!.slice(0, 2), +t!.slice(11, 13), +t!.slice(14, 16));
    const flat = ([, o, h, l, c, v]: string[]) => o === h && h === l && l === c && +v! === 0;
    const weekend = (ts: number) => {
      const d = new Date(ts);
      const h = d.getUTCHours();
      return (d.getUTCDay() === 5 && h >= 21) || d.getUTCDay() === 6 || (d.getUTCDay() === 0 && h < 22);
    };
    const kept = rows.filter((row) => !flat(row.f)).map((row) => row.f);
    const inWeek = rows.filter((row) => flat(row.f) && !weekend(utc(row.f)));
    const closed = rows.filter((row) => flat(row.f) && weekend(utc(row.f))).length;
    assert.deepEqual(r.dropped, { closedMarket: closed, flatInWeek: inWeek.length, firstFlatInWeekLine: inWeek[0]?.line ?? 0 });
    assert.equal(closed + inWeek.length, { EURUSD: 11_585, GBPUSD: 11_715 }[pair]); // every flat bar, as before
    assert.ok(closed >= 4 * 2 * 24 * 60, 'four weekends of filler (at least 48 h each)');
    assert.deepEqual(Array.from(r.bars.ts), kept.map(utc));
    assert.deepEqual(Array.from(r.bars.close), kept.map((row) => Number(row[4])));
    assert.deepEqual(Array.from(r.bars.volume), kept.map((row) => Number(row[5])));
    assert.equal(r.bars.volume.every((v) => v > 0), true); // what is left is exactly the rows with volume
  }
});
