// npm run bench: throughput of every implemented family and of whole partitions, on one core.
// Prints a table and writes bench/results/latest.json. Peer comparisons (TA-Lib …) are in the
// sub-benchmarks listed in SUBS, run as child processes in the same invocation.
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { rowAtOrAfter as rowAt, sliceBars, type Bars } from '../src/core/types.ts';
import { buildPairFrame } from '../src/features/frame.ts';
import { registry } from '../src/features/registry.ts';
import { encodeParquet } from '../src/io/parquet.ts';
import { generateMarket } from '../src/io/synthetic.ts';
import { computeMonthUnit, computePairUnit, type PairInput } from '../src/pipeline/compute.ts';
import { buildUnits, type Unit } from '../src/pipeline/units.ts';
import { table } from '../src/cli/output.ts';

const REPEAT = Number(process.env.BQX_BENCH_REPEAT ?? 3);
const only = process.argv.slice(2);

function best(fn: () => void): number {
  let b = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    fn();
    b = Math.min(b, performance.now() - t);
  }
  return b;
}


const JULY = Date.UTC(2024, 6, 1), AUG = Date.UTC(2024, 7, 1);
console.log('generating 28 pairs × June–August 2024 (synthetic, seed 3) …');
const market = generateMarket({ pairs: PAIR_NAMES, from: Date.UTC(2024, 5, 1), months: 3, seed: 3 });
const units = buildUnits(registry());

function inputOf(pair: string, unit: Unit): PairInput {
  const b: Bars = market.get(pair)!;
  const s = rowAt(b.ts, JULY), e = rowAt(b.ts, AUG);
  const lo = Math.max(0, s - unit.warmup), hi = Math.min(b.ts.length, e + unit.lookahead);
  return { pair, bars: sliceBars(b, lo, hi), first: s - lo, count: e - s, baseline: b.close[s]! };
}

interface Row { what: string; columns: number; rows: number; ms: number; rowsPerSec: number }
const rows: Row[] = [];
const add = (what: string, columns: number, n: number, ms: number) => rows.push({ what, columns, rows: n, ms: +ms.toFixed(2), rowsPerSec: Math.round(n / (ms / 1000)) });

/** Upstream columns (e.g. reg for erm) computed by their producing units on the same rows, outside the timing. */
function withUpstream(unit: Unit, inputs: PairInput[]): PairInput[] {
  const upstream = new Map(inputs.map((i) => [i.pair, new Map<string, Float64Array>()]));
  for (const [from, cols] of unit.upstream) {
    const up = units.find((u) => u.name === from)!;
    const full = inputs.map((i) => ({ ...i, first: 0, count: i.first + i.count }));
    const results = up.kind === 'pair' ? full.map((i) => computePairUnit(up, i)) : [computeMonthUnit(up, '2024-07', full)];
    for (const r of results) {
      for (const [pair, o] of r.outputs) for (const [name, col] of o.columns) if (cols.includes(name)) upstream.get(pair)!.set(name, col);
    }
  }
  return inputs.map((i) => ({ ...i, upstream: upstream.get(i.pair)! }));
}

for (const unit of units) {
  if (only.length && !only.includes(unit.stage)) continue;
  if (unit.kind === 'pair') {
    const input = withUpstream(unit, [inputOf('EURUSD', unit)])[0]!;
    const frame = buildPairFrame('EURUSD', input.bars, input.baseline, input.upstream);
    const ctx = { note() {}, warn() {} };
    for (const fam of unit.families) {
      const cols = new Map<string, Float64Array>();
      const out = (n: string) => cols.get(n) ?? cols.set(n, new Float64Array(frame.n)).get(n)!;
      add(`${unit.name}/${fam.name} (EURUSD 2024-07 + warm-up)`, fam.features.length, input.count, best(() => fam.compute!(frame, out, ctx)));
    }
    let result = computePairUnit(unit, input);
    add(`${unit.name}: whole partition (frame + all families)`, unit.columns.length, input.count, best(() => { result = computePairUnit(unit, input); }));
    const o = result.outputs.get('EURUSD')!;
    encodeParquet({ ts: o.ts, columns: o.columns }); // warm the wasm heap
    add(`${unit.name}: Parquet write of the partition`, unit.columns.length, input.count, best(() => encodeParquet({ ts: o.ts, columns: o.columns })));
  } else {
    const inputs = withUpstream(unit, PAIR_NAMES.map((p) => inputOf(p, unit)));
    const n = inputs.reduce((k, i) => k + i.count, 0);
    add(`${unit.name}: one month × 28 pairs`, unit.columns.length, n, best(() => computeMonthUnit(unit, '2024-07', inputs)));
  }
}

console.log('\n' + table(['benchmark', 'columns', 'rows', 'ms', 'rows/s'], rows.map((r) => [r.what, r.columns, r.rows, r.ms, r.rowsPerSec])));
const baseTotal = rows.filter((r) => r.what.startsWith('base: whole')).map((r) => r.ms)[0];
if (baseTotal !== undefined) console.log(`\nphase-1 (base) partition: ${baseTotal.toFixed(0)} ms (target < 500 ms)`);

// Sub-benchmarks with peers, in this same run.
const SUBS = ['bench/ti.ts', 'bench/regime.ts', 'bench/cross.ts', 'bench/ingest.ts'].filter((f) => existsSync(f));
const subs: Record<string, string> = {};
if (!only.length) {
  for (const f of SUBS) {
    console.log(`\n== ${f}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', f], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    process.stdout.write(r.stdout);
    subs[f] = r.stdout;
  }
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', JSON.stringify({ date: new Date().toISOString(), node: process.version, repeat: REPEAT, rows, subs }, null, 2));
console.log('\nwritten: bench/results/latest.json');
