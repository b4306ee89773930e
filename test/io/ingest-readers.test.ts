// The pure readers on hand-written fixtures (fixtures/ingest/): every defect kind, with counts, lines and
// messages; expected bar times hand-converted from the fixture's local times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import {
  detectFormat, pairFromName, readCsv, readDukascopy, readHistData, readParquetFile, type ReadResult,
} from '../../src/io/ingest/index.ts';

const FIX = new URL('../../fixtures/ingest/', import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, FIX)));
const iso = (r: ReadResult) => Array.from(r.bars.ts, (t) => new Date(t).toISOString().slice(0, 16) + 'Z');
const defectLines = (r: ReadResult) => r.defects.map((d) => `${d.line} ${d.kind}`);
const enc = new TextEncoder();

const HISTDATA = 'DAT_ASCII_EURUSD_M1_defects.csv';

test('HistData: New York local times to UTC, and every row defect kind with its line', () => {
  const r = readHistData(fixture(HISTDATA), HISTDATA);
  assert.equal(r.pair, 'EURUSD');
  assert.equal(r.fatal, false);
  assert.equal(r.rows, 17); // 18 lines, one blank
  // 01:58/01:59 EST (UTC−5), 03:00 EDT (UTC−4) on 12 March; 00:59 EDT and 02:00 EST on 5 November.
  assert.deepEqual(iso(r), ['2017-03-12T06:58Z', '2017-03-12T06:59Z', '2017-03-12T07:00Z', '2017-11-05T04:59Z', '2017-11-05T07:00Z']);
  assert.deepEqual(Array.from(r.bars.open), [1.08, 1.0801, 1.0803, 1.16, 1.1602]);
  assert.deepEqual(Array.from(r.bars.high), [1.0802, 1.0803, 1.0805, 1.1602, 1.1604]);
  assert.deepEqual(Array.from(r.bars.low), [1.0799, 1.08, 1.0802, 1.1599, 1.1601]);
  assert.deepEqual(Array.from(r.bars.close), [1.0801, 1.0802, 1.0804, 1.1601, 1.1603]);
  assert.deepEqual(Array.from(r.bars.volume), [0, 0, 0, 0, 0]);
  assert.deepEqual(defectLines(r), [
    '3 nonexistent-local-time', '5 duplicate', '6 out-of-order', '7 bad-price', '8 ohlc-inconsistent',
    '9 ohlc-inconsistent', '10 malformed', '11 malformed', '12 malformed', '13 bad-price', '14 bad-price',
    '17 ambiguous-local-time',
  ]);
  const msg = (line: number) => r.defects.find((d) => d.line === line)!.message;
  assert.match(msg(3), /"20170312 023000" does not exist in America\/New_York/);
  assert.match(msg(5), /duplicate bar 2017-03-12T07:00Z: already at 2017-03-12T07:00Z \(line 4\)/);
  assert.match(msg(6), /bar 2017-03-12T06:57Z comes after 2017-03-12T07:00Z \(line 4\)/);
  assert.match(msg(7), /close 0/);
  assert.match(msg(8), /high 1\.0803, low 1\.0805/);
  assert.match(msg(10), /time "20170312 0304": does not match the time format/);
  assert.match(msg(11), /high "abc" is not a number/);
  assert.match(msg(12), /expected 6 fields separated by ";", found 4/);
  assert.match(msg(14), /open NaN/);
  assert.match(msg(17), /"20171105 013000" occurs twice in America\/New_York/);
  assert.equal(r.defects[1]!.raw, '20170312 030000;1.080300;1.080500;1.080200;1.080400;0');
  assert.equal(r.defects.every((d) => d.file === HISTDATA), true);
});

test('HistData: --source-tz changes the conversion (fixed EST as documented by HistData)', () => {
  const r = readHistData(fixture(HISTDATA), HISTDATA, { sourceTz: 'Etc/GMT+5' }); // POSIX sign: UTC−5
  assert.deepEqual(iso(r).slice(0, 4), ['2017-03-12T06:58Z', '2017-03-12T06:59Z', '2017-03-12T07:30Z', '2017-03-12T08:00Z']);
  assert.equal(r.defects.some((d) => d.kind.endsWith('local-time')), false);
});

