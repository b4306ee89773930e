// Renders pipeline events: a live bar per stage unit on a TTY, otherwise
// `Progress: k/N (p%) | failures f | ETA …` lines; every event also goes to the run's JSON log.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { PipelineEvent } from '../pipeline/events.ts';
import { fmtDuration } from './output.ts';

export interface ProgressSink {
  (e: PipelineEvent): void;
  /** Path of the JSON log once the run id is known. */
  logPath(): string | null;
}

export function progressSink(dataDir: string, opts: { tty: boolean; quiet: boolean }): ProgressSink {
  let log: string | null = null;
  let multi: cliProgress.MultiBar | null = null;
  const bars = new Map<string, cliProgress.SingleBar>();
  let total = 0;
  let done = 0;
  let failures = 0;
  let start = Date.now();
  let lastLine = 0;

  let lastDecile = 0;
  // Without a terminal: a line every 10 % or every 5 s, whichever comes first, and at the end.
  const line = (force = false) => {
    const now = Date.now();
    const decile = total ? Math.floor((10 * done) / total) : 10;
    if (!force && now - lastLine < 5000 && decile === lastDecile) return;
    lastLine = now;
    lastDecile = decile;
    const pct = total ? (100 * done) / total : 100;
    const eta = done > 0 ? ((now - start) / done) * (total - done) : NaN;
    console.log(`Progress: ${done}/${total} (${pct.toFixed(1)}%) | failures ${failures} | ETA ${done >= total ? '0 s' : fmtDuration(eta)}`);
  };

  const sink = ((e: PipelineEvent) => {
    if (e.type === 'plan') {
      const dir = join(dataDir, 'runs');
      mkdirSync(dir, { recursive: true });
      log = join(dir, `${e.runId}.jsonl`);
      total = e.units.reduce((n, u) => n + u.todo, 0);
      start = Date.now();
      if (opts.tty && !opts.quiet && total > 0) {
        multi = new cliProgress.MultiBar({
          format: '{unit} |{bar}| {value}/{total} partitions | {eta_formatted} left | failures {failures}',
          hideCursor: true, clearOnComplete: false,
        }, cliProgress.Presets.shades_classic);
        const w = Math.max(...e.units.map((u) => u.unit.length));
        for (const u of e.units) if (u.todo > 0) bars.set(u.unit, multi.create(u.todo, 0, { unit: u.unit.padEnd(w), failures: 0 }));
      }
    }
    if (log) appendFileSync(log, JSON.stringify({ t: new Date().toISOString(), ...e }) + '\n');
    if (e.type === 'interrupt') {
      multi?.stop();
      multi = null;
      console.error(`interrupted: finishing tasks in flight (up to ${fmtDuration(e.graceMs)}), the rest stays pending for the next run`);
    }
    if (opts.quiet) return;
    switch (e.type) {
      case 'task-done':
      case 'task-failed':
        done++;
        if (e.type === 'task-failed') failures++;
        bars.get(e.unit)?.increment(1, { failures });
        if (!multi) line(done === total);
        break;
      case 'no-workers': {
        const text = `waiting for workers: ${e.queued} task${e.queued === 1 ? '' : 's'} in the queue and no worker has sent a heartbeat for ${fmtDuration(e.silentMs)} (start some: bqx worker --db …)`;
        if (multi) multi.log(`${text}\n`); else console.error(text); // above the live bars, not through them
        break;
      }
      case 'task-retry':
        if (!multi) console.log(`retry ${e.unit} ${e.pair} ${e.month} (attempt ${e.attempt}): ${e.error}`);
        break;
      case 'run-done':
        multi?.stop();
        multi = null;
        break;
      default:
    }
  }) as ProgressSink;
  sink.logPath = () => log;
  return sink;
}
