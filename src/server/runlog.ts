// Run history and the live run, read from the JSON lines every run appends to <dataDir>/runs/<runId>.jsonl.
// The log is the one source that is readable while a run holds the store (DuckDB admits one process
// per database file), so the dashboard folds it incrementally: each poll reads only the bytes appended.
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineEvent } from '../pipeline/events.ts';
import { formatPartition } from '../core/partition.ts';

export type LiveState = 'pending' | 'running' | 'done' | 'failed';

export interface PartitionEvents {
  readonly unit: string;
  readonly pair: string;
  readonly month: string;
  state: LiveState;
  attempts: number;
  rows: number | null;
  ms: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  /** The raw log lines about this partition (the last LINES_KEPT). */
  lines: string[];
}

export interface UnitProgress {
  readonly unit: string;
  total: number;
  todo: number;
  done: number;
  failed: number;
  running: number;
  rows: number;
  ms: number;
}

export interface RunView {
  readonly id: string;
  startedAt: number;
  /** Time of the last event (the log carries no heartbeat: a task in flight writes nothing). */
  lastEventAt: number;
  finishedAt: number | null;
  /** 'running' until run-done; 'ended' when it will never finish: a newer run started, or no process holds the store. */
  status: 'running' | 'done' | 'failed' | 'interrupted' | 'ended';
  units: UnitProgress[];
  partitions: Map<string, PartitionEvents>;
  failures: { unit: string; pair: string; month: string; error: string; at: number }[];
  warnings: string[];
  rows: number;
}

const LINES_KEPT = 50;

export const partitionKey = (unit: string, pair: string, month: string) => formatPartition({ unit, pair, month });

type Logged = PipelineEvent & { t: string };

function emptyRun(id: string): RunView {
  return { id, startedAt: NaN, lastEventAt: NaN, finishedAt: null, status: 'running', units: [], partitions: new Map(), failures: [], warnings: [], rows: 0 };
}

/** Applies one logged event to the run (a pure fold: the same lines always give the same view). */
export function applyEvent(run: RunView, e: Logged, line: string): void {
  const at = Date.parse(e.t);
  if (Number.isNaN(run.startedAt)) run.startedAt = at;
  run.lastEventAt = at;
  const unitOf = (name: string) => {
    let u = run.units.find((x) => x.unit === name);
    if (!u) run.units.push(u = { unit: name, total: 0, todo: 0, done: 0, failed: 0, running: 0, rows: 0, ms: 0 });
    return u;
  };
  const part = (unit: string, pair: string, month: string) => {
    const k = partitionKey(unit, pair, month);
    let p = run.partitions.get(k);
    if (!p) run.partitions.set(k, p = { unit, pair, month, state: 'pending', attempts: 0, rows: null, ms: null, startedAt: null, finishedAt: null, error: null, lines: [] });
    p.lines.push(line);
    if (p.lines.length > LINES_KEPT) p.lines.shift();
    return p;
  };
  switch (e.type) {
    case 'plan':
      for (const u of e.units) Object.assign(unitOf(u.unit), { total: u.total, todo: u.todo });
      break;
    case 'task-start': {
      const p = part(e.unit, e.pair, e.month);
      if (p.state !== 'running') unitOf(e.unit).running++;
      Object.assign(p, { state: 'running', attempts: e.attempt, startedAt: at });
      break;
    }
    case 'task-retry':
      part(e.unit, e.pair, e.month).error = e.error;
      break;
    case 'task-done':
    case 'task-failed': {
      const p = part(e.unit, e.pair, e.month);
      const u = unitOf(e.unit);
      if (p.state === 'running') u.running--;
      p.finishedAt = at;
      if (e.type === 'task-done') {
        Object.assign(p, { state: 'done', rows: e.rows, ms: e.ms, error: null });
        u.done++; u.rows += e.rows; u.ms += e.ms; run.rows += e.rows;
      } else {
        Object.assign(p, { state: 'failed', error: e.error });
        u.failed++;
        run.failures.push({ unit: e.unit, pair: e.pair, month: e.month, error: e.error, at });
      }
      break;
    }
    case 'warning':
      run.warnings.push(e.message);
      break;
    case 'run-done':
      run.status = e.status as RunView['status'];
      run.finishedAt = at;
      for (const u of run.units) u.running = 0;
      break;
    default:
  }
}

/** Throughput (rows/s of wall time) and the remaining time of a run from its rate so far. */
export function runRates(run: RunView, now: number): { rowsPerSec: number | null; etaMs: number | null; done: number; todo: number } {
  const done = run.units.reduce((n, u) => n + u.done + u.failed, 0);
  const todo = run.units.reduce((n, u) => n + u.todo, 0);
  const wall = (run.finishedAt ?? now) - run.startedAt;
  const rowsPerSec = wall > 0 ? (1000 * run.rows) / wall : null;
  const etaMs = run.status !== 'running' ? 0 : done > 0 ? (wall / done) * (todo - done) : null;
  return { rowsPerSec, etaMs, done, todo };
}

interface Tail { offset: number; partial: string; run: RunView }

/** Keeps every run log of a data directory folded, reading only what was appended since the last poll. */
export class RunLogs {
  private readonly tails = new Map<string, Tail>();

  constructor(private readonly dataDir: string) {}

  get dir(): string {
    return join(this.dataDir, 'runs');
  }

  /** Reads new lines of every log; returns the runs whose view changed. */
  poll(): RunView[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((f) => f.endsWith('.jsonl'));
    } catch {
      return [];
    }
    const changed: RunView[] = [];
    for (const name of names) {
      const id = name.slice(0, -'.jsonl'.length);
      let tail = this.tails.get(id);
      if (!tail) this.tails.set(id, tail = { offset: 0, partial: '', run: emptyRun(id) });
      if (this.readAppended(join(this.dir, name), tail)) changed.push(tail.run);
    }
    // A run without run-done followed by a newer run was killed: it will write nothing more.
    const ordered = this.runs();
    for (let i = 1; i < ordered.length; i++) {
      const r = ordered[i]!;
      if (r.status === 'running') { r.status = 'ended'; changed.push(r); }
    }
    return changed;
  }

  /** Every run, newest first. */
  runs(): RunView[] {
    return [...this.tails.values()].map((t) => t.run).filter((r) => !Number.isNaN(r.startedAt))
      .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1));
  }

  get(id: string): RunView | undefined {
    return this.tails.get(id)?.run;
  }

  /** Marks a run that will write no more (its process is gone) as ended. */
  markEnded(id: string): void {
    const run = this.get(id);
    if (run?.status === 'running') run.status = 'ended';
  }

  /** The newest run when it has not finished. */
  live(): RunView | undefined {
    const r = this.runs()[0];
    return r?.status === 'running' ? r : undefined;
  }

  private readAppended(path: string, tail: Tail): boolean {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return false;
    }
    if (size <= tail.offset) return false;
    const buf = Buffer.alloc(size - tail.offset);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, tail.offset);
    } finally {
      closeSync(fd);
    }
    tail.offset = size;
    const text = tail.partial + buf.toString('utf8');
    const lines = text.split('\n');
    tail.partial = lines.pop()!; // an unfinished last line waits for the next poll
    for (const line of lines) {
      if (!line.trim()) continue;
      let e: Logged;
      try {
        e = JSON.parse(line) as Logged;
      } catch {
        continue; // not ours to judge: a torn or foreign line is skipped
      }
      applyEvent(tail.run, e, line);
    }
    return lines.length > 0;
  }
}
