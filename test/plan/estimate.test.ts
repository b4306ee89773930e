// The arithmetic of bqx plan against hand-computed cases: throughput from run records (rounds of
// workers, median of recent records), the estimate, storage and Aurora figures, the cheapest machine
// for a deadline, the seed comparison, durations and the price table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auroraAcus, cheapestWithin, estimate, type PlanScope } from '../../src/plan/estimate.ts';
import { parseHours, seedComparison } from '../../src/plan/plan.ts';
import { loadPrices, machineByName, parsePrices, type PriceTable } from '../../src/plan/prices.ts';
import { coreSecondsPerPairMonth, median, throughput } from '../../src/plan/throughput.ts';
import type { StageRecord } from '../../src/store/types.ts';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

function rec(runId: string, stage: string, over: Partial<StageRecord>): StageRecord {
  return { runId, stage, partitions: 0, computed: 0, skipped: 0, failed: 0, pending: 0, pairMonths: 0, rows: 0, bytes: 0, workers: 2,
    wallMs: 0, computeMs: 0, writeMs: 0, startedAt: 0, finishedAt: 0, ...over };
}

const TABLE = (machines: object[]): PriceTable => parsePrices(JSON.stringify({
  source: 'test table', read: '2026-01-01', currency: 'USD', machines,
  storage: { s3StandardPerGBMonth: 0.023 }, aurora: { serverlessV2PerACUHour: 0.12, storagePerGBMonth: 0.1 },
}));

// 84 pair partitions on 2 workers in 42 s: 42 rounds of 1 s, 1 core-second per pair-month.
const PAIR_REC = rec('r1', 'base', { computed: 84, pairMonths: 84, wallMs: 42_000, bytes: 84e6, computeMs: 70_000, writeMs: 10_000 });
// 3 month partitions (28 pairs each) on 2 workers in 12 s: 2 rounds of 6 s; 6 s × 3 / 84 = 3/14 core-s per pair-month.
const MONTH_REC = rec('r1', 'ci', { computed: 3, pairMonths: 84, wallMs: 12_000, bytes: 8.4e6 });
const SCOPE: PlanScope = { units: [{ name: 'base', kind: 'pair' }, { name: 'ci', kind: 'month' }], pairs: 28, months: 12, db: true };

test('core-seconds per pair-month count rounds of workers', () => {
  close(coreSecondsPerPairMonth(PAIR_REC), 1, 'pair unit');
  close(coreSecondsPerPairMonth(MONTH_REC), 3 / 14, 'month unit');
  // 7 partitions on 4 workers in 10 s: 2 rounds of 5 s, a pair-month is 5 core-seconds.
  close(coreSecondsPerPairMonth(rec('x', 'ti', { computed: 7, pairMonths: 7, workers: 4, wallMs: 10_000 })), 5, 'tail round');
});

test('throughput is the median of the newest usable records per stage', () => {
  const cps = [1, 4, 2, 10]; // newest first
  const records = [
    rec('f', 'base', { computed: 10, pairMonths: 10, failed: 1, wallMs: 999_000 }), // a failed stage does not count
    rec('u', 'base', { computed: 0, skipped: 10, pairMonths: 0, wallMs: 5 }), // nothing computed: nothing measured
    rec('i', 'base', { computed: 3, pending: 5, pairMonths: 3, wallMs: 999_000 }), // interrupted: its wall holds the grace period
    ...cps.map((c, i) => rec(`r${i}`, 'base', { computed: 2, pairMonths: 2, wallMs: c * 1000, bytes: 2e6 * (i + 1) })),
  ];
  const t3 = throughput(records, 3).get('base')!;
  assert.equal(t3.coreSecondsPerPairMonth, 2); // median of 1, 4, 2
  assert.deepEqual(t3.runs, ['r0', 'r1', 'r2']);
  assert.equal(t3.bytesPerPairMonth, 2e6); // median of 1e6, 2e6, 3e6
  assert.equal(throughput(records, 2).get('base')!.coreSecondsPerPairMonth, 2.5);
  assert.equal(throughput(records, 10).get('base')!.coreSecondsPerPairMonth, 3); // median of 1, 2, 4, 10
  assert.equal(throughput([]).size, 0);
  assert.ok(Number.isNaN(median([])));
});

