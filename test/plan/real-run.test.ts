// Run records, tracking and the plan against real pipeline runs through the CLI (a small synthetic data
// set: 2 pairs, stages base and ti): the records agree with the manifests and the lake files, the
// webhook and AirTable sinks get the run's events, and a plan made from the first run estimates the
// second run's wall time within ±50 %. @alone (the plan's estimate is checked against a timed run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/duckdb.ts';
import type { TrackEvent } from '../../src/track/events.ts';
import type { Plan } from '../../src/plan/plan.ts';
import type { RunReport } from '../../src/plan/compare.ts';
import { BIN, bqx, bqxJson } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tmp.ts';
import { startServer } from '../track/server.ts';

const dir = tempDir('bqx-records-');
const TOKEN = 'patREALRUN.secret-token-value';
const SCOPE = ['--stages', 'base,ti', '--pairs', 'EURUSD,GBPUSD', '--max-workers', '2', '--skip-validation'];

interface RunJson { runId: string; status: string; wallMs: number; units: { unit: string; done: number; wallMs: number }[] }

/** bqx in a child process without blocking the event loop (the test's HTTP server must answer meanwhile). */
function bqxAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('a run with --notify and --track writes records consistent with the manifests and reports its stages', async () => {
  bqxJson(['generate', '--pairs', 'EURUSD,GBPUSD', '--from', '2024-06-01', '--months', '3', '--seed', '3', '--data-dir', dir]);
  let next = 0;
  const hook = await startServer(() => ({ status: 200 }));
  const airtable = await startServer((r) => r.method === 'POST'
    ? { status: 200, body: { records: (r.body as { records: unknown[] }).records.map(() => ({ id: `rec${++next}` })) } }
    : { status: 200, body: { records: [] } });
  try {
    const r = await bqxAsync(['run', '--data-dir', dir, '--months', '2024-06', ...SCOPE, '--json', '--notify', `${hook.url}/h`, '--track', 'airtable:appX/Stages'],
      { AIRTABLE_TOKEN: TOKEN, BQX_AIRTABLE_URL: airtable.url });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), 'the token is never printed');
    const run = JSON.parse(r.stdout) as RunJson;

    const store = await openStore(join(dir, 'bqx.duckdb'));
    try {
      const records = await store.getStageRecords(run.runId);
      assert.deepEqual(records.map((x) => x.stage), ['base', 'ti']);
      const manifests = await store.getManifests();
      for (const rec of records) {
        const done = manifests.filter((m) => m.stage === rec.stage && m.status === 'done' && m.month === '2024-06');
        assert.equal(done.length, 2);
        assert.deepEqual([rec.partitions, rec.computed, rec.skipped, rec.failed, rec.pending, rec.pairMonths, rec.workers], [2, 2, 0, 0, 0, 2, 2]);
        assert.equal(rec.rows, done.reduce((n, m) => n + m.rows, 0), `${rec.stage} rows`);
        assert.equal(rec.bytes, done.reduce((n, m) => n + m.bytes, 0), `${rec.stage} bytes`);
        assert.equal(rec.bytes, done.reduce((n, m) => n + statSync(m.path).size, 0), `${rec.stage} bytes on disk`);
        assert.equal(rec.wallMs, run.units.find((u) => u.unit === rec.stage)!.wallMs);
        assert.ok(rec.computeMs > 0 && rec.writeMs > 0, `${rec.stage}: compute ${rec.computeMs} ms, write ${rec.writeMs} ms`);
        // The stage opens as it starts dispatching: before its first partition, by the time its start event takes
        // to emit (the webhook and AirTable sinks queue it; the first emit also loads their code).
        const first = Math.min(...done.map((m) => m.startedAt));
        assert.ok(rec.startedAt <= first && first - rec.startedAt < 1_000, `${rec.stage}: stage from ${rec.startedAt}, first partition from ${first}`);
        assert.ok(rec.finishedAt >= Math.max(...done.map((m) => m.finishedAt)) - 1, 'the stage ends after its last partition');
      }
      const summary = (await store.getRuns()).find((x) => x.id === run.runId)!.summary as Record<string, Record<string, unknown>>;
      assert.equal(summary.machine!.cores, availableParallelism());
      assert.equal(summary.version, (await import('../../package.json', { with: { type: 'json' } })).default.version);
      assert.deepEqual(summary.options, { stages: ['base', 'ti'], pairs: ['EURUSD', 'GBPUSD'], months: ['2024-06'], maxWorkers: 2, retries: 3, force: false });

      const events = hook.received.map((x) => x.body as TrackEvent);
      assert.deepEqual(events.map((e) => e.event), ['run.started', 'stage.started', 'stage.done', 'stage.started', 'stage.done', 'run.done']);
      const ti = events[4] as Extract<TrackEvent, { event: 'stage.done' }>;
      const tiRec = records[1]!;
      assert.deepEqual(ti.figures, { partitions: 2, computed: 2, skipped: 0, failed: 0, pending: 0, pairMonths: 2, rows: tiRec.rows, bytes: tiRec.bytes,
        wallMs: tiRec.wallMs, computeMs: tiRec.computeMs, writeMs: tiRec.writeMs });
      assert.ok(events.every((e) => 'runId' in e && e.runId === run.runId));
    } finally {
      await store.close();
    }
    assert.deepEqual(airtable.received.map((x) => x.method), ['POST', 'PATCH', 'PATCH', 'PATCH', 'PATCH']);
    assert.ok(airtable.received.every((x) => x.headers.authorization === `Bearer ${TOKEN}` && x.url === '/v0/appX/Stages'));
    assert.ok(!JSON.stringify(hook.received.map((x) => x.body)).includes(TOKEN));
  } finally {
    await hook.close();
    await airtable.close();
  }
});

