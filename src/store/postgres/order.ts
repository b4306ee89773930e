// Call-order semantics over a connection pool: each operation sees every write called before it and
// none called after it, as if the store ran them one at a time in call order (as the embedded store
// does), while reads between two writes run at once on several connections.
export class CallOrder {
  /** Settles when every write called so far has finished. */
  private writes: Promise<unknown> = Promise.resolve();
  /** Reads called since the last write and not finished yet. */
  private reads = new Set<Promise<unknown>>();
  private closed = false;

  /** Runs `fn` after the writes called before it. */
  read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const run = this.writes.then(fn);
    const settled = run.then(() => undefined, () => undefined);
    const reads = this.reads;
    reads.add(settled);
    void settled.then(() => reads.delete(settled));
    return run;
  }

  /** Runs `fn` after every operation called before it. */
  write<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    const run = Promise.all([this.writes, ...this.reads]).then(fn);
    this.writes = run.catch(() => undefined);
    this.reads = new Set();
    return run;
  }

  /** Refuses further operations and waits for those called; false when it was closed already. */
  async close(): Promise<boolean> {
    if (this.closed) return false;
    const last = Promise.all([this.writes, ...this.reads]);
    this.closed = true;
    await last;
    return true;
  }
}
