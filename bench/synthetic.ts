// Benchmark of the synthetic market generator: all 28 pairs, streamed month by month as the store
// would take them. Run: node --import tsx bench/synthetic.ts [--months 12] [--seed 1]
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { generateMonths } from '../src/io/synthetic.ts';

export interface SyntheticBench {
  readonly months: number;
  readonly bars: number;
  readonly seconds: number;
  readonly barsPerSecond: number;
}

export function benchSynthetic(months = 12, seed = 1, onMonth?: (month: string, bars: number, seconds: number) => void): SyntheticBench {
  const t0 = performance.now();
  let bars = 0;
  for (const m of generateMonths({ pairs: PAIR_NAMES, months, seed })) {
    let n = 0;
    for (const b of m.bars.values()) n += b.ts.length;
    bars += n;
    onMonth?.(m.month, n, (performance.now() - t0) / 1000);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { months, bars, seconds, barsPerSecond: bars / seconds };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { months: { type: 'string', default: '12' }, seed: { type: 'string', default: '1' } } });
  const months = Number(values.months);
  const seed = Number(values.seed);
  const r = benchSynthetic(months, seed, (month, n, s) => console.log(`${month}: ${n.toLocaleString('en')} bars, ${s.toFixed(2)} s`));
  console.log(`synthetic market: 28 pairs × ${r.months} months = ${r.bars.toLocaleString('en')} bars in ${r.seconds.toFixed(2)} s ` +
    `(${(r.barsPerSecond / 1e6).toFixed(2)} M bars/s, one core)`);
}
