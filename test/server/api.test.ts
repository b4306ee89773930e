// The dashboard API over a small real data directory (real store, real Parquet, run-log lines as the
// run writes them): shapes and values of every endpoint, bad parameters, read-only, errors without stacks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.ts';
import { readParquetColumns } from '../../src/io/parquet.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { tempDir } from '../helpers/tmp.ts';
import { bars, buildFixture, FAIL_STACK, FEATURE, JULY, logLine, ROWS, RUN_A } from './fixture.ts';

const dir = tempDir('bqx-serve-');
let app: FastifyInstance;

before(async () => {
  await buildFixture(dir);
  ({ app } = await buildServer({ dataDir: dir, storeQuietMs: 0 }));
});
after(async () => app?.close());

async function get(url: string) {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json() as any, headers: r.headers };
}

/** Plain min/max per pixel bucket (the oracle for the server's SQL). */
function reference(ts: Float64Array, v: Float64Array, from: number, to: number, width: number) {
  const lo = new Map<number, number>();
  const hi = new Map<number, number>();
  for (let i = 0; i < ts.length; i++) {
    if (ts[i]! < from || ts[i]! >= to || Number.isNaN(v[i]!)) continue;
    const b = Math.floor(((ts[i]! - from) * width) / (to - from));
    lo.set(b, Math.min(lo.get(b) ?? Infinity, v[i]!));
    hi.set(b, Math.max(hi.get(b) ?? -Infinity, v[i]!));
  }
  const keys = [...lo.keys()].sort((a, b) => a - b);
  return { t: keys.map((b) => from + (b * (to - from)) / width), min: keys.map((b) => lo.get(b)!), max: keys.map((b) => hi.get(b)!) };
}

test('health and units', async () => {
  assert.deepEqual((await get('/api/health')).body, { ok: true, live: null });
  const u = (await get('/api/units')).body.units;
  assert.ok(u.some((x: any) => x.name === 'ti' && x.kind === 'pair'));
  assert.ok(u.some((x: any) => x.name === 'cross.month' && x.kind === 'month'));
});

test('runs: the finished run from its log and the store record, with counts and rates', async () => {
  const { status, body } = await get('/api/runs');
  assert.equal(status, 200);
  assert.equal(body.live, null);
  const r = body.runs.find((x: any) => x.id === RUN_A);
  assert.equal(r.status, 'failed');
  assert.equal(r.source, 'log+store');
  assert.deepEqual(r.partitions, { todo: 2, done: 1, failed: 1, running: 0 });
  assert.equal(r.durationMs, 60_000);
  assert.equal(r.rowsPerSec, ROWS / 60);
  assert.equal(r.failures[0].error, 'Error: kernel blew up');
  const one = (await get(`/api/runs/${RUN_A}`)).body;
  assert.deepEqual(one.summary, { pairs: ['EURUSD', 'GBPUSD'] });
  assert.equal((await get('/api/runs/nope')).status, 404);
  assert.match((await get('/api/runs?limit=0')).body.error, /limit: expected an integer in \[1, 10000\]/);
});

test('heatmap: done, stale (code changed), failed and missing cells with hover facts', async () => {
  const { body } = await get('/api/heatmap?unit=ti');
  assert.deepEqual(body.pairs, ['EURUSD', 'GBPUSD']);
  assert.deepEqual(body.months, ['2024-07', '2024-08']);
  const cell = (p: string, m: string) => body.cells.find((c: any) => c.pair === p && c.month === m);
  assert.deepEqual({ ...cell('EURUSD', '2024-07') }, {
    pair: 'EURUSD', month: '2024-07', state: 'done', ms: 3000, rows: ROWS, attempts: 1, worker: 'host:1', dataVersion: 'dv-eur-07', note: null, error: null,
  });
  assert.equal(cell('GBPUSD', '2024-07').state, 'stale');
  assert.equal(cell('GBPUSD', '2024-07').note, 'code changed');
  assert.equal(cell('GBPUSD', '2024-08').state, 'failed');
  assert.equal(cell('GBPUSD', '2024-08').error, FAIL_STACK);
  assert.equal(cell('EURUSD', '2024-08'), undefined); // no bars there: no partition
  assert.deepEqual(body.counts, { missing: 0, pending: 0, running: 0, done: 1, failed: 1, stale: 1 });
  // base has no manifests: every bar month is missing
  const b = (await get('/api/heatmap?unit=base')).body;
  assert.equal(b.counts.missing, 3);
  assert.match((await get('/api/heatmap?unit=nope')).body.error, /unit: unknown value "nope"/);
});

