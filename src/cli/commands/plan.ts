// bqx plan: estimated wall time and cost of computing pairs × months on a machine type, from the
// throughput measured in earlier runs, beside the seed's own plan.
import { isMonthKey, parseInstant } from '../../core/time.ts';
import { calibrate, SAMPLE } from '../../plan/calibrate.ts';
import type { Estimate } from '../../plan/estimate.ts';
import { makePlan, parseHours, type Plan } from '../../plan/plan.ts';
import { loadPrices, machineByName } from '../../plan/prices.ts';
import { bool, int, list, str, UsageError, type CommandSpec, type ParsedArgs } from '../args.ts';
import { configFrom, withStore } from '../context.ts';
import { fmtDuration, fmtNumber, plural, printJson, table } from '../output.ts';
import { pairsFlag } from './run.ts';
import { STAGES } from '../../features/types.ts';

/** --months N (a count) or a list of YYYY-MM months: how many months. */
function monthsFlag(args: ParsedArgs): number {
  const months = list(args, 'months');
  if (!months) return 12;
  if (months.length === 1 && /^\d+$/.test(months[0]!)) {
    const n = Number(months[0]);
    if (n < 1) throw new UsageError('--months: expected at least 1');
    return n;
  }
  for (const m of months) if (!isMonthKey(m)) throw new UsageError(`--months: expected N or YYYY-MM,… got ${JSON.stringify(m)}`);
  return new Set(months).size;
}

function stagesFlag(args: ParsedArgs): string[] | undefined {
  const stages = list(args, 'stages');
  for (const s of stages ?? []) if (!(STAGES as readonly string[]).includes(s)) throw new UsageError(`--stages: unknown stage ${JSON.stringify(s)} (stages: ${STAGES.join(', ')})`);
  return stages;
}

const usd = (x: number) => (Number.isFinite(x) ? `$${x.toFixed(2)}` : '-');
const hours = (h: number) => fmtDuration(h * 3_600_000);
/** bqx / seed: below 1 % as "1/N" (e.g. 1/2,400), so that a tiny ratio does not print as 0.000×. */
const ratio = (x: number) => (!Number.isFinite(x) ? '-' : x >= 0.01 || x === 0 ? `${x.toFixed(3)}×` : `1/${Math.round(1 / x).toLocaleString('en-US')}`);

function describe(e: Estimate): string {
  return `${e.count} × ${e.machine} (${e.vcpus} vCPUs, ${e.workers} workers, ${e.pricing === 'spot' ? 'Spot' : 'On-Demand'} ${usd(e.hourly)}/h)`;
}

function printPlan(p: Plan): void {
  const e = p.estimate;
  console.log(`plan ${p.id}: ${plural(p.scope.pairs, 'pair')} × ${plural(p.scope.months, 'month')} on ${describe(e)}`);
  console.log(`prices: ${p.prices.source}`);
  if (p.throughput.length === 0) {
    console.log('no run records to measure throughput from: run the pipeline first, or bqx plan --calibrate');
    return;
  }
  console.log('\nthroughput: median over recent run records of core-seconds per pair-month (wall × workers in use ÷ pair-months)');
  console.log(table(['stage', 'partitions', 'pair-months', 'core-s / pair-month', 'rounds', 'wall', 'from runs'],
    e.stages.map((s) => [s.stage, s.partitions, s.pairMonths, Number(s.coreSecondsPerPairMonth.toFixed(3)), s.rounds, hours(s.wallHours), s.runs.join(', ')])));
  if (e.unmeasured.length) console.log(`not measured yet (missing from the totals): ${e.unmeasured.join(', ')}`);
  const s = p.seed;
  console.log('\n' + table(['', 'bqx estimate', `seed plan (${s.machine})`, 'bqx / seed'], [
    ['wall time', hours(e.wallHours), hours(s.wallHours), ratio(s.ratio.wallHours)],
    ['vCPU-hours', fmtNumber(Number(e.vcpuHours.toFixed(2))), fmtNumber(s.vcpuHours), ratio(s.ratio.vcpuHours)],
    [`compute cost (${e.pricing === 'spot' ? 'Spot' : 'On-Demand'})`, usd(e.computeCost), usd(s.computeCost), ratio(s.ratio.computeCost)],
  ]));
  console.log(`the seed's AWS documents said ${usd(s.awsDocuments.spot)} (Spot) / ${usd(s.awsDocuments.onDemand)} (On-Demand)`);
  console.log(`export: ${(e.exportBytes / 1e9).toFixed(1)} GB (float64), ${usd(e.storageCostPerMonth)} per month in S3 Standard`);
  if (e.aurora) console.log(`Aurora Serverless v2 (--db): ${e.aurora.acus} ACUs × ${hours(e.wallHours)} = ${e.aurora.acuHours.toFixed(2)} ACU-hours, ${usd(e.aurora.cost)}; storage ${usd(e.aurora.storageCostPerMonth)} per month`);
  if (p.deadline) {
    const c = p.deadline.cheapest;
    console.log(c ? `deadline ${hours(p.deadline.hours)}: cheapest is ${describe(c)}: ${hours(c.wallHours)}, ${usd(c.computeCost)}; needs a quota of ${c.vcpus} vCPUs`
      : `deadline ${hours(p.deadline.hours)}: no machine type of the price table meets it with up to 64 machines`);
  }
  console.log(`\ncompare it with the run: bqx run --plan ${p.id} …, then bqx runs RUN_ID`);
}

