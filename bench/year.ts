// npm run bench:year [-- --months N] [--workers N] [--layout L] [--keep]: the real 2017 year end to end —
// ingest the 28 HistData zips, compute every stage over N months of all pairs, validate, export —
// timing each phase. Prints a summary and writes bench/results/year.json. A benchmark, not a test:
// skipped with a message when ../shared/data/real-fx is absent.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/core/config.ts';
import { parseInstant } from '../src/core/time.ts';
import { ingestPaths } from '../src/io/ingest/index.ts';
import { exportDataSet, LAYOUTS, type Layout } from '../src/export/index.ts';
import { runPipeline, type UnitSummary } from '../src/pipeline/run.ts';
import { openStore } from '../src/store/duckdb.ts';
import { validate } from '../src/validate/index.ts';
import { monitor } from './monitor.ts';

/** The seed plan's budget for stages 2.2/2.3/2.4/2.8/2.9 of one pair-month (issue "The whole year in minutes"). */
const SEED_WORKER_SECONDS = 219.6;
const DATA = fileURLToPath(new URL('../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
const HELP = `usage: npm run bench:year -- [--months N] [--workers N] [--layout L] [--keep]
  --months N   months of 2017 from January (1–12, default 12)
  --workers N  worker threads (default 2)
  --layout L   export layout: ${LAYOUTS.join(', ')} (default wide)
  --keep       keep the temporary data directory (its path is printed)`;

const { values } = (() => {
  try {
    return parseArgs({ options: { months: { type: 'string' }, workers: { type: 'string' }, layout: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean' } }, strict: true });
  } catch (e) {
    console.error(`bench:year: ${(e as Error).message}\n${HELP}`);
    process.exit(2);
  }
})();
if (values.help) { console.log(HELP); process.exit(0); }
const intFlag = (v: string | undefined, dflt: number, lo: number, hi: number, name: string): number => {
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < lo || n > hi) { console.error(`bench:year: --${name} must be an integer in ${lo}..${hi}`); process.exit(2); }
  return n;
};
const nMonths = intFlag(values.months, 12, 1, 12, 'months');
const workers = intFlag(values.workers, 2, 1, 64, 'workers');
const layout = (values.layout ?? 'wide') as Layout;
if (!LAYOUTS.includes(layout)) { console.error(`bench:year: --layout must be one of ${LAYOUTS.join(', ')}`); process.exit(2); }

if (!existsSync(DATA)) {
  console.log('bench:year skipped: ../shared/data/real-fx/parrondo__deeptrading is absent');
  process.exit(0);
}

const months = Array.from({ length: nMonths }, (_, i) => `2017-${String(i + 1).padStart(2, '0')}`);
const dir = mkdtempSync(join(tmpdir(), 'bqx-bench-year-'));
const cfg = loadConfig({ dataDir: dir });
const baselineTs = parseInstant(cfg.baseline);
const free0 = (() => { const s = statfsSync(dir); return s.bavail * s.bsize; })();
console.log(`bench:year: ${nMonths} month(s) of 2017, ${workers} worker(s), ${layout} export, data in ${dir} (${(free0 / 1e9).toFixed(1)} GB free)`);

interface Phase { wallMs: number; coreMs: number; peakRssBytes: number }

/** CPU ms of this process's ended child processes (the export's writers: cutime + cstime of /proc/self/stat); 0 elsewhere. */
function childrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[13]) + Number(f[14])) * 10; // fields 16 and 17, in clock ticks of 10 ms
  } catch {
    return 0;
  }
}

const phases: Record<string, Phase> = {};
async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  mon.phasePeakRss();
  const c0 = process.cpuUsage(), k0 = childrenCpuMs(), t0 = performance.now();
  const r = await fn();
  const c = process.cpuUsage(c0);
  phases[name] = { wallMs: Math.round(performance.now() - t0), coreMs: Math.round((c.user + c.system) / 1000 + childrenCpuMs() - k0), peakRssBytes: mon.phasePeakRss() };
  console.log(`  ${name}: ${(phases[name]!.wallMs / 1000).toFixed(1)} s wall, ${(phases[name]!.coreMs / 1000).toFixed(1)} core-s, RSS ≤ ${(phases[name]!.peakRssBytes / 1e9).toFixed(2)} GB (sampled)`);
  return r;
}

const mon = monitor(dir);
const store = await openStore(join(dir, 'bqx.duckdb'));
let result;
try {
  const ingested = await phase('ingest', () => ingestPaths(store, [DATA], { format: 'auto', onError: 'fail' }));
  const run = await phase('compute', () => runPipeline(store, { dataDir: dir, months, maxWorkers: workers, retries: 0, force: false, baselineTs }));
  if (run.status !== 'done') throw new Error(`run ${run.status}: ${run.units.filter((u) => u.failed).map((u) => u.unit).join(', ')}`);
  printStages(run.units); // now: validation and export of a long run take a while
  const report = await phase('validate', () => validate(store, { dataDir: dir, runId: run.runId, months, baselineTs }));
  const out = join(dir, 'out');
  const ex = await phase('export', () => exportDataSet(store, { dataDir: dir, out, months, layout }));
  result = { ingested: ingested.reduce((n, r) => n + r.loaded, 0), run, report, ex };
} finally {
  await store.close();
}
const foot = await mon.stop();
const { run, report, ex } = result;

