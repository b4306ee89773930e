// bqx validate: stage 2.6 on demand — the temporal-causality battery for every feature, completeness and
// quality of the stored outputs; writes <data-dir>/reports/<run>/validation.{json,md}; with a database,
// also loads its feature tables and runs the generated validation SQL on them; exit 1 on failure.
import { parseInstant } from '../../core/time.ts';
import { STAGES } from '../../features/types.ts';
import { loadAndValidateTables } from '../../job/tables.ts';
import { printTables } from '../tables.ts';
import { DEFAULT_BATTERY } from '../../validate/causality.ts';
import { DEFAULT_BUDGET, validate, type ValidationReport } from '../../validate/index.ts';
import { reportDir } from '../../validate/report.ts';
import { bool, int, str, UsageError, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, storeLocation, withStore } from '../context.ts';
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
  console.log(`causality battery ${fmtDuration(t.batteryMs)} on ${r.partitions.filter((p) => p.cuts.length > 0).length} partitions, lake scan ${fmtDuration(t.scanMs)}; ` +
    `validation ${fmtDuration(t.coreMs)} of core time` + (t.ratio !== null ? ` (${Math.round(100 * t.ratio)} % of the partitions' compute time)` : ''));
  console.log(`validation ${r.runId}: ${r.passed ? 'passed' : 'FAILED'} — report ${dir}/validation.md`);
}

export const validateCmd: CommandSpec = {
  name: 'validate',
  summary: 'Validate the computed data set: temporal causality of every feature (truncation, future perturbation, warm-up doubling, partition boundary, cross-pair alignment, model fits), completeness and quality. Exit code 1 when a check fails.',
  details: `Targets read the future as declared: they are reported as targets, not failures. The battery recomputes
every unit on at least one partition (K cut points each) and on more while the validation's core time stays
within --budget × the compute time of the partitions in scope. Reports: <data-dir>/reports/<run>/validation.json and validation.md.
With --db (or BQX_DATABASE_URL) the feature tables of the stages are then loaded from the lake where their
data version changed and checked by the generated SQL (bqx sql validation): rows vs bars per partition,
partition completeness, timestamps, NULLs after the burn-in, ±Infinity, declared ranges.`,
  options: {
    stages: { type: 'string', description: `stages to validate, comma-separated (${STAGES.join(', ')})`, default: 'all', valueName: 'LIST' },
    pairs: { type: 'string', description: 'pairs, comma-separated', default: 'all loaded', valueName: 'LIST' },
    months: { type: 'string', description: 'months YYYY-MM, comma-separated', default: 'the months every stage computed', valueName: 'LIST' },
    k: { type: 'string', description: 'cut points per partition checked', default: String(DEFAULT_BATTERY.k), valueName: 'N' },
    seed: { type: 'string', description: 'seed of the partition sample and the cut points', default: String(DEFAULT_BATTERY.seed), valueName: 'N' },
    budget: { type: 'string', description: "the validation's core time as a fraction of the compute time of the partitions in scope (one partition per stage unit is always checked)", default: String(DEFAULT_BUDGET), valueName: 'F' },
    'max-partitions': { type: 'string', description: 'at most N partitions per stage unit', default: 'no limit', valueName: 'N' },
    'max-workers': { type: 'string', description: "worker threads of the battery", default: 'number of cores (config maxWorkers)', valueName: 'N' },
    run: { type: 'string', description: 'attach the report to this run id (its record gets the validation summary)', default: 'a new id', valueName: 'ID' },
    quiet: { type: 'boolean', description: 'no progress output' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const json = bool(args, 'json');
    const sel = runSelection(args); // bad --stages/--pairs/--months values are usage errors
    const progress = !json && !bool(args, 'quiet') && process.stderr.isTTY === true;
    // Every flag is parsed before the store is opened.
    const opts = {
      dataDir: cfg.dataDir, baselineTs: parseInstant(cfg.baseline), runId: str(args, 'run'), stages: sel.stages, pairs: sel.pairs, months: sel.months,
      k: int(args, 'k', 1), seed: int(args, 'seed'), budget: fraction(args, 'budget'), maxPartitions: int(args, 'max-partitions', 1),
      workers: int(args, 'max-workers', 1) ?? cfg.maxWorkers,
    };
    const { report, tables } = await withStore(cfg, async (store) => {
      const report = await validate(store, opts,
        progress ? (p) => process.stderr.write(`\r\x1b[2K${p.phase} ${p.done}/${p.total} ${p.message}`) : undefined);
      return { report, tables: cfg.databaseUrl === '' ? null : await loadAndValidateTables({ url: cfg.databaseUrl, pool: cfg.dbPool }, cfg.dataDir, sel.stages, await store.getManifests()) };
    });
    if (progress) process.stderr.write('\r\x1b[2K');
    const dir = reportDir(cfg.dataDir, report.runId);
    const sql = tables && { load: tables.load, passed: tables.sql.passed, summary: tables.sql.summary, failures: tables.sql.findings.filter((f) => f.outcome === 'fail') };
    if (json) printJson({ runId: report.runId, passed: report.passed, report: `${dir}/validation.json`, timing: report.timing, summary: report.summary,
      failures: report.findings.filter((f) => f.outcome === 'fail'), ...(sql ? { sql } : {}) });
    else {
      printReport(report, dir);
      if (tables) printTables(tables, storeLocation(cfg));
    }
    return report.passed && (tables?.sql.passed ?? true) ? 0 : 1;
  },
};
