// Failure handling of bqx run through the real CLI: retries with backoff then a failed partition that a
// later run recovers; SIGINT leaves the tasks in flight pending (nothing marked running or done
// half-way) and the next run resumes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bqx, bqxJson, bqxSpawn } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';

const GEN = ['generate', '--pairs', 'EURUSD,USDJPY', '--from', '2024-07-01', '--months', '1', '--seed', '9'];
interface RunJson { status: string; runId: string; units: { unit: string; done: number; failed: number; skipped: number; pending: number }[] }
interface StatusJson { stages: { stage: string; done: number; failed: number; pending: number; running: number }[] }

test('a partition that keeps failing is retried with backoff, marked failed, and recomputed by the next run', () => {
  const dir = tempDir('bqx-retry-');
  bqxJson([...GEN, '--data-dir', dir]);
  // A plain file where the ti stage's lake directory must go: every ti write fails (ENOTDIR).
  mkdirSync(join(dir, 'lake'), { recursive: true });
  writeFileSync(join(dir, 'lake', 'ti'), 'in the way');
  const r = bqx(['run', '--data-dir', dir, '--stages', 'base,ti', '--retries', '2', '--json', '--skip-validation']);
  assert.equal(r.status, 1);
  const run = JSON.parse(r.stdout) as RunJson;
  assert.equal(run.status, 'failed');
  assert.deepEqual(run.units.map((u) => [u.unit, u.done, u.failed]), [['base', 2, 0], ['ti', 0, 2]]);
  const log = readFileSync(join(dir, 'runs', `${run.runId}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const retries = log.filter((e) => e.type === 'task-retry');
  assert.equal(retries.length, 2 * 2, 'two retries for each of the two ti partitions');
  assert.ok(retries.every((e) => /ENOTDIR|not a directory/i.test(e.error)), retries[0]?.error);
  // Backoff: the attempts of one partition are spaced by at least 250 ms, then 500 ms.
  const starts = log.filter((e) => e.type === 'task-start' && e.unit === 'ti' && e.pair === 'EURUSD').map((e) => Date.parse(e.t));
  assert.equal(starts.length, 3);
  assert.ok(starts[1]! - starts[0]! >= 250 && starts[2]! - starts[1]! >= 500, `attempts at ${starts.map((s) => s - starts[0]!)}`);
  const st = bqxJson<StatusJson>(['status', '--data-dir', dir]);
  assert.equal(st.stages.find((s) => s.stage === 'ti')!.failed, 2);
  rmSync(join(dir, 'lake', 'ti'));
  const again = bqxJson<RunJson>(['run', '--data-dir', dir, '--stages', 'base,ti', '--skip-validation']);
  assert.equal(again.status, 'done');
  assert.deepEqual(again.units.map((u) => [u.unit, u.done, u.skipped]), [['base', 0, 2], ['ti', 2, 0]]);
});

test('SIGINT: tasks in flight are left pending, exit 130, and the next run resumes', async () => {
  const dir = tempDir('bqx-sigint-');
  bqxJson([...GEN, '--data-dir', dir]);
  const child = bqxSpawn(['run', '--data-dir', dir, '--max-workers', '1', '--quiet', '--skip-validation']);
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const lake = join(dir, 'lake');
  const count = () => (existsSync(lake) ? readdirSync(lake, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')).length : 0);
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => { if (count() >= 1) { clearInterval(timer); child.kill('SIGINT'); resolve(); } }, 20);
    child.on('exit', () => { clearInterval(timer); reject(new Error('finished before the interrupt')); });
  });
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /interrupted: finishing tasks in flight/);
  const st = bqxJson<StatusJson>(['status', '--data-dir', dir]);
  assert.equal(st.stages.reduce((n, s) => n + s.running + s.failed, 0), 0, 'nothing left running or failed');
  const resumed = bqxJson<RunJson>(['run', '--data-dir', dir, '--skip-validation']);
  assert.equal(resumed.status, 'done');
  assert.ok(resumed.units.reduce((n, u) => n + u.skipped, 0) >= 1, 'work finished before the interrupt was kept');
  const after = bqxJson<StatusJson>(['status', '--data-dir', dir]);
  assert.equal(after.stages.reduce((n, s) => n + s.pending + s.running + s.failed, 0), 0);
});
