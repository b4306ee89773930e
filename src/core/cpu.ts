// The CPU time of the calling thread. Node 20 has no per-thread CPU clock (process.cpuUsage counts every
// thread of the process; process.threadCpuUsage came with Node 23.9), so it is read from Linux's
// /proc/thread-self/schedstat, whose first field is the thread's time on a CPU in nanoseconds (user and
// kernel time, page faults included; time waiting for the disk or for a core excluded). The kernel brings
// that figure up to date only at scheduler events (a tick: 4 ms here), so each read is preceded by
// getrusage (process.cpuUsage), whose thread_group_cputime() updates the calling thread's runtime first
// (kernel/sched/cputime.c): the clock then resolves microseconds instead of ticks.
import { openSync, readSync } from 'node:fs';

/** Per thread: each worker thread has its own instance of this module, and the file stays bound to the thread that opened it. */
let schedstat: number | null | undefined;
const text = Buffer.alloc(64);

/** The calling thread's CPU time in ms; NaN where the system does not tell it (not Linux). */
export function threadCpuMs(): number {
  if (schedstat === undefined) {
    try {
      schedstat = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      schedstat = null;
    }
  }
  if (schedstat === null) return NaN;
  process.cpuUsage(); // brings the thread's runtime up to date (see above)
  const n = readSync(schedstat, text, 0, text.length, 0);
  return Number(text.toString('latin1', 0, n).split(' ')[0]) / 1e6;
}

/** threadCpuMs where the system tells it, else wall time (performance.now()). */
export const threadClock: () => number = Number.isNaN(threadCpuMs()) ? () => performance.now() : threadCpuMs;
