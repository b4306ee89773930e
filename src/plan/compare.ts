// A run's stage records beside the plan it named: estimated and actual duration and cost per stage,
// the rows the seed's team kept by hand in AirTable. Actual cost = the stage's wall time priced at the
// plan's machine rate (what the stage would have cost on the planned machines at its measured speed).
import type { PlanRecord, RunRecord, StageRecord, Store } from '../store/types.ts';
import type { Plan } from './plan.ts';

export interface StageRow {
  readonly stage: string;
  readonly status: 'done' | 'failed' | 'interrupted' | 'up to date';
  readonly record: StageRecord;
  readonly estimatedHours: number | null;
  readonly actualHours: number;
  readonly estimatedCost: number | null;
  readonly actualCost: number | null;
}

export interface RunReport {
  readonly run: RunRecord;
  readonly plan: Plan | null;
  readonly stages: readonly StageRow[];
}

function stageStatus(r: StageRecord): StageRow['status'] {
  if (r.failed > 0) return 'failed';
  if (r.pending > 0) return 'interrupted';
  return r.computed === 0 ? 'up to date' : 'done';
}

/** The stage rows of `run`, compared with `plan` when there is one. */
export function stageRows(records: readonly StageRecord[], plan: Plan | null): StageRow[] {
  const hourly = plan && Number.isFinite(plan.estimate.hourly) ? plan.estimate.hourly : null;
  return records.map((r) => {
    const est = plan?.estimate.stages.find((s) => s.stage === r.stage) ?? null;
    const actualHours = r.wallMs / 3_600_000;
    return {
      stage: r.stage, status: stageStatus(r), record: r, actualHours,
      estimatedHours: est ? est.wallHours : null,
      estimatedCost: est && hourly !== null ? est.wallHours * hourly : null,
      actualCost: hourly !== null ? actualHours * hourly : null,
    };
  });
}

export function planOf(rec: PlanRecord | null): Plan | null {
  return rec ? (rec.plan as unknown as Plan) : null;
}

export async function runReport(store: Store, run: RunRecord): Promise<RunReport> {
  const planId = typeof run.summary.planId === 'string' ? run.summary.planId : null;
  const plan = planId ? planOf(await store.getPlan(planId)) : null;
  return { run, plan, stages: stageRows(await store.getStageRecords(run.id), plan) };
}
