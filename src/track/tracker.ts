// Turns pipeline events (and the validation and export results) into tracking events and hands them
// to every configured sink. Sending never waits: sinks queue; `settle` bounds the wait at the end.
import type { PipelineEvent } from '../pipeline/events.ts';
import type { UnitSummary } from '../pipeline/run.ts';
import type { StageFigures, TrackEvent, TrackSink } from './events.ts';

export function figures(s: UnitSummary): StageFigures {
  return {
    partitions: s.total, computed: s.done, skipped: s.skipped, failed: s.failed, pending: s.pending, pairMonths: s.pairMonths,
    rows: s.rows, bytes: s.bytes, wallMs: s.wallMs, computeMs: s.computeMs, writeMs: s.writeMs,
  };
}

export class Tracker {
  private runId: string | null = null;

  constructor(private readonly sinks: readonly TrackSink[]) {}

  get active(): boolean {
    return this.sinks.length > 0;
  }

  private send(e: TrackEvent): void {
    for (const s of this.sinks) s.send(e);
  }

  /** A PipelineEvent listener (compose it with the progress sink). */
  readonly pipeline = (e: PipelineEvent): void => {
    const at = new Date().toISOString();
    switch (e.type) {
      case 'plan':
        this.runId = e.runId;
        this.send({ event: 'run.started', runId: e.runId, at, stages: e.units.map((u) => ({ stage: u.unit, partitions: u.total, todo: u.todo })) });
        break;
      case 'unit-start':
        this.send({ event: 'stage.started', runId: this.runId ?? '', at, stage: e.unit, todo: e.todo });
        break;
      case 'unit-done': {
        const s = e.summary;
        this.send({ event: 'stage.done', runId: this.runId ?? '', at, stage: s.unit, status: s.failed > 0 ? 'failed' : s.pending > 0 ? 'interrupted' : 'done', figures: figures(s) });
        break;
      }
      case 'run-done':
        this.send({ event: `run.${e.status as 'done' | 'failed' | 'interrupted'}`, runId: e.runId, at, wallMs: e.wallMs });
        break;
      default:
        break;
    }
  };

  /** The run threw before it could finish (a store or planning error): report it as failed. */
  runFailed(wallMs: number): void {
    this.send({ event: 'run.failed', runId: this.runId ?? '', at: new Date().toISOString(), wallMs });
  }

  validation(r: { runId: string; passed: boolean; summary: readonly { check: string; failed: number }[] }): void {
    this.send({ event: 'validation', runId: r.runId, at: new Date().toISOString(), passed: r.passed,
      failedChecks: r.summary.filter((c) => c.failed > 0).map((c) => ({ check: c.check, failed: c.failed })) });
  }

  exported(x: { out: string; files: number; rows: number; validated: boolean }): void {
    this.send({ event: 'export.done', runId: this.runId, at: new Date().toISOString(), ...x });
  }

  /** Waits for every sink's queue, at most `ms` in all. */
  async settle(ms: number): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.settle(ms)));
  }
}
