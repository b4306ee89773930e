// targets — the 15 prediction targets (FEATURES.md §10), role 'target', never features. H ∈ {15, 30, 45, 60, 75}:
// target_bqx_h{H} = w{H}_bqx_return at row t + H; target_dz_h{H} = (B_{t+H} − B_t) / σ_t with σ_t the EWMA
// (α = 2/61) std of ΔB up to t; target_dir_h{H} = sign(B_{t+H} − B_t). NaN in the last H rows.
import { feature, filterMemory } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { bqxReturn } from '../../kernels/bqx.ts';
import { diff } from '../../kernels/lag.ts';
import { ema, emaK, emaLookback } from '../../kernels/ta/ema.ts';
import { BQX_LOOKBACK } from './bqx.ts';

export const HORIZONS = [15, 30, 45, 60, 75] as const;
/** EWMA period of σ: α = 2/(60 + 1) = 2/61. */
const SIGMA_PERIOD = 60;
/** First row with ΔB_t = B_t − B_{t−1} defined. */
const FIRST_DB = BQX_LOOKBACK + 1;

interface Target {
  readonly text: (h: number) => string;
  readonly kernel: string;
  readonly lookback: number;
  readonly nanPrefix: number;
  readonly range?: readonly [number, number];
  readonly discrete?: readonly number[];
  readonly notes?: string;
}

const TARGETS: Record<'bqx' | 'dz' | 'dir', Target> = {
  bqx: {
    text: (h) => `w${h}_bqx_return at row t + ${h}: Σ_{k=1..${h}} (C_{t+${h}−k} − C_{t+${h}}) / C_{t+${h}} (reads C_t … C_{t+${h}})`,
    kernel: 'bqxReturn', lookback: 0, nanPrefix: 0,
  },
  dz: {
    text: (h) => `(B_{t+${h}} − B_t) / σ_t, σ_t = sqrt(EWMA_{α=2/61} of ΔB²) up to t`,
    kernel: 'ema (kernels/ta) of ΔB²',
    // B (15 rows) + ΔB (1) + the EWMA's SMA seed (59 more) + its memory.
    lookback: FIRST_DB + emaLookback(SIGMA_PERIOD) + filterMemory(emaK(SIGMA_PERIOD)),
    nanPrefix: FIRST_DB + emaLookback(SIGMA_PERIOD),
    notes:
      'σ_t² is the zero-mean (RiskMetrics) EWMA of ΔB_t² with α = 2/61, seeded as TA-Lib EMA(60): the mean of ' +
      'the first 60 defined ΔB² (rows 16 … 75), then σ² ← σ² + α(ΔB² − σ²). NaN where σ_t = 0.',
  },
  dir: {
    text: (h) => `sign(B_{t+${h}} − B_t) ∈ {−1, 0, 1}`,
    kernel: 'sign', lookback: BQX_LOOKBACK, nanPrefix: BQX_LOOKBACK, range: [-1, 1], discrete: [-1, 0, 1],
  },
};
type Kind = keyof typeof TARGETS;

const targetName = (k: Kind, h: number) => `target_${k}_h${h}`;

const features: FeatureDef[] = (Object.keys(TARGETS) as Kind[]).flatMap((k) =>
  HORIZONS.map((h) => {
    const s = TARGETS[k];
    return feature({
      name: targetName(k, h),
      family: 'targets',
      domain: 'bqx',
      stage: 'base',
      kernel: s.kernel,
      params: { h },
      inputs: [k === 'bqx' ? 'close' : 'bqx'],
      role: 'target',
      lookahead: h,
      lookback: s.lookback,
      nanPrefix: s.nanPrefix,
      ...(s.range ? { range: s.range } : {}),
      ...(s.discrete ? { discrete: s.discrete } : {}),
      description: `Target (reads ${h} rows ahead, never a feature input): ${s.text(h)}. NaN in the last ${h} rows of the data.`,
      ...(s.notes ? { notes: s.notes } : {}),
    });
  }),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  const { n, close, bqx: b } = frame;
  // σ_t² = EWMA of ΔB² (written into target_dz_h15's column, which is then overwritten last).
  const sigma2 = out(targetName('dz', HORIZONS[0]));
  diff(b, 1, sigma2);
  for (let t = 0; t < n; t++) sigma2[t] = sigma2[t]! * sigma2[t]!;
  const first = Math.min(FIRST_DB, n);
  const tail = sigma2.subarray(first);
  ema(tail.slice(), SIGMA_PERIOD, tail);
  sigma2.fill(NaN, 0, first);
  for (const h of [...HORIZONS].reverse()) {
    const fwd = out(targetName('bqx', h));
    bqxReturn(close, h, fwd);
    fwd.copyWithin(0, Math.min(h, n));
    const dz = out(targetName('dz', h));
    const dir = out(targetName('dir', h));
    for (let t = 0; t < n; t++) {
      const ahead = t + h < n;
      if (!ahead) fwd[t] = NaN;
      const change = ahead ? b[t + h]! - b[t]! : NaN;
      const s2 = sigma2[t]!;
      dz[t] = s2 > 0 ? change / Math.sqrt(s2) : NaN; // σ written last for h = 15 (same column): read before write
      dir[t] = change === change ? Math.sign(change) : NaN;
    }
  }
}

export const targets: Family = { name: 'targets', stage: 'base', version: 1, partition: 'pair', features, compute };
