// The webhook and AirTable sinks against a local HTTP server: what is sent and in which order,
// retries after a 500, no retry after a 4xx, a timeout that never holds the caller, the AirTable
// token sent as a bearer header and never in a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { airtableSink, parseAirtableTarget } from '../../src/track/airtable.ts';
import type { TrackEvent } from '../../src/track/events.ts';
import { Tracker } from '../../src/track/tracker.ts';
import { webhookSink } from '../../src/track/webhook.ts';
import type { UnitSummary } from '../../src/pipeline/run.ts';
import { startServer } from './server.ts';

// A generous timeout for servers that answer (the first fetch of a process is slow on a busy machine).
const FAST = { timeoutMs: 5_000, retries: 2, backoffMs: 20 };
const HANG = { timeoutMs: 500, retries: 2, backoffMs: 20 };
const TOKEN = 'patSECRET.0123456789abcdef';

function summary(unit: string, over: Partial<UnitSummary> = {}): UnitSummary {
  return { unit, total: 4, skipped: 1, done: 3, failed: 0, pending: 0, rows: 90_000, bytes: 12_345_678, computeMs: 4_000, writeMs: 1_000,
    wallMs: 7_200_000, pairMonths: 3, startedAt: 0, reused: 0, ...over };
}

/** The pipeline events of a run of two stages, through a Tracker. */
function playRun(t: Tracker): void {
  t.pipeline({ type: 'plan', runId: 'R1', units: [{ unit: 'base', total: 4, todo: 3 }, { unit: 'ti', total: 4, todo: 0 }] });
  t.pipeline({ type: 'unit-start', unit: 'base', todo: 3, total: 4 });
  t.pipeline({ type: 'task-done', unit: 'base', pair: 'EURUSD', month: '2024-07', rows: 1, ms: 1 }); // not a tracking event
  t.pipeline({ type: 'unit-done', summary: summary('base') });
  t.pipeline({ type: 'unit-start', unit: 'ti', todo: 0, total: 4 });
  t.pipeline({ type: 'unit-done', summary: summary('ti', { done: 0, skipped: 4, rows: 0, bytes: 0, computeMs: 0, writeMs: 0, wallMs: 5, pairMonths: 0 }) });
  t.pipeline({ type: 'run-done', runId: 'R1', status: 'done', wallMs: 7_200_010 });
  t.validation({ runId: 'R1', passed: false, summary: [{ check: 'truncation', failed: 2 }, { check: 'static', failed: 0 }] });
  t.exported({ out: '/x/export', files: 3, rows: 90_000, validated: false });
}

test('webhook: every event posted as JSON, in order, with the stage figures', async () => {
  const srv = await startServer(() => ({ status: 200 }));
  try {
    const warnings: string[] = [];
    const t = new Tracker([webhookSink(`${srv.url}/hook/abc`, (w) => warnings.push(w), FAST)]);
    playRun(t);
    await t.settle(5_000);
    const events = srv.received.map((r) => r.body as TrackEvent);
    assert.deepEqual(events.map((e) => e.event), ['run.started', 'stage.started', 'stage.done', 'stage.started', 'stage.done', 'run.done', 'validation', 'export.done']);
    assert.ok(srv.received.every((r) => r.method === 'POST' && r.url === '/hook/abc' && r.headers['content-type'] === 'application/json'));
    assert.deepEqual(events[0], { ...events[0], runId: 'R1', stages: [{ stage: 'base', partitions: 4, todo: 3 }, { stage: 'ti', partitions: 4, todo: 0 }] });
    const done = events[2] as Extract<TrackEvent, { event: 'stage.done' }>;
    assert.deepEqual([done.stage, done.status, done.runId], ['base', 'done', 'R1']);
    assert.deepEqual(done.figures, { partitions: 4, computed: 3, skipped: 1, failed: 0, pending: 0, pairMonths: 3, rows: 90_000, bytes: 12_345_678, wallMs: 7_200_000, computeMs: 4_000, writeMs: 1_000 });
    assert.deepEqual((events[6] as Extract<TrackEvent, { event: 'validation' }>).failedChecks, [{ check: 'truncation', failed: 2 }]);
    assert.equal((events[7] as Extract<TrackEvent, { event: 'export.done' }>).runId, 'R1');
    for (const e of events) assert.ok(!Number.isNaN(Date.parse(e.at)), 'ISO time');
    assert.deepEqual(warnings, []);
  } finally {
    await srv.close();
  }
});

