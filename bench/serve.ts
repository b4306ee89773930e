// The dashboard's speed: `node --import tsx bench/serve.ts`.
// A year of history: 365 daily run logs (28 pairs × 8 units of task lines each), the store's manifests
// (28 pairs × 12 months × 8 units) and run records, EURUSD's bars of 2024 in the store and its base
// lake files for 2024 at the real width (every base column). Measures the server's start (folding
// the logs), the first page (page + assets + the runs API), the heatmap, and a feature chart of the
// pair-year (server time, cold and warm).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { monthRange, monthStart, monthEnd } from '../src/core/time.ts';
import { registry } from '../src/features/registry.ts';
import { writeParquetFile } from '../src/io/parquet.ts';
import { generateMarket } from '../src/io/synthetic.ts';
import { partitionPath } from '../src/pipeline/lake.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { openStore } from '../src/store/duckdb.ts';
import { buildServer } from '../src/server/app.ts';

const dir = mkdtempSync(join(tmpdir(), 'bqx-bench-serve-'));
const months = monthRange('2024-01', '2024-12');
const units = buildUnits(registry());
const base = units.find((u) => u.name === 'base')!;
const t = (ms: number) => `${ms.toFixed(0)} ms`;

try {
  console.log(`building a year of history in ${dir} …`);
  const eur = generateMarket({ pairs: ['EURUSD'], from: Date.UTC(2024, 0, 1), months: 12, seed: 5 }).get('EURUSD')!;
  const store = await openStore(join(dir, 'bqx.duckdb'));
  await store.upsertBars('EURUSD', eur, 'bench');
  const day = 86_400_000;
  for (let d = 0; d < 365; d++) {
    const id = `2024${String(d).padStart(4, '0')}-bench`;
    const t0 = Date.UTC(2024, 0, 1) + d * day;
    await store.putRun({ id, startedAt: t0, finishedAt: t0 + 3600_000, status: 'done', command: 'run', summary: {} });
  }
  for (const u of units) {
    for (const pair of u.kind === 'pair' ? PAIR_NAMES : ['*']) {
      for (const month of months) {
        await store.putManifest({
          stage: u.name, pair, month, status: 'done', codeVersion: u.codeVersion, inputVersions: { code: u.codeVersion }, dataVersion: 'v',
          rows: 31_000, bytes: 1, checksum: 'c', path: '', startedAt: monthStart(month), finishedAt: monthStart(month) + 40_000, attempts: 1, worker: 'bench', error: '', extra: {},
        });
      }
    }
  }
  await store.close();

  mkdirSync(join(dir, 'runs'));
  for (let d = 0; d < 365; d++) {
    const id = `2024${String(d).padStart(4, '0')}-bench`;
    let at = Date.UTC(2024, 0, 1) + d * day;
    const line = (e: object) => JSON.stringify({ t: new Date(at += 1000).toISOString(), ...e });
    const lines = [line({ type: 'plan', runId: id, units: units.map((u) => ({ unit: u.name, total: u.kind === 'pair' ? 28 : 1, todo: u.kind === 'pair' ? 28 : 1 })) })];
    for (const u of units) {
      for (const pair of u.kind === 'pair' ? PAIR_NAMES : ['*']) {
        lines.push(line({ type: 'task-start', unit: u.name, pair, month: '2024-12', attempt: 1 }));
        lines.push(line({ type: 'task-done', unit: u.name, pair, month: '2024-12', rows: 31_000, ms: 40_000 }));
      }
    }
    lines.push(line({ type: 'run-done', runId: id, status: 'done', wallMs: 3600_000 }));
    writeFileSync(join(dir, 'runs', `${id}.jsonl`), lines.join('\n') + '\n');
  }

  // Base lake files of EURUSD, 2024, every base column (values: the close, scaled per column).
  for (const month of months) {
    const lo = eur.ts.findIndex((x) => x >= monthStart(month));
    let hi = eur.ts.findIndex((x) => x >= monthEnd(month));
    if (hi < 0) hi = eur.ts.length;
    const ts = eur.ts.slice(lo, hi);
    const close = eur.close.slice(lo, hi);
    writeParquetFile(partitionPath(dir, 'base', 'EURUSD', month), { ts, columns: base.columns.map((c, k) => [c.name, close.map((x) => x * (k + 1))] as const) });
  }

  await new Promise((resolve) => setTimeout(resolve, 2100)); // the server opens the store once it is quiet for 2 s
  const s0 = performance.now();
  const { app, state } = await buildServer({ dataDir: dir });
  await app.ready();
  const folded = state.logs.runs();
  const lines = folded.reduce((n, r) => n + [...r.partitions.values()].reduce((k, p) => k + p.lines.length, 0) + 2, 0);
  const startMs = performance.now() - s0;

  const get = async (url: string) => {
    const r = await app.inject({ method: 'GET', url });
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    return r;
  };
  const p0 = performance.now();
  await get('/');
  for (const a of ['app.js', 'style.css', 'uPlot.iife.min.js', 'uPlot.min.css']) await get(`/static/${a}`);
  const runs = (await get('/api/runs')).json() as { runs: unknown[] };
  const firstPageMs = performance.now() - p0;
  const p1 = performance.now();
  await get('/api/runs');
  const runsWarmMs = performance.now() - p1;
  const h0 = performance.now();
  await get('/api/heatmap?unit=base');
  const heatmapMs = performance.now() - h0;

  const feature = base.columns.find((c) => c.role === 'feature')!.name;
  const chartUrl = (w: number) => `/api/chart?pair=EURUSD&feature=${feature}&from=2024-01&to=2025-01&width=${w}`;
  type Chart = { serverMs: number; featureMs: number; priceMs: number; values: { points: number; files: number } };
  const cold = (await get(chartUrl(1600))).json() as Chart;
  const warm: Chart[] = [];
  for (const w of [1599, 1601, 1200]) warm.push((await get(chartUrl(w))).json() as Chart);
  await app.close();

  console.log(`server start (fold ${folded.length} run logs, ${lines} lines; read the store): ${t(startMs)}`);
  console.log(`first page (/, 4 assets, /api/runs: ${runs.runs.length} of them): ${t(firstPageMs)} (target < 1000 ms); /api/runs again: ${t(runsWarmMs)}`);
  console.log(`heatmap of base (28 pairs × 12 months, store snapshot): ${t(heatmapMs)}`);
  console.log(`chart of ${feature}, EURUSD 2024 (${cold.values.points} values from ${cold.values.files} files of ${base.columns.length} columns) + price, 1600 px: ` +
    `cold ${t(cold.serverMs)} (feature ${t(cold.featureMs)}, price ${t(cold.priceMs)}); then ${warm.map((c) => `${t(c.serverMs)} (${t(c.featureMs)} + ${t(c.priceMs)})`).join(', ')} server time (target < 500 ms)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