/**
 * Core-seconds per pair-month of each unit: the run summary's computeMs/writeMs are the worker threads'
 * CPU time on each task (core/cpu.ts; time waiting for the disk or for a core is not in them); the
 * compute phase's process CPU time (main thread, store, every worker) is reported beside them.
 */
function stagesOf(units: readonly UnitSummary[]) {
  const pairMonths = Math.max(...units.map((u) => u.total));
  const perPm = (ms: number) => +(ms / 1000 / pairMonths).toFixed(3);
  const stages = units.map((u) => ({
    unit: u.unit, partitions: u.done, computeCoreS: perPm(u.computeMs), writeCoreS: perPm(u.writeMs),
    lakeMBPerPairMonth: +(u.bytes / 1e6 / pairMonths).toFixed(2), reused: u.reused,
  }));
  const computeMs = units.reduce((n, u) => n + u.computeMs, 0), writeMs = units.reduce((n, u) => n + u.writeMs, 0);
  return { pairMonths, perPm, stages, computeMs, writeMs, allStagesCoreS: perPm(computeMs + writeMs) };
}

function printStages(units: readonly UnitSummary[]): void {
  const s = stagesOf(units);
  console.log(`per pair-month: ${s.allStagesCoreS} core-s all stages (worker threads' CPU time) (compute ${s.perPm(s.computeMs)} + write ${s.perPm(s.writeMs)}); seed plan ${SEED_WORKER_SECONDS} → ${(SEED_WORKER_SECONDS / s.allStagesCoreS).toFixed(1)}×`);
  for (const u of s.stages) {
    console.log(`  ${u.unit.padEnd(12)} compute ${u.computeCoreS.toFixed(3)}  write ${u.writeCoreS.toFixed(3)}  lake ${u.lakeMBPerPairMonth} MB${u.reused ? `  (${u.reused} results reused from the previous month)` : ''}`);
  }
}

const { pairMonths, perPm, stages, computeMs, writeMs, allStagesCoreS } = stagesOf(run.units);
const lakeBytes = run.units.reduce((n, u) => n + u.bytes, 0);
const totalWallMs = Object.values(phases).reduce((n, p) => n + p.wallMs, 0);
const ru = process.resourceUsage();
const summary = {
  date: new Date().toISOString(), node: process.version, months: nMonths, workers, layout, pairMonths,
  barsIngested: result.ingested, rowsExported: ex.rows,
  phases, totalWallMs, computeValidateExportWallMs: phases.compute!.wallMs + phases.validate!.wallMs + phases.export!.wallMs,
  rowsPerSecond: { compute: Math.round(ex.rows / (phases.compute!.wallMs / 1000)), endToEnd: Math.round(ex.rows / (totalWallMs / 1000)) },
  perPairMonth: { allStagesCoreS, computeCoreS: perPm(computeMs), writeCoreS: perPm(writeMs),
    computePhaseProcessCoreS: perPm(phases.compute!.coreMs), stages },
  seedPlan: { workerSecondsPerPairMonth: SEED_WORKER_SECONDS, speedup: +(SEED_WORKER_SECONDS / allStagesCoreS).toFixed(1) },
  loadAverage: loadavg(),
  validation: { passed: report.passed, timing: report.timing, coreToComputeCore: +(phases.validate!.coreMs / phases.compute!.coreMs).toFixed(3) },
  export: { layout, bytes: ex.bytes, mbPerSecond: +(ex.bytes / 1e6 / (phases.export!.wallMs / 1000)).toFixed(1), coreSecondsPerGB: +(phases.export!.coreMs / 1000 / (ex.bytes / 1e9)).toFixed(2) },
  bytes: { lake: lakeBytes, export: ex.bytes, lakePerPairMonth: Math.round(lakeBytes / pairMonths), exportPerPairMonth: Math.round(ex.bytes / pairMonths) },
  projectedYear: { pairMonths: 336, lakeGB: +(lakeBytes / pairMonths * 336 / 1e9).toFixed(1), exportGB: +(ex.bytes / pairMonths * 336 / 1e9).toFixed(1),
    computeValidateExportMin: +((phases.compute!.wallMs + phases.validate!.wallMs + phases.export!.wallMs) / pairMonths * 336 / 60000).toFixed(1) },
  peak: { maxRssBytes: ru.maxRSS * 1024, sampledRssBytes: foot.peakSampledRss, diskBytes: foot.peakDiskBytes },
};

const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
console.log(`\n${pairMonths} pair-months, ${ex.rows.toLocaleString('en-US')} rows exported, validation ${report.passed ? 'passed' : 'FAILED'}`);
console.log(`validation: ${summary.validation.coreToComputeCore} × the compute phase's core-s; export (${layout}): ${summary.export.mbPerSecond} MB/s, ${summary.export.coreSecondsPerGB} core-s per GB`);
console.log(`compute phase: ${summary.perPairMonth.computePhaseProcessCoreS} process core-s per pair-month (main thread + workers); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`bytes: lake ${gb(lakeBytes)}, export ${gb(ex.bytes)}; peak disk ${gb(foot.peakDiskBytes)}; peak RSS ${gb(summary.peak.maxRssBytes)}`);
console.log(`projected year (336 pair-months): compute+validate+export ${summary.projectedYear.computeValidateExportMin} min, lake ${summary.projectedYear.lakeGB} GB + export ${summary.projectedYear.exportGB} GB`);

mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/year.json', JSON.stringify(summary, null, 2));
console.log('written: bench/results/year.json');
if (values.keep) console.log(`kept: ${dir}`);
else rmSync(dir, { recursive: true, force: true });