test('pair defects of the whole file: unknown pair in the name, --pair contradicting the name, no pair at all', () => {
  const unknown = readHistData(fixture(HISTDATA), 'DAT_ASCII_USDEUR_M1_2017.csv');
  assert.equal(unknown.fatal, true);
  assert.equal(unknown.pair, null);
  assert.deepEqual(unknown.defects[0], { kind: 'unknown-pair', file: 'DAT_ASCII_USDEUR_M1_2017.csv', line: 0, raw: '',
    message: unknownMessage('the file name\'s pair "USDEUR"', ' (the market quotes it as EURUSD)') });
  const mixed = readHistData(fixture(HISTDATA), HISTDATA, { pair: 'GBPUSD' });
  assert.equal(mixed.fatal, true);
  assert.deepEqual(mixed.defects[0], { kind: 'mixed-pairs', file: HISTDATA, line: 0, raw: '',
    message: 'the file name says EURUSD but --pair says GBPUSD' });
  const renamed = readHistData(fixture(HISTDATA), 'bars.csv', { pair: 'eur/usd' });
  assert.equal(renamed.pair, 'EURUSD');
  assert.equal(renamed.fatal, false);
  const nameless = readHistData(fixture(HISTDATA), 'bars.csv');
  assert.equal(nameless.fatal, true);
  assert.match(nameless.defects.at(-1)!.message, /cannot tell the pair/);
});

function unknownMessage(what: string, hint: string): string {
  return `${what} is not one of the 28 pairs${hint}: EURUSD, EURGBP, EURJPY, EURAUD, …`;
}

test('pairFromName: HistData, Dukascopy, dukascopy-node and plain names', () => {
  assert.deepEqual(pairFromName('HISTDATA_COM_ASCII_EURUSD_M1_2017.zip'), { pair: 'EURUSD' });
  assert.deepEqual(pairFromName('/data/x/DAT_ASCII_usdcad_M1_201709.csv'), { pair: 'USDCAD' });
  assert.deepEqual(pairFromName('GBPUSD_Candlestick_1_M_BID_01.04.2025-30.04.2025.csv'), { pair: 'GBPUSD' });
  assert.deepEqual(pairFromName('eurusd-m1-bid-2019-01-01-2019-01-02.csv'), { pair: 'EURUSD' });
  assert.deepEqual(pairFromName('eurusd.csv'), { pair: 'EURUSD' });
  assert.deepEqual(pairFromName('EUR_USD_M1.csv'), { pair: 'EURUSD' });
  assert.deepEqual(pairFromName('XAUUSD_M1.csv'), { unknown: 'XAUUSD' });
  assert.deepEqual(pairFromName('bars-2024-07.parquet'), null);
});

test('Dukascopy web export: CRLF, no final newline, closed-market bars dropped, row defects', () => {
  const name = 'EURUSD_Candlestick_1_M_BID_fixture.csv';
  const r = readDukascopy(fixture(name), name);
  assert.equal(r.pair, 'EURUSD');
  assert.equal(r.rows, 14);
  // Friday 4 April 21:00 and 21:01 UTC (after the close): O = H = L = C, volume 0.
  assert.deepEqual(r.dropped, { closedMarket: 2, flatInWeek: 0, firstFlatInWeekLine: 0 });
  // 21:06 is flat but has volume 1.5: a real bar, kept.
  assert.deepEqual(iso(r), ['2025-04-04T20:58Z', '2025-04-04T20:59Z', '2025-04-06T21:04Z', '2025-04-06T21:06Z', '2025-04-06T21:10Z']);
  assert.deepEqual(Array.from(r.bars.volume), [35.2, 40.75, 12.5, 1.5, 7.25]);
  assert.deepEqual(Array.from(r.bars.close), [1.0961, 1.0964, 1.0975, 1.0975, 1.0976]);
  assert.deepEqual(defectLines(r), ['6 duplicate', '8 out-of-order', '9 ohlc-inconsistent', '11 malformed', '12 bad-price',
    '13 malformed', '14 malformed']); // line 1 is the header
  assert.match(r.defects[3]!.message, /time "31\.04\.2025 21:07:00\.000": date or time out of range/);
  assert.match(r.defects[5]!.message, /volume must be a finite number ≥ 0, got -2/);
  assert.match(r.defects[6]!.message, /not on a minute boundary/);
  assert.equal(r.rows, r.bars.ts.length + r.dropped.closedMarket + r.defects.length);
});