test('webhook: a 500 is retried, a 4xx is not, and a failure is one warning naming the host only', async () => {
  const srv = await startServer((r, i) => {
    const e = (r.body as TrackEvent).event;
    if (e === 'run.started') return { status: i === 0 ? 500 : 200 };
    if (e === 'run.done') return { status: 400 };
    return { status: 503 };
  });
  try {
    const warnings: string[] = [];
    const sink = webhookSink(`${srv.url}/hook/secret-path?key=s3cr3t`, (w) => warnings.push(w), FAST);
    const at = new Date().toISOString();
    sink.send({ event: 'run.started', runId: 'R', at, stages: [] });
    sink.send({ event: 'run.done', runId: 'R', at, wallMs: 1 });
    sink.send({ event: 'run.failed', runId: 'R', at, wallMs: 1 });
    await sink.settle(5_000);
    assert.deepEqual(srv.received.map((r) => (r.body as TrackEvent).event),
      ['run.started', 'run.started', 'run.done', 'run.failed', 'run.failed', 'run.failed']);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /^notify run\.done: POST 127\.0\.0\.1:\d+: HTTP 400$/);
    assert.match(warnings[1]!, /^notify run\.failed: POST 127\.0\.0\.1:\d+: HTTP 503 \(after 3 attempts\)$/);
    for (const w of warnings) assert.ok(!w.includes('s3cr3t') && !w.includes('secret-path'), w);
  } finally {
    await srv.close();
  }
});

test('webhook: a server that never answers neither holds the caller nor the later events beyond the timeout', async () => {
  const srv = await startServer((r) => ((r.body as TrackEvent).event === 'run.started' ? 'hang' : { status: 200 }));
  try {
    const warnings: string[] = [];
    const t = new Tracker([webhookSink(`${srv.url}/h`, (w) => warnings.push(w), HANG)]);
    playRun(t); // returns at once: nothing has even reached the server yet
    assert.equal(srv.received.length, 0);
    await t.settle(10_000);
    // run.started: 3 attempts, each abandoned after 500 ms; then the 7 other events go through.
    assert.equal(srv.received.filter((r) => (r.body as TrackEvent).event === 'run.started').length, 3);
    assert.equal(srv.received.length, 3 + 7);
    assert.deepEqual(warnings.map((w) => w.replace(/:\d+:/, ':PORT:')), ['notify run.started: POST 127.0.0.1:PORT: no answer within 500 ms (after 3 attempts)']);
    // settle() is bounded even while deliveries are stuck.
    const t2 = new Tracker([webhookSink(`${srv.url}/h`, () => {}, { timeoutMs: 60_000, retries: 0, backoffMs: 0 })]);
    t2.pipeline({ type: 'plan', runId: 'R2', units: [] });
    const s0 = performance.now();
    await t2.settle(200);
    assert.ok(performance.now() - s0 < 2_000, 'settle waited for a stuck delivery');
  } finally {
    await srv.close();
  }
});

test('AirTable: one record per stage created, then updated; the token as a bearer header, never in a warning', async () => {
  let next = 0;
  const srv = await startServer((r) => {
    if (r.method === 'POST') {
      const records = (r.body as { records: { fields: Record<string, unknown> }[] }).records;
      return { status: 200, body: { records: records.map((x) => ({ id: `rec${++next}`, fields: x.fields, createdTime: '2026-01-01T00:00:00.000Z' })) } };
    }
    return { status: 200, body: { records: [] } };
  });
  try {
    const warnings: string[] = [];
    const target = parseAirtableTarget('airtable:appBASE123/Stage runs');
    const costs = { hourly: 2, estimatedHours: new Map([['base', 1.5], ['ti', 0.25]]) };
    const t = new Tracker([airtableSink(target, TOKEN, costs, (w) => warnings.push(w), { baseUrl: srv.url, request: FAST })]);
    playRun(t);
    await t.settle(5_000);
    assert.ok(srv.received.every((r) => r.url === '/v0/appBASE123/Stage%20runs' && r.headers.authorization === `Bearer ${TOKEN}`));
    const calls = srv.received.map((r) => [r.method, r.body] as const);
    assert.deepEqual(calls[0], ['POST', { typecast: true, records: [
      { fields: { Stage: 'base', 'Estimated cost': 3, Status: 'pending', Notes: 'run R1: 3 of 4 partitions to compute' } },
      { fields: { Stage: 'ti', 'Estimated cost': 0.5, Status: 'up to date', Notes: 'run R1: 0 of 4 partitions to compute' } }] }]);
    const patches = calls.filter(([m]) => m === 'PATCH').map(([, b]) => (b as { records: { id: string; fields: Record<string, unknown> }[] }).records[0]!);
    assert.deepEqual(patches.map((p) => [p.id, p.fields.Status]), [['rec1', 'running'], ['rec1', 'done'], ['rec2', 'running'], ['rec2', 'done'], ['rec3', 'failed'], ['rec4', 'done (unvalidated)']]);
    assert.equal(patches[1]!.fields['Actual cost'], 4); // 2 h of wall at $2/h
    assert.match(String(patches[1]!.fields.Notes), /3 computed, 1 up to date, 0 failed; 90000 rows/);
    assert.ok(!Number.isNaN(Date.parse(String(patches[0]!.fields.Started))) && !Number.isNaN(Date.parse(String(patches[1]!.fields.Finished))));
    // validate and export get their own records, created when they report.
    const creates = calls.filter(([m]) => m === 'POST').map(([, b]) => (b as { records: { fields: { Stage: string } }[] }).records.map((x) => x.fields.Stage));
    assert.deepEqual(creates, [['base', 'ti'], ['validate'], ['export']]);
    assert.equal(patches[4]!.fields.Notes, 'run R1: truncation: 2 failed');
    for (const r of srv.received) assert.ok(!JSON.stringify(r.body).includes(TOKEN), 'no token in a payload');
    assert.deepEqual(warnings, []);
  } finally {
    await srv.close();
  }
});

