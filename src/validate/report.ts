// Validation reports: the summary per check, JSON and Markdown under <dataDir>/reports/<runId>/, the
// latest report, and the gate export consults (passed, and still current for the partitions exported).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/parquet.ts';
import { registry } from '../features/registry.ts';
import { buildUnits, type Unit } from '../pipeline/units.ts';
import type { ManifestRecord, Store } from '../store/types.ts';
import { EVERY_PAIR } from '../core/partition.ts';
import { doneManifests, manifestKey } from './scope.ts';
import type { Tally } from './tally.ts';
import { CHECK_IDS, CHECKS, type CheckSummary, type Finding, type Outcome, type ValidationReport } from './types.ts';

const PARTITION_CHECKS = new Set(['rows', 'timestamps']);

export function summarise(tally: Tally): CheckSummary[] {
  return CHECK_IDS.map((check) => {
    const counts = PARTITION_CHECKS.has(check) ? tally.partitionCountsOf(check) : tally.featureCounts(check);
    // 'rows' also records features whose column is missing from a stored file.
    if (check === 'rows') for (const [o, n] of tally.featureCounts(check)) counts.set(o, (counts.get(o) ?? 0) + n);
    const n = (o: Outcome) => counts.get(o) ?? 0;
    const checked = [...counts.values()].reduce((s, x) => s + x, 0);
    return {
      check, title: CHECKS[check].title, group: CHECKS[check].group,
      status: checked === 0 ? 'not run' : n('fail') > 0 ? 'fail' : 'pass',
      checked, failed: n('fail'), targets: n('target'), unavailable: n('unavailable'), info: n('info'),
    };
  });
}

const ORDER: Record<Outcome, number> = { fail: 0, target: 1, unavailable: 2, info: 3, pass: 4 };
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome] || CHECK_IDS.indexOf(a.check) - CHECK_IDS.indexOf(b.check));
}

export function reportDir(dataDir: string, runId: string): string {
  return join(dataDir, 'reports', runId);
}

const SYMBOL: Record<Outcome, string> = { pass: 'ok', fail: '**FAIL**', target: 'target', unavailable: 'n/a', info: 'info' };
const FEATURE_CHECKS = CHECK_IDS.filter((c) => !PARTITION_CHECKS.has(c));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown report: summary first, then findings, then details per feature and per partition. */
export function toMarkdown(r: ValidationReport): string {
  const t = r.timing;
  const lines = [
    `# Validation ${r.runId}: ${r.passed ? 'PASSED' : 'FAILED'}`, '',
    `Created ${r.createdAt}. Scope: ${r.scope.units.length} units (${r.scope.units.join(', ')}), pairs ${r.scope.pairs.join(', ')}, months ${r.scope.months.join(', ')}.`,
    `Options: ${Object.entries(r.options).map(([k, v]) => `${k} = ${v}`).join(', ')}.`,
    `Causality battery: ${(t.batteryMs / 1000).toFixed(1)} s on ${r.partitions.filter((p) => p.cuts.length > 0).length} partitions; lake scan ${(t.scanMs / 1000).toFixed(1)} s. ` +
      `Validation ${((t.coreMs ?? 0) / 1000).toFixed(1)} core-s` +
      (t.computeMs !== null ? `, ${(100 * t.ratio!).toFixed(0)} % of the ${(t.computeMs / 1000).toFixed(1)} s the scope's partitions took to compute.` : '.'), '',
    '## Summary', '', '| group | check | status | checked | failed | targets | unavailable | info |', '|---|---|---|---:|---:|---:|---:|---:|',
    ...r.summary.map((s) => `| ${s.group} | ${cell(s.title)} | ${s.status === 'fail' ? '**FAIL**' : s.status} | ${s.checked} | ${s.failed} | ${s.targets} | ${s.unavailable} | ${s.info} |`),
    '', 'Counts are features (partitions for rows and timestamps). Targets read the future as declared: they are expected to change under (2) and (3).', '',
  ];
  const section = (title: string, outcome: Outcome) => {
    const fs = r.findings.filter((f) => f.outcome === outcome);
    if (fs.length === 0) return;
    lines.push(`## ${title} (${fs.length})`, '', ...fs.map((f) => `- ${f.check}: ${cell(f.message)}`), '');
  };
  section('Failures', 'fail');
  section('Targets', 'target');
  section('Unavailable', 'unavailable');
  section('Outliers and other information', 'info');
  lines.push('## Features', '', `| feature | unit | role | ${FEATURE_CHECKS.join(' | ')} | non-null | outliers |`,
    `|---|---|---|${FEATURE_CHECKS.map(() => '---').join('|')}|---:|---:|`);
  for (const f of r.features) {
    const res = FEATURE_CHECKS.map((c) => (f.results[c] ? SYMBOL[f.results[c]!] : '–'));
    lines.push(`| ${f.name} | ${f.unit} | ${f.role} | ${res.join(' | ')} | ${f.nonNull === null ? '–' : (100 * f.nonNull).toFixed(2) + ' %'} | ${f.outliers} |`);
  }
  lines.push('', '## Partitions', '', '| unit | pair | month | rows stored | bars | cut points | battery ms |', '|---|---|---|---:|---:|---|---:|');
  for (const p of r.partitions) lines.push(`| ${p.unit} | ${p.pair} | ${p.month} | ${p.rows ?? '–'} | ${p.bars} | ${p.cuts.join(', ') || '–'} | ${p.batteryMs || '–'} |`);
  return lines.join('\n') + '\n';
}