test('a plan from the first run estimates the second within ±50 %; bqx runs shows both side by side', () => {
  const plan = bqxJson<Plan>(['plan', '--data-dir', dir, '--stages', 'base,ti', '--pairs', 'EURUSD,GBPUSD', '--months', '2024-07', '--machine', 'local', '--workers', '2']);
  assert.deepEqual(plan.estimate.stages.map((s) => [s.stage, s.partitions, s.rounds]), [['base', 2, 1], ['ti', 2, 1]]);
  assert.deepEqual(plan.estimate.unmeasured, []);
  const run = bqxJson<RunJson>(['run', '--data-dir', dir, '--months', '2024-07', ...SCOPE, '--plan', plan.id]);
  assert.equal(run.status, 'done');
  const estimatedMs = plan.estimate.wallHours * 3_600_000;
  const actualMs = run.units.reduce((n, u) => n + u.wallMs, 0);
  console.log(`plan vs actual (2 pairs × 1 month, stages base + ti, 2 workers): estimated ${(estimatedMs / 1000).toFixed(1)} s, ` +
    `stages took ${(actualMs / 1000).toFixed(1)} s, the whole run ${(run.wallMs / 1000).toFixed(1)} s`);
  assert.ok(estimatedMs >= 0.5 * actualMs && estimatedMs <= 1.5 * actualMs, `estimate ${estimatedMs} ms vs actual ${actualMs} ms`);

  const report = bqxJson<RunReport>(['runs', run.runId, '--data-dir', dir]);
  assert.equal(report.plan!.id, plan.id);
  assert.deepEqual(report.stages.map((s) => [s.stage, s.estimatedHours]), plan.estimate.stages.map((s) => [s.stage, s.wallHours]));
  assert.deepEqual(report.stages.map((s) => s.actualHours), run.units.map((u) => u.wallMs / 3_600_000));
  const csv = bqx(['runs', run.runId, '--csv', '--data-dir', dir]);
  assert.equal(csv.status, 0);
  const lines = csv.stdout.trim().split('\n');
  assert.equal(lines[0], 'run,stage,status,partitions,computed,up_to_date,failed,pair_months,rows,bytes,workers,wall_s,compute_core_s,write_core_s,estimated_s,estimated_cost,actual_cost');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',').slice(0, 5)), [[run.runId, 'base', 'done', '2', '2'], [run.runId, 'ti', 'done', '2', '2']]);
  const list = bqxJson<{ id: string; planId: string | null; computed: number }[]>(['runs', '--data-dir', dir]);
  assert.deepEqual(list.map((l) => [l.planId, l.computed]), [[plan.id, 4], [null, 4]]);
  assert.equal(bqx(['run', '--data-dir', dir, '--plan', 'nope']).status, 2);
});

test('bqx plan for a year of 28 pairs on Standard_D64as_v5 prints the seed plan beside it', () => {
  const r = bqx(['plan', '--data-dir', dir, '--months', '12', '--machine', 'Standard_D64as_v5', '--spot', '--stages', 'base,ti']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /28 pairs × 12 months on 1 × Standard_D64as_v5 \(64 vCPUs, 64 workers, Spot \$0\.55\/h\)/);
  assert.match(r.stdout, /wall time {2,}\S+( s)? {2,}26h30m/); // "39.6 s" or "11m37s"
  assert.match(r.stdout, /compute cost \(Spot\)\s+\$\d+\.\d\d\s+\$67\.64/);
  assert.match(r.stdout, /\$19\.13 \(Spot\) \/ \$57\.80 \(On-Demand\)/);
  const od = bqxJson<Plan>(['plan', '--data-dir', dir, '--months', '12', '--stages', 'base,ti', '--deadline', '1h']);
  assert.equal(od.seed.computeCost, 134.37);
  assert.ok(od.deadline!.cheapest!.wallHours <= 1);
  const empty = bqx(['plan', '--data-dir', tempDir('bqx-plan-empty-')]);
  assert.equal(empty.status, 1);
  assert.match(empty.stdout, /no run records .*bqx plan --calibrate/);
});
