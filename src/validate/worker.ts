// Worker thread of the causality battery: loads the registry's units once, then runs the battery jobs
// the main thread sends (job.ts), one at a time.
import { parentPort } from 'node:worker_threads';
import { registry } from '../features/registry.ts';
import { buildUnits } from '../pipeline/units.ts';
import { runJob, type BatteryJob, type BatteryJobReply } from './job.ts';

const units = new Map(buildUnits(registry()).map((u) => [u.name, u]));

parentPort!.on('message', (job: BatteryJob) => {
  let reply: BatteryJobReply;
  try {
    reply = runJob(job, units);
  } catch (e) {
    const err = e as Error;
    reply = { id: job.id, ok: false, error: err.stack ?? err.message };
  }
  parentPort!.postMessage(reply);
});
