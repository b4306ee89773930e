// Bar times that must never reach the store or poison the time order: years outside 1970–2100 (or no
// date at all) and a single row far ahead of both neighbours; each is a defect with its line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { openStore } from '../../src/store/duckdb.ts';
import { ingestPaths, readCsv, readHistData, type ReadResult } from '../../src/io/ingest/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const enc = new TextEncoder();
const iso = (r: ReadResult) => Array.from(r.bars.ts, (t) => new Date(t).toISOString().slice(0, 16) + 'Z');
const defectLines = (r: ReadResult) => r.defects.map((d) => `${d.line} ${d.kind}`);
/** A generic CSV of EURUSD: one row per time (line k + 2), prices that pass every check. */
const csv = (times: string[]) => enc.encode(['time,open,high,low,close', ...times.map((t) => `${t},1.1,1.2,1.0,1.1`)].join('\n'));

test('years outside 1970–2100 are time-out-of-range defects with their lines; the rows after them load', () => {
  const r = readCsv(csv(['2017-06-01T10:00Z', '1969-12-31T23:59Z', '2101-01-01T00:00Z', '0000-01-01T00:00Z',
    '9999-12-31T23:59Z', '1970-01-01T00:00Z', '2100-12-31T23:59Z']), 'EURUSD.csv');
  assert.deepEqual(defectLines(r), ['3 time-out-of-range', '4 time-out-of-range', '5 time-out-of-range',
    '6 time-out-of-range', '7 out-of-order']);
  assert.match(r.defects[0]!.message, /bar 1969-12-31T23:59Z is outside the years 1970–2100/);
  assert.match(r.defects[4]!.message, /bar 1970-01-01T00:00Z comes after 2017-06-01T10:00Z \(line 2\)/);
  assert.deepEqual(iso(r), ['2017-06-01T10:00Z', '2100-12-31T23:59Z']);
});

test('epoch times beyond any date (6e21 ms) are reported, and the next row is still checked against the last good one', () => {
  const r = readCsv(enc.encode('timestamp,open,high,low,close\n1496311200000,1.1,1.2,1.0,1.1\n6000000000000000000000,1.1,1.2,1.0,1.1\n1496311260000,1.1,1.2,1.0,1.1\n'),
    'EURUSD.csv');
  assert.deepEqual(defectLines(r), ['3 time-out-of-range']);
  assert.match(r.defects[0]!.message, /bar 6e\+21 ms is outside the years 1970–2100/);
  assert.deepEqual(iso(r), ['2017-06-01T10:00Z', '2017-06-01T10:01Z']);
});

test('one row far in the future is a time-outlier; the good rows after it load (not out-of-order)', () => {
  const r = readCsv(csv(['2017-06-01T10:00Z', '2017-06-01T10:01Z', '2071-06-01T10:02Z', '2017-06-01T10:02Z', '2017-06-01T10:03Z']),
    'EURUSD.csv');
  assert.deepEqual(defectLines(r), ['4 time-outlier']);
  assert.match(r.defects[0]!.message,
    /bar 2071-06-01T10:02Z is more than 7 days ahead of both neighbours: the bar before is 2017-06-01T10:01Z \(line 3\), the bar after is 2017-06-01T10:02Z/);
  assert.equal(r.defects[0]!.raw, '2071-06-01T10:02Z,1.1,1.2,1.0,1.1');
  assert.deepEqual(iso(r), ['2017-06-01T10:00Z', '2017-06-01T10:01Z', '2017-06-01T10:02Z', '2017-06-01T10:03Z']);
});

test('outlier rule at its edges: first row, > 7 days vs exactly 7 days back, a real gap, the last row', () => {
  // A first row far ahead of the second: the third row tells which of the two is the odd one.
  const first = readCsv(csv(['2018-01-01T00:00Z', '2017-06-01T10:00Z', '2017-06-01T10:01Z']), 'EURUSD.csv');
  assert.deepEqual(defectLines(first), ['2 time-outlier']);
  assert.match(first.defects[0]!.message, /bar 2018-01-01T00:00Z .* it is the first bar, the bar after is 2017-06-01T10:00Z/);
  assert.deepEqual(iso(first), ['2017-06-01T10:00Z', '2017-06-01T10:01Z']);
  const second = readCsv(csv(['2017-06-01T10:00Z', '2016-01-04T00:00Z', '2017-06-01T10:01Z']), 'EURUSD.csv');
  assert.deepEqual(defectLines(second), ['3 out-of-order']);
  assert.deepEqual(iso(second), ['2017-06-01T10:00Z', '2017-06-01T10:01Z']);
  const two = readCsv(csv(['2018-01-01T00:00Z', '2017-06-01T10:00Z']), 'EURUSD.csv'); // no third row: the file order stands
  assert.deepEqual(defectLines(two), ['3 out-of-order']);
  // 7 days + 1 minute back from the jump: outlier. Exactly 7 days back: not one, the later row is out of order.
  const over = readCsv(csv(['2017-06-01T10:00Z', '2017-06-08T10:02Z', '2017-06-01T10:01Z']), 'EURUSD.csv');
  assert.deepEqual(defectLines(over), ['3 time-outlier']);
  const exact = readCsv(csv(['2017-06-01T10:00Z', '2017-06-08T10:01Z', '2017-06-01T10:01Z']), 'EURUSD.csv');
  assert.deepEqual(defectLines(exact), ['4 out-of-order']);
  // A month without data and then more data: a real gap, all kept; a far last row has no later row to contradict it.
  const gap = readCsv(csv(['2017-06-01T10:00Z', '2017-07-03T10:00Z', '2017-07-03T10:01Z', '2017-09-01T00:00Z']), 'EURUSD.csv');
  assert.deepEqual(gap.defects, []);
  assert.equal(gap.bars.ts.length, 4);
});

