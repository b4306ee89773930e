// The objects an export carries besides the data: catalog.json, and in the seed layout the validation
// reports under the seed's names (validation/{temporal_causality,completeness,quality}_report.{json,md})
// and the run logs (logs/<run>.jsonl).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { slotMap } from '../features/cross/index.ts';
import type { Registry } from '../features/registry.ts';
import { pgTable } from '../features/tables.ts';
import type { FeatureDef } from '../features/types.ts';
import { latestValidation, toMarkdown, type ValidationReport } from '../validate/index.ts';
import { CHECKS, type CheckId } from '../validate/types.ts';
import { groups, type FileSpec, type Layout } from './layout.ts';
import type { Unit } from '../pipeline/units.ts';

export interface Extra { readonly key: string; readonly bytes: Uint8Array }

const SEED_REPORTS = [['causality', 'temporal_causality_report'], ['completeness', 'completeness_report'], ['quality', 'quality_report']] as const;

/** The part of a report that one group of checks (causality, completeness, quality) produced. */
export function reportPart(r: ValidationReport, group: string): ValidationReport {
  const mine = (c: string) => CHECKS[c as CheckId]?.group === group;
  const summary = r.summary.filter((s) => s.group === group);
  return {
    ...r, passed: summary.every((s) => s.failed === 0), summary,
    findings: r.findings.filter((f) => mine(f.check)),
    features: r.features.map((f) => ({ ...f, results: Object.fromEntries(Object.entries(f.results).filter(([c]) => mine(c))) })),
  };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function seedExtras(dataDir: string): Extra[] {
  const out: Extra[] = [];
  const report = latestValidation(dataDir);
  if (report) {
    for (const [group, name] of SEED_REPORTS) {
      const part = reportPart(report, group);
      out.push({ key: `validation/${name}.json`, bytes: utf8(JSON.stringify(part, null, 1) + '\n') });
      out.push({ key: `validation/${name}.md`, bytes: utf8(toMarkdown(part)) });
    }
  }
  const runs = join(dataDir, 'runs');
  if (existsSync(runs)) {
    for (const f of readdirSync(runs).filter((f) => f.endsWith('.jsonl')).sort()) out.push({ key: `logs/${f}`, bytes: readFileSync(join(runs, f)) });
  }
  return out;
}

/** catalog.json: every column's definition, lookback, lookahead, role, range, and the file that holds it. */
export function catalogJson(reg: Registry, units: readonly Unit[], layout: Layout, files: readonly FileSpec[], float32: boolean): string {
  const exported = units.flatMap((u) => u.columns);
  const fileOf = new Map<string, string>();
  for (const g of groups(layout, units)) for (const c of g.columns) fileOf.set(c.name, g.pattern);
  const ordered: FeatureDef[] = groups(layout, units).flatMap((g) => g.columns.map((c) => units[c.unit]!.columns.find((d) => d.name === c.name)!));
  const everyFile = 'every file';
  const catalog = {
    layout,
    columns: [
      { name: 'ts', role: 'key', dtype: 'timestamp[UTC]', description: 'bar start (UTC)', lookback: 0, lookahead: 0, file: everyFile },
      { name: 'pair', role: 'key', dtype: 'string', description: 'FX pair (market convention)', lookback: 0, lookahead: 0,
        file: layout === 'units' ? 'every path (pair=P, Hive-style)' : everyFile },
      ...ordered.map((c) => ({
        ...c, dtype: float32 ? 'float32' : c.dtype,
        // JSON has no infinity: an open end of a range is null.
        range: c.range?.map((v) => (Number.isFinite(v) ? v : null)),
        file: fileOf.get(c.name), pgTable: pgTable(c.name),
      })),
    ],
    notes: 'range: [min, max] inclusive, null = unbounded; lookback/lookahead in rows of the pair (cross families: rows of the union minute grid); ' +
      'file: the key pattern of the files holding the column ({pair} lower case, {PAIR} upper case, {YYYY_MM} / {YYYY-MM} the month)' +
      (layout === 'seed' ? '; cross_features files hold every pair of the month (column pair); the seed names corr, ci and arb correlation, currency_index and arbitrage' : '') +
      (layout === 'units' ? '; units: each file is a pipeline unit\'s lake file as computed (ts, then the unit\'s columns; pair and month are in the path, Hive-style)' +
        ' and the files of one pair-month hold the same rows in the same order: join them on (ts, pair) to get the wide rows' : ''),
    ...(layout === 'units' ? { join: { keys: ['ts', 'pair'], files: groups(layout, units).map((g) => g.pattern) } } : {}),
    notImplemented: reg.all.filter((c) => !exported.includes(c)).map((c) => c.name),
    // Which currency or pair fills each numbered slot (tri_k, sis{k}), per exported pair.
    slots: Object.fromEntries([...new Set(files.flatMap((f) => f.sources.map((s) => s.pair)))].sort().map((p) => [p, slotMap(p)])),
  };
  return JSON.stringify(catalog, null, 2) + '\n';
}
