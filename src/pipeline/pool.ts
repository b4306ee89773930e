// A fixed pool of worker threads. Each worker runs one task at a time; a worker that dies fails its
// task (the scheduler retries it) and is replaced. The pipeline's tasks by default; another entry module
// (the validation's battery jobs) brings its own task and reply types.
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerTask } from './protocol.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** What a pool replies when a task could not run (the worker died, the pool closed). */
export interface PoolFailure { readonly id: number; readonly ok: false; readonly error: string }

interface Slot<T, R> {
  worker: Worker;
  busy: { task: T; resolve: (r: R | PoolFailure) => void } | null;
}

export class WorkerPool<T extends { readonly id: number } = WorkerTask, R = WorkerReply> {
  private readonly slots: Slot<T, R>[] = [];
  private readonly waiting: { task: T; transfer: ArrayBuffer[]; resolve: (r: R | PoolFailure) => void }[] = [];
  private closed = false;

  constructor(readonly size: number, private readonly entry: URL = ENTRY) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot<T, R> {
    const slot: Slot<T, R> = { worker: new Worker(this.entry), busy: null };
    slot.worker.on('message', (reply: R) => this.finish(slot, reply));
    slot.worker.on('error', (err) => this.crash(slot, `worker error: ${err.stack ?? err.message}`));
    slot.worker.on('exit', (code) => { if (!this.closed) this.crash(slot, `worker exited with code ${code}`); });
    return slot;
  }

  private crash(slot: Slot<T, R>, error: string): void {
    const busy = slot.busy;
    slot.busy = null;
    const i = this.slots.indexOf(slot);
    if (i >= 0 && !this.closed) {
      void slot.worker.terminate();
      this.slots[i] = this.spawn();
    }
    busy?.resolve({ id: busy.task.id, ok: false, error });
    this.pump();
  }

  private finish(slot: Slot<T, R>, reply: R): void {
    const busy = slot.busy;
    slot.busy = null;
    busy?.resolve(reply);
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy || this.waiting.length === 0) continue;
      const next = this.waiting.shift()!;
      slot.busy = { task: next.task, resolve: next.resolve };
      slot.worker.postMessage(next.task, next.transfer);
    }
  }

  /** Runs a task on the next free worker; `transfer` buffers are moved, not copied. */
  run(task: T, transfer: ArrayBuffer[]): Promise<R | PoolFailure> {
    if (this.closed) return Promise.resolve({ id: task.id, ok: false, error: 'pool closed' });
    return new Promise((resolve) => {
      this.waiting.push({ task, transfer, resolve });
      this.pump();
    });
  }

  /** Tasks queued or running. */
  get load(): number {
    return this.waiting.length + this.slots.filter((s) => s.busy).length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.resolve({ id: w.task.id, ok: false, error: 'pool closed' });
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) s.busy?.resolve({ id: s.busy.task.id, ok: false, error: 'pool closed' });
  }
}
