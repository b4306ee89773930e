// Timing of the phase-1 families of part B (reg, vol, fib, micro) on one pair-month on one core:
// `node --import tsx bench/base-b.ts`. Synthetic EURUSD, July 2024 (seed 3), with the families' largest
// declared warm-up before it; best of REPEAT runs per family.
import { sliceBars } from '../src/core/types.ts';
import { buildPairFrame } from '../src/features/frame.ts';
import { fib } from '../src/features/families/fib.ts';
import { micro } from '../src/features/families/micro.ts';
import { reg } from '../src/features/families/reg.ts';
import { vol } from '../src/features/families/vol.ts';
import type { Family } from '../src/features/types.ts';
import { generateMarket } from '../src/io/synthetic.ts';

const REPEAT = Number(process.env.REPEAT ?? 7);
const FAMS: Family[] = [reg, vol, fib, micro];
const JULY = Date.UTC(2024, 6, 1);
const AUG = Date.UTC(2024, 7, 1);

const bars = generateMarket({ pairs: ['EURUSD'], from: Date.UTC(2024, 5, 1), months: 2, seed: 3 }).get('EURUSD')!;
const start = bars.ts.findIndex((v) => v >= JULY);
const end = bars.ts.findIndex((v) => v >= AUG);
const warmup = Math.max(...FAMS.flatMap((f) => f.features.map((d) => d.lookback)));
const frame = buildPairFrame('EURUSD', sliceBars(bars, start - warmup, end < 0 ? bars.ts.length : end), bars.close[start]!);

let total = 0;
for (const fam of FAMS) {
  const cols = new Map(fam.features.map((d) => [d.name, new Float64Array(frame.n)]));
  let best = Infinity;
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    fam.compute!(frame, (name) => cols.get(name)!, { note: () => {}, warn: () => {} });
    best = Math.min(best, performance.now() - t0);
  }
  total += best;
  console.log(`${fam.name.padEnd(6)} ${String(fam.features.length).padStart(3)} columns  ${best.toFixed(2).padStart(7)} ms`);
}
console.log(`total  ${frame.n} rows (incl. ${warmup}-row warm-up)  ${total.toFixed(2)} ms (best of ${REPEAT})`);
