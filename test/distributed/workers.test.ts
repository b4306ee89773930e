// @alone: it times the workers (a released task is retaken within 3 s), so it runs by itself.
// Distributed runs end to end on a real PostgreSQL 15 (a fresh database, dropped after): `bqx run
// --distributed` and three `bqx worker` processes on one queue over a small synthetic market (2 pairs,
// 4 trading days across a month boundary). One worker is SIGKILLed as it takes a task, another SIGTERMed
// with no grace as it takes one (it releases it); the third starts after both. Oracles: every planned partition computed exactly
// once (the workers' own log lines), the released task taken again long before its lease would have
// run out, the killed worker's task retried after its lease, every lake file byte-identical to a local
// run (runPipeline on the embedded store with the same bars), and the leases of a later run set from the
// measured task times (hand-computed from the manifests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { NO_SERVER, testDatabase } from '../helpers/postgres.ts';
import { bqxSpawn } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { rowAtOrAfter, sliceBars, type Bars } from '../../src/core/types.ts';
import { generateMarket } from '../../src/io/synthetic.ts';
import { openStore as openDuckDB } from '../../src/store/duckdb.ts';
import { openPostgresStore } from '../../src/store/postgres/store.ts';
import type { Store } from '../../src/store/types.ts';
import { runPipeline } from '../../src/pipeline/run.ts';
import { parseInstant } from '../../src/core/time.ts';
import { DEFAULTS } from '../../src/core/config.ts';
import { LocalObjectStore } from '../../src/io/objectstore/index.ts';
import { runDistributed } from '../../src/distributed/coordinator.ts';
import { PartitionQueue } from '../../src/distributed/queue.ts';
import { listWorkers } from '../../src/distributed/heartbeat.ts';

const url = await testDatabase();
const PAIRS = ['EURUSD', 'USDJPY'];
/** base, cross (which reads base) and cross.month (a month fan-in reading both pairs' base). */
const STAGES = ['cross'] as const;
// Every lease of the run (no task measured yet): --min-expiry and --unmeasured-expiry. Above the first
// task of a cold worker on a loaded 2-core machine (about 8 s), else pg-boss hands that task out twice.
const LEASE_S = 15;

/** 2024-07-30 … 2024-08-02: two months, about 2,900 rows per pair and month. */
function market(): Map<string, Bars> {
  const full = generateMarket({ pairs: PAIRS, from: Date.UTC(2024, 6, 30), months: 2, seed: 5 });
  return new Map([...full].map(([p, b]) => [p, sliceBars(b, 0, rowAtOrAfter(b.ts, Date.UTC(2024, 7, 3)))]));
}

async function load(store: Store, bars: Map<string, Bars>): Promise<void> {
  for (const [pair, b] of bars) await store.upsertBars(pair, b, 'synthetic');
}

/** Every file under `dir`, relative path → bytes. */
function files(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')).sort().map((f) => [f, readFileSync(join(dir, f))]));
}

interface Worker { proc: ChildProcess; lines: { t: number; text: string }[]; exited: Promise<number | null> }

function startWorker(args: string[], onLine: (w: Worker, text: string) => void = () => {}): Worker {
  const proc = bqxSpawn(['worker', ...args]);
  const w: Worker = { proc, lines: [], exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
  let buf = '';
  proc.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      w.lines.push({ t: Date.now(), text });
      onLine(w, text);
    }
  });
  proc.stderr!.on('data', (d: Buffer) => w.lines.push({ t: Date.now(), text: `stderr: ${d}` }));
  return w;
}

