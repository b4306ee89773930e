// node --import tsx bench/validate.ts --dir DIR [--months 2017-01,2017-02] [--workers N] [--max-partitions N]
// [--allowance-core-s S]: the validate
// phase alone on a data directory a run left (e.g. `npm run bench:year -- --months 2 --keep`), in a
// fresh process so that maxRSS is the phase's own high-water mark. Prints core-seconds of the process
// (main thread + battery workers: process.cpuUsage covers every thread), wall time, peak RSS and the
// report's timing, with the ratio of the phase's core time to the scope's compute time. The recorded
// compute time is worker wall time, inflated on a loaded machine: --allowance-core-s sets the budget so
// that it allows S core-seconds (e.g. 0.25 × the compute phase's core-s of an unloaded run).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/core/config.ts';
import { parseInstant } from '../src/core/time.ts';
import { openStore } from '../src/store/duckdb.ts';
import { registry } from '../src/features/registry.ts';
import { loadMonthIndex } from '../src/pipeline/plan.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { validate } from '../src/validate/index.ts';
import { computeBasis, doneManifests, partitionsOf, resolveScope, taskComputeMs } from '../src/validate/scope.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, months: { type: 'string' }, workers: { type: 'string' }, 'max-partitions': { type: 'string' },
  'allowance-core-s': { type: 'string' } }, strict: true });
if (!values.dir) {
  console.error('usage: node --import tsx bench/validate.ts --dir DIR [--months M1,M2] [--workers N]');
  process.exit(2);
}
const dir = values.dir;
const baselineTs = parseInstant(loadConfig({ dataDir: dir }).baseline);
const store = await openStore(join(dir, 'bqx.duckdb'));
try {
  const months = values.months?.split(',');
  let budget: number | undefined;
  if (values['allowance-core-s']) {
    const manifests = await store.getManifests(), index = await loadMonthIndex(store), done = doneManifests(manifests);
    const scope = resolveScope(buildUnits(registry()), index, manifests, months ? { months } : {});
    const basis = computeBasis(partitionsOf(scope, index), taskComputeMs(await store.getRuns(50), done))!;
    budget = Number(values['allowance-core-s']) * 1000 / basis;
  }
  const c0 = process.cpuUsage(), t0 = performance.now();
  const r = await validate(store, {
    dataDir: dir, baselineTs, write: false,
    ...(months ? { months } : {}), ...(budget !== undefined ? { budget } : {}),
    ...(values.workers ? { workers: Number(values.workers) } : {}),
    ...(values['max-partitions'] ? { maxPartitions: Number(values['max-partitions']) } : {}),
  });
  const c = process.cpuUsage(c0);
  const coreS = (c.user + c.system) / 1e6, wallS = (performance.now() - t0) / 1000;
  const t = r.timing;
  const out = {
    months: r.scope.months, budget: r.options.budget, passed: r.passed, wallS: +wallS.toFixed(1), coreS: +coreS.toFixed(1),
    maxRssGB: +(process.resourceUsage().maxRSS / 1e6).toFixed(2),
    computeS: t.computeMs === null ? null : +(t.computeMs / 1000).toFixed(1),
    coreRatio: t.computeMs === null ? null : +(coreS * 1000 / t.computeMs).toFixed(3),
    partitionsChecked: r.partitions.filter((p) => p.cuts.length > 0).length, timing: t,
  };
  console.log(JSON.stringify(out));
} finally {
  await store.close();
}
