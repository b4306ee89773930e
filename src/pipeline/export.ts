// Export (stage 2.7): the library entry point (the implementation is in ./export/).
import type { Store } from '../store/types.ts';
import { exportDataSet, type ExportResult } from './export/index.ts';

export * from './export/index.ts';

/**
 * The former call shape of `bqx start` (wide layout, progress as done/total). The gate now applies
 * inside exportDataSet, so the verdict passed in is not trusted: an unvalidated data set is refused.
 * Remove once `bqx start` calls exportDataSet with its --force flag.
 */
export function exportWide(store: Store, opts: { dataDir: string; out: string; onProgress?: (done: number, total: number) => void; validation?: unknown }): Promise<ExportResult> {
  return exportDataSet(store, { dataDir: opts.dataDir, out: opts.out, layout: 'wide', onProgress: (p) => opts.onProgress?.(p.done, p.total) });
}
