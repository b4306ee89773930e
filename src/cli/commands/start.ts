// npm start / bqx start: the main job on the embedded store — generate a market when the store is
// empty, run every implemented stage, validate, export the wide data set, print what was made and
// what to do next.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { addMonths, DAY_MS, isoMinute, monthOf, monthRange, parseInstant, WEEK_MS, type MonthKey } from '../../core/time.ts';
import { fmtBytes, sameFileSystem } from '../../core/disk.ts';
import { registry, isImplemented } from '../../features/registry.ts';
import { exportDataSet } from '../../export/index.ts';
import { trackerOf } from '../tracking.ts';
import { assertDiskFits, exportFootprint, footprint, runFootprint, startFootprint, type Footprint } from '../../pipeline/footprint.ts';
import { buildUnits } from '../../pipeline/units.ts';
import { bool, int, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, storePath, withStore } from '../context.ts';
import type { Config } from '../../core/config.ts';
import { fmtDuration, fmtNumber, printJson, progressLines } from '../output.ts';
import { generateInto, generateOptions } from './generate.ts';
import { printRunSummary, RUN_OPTIONS, RUN_REDUCE, runSelection, runWithSignals, validateRun } from './run.ts';
import { validationGate } from '../../validate/index.ts';
import { reportDir } from '../../validate/report.ts';

/** Rows of a trading week of 1-minute bars (Sunday 17:00 – Friday 17:00 New York). */
const TRADING_ROWS_PER_WEEK = 5 * 1440;

/**
 * Weeks of bars generated before the first demo month so that every feature is live from its first bar:
 * the largest warm-up of any unit (the regime HMM: its weekly fit reads the 10,080 rows before the segment,
 * which starts up to 10,079 rows back, plus regime_duration's 1,440) in trading weeks, rounded up.
 */
export function warmupWeeks(): number {
  return Math.ceil(Math.max(...buildUnits(registry()).map((u) => u.warmup)) / TRADING_ROWS_PER_WEEK);
}

/** The months `bqx start` generated for warm-up only (kept in <dataDir>/demo.json): never run or exported by start. */
const demoFile = (cfg: Config) => join(cfg.dataDir, 'demo.json');

function warmupMonths(cfg: Config): MonthKey[] {
  if (!existsSync(demoFile(cfg))) return [];
  return (JSON.parse(readFileSync(demoFile(cfg), 'utf8')) as { warmupMonths?: MonthKey[] }).warmupMonths ?? [];
}

/** Days of its first month the demo generates and runs by default: one trading week keeps `npm start` near 2 minutes. */
export const DEMO_DAYS = 7;

/**
 * The demo's span: from `from`, either `days` days (> 0; the last month partial) or `months` whole months,
 * generated from `warmupWeeks()` weeks earlier.
 */
export function demoSpan(from: number, months: number, days = 0) {
  const genFrom = from - warmupWeeks() * WEEK_MS;
  const to = days > 0 ? from + days * DAY_MS : undefined;
  const last = to === undefined ? addMonths(monthOf(from), months - 1) : monthOf(to - 1);
  const runMonths = monthRange(monthOf(from), last);
  const generatedMonths = monthRange(monthOf(genFrom), last);
  return { genFrom, to, runMonths, generatedMonths, warmupMonths: generatedMonths.filter((m) => !runMonths.includes(m)) };
}

/** --generate-days when given; else whole months when more than one is asked for (flag or config), else DEMO_DAYS. */
function demoDays(args: ParsedArgs, cfg: Config): number {
  const days = int(args, 'generate-days');
  if (days !== undefined) return days;
  return args.values['generate-months'] !== undefined || cfg.generateMonths > 1 ? 0 : DEMO_DAYS;
}

