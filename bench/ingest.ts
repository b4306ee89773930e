// Ingest throughput: all 28 real HistData zips of 2017 (10.3 M bars) into a fresh file-backed store.
// Skipped (with a message) when ../shared/data/real-fx is absent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestPaths } from '../src/io/ingest/index.ts';
import { openStore } from '../src/store/duckdb.ts';

const DIR = fileURLToPath(new URL('../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
if (!existsSync(DIR)) {
  console.log('ingest bench skipped: ../shared/data/real-fx is absent');
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'bqx-bench-ingest-'));
  const store = await openStore(join(tmp, 'bqx.duckdb'));
  const t0 = performance.now();
  const reports = await ingestPaths(store, [DIR], { format: 'auto', onError: 'fail' });
  const s = (performance.now() - t0) / 1000;
  const bars = reports.reduce((n, r) => n + r.loaded, 0);
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
  console.log(`ingest: ${reports.length} files, ${bars.toLocaleString('en-US')} bars in ${s.toFixed(1)} s = ${Math.round(bars / s).toLocaleString('en-US')} bars/s (target: all 28 pairs < 120 s)`);
}
