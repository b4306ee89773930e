// Progress events of a pipeline run (rendered by the CLI, written to the run's JSON log).
import type { UnitSummary } from './run.ts';

export type PipelineEvent =
  | { type: 'plan'; runId: string; units: { unit: string; total: number; todo: number }[] }
  | { type: 'unit-start'; unit: string; todo: number; total: number }
  | { type: 'task-start'; unit: string; pair: string; month: string; attempt: number }
  | { type: 'task-done'; unit: string; pair: string; month: string; rows: number; ms: number }
  | { type: 'task-retry'; unit: string; pair: string; month: string; attempt: number; error: string }
  | { type: 'task-failed'; unit: string; pair: string; month: string; error: string }
  | { type: 'unit-done'; summary: UnitSummary }
  | { type: 'warning'; message: string }
  /** A distributed run's tasks wait in the queue and no worker has sent a heartbeat for `silentMs`. */
  | { type: 'no-workers'; queued: number; silentMs: number }
  | { type: 'interrupt'; graceMs: number }
  | { type: 'run-done'; runId: string; status: string; wallMs: number };