test('three workers, one SIGKILLed and one SIGTERMed mid-task: every partition computed once, identical to a local run', async (t) => {
  if (!url) return t.skip(NO_SERVER);
  const dir = tempDir('bqx-dist-');
  const bars = market();

  const pg = await openPostgresStore({ url, pool: 2 });
  await load(pg, bars);
  await pg.close();
  const lake = join(dir, 'data', 'lake');
  const common = ['--db', url, '--lake', lake, '--poll', '200ms', '--heartbeat', '500ms'];
  const start = (k: number, extra: string[] = [], onLine?: (w: Worker, text: string) => void) =>
    startWorker([...common, '--cache', join(dir, `cache${k}`), '--data-dir', join(dir, `w${k}`), ...extra], onLine);

  // Workers 1 and 2 boot (and wait on the empty queue) while the local run computes. Worker 1 dies
  // (SIGKILL) as it takes its first task; worker 2 is told to stop (SIGTERM, no grace) as it takes its
  // first, so it releases that task. Worker 3 starts only then (so it cannot take every task before
  // the others take one) and runs to the end.
  let killedKey = '', releasedKey = '';
  let survivor: Worker | undefined;
  const children: Worker[] = [];
  t.after(() => { for (const w of children) w.proc.kill('SIGKILL'); });
  const interrupted = (w: Worker, text: string, act: (key: string) => void) => {
    if (!text.startsWith('taken ') || w.lines.filter((l) => l.text.startsWith('taken ')).length !== 1) return;
    act(text.split(' ')[1]!);
    if (killedKey && releasedKey) children.push(survivor = start(3));
  };
  const killed = start(1, [], (w, text) => interrupted(w, text, (key) => { killedKey = key; w.proc.kill('SIGKILL'); }));
  const stopped = start(2, ['--grace', '0s'], (w, text) => interrupted(w, text, (key) => { releasedKey = key; w.proc.kill('SIGTERM'); }));
  children.push(killed, stopped);
  const logs = () => children.map((w, i) => [`-- worker ${i + 1}`, ...w.lines.map((l) => `${l.t} ${l.text}`)].join('\n')).join('\n');
  // The local run: the embedded store, the pipeline's own worker pool.
  const localDir = join(dir, 'local');
  const local = await openDuckDB(join(localDir, 'bqx.duckdb'));
  await load(local, bars);
  const t0 = Date.now();
  const localRun = await runPipeline(local, { dataDir: localDir, stages: STAGES, maxWorkers: 2, retries: 0, force: false, baselineTs: parseInstant(DEFAULTS.baseline) });
  t.diagnostic(`local run: ${Date.now() - t0} ms`);
  await local.close();
  assert.equal(localRun.status, 'done');

  const t1 = Date.now();
  const coordinator = bqxSpawn(['run', '--db', url, '--data-dir', join(dir, 'data'), '--lake', lake, '--distributed', '--json', '--skip-validation', '--stages', STAGES.join(','),
    '--min-expiry', `${LEASE_S}s`, '--unmeasured-expiry', `${LEASE_S}s`, '--retries', '3']);
  let stdout = '', stderr = '';
  coordinator.stdout.on('data', (d: Buffer) => { stdout += d; });
  coordinator.stderr.on('data', (d: Buffer) => { stderr += d; });
  t.after(() => coordinator.kill('SIGKILL'));
  const status = await within(new Promise<number | null>((r) => coordinator.on('exit', (code) => r(code))), 180_000, () => `the distributed run\n${stdout}${stderr}\n${logs()}`);
  t.diagnostic(`distributed run: ${Date.now() - t1} ms`);
  assert.ok(survivor, `both workers were interrupted mid-task\n${logs()}`);
  const workers = await listWorkers((sql) => pgQuery(url, sql));
  const listedAt = Date.now();
  survivor.proc.kill('SIGTERM');
  assert.equal(await within(survivor.exited, 30_000, () => `worker 3 after SIGTERM\n${logs()}`), 0, logs());
  t.diagnostic(`survivor exited ${Date.now() - listedAt} ms after SIGTERM`);
  assert.equal(await within(stopped.exited, 30_000, () => `worker 2 after SIGTERM\n${logs()}`), 0, logs());
  assert.equal(await within(killed.exited, 30_000, () => `worker 1 after SIGKILL\n${logs()}`), null, 'worker 1 was killed');
  assert.equal(status, 0, stdout + stderr);
  const result = JSON.parse(stdout) as { status: string; units: { unit: string; done: number; total: number }[] };
  assert.equal(result.status, 'done');
  assert.deepEqual(result.units.map((u) => [u.unit, u.done]), localRun.units.map((u) => [u.unit, u.done]));

  // Exactly once: each planned partition has one "computed" line among all workers.
  const all = [killed, stopped, survivor].flatMap((w) => w.lines);
  const computed = all.filter((l) => l.text.startsWith('computed ')).map((l) => l.text.split(' ')[1]!).sort();
  const planned = localRun.units.reduce((n, u) => n + u.done, 0);
  assert.equal(computed.length, planned, logs());
  assert.equal(new Set(computed).size, planned, 'no partition computed twice');
  assert.ok(!killed.lines.some((l) => l.text.startsWith(`computed ${killedKey} `)), 'the killed worker did not finish its task');
  assert.ok(stopped.lines.some((l) => l.text.startsWith(`released ${releasedKey} `)), stopped.lines.map((l) => l.text).join('\n'));

  // The released task is taken again at once; the killed worker's only after its lease. (Both can be
  // the same task: worker 1 may take the task worker 2 has just released.)
  const attemptOf = (l: { text: string }) => Number(/ attempt (\d+)$/.exec(l.text)![1]);
  const takenBy = (w: Worker, key: string) => w.lines.findLast((l) => l.text.startsWith(`taken ${key} `))!;
  const retake = (w: Worker, key: string) => {
    const attempt = attemptOf(takenBy(w, key));
    return all.find((l) => l.text.startsWith(`taken ${key} `) && attemptOf(l) === attempt + 1);
  };
  const releasedAt = stopped.lines.find((l) => l.text.startsWith(`released ${releasedKey} `))!.t;
  const killedAt = takenBy(killed, killedKey).t;
  // "At once": by the first worker free after the release, within a few polls, long before a lease.
  const again = retake(stopped, releasedKey);
  assert.ok(again, `released ${releasedKey} taken again`);
  const taker = [killed, stopped, survivor].find((w) => w.lines.includes(again))!;
  const freeAt = Math.max(releasedAt, taker.lines[taker.lines.indexOf(again) - 1]!.t);
  assert.ok(again.t - freeAt < 3_000, `released task taken again ${again.t - freeAt} ms after a worker was free\n${logs()}`);
  const retried = retake(killed, killedKey);
  assert.ok(retried, `killed ${killedKey} taken again`);
  assert.ok(retried.t - killedAt >= LEASE_S * 1000 - 500, `killed task retried after ${retried.t - killedAt} ms, its lease is ${LEASE_S} s`);

  // Outputs byte-identical to the local run, file by file.
  const mine = files(lake), theirs = files(join(localDir, 'lake'));
  assert.deepEqual([...mine.keys()], [...theirs.keys()]);
  for (const [f, b] of theirs) assert.ok(mine.get(f)!.equals(b), `${f} differs from the local run`);

  // Heartbeats: the three workers, as they were when the run ended (the killed one never said goodbye).
  const pidOf = (w: Worker) => w.proc.pid!;
  const row = (w: Worker) => workers.find((x) => x.pid === pidOf(w));
  assert.equal(workers.length, 3);
  assert.equal(row(killed)?.state, 'running');
  assert.equal(row(stopped)?.state, 'stopped');
  assert.equal(row(survivor)?.state, 'running');
  assert.ok(listedAt - row(survivor)!.heartbeatAt < 3_000, `the survivor beat in the last seconds: ${JSON.stringify(workers)} at ${listedAt}`);
  assert.ok(row(killed)!.heartbeatAt < row(survivor)!.heartbeatAt);
});