test('an estimate for a year of 28 pairs on a 64-vCPU machine, by hand', () => {
  const prices = TABLE([{ name: 'big', cloud: 'azure', vcpus: 64, memoryGiB: 256, onDemand: 2.752, spot: 0.5504 }]);
  const tp = throughput([PAIR_REC, MONTH_REC]);
  const e = estimate(SCOPE, { machine: prices.machines[0]!, pricing: 'spot', count: 1, workersPerMachine: 64 }, tp, prices);
  // base: 336 partitions, ⌈336/64⌉ = 6 rounds × 1 s; ci: 12 partitions in 1 round × 28 pair-months × 3/14 s = 6 s.
  assert.deepEqual(e.stages.map((s) => [s.stage, s.partitions, s.pairMonths, s.rounds]), [['base', 336, 336, 6], ['ci', 12, 336, 1]]);
  close(e.stages[0]!.wallHours * 3600, 6, 'base wall');
  close(e.stages[1]!.wallHours * 3600, 6, 'ci wall');
  close(e.wallHours, 12 / 3600, 'wall');
  close(e.vcpuHours, 64 * 12 / 3600, 'vCPU-hours');
  close(e.computeCost, 0.5504 * 12 / 3600, 'compute cost');
  close(e.exportBytes, 336 * (1e6 + 1e5), 'export bytes');
  close(e.storageCostPerMonth, 0.3696 * 0.023, 'S3 per month');
  assert.equal(e.aurora!.acus, 32);
  close(e.aurora!.acuHours, 32 * 12 / 3600, 'ACU-hours');
  close(e.aurora!.cost, 32 * 12 / 3600 * 0.12, 'Aurora cost');
  close(e.aurora!.storageCostPerMonth, 0.3696 * 0.1, 'Aurora storage');
  assert.deepEqual(e.unmeasured, []);
  // Without a record for a unit, it is named, not guessed.
  const partial = estimate({ ...SCOPE, db: false }, { machine: prices.machines[0]!, pricing: 'onDemand', count: 2, workersPerMachine: 64 }, throughput([PAIR_REC]), prices);
  assert.deepEqual(partial.unmeasured, ['ci']);
  assert.equal(partial.aurora, null);
  assert.equal(partial.vcpus, 128);
  close(partial.wallHours, 3 / 3600, '128 workers: 3 rounds');
  close(partial.computeCost, 2 * 2.752 * 3 / 3600, 'two machines');
  assert.deepEqual([auroraAcus(1), auroraAcus(64), auroraAcus(1000)], [0.5, 32, 128]);
});

test('a plan for the measured scope and workers reproduces the measured wall time', () => {
  const r = rec('m', 'base', { computed: 7, pairMonths: 7, workers: 2, wallMs: 40_000 });
  const prices = TABLE([{ name: 'two', cloud: 'x', vcpus: 2, memoryGiB: 8, onDemand: 1, spot: 1 }]);
  const e = estimate({ units: [{ name: 'base', kind: 'pair' }], pairs: 7, months: 1, db: false }, { machine: prices.machines[0]!, pricing: 'spot', count: 1, workersPerMachine: 2 }, throughput([r]), prices);
  close(e.wallHours * 3600, 40, 'wall');
});

