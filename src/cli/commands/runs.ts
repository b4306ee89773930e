// bqx runs [ID]: the run records — recent runs, or one run's stages (partitions, rows, bytes, wall
// time, compute and write core time) with estimated and actual duration and cost when it named a plan.
import { runReport, type RunReport, type StageRow } from '../../plan/compare.ts';
import type { RunRecord } from '../../store/types.ts';
import { bool, int, UsageError, type CommandSpec } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, printJson, table } from '../output.ts';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [headers, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
}

const STAGE_HEADERS = ['run', 'stage', 'status', 'partitions', 'computed', 'up_to_date', 'failed', 'pair_months', 'rows', 'bytes', 'workers',
  'wall_s', 'compute_core_s', 'write_core_s', 'estimated_s', 'estimated_cost', 'actual_cost'] as const;

function stageCsvRow(runId: string, s: StageRow): unknown[] {
  const r = s.record;
  const round = (x: number | null, d: number) => (x === null ? null : Number(x.toFixed(d)));
  return [runId, s.stage, s.status, r.partitions, r.computed, r.skipped, r.failed, r.pairMonths, r.rows, r.bytes, r.workers,
    round(r.wallMs / 1000, 3), round(r.computeMs / 1000, 3), round(r.writeMs / 1000, 3),
    round(s.estimatedHours === null ? null : s.estimatedHours * 3600, 3), round(s.estimatedCost, 4), round(s.actualCost, 4)];
}

const money = (x: number | null) => (x === null ? '-' : `$${x.toFixed(x < 1 ? 4 : 2)}`);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function printRun(rep: RunReport): void {
  const { run, plan } = rep;
  const m = run.summary.machine as { cores: number; cpuModel: string; memoryBytes: number } | undefined;
  console.log(`run ${run.id}: ${run.command}, ${run.status}, started ${new Date(run.startedAt).toISOString().slice(0, 19)}Z` +
    (run.finishedAt ? `, took ${fmtDuration(run.finishedAt - run.startedAt)}` : ''));
  if (m) console.log(`machine: ${m.cores} cores, ${m.cpuModel}, ${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB; bqx ${String(run.summary.version)}; options ${JSON.stringify(run.summary.options)}`);
  if (plan) console.log(`plan ${plan.id}: ${plan.estimate.count} × ${plan.estimate.machine} (${plan.estimate.pricing}), ${plan.scope.pairs} pairs × ${plan.scope.months} months`);
  console.log(table(['stage', 'status', 'partitions', 'computed', 'rows', 'bytes', 'wall', 'compute', 'write', 'estimated', 'est. cost', 'actual cost'],
    rep.stages.map((s) => [s.stage, s.status, s.record.partitions, s.record.computed, s.record.rows, mb(s.record.bytes), fmtDuration(s.record.wallMs),
      fmtDuration(s.record.computeMs), fmtDuration(s.record.writeMs), s.estimatedHours === null ? '-' : fmtDuration(s.estimatedHours * 3_600_000),
      money(s.estimatedCost), money(s.actualCost)])));
  if (rep.stages.length === 0) console.log('(no stage records: a run before run records existed, or a validation run)');
  console.log('compute and write are core time summed over the worker threads; costs price the wall time at the plan\'s machine rate');
}

function runLine(r: RunRecord, stages: readonly StageRow[]) {
  const computed = stages.reduce((n, s) => n + s.record.computed, 0);
  const est = stages.every((s) => s.estimatedHours === null) ? null : stages.reduce((h, s) => h + (s.estimatedHours ?? 0), 0);
  return { id: r.id, command: r.command, status: r.status, startedAt: r.startedAt, wallMs: r.finishedAt === null ? null : r.finishedAt - r.startedAt,
    computed, rows: stages.reduce((n, s) => n + s.record.rows, 0), planId: (r.summary.planId as string | null | undefined) ?? null,
    stagesWallMs: stages.reduce((n, s) => n + s.record.wallMs, 0), estimatedMs: est === null ? null : est * 3_600_000 };
}

export const runs: CommandSpec = {
  name: 'runs',
  summary: 'The run records: recent runs, or with ID one run\'s stages — partitions computed, rows, bytes, wall time, compute and write core time, the machine, bqx version and options — with estimated and actual duration and cost when the run named a plan (bqx run --plan ID).',
  positionals: '[ID]',
  options: {
    csv: { type: 'boolean', description: 'print CSV (one row per stage, or per run without ID)' },
    limit: { type: 'string', description: 'how many recent runs to list', default: '20', valueName: 'N' },
  },
  async run(args) {
    const cfg = configFrom(args);
    const [id, ...extra] = args.positionals;
    if (extra.length) throw new UsageError(`bqx runs: expected at most one run ID, got ${args.positionals.length}`);
    const json = bool(args, 'json');
    const csv = bool(args, 'csv');
    if (json && csv) throw new UsageError('bqx runs: --json and --csv are exclusive');
    const limit = int(args, 'limit', 1) ?? 20;
    return withStore(cfg, async (store) => {
      if (id !== undefined) {
        const run = (await store.getRuns()).find((r) => r.id === id);
        if (!run) { console.error(`bqx runs: no run ${JSON.stringify(id)} in ${cfg.dataDir}`); return 1; }
        const rep = await runReport(store, run);
        if (json) printJson(rep);
        else if (csv) process.stdout.write(toCsv(STAGE_HEADERS, rep.stages.map((s) => stageCsvRow(run.id, s))));
        else printRun(rep);
        return 0;
      }
      const lines = [];
      for (const r of await store.getRuns(limit)) lines.push(runLine(r, (await runReport(store, r)).stages));
      if (json) printJson(lines);
      else if (csv) process.stdout.write(toCsv(['id', 'command', 'status', 'started', 'wall_s', 'computed', 'rows', 'plan', 'estimated_s'],
        lines.map((l) => [l.id, l.command, l.status, new Date(l.startedAt).toISOString(), l.wallMs === null ? null : l.wallMs / 1000, l.computed, l.rows, l.planId,
          l.estimatedMs === null ? null : Math.round(l.estimatedMs) / 1000])));
      else if (lines.length === 0) console.log(`no runs recorded in ${cfg.dataDir}`);
      else console.log(table(['run', 'command', 'status', 'started (UTC)', 'took', 'computed', 'rows', 'estimated'],
        lines.map((l) => [l.id, l.command, l.status, new Date(l.startedAt).toISOString().slice(0, 19), l.wallMs === null ? '-' : fmtDuration(l.wallMs),
          l.computed, l.rows, l.estimatedMs === null ? '-' : fmtDuration(l.estimatedMs)])));
      return 0;
    });
  },
};