/** `p`, or a failure naming what did not happen (with `context()`) after `ms`. */
async function within<T>(p: Promise<T>, ms: number, context: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`not within ${ms / 1000} s: ${context()}`)), ms); });
  try { return await Promise.race([p, late]); } finally { clearTimeout(timer); }
}

/** One query on its own connection. */
async function pgQuery(db: string, sql: string): Promise<unknown[]> {
  const { default: pg } = await import('pg');
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  try { return (await c.query(sql)).rows; } finally { await c.end(); }
}

test('a later run leases each task for 3 × the slowest measured task of its stage', async (t) => {
  if (!url) return t.skip(NO_SERVER);
  const store = await openPostgresStore({ url, pool: 2 });
  const queue = await PartitionQueue.open({ url, pool: 2 });
  try {
    const manifests = (await store.getManifests()).filter((m) => m.status === 'done');
    assert.ok(manifests.length > 0, 'the first test left measured manifests');
    let slowestBase = 0;
    for (const m of manifests) if (m.stage === 'base') slowestBase = Math.max(slowestBase, m.finishedAt - m.startedAt);
    const ac = new AbortController();
    const run = runDistributed(store, queue, new LocalObjectStore(tempDir('bqx-lease-')), {
      stages: ['base'], force: true, baselineTs: parseInstant(DEFAULTS.baseline), retries: 0, pollMs: 100, signal: ac.signal,
      expiry: { factor: 3, minSeconds: 1, unmeasuredSeconds: 999 },
      onEvent: (e) => { if (e.type === 'unit-start') setTimeout(() => ac.abort(), 50); },
    });
    const r = await run;
    assert.equal(r.status, 'interrupted');
    const rows = await queue.sql(`SELECT extract(epoch FROM expire_in)::int AS s, state FROM pgboss.job WHERE name = 'bqx-partitions' AND data->>'runId' = $1`, [r.runId]) as { s: number; state: string }[];
    assert.equal(rows.length, 4, 'base: 2 pairs × 2 months enqueued');
    for (const row of rows) {
      assert.equal(row.s, Math.max(1, Math.ceil((3 * slowestBase) / 1000)));
      assert.equal(row.state, 'cancelled', 'an interrupted coordinator withdraws the jobs no worker took');
    }
  } finally {
    await queue.close();
    await store.close();
  }
});