test('AirTable: creates in batches of 10, retries after a 500, and a refused token is a warning without the token', async () => {
  let next = 0;
  let failedOnce = false;
  const srv = await startServer((r) => {
    if (r.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { error: { type: 'AUTHENTICATION_REQUIRED', message: `bad ${String(r.headers.authorization)}` } } };
    if (!failedOnce) { failedOnce = true; return { status: 500 }; }
    const records = (r.body as { records?: unknown[] }).records ?? [];
    return { status: 200, body: { records: records.map(() => ({ id: `rec${++next}` })) } };
  });
  try {
    const warnings: string[] = [];
    const t = new Tracker([airtableSink({ base: 'appB', table: 'T' }, TOKEN, { hourly: null, estimatedHours: new Map() }, (w) => warnings.push(w), { baseUrl: srv.url, request: FAST })]);
    t.pipeline({ type: 'plan', runId: 'R', units: Array.from({ length: 12 }, (_, i) => ({ unit: `u${i}`, total: 1, todo: 1 })) });
    await t.settle(5_000);
    const posts = srv.received.filter((r) => r.method === 'POST').map((r) => (r.body as { records: unknown[] }).records.length);
    assert.deepEqual(posts, [10, 10, 2], 'the first batch retried after the 500, then 10 + 2');
    assert.deepEqual(warnings, []);

    const refused: string[] = [];
    const bad = new Tracker([airtableSink({ base: 'appB', table: 'T' }, 'patWRONG.token', { hourly: null, estimatedHours: new Map() }, (w) => refused.push(w), { baseUrl: srv.url, request: FAST })]);
    bad.pipeline({ type: 'plan', runId: 'R', units: [{ unit: 'base', total: 1, todo: 1 }] });
    bad.pipeline({ type: 'unit-start', unit: 'base', todo: 1, total: 1 });
    await bad.settle(5_000);
    assert.equal(refused.length, 2); // the create, and the update's second try at creating its record
    for (const w of refused) {
      assert.match(w, /^airtable create: POST 127\.0\.0\.1:\d+: HTTP 401$/);
      assert.ok(!w.includes('patWRONG') && !w.includes(TOKEN), w);
    }
  } finally {
    await srv.close();
  }
});

test('airtable:BASE/TABLE targets', () => {
  assert.deepEqual(parseAirtableTarget('airtable:app123/Stages'), { base: 'app123', table: 'Stages' });
  for (const bad of ['airtable:app123', 'app123/Stages', 'airtable:/T', 'airtable:a/b/c']) assert.throws(() => parseAirtableTarget(bad), /expected airtable:BASE\/TABLE/);
});

test('a run that throws is reported as run.failed with its id', async () => {
  const srv = await startServer(() => ({ status: 200 }));
  try {
    const t = new Tracker([webhookSink(`${srv.url}/h`, () => {}, FAST)]);
    t.pipeline({ type: 'plan', runId: 'R9', units: [] });
    t.runFailed(1234);
    await t.settle(5_000);
    const last = srv.received.at(-1)!.body as TrackEvent;
    assert.deepEqual({ ...last, at: '' }, { event: 'run.failed', runId: 'R9', at: '', wallMs: 1234 });
  } finally {
    await srv.close();
  }
});
