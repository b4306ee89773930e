// The coordinator of `bqx run --distributed` while no worker answers, on a real PostgreSQL 15 (a fresh
// database, dropped after): it says once that tasks wait and no worker has beaten for the silence
// allowed, not while a worker beats, and again after the worker falls silent. Oracle: the heartbeat
// rows this test writes itself, and the jobs it finds in pg-boss's table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_SERVER, testDatabase } from '../helpers/postgres.ts';
import { tempDir } from '../helpers/tmp.ts';
import { generateMarket } from '../../src/io/synthetic.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import { parseInstant } from '../../src/core/time.ts';
import { DEFAULTS } from '../../src/core/config.ts';
import { LocalObjectStore } from '../../src/io/objectstore/index.ts';
import { runDistributed } from '../../src/distributed/coordinator.ts';
import { PartitionQueue } from '../../src/distributed/queue.ts';
import { beat } from '../../src/distributed/heartbeat.ts';
import type { PipelineEvent } from '../../src/pipeline/events.ts';

const url = await testDatabase();
const SILENCE_MS = 400;

test('no worker: the run says once that its tasks wait; a beating worker silences it until it stops', async (t) => {
  if (!url) return t.skip(NO_SERVER);
  const store = await openPostgresStore({ url, pool: 2 });
  const queue = await PartitionQueue.open({ url, pool: 2 });
  try {
    for (const [pair, bars] of generateMarket({ pairs: ['EURUSD', 'USDJPY'], from: Date.UTC(2024, 6, 29), months: 1, seed: 3 })) {
      await store.upsertBars(pair, bars, 'synthetic');
    }
    /** A run of the base stage, aborted at its first 'no-workers' event (or after 20 s); its events with their times. */
    const run = async () => {
      const ac = new AbortController();
      const events: { t: number; e: PipelineEvent }[] = [];
      const deadline = setTimeout(() => ac.abort(), 20_000);
      const r = await runDistributed(store, queue, new LocalObjectStore(tempDir('bqx-coord-')), {
        stages: ['base'], force: true, baselineTs: parseInstant(DEFAULTS.baseline), retries: 0, pollMs: 50, signal: ac.signal,
        workerSilenceMs: SILENCE_MS, onEvent: (e) => { events.push({ t: Date.now(), e }); if (e.type === 'no-workers') ac.abort(); },
      });
      clearTimeout(deadline);
      const jobs = await queue.sql(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'bqx-partitions' AND data->>'runId' = $1`, [r.runId]) as { n: number }[];
      return { r, events, jobs: jobs[0]!.n };
    };

    const t0 = Date.now();
    const first = await run();
    const said = first.events.filter((x) => x.e.type === 'no-workers');
    assert.equal(said.length, 1, 'said once');
    assert.deepEqual(said[0]!.e, { type: 'no-workers', queued: first.jobs, silentMs: SILENCE_MS });
    assert.equal(first.jobs, 2, 'base: 2 pairs × 1 month waiting');
    assert.ok(said[0]!.t - t0 >= SILENCE_MS, 'not before the run has waited the silence allowed');
    assert.equal(first.r.status, 'interrupted');

    // A worker beating every 100 ms for 1.5 s, then silent.
    const worker = { id: 'test:1', host: 'test', pid: 1, state: 'running' as const, partition: '', startedAt: Date.now(), done: 0 };
    await beat(queue.sql, worker);
    const beating = setInterval(() => void beat(queue.sql, worker), 100);
    let stoppedAt = Infinity;
    setTimeout(() => { clearInterval(beating); stoppedAt = Date.now(); }, 1_500);
    const second = await run();
    clearInterval(beating);
    const again = second.events.filter((x) => x.e.type === 'no-workers');
    assert.equal(again.length, 1, 'said after the worker fell silent');
    assert.ok(again[0]!.t >= stoppedAt + SILENCE_MS - 100, `not while the worker beat: said ${again[0]!.t - stoppedAt} ms after its last beat`);
  } finally {
    await queue.close();
    await store.close();
  }
});
