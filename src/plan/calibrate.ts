// `bqx plan --calibrate`: with no run records to measure throughput from, time a short sample run —
// one synthetic month of the 28 pairs in a temporary store — and keep its run records in the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAIR_NAMES } from '../core/currencies.ts';
import { generateMonths } from '../io/synthetic.ts';
import { runPipeline } from '../pipeline/run.ts';
import { openStore } from '../store/duckdb.ts';
import type { Store } from '../store/types.ts';

export const SAMPLE = { pairs: PAIR_NAMES, from: Date.UTC(2024, 6, 1), months: 1, seed: 7 } as const;

/** Runs the sample with `workers` worker threads; returns the run's id (its records are now in `store`). */
export async function calibrate(store: Store, opts: { workers: number; baselineTs: number }): Promise<{ runId: string; wallMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bqx-calibrate-'));
  try {
    const sample = await openStore(join(dir, 'bqx.duckdb'));
    try {
      for (const { bars } of generateMonths(SAMPLE)) for (const [pair, b] of bars) await sample.upsertBars(pair, b, `synthetic:seed=${SAMPLE.seed}`);
      const r = await runPipeline(sample, { dataDir: dir, maxWorkers: opts.workers, retries: 1, force: false, baselineTs: opts.baselineTs, command: 'calibrate' });
      if (r.status !== 'done') throw new Error(`the calibration run ${r.status}`);
      const run = (await sample.getRuns()).find((x) => x.id === r.runId)!;
      await store.putRun(run);
      for (const rec of await sample.getStageRecords(r.runId)) await store.putStageRecord(rec);
      return { runId: r.runId, wallMs: r.wallMs };
    } finally {
      await sample.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
