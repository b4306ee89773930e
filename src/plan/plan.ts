// `bqx plan` as a library: the scope, the measured throughput from the store's run records, the
// estimate on a machine type (or the cheapest one meeting a deadline), and the seed's plan beside it.
// Every plan is saved in the store so that a run can name it (`bqx run --plan ID`).
import { randomUUID } from 'node:crypto';
import { PAIR_NAMES } from '../core/currencies.ts';
import { registry } from '../features/registry.ts';
import { machineInfo } from '../pipeline/records.ts';
import { buildUnits } from '../pipeline/units.ts';
import type { Store } from '../store/types.ts';
import { cheapestWithin, estimate, type Estimate, type PlanScope, type Pricing } from './estimate.ts';
import { machineByName, type MachineType, type PriceTable } from './prices.ts';
import { SEED_PLAN } from './seed.ts';
import { throughput, type Throughput } from './throughput.ts';

export interface PlanRequest {
  readonly pairs?: readonly string[];
  /** Only these stages' units (default: every implemented stage). */
  readonly stages?: readonly string[];
  readonly months: number;
  /** A machine type of the price table, or 'local' (this machine, no price). */
  readonly machine: string;
  readonly pricing: Pricing;
  readonly deadlineHours?: number;
  readonly workers?: number;
  readonly machines?: number;
  readonly db: boolean;
  /** How many recent records per stage the median is taken over. */
  readonly recent?: number;
}

export interface SeedComparison {
  readonly machine: string;
  readonly wallHours: number;
  readonly vcpuHours: number;
  readonly computeCost: number;
  /** bqx's estimate ÷ the seed's plan. */
  readonly ratio: { readonly wallHours: number; readonly vcpuHours: number; readonly computeCost: number };
  readonly awsDocuments: { readonly spot: number; readonly onDemand: number };
}

export interface Plan {
  readonly id: string;
  readonly createdAt: number;
  readonly scope: { readonly pairs: number; readonly months: number; readonly units: readonly string[]; readonly db: boolean };
  readonly prices: { readonly source: string; readonly read: string; readonly currency: string };
  readonly throughput: readonly Throughput[];
  readonly estimate: Estimate;
  /** With a deadline: the cheapest machine type and count meeting it (null when none does). */
  readonly deadline: { readonly hours: number; readonly cheapest: Estimate | null } | null;
  readonly seed: SeedComparison;
}

/** This machine as a machine type: its cores as vCPUs, no price. */
export function localMachine(): MachineType {
  const m = machineInfo();
  return { name: 'local', cloud: 'local', vcpus: m.cores, memoryGiB: m.memoryBytes / 2 ** 30, onDemand: NaN, spot: NaN };
}

export function seedComparison(e: Estimate): SeedComparison {
  const seedCost = SEED_PLAN.azure[e.pricing];
  const vcpuHours = SEED_PLAN.vcpus * SEED_PLAN.wallHours;
  return {
    machine: SEED_PLAN.machine, wallHours: SEED_PLAN.wallHours, vcpuHours, computeCost: seedCost,
    ratio: { wallHours: e.wallHours / SEED_PLAN.wallHours, vcpuHours: e.vcpuHours / vcpuHours, computeCost: e.computeCost / seedCost },
    awsDocuments: SEED_PLAN.aws,
  };
}

export async function makePlan(store: Store, req: PlanRequest, prices: PriceTable): Promise<Plan> {
  const units = buildUnits(registry()).filter((u) => !req.stages || req.stages.includes(u.stage)).map((u) => ({ name: u.name, kind: u.kind }));
  const scope: PlanScope = { units, pairs: req.pairs?.length ?? PAIR_NAMES.length, months: req.months, db: req.db };
  const tp = throughput(await store.getStageRecords(), req.recent);
  const machine = req.machine === 'local' ? localMachine() : machineByName(prices, req.machine);
  const est = estimate(scope, { machine, pricing: req.pricing, count: req.machines ?? 1, workersPerMachine: req.workers ?? machine.vcpus }, tp, prices);
  const createdAt = Date.now();
  const plan: Plan = {
    id: `plan-${new Date(createdAt).toISOString().replace(/[-:]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`, createdAt,
    scope: { pairs: scope.pairs, months: scope.months, units: units.map((u) => u.name), db: req.db },
    prices: { source: prices.source, read: prices.read, currency: prices.currency },
    throughput: [...tp.values()], estimate: est,
    deadline: req.deadlineHours === undefined ? null : {
      hours: req.deadlineHours,
      cheapest: cheapestWithin(req.deadlineHours, scope, req.pricing, tp, prices, { workersPerMachine: req.workers }),
    },
    seed: seedComparison(est),
  };
  await store.putPlan({ id: plan.id, createdAt, plan: plan as unknown as Record<string, unknown> });
  return plan;
}

/** Parses a duration such as 90m, 2h, 1.5h, 1d, 45s into hours. */
export function parseHours(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(s.trim());
  if (!m) throw new Error(`expected a duration such as 90m, 2h or 1d, got ${JSON.stringify(s)}`);
  const v = Number(m[1]) * { s: 1 / 3600, m: 1 / 60, h: 1, d: 24 }[m[2] as 's' | 'm' | 'h' | 'd'];
  if (!(v > 0)) throw new Error(`the duration must be positive, got ${JSON.stringify(s)}`);
  return v;
}
