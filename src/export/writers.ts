// A pool of processes that write export files (worker.ts), one file at a time each. Processes, not worker
// threads: glibc serves a thread's allocations from its own arenas, which hand freed memory back to the
// kernel, so each file's buffers were fresh pages again (measured: ≈ 70 MB of page faults and 40 % more CPU
// per wide file in a worker thread); a process's main arena keeps them (with the README's malloc setting).
import { fork, type ChildProcess } from 'node:child_process';
import type { WriteReply, WriteTask } from './worker.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export class WriterPool {
  private readonly idle: ChildProcess[] = [];
  private readonly waiting: ((c: ChildProcess) => void)[] = [];
  private readonly children = new Set<ChildProcess>();

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  private spawn(): ChildProcess {
    const child = fork(ENTRY, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.on('error', () => {}); // a send to a process that died: its exit fails the file
    return child;
  }

  /** Writes the file on the next free process; its size and sha256. A process that dies fails its file and is replaced. */
  async write(task: WriteTask): Promise<{ size: number; sha256: string }> {
    let child = this.idle.pop() ?? (await new Promise<ChildProcess>((r) => this.waiting.push(r)));
    if (!child.connected) child = this.spawn(); // died while idle
    let alive = true;
    try {
      return await new Promise((resolve, reject) => {
        const onMessage = (r: WriteReply) => { off(); if (r.ok) resolve({ size: r.size, sha256: r.sha256 }); else reject(new Error(r.error)); };
        const onExit = (code: number | null, signal: string | null) => { off(); alive = false; reject(new Error(`export writer process exited (${signal ?? `code ${code}`})`)); };
        const off = () => { child.off('message', onMessage); child.off('exit', onExit); };
        child.on('message', onMessage);
        child.on('exit', onExit);
        child.send(task);
      });
    } finally {
      const next = alive ? child : this.spawn();
      const waiter = this.waiting.shift();
      if (waiter) waiter(next); else this.idle.push(next);
    }
  }

  /** Ends the processes (each exits when its channel closes) and waits for them. */
  async close(): Promise<void> {
    const exited = [...this.children].map((c) => new Promise((r) => { if (c.exitCode !== null || c.signalCode !== null) r(null); else c.once('exit', r); }));
    for (const c of this.children) if (c.connected) c.disconnect();
    await Promise.all(exited);
  }
}