test('dukascopy-node export: epoch-ms and ISO times; flat bars dropped only when there is a volume column', () => {
  const ms = readDukascopy(fixture('eurusd-m1-bid-2019-01-01-2019-01-02.csv'), 'eurusd-m1-bid-2019-01-01-2019-01-02.csv');
  assert.equal(ms.pair, 'EURUSD');
  assert.deepEqual(iso(ms), ['2019-01-01T22:00Z', '2019-01-01T22:02Z']);
  // Line 3, Tuesday 1 January 22:01 UTC: flat with no volume inside the trading week (New Year's Day).
  assert.deepEqual(ms.dropped, { closedMarket: 0, flatInWeek: 1, firstFlatInWeekLine: 3 });
  assert.deepEqual(defectLines(ms), ['5 duplicate']);
  const isoTimes = readDukascopy(fixture('gbpusd-m1-bid-iso.csv'), 'gbpusd-m1-bid-iso.csv');
  assert.equal(isoTimes.pair, 'GBPUSD');
  assert.deepEqual(iso(isoTimes), ['2019-01-01T22:00Z', '2019-01-01T22:01Z', '2019-01-01T22:02Z']);
  assert.deepEqual(isoTimes.dropped, { closedMarket: 0, flatInWeek: 0, firstFlatInWeekLine: 0 });
  assert.deepEqual(Array.from(isoTimes.bars.volume), [0, 0, 0]);
  const local = readDukascopy(enc.encode('Local time,Open,High,Low,Close,Volume\n'), 'EURUSD.csv');
  assert.equal(local.fatal, true);
  assert.match(local.defects[0]!.message, /local time: its zone is not in the file/);
});

const MAPPING = { time: 'Date', open: 'O', high: 'H', low: 'L', close: 'C', volume: 'Vol', pair: 'Symbol',
  timeFormat: 'DD/MM/YYYY HH:mm', tz: 'Europe/London', delimiter: ';' };

test('generic CSV: column mapping, pattern time in a zone, pair column with mixed and unknown pairs', () => {
  const r = readCsv(fixture('generic-mixed.csv'), 'generic-mixed.csv', { csv: MAPPING });
  assert.equal(r.pair, 'GBPUSD'); // from the first row's pair column ("GBP/USD")
  assert.equal(r.fatal, false);
  // 00:59 GMT; 02:00 and 02:03 BST (UTC+1) after the 01:00 → 02:00 jump of 26 March 2017.
  assert.deepEqual(iso(r), ['2017-03-26T00:59Z', '2017-03-26T01:00Z', '2017-03-26T01:03Z']);
  assert.deepEqual(Array.from(r.bars.volume), [10, 12, 15]);
  assert.deepEqual(defectLines(r), ['3 nonexistent-local-time', '5 mixed-pairs', '6 unknown-pair', '8 ambiguous-local-time']);
  assert.equal(r.defects[1]!.message, 'row of EURUSD in a file of GBPUSD');
  assert.equal(r.defects[2]!.message, unknownMessage('the pair column\'s "XAU/USD"', ''));
  const missing = readCsv(fixture('generic-mixed.csv'), 'generic-mixed.csv', { csv: { ...MAPPING, close: 'Last' } });
  assert.equal(missing.fatal, true);
  assert.deepEqual(defectLines(missing), ['1 malformed']);
  assert.match(missing.defects[0]!.message, /no close column \("last"\) in the header "Date;Symbol;O;H;L;C;Vol"/);
  const pinned = readCsv(fixture('generic-mixed.csv'), 'generic-mixed.csv', { csv: MAPPING, pair: 'EURUSD' });
  assert.deepEqual(defectLines(pinned).filter((l) => l.endsWith('pairs')).length, 5, 'rows of GBPUSD in a file pinned to EURUSD');
});

