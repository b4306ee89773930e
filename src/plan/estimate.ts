// The arithmetic of `bqx plan`: wall time, vCPU-hours and cost of computing P pairs × M months on n
// machines of a type, from measured throughput (throughput.ts) and the price table (prices.ts).
import type { MachineType, PriceTable } from './prices.ts';
import type { Throughput } from './throughput.ts';

export type Pricing = 'spot' | 'onDemand';

export interface PlanUnit { readonly name: string; readonly kind: 'pair' | 'month' }

export interface PlanScope {
  readonly units: readonly PlanUnit[];
  readonly pairs: number;
  readonly months: number;
  /** Aurora (PostgreSQL) as the store: add its ACU estimate. */
  readonly db: boolean;
}

export interface MachineChoice {
  readonly machine: MachineType;
  readonly pricing: Pricing;
  /** How many machines (a distributed run); 1 by default. */
  readonly count: number;
  /** Worker threads per machine (default: its vCPUs, one per vCPU). */
  readonly workersPerMachine: number;
}

export interface StageEstimate {
  readonly stage: string;
  readonly partitions: number;
  readonly pairMonths: number;
  readonly rounds: number;
  readonly coreSecondsPerPairMonth: number;
  readonly wallHours: number;
  readonly runs: readonly string[];
}

export interface Estimate {
  readonly machine: string;
  readonly pricing: Pricing;
  readonly count: number;
  readonly workers: number;
  /** The vCPU quota the run needs. */
  readonly vcpus: number;
  readonly hourly: number; // for all `count` machines
  readonly stages: readonly StageEstimate[];
  /** Units with no usable run record (their time is missing from the totals). */
  readonly unmeasured: readonly string[];
  readonly wallHours: number;
  readonly vcpuHours: number;
  readonly computeCost: number;
  readonly exportBytes: number;
  /** Keeping the export in S3 Standard, per month. */
  readonly storageCostPerMonth: number;
  readonly aurora: { readonly acus: number; readonly acuHours: number; readonly cost: number; readonly storageCostPerMonth: number } | null;
}

const GB = 1e9;

/**
 * Aurora Serverless v2 capacity for a run writing through `workers` concurrent COPY sessions: one ACU
 * (2 GiB of memory and its share of CPU, AWS's definition) per two writers, between the service's
 * bounds of 0.5 and 128 ACUs. An assumption to be replaced by a measurement with the PostgreSQL store.
 */
export function auroraAcus(workers: number): number {
  return Math.min(128, Math.max(0.5, workers / 2));
}

/**
 * Stages run one after the other (as runPipeline does); within a stage, partitions run in rounds of
 * `workers`: wall = ⌈partitions / workers⌉ · (pairMonths / partitions) · core-seconds per pair-month.
 * A vCPU of the target machine is taken as one core of the machine the records were measured on.
 */
export function estimate(scope: PlanScope, choice: MachineChoice, tp: ReadonlyMap<string, Throughput>, prices: PriceTable): Estimate {
  const workers = choice.count * choice.workersPerMachine;
  const stages: StageEstimate[] = [];
  const unmeasured: string[] = [];
  let exportBytes = 0;
  for (const u of scope.units) {
    const t = tp.get(u.name);
    if (!t) { unmeasured.push(u.name); continue; }
    const pairMonths = scope.pairs * scope.months;
    const partitions = u.kind === 'pair' ? pairMonths : scope.months;
    const rounds = Math.ceil(partitions / workers);
    const wallHours = (rounds * (pairMonths / partitions) * t.coreSecondsPerPairMonth) / 3600;
    stages.push({ stage: u.name, partitions, pairMonths, rounds, coreSecondsPerPairMonth: t.coreSecondsPerPairMonth, wallHours, runs: t.runs });
    exportBytes += t.bytesPerPairMonth * pairMonths;
  }
  const wallHours = stages.reduce((h, s) => h + s.wallHours, 0);
  const hourly = choice.count * choice.machine[choice.pricing];
  const vcpus = choice.count * choice.machine.vcpus;
  const acus = auroraAcus(workers);
  return {
    machine: choice.machine.name, pricing: choice.pricing, count: choice.count, workers, vcpus, hourly, stages, unmeasured,
    wallHours, vcpuHours: vcpus * wallHours, computeCost: hourly * wallHours, exportBytes,
    storageCostPerMonth: (exportBytes / GB) * prices.storage.s3StandardPerGBMonth,
    aurora: scope.db ? {
      acus, acuHours: acus * wallHours, cost: acus * wallHours * prices.aurora.serverlessV2PerACUHour,
      storageCostPerMonth: (exportBytes / GB) * prices.aurora.storagePerGBMonth,
    } : null,
  };
}

/**
 * With a deadline: for every machine type the fewest machines (up to `maxCount`) whose estimate meets
 * it, then the cheapest of those (ties: fewer vCPUs). null when none meets it.
 */
export function cheapestWithin(deadlineHours: number, scope: PlanScope, pricing: Pricing, tp: ReadonlyMap<string, Throughput>, prices: PriceTable,
  opts: { workersPerMachine?: number; maxCount?: number } = {}): Estimate | null {
  let best: Estimate | null = null;
  for (const machine of prices.machines) {
    for (let count = 1; count <= (opts.maxCount ?? 64); count++) {
      const e = estimate(scope, { machine, pricing, count, workersPerMachine: opts.workersPerMachine ?? machine.vcpus }, tp, prices);
      if (e.wallHours > deadlineHours) continue;
      if (!best || e.computeCost < best.computeCost || (e.computeCost === best.computeCost && e.vcpus < best.vcpus)) best = e;
      break;
    }
  }
  return best;
}
