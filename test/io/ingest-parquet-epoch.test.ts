// Numeric time columns in Parquet: epoch seconds or milliseconds told from the first value as the CSV
// reader does, or refused with a message naming --time-format; explicit formats win.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Float64, Int32, Int64 } from 'apache-arrow';
import { readParquetFile, type ReadResult } from '../../src/io/ingest/index.ts';
import { parquetBytes } from './parquet-bytes.ts';

const iso = (r: ReadResult) => Array.from(r.bars.ts, (t) => new Date(t).toISOString().slice(0, 16) + 'Z');
const T0 = Date.UTC(2024, 6, 1); // 2024-07-01T00:00Z
const prices = { open: { values: [1.1, 1.1] }, high: { values: [1.2, 1.2] }, low: { values: [1.0, 1.0] }, close: { values: [1.1, 1.1] } };
const file = (time: { values: unknown[]; type?: import('apache-arrow').DataType }) => parquetBytes({ time, ...prices });

test('Parquet numeric times: int32 and float seconds, int64 and float milliseconds, all read as the same bars', () => {
  const cases = [
    { values: [T0 / 1000, T0 / 1000 + 60], type: new Int32() },
    { values: [T0 / 1000, T0 / 1000 + 60], type: new Float64() },
    { values: [BigInt(T0), BigInt(T0 + 60_000)], type: new Int64() },
    { values: [T0, T0 + 60_000], type: new Float64() },
  ];
  for (const c of cases) {
    const r = readParquetFile(file(c), 'EURUSD.parquet');
    assert.deepEqual(r.defects, [], String(c.type));
    assert.deepEqual(iso(r), ['2024-07-01T00:00Z', '2024-07-01T00:01Z'], String(c.type));
  }
});

test('Parquet numeric times that are neither seconds nor milliseconds are refused, naming --time-format', () => {
  const r = readParquetFile(file({ values: [20240701, 20240702], type: new Int32() }), 'EURUSD.parquet');
  assert.equal(r.fatal, true);
  assert.equal(r.bars.ts.length, 0);
  assert.equal(r.rows, 2);
  assert.match(r.defects[0]!.message, /numbers such as 20240701, neither epoch seconds .* pass --time-format epoch-s or epoch-ms/);
  // An explicit format is taken as given: 60 and 120 epoch seconds are 1970-01-01 00:01 and 00:02.
  const mapping = { time: 'time', open: 'open', high: 'high', low: 'low', close: 'close' };
  const seconds = readParquetFile(file({ values: [60, 120], type: new Int32() }), 'EURUSD.parquet', { csv: { ...mapping, timeFormat: 'epoch-s' } });
  assert.deepEqual(iso(seconds), ['1970-01-01T00:01Z', '1970-01-01T00:02Z']);
  // Milliseconds forced on a column of seconds: 1970 times that are not whole minutes, each reported.
  const forced = readParquetFile(file({ values: [T0 / 1000, T0 / 1000 + 60], type: new Int32() }), 'EURUSD.parquet',
    { csv: { ...mapping, timeFormat: 'epoch-ms' } });
  assert.deepEqual(forced.defects.map((d) => `${d.line} ${d.kind}`), ['1 malformed', '2 malformed']);
});
