// The CLI's rendering of pipeline events without a terminal: the waiting-for-workers notice on stderr,
// and every event in the run's JSON log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { progressSink } from '../../src/cli/progress.ts';
import { tempDir } from '../helpers/tmp.ts';

test('no-workers: one line on stderr naming the queued tasks and the silence; the event in the run log', (t) => {
  const dir = tempDir('bqx-progress-');
  const sink = progressSink(dir, { tty: false, quiet: false });
  const err: string[] = [];
  t.mock.method(console, 'error', (s: string) => { err.push(s); });
  t.mock.method(console, 'log', () => {});
  sink({ type: 'plan', runId: 'r1', units: [{ unit: 'base', total: 4, todo: 3 }] });
  sink({ type: 'no-workers', queued: 3, silentMs: 60_000 });
  assert.deepEqual(err, ['waiting for workers: 3 tasks in the queue and no worker has sent a heartbeat for 1m00s (start some: bqx worker --db …)']);
  const log = readFileSync(sink.logPath()!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; queued?: number });
  assert.deepEqual(log.map((e) => [e.type, e.queued]), [['plan', undefined], ['no-workers', 3]]);
});
