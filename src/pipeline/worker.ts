// Worker thread: loads the registry once, then executes the tasks the main thread sends.
import { parentPort } from 'node:worker_threads';
import { registry } from '../features/registry.ts';
import { buildUnits } from './units.ts';
import { executeTask } from './task.ts';
import { OutputBuffers } from './compute.ts';
import type { WorkerReply, WorkerTask } from './protocol.ts';

const units = new Map(buildUnits(registry()).map((u) => [u.name, u]));
// The outputs of one task are written and their statistics taken before the reply: the next task may reuse the memory.
const env = { outputs: new OutputBuffers() };

// Tasks arrive one at a time (the pool waits for each reply), so handling them asynchronously is safe.
parentPort!.on('message', async (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    reply = await executeTask(task, units, env);
  } catch (e) {
    const err = e as Error;
    reply = { id: task.id, ok: false, error: err.stack ?? err.message };
  }
  parentPort!.postMessage(reply);
});
