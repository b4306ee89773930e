// Messages between the pipeline's main thread (which owns the store) and its worker threads.
// Bars travel as one transferred ArrayBuffer per pair (no clone).
import type { PartitionStats } from './colstats.ts';

export interface WorkerPairInput {
  readonly pair: string;
  /** allocBars layout: 6 columns × n float64 (ts, open, high, low, close, volume). */
  readonly buffer: ArrayBuffer;
  readonly n: number;
  readonly first: number;
  readonly count: number;
  readonly baseline: number;
  /** Lake files of upstream units covering rows [0, first + count), in time order, with the columns read. */
  readonly upstream: readonly { readonly path: string; readonly columns: readonly string[] }[];
  /** Where this pair's output goes. */
  readonly outPath: string;
}

export interface WorkerTask {
  readonly id: number;
  readonly unit: string;
  readonly month: string;
  readonly inputs: readonly WorkerPairInput[];
  readonly metadata: Readonly<Record<string, string>>;
  /** What the previous task of this unit and pair kept in its memo (compute.ts TaskMemo). */
  readonly memo?: Readonly<Record<string, unknown>>;
}

export interface WorkerOutput {
  readonly pair: string;
  readonly path: string;
  readonly rows: number;
  readonly bytes: number;
  readonly checksum: string;
  /** What validation reads of the file, computed while writing it (colstats.ts). */
  readonly stats: PartitionStats;
}

/** computeMs / writeMs: the worker thread's CPU time (core/cpu.ts; wall time where the system does not tell it). */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly outputs: WorkerOutput[]; readonly notes: Record<string, unknown>;
      readonly warnings: string[]; readonly computeMs: number; readonly writeMs: number;
      /** The memo to hand to the next task of this unit and pair, and how many of its values came from the task's. */
      readonly memo: Record<string, unknown>; readonly memoHits: number }
  | { readonly id: number; readonly ok: false; readonly error: string };
