// npm start / bqx start: the main job on the embedded store — generate a market when the store is
// empty, run every implemented stage, export the wide data set, print where everything is.
import { resolve } from 'node:path';
import { registry, isImplemented } from '../../features/registry.ts';
import { exportWide } from '../../pipeline/export.ts';
import { bool, int, type CommandSpec } from '../args.ts';
import { configFrom, storePath, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, printJson, progressLines } from '../output.ts';
import { generateInto, generateOptions } from './generate.ts';
import { printRunSummary, RUN_OPTIONS, runWithSignals, validateRun } from './run.ts';
import { validationGate } from '../../validate/index.ts';

export const start: CommandSpec = {
  name: 'start',
  summary: 'The main job: generate a synthetic market if the store is empty (config generateMonths months of all 28 pairs), run every implemented stage, validate (stage 2.6), export the wide Parquet data set, and print a summary.',
  options: {
    ...RUN_OPTIONS,
    'generate-months': { type: 'string', description: 'months to generate when the store is empty', default: '3 (config generateMonths)', valueName: 'N' },
  },
  async run(args) {
    const t0 = Date.now();
    const cfg = configFrom(args);
    const json = bool(args, 'json');
    const say = (s: string) => { if (!json) console.log(s); };
    const empty = await withStore(cfg, async (store) => (await store.summary()).length === 0);
    let generated = null;
    if (empty) {
      const opts = generateOptions(cfg, { months: int(args, 'generate-months', 1) });
      say(`store ${storePath(cfg)} is empty: generating ${opts.months} months of ${opts.pairs.length} pairs (seed ${opts.seed})`);
      generated = await withStore(cfg, (store) => generateInto(store, opts, (m, n) => say(`  ${m}: ${fmtNumber(n)} bars`)));
    }
    const r = await runWithSignals(cfg, args, 'start');
    if (!json) printRunSummary(r);
    if (r.status !== 'done') return r.status === 'interrupted' ? 130 : 1;
    const report = await validateRun(cfg, args, r);
    if (report && !report.passed) {
      console.error('validation failed: nothing exported (bqx export --force exports it marked unvalidated)');
      return 1;
    }
    const out = resolve(cfg.exportDir);
    say(`exporting to ${out} …`);
    const ex = await withStore(cfg, async (store) => {
      const gate = await validationGate(store, cfg.dataDir);
      return exportWide(store, { dataDir: cfg.dataDir, out, onProgress: progressLines('export', json), validation: { validated: gate.ok, report: gate.report?.runId ?? null, message: gate.message } });
    });
    const reg = registry();
    const implemented = reg.all.filter((f) => isImplemented(reg.familyOf.get(f.name)!));
    const wallMs = Date.now() - t0;
    const computed = r.units.reduce((n, u) => n + u.done, 0);
    const summary = {
      store: storePath(cfg), generated, run: r.runId, partitions: r.units.reduce((n, u) => n + u.total, 0), computed,
      rows: ex.rows, features: implemented.filter((f) => f.role === 'feature').length, targets: implemented.filter((f) => f.role === 'target').length,
      catalogFeatures: reg.features.length, wallMs, rowsPerSecond: Math.round(ex.rows / (wallMs / 1000)), output: out, files: ex.files.length,
    };
    if (json) printJson(summary);
    else {
      const rows: [string, string][] = [
        ['store', summary.store], ['partitions (stage × pair × month)', String(summary.partitions)], ['computed now', String(computed)],
        ['validation', report ? (report.passed ? `passed (${report.runId})` : 'FAILED') : 'skipped'], ['rows exported', fmtNumber(summary.rows)], ['features', `${summary.features} of ${summary.catalogFeatures} (+ ${summary.targets} targets)`],
        ['wall time', fmtDuration(wallMs)], ['rows/s (end to end)', fmtNumber(summary.rowsPerSecond)], ['output', `${out} (${ex.files.length} files, manifest.json, catalog.json)`],
      ];
      const w = Math.max(...rows.map(([k]) => k.length));
      console.log('\n' + rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n'));
    }
    return ex.missing.length === 0 ? 0 : 1;
  },
};
