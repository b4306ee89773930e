// The thread CPU clock against the process's (process.cpuUsage) on a busy single thread, and its
// exclusions: a sleeping thread accrues nothing, another thread's work is not counted. Linux only (elsewhere
// the clock is NaN and the pipeline times tasks by the wall clock).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { threadCpuMs } from '../../src/core/cpu.ts';

const linux = process.platform === 'linux';
const processCpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
/** Spins until the process has used `ms` of CPU. */
function spin(ms: number): void {
  const end = processCpuMs() + ms;
  let x = 0;
  while (processCpuMs() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
  if (x < 0) throw new Error('unreachable');
}

test('a busy thread: its CPU time is the process CPU time it used', { skip: !linux && 'needs Linux /proc/thread-self' }, () => {
  const t0 = threadCpuMs(), p0 = processCpuMs();
  spin(300);
  const thread = threadCpuMs() - t0, proc = processCpuMs() - p0;
  // The process also counts its helper threads (GC, libuv): the thread's share is most of it, never more.
  assert.ok(thread <= proc + 5 && thread >= 0.8 * proc, `thread ${thread} ms vs process ${proc} ms`);
});

test('a sleeping thread accrues no CPU time, while another thread works', { skip: !linux && 'needs Linux /proc/thread-self' }, async () => {
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    parentPort.postMessage('spinning');
    let x = 0;
    while (Atomics.load(workerData, 0) === 0) x += Math.sqrt(x + 1);`, { eval: true, workerData: stop });
  await new Promise((resolve) => worker.once('message', resolve));
  const t0 = threadCpuMs(), p0 = processCpuMs();
  sleep(500);
  const thread = threadCpuMs() - t0, proc = processCpuMs() - p0;
  Atomics.store(stop, 0, 1);
  await new Promise((resolve) => worker.once('exit', resolve));
  assert.ok(proc >= 50, `the worker kept the process busy (${proc} ms)`);
  assert.ok(thread < 10, `the sleeping thread counted ${thread} ms`);
});

test('the clock resolves a millisecond of work, not the scheduler tick', { skip: !linux && 'needs Linux /proc/thread-self' }, () => {
  const deltas: number[] = [];
  for (let k = 0; k < 50; k++) {
    // 1 ms of this process's CPU (this thread's, bar a GC helper's slice): preemption by a busy machine does not shorten it.
    const t0 = threadCpuMs(), p0 = processCpuMs();
    let x = 0;
    while (processCpuMs() - p0 < 1) x += Math.sqrt(x + 1);
    deltas.push(threadCpuMs() - t0);
  }
  deltas.sort((a, b) => a - b);
  // Read without the update, ≈ 70 % of these deltas were 0 and the others 4 ms (the tick).
  const median = deltas[25]!;
  assert.ok(median > 0.5 && median < 2, `median of 1 ms spins: ${median} ms (all: ${deltas.map((d) => d.toFixed(2)).join(' ')})`);
});
