// bqx export --out DIR [--layout wide]: the data set as Parquet + manifest.json + catalog.json.
import { resolve } from 'node:path';
import { exportWide } from '../../pipeline/export.ts';
import { validationGate } from '../../validate/index.ts';
import { bool, oneOf, str, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, printJson, progressLines } from '../output.ts';
import { runSelection } from './run.ts';

export const exportCmd: CommandSpec = {
  name: 'export',
  summary: 'Write the computed data set as snappy Parquet (one file per pair × month) with manifest.json and catalog.json.',
  options: {
    out: { type: 'string', description: 'output directory', default: 'bqx-data/export (config exportDir)', valueName: 'DIR' },
    layout: { type: 'string', description: 'file layout: wide (ts, pair, features, targets per pair × month)', default: 'wide', valueName: 'L' },
    pairs: { type: 'string', description: 'pairs, comma-separated', default: 'all', valueName: 'LIST' },
    months: { type: 'string', description: 'months YYYY-MM, comma-separated', default: 'all', valueName: 'LIST' },
    float32: { type: 'boolean', description: 'store feature and target columns as float32 (default float64)' },
    force: { type: 'boolean', description: 'export even when the latest validation failed or is missing (the manifest then says unvalidated)' },
  },
  async run(args) {
    const cfg = configFrom(args);
    oneOf(args, 'layout', ['wide'] as const);
    const sel = runSelection(args);
    const out = resolve(str(args, 'out') ?? cfg.exportDir);
    const t0 = Date.now();
    const r = await withStore(cfg, async (store) => {
      const gate = await validationGate(store, cfg.dataDir, sel);
      if (!gate.ok && !bool(args, 'force')) throw new Error(`refusing to export: ${gate.message}; --force exports it marked unvalidated`);
      const validation = { validated: gate.ok, report: gate.report?.runId ?? null, message: gate.message };
      return exportWide(store, { dataDir: cfg.dataDir, out, pairs: sel.pairs, months: sel.months, float32: bool(args, 'float32'), validation, onProgress: progressLines('export', bool(args, 'json')) });
    });
    if (bool(args, 'json')) printJson({ ...r, files: r.files.length, wallMs: Date.now() - t0 });
    else {
      console.log(`exported ${r.files.length} files, ${fmtNumber(r.rows)} rows × ${r.columns} columns (+ ts, pair), ${fmtNumber(Math.round(r.bytes / 1e6))} MB in ${fmtDuration(Date.now() - t0)} → ${out}`);
      if (r.missing.length) console.log(`not exported (stages not computed): ${r.missing.slice(0, 5).join('; ')}${r.missing.length > 5 ? ` … ${r.missing.length} in all` : ''}`);
    }
    return r.files.length > 0 && r.missing.length === 0 ? 0 : 1;
  },
};
