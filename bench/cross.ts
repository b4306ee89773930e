// Bench of the three cross stages (ci, arb, cross) for one month of the 28 pairs (target < 10 s on one
// core): `node --import tsx bench/cross.ts`. Synthetic market (seed 3), July 2024 with each stage's
// declared warm-up; the upstream columns (bqx, reg) are computed first and not timed.
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { sliceBars } from '../src/core/types.ts';
import { CROSS_FAMILIES } from '../src/features/cross/index.ts';
import { FAMILIES } from '../src/features/families/index.ts';
import { buildPairFrame } from '../src/features/frame.ts';
import type { ComputeContext, Family, PairFrame } from '../src/features/types.ts';
import { generateMarket } from '../src/io/synthetic.ts';

const JULY = Date.UTC(2024, 6, 1);
const AUG = Date.UTC(2024, 7, 1);
const market = generateMarket({ pairs: PAIR_NAMES, from: Date.UTC(2024, 5, 1), months: 2, seed: 3 });
const rowAt = (ts: Float64Array, t: number) => ts.findIndex((v) => v >= t) >>> 0;
const ctx: ComputeContext = { note: () => {}, warn: (m) => console.warn(m) };
const UPSTREAM = FAMILIES.filter((f) => f.name === 'bqx' || f.name === 'reg');

/** The pair's frame for July with `warmup` earlier rows, upstream columns computed on the same rows. */
function frameOf(pair: string, warmup: number): PairFrame {
  const b = market.get(pair)!;
  const s = rowAt(b.ts, JULY);
  const e = Math.min(rowAt(b.ts, AUG), b.ts.length);
  const bars = sliceBars(b, Math.max(0, s - warmup), e);
  const up = new Map<string, Float64Array>();
  const base = buildPairFrame(pair, bars, b.close[s]!);
  for (const fam of UPSTREAM) fam.compute!(base, (name) => up.get(name) ?? up.set(name, new Float64Array(base.n)).get(name)!, ctx);
  return buildPairFrame(pair, bars, b.close[s]!, up);
}

let total = 0;
// One task group per stage and partition kind, each with its own warm-up (as the pipeline's units).
const groups = (['ci', 'arb', 'cross'] as const).flatMap((stage) =>
  (['month', 'pair'] as const).map((kind) => ({ stage, fams: CROSS_FAMILIES.filter((f) => f.stage === stage && f.partition === kind) })))
  .filter((g) => g.fams.length > 0);
for (const { stage, fams } of groups) {
  const warmup = Math.max(...fams.flatMap((f) => f.features.map((d) => d.lookback)));
  const frames = new Map(PAIR_NAMES.map((p) => [p, frameOf(p, warmup)]));
  const rows = [...frames.values()].reduce((s, f) => s + f.n, 0);
  for (const fam of fams) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    run(fam, frames);
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    total += cpuMs;
    console.log(`${stage.padEnd(5)} ${fam.name.padEnd(8)} ${String(fam.features.length).padStart(3)} features  cpu ${cpuMs.toFixed(0).padStart(6)} ms  wall ${ms.toFixed(0).padStart(6)} ms  (${rows} rows incl. ${warmup}-row warm-up)`);
  }
}
// CPU time, not wall time: the number that holds on a shared machine (one thread; GC may add a little).
console.log(`total cpu ${(total / 1000).toFixed(2)} s for one month of 28 pairs (target < 10 s on one core)`);

function run(fam: Family, frames: Map<string, PairFrame>): void {
  const cols = new Map<string, Float64Array>();
  const col = (pair: string, name: string, n: number) => {
    const k = `${pair}:${name}`;
    let c = cols.get(k);
    if (!c) cols.set(k, (c = new Float64Array(n)));
    return c;
  };
  if (fam.partition === 'month') fam.computeMonth!({ month: '2024-07', pairs: frames }, (p, name) => col(p, name, frames.get(p)!.n), ctx);
  else for (const [p, f] of frames) fam.compute!(f, (name) => col(p, name, f.n), ctx);
}
