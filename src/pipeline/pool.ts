// A fixed pool of worker threads. Each worker runs one task at a time; a worker that dies fails its
// task (the scheduler retries it) and is replaced.
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerTask } from './protocol.ts';

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

interface Slot {
  worker: Worker;
  busy: { task: WorkerTask; resolve: (r: WorkerReply) => void } | null;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: { task: WorkerTask; transfer: ArrayBuffer[]; resolve: (r: WorkerReply) => void }[] = [];
  private closed = false;

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(ENTRY), busy: null };
    slot.worker.on('message', (reply: WorkerReply) => this.finish(slot, reply));
    slot.worker.on('error', (err) => this.crash(slot, `worker error: ${err.stack ?? err.message}`));
    slot.worker.on('exit', (code) => { if (!this.closed) this.crash(slot, `worker exited with code ${code}`); });
    return slot;
  }

  private crash(slot: Slot, error: string): void {
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

  private finish(slot: Slot, reply: WorkerReply): void {
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
  run(task: WorkerTask, transfer: ArrayBuffer[]): Promise<WorkerReply> {
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
