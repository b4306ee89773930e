// npm start / bqx start: the main job (src/job/main.ts) on the embedded store — generate a market when
// the store is empty, run every implemented stage, validate, export the wide data set — and a summary of
// what was made and what to do next. This shell parses the flags and prints.
import { relative, resolve } from 'node:path';
import { fmtBytes } from '../../core/disk.ts';
import type { Config } from '../../core/config.ts';
import { DEMO_DAYS, defaultDemoDays } from '../../job/demo.ts';
import { mainJob, type MainJobSummary } from '../../job/main.ts';
import { bool, int, str, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, storePath, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, printJson, progressLines } from '../output.ts';
import { trackerFor } from '../tracking.ts';
import { generateOptions } from './generate.ts';
import { jobSettings, printRunSummary, progressOf, RUN_OPTIONS, runSelection, storeScope, withSignals } from './run.ts';

/** --generate-days when given; else whole months with --generate-months N, else config's default. */
function demoDays(args: ParsedArgs, cfg: Config): number {
  const days = int(args, 'generate-days');
  if (days !== undefined) return days;
  return args.values['generate-months'] !== undefined ? 0 : defaultDemoDays(cfg.generateMonths);
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
    const cfg = configFrom(args);
    const json = bool(args, 'json');
    const say = (line: string) => { if (!json) console.log(line); };
    const out = resolve(cfg.exportDir);
    const lines = progressLines('export', json);
    const sel = runSelection(args);
    const tracker = await withStore(cfg, (store) => trackerFor(cfg, args, store));
    const generate = { ...generateOptions(cfg, { months: int(args, 'generate-months', 1) }), days: demoDays(args, cfg) };
    const r = await mainJob(storeScope(cfg), jobSettings(cfg, args), {
      ...sel, out, generate, force: bool(args, 'force'), skipValidation: bool(args, 'skip-validation'), planId: str(args, 'plan'),
      tracker, cancellable: withSignals, onEvent: progressOf(cfg, args),
      reporter: { say, runDone: (run) => { if (!json) printRunSummary(run); }, exportProgress: lines },
    });
    switch (r.outcome) {
      case 'not-done':
        return r.run.status === 'interrupted' ? 130 : 1;
      case 'validation-failed':
        console.error(`validation failed: nothing exported — ${r.reportPath} (bqx export --force exports it marked unvalidated)`);
        return 1;
      case 'not-covered':
        console.error(`validation skipped and ${r.message}: nothing exported (bqx validate, then bqx export; or bqx start --skip-validation --force exports it marked unvalidated)`);
        return 1;
      case 'exported': {
        const summary = { store: storePath(cfg), ...r.summary };
        if (json) printJson(summary);
        else printSummary(summary, args);
        return r.missing.length === 0 ? 0 : 1;
      }
    }
  },
};

/** What was made, then what a user does next (each with the exact command). */
function printSummary(s: MainJobSummary & { store: string }, args: ParsedArgs): void {
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
