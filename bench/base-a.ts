// Timing of the phase-1 families of part A (bqx, stat, bb, ret, ma, lag, targets) on one pair-month
// (~31k rows + a 3k-row warm-up) on one core: `node --import tsx bench/base-a.ts`.
import type { Family, PairFrame } from '../src/features/types.ts';
import { bqxReturn, BQX_WINDOW } from '../src/kernels/bqx.ts';
import { bqx } from '../src/features/families/bqx.ts';
import { stat } from '../src/features/families/stat.ts';
import { bb } from '../src/features/families/bb.ts';
import { ret } from '../src/features/families/ret.ts';
import { ma } from '../src/features/families/ma.ts';
import { lag } from '../src/features/families/lag.ts';
import { targets } from '../src/features/families/targets.ts';

const N = 34_000;
const REPEAT = Number(process.env.REPEAT ?? 7);

/** A GBM-ish idx close ≈ 100 with 1e-4 relative moves (deterministic LCG + Box–Muller). */
function frame(n: number): PairFrame {
  let s = 12345;
  const u = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) + 0.5) / 4294967296;
  const close = new Float64Array(n);
  let c = 100;
  for (let t = 0; t < n; t++) close[t] = c *= Math.exp(1e-4 * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  const b = new Float64Array(n);
  bqxReturn(close, BQX_WINDOW, b);
  const volume = new Float64Array(n).fill(1);
  return {
    pair: 'EURUSD', n, ts: Float64Array.from({ length: n }, (_, i) => i * 60_000),
    open: close, high: close, low: close, close, volume, bqx: b, rawClose: close,
    upstream: (name) => { throw new Error(`no upstream ${name}`); },
  };
}

const f = frame(N);
let total = 0;
for (const fam of [bqx, stat, bb, ret, ma, lag, targets] as Family[]) {
  const cols = new Map(fam.features.map((d) => [d.name, new Float64Array(N)]));
  const out = (name: string) => cols.get(name)!;
  let best = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    fam.compute!(f, out, { note: () => {}, warn: () => {} });
    best = Math.min(best, performance.now() - t0);
  }
  total += best;
  console.log(`${fam.name.padEnd(8)} ${String(fam.features.length).padStart(3)} columns  ${best.toFixed(2).padStart(7)} ms`);
}
console.log(`total    ${N} rows          ${total.toFixed(2).padStart(7)} ms (best of ${REPEAT})`);
