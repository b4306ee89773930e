// bqx validate: stage 2.6 on demand — the temporal-causality battery for every feature, completeness and
// quality of the stored outputs; writes <data-dir>/reports/<run>/validation.{json,md}; exit 1 on failure.
import { parseInstant } from '../../core/time.ts';
import { registry } from '../../features/registry.ts';
import { featureTables } from '../../features/tables.ts';
import { STAGES } from '../../features/types.ts';
import { buildUnits } from '../../pipeline/units.ts';
import { runSqlValidation } from '../../sql/check.ts';
import { featurePool, redactUrl } from '../../store/postgres/feature-pool.ts';
import { tablesOfUnit } from '../../store/postgres/feature-sync.ts';
import { DEFAULT_BATTERY } from '../../validate/causality.ts';
import { DEFAULT_BUDGET, validate, type ValidationReport } from '../../validate/index.ts';
import { reportDir } from '../../validate/report.ts';
import { bool, int, str, UsageError, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, printJson, table } from '../output.ts';
import { runSelection } from './run.ts';

/** --budget F: a fraction > 0. */
function fraction(a: ParsedArgs, k: string): number | undefined {
  const v = str(a, k);
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!/^\d*\.?\d+$/.test(v.trim()) || !(x > 0)) throw new UsageError(`--${k}: expected a number > 0, got ${JSON.stringify(v)}`);
  return x;
}

function printReport(r: ValidationReport, dir: string): void {
  console.log(table(['group', 'check', 'status', 'checked', 'failed', 'targets', 'unavailable', 'info'],
    r.summary.map((s) => [s.group, s.check, s.status, s.checked, s.failed, s.targets, s.unavailable, s.info])));
  const failures = r.findings.filter((f) => f.outcome === 'fail');
  for (const f of failures.slice(0, 10)) console.log(`FAIL ${f.check}: ${f.message}`);
  if (failures.length > 10) console.log(`… ${failures.length - 10} more failures in the report`);
  const t = r.timing;
  console.log(`causality battery ${fmtDuration(t.batteryMs)} on ${r.partitions.filter((p) => p.cuts.length > 0).length} partitions` +
    (t.ratio !== null ? ` (${Math.round(100 * t.ratio)} % of the partitions' compute time)` : '') + `, lake scan ${fmtDuration(t.scanMs)}`);
  console.log(`validation ${r.runId}: ${r.passed ? 'passed' : 'FAILED'} — report ${dir}/validation.md`);
}

/**
 * --db: runs the generated validation SQL on the feature tables of the --stages (every pair and month
 * with bars) and prints its summary like the embedded one.
 */
async function validateDb(url: string, stages: readonly string[] | undefined, json: boolean): Promise<number> {
  const pool = featurePool(url);
  try {
    const reg = registry();
    const units = buildUnits(reg).filter((u) => !stages || stages.includes(u.stage));
    const tables = featureTables(reg);
    const r = await runSqlValidation(pool, units, units.flatMap((u) => tablesOfUnit(u, tables)));
    const failures = r.findings.filter((f) => f.outcome === 'fail');
    if (json) printJson({ db: redactUrl(url), passed: r.passed, ms: Math.round(r.ms), summary: r.summary, failures });
    else {
      console.log(table(['group', 'check', 'status', 'checked', 'failed', 'unavailable', 'info'],
        r.summary.map((s) => [s.group, s.check, s.status, s.checked, s.failed, s.unavailable, s.info])));
      for (const f of failures.slice(0, 10)) console.log(`FAIL ${f.check}: ${f.message}`);
      if (failures.length > 10) console.log(`… ${failures.length - 10} more failures`);
      console.log(`SQL validation of ${redactUrl(url)} in ${fmtDuration(r.ms)}: ${r.passed ? 'passed' : 'FAILED'}`);
    }
    return r.passed ? 0 : 1;
  } finally {
    await pool.end();
  }
}

export const validateCmd: CommandSpec = {
  name: 'validate',
  summary: 'Validate the computed data set: temporal causality of every feature (truncation, future perturbation, warm-up doubling, partition boundary, cross-pair alignment, model fits), completeness and quality. Exit code 1 when a check fails.',
  details: `Targets read the future as declared: they are reported as targets, not failures. The battery recomputes
every unit on at least one partition (K cut points each) and on more while it stays within --budget × the
compute time of the partitions in scope. Reports: <data-dir>/reports/<run>/validation.json and validation.md.`,
  options: {
    stages: { type: 'string', description: `stages to validate, comma-separated (${STAGES.join(', ')})`, default: 'all', valueName: 'LIST' },
    pairs: { type: 'string', description: 'pairs, comma-separated', default: 'all loaded', valueName: 'LIST' },
    months: { type: 'string', description: 'months YYYY-MM, comma-separated', default: 'the months every stage computed', valueName: 'LIST' },
    k: { type: 'string', description: 'cut points per partition checked', default: String(DEFAULT_BATTERY.k), valueName: 'N' },
    seed: { type: 'string', description: 'seed of the partition sample and the cut points', default: String(DEFAULT_BATTERY.seed), valueName: 'N' },
    budget: { type: 'string', description: "the battery's time as a fraction of the compute time of the partitions in scope (one partition per stage unit is always checked)", default: String(DEFAULT_BUDGET), valueName: 'F' },
    'max-partitions': { type: 'string', description: 'at most N partitions per stage unit', default: 'no limit', valueName: 'N' },
    run: { type: 'string', description: 'attach the report to this run id (its record gets the validation summary)', default: 'a new id', valueName: 'ID' },
    quiet: { type: 'boolean', description: 'no progress output' },
    db: { type: 'string', description: 'validate the PostgreSQL feature tables of --stages instead, every pair and month with bars (bqx sql validation: completeness and quality; load them with bqx sql load)', valueName: 'URL' },
  },
  async run(args) {
    const url = str(args, 'db');
    if (url !== undefined) return validateDb(url, runSelection(args).stages, bool(args, 'json'));
    const cfg = configFrom(args);
    const json = bool(args, 'json');
    const sel = runSelection(args); // bad --stages/--pairs/--months values are usage errors
    const progress = !json && !bool(args, 'quiet') && process.stderr.isTTY === true;
    // Every flag is parsed before the store is opened.
    const opts = {
      dataDir: cfg.dataDir, baselineTs: parseInstant(cfg.baseline), runId: str(args, 'run'), stages: sel.stages, pairs: sel.pairs, months: sel.months,
      k: int(args, 'k', 1), seed: int(args, 'seed'), budget: fraction(args, 'budget'), maxPartitions: int(args, 'max-partitions', 1),
    };
    const report = await withStore(cfg, (store) => validate(store, opts,
      progress ? (p) => process.stderr.write(`\r\x1b[2K${p.phase} ${p.done}/${p.total} ${p.message}`) : undefined));
    if (progress) process.stderr.write('\r\x1b[2K');
    const dir = reportDir(cfg.dataDir, report.runId);
    if (json) printJson({ runId: report.runId, passed: report.passed, report: `${dir}/validation.json`, timing: report.timing, summary: report.summary,
      failures: report.findings.filter((f) => f.outcome === 'fail') });
    else printReport(report, dir);
    return report.passed ? 0 : 1;
  },
};
