// CPU time of each unit's compute on one real month (all 28 pairs of January 2017, HistData, in memory:
// no store, no lake, no Parquet): `node --import tsx bench/units.ts [--repeat N] [--units a,b]`.
// Timed per unit: building the pair frames and running the unit's families as a worker does (upstream
// columns handed over from the earlier units), into output columns kept from the previous run — as a
// worker reusing its output buffer; the fresh-memory cost of that buffer belongs to the write path
// (bench/write-path.ts). Prints CPU seconds per pair-month, best of N after a warm-up, per unit and per
// family, and a sha256 of every output bit of the warm-up run per unit, so a change can be checked
// bit-identical. Skipped with a message when ../shared/data/real-fx is absent.
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import type { Bars } from '../src/core/types.ts';
import { buildPairFrame } from '../src/features/frame.ts';
import { registry } from '../src/features/registry.ts';
import type { ComputeContext, Family, PairFrame } from '../src/features/types.ts';
import { buildUnits, type Unit } from '../src/pipeline/units.ts';
import { histdata, realSkip } from '../test/helpers/histdata-slice.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string' }, units: { type: 'string' } }, strict: true });
const REPEAT = Number(values.repeat ?? 3);
if (realSkip) {
  console.log(`bench/units skipped: ${realSkip}`);
  process.exit(0);
}

// January 2017 in UTC: the HistData stamps are New York local time (UTC − 5 in winter).
const FROM = Date.UTC(2017, 0, 1), TO = Date.UTC(2017, 1, 1);
const bars = new Map<string, Bars>(PAIR_NAMES.map((p) => {
  const b = histdata(p, [['2017010', '20170201 000000']]); // from the year's first bars (2 January)
  const s = b.ts.findIndex((t) => t >= FROM), e = b.ts.findIndex((t) => t >= TO);
  const end = e < 0 ? b.ts.length : e;
  const sub = (a: Float64Array) => a.slice(s, end);
  return [p, { ts: sub(b.ts), open: sub(b.open), high: sub(b.high), low: sub(b.low), close: sub(b.close), volume: sub(b.volume) }];
}));

const wanted = values.units ? new Set(values.units.split(',')) : null;
const columns = new Map<string, Map<string, Float64Array>>(PAIR_NAMES.map((p) => [p, new Map()])); // pair → column → values
const ctx: ComputeContext = { note: () => {}, warn: () => {} };

/** pair → its columns of this unit (zeroed on first use, then kept), as computeXUnit hands them out. */
function outOf(unit: Unit): (pair: string, name: string) => Float64Array {
  const declared = new Set(unit.columns.map((d) => d.name));
  return (pair, name) => {
    const m = columns.get(pair)!;
    let c = m.get(name);
    if (!c) m.set(name, (c = new Float64Array(bars.get(pair)!.ts.length)));
    if (!declared.has(name)) throw new Error(`${unit.name} wrote undeclared ${name}`);
    return c;
  };
}

function frames(unit: Unit): Map<string, PairFrame> {
  const up = [...unit.upstream.values()].flat();
  return new Map(PAIR_NAMES.map((p) => {
    const b = bars.get(p)!;
    return [p, buildPairFrame(p, b, b.close[0]!, new Map(up.map((c) => [c, columns.get(p)!.get(c)!])))];
  }));
}

function runFamily(fam: Family, fr: Map<string, PairFrame>, out: (pair: string, name: string) => Float64Array): void {
  if (fam.partition === 'month') fam.computeMonth!({ month: '2017-01', pairs: fr }, out, ctx);
  else for (const [p, f] of fr) fam.compute!(f, (name) => out(p, name), ctx);
}

function digest(unit: Unit): string {
  const h = createHash('sha256');
  for (const p of PAIR_NAMES) {
    for (const d of unit.columns) {
      const c = columns.get(p)!.get(d.name)!;
      h.update(d.name);
      h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    }
  }
  return h.digest('hex').slice(0, 16);
}

const cpu = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

console.log(`units on January 2017, 28 pairs; CPU s per pair-month, best of ${REPEAT} after a warm-up; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let total = 0;
for (const unit of buildUnits(registry())) {
  const out = outOf(unit);
  for (const fam of unit.families) runFamily(fam, frames(unit), out); // warm-up; its outputs feed the later units
  const hash = digest(unit);
  if (wanted && !wanted.has(unit.name)) continue;
  let frameS = Infinity;
  const famS = unit.families.map(() => Infinity);
  for (let k = 0; k < REPEAT; k++) {
    let fr!: Map<string, PairFrame>;
    frameS = Math.min(frameS, cpu(() => { fr = frames(unit); }));
    unit.families.forEach((fam, i) => { famS[i] = Math.min(famS[i]!, cpu(() => runFamily(fam, fr, out))); });
  }
  const perPm = (s: number) => s / PAIR_NAMES.length;
  const unitS = perPm(frameS + famS.reduce((a, b) => a + b, 0));
  total += unitS;
  const parts = unit.families.map((f, i) => `${f.name} ${perPm(famS[i]!).toFixed(3)}`).join(', ');
  console.log(`${unit.name.padEnd(12)} ${unitS.toFixed(3)} s  outputs ${hash}  (frames ${perPm(frameS).toFixed(3)}, ${parts})`);
}
console.log(`sum ${total.toFixed(3)} CPU s per pair-month; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
