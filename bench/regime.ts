// Timing of the erm and regime stages on one pair-month on one core, and of one weekly HMM fit (Δidx, ΔB):
// `node --import tsx bench/regime.ts`. Synthetic EURUSD, July 2024 (seed 3), and real EURUSD, February 2017
// (HistData, when ../shared/data/real-fx is present; its fits mostly run the full 100 EM updates), each
// stage with its largest declared warm-up before it and frame.first at the month's first row (as a
// pipeline task); best of REPEAT runs, wall and CPU time. Targets: both stages < 1 s together, one fit on
// 10,080 rows < 50 ms.
import { existsSync, readFileSync } from 'node:fs';
import { sliceBars, type Bars } from '../src/core/types.ts';
import { buildPairFrame } from '../src/features/frame.ts';
import { erm } from '../src/features/families/erm.ts';
import { reg } from '../src/features/families/reg.ts';
import { regime } from '../src/features/families/regime.ts';
import type { Family, PairFrame } from '../src/features/types.ts';
import { readHistData } from '../src/io/ingest/histdata.ts';
import { generateMarket } from '../src/io/synthetic.ts';
import { baumWelch, HmmWorkspace, quantileInit } from '../src/kernels/hmm.ts';
import { REGIME_HMM } from '../src/kernels/regime-hmm.ts';

const REPEAT = Number(process.env.REPEAT ?? 5);

/** Best wall time and best CPU time (user + system of this process: robust on a shared machine). */
function time(label: string, fn: () => void): number {
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
    const c = process.cpuUsage(c0);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
  }
  console.log(`${label.padEnd(52)} ${best.toFixed(1).padStart(8)} ms wall ${bestCpu.toFixed(1).padStart(8)} ms cpu`);
  return bestCpu;
}

function stage(fam: Family, frame: PairFrame): number {
  const cols = new Map(fam.features.map((d) => [d.name, new Float64Array(frame.n)]));
  let fits = 0, skipped = 0;
  const count = (v: unknown, status: string) => (v as { status: string }[]).filter((f) => f.status === status).length;
  const ms = time(`${fam.name} (${fam.features.length} columns, ${frame.n} rows incl. warm-up)`, () =>
    fam.compute!(frame, (name) => cols.get(name)!, { note: (_k, v) => { fits = count(v, 'ok'); skipped = count(v, 'skipped'); }, warn: () => {} }));
  if (fits > 0) console.log(`  ${fits} HMM fits (both domains; ${skipped} skipped: rows in the warm-up only)`);
  return ms;
}

/** Both stages on rows [start, end) of `bars`, each with its declared warm-up; returns the regime frame. */
function month(label: string, bars: Bars, start: number, end: number): PairFrame {
  const frameFor = (fam: Family) => {
    const warmup = Math.max(...fam.features.map((d) => d.lookback));
    if (start < warmup) throw new Error(`${label}: ${start} rows before the month, ${warmup} needed`);
    return { ...buildPairFrame('EURUSD', sliceBars(bars, start - warmup, end), bars.close[start]!), first: warmup };
  };
  // erm reads reg's terms: computed once on the same rows (not timed).
  const ermBase = frameFor(erm);
  const regCols = new Map(reg.features.map((d) => [d.name, new Float64Array(ermBase.n)]));
  reg.compute!(ermBase, (name) => regCols.get(name)!, { note: () => {}, warn: () => {} });
  const ermFrame: PairFrame = { ...ermBase, upstream: (name) => regCols.get(name)! };
  console.log(`${label}: ${end - start} rows`);
  const regimeFrame = frameFor(regime);
  const total = stage(erm, ermFrame) + stage(regime, regimeFrame);
  console.log(`${'erm + regime (cpu)'.padEnd(52)} ${total.toFixed(1).padStart(8)} ms`);
  return regimeFrame;
}

/** One weekly fit: the standardised increments of the last 10,080 rows of a frame's series. */
function fit(label: string, y: Float64Array): void {
  const x = new Float64Array(REGIME_HMM.fitRows);
  const from = y.length - x.length;
  for (let i = 0; i < x.length; i++) x[i] = y[from + i]! - y[from + i - 1]!;
  let m = 0;
  for (const v of x) m += v / x.length;
  let ss = 0;
  for (const v of x) ss += (v - m) ** 2;
  const sd = Math.sqrt(ss / (x.length - 1));
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - m) / sd;
  const ws = new HmmWorkspace(x.length);
  let iters = 0;
  time(`one HMM fit, ${label} (${x.length} rows)`, () => {
    iters = baumWelch(x, quantileInit(x, REGIME_HMM.varianceQuantiles, REGIME_HMM.stay), { maxIter: REGIME_HMM.maxIter, tol: REGIME_HMM.tol }, ws).iterations;
  });
  console.log(`  ${iters} EM updates`);
}

const rowAt = (ts: Float64Array, t: number) => ts.findIndex((v) => v >= t);
const synth = generateMarket({ pairs: ['EURUSD'], from: Date.UTC(2024, 5, 1), months: 2, seed: 3 }).get('EURUSD')!;
fit('synthetic', month('synthetic EURUSD July 2024', synth, rowAt(synth.ts, Date.UTC(2024, 6, 1)), synth.ts.length).close);
const REAL = new URL('../../shared/data/real-fx/parrondo__deeptrading/HISTDATA_COM_ASCII_EURUSD_M1_2017.zip', import.meta.url);
if (existsSync(REAL)) {
  const real = readHistData(readFileSync(REAL), 'HISTDATA_COM_ASCII_EURUSD_M1_2017.zip').bars;
  const frame = month('real EURUSD February 2017 (HistData)', real, rowAt(real.ts, Date.UTC(2017, 1, 1)), rowAt(real.ts, Date.UTC(2017, 2, 1)));
  fit('real, Δidx', frame.close);
  fit('real, ΔB (no levels: emissions per row)', frame.bqx);
} else {
  console.log('(real EURUSD 2017 absent: ../shared/data/real-fx)');
}