test('partition detail: manifest, error with its stack, log lines, lake file', async () => {
  const { body } = await get('/api/partition?unit=ti&pair=GBPUSD&month=2024-08');
  assert.equal(body.manifest.error, FAIL_STACK);
  assert.equal(body.manifest.attempts, 3);
  assert.equal(body.lakeFile, null);
  assert.equal(body.runs[0].runId, RUN_A);
  assert.deepEqual(body.runs[0].lines.map((l: any) => l.type), ['task-start', 'task-failed']);
  const ok = (await get('/api/partition?unit=ti&pair=EURUSD&month=2024-07')).body;
  assert.ok(ok.lakeFile.bytes > 0);
  for (const [q, msg] of [['unit=ti&pair=EURUSD', /month: required/], ['unit=ti&pair=XXXYYY&month=2024-07', /pair: unknown value/],
    ['unit=ti&pair=EURUSD&month=2024-13', /month: expected YYYY-MM/]] as const) {
    const r = await get(`/api/partition?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error, msg);
  }
});

test('validation: failures first, filters by check, family and pair', async () => {
  const all = (await get('/api/validation')).body.report;
  assert.equal(all.passed, false);
  assert.deepEqual(all.findings.map((f: any) => f.outcome), ['fail', 'info']);
  assert.equal(all.features[0].name, FEATURE); // the failing feature first
  assert.equal(all.summary[0].check, 'truncation');
  const byCheck = (await get('/api/validation?check=outliers')).body.report;
  assert.deepEqual(byCheck.findings.map((f: any) => f.check), ['outliers']);
  const byPair = (await get('/api/validation?pair=EURUSD')).body.report;
  assert.deepEqual(byPair.findings.map((f: any) => f.pair), ['EURUSD']);
  const fam = (await get('/api/validation?family=ti')).body.report;
  assert.equal(fam.findings.length, 2);
  assert.equal((await get('/api/validation?family=reg')).body.report.findings.length, 0);
  assert.match((await get('/api/validation?check=nope')).body.error, /check: unknown value/);
  assert.equal((await get('/api/validation?run=nope')).status, 404);
});

test('catalog: all 745 columns, search and filters', async () => {
  const all = (await get('/api/catalog')).body;
  assert.equal(all.total, 745);
  assert.equal(all.count, 745);
  const t = (await get('/api/catalog?role=target')).body;
  assert.equal(t.count, 15);
  const q = (await get(`/api/catalog?q=${FEATURE}`)).body;
  assert.ok(q.columns.some((c: any) => c.name === FEATURE && c.unit === 'ti' && c.implemented === true && typeof c.description === 'string'));
  assert.ok(q.columns.every((c: any) => c.name.includes(FEATURE) || c.description.toLowerCase().includes(FEATURE)));
  const fam = (await get('/api/catalog?family=ti&domain=idx')).body;
  assert.ok(fam.count > 0 && fam.columns.every((c: any) => c.family === 'ti' && c.domain === 'idx'));
  assert.equal((await get('/api/catalog?family=nope')).status, 400);
});

test('chart: min/max per pixel bucket equals a plain reference, price from the store', async () => {
  const width = 97;
  const { body, status } = await get(`/api/chart?pair=EURUSD&feature=${FEATURE}&width=${width}`);
  assert.equal(status, 200);
  assert.equal(body.unit, 'ti');
  assert.equal(body.from, JULY);
  assert.equal(body.to, Date.UTC(2024, 7, 1));
  const file = await readParquetColumns(partitionPath(dir, 'ti', 'EURUSD', '2024-07'), [FEATURE]);
  const ref = reference(file.ts, file.columns.get(FEATURE)!, body.from, body.to, width);
  assert.deepEqual({ t: body.values.t, min: body.values.min, max: body.values.max }, ref);
  assert.equal(body.values.points, ROWS - 60 - 30);
  const b = bars(JULY, ROWS, 0);
  assert.deepEqual({ t: body.price.t, min: body.price.min, max: body.price.max }, reference(b.ts, b.close, body.from, body.to, width));
  // a sub-range, given as ISO times
  const from = JULY + 1500 * 60_000;
  const to = JULY + 2500 * 60_000;
  const sub = (await get(`/api/chart?pair=EURUSD&feature=${FEATURE}&width=50&from=${new Date(from).toISOString()}&to=${to}`)).body;
  const r2 = reference(file.ts, file.columns.get(FEATURE)!, from, to, 50);
  assert.deepEqual({ t: sub.values.t, min: sub.values.min, max: sub.values.max }, r2);
  assert.ok(sub.values.t.length < 50); // the NaN gap leaves buckets empty
});

test('chart: bad parameters are 400 with a message naming them', async () => {
  const cases: [string, RegExp][] = [
    ['pair=EURUSD', /feature: required/],
    [`feature=${FEATURE}`, /pair: required/],
    [`pair=EURUSD&feature=nope`, /feature: no column named "nope"/],
    [`pair=EURUSD&feature=${FEATURE}&width=5`, /width: expected an integer in \[10, 4000\]/],
    [`pair=EURUSD&feature=${FEATURE}&from=yesterday`, /from: expected YYYY-MM/],
    [`pair=EURUSD&feature=${FEATURE}&from=2024-07-03&to=2024-07-02`, /to must be after from/],
    [`pair=EURUSD&feature=${FEATURE}&colour=red`, /unknown parameter "colour"/],
  ];
  for (const [q, msg] of cases) {
    const r = await get(`/api/chart?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error, msg, q);
    assert.equal(r.body.statusCode, 400);
  }
  assert.equal((await get(`/api/chart?pair=USDJPY&feature=${FEATURE}`)).status, 404);
});

