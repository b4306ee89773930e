import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/duckdb.ts';
import type { ManifestRecord, RunRecord } from '../../src/store/types.ts';
import { assertSameBars, makeBars, storeTest, withStore } from './store-reference.ts';

function manifest(over: Partial<ManifestRecord> = {}): ManifestRecord {
  return {
    stage: 'base', pair: 'EURUSD', month: '2024-07', status: 'done', codeVersion: 'c0ffee',
    inputVersions: { 'bars:EURUSD:2024-06': 'aa', 'bars:EURUSD:2024-07': 'bb' }, dataVersion: 'dd',
    rows: 31_234, bytes: 181_000_000_123, checksum: 'sha256:00', path: 'lake/base/pair=EURUSD/month=2024-07/part-0.parquet',
    startedAt: Date.UTC(2024, 7, 1, 12, 0, 0, 123), finishedAt: Date.UTC(2024, 7, 1, 12, 0, 4, 567), attempts: 2,
    worker: 'host:1234/w0', error: '', extra: { hmm: { fits: [{ end: 1.5, ll: -1234.25 }], note: 'é ∑ "q" \n' } },
    ...over,
  };
}

storeTest('manifests round-trip, upsert by (stage, pair, month) and filter by stage', async (withStore) => {
  await withStore(async (s) => {
    assert.deepEqual(await s.getManifests(), []);
    const a = manifest();
    const b = manifest({ stage: 'ci', pair: '*', month: '2024-06', status: 'failed', error: 'boom: "x"', inputVersions: {}, extra: {} });
    const c = manifest({ pair: 'USDJPY', status: 'running', startedAt: 0, finishedAt: 0 });
    for (const m of [a, b, c]) await s.putManifest(m);
    assert.deepEqual(await s.getManifests(), [a, c, b]); // by stage, pair, month
    assert.deepEqual(await s.getManifests('ci'), [b]);
    assert.deepEqual(await s.getManifests('nope'), []);
    const a2 = manifest({ status: 'pending', rows: 0, attempts: 3, inputVersions: { x: 'y' }, worker: 'other' });
    await s.putManifest(a2);
    assert.deepEqual(await s.getManifests('base'), [a2, c]);
    await s.putManifest(manifest({ pair: 'eur/usd', status: 'failed' }));
    assert.equal((await s.getManifests('base'))[0]!.status, 'failed', 'pair names are canonical');
    await assert.rejects(s.putManifest(manifest({ month: '2024-7' })), /invalid month/);
    await assert.rejects(s.putManifest(manifest({ pair: 'EURXXX' })), /unknown pair/);
    await assert.rejects(s.putManifest(manifest({ status: 'weird' as ManifestRecord['status'] })), /CHECK constraint/i);
    await assert.rejects(s.putManifest(manifest({ rows: NaN })), /rows must be a finite number/);
    assert.equal((await s.getManifests()).length, 3);
  });
});

storeTest('runs round-trip (finishedAt null), upsert by id, newest first, with a limit', async (withStore) => {
  const run = (id: string, startedAt: number, over: Partial<RunRecord> = {}): RunRecord =>
    ({ id, startedAt, finishedAt: null, status: 'running', command: 'run --pairs EURUSD', summary: { units: [1, 2], ok: true, n: null }, ...over });
  await withStore(async (s) => {
    const r1 = run('r1', Date.UTC(2024, 0, 1, 0, 0, 0, 1));
    const r2 = run('r2', Date.UTC(2024, 0, 2));
    const r3 = run('r3', Date.UTC(2023, 11, 31));
    for (const r of [r1, r2, r3]) await s.putRun(r);
    assert.deepEqual(await s.getRuns(), [r2, r1, r3]);
    assert.deepEqual(await s.getRuns(2), [r2, r1]);
    assert.deepEqual(await s.getRuns(0), []);
    const done = run('r1', r1.startedAt, { finishedAt: r1.startedAt + 5_000.5, status: 'done', summary: { validation: { errors: 0 } } });
    await s.putRun(done);
    assert.deepEqual(await s.getRuns(), [r2, done, r3]);
    await assert.rejects(s.getRuns(-1), /limit must be/);
    await assert.rejects(s.putRun(run('bad', 0, { status: 'odd' as RunRecord['status'] })), /CHECK constraint/i);
  });
});

test('query returns plain objects: safe integers as numbers, others as strings, timestamps as epoch ms', async () => {
  await withStore(async (s) => {
    const [row] = await s.query(`SELECT 42::BIGINT AS i, 9007199254740993::BIGINT AS big, 12::HUGEINT AS h, 1.5::DOUBLE AS d,
      3.25::DECIMAL(10, 2) AS dec, 'x' AS str, NULL AS nothing, true AS flag,
      TIMESTAMP '2024-07-01 12:00:00.250' AS t, TIMESTAMPTZ '2024-07-01 12:00:00+00' AS tz, DATE '2024-07-02' AS day,
      [1, 2]::BIGINT[] AS list, {'at': TIMESTAMP '1970-01-01 00:00:01', 'n': 7::BIGINT} AS rec`);
    assert.deepEqual(row, {
      i: 42, big: '9007199254740993', h: 12, d: 1.5, dec: 3.25, str: 'x', nothing: null, flag: true,
      t: Date.UTC(2024, 6, 1, 12, 0, 0, 250), tz: Date.UTC(2024, 6, 1, 12), day: Date.UTC(2024, 6, 2),
      list: [1, 2], rec: { at: 1000, n: 7 },
    });
    await s.putRun({ id: 'r', startedAt: Date.UTC(2024, 0, 1), finishedAt: null, status: 'done', command: 'x', summary: {} });
    assert.deepEqual(await s.query('SELECT id, started_at FROM runs'), [{ id: 'r', started_at: Date.UTC(2024, 0, 1) }]);
    await assert.rejects(s.query('SELECT * FROM no_such_table'), /no_such_table/);
  });
});

test('a file database keeps bars, versions, manifests and runs across close and reopen', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bqx-store-'));
  try {
    const path = join(dir, 'a', 'b', 'bqx.duckdb');
    const bars = makeBars(Date.UTC(2024, 5, 28), 20_000, 12);
    const m = manifest();
    const run: RunRecord = { id: 'r', startedAt: 1, finishedAt: 2, status: 'done', command: 'run', summary: { a: 1 } };
    let s = await openStore(path);
    await s.upsertBars('GBPJPY', bars, 'file');
    await s.putManifest(m);
    await s.putRun(run);
    const index = await s.monthIndex();
    const summary = await s.summary();
    await s.close();
    await assert.rejects(s.readBars('GBPJPY', 0, 1), /closed/);
    await s.close(); // closing twice is harmless
    s = await openStore(path);
    try {
      assertSameBars(await s.readBars('GBPJPY', -Infinity, Infinity), bars, 'reopened');
      assert.deepEqual(await s.monthIndex(), index);
      assert.deepEqual(await s.summary(), summary);
      assert.deepEqual(await s.getManifests(), [m]);
      assert.deepEqual(await s.getRuns(), [run]);
      assert.deepEqual(await s.upsertBars('GBPJPY', bars, 'file'), { inserted: 0, replaced: 0, unchanged: 20_000 });
    } finally {
      await s.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
