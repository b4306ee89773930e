// The worker's task path on real data: every pair unit of a few real pairs for February 2017 (January
// computed first as warm-up and upstream), executed as a worker thread executes it (executeTask with a
// worker's reused output memory: upstream reads, compute, Parquet writes into a temporary lake, file
// statistics). Per unit and pair-month: the task's compute and write split measured in process CPU time
// (this process runs one JavaScript thread; the shared machine makes wall time unreliable), best of
// REPEAT runs. node --import tsx bench/write-path.ts [PAIR…]. Skips when the data is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocBars, BAR_COLUMNS, rowAtOrAfter, type Bars } from '../src/core/types.ts';
import { registry } from '../src/features/registry.ts';
import { readHistData } from '../src/io/ingest/index.ts';
import { partitionPath } from '../src/pipeline/lake.ts';
import type { WorkerTask } from '../src/pipeline/protocol.ts';
import { OutputBuffers } from '../src/pipeline/compute.ts';
import { executeTask, type TaskEnv } from '../src/pipeline/task.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { table } from '../src/cli/output.ts';

const DATA = fileURLToPath(new URL('../../shared/data/real-fx/parrondo__deeptrading/', import.meta.url));
if (!existsSync(DATA)) {
  console.log('write-path bench skipped: ../shared/data/real-fx is absent');
  process.exit(0);
}
const PAIRS = process.argv.length > 2 ? process.argv.slice(2) : ['EURUSD', 'GBPJPY', 'AUDNZD'];
const REPEAT = 3;
const MONTHS = [['2017-01', Date.UTC(2017, 0, 1), Date.UTC(2017, 1, 1)], ['2017-02', Date.UTC(2017, 1, 1), Date.UTC(2017, 2, 1)]] as const;
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };

const units = buildUnits(registry()).filter((u) => u.kind === 'pair');
const byName = new Map(buildUnits(registry()).map((u) => [u.name, u]));
const env: TaskEnv = { outputs: new OutputBuffers(), clock: cpuMs };
const dir = mkdtempSync(join(tmpdir(), 'bqx-bench-write-'));
let id = 0;

/** The task of (unit, pair, month) as the pipeline builds it: warm-up + month + lookahead rows in one transferable buffer. */
function task(unitName: string, pair: string, bars: Bars, m: number): WorkerTask {
  const unit = byName.get(unitName)!;
  const [month, from, to] = MONTHS[m]!;
  const s = rowAtOrAfter(bars.ts, from), e = rowAtOrAfter(bars.ts, to);
  const lo = Math.max(0, s - unit.warmup), hi = Math.min(bars.ts.length, e + unit.lookahead);
  const b = allocBars(hi - lo);
  for (const c of BAR_COLUMNS) b[c].set(bars[c].subarray(lo, hi));
  const upstream = [...unit.upstream].flatMap(([up, columns]) =>
    MONTHS.slice(0, m + 1).map(([mm]) => ({ path: partitionPath(dir, up, pair, mm), columns })));
  return {
    id: ++id, unit: unitName, month, metadata: { unit: unitName, month, data_version: 'bench' },
    inputs: [{ pair, buffer: b.ts.buffer as ArrayBuffer, n: hi - lo, first: s - lo, count: e - s, baseline: bars.close[0]!, upstream, outPath: partitionPath(dir, unitName, pair, month) }],
  };
}

const rows: Record<string, { computeMs: number; writeMs: number }> = {};
try {
  for (const pair of PAIRS) {
    const zip = join(DATA, `HISTDATA_COM_ASCII_${pair}_M1_2017.zip`);
    const bars = readHistData(new Uint8Array(readFileSync(zip)), zip).bars;
    for (const unit of units) {
      await executeTask(task(unit.name, pair, bars, 0), byName, env); // January: upstream of February's warm-up rows
      let best = { computeMs: Infinity, writeMs: Infinity };
      for (let r = 0; r < REPEAT; r++) {
        const reply = await executeTask(task(unit.name, pair, bars, 1), byName, env);
        if (!reply.ok) throw new Error(reply.error);
        best = { computeMs: Math.min(best.computeMs, reply.computeMs), writeMs: Math.min(best.writeMs, reply.writeMs) };
      }
      const acc = rows[unit.name] ??= { computeMs: 0, writeMs: 0 };
      acc.computeMs += best.computeMs / PAIRS.length; acc.writeMs += best.writeMs / PAIRS.length;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const all = Object.values(rows).reduce((a, r) => ({ computeMs: a.computeMs + r.computeMs, writeMs: a.writeMs + r.writeMs }), { computeMs: 0, writeMs: 0 });
const fmt = (r: typeof all) => [Math.round(r.computeMs), Math.round(r.writeMs)];
console.log(`write path, February 2017 of ${PAIRS.join(', ')}: CPU ms per pair-month (mean over pairs of the best of ${REPEAT}); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(table(['unit', 'compute CPU ms', 'write CPU ms'], [...Object.entries(rows).map(([u, r]) => [u, ...fmt(r)]), ['all pair units', ...fmt(all)]]));