export const plan: CommandSpec = {
  name: 'plan',
  summary: 'Estimate the wall time, vCPU-hours and cost of computing pairs × months on a machine type, from the throughput measured in earlier runs (median over recent run records, scaled to the machine\'s vCPUs), beside the seed\'s plan (26.5 h on a 64-vCPU VM). The plan is saved: bqx run --plan ID compares it with the actual run.',
  options: {
    pairs: { type: 'string', description: 'pairs, comma-separated', default: 'all 28', valueName: 'LIST' },
    stages: { type: 'string', description: 'only these stages, comma-separated', default: 'every implemented stage', valueName: 'LIST' },
    months: { type: 'string', description: 'a number of months, or months YYYY-MM comma-separated', default: '12', valueName: 'N|LIST' },
    machine: { type: 'string', description: 'a machine type of the price table, or local (this machine, no price)', default: 'Standard_D64as_v5', valueName: 'NAME' },
    spot: { type: 'boolean', description: 'Spot prices' },
    'on-demand': { type: 'boolean', description: 'On-Demand prices (the default)' },
    deadline: { type: 'string', description: 'find the cheapest machine type and count that finishes within it (e.g. 90m, 2h, 1d)', valueName: 'DURATION' },
    workers: { type: 'string', description: 'worker threads per machine', default: 'the machine\'s vCPUs', valueName: 'N' },
    machines: { type: 'string', description: 'how many machines (a distributed run)', default: '1', valueName: 'N' },
    db: { type: 'boolean', description: 'with Aurora PostgreSQL as the store: add an Aurora Serverless v2 ACU estimate' },
    prices: { type: 'string', description: 'a price table in the format of prices.json', default: 'prices.json shipped with bqx', valueName: 'FILE' },
    calibrate: { type: 'boolean', description: `when no run records exist, first time a sample run (${SAMPLE.pairs.length} synthetic pairs × ${SAMPLE.months} month, about a minute on 2 idle cores)` },
    recent: { type: 'string', description: 'run records per stage the median is taken over', default: '5', valueName: 'N' },
  },
  async run(args) {
    const cfg = configFrom(args);
    if (bool(args, 'spot') && bool(args, 'on-demand')) throw new UsageError('bqx plan: --spot and --on-demand are exclusive');
    let deadlineHours: number | undefined;
    const d = str(args, 'deadline');
    if (d !== undefined) { try { deadlineHours = parseHours(d); } catch (e) { throw new UsageError(`--deadline: ${(e as Error).message}`); } }
    const prices = loadPrices(str(args, 'prices'));
    const json = bool(args, 'json');
    const request = {
      pairs: pairsFlag(args), stages: stagesFlag(args), months: monthsFlag(args), machine: str(args, 'machine') ?? 'Standard_D64as_v5',
      pricing: bool(args, 'spot') ? 'spot' as const : 'onDemand' as const, deadlineHours, workers: int(args, 'workers', 1),
      machines: int(args, 'machines', 1), db: bool(args, 'db'), recent: int(args, 'recent', 1),
    };
    if (request.machine !== 'local') { try { machineByName(prices, request.machine); } catch (e) { throw new UsageError(`--machine: ${(e as Error).message}`); } }
    const p = await withStore(cfg, async (store) => {
      if (bool(args, 'calibrate') && (await store.getStageRecords()).length === 0) {
        if (!json) console.log(`no run records: timing a sample run (${SAMPLE.pairs.length} pairs × ${SAMPLE.months} month, ${cfg.maxWorkers} workers) …`);
        const c = await calibrate(store, { workers: cfg.maxWorkers, baselineTs: parseInstant(cfg.baseline) });
        if (!json) console.log(`calibration run ${c.runId}: ${fmtDuration(c.wallMs)}`);
      }
      return makePlan(store, request, prices);
    });
    if (json) printJson(p);
    else printPlan(p);
    return p.throughput.length === 0 ? 1 : 0;
  },
};