export const start: CommandSpec = {
  name: 'start',
  summary: 'The main job: generate a synthetic market if the store is empty (all 28 pairs from config generateFrom: its first week, or --generate-months N whole months, after the weeks of warm-up the stages need), run every implemented stage, validate (stage 2.6), export the wide Parquet data set, and print what was made and what to do next. Refuses up front when the data would not fit the disk.',
  options: {
    ...RUN_OPTIONS,
    months: { ...RUN_OPTIONS.months, default: 'every month with bars except the warm-up month start generated (data-dir/demo.json)' },
    force: { type: 'boolean', description: 'recompute partitions even when they are up to date; with --skip-validation, also export data that no validation covers (marked unvalidated)' },
    'skip-validation': { type: 'boolean', description: 'do not validate after computing; the export then happens only when the latest validation still covers the data, or with --force (marked unvalidated)' },
    'generate-months': { type: 'string', description: 'whole months to generate when the store is empty', default: '1 (config generateMonths)', valueName: 'N' },
    'generate-days': { type: 'string', description: `days of the first month to generate when the store is empty (the demo's span; 0 = whole months)`, default: `${DEMO_DAYS}; whole months with --generate-months N or config generateMonths > 1`, valueName: 'N' },
  },
  async run(args) {
    const t0 = Date.now();
    const cfg = configFrom(args);
    const json = bool(args, 'json');
    const say = (s: string) => { if (!json) console.log(s); };
    const out = resolve(cfg.exportDir);
    const empty = await withStore(cfg, async (store) => (await store.summary()).length === 0);
    let generated = null;
    if (empty) {
      const opts = generateOptions(cfg, { months: int(args, 'generate-months', 1) });
      const days = demoDays(args, cfg);
      const span = demoSpan(opts.from, opts.months, days);
      const gen = { ...opts, from: span.genFrom, months: span.generatedMonths.length, ...(span.to === undefined ? {} : { to: span.to }) };
      const months = runSelection(args).months ?? span.runMonths;
      diskCheck(cfg, out, startFootprint(gen, months), 'start');
      const what = days > 0 ? `${days} day${days === 1 ? '' : 's'} from ${isoMinute(opts.from).slice(0, 10)}` : `${opts.months} month${opts.months === 1 ? '' : 's'}`;
      say(`store ${storePath(cfg)} is empty: generating ${what} of ${opts.pairs.length} pairs after ${warmupWeeks()} weeks of warm-up (seed ${opts.seed})`);
      generated = await withStore(cfg, (store) => generateInto(store, gen, (m, n) => say(`  ${m}: ${fmtNumber(n)} bars`)));
      writeFileSync(demoFile(cfg), JSON.stringify({ generated: { ...gen, from: new Date(gen.from).toISOString(), ...(span.to === undefined ? {} : { to: new Date(span.to).toISOString() }) }, warmupMonths: span.warmupMonths }, null, 2) + '\n');
    }
    const months = await withStore(cfg, async (store) => {
      const all = [...new Set((await store.monthIndex()).map((r) => r.month))].sort();
      const sel = runSelection(args);
      const chosen = sel.months ?? all.filter((m) => !warmupMonths(cfg).includes(m));
      if (!empty) {
        const run = await runFootprint(store, { ...sel, months: chosen, force: bool(args, 'force') }, parseInstant(cfg.baseline));
        const ex = await exportFootprint(store, { pairs: sel.pairs, months: chosen });
        diskCheck(cfg, out, { ...run, items: [...run.items, ...ex.items], bytes: run.bytes + ex.bytes }, 'start');
      }
      return chosen;
    });
    const r = await runWithSignals(cfg, args, 'start', { months });
    if (!json) printRunSummary(r);
    if (r.status !== 'done') return r.status === 'interrupted' ? 130 : 1;
    const report = await validateRun(cfg, args, r, { months });
    if (report && !report.passed) {
      console.error(`validation failed: nothing exported — ${reportDir(cfg.dataDir, report.runId)}/validation.md (bqx export --force exports it marked unvalidated)`);
      return 1;
    }
    const sel = runSelection(args);
    const gate = await withStore(cfg, (store) => validationGate(store, cfg.dataDir, { pairs: sel.pairs, months }));
    if (!gate.ok && !bool(args, 'force')) {
      console.error(`validation skipped and ${gate.message}: nothing exported (bqx validate, then bqx export; or bqx start --skip-validation --force exports it marked unvalidated)`);
      return 1;
    }
    say(`exporting to ${out} …`);
    const lines = progressLines('export', json);
    // The gate applies inside the export too: --force is what lets an unvalidated data set through.
    const ex = await withStore(cfg, (store) => exportDataSet(store, {
      dataDir: cfg.dataDir, out, pairs: sel.pairs, months, force: bool(args, 'force'), onProgress: (p) => lines(p.done, p.total),
    }));
    trackerOf(args)?.exported({ out, files: ex.files.length, rows: ex.rows, validated: ex.validated });
    const reg = registry();
    const implemented = reg.all.filter((f) => isImplemented(reg.familyOf.get(f.name)!));
    const wallMs = Date.now() - t0;
    const summary = {
      store: storePath(cfg), generated, run: r.runId, months, span: dataSpan(ex.files), partitions: r.units.reduce((n, u) => n + u.total, 0), computed: r.units.reduce((n, u) => n + u.done, 0),
      validated: gate.ok, validationReport: gate.report ? join(reportDir(cfg.dataDir, gate.report.runId), 'validation.md') : null,
      rows: ex.rows, bytes: ex.bytes, features: implemented.filter((f) => f.role === 'feature').length, targets: implemented.filter((f) => f.role === 'target').length,
      catalogFeatures: reg.features.length, wallMs, rowsPerSecond: Math.round(ex.rows / (wallMs / 1000)), output: out, files: ex.files.length,
    };
    if (json) printJson(summary);
    else printSummary(summary, args);
    return ex.missing.length === 0 ? 0 : 1;
  },
};