test('read-only, static assets, unknown paths, and internal errors without a stack', async () => {
  for (const method of ['POST', 'PUT', 'DELETE'] as const) {
    const r = await app.inject({ method, url: '/api/runs' });
    assert.equal(r.statusCode, 405);
  }
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<script src="\/static\/uPlot.iife.min.js">/);
  for (const a of ['app.js', 'style.css', 'uPlot.iife.min.js', 'uPlot.min.css']) assert.equal((await app.inject({ method: 'GET', url: `/static/${a}` })).statusCode, 200, a);
  assert.equal((await app.inject({ method: 'GET', url: '/static/..%2Fapi.ts' })).statusCode, 404);
  assert.equal((await get('/api/nope')).status, 404);
  // a corrupt report makes the handler throw: 500, a generic message, no stack
  writeFileSync(join(dir, 'reports', RUN_A, 'validation.json'), '{ not json');
  const orig = console.error;
  console.error = () => {};
  try {
    const r = await get('/api/validation');
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, { error: 'internal error (see the server log)', statusCode: 500 });
  } finally {
    console.error = orig;
  }
});

test('a live run: running and pending cells, ETA, and the older run unchanged', async () => {
  const id = '20240802T000000-bbbbbbbb';
  const log = join(dir, 'runs', `${id}.jsonl`);
  const t0 = Date.now() - 10_000;
  logLine(log, t0, { type: 'plan', runId: id, units: [{ unit: 'ti', total: 3, todo: 2 }, { unit: 'base', total: 3, todo: 3 }] });
  logLine(log, t0 + 1000, { type: 'task-start', unit: 'ti', pair: 'GBPUSD', month: '2024-07', attempt: 1 });
  logLine(log, t0 + 3000, { type: 'task-done', unit: 'ti', pair: 'GBPUSD', month: '2024-07', rows: 1440, ms: 2000 });
  logLine(log, t0 + 3000, { type: 'task-start', unit: 'ti', pair: 'GBPUSD', month: '2024-08', attempt: 1 });
  const runs = (await get('/api/runs')).body;
  assert.equal(runs.live, id);
  const live = runs.runs[0];
  assert.equal(live.status, 'running');
  assert.deepEqual(live.partitions, { todo: 5, done: 1, failed: 0, running: 1 });
  assert.ok(live.etaMs > 30_000 && live.etaMs < 60_000, String(live.etaMs)); // one of five done in ~10 s: ~40 s to go
  const g = (await get('/api/heatmap?unit=ti')).body;
  const cell = (p: string, m: string) => g.cells.find((c: any) => c.pair === p && c.month === m);
  assert.equal(cell('GBPUSD', '2024-08').state, 'running');
  assert.equal(cell('GBPUSD', '2024-07').state, 'done');
  assert.equal(cell('EURUSD', '2024-07').state, 'done');
  const b0 = (await get('/api/heatmap?unit=base')).body; // planned, not started: pending
  assert.deepEqual(b0.counts, { missing: 0, pending: 3, running: 0, done: 0, failed: 0, stale: 0 });
  assert.match(b0.cells[0].note, new RegExp(`planned by run ${id}`));
  // a chart during the live run: values from the lake; the store is not opened, so a price read
  // before serves (runs never write bars) and a pair not read yet has none
  const c = (await get(`/api/chart?pair=EURUSD&feature=${FEATURE}&width=20`)).body;
  const b = bars(JULY, ROWS, 0);
  assert.deepEqual({ t: c.price.t, min: c.price.min, max: c.price.max }, reference(b.ts, b.close, c.from, c.to, 20));
  const g2 = (await get(`/api/chart?pair=GBPUSD&feature=${FEATURE}&width=20`)).body;
  assert.equal(g2.price, null);
  assert.match(g2.priceNote, /the store is busy/);
  assert.deepEqual(g2.values.min, [1]);
  logLine(log, t0 + 9000, { type: 'run-done', runId: id, status: 'done', wallMs: 9000 });
  assert.equal((await get('/api/runs')).body.live, null);
});
