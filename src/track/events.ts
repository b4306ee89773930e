// The tracking events bqx posts to a webhook (the payload documented in the README). No secret is
// ever part of one: they carry figures, names and times only.
export interface StageFigures {
  readonly partitions: number; readonly computed: number; readonly skipped: number; readonly failed: number; readonly pending: number;
  readonly pairMonths: number; readonly rows: number; readonly bytes: number;
  readonly wallMs: number; readonly computeMs: number; readonly writeMs: number;
}

export type TrackEvent =
  | { event: 'run.started'; runId: string; at: string; stages: { stage: string; partitions: number; todo: number }[] }
  | { event: 'stage.started'; runId: string; at: string; stage: string; todo: number }
  | { event: 'stage.done'; runId: string; at: string; stage: string; status: 'done' | 'failed' | 'interrupted'; figures: StageFigures }
  | { event: 'run.done' | 'run.failed' | 'run.interrupted'; runId: string; at: string; wallMs: number }
  | { event: 'validation'; runId: string; at: string; passed: boolean; failedChecks: { check: string; failed: number }[] }
  | { event: 'export.done'; runId: string | null; at: string; out: string; files: number; rows: number; validated: boolean };

/** Where events go: `send` queues and returns at once; `settle` waits (at most `ms`) for the queue. */
export interface TrackSink {
  send(e: TrackEvent): void;
  settle(ms: number): Promise<void>;
}

/** A FIFO of async jobs run one at a time (events keep their order; the caller never waits). */
export class JobQueue {
  private tail: Promise<void> = Promise.resolve();

  push(job: () => Promise<void>): void {
    this.tail = this.tail.then(job).catch(() => undefined);
  }

  /** Resolves when the queue is empty or after `ms`, whichever comes first. */
  async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.tail, new Promise<void>((r) => { timer = setTimeout(r, ms); timer.unref(); })]);
    clearTimeout(timer);
  }
}
