// Stage records and saved plans (migration 4): round-trip, upsert by (run, stage), order by the run's
// start (newest first), checks on numbers, and a database at schema 3 migrated to 4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import { migrate, MIGRATIONS } from '../../src/store/migrations.ts';
import type { StageRecord } from '../../src/store/types.ts';
import { storeTest } from './store-reference.ts';

function stage(runId: string, name: string, over: Partial<StageRecord> = {}): StageRecord {
  return {
    runId, stage: name, partitions: 84, computed: 80, skipped: 4, failed: 0, pending: 0, pairMonths: 80, rows: 2_600_123,
    bytes: 9_876_543_210, workers: 2, wallMs: 61_234.5, computeMs: 100_000.25, writeMs: 20_000.75,
    startedAt: Date.UTC(2024, 7, 1, 12, 0, 0, 5), finishedAt: Date.UTC(2024, 7, 1, 12, 1, 1, 239.5), ...over,
  };
}

storeTest('stage records round-trip, upsert by (run, stage) and list newest run first', async (withStore) => {
  await withStore(async (s) => {
    assert.deepEqual(await s.getStageRecords(), []);
    await s.putRun({ id: 'old', startedAt: 1_000, finishedAt: 2_000, status: 'done', command: 'run', summary: {} });
    await s.putRun({ id: 'new', startedAt: 5_000, finishedAt: null, status: 'running', command: 'run', summary: {} });
    const o1 = stage('old', 'base', { startedAt: 1_000, finishedAt: 1_500 });
    const o2 = stage('old', 'ti', { startedAt: 1_500, finishedAt: 2_000 });
    const n1 = stage('new', 'ci', { startedAt: 5_000, finishedAt: 6_000, pairMonths: 28 * 3, partitions: 3, computed: 3 });
    for (const r of [o2, n1, o1]) await s.putStageRecord(r);
    assert.deepEqual(await s.getStageRecords(), [n1, o1, o2], 'newest run first, then stage start order');
    assert.deepEqual(await s.getStageRecords('old'), [o1, o2]);
    assert.deepEqual(await s.getStageRecords('none'), []);
    const o1b = { ...o1, failed: 2, computed: 78 };
    await s.putStageRecord(o1b);
    assert.deepEqual(await s.getStageRecords('old'), [o1b, o2]);
    await assert.rejects(s.putStageRecord(stage('x', 'base', { wallMs: NaN })), /wallMs must be a finite number/);
    await assert.rejects(s.putStageRecord(stage('x', 'base', { bytes: Infinity })), /bytes must be a finite number/);
  });
});

storeTest('plans round-trip as JSON and are found by id', async (withStore) => {
  await withStore(async (s) => {
    assert.equal(await s.getPlan('p'), null);
    const plan = { id: 'p', createdAt: Date.UTC(2026, 0, 2), plan: { estimate: { wallHours: 1.25, stages: [{ stage: 'base', wallHours: 0.5 }] }, note: 'é "q"' } };
    await s.putPlan(plan);
    assert.deepEqual(await s.getPlan('p'), plan);
  });
});

test('migration 4 applies to a database at schema 3 and keeps its runs', async () => {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    assert.deepEqual(await migrate(conn, MIGRATIONS.slice(0, 3)), [1, 2, 3]);
    await conn.run(`INSERT INTO runs VALUES ('r', TIMESTAMP '2024-01-01', NULL, 'done', 'run', '{}')`);
    assert.deepEqual(await migrate(conn), [4]);
    const rows = (await conn.runAndReadAll('SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM run_stages), (SELECT count(*) FROM plans)')).getRows();
    assert.deepEqual(rows[0]!.map(Number), [1, 0, 0]);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
});
