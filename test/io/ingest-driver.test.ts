// ingestPaths end to end with the embedded DuckDB store: the bad-input policy (fail / skip with a rejects
// file), idempotent re-ingest, overlap merge, directory walking, progress, option errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { openStore } from '../../src/store/duckdb.ts';
import { ingestPaths, type IngestOptions } from '../../src/io/ingest/index.ts';

const FIX = fileURLToPath(new URL('../../fixtures/ingest/', import.meta.url));
const REAL = fileURLToPath(new URL('../../../shared/data/real-fx/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'bqx-ingest-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const opts = (o: Partial<IngestOptions> = {}): IngestOptions => ({ format: 'auto', onError: 'fail', rejectsDir: join(tmp, 'rejects'), ...o });
const NONE = { 'malformed': 0, 'duplicate': 0, 'out-of-order': 0, 'bad-price': 0, 'ohlc-inconsistent': 0, 'unknown-pair': 0,
  'mixed-pairs': 0, 'nonexistent-local-time': 0, 'ambiguous-local-time': 0, 'time-out-of-range': 0, 'time-outlier': 0 };
const DEFECTS = join(FIX, 'DAT_ASCII_EURUSD_M1_defects.csv');

/** HistData lines of GBPUSD: minutes `from`..`to` after 2017-06-01 10:00 New York, close shifted by `bump`. */
function histLines(from: number, to: number, bump = 0): string {
  const out: string[] = [];
  for (let m = from; m < to; m++) {
    const base = 1.29 + m * 1e-5;
    const [o, h, l, c] = [base, base + 5e-4, base - 5e-4, base + bump].map((x) => x.toFixed(5));
    const t = 600 + m; // minutes after 2017-06-01 00:00
    const day = String(1 + Math.floor(t / 1440)).padStart(2, '0');
    const hhmm = String(Math.floor((t % 1440) / 60)).padStart(2, '0') + String(t % 60).padStart(2, '0');
    out.push(`201706${day} ${hhmm}00;${o};${h};${l};${c};0`);
  }
  return out.join('\n') + '\n';
}

test('--on-error fail: a file with defects loads nothing and the report says why', async () => {
  const store = await openStore(':memory:');
  const [r] = await ingestPaths(store, [DEFECTS], opts());
  assert.equal(r!.status, 'rejected');
  assert.equal(r!.format, 'histdata');
  assert.equal(r!.pair, 'EURUSD');
  assert.equal(r!.rows, 17);
  assert.equal(r!.loaded, 0);
  assert.equal(r!.upsert, undefined);
  assert.equal(r!.rejectsFile, undefined);
  assert.deepEqual(r!.defects, { ...NONE, 'malformed': 3, 'duplicate': 1, 'out-of-order': 1, 'bad-price': 3,
    'ohlc-inconsistent': 2, 'nonexistent-local-time': 1, 'ambiguous-local-time': 1 });
  assert.deepEqual(r!.examples.map((d) => `${d.line} ${d.kind}`), ['3 nonexistent-local-time', '5 duplicate', '6 out-of-order',
    '7 bad-price', '8 ohlc-inconsistent', '9 ohlc-inconsistent', '10 malformed', '11 malformed', '12 malformed', '13 bad-price',
    '14 bad-price', '17 ambiguous-local-time']);
  assert.equal(r!.examples.every((d) => d.file === DEFECTS), true, 'examples name the file as given (resolved)');
  assert.deepEqual(await store.summary(), []);
  await store.close();
});

test('--on-error skip: the good rows load and the rejected ones go to <file>.rejects.csv', async () => {
  const store = await openStore(':memory:');
  const [r] = await ingestPaths(store, [DEFECTS], opts({ onError: 'skip' }));
  assert.equal(r!.status, 'partial');
  assert.equal(r!.loaded, 5);
  assert.deepEqual(r!.upsert, { inserted: 5, replaced: 0, unchanged: 0 });
  assert.equal(r!.rejectsFile, join(tmp, 'rejects', 'DAT_ASCII_EURUSD_M1_defects.csv.rejects.csv'));
  const lines = readFileSync(r!.rejectsFile!, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 13);
  assert.equal(lines[0], 'line,kind,message,raw');
  assert.equal(lines[7], '10,malformed,"time ""20170312 0304"": does not match the time format",20170312 0304;1.080400;1.080600;1.080300;1.080400;0');
  assert.equal(lines[9], '12,malformed,"expected 6 fields separated by "";"", found 4",20170312 030600;1.080400;1.080600;1.080300');
  const bars = await store.readBars('EURUSD', 0, Date.parse('2018-01-01'));
  assert.deepEqual(Array.from(bars.ts), ['2017-03-12T06:58Z', '2017-03-12T06:59Z', '2017-03-12T07:00Z', '2017-11-05T04:59Z',
    '2017-11-05T07:00Z'].map(Date.parse));
  assert.deepEqual(Array.from(bars.close), [1.0801, 1.0802, 1.0804, 1.1601, 1.1603]);
  await store.close();
});

test('re-ingesting is idempotent and overlapping files merge (later values replace earlier ones)', async () => {
  const store = await openStore(':memory:');
  const a = join(tmp, 'DAT_ASCII_GBPUSD_M1_a.csv');
  const b = join(tmp, 'DAT_ASCII_GBPUSD_M1_b.csv');
  writeFileSync(a, histLines(0, 5));
  writeFileSync(b, histLines(3, 4) + histLines(4, 7, 1e-5)); // minute 3 as in a, 4 changed, 5..6 new
  const [first] = await ingestPaths(store, [a], opts());
  const [again] = await ingestPaths(store, [a], opts());
  assert.deepEqual(first!.upsert, { inserted: 5, replaced: 0, unchanged: 0 });
  assert.deepEqual(again!.upsert, { inserted: 0, replaced: 0, unchanged: 5 });
  const [merged] = await ingestPaths(store, [b], opts());
  assert.deepEqual(merged!.upsert, { inserted: 2, replaced: 1, unchanged: 1 });
  const bars = await store.readBars('GBPUSD', 0, Date.parse('2018-01-01'));
  assert.deepEqual(Array.from(bars.ts), [0, 1, 2, 3, 4, 5, 6].map((m) => Date.parse('2017-06-01T14:00Z') + m * 60_000)); // 10:00 EDT
  assert.deepEqual(Array.from(bars.close), [1.29, 1.29001, 1.29002, 1.29003, 1.29005, 1.29006, 1.29007]);
  await store.close();
});

test('directories: recursive, zips and CSVs only (not .txt reports or rejects files); progress every ~1 MiB', async () => {
  const dir = join(tmp, 'tree');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  const big = histLines(0, 40_000); // ≈ 2.2 MB
  writeFileSync(join(dir, 'sub', 'HISTDATA_COM_ASCII_GBPUSD_M1_201706.zip'), zipSync({
    'DAT_ASCII_GBPUSD_M1_201706.csv': new TextEncoder().encode(big), 'DAT_ASCII_GBPUSD_M1_201706.txt': new Uint8Array(10) }));
  writeFileSync(join(dir, 'DAT_ASCII_GBPUSD_M1_201706.txt'), 'status report');
  writeFileSync(join(dir, 'old.csv.rejects.csv'), 'line,kind,message,raw\n');
  writeFileSync(join(dir, 'README.md'), '# notes');
  const store = await openStore(':memory:');
  const events: { file: string; bytesDone: number; bytesTotal: number }[] = [];
  const reports = await ingestPaths(store, [dir], opts(), (p) => events.push(p));
  assert.deepEqual(reports.map((r) => [r.file, r.format, r.status, r.loaded]),
    [[join(dir, 'sub', 'HISTDATA_COM_ASCII_GBPUSD_M1_201706.zip'), 'histdata', 'loaded', 40_000]]);
  const parse = events.filter((e) => e.bytesTotal === big.length);
  assert.ok(parse.length >= 2, `${parse.length} progress events while parsing`);
  assert.equal(parse.at(-1)!.bytesDone, big.length);
  for (let i = 1; i < parse.length; i++) {
    assert.ok(parse[i]!.bytesDone > parse[i - 1]!.bytesDone);
    assert.ok(parse[i]!.bytesDone - parse[i - 1]!.bytesDone <= (1 << 20) + 100);
  }
  await store.close();
});

test('unreadable inputs are reported, not thrown: unknown format, empty file, ask-side file', async () => {
  const store = await openStore(':memory:');
  const odd = join(tmp, 'EURUSD_notes.csv');
  const empty = join(tmp, 'DAT_ASCII_EURUSD_M1_empty.csv');
  writeFileSync(odd, 'hello\nworld\n');
  writeFileSync(empty, '');
  const reports = await ingestPaths(store, [odd, empty], opts({ onError: 'skip' }));
  assert.deepEqual(reports.map((r) => [r.status, r.loaded, r.examples[0]?.kind]), [['rejected', 0, 'malformed'], ['rejected', 0, 'malformed']]);
  assert.match(reports[0]!.examples[0]!.message, /unrecognised format/);
  assert.equal(reports[1]!.examples[0]!.message, 'no data rows');
  // An ask-side export would silently overwrite the bid series of its pair: refused.
  const ask = join(tmp, 'EURUSD_Candlestick_1_M_ASK_01.04.2025-30.04.2025.csv');
  writeFileSync(ask, readFileSync(join(FIX, 'EURUSD_Candlestick_1_M_BID_fixture.csv')));
  const [a] = await ingestPaths(store, [ask], opts({ onError: 'skip' }));
  assert.deepEqual([a!.status, a!.loaded, a!.examples[0]!.line], ['rejected', 0, 0]);
  assert.match(a!.examples[0]!.message, /ask-side prices/);
  assert.deepEqual(await store.summary(), []);
  await store.close();
});

test('options that cannot work throw one-line errors before anything is read', async () => {
  const store = await openStore(':memory:');
  await assert.rejects(ingestPaths(store, [DEFECTS], opts({ pair: 'XAUUSD' })), /pair "XAUUSD" is not one of the 28 pairs/);
  await assert.rejects(ingestPaths(store, [DEFECTS], opts({ sourceTz: 'New_York' })), /unknown time zone "New_York"/);
  await assert.rejects(ingestPaths(store, [DEFECTS], opts({ csv: { time: 't', open: 'o', high: 'h', low: 'l', close: 'c', timeFormat: 'HH:mm' } })),
    /time format "HH:mm" needs exactly one YYYY/);
  await assert.rejects(ingestPaths(store, [join(tmp, 'nope.csv')], opts()), /no such file or directory: .*nope\.csv/);
  assert.deepEqual(await store.summary(), []);
  await store.close();
});

test('real HistData zip into the store: 371,635 EURUSD bars', { skip: existsSync(REAL) ? false : 'needs ../shared/data/real-fx (absent)' }, async () => {
  const store = await openStore(':memory:');
  const t0 = performance.now();
  const [r] = await ingestPaths(store, [join(REAL, 'parrondo__deeptrading', 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip')], opts());
  const ms = performance.now() - t0;
  assert.equal(r!.status, 'loaded');
  assert.deepEqual(r!.upsert, { inserted: 371_635, replaced: 0, unchanged: 0 });
  const [s] = await store.summary();
  assert.equal(s!.pair, 'EURUSD');
  assert.equal(s!.bars, 371_635);
  assert.equal(s!.first, Date.parse('2017-01-02T07:00Z'));
  console.log(`# EURUSD 2017 zip ingested (read + parse + store) in ${ms.toFixed(0)} ms`);
  await store.close();
});
