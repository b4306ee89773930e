// Validation reports (<dataDir>/reports/<runId>/validation.json) for the dashboard: the latest one,
// failures first, filtered by check, family and pair.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '../features/registry.ts';
import type { Finding, Outcome, ValidationReport } from '../validate/types.ts';

const RANK: Record<Outcome, number> = { fail: 0, target: 1, unavailable: 2, info: 3, pass: 4 };

export interface ReportFilter {
  readonly check?: string;
  readonly family?: string;
  readonly pair?: string;
}

export class Reports {
  private cache = new Map<string, { mtime: number; report: ValidationReport }>();

  constructor(private readonly dataDir: string) {}

  /** Report files, newest first (by modification time: run ids need not sort by time). */
  list(): { runId: string; path: string; mtime: number }[] {
    const dir = join(this.dataDir, 'reports');
    let ids: string[];
    try {
      ids = readdirSync(dir);
    } catch {
      return [];
    }
    return ids.flatMap((runId) => {
      const path = join(dir, runId, 'validation.json');
      try {
        return [{ runId, path, mtime: statSync(path).mtimeMs }];
      } catch {
        return [];
      }
    }).sort((a, b) => b.mtime - a.mtime);
  }

  read(runId?: string): ValidationReport | null {
    const entry = runId === undefined ? this.list()[0] : this.list().find((r) => r.runId === runId);
    if (!entry) return null;
    const hit = this.cache.get(entry.path);
    if (hit && hit.mtime === entry.mtime) return hit.report;
    const report = JSON.parse(readFileSync(entry.path, 'utf8')) as ValidationReport;
    this.cache.set(entry.path, { mtime: entry.mtime, report });
    return report;
  }
}

/** The report's view for the page: check summaries, then findings and features, failures first. */
export function filterReport(report: ValidationReport, reg: Registry, f: ReportFilter) {
  const familyOf = (name?: string) => (name ? reg.byName.get(name)?.family : undefined);
  const keep = (x: Finding) => (!f.check || x.check === f.check) && (!f.pair || x.pair === f.pair) && (!f.family || familyOf(x.feature) === f.family);
  const findings = report.findings.filter(keep).sort((a, b) => RANK[a.outcome] - RANK[b.outcome])
    .map((x) => ({ ...x, family: familyOf(x.feature) ?? null }));
  const worst = (r: Partial<Record<string, Outcome>>) => Math.min(4, ...Object.values(r).map((o) => RANK[o!]));
  const features = report.features
    .filter((x) => (!f.family || familyOf(x.name) === f.family) && (!f.check || x.results[f.check as keyof typeof x.results] !== undefined))
    .map((x) => ({ ...x, family: familyOf(x.name) ?? null, worst: worst(x.results) }))
    .sort((a, b) => a.worst - b.worst || (a.name < b.name ? -1 : 1));
  const summary = [...report.summary].filter((s) => !f.check || s.check === f.check)
    .sort((a, b) => (a.status === 'fail' ? 0 : 1) - (b.status === 'fail' ? 0 : 1));
  return {
    runId: report.runId, createdAt: report.createdAt, passed: report.passed, scope: report.scope, timing: report.timing,
    summary, findings, features, partitions: report.partitions.filter((p) => !f.pair || p.pair === f.pair),
  };
}