/** Writes validation.json and validation.md; returns their paths. */
export function writeReport(dataDir: string, r: ValidationReport): { json: string; markdown: string } {
  const dir = reportDir(dataDir, r.runId);
  const json = join(dir, 'validation.json'), markdown = join(dir, 'validation.md');
  writeFileAtomic(json, JSON.stringify(r, null, 1) + '\n');
  writeFileAtomic(markdown, toMarkdown(r));
  return { json, markdown };
}

/** What the run record keeps of a validation. */
export function runSummary(r: ValidationReport, path: string) {
  return {
    runId: r.runId, passed: r.passed, report: path,
    checks: Object.fromEntries(r.summary.map((s) => [s.check, { status: s.status, checked: s.checked, failed: s.failed, targets: s.targets, unavailable: s.unavailable, info: s.info }])),
  };
}

/** Adds the validation to its run's record (a `validate` record of its own when the run has none). */
export async function recordRun(store: Store, r: ValidationReport, path: string, startedAt: number): Promise<void> {
  const existing = (await store.getRuns()).find((x) => x.id === r.runId);
  const validation = runSummary(r, path);
  if (existing) await store.putRun({ ...existing, summary: { ...existing.summary, validation } });
  else {
    await store.putRun({ id: r.runId, startedAt, finishedAt: Date.now(), status: r.passed ? 'done' : 'failed', command: 'validate',
      summary: { pairs: r.scope.pairs, months: r.scope.months, validation } });
  }
}

/** The newest validation report under <dataDir>/reports, or null. */
export function latestValidation(dataDir: string): ValidationReport | null {
  const root = join(dataDir, 'reports');
  if (!existsSync(root)) return null;
  let best: ValidationReport | null = null;
  for (const id of readdirSync(root)) {
    const file = join(root, id, 'validation.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
    if (r.format === 'bqx-validation/1' && (!best || r.createdAt > best.createdAt)) best = r;
  }
  return best;
}

export interface Gate { readonly ok: boolean; readonly message: string; readonly report: ValidationReport | null }

/**
 * Whether the partitions an export would write (pair × month of the selection where every unit is done)
 * passed validation: the latest report passed and each of them has the data version it had when validated.
 */
export async function validationGate(store: Store, dataDir: string, sel: { pairs?: readonly string[]; months?: readonly string[] } = {},
  units: readonly Unit[] = buildUnits(registry())): Promise<Gate> {
  const report = latestValidation(dataDir);
  if (!report) return { ok: false, message: 'no validation report (run bqx validate)', report };
  const where = join(reportDir(dataDir, report.runId), 'validation.md');
  if (!report.passed) {
    const failed = report.summary.filter((s) => s.failed > 0).map((s) => `${s.check} ${s.failed}`).join(', ');
    return { ok: false, message: `the latest validation (${report.runId}) failed: ${failed} (see ${where})`, report };
  }
  const done = doneManifests(await store.getManifests());
  for (const { pair, month } of await store.monthIndex()) {
    if ((sel.pairs && !sel.pairs.includes(pair)) || (sel.months && !sel.months.includes(month))) continue;
    const manifests = units.map((u) => done.get(manifestKey(u.name, u.kind === 'month' ? EVERY_PAIR : pair, month)));
    if (manifests.some((m) => m === undefined)) continue; // not exported: not computed by every unit
    for (const m of manifests as ManifestRecord[]) {
      const validated = report.dataVersions[manifestKey(m.stage, m.pair, m.month)];
      if (validated === m.dataVersion) continue;
      return { ok: false, report, message: `${m.stage} ${pair} ${month} ${validated === undefined ? 'was not validated' : 'changed since its validation'} (latest validation ${report.runId}; run bqx validate)` };
    }
  }
  return { ok: true, message: `validation ${report.runId} passed (${where})`, report };
}
