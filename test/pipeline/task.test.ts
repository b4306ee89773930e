// A worker's task execution with the memory it keeps between tasks (pipeline/task.ts, compute.ts
// OutputBuffers): a sequence of tasks of different units, pairs and sizes, some month fan-ins, writes the
// same files (bytes and checksums) and statistics as each task run on fresh memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocBars, BAR_COLUMNS, rowAtOrAfter, type Bars } from '../../src/core/types.ts';
import { registry } from '../../src/features/registry.ts';
import { OutputBuffers } from '../../src/pipeline/compute.ts';
import type { WorkerReply, WorkerTask } from '../../src/pipeline/protocol.ts';
import { executeTask } from '../../src/pipeline/task.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { market } from '../helpers/market.ts';
import { tempDir } from '../helpers/tmp.ts';

const JULY = Date.UTC(2024, 6, 1);
const bars = market(JULY, 1);
const units = new Map(buildUnits(registry()).map((u) => [u.name, u]));
let id = 0;

/** Unit `unit` over days [from, to) of July of `pairs`, all rows before as warm-up, written under `dir`. */
function task(dir: string, unit: string, pairs: readonly string[], from: number, to: number): WorkerTask {
  const input = (pair: string) => {
    const b: Bars = bars.get(pair)!;
    const s = rowAtOrAfter(b.ts, JULY + from * 86_400_000), e = rowAtOrAfter(b.ts, JULY + to * 86_400_000);
    const copy = allocBars(e);
    for (const c of BAR_COLUMNS) copy[c].set(b[c].subarray(0, e));
    return { pair, buffer: copy.ts.buffer as ArrayBuffer, n: e, first: s, count: e - s, baseline: b.close[0]!, upstream: [], outPath: join(dir, unit, `${pair}.parquet`) };
  };
  return { id: ++id, unit, month: '2024-07', inputs: pairs.map(input), metadata: { unit, month: '2024-07', data_version: 't' } };
}

const PAIRS = [...bars.keys()];
const SEQUENCE: [string, string[], number, number][] = [
  ['base', ['EURUSD'], 10, 20], ['ti', ['GBPJPY'], 3, 6], ['arb', PAIRS, 5, 12], ['base', ['AUDNZD'], 15, 17],
  ['ci', PAIRS, 1, 30], ['regime', ['USDJPY'], 20, 31], ['base', ['EURUSD'], 1, 31], ['ti', ['GBPJPY'], 3, 6],
];

const outputsOf = (r: WorkerReply) => {
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.outputs.map(({ path, ...o }) => ({ ...o, file: readFileSync(path) }));
};

test('tasks on a worker\'s reused output memory write what they write on fresh memory', async () => {
  const dir = tempDir('bqx-task-');
  // The worker's default, and a small limit under which some tasks are kept and the larger ones take fresh memory.
  const envs = [{ outputs: new OutputBuffers() }, { outputs: new OutputBuffers(1 << 22) }];
  for (const [k, [unit, pairs, from, to]] of SEQUENCE.entries()) {
    const fresh = outputsOf(await executeTask(task(join(dir, 'fresh'), unit, pairs, from, to), units));
    assert.equal(fresh.length, pairs.length);
    for (const [e, env] of envs.entries()) {
      const reused = outputsOf(await executeTask(task(join(dir, `reused-${e}`), unit, pairs, from, to), units, env));
      assert.deepEqual(reused, fresh, `task ${k}: ${unit}, env ${e}`);
    }
  }
});

test('a task handed the memo of the pair\'s previous task writes the same file, taking the fits of the week both hold', async () => {
  const dir = tempDir('bqx-task-memo-');
  const ok = (r: WorkerReply) => { assert.ok(r.ok, r.ok ? '' : r.error); return r; };
  // Regime over 10–20 July, then 20–31 July: the week from Saturday 13 July is in both (20 July is a Saturday).
  const earlier = ok(await executeTask(task(join(dir, 'a'), 'regime', ['USDJPY'], 10, 20), units));
  assert.equal(earlier.memoHits, 0);
  assert.ok(Object.keys(earlier.memo).length >= 2, 'the earlier task keeps its fits');
  const alone = ok(await executeTask(task(join(dir, 'alone'), 'regime', ['USDJPY'], 20, 31), units));
  const handed = ok(await executeTask({ ...task(join(dir, 'handed'), 'regime', ['USDJPY'], 20, 31), memo: earlier.memo }, units));
  assert.equal(handed.memoHits, 2, 'one fit per domain (idx, bqx) taken');
  assert.deepEqual(outputsOf(handed), outputsOf(alone));
  assert.deepEqual(handed.notes, alone.notes);
  // What it hands on: the fits it took and made, not the earlier task's others.
  assert.deepEqual(Object.keys(handed.memo).sort(), Object.keys(alone.memo).sort());
});