/** Refuses (throws a one-line error) when `fp` does not fit the data directory's disk (and the export's, when elsewhere). */
function diskCheck(cfg: Config, out: string, fp: Footprint, what: string): void {
  const reduce = [...RUN_REDUCE.slice(0, 1), '--generate-months N on an empty store', 'another --data-dir on a larger disk'];
  if (sameFileSystem(cfg.dataDir, out)) return void assertDiskFits(fp, cfg.dataDir, what, reduce);
  const part = (keep: boolean) => footprint(fp.items.filter((i) => (i.what === 'export') === keep), fp);
  assertDiskFits(part(false), cfg.dataDir, what, reduce);
  assertDiskFits(part(true), out, `${what} (export)`, reduce);
}

/** The first and last exported bar: the demo's month may be partial. */
function dataSpan(files: readonly { from: string; to: string }[]): string {
  const from = files.map((f) => f.from).sort()[0], to = files.map((f) => f.to).sort().at(-1);
  return `${from} – ${to}`;
}

/** What was made, then what a user does next (each with the exact command). */
function printSummary(s: { store: string; months: string[]; span: string; partitions: number; computed: number; validated: boolean; validationReport: string | null; rows: number; bytes: number;
  features: number; catalogFeatures: number; targets: number; wallMs: number; output: string; files: number }, args: ParsedArgs): void {
  const glob = `${relative(process.cwd(), s.output) || '.'}/features/*/*/*.parquet`;
  const block = (title: string, rows: [string, string][]) => {
    const w = Math.max(...rows.map(([k]) => k.length));
    return `${title}\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}`;
  };
  console.log('\n' + block('Made', [
    ['store', `${s.store} (bars, manifests, runs)`],
    ['months', `${s.months.join(', ')} (bars ${s.span})`],
    ['partitions', `${fmtNumber(s.partitions)} (stage × pair × month), ${fmtNumber(s.computed)} computed now`],
    ['validation', s.validated ? `passed — ${s.validationReport}` : bool(args, 'skip-validation') ? 'skipped: exported UNVALIDATED (--force)' : 'not covering this data: exported UNVALIDATED'],
    ['export', `${s.output} (${fmtNumber(s.files)} Parquet files, ${fmtBytes(s.bytes)}, manifest.json, catalog.json)`],
    ['rows × columns', `${fmtNumber(s.rows)} × ${s.features} features of ${s.catalogFeatures} + ${s.targets} targets`],
    ['wall time', fmtDuration(s.wallMs)],
  ]));
  console.log('\n' + block('Next', [
    ['dashboard', 'npx bqx serve   (runs, partitions and features in the browser)'],
    ['one feature', 'npx bqx features rsi_idx_w15   (definition, inputs, lookback, range)'],
    ['Python', `import duckdb  # pip install duckdb`],
    ['', `df = duckdb.sql("SELECT * FROM read_parquet('${glob}', hive_partitioning = false) WHERE pair = 'EURUSD'").df()`],
    ['real data', 'npx bqx ingest ../shared/data/real-fx/parrondo__deeptrading/   then README "Real data" (run, export)'],
    ['health check', 'npx bqx doctor   (Node, disk, store, optional servers and tools)'],
  ]));
}
