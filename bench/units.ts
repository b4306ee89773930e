// CPU time of each unit's compute on one real pair-month (all 28 pairs of January 2017, HistData, in
// memory: no store, no lake, no Parquet): `node --import tsx bench/units.ts [--repeat N] [--units a,b]`.
// Each unit runs exactly as a worker runs it (computePairUnit / computeMonthUnit), upstream columns
// handed over from the earlier units' outputs. Prints CPU seconds per pair-month (best of N after a
// warm-up) and a sha256 of every output bit per unit, so a change can be checked bit-identical.
// Skipped with a message when ../shared/data/real-fx is absent.
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { registry } from '../src/features/registry.ts';
import { computeMonthUnit, computePairUnit, type ComputeResult, type PairInput } from '../src/pipeline/compute.ts';
import { buildUnits } from '../src/pipeline/units.ts';
import { histdata, realSkip } from '../test/helpers/histdata-slice.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string' }, units: { type: 'string' } }, strict: true });
const REPEAT = Number(values.repeat ?? 3);
if (realSkip) {
  console.log(`bench/units skipped: ${realSkip}`);
  process.exit(0);
}

// January 2017 in UTC: the HistData stamps are New York local time (UTC − 5 in winter).
const FROM = Date.UTC(2017, 0, 1), TO = Date.UTC(2017, 1, 1);
const bars = new Map(PAIR_NAMES.map((p) => {
  const b = histdata(p, [['2017010', '20170201 000000']]); // from the year's first bars (2 January)
  const s = b.ts.findIndex((t) => t >= FROM), e = b.ts.findIndex((t) => t >= TO);
  const end = e < 0 ? b.ts.length : e;
  const sub = (a: Float64Array) => a.slice(s, end);
  return [p, { ts: sub(b.ts), open: sub(b.open), high: sub(b.high), low: sub(b.low), close: sub(b.close), volume: sub(b.volume) }] as const;
}));

const all = buildUnits(registry());
const wanted = values.units ? new Set(values.units.split(',')) : null;
const outputs = new Map<string, Map<string, Float64Array>>(PAIR_NAMES.map((p) => [p, new Map()])); // pair → column → values

function inputOf(pair: string, upstreamCols: readonly string[]): PairInput {
  const b = bars.get(pair)!;
  const up = new Map(upstreamCols.map((c) => [c, outputs.get(pair)!.get(c)!]));
  return { pair, bars: b, baseline: b.close[0]!, first: 0, count: b.ts.length, upstream: up };
}

function digest(r: ComputeResult): string {
  const h = createHash('sha256');
  for (const pair of [...r.outputs.keys()].sort()) {
    for (const [name, col] of r.outputs.get(pair)!.columns) {
      h.update(name);
      h.update(new Uint8Array(col.buffer, col.byteOffset, col.byteLength));
    }
  }
  return h.digest('hex').slice(0, 16);
}

console.log(`units on January 2017, 28 pairs; CPU s per pair-month, best of ${REPEAT} after a warm-up; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let total = 0;
for (const unit of all) {
  const up = [...unit.upstream.values()].flat();
  const inputs = PAIR_NAMES.map((p) => inputOf(p, up));
  const run = (): ComputeResult[] => unit.kind === 'pair'
    ? inputs.map((i) => computePairUnit(unit, i))
    : [computeMonthUnit(unit, '2017-01', inputs)];
  const results = run(); // warm-up; its outputs feed the later units
  for (const r of results) for (const [pair, o] of r.outputs) for (const [name, col] of o.columns) outputs.get(pair)!.set(name, col);
  if (wanted && !wanted.has(unit.name)) continue;
  let best = Infinity;
  for (let k = 0; k < REPEAT; k++) {
    const c0 = process.cpuUsage();
    run();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  const perPm = best / PAIR_NAMES.length;
  total += perPm;
  const hash = createHash('sha256').update(results.map(digest).join()).digest('hex').slice(0, 16);
  console.log(`${unit.name.padEnd(12)} ${perPm.toFixed(3)} s  outputs ${hash}`);
}
console.log(`sum ${total.toFixed(3)} CPU s per pair-month; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