test('an outlier that failed its price check is not reported twice; a far-past row after it is out of order', () => {
  const r = readCsv(enc.encode(['time,open,high,low,close', '2017-06-01T10:00Z,1.1,1.2,1.0,1.1', '2071-01-01T00:00Z,0,1.2,1.0,1.1',
    '2016-01-04T00:00Z,1.1,1.2,1.0,1.1', 'bad,1.1,1.2,1.0,1.1', '2017-06-01T10:01Z,1.1,1.2,1.0,1.1'].join('\n')), 'EURUSD.csv');
  assert.deepEqual(defectLines(r), ['3 bad-price', '4 out-of-order', '5 malformed']);
  assert.match(r.defects[1]!.message, /bar 2016-01-04T00:00Z comes after 2017-06-01T10:00Z \(line 2\)/);
  assert.deepEqual(iso(r), ['2017-06-01T10:00Z', '2017-06-01T10:01Z']);
});

test('an outlier is reported in file order among the malformed rows between it and the row that reveals it', () => {
  const r = readCsv(enc.encode(['time,open,high,low,close', '2017-06-01T10:00Z,1.1,1.2,1.0,1.1', '2071-01-01T00:00Z,1.1,1.2,1.0,1.1',
    'x,1.1,1.2,1.0,1.1', '2017-06-01T10:01Z,1.1,1.2,1.0,1.1'].join('\n')), 'EURUSD.csv');
  assert.deepEqual(defectLines(r), ['3 time-outlier', '4 malformed']);
});

test('ingestPaths: a file with a year the store cannot hold is reported, never thrown; skip loads its good rows', async () => {
  const dir = tempDir('bqx-ingest-times-');
  const file = join(dir, 'EURUSD.csv');
  writeFileSync(file, csv(['2017-06-01T10:00Z', '9999-01-01T00:00Z', '2017-06-01T10:01Z', '2500-01-01T00:00Z']));
  const store = await openStore(':memory:');
  const [failed] = await ingestPaths(store, [file], { format: 'auto', onError: 'fail', rejectsDir: join(dir, 'rejects') });
  assert.equal(failed!.status, 'rejected');
  assert.equal(failed!.defects['time-out-of-range'], 2);
  assert.deepEqual(await store.summary(), []);
  const [skipped] = await ingestPaths(store, [file], { format: 'auto', onError: 'skip', rejectsDir: join(dir, 'rejects') });
  assert.equal(skipped!.status, 'partial');
  assert.equal(skipped!.loaded, 2);
  const [row] = await store.summary();
  assert.equal(row!.pair, 'EURUSD');
  assert.equal(row!.bars, 2);
  await store.close();
});

const REAL_ZIP = fileURLToPath(new URL('../../../shared/data/real-fx/parrondo__deeptrading/HISTDATA_COM_ASCII_GBPUSD_M1_2017.zip', import.meta.url));
test('real GBPUSD 2017 with a 2071 row and a 2150 row spliced in: the same 371,204 bars load, two defects', {
  skip: existsSync(REAL_ZIP) ? false : 'needs ../shared/data/real-fx (absent)',
}, () => {
  const clean = readHistData(new Uint8Array(readFileSync(REAL_ZIP)), 'DAT_ASCII_GBPUSD_M1_2017.csv');
  assert.equal(clean.bars.ts.length, 371_204);
  const [member] = Object.values(unzipSync(new Uint8Array(readFileSync(REAL_ZIP)), { filter: (f) => f.name.endsWith('.csv') }));
  const lines = Buffer.from(member!).toString('latin1').split('\n');
  // A bar of 2071 as line 100,001 (without the outlier rule every later real bar would be "out of order"),
  // and a year the store cannot hold as line 200,002.
  lines.splice(200_000, 0, '21500101 000000;1.2;1.3;1.1;1.2;0');
  lines.splice(100_000, 0, '20710601 120000;1.2;1.3;1.1;1.2;0');
  const r = readHistData(enc.encode(lines.join('\n')), 'DAT_ASCII_GBPUSD_M1_2017.csv');
  assert.deepEqual(defectLines(r), ['100001 time-outlier', '200002 time-out-of-range']);
  for (const c of ['ts', 'open', 'high', 'low', 'close', 'volume'] as const) assert.deepEqual(r.bars[c], clean.bars[c], c);
});
