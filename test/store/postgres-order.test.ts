// The PostgreSQL store's call order (src/store/postgres/order.ts), with hand-driven operations: each
// one is a promise the test resolves, and the log records when each started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CallOrder } from '../../src/store/postgres/order.ts';

/** An operation that logs its start and finishes when the test says. */
function op(log: string[], name: string, fail = false) {
  let finish!: () => void;
  const done = new Promise<void>((r) => { finish = r; });
  const fn = async () => {
    log.push(name);
    await done;
    if (fail) throw new Error(`${name} failed`);
    return name;
  };
  return { fn, finish };
}

const tick = () => new Promise((r) => setImmediate(r));

test('reads between writes run together; a write waits for everything called before it; a read for the writes before it', async () => {
  const order = new CallOrder();
  const log: string[] = [];
  const [r1, r2, w1, r3, w2] = [op(log, 'r1'), op(log, 'r2'), op(log, 'w1', true), op(log, 'r3'), op(log, 'w2')];
  const p = [order.read(r1.fn), order.read(r2.fn), order.write(w1.fn), order.read(r3.fn), order.write(w2.fn)];
  await tick();
  assert.deepEqual(log, ['r1', 'r2'], 'both reads started at once, the write waits');
  r2.finish();
  await tick();
  assert.deepEqual(log, ['r1', 'r2'], 'the write still waits for r1');
  r1.finish();
  await tick();
  assert.deepEqual(log, ['r1', 'r2', 'w1']);
  w1.finish();
  await tick();
  assert.deepEqual(log, ['r1', 'r2', 'w1', 'r3'], 'a failed write does not block what follows');
  r3.finish();
  await tick();
  assert.deepEqual(log, ['r1', 'r2', 'w1', 'r3', 'w2']);
  w2.finish();
  const results = await Promise.allSettled(p);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  assert.equal((results[2] as PromiseRejectedResult).reason.message, 'w1 failed');
});

test('close waits for the calls made before it and refuses later ones', async () => {
  const order = new CallOrder();
  const log: string[] = [];
  const r = op(log, 'r');
  const read = order.read(r.fn);
  let closed = false;
  const closing = order.close().then((first) => { closed = true; return first; });
  await tick();
  assert.equal(closed, false, 'close waits for the read in flight');
  await assert.rejects(order.read(async () => 1), /the store is closed/);
  await assert.rejects(order.write(async () => 1), /the store is closed/);
  r.finish();
  assert.equal(await read, 'r');
  assert.equal(await closing, true);
  assert.equal(await order.close(), false, 'closing twice is harmless');
});
