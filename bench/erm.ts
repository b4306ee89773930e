// CPU time of the erm stage's compute on real months (January 2017 of the chosen pairs, HistData, in memory),
// paired with the frozen pre-restructuring kernel (test/kernels/regression-diagnostics-reference.ts) run the
// same way, alternating, best of N: `node --import tsx bench/erm.ts [--pairs EURUSD,USDJPY] [--repeat N]`.
// Checks that both write the same bits. Skipped with a message when ../shared/data/real-fx is absent.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { PAIR_NAMES } from '../src/core/currencies.ts';
import { PRICE_DOMAINS } from '../src/features/define.ts';
import { DOMAIN_SERIES } from '../src/features/families/bqx.ts';
import { erm } from '../src/features/families/erm.ts';
import { reg, REG_WINDOWS } from '../src/features/families/reg.ts';
import { buildPairFrame } from '../src/features/frame.ts';
import type { PairFrame } from '../src/features/types.ts';
import type { DiagnosticColumns } from '../src/kernels/regression-diagnostics.ts';
import { histdata, realSkip } from '../test/helpers/histdata-slice.ts';
import { referenceDiagnostics } from '../test/kernels/regression-diagnostics-reference.ts';

const { values } = parseArgs({ options: { pairs: { type: 'string' }, repeat: { type: 'string' } }, strict: true });
const REPEAT = Number(values.repeat ?? 5);
const PAIRS = values.pairs ? values.pairs.split(',') : PAIR_NAMES.slice(0, 8);
if (realSkip) {
  console.log(`bench/erm skipped: ${realSkip}`);
  process.exit(0);
}

const FROM = Date.UTC(2017, 0, 1), TO = Date.UTC(2017, 1, 1);
const ctx = { note: () => {}, warn: () => {} };
const frames: PairFrame[] = PAIRS.map((p) => {
  const b = histdata(p, [['2017010', '20170201 000000']]);
  const s = b.ts.findIndex((t) => t >= FROM), e = b.ts.findIndex((t) => t >= TO);
  const sub = (a: Float64Array) => a.slice(s, e < 0 ? a.length : e);
  const bars = { ts: sub(b.ts), open: sub(b.open), high: sub(b.high), low: sub(b.low), close: sub(b.close), volume: sub(b.volume) };
  const regCols = new Map<string, Float64Array>();
  const f0 = buildPairFrame(p, bars, bars.close[0]!);
  reg.compute!(f0, (name) => { let c = regCols.get(name); if (!c) regCols.set(name, (c = new Float64Array(f0.n))); return c; }, ctx);
  return buildPairFrame(p, bars, bars.close[0]!, regCols);
});

const outputs = () => frames.map((f) => new Map(erm.features.map((d) => [d.name, new Float64Array(f.n)])));
const now = outputs(), old = outputs();

function runNew(): void {
  frames.forEach((f, i) => erm.compute!(f, (name) => now[i]!.get(name)!, ctx));
}

const COLUMN = {
  rmseImprovement: 'rmse_improvement_vs_linear', extrapolationConfidence: 'extrapolation_confidence',
  residualAutocorrelation: 'residual_autocorrelation', heteroskedasticity: 'heteroskedasticity_measure',
  curvatureSignificance: 'curvature_significance',
} as const;
/** erm's compute as it was, with the frozen kernel. */
function runOld(): void {
  frames.forEach((f, i) => {
    for (const d of PRICE_DOMAINS) {
      for (const w of REG_WINDOWS) {
        const cols = Object.fromEntries(Object.entries(COLUMN).map(([k, m]) => [k, old[i]!.get(`erm_${d}_w${w}_${m}`)!])) as unknown as DiagnosticColumns;
        const term = (t: string) => f.upstream(`reg_${d}_w${w}_${t}`);
        referenceDiagnostics(f[DOMAIN_SERIES[d].input], w, { quadTerm: term('quadratic_term'), linTerm: term('linear_term'), constTerm: term('constant_term') }, cols);
      }
    }
  });
}

const cpu = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

runOld(); runNew();
let differ = 0;
now.forEach((m, i) => m.forEach((c, name) => {
  const r = old[i]!.get(name)!;
  for (let t = 0; t < c.length; t++) if (!Object.is(c[t], r[t])) { differ++; break; }
}));
const rows = frames.reduce((s, f) => s + f.n, 0);
console.log(`erm on January 2017, ${PAIRS.length} pairs (${rows} rows); CPU s per pair-month, best of ${REPEAT}; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let tOld = Infinity, tNew = Infinity;
for (let k = 0; k < REPEAT; k++) {
  tOld = Math.min(tOld, cpu(runOld));
  tNew = Math.min(tNew, cpu(runNew));
}
const per = (s: number) => (s / PAIRS.length).toFixed(4);
console.log(`frozen kernel ${per(tOld)} s, current ${per(tNew)} s (${(tNew / tOld).toFixed(3)}×); columns differing in any bit: ${differ}`);
console.log(`load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
