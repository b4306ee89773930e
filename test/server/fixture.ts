// A small data directory for the dashboard's API tests, built through the real store, the real Parquet
// writer and the run-log format of src/cli/progress.ts: bars of EURUSD (July 2024) and GBPUSD (July and
// August), manifests of the ti unit in every state, one finished run, a validation report.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allocBars } from '../../src/core/types.ts';
import { registry } from '../../src/features/registry.ts';
import { writeParquetFile } from '../../src/io/parquet.ts';
import { partitionPath } from '../../src/pipeline/lake.ts';
import { buildUnits } from '../../src/pipeline/units.ts';
import { openStore } from '../../src/store/duckdb.ts';
import type { ManifestRecord } from '../../src/store/types.ts';

export const FEATURE = 'rsi_idx_w60'; // a ti column
export const JULY = Date.UTC(2024, 6, 1);
export const ROWS = 3 * 1440; // three days of minutes
export const FAIL_STACK = 'Error: kernel blew up\n    at compute (src/kernels/x.ts:1:1)\n    at run (src/pipeline/run.ts:2:2)';
export const RUN_A = '20240801T000000-aaaaaaaa';

export function bars(start: number, n: number, phase: number) {
  const b = allocBars(n);
  for (let i = 0; i < n; i++) {
    b.ts[i] = start + i * 60_000;
    const c = 1.1 + 0.01 * Math.sin(i / 97 + phase) + 1e-5 * (i % 13);
    b.open[i] = c; b.high[i] = c + 1e-4; b.low[i] = c - 1e-4; b.close[i] = c; b.volume[i] = 0;
  }
  return b;
}

/** The feature column written to the lake: deterministic, with NaN runs (a warm-up and a gap). */
export function featureValues(n: number): Float64Array {
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = i < 60 || (i >= 2000 && i < 2030) ? NaN : 50 + 40 * Math.sin(i / 41) * Math.cos(i / 7);
  return v;
}

export function logLine(path: string, t: number, e: Record<string, unknown>): void {
  appendFileSync(path, JSON.stringify({ t: new Date(t).toISOString(), ...e }) + '\n');
}

export async function buildFixture(dir: string): Promise<void> {
  const ti = buildUnits(registry()).find((u) => u.name === 'ti')!;
  const store = await openStore(join(dir, 'bqx.duckdb'));
  const eur = bars(JULY, ROWS, 0);
  await store.upsertBars('EURUSD', eur, 'fixture');
  await store.upsertBars('GBPUSD', bars(JULY, 1440, 1), 'fixture');
  await store.upsertBars('GBPUSD', bars(Date.UTC(2024, 7, 1), 1440, 2), 'fixture');
  const versions = new Map((await store.monthIndex()).map((m) => [`${m.pair}/${m.month}`, m.version]));
  const base: ManifestRecord = {
    stage: 'ti', pair: 'EURUSD', month: '2024-07', status: 'done', codeVersion: ti.codeVersion,
    inputVersions: { code: ti.codeVersion, 'bars/EURUSD/2024-07': versions.get('EURUSD/2024-07')! }, dataVersion: 'dv-eur-07',
    rows: ROWS, bytes: 1, checksum: 'c', path: partitionPath(dir, 'ti', 'EURUSD', '2024-07'), startedAt: JULY + 1000, finishedAt: JULY + 4000,
    attempts: 1, worker: 'host:1', error: '', extra: {},
  };
  await store.putManifest(base);
  await store.putManifest({ ...base, pair: 'GBPUSD', codeVersion: 'old', inputVersions: { code: 'old', 'bars/GBPUSD/2024-07': versions.get('GBPUSD/2024-07')! }, dataVersion: 'dv-gbp-07' });
  await store.putManifest({ ...base, pair: 'GBPUSD', month: '2024-08', status: 'failed', error: FAIL_STACK, attempts: 3, dataVersion: 'dv-gbp-08' });
  await store.putRun({ id: RUN_A, startedAt: JULY, finishedAt: JULY + 60_000, status: 'done', command: 'run', summary: { pairs: ['EURUSD', 'GBPUSD'] } });
  await store.close();

  writeParquetFile(partitionPath(dir, 'ti', 'EURUSD', '2024-07'), { ts: eur.ts.slice(), columns: [[FEATURE, featureValues(ROWS)]] });
  writeParquetFile(partitionPath(dir, 'ti', 'GBPUSD', '2024-07'), { ts: bars(JULY, 1440, 1).ts, columns: [[FEATURE, new Float64Array(1440).fill(1)]] });

  mkdirSync(join(dir, 'runs'), { recursive: true });
  const log = join(dir, 'runs', `${RUN_A}.jsonl`);
  logLine(log, JULY, { type: 'plan', runId: RUN_A, units: [{ unit: 'ti', total: 3, todo: 2 }] });
  logLine(log, JULY + 1000, { type: 'task-start', unit: 'ti', pair: 'EURUSD', month: '2024-07', attempt: 1 });
  logLine(log, JULY + 4000, { type: 'task-done', unit: 'ti', pair: 'EURUSD', month: '2024-07', rows: ROWS, ms: 3000 });
  logLine(log, JULY + 5000, { type: 'task-start', unit: 'ti', pair: 'GBPUSD', month: '2024-08', attempt: 3 });
  logLine(log, JULY + 6000, { type: 'task-failed', unit: 'ti', pair: 'GBPUSD', month: '2024-08', error: 'Error: kernel blew up' });
  logLine(log, JULY + 60_000, { type: 'run-done', runId: RUN_A, status: 'failed', wallMs: 60_000 });

  mkdirSync(join(dir, 'reports', RUN_A), { recursive: true });
  writeFileSync(join(dir, 'reports', RUN_A, 'validation.json'), JSON.stringify({
    format: 'bqx-validation/1', runId: RUN_A, createdAt: new Date(JULY + 70_000).toISOString(), passed: false,
    scope: { units: ['ti'], pairs: ['EURUSD', 'GBPUSD'], months: ['2024-07'] }, options: {},
    timing: { batteryMs: 1, computeMs: 2, ratio: 0.5, scanMs: 1 },
    summary: [
      { check: 'range', title: 'range', group: 'quality', status: 'pass', checked: 2, failed: 0, targets: 0, unavailable: 0, info: 0 },
      { check: 'truncation', title: 'truncation', group: 'causality', status: 'fail', checked: 2, failed: 1, targets: 0, unavailable: 0, info: 0 },
    ],
    features: [
      { name: 'rsi_idx_w15', unit: 'ti', role: 'feature', results: { truncation: 'pass', range: 'pass' }, nonNull: 1, outliers: 0 },
      { name: FEATURE, unit: 'ti', role: 'feature', results: { truncation: 'fail', range: 'pass' }, nonNull: 1, outliers: 0 },
    ],
    partitions: [{ unit: 'ti', pair: 'EURUSD', month: '2024-07', rows: ROWS, bars: ROWS, cuts: [], batteryMs: 1 },
      { unit: 'ti', pair: 'GBPUSD', month: '2024-07', rows: 1440, bars: 1440, cuts: [], batteryMs: 1 }],
    findings: [
      { check: 'outliers', outcome: 'info', feature: 'rsi_idx_w15', unit: 'ti', pair: 'GBPUSD', month: '2024-07', message: 'outlier' },
      { check: 'truncation', outcome: 'fail', feature: FEATURE, unit: 'ti', pair: 'EURUSD', month: '2024-07', message: 'differs at t' },
    ],
    dataVersions: {},
  }));
}
