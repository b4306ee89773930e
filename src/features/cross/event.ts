// event (10) — jumps of the 1-bar return on the pair's own rows (FEATURES.md §9):
// z_t = r_t / (sample std of r over the previous 60 rows); a jump is |z| > 3.
import { logReturn } from '../../kernels/lag.ts';
import { rollingStd, rollingSum } from '../../kernels/rolling.ts';
import { rollingMax } from '../../kernels/rolling-extrema.ts';
import type { Family, OutputColumn, PairFrame } from '../types.ts';
import { BP, crossDefs, FLAG, type CrossSpec, pairFamily } from './common.ts';

const SIGMA = 60;
const Z_LOOKBACK = SIGMA + 1; // r_t needs C_{t−1}; the std reads r_{t−60} … r_{t−1}
const JUMP = 3;
const FLAGS = [[25, 2.5], [30, 3]] as const;
const WINDOWS = [60, 240] as const;
const CAP = 1440;
const SUM_W = 240;
const UNDEFINED_Z = 'z is undefined (NaN) where the previous 60 returns have zero std; such rows are not jumps';

const specs: CrossSpec[] = [
  ...FLAGS.map(([tag, k]) => ({ name: `jump_flag_${tag}`, kernel: 'jump_z', params: { threshold: k, sigma: SIGMA }, lookback: Z_LOOKBACK,
    discrete: FLAG, description: `1 if |z| > ${k}, else 0`, notes: UNDEFINED_Z })),
  ...WINDOWS.map((w) => ({ name: `jump_count_w${w}`, kernel: 'jump_z', params: { w, threshold: JUMP }, lookback: w - 1 + Z_LOOKBACK,
    range: [0, w] as const, description: `Rows among the last ${w} with |z| > ${JUMP}`, notes: UNDEFINED_Z })),
  { name: 'bars_since_jump', kernel: 'jump_z', params: { cap: CAP, threshold: JUMP }, lookback: CAP - 1 + Z_LOOKBACK, range: [0, CAP],
    description: `Rows since the last row with |z| > ${JUMP} (0 at a jump), capped at ${CAP}`,
    notes: `${UNDEFINED_Z}; NaN in the data set's first ${CAP - 1 + Z_LOOKBACK} rows (whether a jump occurred is unknown before)` },
  ...WINDOWS.map((w) => ({ name: `max_abs_z_w${w}`, kernel: 'rolling_max', params: { w }, lookback: w - 1 + Z_LOOKBACK,
    description: `Max |z| over the last ${w} rows`, notes: 'NaN when z is undefined at any row of the window' })),
  ...WINDOWS.map((w) => ({ name: `bipower_ratio_w${w}`, kernel: 'bipower', params: { w }, lookback: w + 1,
    description: `(π/2) · Σ |r_i||r_{i−1}| / Σ r_i² over the last ${w} rows (bipower / realised variance)` })),
  { name: `signed_jump_sum_w${SUM_W}`, kernel: 'jump_z', params: { w: SUM_W, threshold: JUMP }, lookback: SUM_W - 1 + Z_LOOKBACK,
    description: `Sum of r over the jump rows among the last ${SUM_W}, bp`, notes: UNDEFINED_Z },
];
const features = crossDefs('event', 'cross', specs);

function compute(frame: PairFrame, out: OutputColumn): void {
  const n = frame.n;
  const r = new Float64Array(n);
  const sigma = new Float64Array(n);
  logReturn(frame.close, 1, r);
  rollingStd(r, SIGMA, 1, sigma);
  const absZ = new Float64Array(n);
  const jump = new Float64Array(n); // 1 / 0, NaN where σ is not yet available
  const jumpRet = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const s = t > 0 ? sigma[t - 1]! : NaN;
    absZ[t] = s > 0 ? Math.abs(r[t]! / s) : NaN;
    jump[t] = s !== s ? NaN : absZ[t]! > JUMP ? 1 : 0;
    jumpRet[t] = jump[t]! * r[t]!;
  }
  for (const [tag, k] of FLAGS) {
    const o = out(`jump_flag_${tag}`);
    for (let t = 0; t < n; t++) o[t] = absZ[t] !== absZ[t] ? NaN : absZ[t]! > k ? 1 : 0;
  }
  for (const w of WINDOWS) {
    rollingSum(jump, w, out(`jump_count_w${w}`));
    rollingMax(absZ, w, { value: out(`max_abs_z_w${w}`) });
    bipowerRatio(r, w, out(`bipower_ratio_w${w}`));
  }
  barsSince(jump, out('bars_since_jump'));
  const sum = out(`signed_jump_sum_w${SUM_W}`);
  rollingSum(jumpRet, SUM_W, sum);
  for (let t = 0; t < n; t++) sum[t] = BP * sum[t]!;
}

/** Rows since the last 1 in `flag` (capped); NaN until `flag` is defined over a whole cap window. */
function barsSince(flag: Float64Array, out: Float64Array): void {
  let last = -Infinity;
  let firstDefined = -1;
  for (let t = 0; t < flag.length; t++) {
    const f = flag[t]!;
    if (f === f && firstDefined < 0) firstDefined = t;
    if (f === 1) last = t;
    out[t] = t - last < CAP ? t - last : firstDefined >= 0 && t - firstDefined >= CAP - 1 ? CAP : NaN;
  }
}

/** (π/2) Σ|r_i||r_{i−1}| / Σ r_i² over the last w rows (Barndorff-Nielsen & Shephard 2004); NaN if Σ r² = 0. */
function bipowerRatio(r: Float64Array, w: number, out: Float64Array): void {
  const n = r.length;
  const bp = new Float64Array(n);
  const r2 = new Float64Array(n);
  const rv = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    bp[t] = t > 0 ? Math.abs(r[t]!) * Math.abs(r[t - 1]!) : NaN;
    r2[t] = r[t]! * r[t]!;
  }
  rollingSum(bp, w, out);
  rollingSum(r2, w, rv);
  for (let t = 0; t < n; t++) out[t] = rv[t]! > 0 ? (Math.PI / 2) * (out[t]! / rv[t]!) : NaN;
}

export const eventFamily: Family = pairFamily('event', 'cross', features, compute);