test('Parquet: pair column, timestamp/decimal/bigint columns, every row defect kind', () => {
  const r = readParquetFile(fixture('bars-2024-07.parquet'), 'bars-2024-07.parquet');
  assert.equal(r.pair, 'EURUSD');
  assert.equal(r.rows, 9);
  assert.deepEqual(iso(r), ['2024-07-01T00:00Z', '2024-07-01T00:01Z', '2024-07-01T00:05Z']);
  assert.deepEqual(Array.from(r.bars.high), [1.0715, 1.0716, 1.0717]); // DECIMAL(10,5) column
  assert.deepEqual(Array.from(r.bars.volume), [5, 6, 10]); // BIGINT column
  assert.deepEqual(defectLines(r), ['3 duplicate', '4 mixed-pairs', '5 bad-price', '6 ohlc-inconsistent', '8 unknown-pair', '9 malformed']);
  assert.equal(r.defects[0]!.raw, '1719792060000,1.0712,1.0716,1.0711,1.0713,6,EURUSD');
  const epoch = readParquetFile(fixture('USDJPY_epoch.parquet'), 'USDJPY_epoch.parquet');
  assert.equal(epoch.pair, 'USDJPY');
  assert.deepEqual(iso(epoch), ['2024-07-01T00:00Z', '2024-07-01T00:01Z']);
  assert.deepEqual(Array.from(epoch.bars.close), [161.03, 161.04]);
  const broken = readParquetFile(fixture('bars-2024-07.parquet').slice(0, 200), 'EURUSD.parquet');
  assert.equal(broken.fatal, true);
  assert.match(broken.defects[0]!.message, /cannot read Parquet/);
});

test('zips as downloaded: the data member is read and the .txt report ignored; anything else is a file defect', () => {
  const csv = fixture(HISTDATA);
  const zip = zipSync({ 'DAT_ASCII_EURUSD_M1_2017.csv': csv, 'DAT_ASCII_EURUSD_M1_2017.txt': enc.encode('HistData.com status report') });
  const r = readHistData(zip, 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip');
  const plain = readHistData(csv, HISTDATA);
  assert.deepEqual(Array.from(r.bars.ts), Array.from(plain.bars.ts));
  assert.deepEqual(defectLines(r), defectLines(plain));
  const inner = readHistData(zipSync({ 'DAT_ASCII_GBPUSD_M1_2017.csv': csv }), 'download.zip');
  assert.equal(inner.pair, 'GBPUSD', 'the member name names the pair when the zip name does not');
  const two = readHistData(zipSync({ 'a.csv': csv, 'b.csv': csv }), 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip');
  assert.equal(two.fatal, true);
  assert.match(two.defects[0]!.message, /the zip holds 2 data files \(a\.csv, b\.csv\), expected one/);
  const corrupt = readHistData(zip.slice(0, 60), 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip');
  assert.equal(corrupt.fatal, true);
  assert.match(corrupt.defects[0]!.message, /cannot unzip/);
});

test('detectFormat: by content', () => {
  assert.equal(detectFormat(fixture(HISTDATA)), 'histdata');
  assert.equal(detectFormat(fixture('EURUSD_Candlestick_1_M_BID_fixture.csv')), 'dukascopy');
  assert.equal(detectFormat(fixture('eurusd-m1-bid-2019-01-01-2019-01-02.csv')), 'dukascopy');
  assert.equal(detectFormat(fixture('generic-mixed.csv')), null, 'O;H;L;C are not the usual names');
  assert.equal(detectFormat(fixture('generic-mixed.csv'), MAPPING), 'csv');
  assert.equal(detectFormat(fixture('bars-2024-07.parquet')), 'parquet');
  assert.equal(detectFormat(enc.encode('hello world\n')), null);
  assert.equal(detectFormat(enc.encode('\ufefftime,open,high,low,close\n')), 'csv');
});
