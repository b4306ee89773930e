// The partition queue on a real PostgreSQL 15 (a fresh database, dropped after): pg-boss 10 as bqx
// configures it — the lease from the given expiry, a released task retried at once, an expired lease
// retried, a job failed for good after its retries — and the per-task queue overhead, measured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_SERVER, testDatabase } from '../helpers/postgres.ts';
import { PartitionQueue, type PartitionJob } from '../../src/distributed/queue.ts';

// Created at load, so that its drop hook belongs to the file, not to the first test.
const url = await testDatabase();

const job = (key: string): PartitionJob => ({ runId: 'r', key, codeVersion: 'c', dataVersion: 'd', inputVersions: {}, inputs: [] });

/** A queue on the test database with no other job in it. */
async function emptyQueue(url: string): Promise<PartitionQueue> {
  const q = await PartitionQueue.open({ url, pool: 2 });
  await q.sql(`DELETE FROM pgboss.job WHERE name = 'bqx-partitions'`);
  return q;
}

test('a job carries its lease and retry limit; a released job is handed out again at once', async (t) => {
  if (!url) return t.skip(NO_SERVER);
  const q = await emptyQueue(url);
  try {
    const id = await q.send(job('base|EURUSD|2024-07'), { expireSeconds: 125, retryLimit: 3 });
    const rows = await q.sql(`SELECT extract(epoch FROM expire_in)::int AS s, retry_limit, retry_delay FROM pgboss.job WHERE id = $1`, [id]);
    assert.deepEqual(rows[0], { s: 125, retry_limit: 3, retry_delay: 0 });
    const [first] = await q.fetch(1);
    assert.equal(first?.id, id);
    assert.equal(first.retryCount, 0);
    assert.deepEqual(await q.fetch(1), [], 'an active job is not handed out twice');
    await q.fail(id, { message: 'released' });
    const t0 = performance.now();
    const [again] = await q.fetch(1);
    const ms = performance.now() - t0;
    assert.equal(again?.id, id, 'the released job is the next one fetched, without waiting');
    assert.equal(again.retryCount, 1);
    assert.deepEqual(again.data, job('base|EURUSD|2024-07'));
    t.diagnostic(`released → fetched again in ${ms.toFixed(1)} ms`);
    await q.complete(id, { worker: 'w', computed: true, rows: 1, bytes: 2, pairMonths: 1, computeMs: 3, writeMs: 4, warnings: [] });
    const st = (await q.states([id])).get(id)!;
    assert.equal(st.state, 'completed');
    assert.deepEqual(st.output, { worker: 'w', computed: true, rows: 1, bytes: 2, pairMonths: 1, computeMs: 3, writeMs: 4, warnings: [] });
  } finally {
    await q.close();
  }
});

test('a job whose holder died is retried after its lease, and failed for good after its retries', async (t) => {
  if (!url) return t.skip(NO_SERVER);
  const q = await emptyQueue(url);
  try {
    const id = await q.send(job('ti|EURUSD|2024-07'), { expireSeconds: 1, retryLimit: 1 });
    assert.equal((await q.fetch(1))[0]?.id, id); // taken, never completed: its holder "died"
    await q.expire();
    assert.equal((await q.states([id])).get(id)!.state, 'active', 'still within its 1 s lease');
    await new Promise((r) => setTimeout(r, 1_100));
    await q.expire();
    assert.equal((await q.states([id])).get(id)!.state, 'retry');
    const [retried] = await q.fetch(1);
    assert.equal(retried?.id, id);
    assert.equal(retried.retryCount, 1);
    await q.fail(id, { message: 'boom' });
    const st = (await q.states([id])).get(id)!;
    assert.equal(st.state, 'failed', 'retry limit 1: the second failure is final');
    assert.deepEqual(st.output, { message: 'boom' });
    assert.deepEqual(await q.fetch(1), []);
  } finally {
    await q.close();
  }
});

test('per-task queue overhead: send, fetch, complete and state round trips (measured)', async (t) => {
  if (!url) return t.skip(NO_SERVER);
  const q = await emptyQueue(url);
  try {
    const n = 40;
    const ids: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) ids.push(await q.send(job(`base|EURUSD|2024-07`), { expireSeconds: 60, retryLimit: 1 }));
    const t1 = performance.now();
    const fetched: string[] = [];
    for (let i = 0; i < n; i++) fetched.push((await q.fetch(1))[0]!.id);
    const t2 = performance.now();
    for (const id of fetched) await q.complete(id, { worker: 'w', computed: true, rows: 0, bytes: 0, pairMonths: 0, computeMs: 0, writeMs: 0, warnings: [] });
    const t3 = performance.now();
    const states = await q.states(ids);
    const t4 = performance.now();
    assert.deepEqual(new Set(fetched), new Set(ids), 'every job fetched once');
    assert.ok([...states.values()].every((s) => s.state === 'completed'));
    t.diagnostic(`per job: send ${((t1 - t0) / n).toFixed(2)} ms, fetch ${((t2 - t1) / n).toFixed(2)} ms, complete ${((t3 - t2) / n).toFixed(2)} ms; states of ${n} jobs in one query ${(t4 - t3).toFixed(1)} ms`);
  } finally {
    await q.close();
  }
});
