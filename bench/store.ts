// Store throughput: upsert and read a synthetic year of one pair (~370k bars, the size of a real
// 2017 HistData pair) and print bars/s and read times.
//   node --import tsx bench/store.ts [--file] [--threads N] [--pairs K]
// --file: a temporary database file instead of ':memory:'; --pairs K: load K pairs (28 = the whole
// 2017 set, 10.3 M bars) before timing the reads.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { allocBars, type Bars } from '../src/core/types.ts';
import { MINUTE_MS, monthEnd, monthRange, monthStart } from '../src/core/time.ts';
import { openStore } from '../src/store/duckdb.ts';

const { values: opts } = parseArgs({
  options: { file: { type: 'boolean', default: false }, threads: { type: 'string', default: '1' }, pairs: { type: 'string', default: '1' } },
});

/** 2017 on the trading week (Sun 22:00 → Fri 21:00 UTC): a 5-decimal random walk around 1.08. */
function syntheticYear(seed: number): Bars {
  const start = Date.UTC(2017, 0, 1, 22);
  const end = Date.UTC(2018, 0, 1);
  const out = allocBars((end - start) / MINUTE_MS);
  let n = 0;
  let p = 1.08;
  let s = seed;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let t = start; t < end; t += MINUTE_MS) {
    const d = new Date(t);
    const weekHour = d.getUTCDay() * 24 + d.getUTCHours(); // 0 = Sunday 00:00
    if (weekHour < 22 || weekHour >= 5 * 24 + 21) continue;
    const o = p;
    p = Math.round(p * (1 + (u() - 0.5) * 2e-4) * 1e5) / 1e5;
    out.ts[n] = t; out.open[n] = o; out.close[n] = p;
    out.high[n] = Math.max(o, p) + 1e-5; out.low[n] = Math.min(o, p) - 1e-5; out.volume[n] = Math.floor(u() * 100);
    n++;
  }
  return { ts: out.ts.subarray(0, n), open: out.open.subarray(0, n), high: out.high.subarray(0, n), low: out.low.subarray(0, n),
    close: out.close.subarray(0, n), volume: out.volume.subarray(0, n) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

async function best(fn: () => Promise<unknown>, rounds = 3): Promise<number> {
  let b = Infinity;
  for (let k = 0; k < rounds; k++) b = Math.min(b, (await timed(fn))[1]);
  return b;
}

const dir = opts.file ? mkdtempSync(join(tmpdir(), 'bqx-bench-')) : '';
const path = opts.file ? join(dir, 'bench.duckdb') : ':memory:';
const store = await openStore(path, { threads: Number(opts.threads) });
const rate = (n: number, ms: number) => `${(n / (ms / 1000) / 1e6).toFixed(2)} M bars/s`;
try {
  const bars = syntheticYear(1);
  const n = bars.ts.length;
  console.log(`store bench: ${path === ':memory:' ? ':memory:' : 'file'}, threads=${opts.threads}, ${n} bars per pair`);
  const pairs = PAIR_NAMES.slice(0, Number(opts.pairs));
  let total = 0;
  for (const pair of pairs.slice(1)) {
    const [, ms] = await timed(() => store.upsertBars(pair, syntheticYear(pairs.indexOf(pair) + 1), 'bench'));
    total += ms;
  }
  if (pairs.length > 1) console.log(`  load ${pairs.length - 1} other pairs   ${(total / 1000).toFixed(1)} s, ${rate(n * (pairs.length - 1), total)}`);
  const pair = pairs[0]!;
  const [r1, fresh] = await timed(() => store.upsertBars(pair, bars, 'bench'));
  console.log(`  upsert new           ${fresh.toFixed(0)} ms, ${rate(n, fresh)} (inserted ${r1.inserted})`);
  const [r2, again] = await timed(() => store.upsertBars(pair, bars, 'bench'));
  console.log(`  upsert identical     ${again.toFixed(0)} ms, ${rate(n, again)} (unchanged ${r2.unchanged})`);
  for (let i = 0; i < n; i += 100) bars.close[i] = bars.close[i]! + 1e-5;
  const [r3, changed] = await timed(() => store.upsertBars(pair, bars, 'bench'));
  console.log(`  upsert 1% changed    ${changed.toFixed(0)} ms, ${rate(n, changed)} (replaced ${r3.replaced})`);
  // reads: the best of 3 rounds (the machine may be shared)
  const months = monthRange('2017-01', '2017-12');
  const monthMs = await best(async () => {
    for (const m of months) await store.readBars(pair, monthStart(m), monthEnd(m));
  });
  const sizes = await Promise.all(months.map((m) => store.readBars(pair, monthStart(m), monthEnd(m))));
  const avgRows = Math.round(sizes.reduce((a, b) => a + b.ts.length, 0) / months.length);
  console.log(`  readBars month       ${(monthMs / months.length).toFixed(1)} ms (${avgRows} bars)`);
  const yearMs = await best(() => store.readBars(pair, -Infinity, Infinity));
  console.log(`  readBars year        ${yearMs.toFixed(0)} ms (${n} bars)`);
  const beforeMs = await best(async () => {
    for (const m of months.slice(1)) await store.readBarsBefore(pair, monthStart(m), 21_600);
  });
  console.log(`  readBarsBefore 21.6k ${(beforeMs / (months.length - 1)).toFixed(1)} ms`);
  const [, sumMs] = await timed(() => store.summary());
  console.log(`  summary              ${sumMs.toFixed(0)} ms`);
  if (opts.file) console.log(`  file                 ${(statSync(path).size / 1e6).toFixed(0)} MB`);
  console.log(`  rss                  ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await store.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
