// While another process holds the store (as a run does), the dashboard must neither fail nor wait: it
// serves the run logs and the lake, says the store is busy, and reads the store once it is free; a
// run logged as live whose process is gone (killed: no run-done) is then shown as ended.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../../src/server/app.ts';
import { BUSY } from '../../src/server/snapshot.ts';
import { tempDir } from '../helpers/tmp.ts';
import { LIVENESS_PROBE_MS } from '../../src/server/state.ts';
import { buildFixture, logLine, RUN_A } from './fixture.ts';

const RUN_C = '20240803T000000-cccccccc';
const STORE_MODULE = fileURLToPath(new URL('../../src/store/duckdb.ts', import.meta.url));

test('a store held by another process: logs and lake served, store read once released', { timeout: 120_000 }, async () => {
  const dir = tempDir('bqx-serve-lock-');
  await buildFixture(dir);
  // Another process opens the store read-write and keeps it, like a run.
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
    `const { openStore } = await import(${JSON.stringify(STORE_MODULE)}); const s = await openStore(${JSON.stringify(join(dir, 'bqx.duckdb'))});
     await s.putRun({ id: ${JSON.stringify(RUN_C)}, startedAt: Date.now(), finishedAt: null, status: 'running', command: 'run', summary: {} });
     console.log('held'); setInterval(() => {}, 1000);`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => holder.on('exit', resolve));
  after(() => { holder.kill('SIGKILL'); });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d) => { if (String(d).includes('held')) resolve(); });
    holder.on('exit', (code) => reject(new Error(`the holder exited ${code}`)));
  });

  const log = join(dir, 'runs', `${RUN_C}.jsonl`);
  logLine(log, Date.now(), { type: 'plan', runId: RUN_C, units: [{ unit: 'ti', total: 3, todo: 1 }] });
  logLine(log, Date.now(), { type: 'task-start', unit: 'ti', pair: 'GBPUSD', month: '2024-08', attempt: 1 });
  const { app } = await buildServer({ dataDir: dir, storeQuietMs: 0 });
  try {
    const get = async (url: string) => (await app.inject({ method: 'GET', url })).json() as any;
    const runs = await get('/api/runs');
    assert.equal(runs.store, BUSY);
    assert.equal(runs.live, RUN_C);
    assert.deepEqual(runs.runs.map((r: any) => [r.id, r.source, r.status]), [[RUN_C, 'log', 'running'], [RUN_A, 'log', 'failed']]);
    const g = await get('/api/heatmap?unit=ti');
    assert.equal(g.store, BUSY);
    assert.equal(g.snapshotAt, null);
    const states = Object.fromEntries(g.cells.map((c: any) => [`${c.pair}|${c.month}`, [c.state, c.note]]));
    assert.deepEqual(states, {
      'EURUSD|2024-07': ['done', `run ${RUN_A}`], // the logs tell more than the lake
      'GBPUSD|2024-07': ['done', 'lake file (store not readable)'],
      'GBPUSD|2024-08': ['running', `planned by run ${RUN_C}`],
    });
    const c = await get('/api/chart?pair=EURUSD&feature=rsi_idx_w60&width=10');
    assert.equal(c.price, null);
    assert.ok(c.values.points > 0);

    // The holder dies without a run-done, like a killed run.
    holder.kill('SIGKILL');
    await exited;
    await new Promise((resolve) => setTimeout(resolve, LIVENESS_PROBE_MS));
    const later = await get('/api/runs');
    assert.equal(later.store, null);
    assert.equal(later.live, null);
    assert.deepEqual(later.runs.slice(0, 2).map((r: any) => [r.id, r.source, r.status]), [[RUN_C, 'log+store', 'ended'], [RUN_A, 'log+store', 'failed']]);
    const after = await get('/api/heatmap?unit=ti');
    assert.equal(after.store, null);
    assert.ok(after.snapshotAt > 0);
    assert.deepEqual(after.counts, { missing: 0, pending: 0, running: 0, done: 1, failed: 1, stale: 1 });
  } finally {
    await app.close();
  }
});

test('the store is opened only once its file has been quiet for the configured time', async () => {
  const dir = tempDir('bqx-serve-quiet-');
  const path = join(dir, 'bqx.duckdb');
  const { openStore } = await import('../../src/store/duckdb.ts');
  await (await openStore(path)).close(); // just written
  const { StoreSnapshots } = await import('../../src/server/snapshot.ts');
  const patient = new StoreSnapshots(path, 60_000);
  assert.deepEqual(await patient.get(true), { snapshot: null, unavailable: BUSY });
  const eager = new StoreSnapshots(path, 0);
  const s = await eager.get(true);
  assert.equal(s.unavailable, null);
  assert.deepEqual(s.snapshot?.manifests, []);
  assert.deepEqual(await eager.get(false), s); // unchanged file: the same snapshot without opening it
});