test('with a deadline, the cheapest machine type and count that meets it', () => {
  const prices = TABLE([
    { name: 'small', cloud: 'a', vcpus: 8, memoryGiB: 32, onDemand: 0.4, spot: 0.1 },
    { name: 'large', cloud: 'b', vcpus: 32, memoryGiB: 128, onDemand: 1.6, spot: 0.5 },
  ]);
  const scope: PlanScope = { units: [{ name: 'base', kind: 'pair' }], pairs: 28, months: 12, db: false };
  const tp = throughput([PAIR_REC]); // 1 core-second per pair-month: wall = ⌈336 / workers⌉ s
  // small: 5 machines (40 workers, 9 rounds = 9 s) cost 5 × 0.1 × 9 s; large: 2 machines (64 workers, 6 s) cost 2 × 0.5 × 6 s.
  const best = cheapestWithin(10 / 3600, scope, 'spot', tp, prices)!;
  assert.deepEqual([best.machine, best.count, best.vcpus, best.workers], ['small', 5, 40, 40]);
  close(best.computeCost, 0.5 * 9 / 3600, 'cheapest cost');
  // On-Demand: small ×5 costs 2.0 × 9 = 18 $·s, large ×2 costs 3.2 × 6 = 19.2 $·s: still small.
  assert.equal(cheapestWithin(10 / 3600, scope, 'onDemand', tp, prices)!.machine, 'small');
  // 7 s: small needs 6 machines (48 workers, 7 rounds: 0.6 × 7 = 4.2 $·s); large ×2 is 6 s (1.0 × 6 = 6 $·s).
  assert.deepEqual([cheapestWithin(7 / 3600, scope, 'spot', tp, prices)!.machine, cheapestWithin(7 / 3600, scope, 'spot', tp, prices)!.count], ['small', 6]);
  assert.equal(cheapestWithin(0.5 / 3600, scope, 'spot', tp, prices), null, '1 round of 1 s cannot fit in 0.5 s');
});

test('the seed comparison uses the seed plan: 26.5 h on 64 vCPUs, $67.64 Spot / $134.37 On-Demand', () => {
  const prices = loadPrices();
  const tp = throughput([PAIR_REC, MONTH_REC]);
  const machine = machineByName(prices, 'standard_d64as_v5');
  const spot = seedComparison(estimate(SCOPE, { machine, pricing: 'spot', count: 1, workersPerMachine: 64 }, tp, prices));
  assert.equal(spot.wallHours, 26.5);
  assert.equal(spot.vcpuHours, 1696);
  assert.equal(spot.computeCost, 67.64);
  close(spot.ratio.wallHours, 12 / 3600 / 26.5, 'wall ratio');
  close(spot.ratio.computeCost, (machine.spot * 12 / 3600) / 67.64, 'cost ratio');
  const od = seedComparison(estimate(SCOPE, { machine, pricing: 'onDemand', count: 1, workersPerMachine: 64 }, tp, prices));
  assert.equal(od.computeCost, 134.37);
  assert.deepEqual(od.awsDocuments, { spot: 19.13, onDemand: 57.8 });
});

test('the shipped price table has the seed machine types; bad tables are refused', () => {
  const p = loadPrices();
  assert.match(p.source, /list price as of \d{4}-\d{2}-\d{2}.*to be checked/);
  assert.deepEqual(p.machines.map((m) => [m.name, m.vcpus]),
    [['Standard_D64as_v5', 64], ['Standard_D32as_v5', 32], ['c7i.8xlarge', 32], ['t3.2xlarge', 8], ['n2-standard-32', 32]]);
  for (const m of p.machines) assert.ok(m.spot < m.onDemand, `${m.name}: Spot below On-Demand`);
  assert.throws(() => TABLE([{ name: 'a', cloud: 'x', vcpus: 0, memoryGiB: 1, onDemand: 1, spot: 1 }]), /machines\[0\]\.vcpus: expected a positive number/);
  assert.throws(() => TABLE([{ name: 'a', cloud: 'x', vcpus: 1, memoryGiB: 1, onDemand: 1, spot: 1 }, { name: 'a', cloud: 'x', vcpus: 1, memoryGiB: 1, onDemand: 1, spot: 1 }]), /listed twice/);
  assert.throws(() => parsePrices('{', 'f.json'), /^Error: f\.json:/);
  assert.throws(() => machineByName(p, 'm5.large'), /unknown machine "m5.large"/);
});

test('durations: 90m, 2h, 1.5h, 1d, 45s', () => {
  assert.deepEqual(['90m', '2h', '1.5h', '1d', '45s'].map(parseHours), [1.5, 2, 1.5, 24, 0.0125]);
  for (const bad of ['2', 'h', '-1h', '0h', '2 hours']) assert.throws(() => parseHours(bad), /duration/);
});
