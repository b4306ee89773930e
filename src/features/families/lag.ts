// lag — earlier values of other features (FEATURES.md §7 lag, §8), idx 6 + bqx 6: the value L rows
// earlier, L ∈ {60, 120, 180}. Each source is recomputed on the rows before t − L + 1 (its kernels are
// causal), which gives exactly the source feature's value at row t − L of the same frame.
import { feature, filterMemory, type PriceDomain } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { logReturn } from '../../kernels/lag.ts';
import { bqxReturn } from '../../kernels/bqx.ts';
import { rsi, rsiLookback } from '../../kernels/ta/rsi.ts';
import { BP } from './ret.ts';

export const LAGS = [60, 120, 180] as const;
const RSI_PERIOD = 60;

interface Source {
  readonly domain: PriceDomain;
  readonly kernel: string;
  /** Writes the source feature over the input's rows. */
  readonly fill: (close: Float64Array, out: Float64Array) => void;
  readonly lookback: number;
  readonly nanPrefix: number;
  readonly text: string;
  readonly range?: readonly [number, number];
  readonly notes?: string;
}

const SOURCES: Record<string, Source> = {
  ret_idx_r60: {
    domain: 'idx', kernel: 'logReturn', fill: (c, o) => logReturn(c, 60, o, BP), lookback: 60, nanPrefix: 60,
    text: 'ret_idx_r60 = ln(C_t / C_{t−60}) in bp',
  },
  rsi_idx_w60: {
    domain: 'idx', kernel: 'rsi (kernels/ta, TA-Lib semantics)', fill: (c, o) => rsi(c, RSI_PERIOD, o),
    lookback: rsiLookback(RSI_PERIOD) + filterMemory(1 / RSI_PERIOD), nanPrefix: rsiLookback(RSI_PERIOD),
    text: 'rsi_idx_w60 = TA-Lib RSI(C, 60)', range: [0, 100],
    notes:
      'RSI(60) is Wilder-smoothed from the start of the data: its lookback is the seed (60 rows) + the rows ' +
      'after which (1 − 1/60)^k < 1e-12 (filterMemory), plus L.',
  },
  w60_bqx_return: {
    domain: 'bqx', kernel: 'bqxReturn', fill: (c, o) => bqxReturn(c, 60, o), lookback: 60, nanPrefix: 60,
    text: 'w60_bqx_return = Σ_{k=1..60} (C_{t−k} − C_t) / C_t',
  },
  agg_bqx_return: {
    domain: 'bqx', kernel: 'bqxReturn', fill: (c, o) => bqxReturn(c, 75, o), lookback: 75, nanPrefix: 75,
    text: 'agg_bqx_return = w75_bqx_return = Σ_{k=1..75} (C_{t−k} − C_t) / C_t',
  },
};

const lagName = (source: string, l: number) => `${source}_lag${l}`;

const features: FeatureDef[] = Object.entries(SOURCES).flatMap(([source, s]) =>
  LAGS.map((l) =>
    feature({
      name: lagName(source, l),
      family: 'lag',
      domain: s.domain,
      stage: 'base',
      kernel: s.kernel,
      params: { lag: l, source },
      inputs: ['close'],
      lookback: s.lookback + l,
      nanPrefix: s.nanPrefix + l,
      ...(s.range ? { range: s.range } : {}),
      description: `The value of ${s.text}, ${l} rows earlier (at row t − ${l}).`,
      notes:
        `Lag by rows of the pair (positional, across weekend gaps). ${s.notes ?? ''}`.trim(),
    }),
  ),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  const c = frame.close;
  const n = frame.n;
  for (const [source, s] of Object.entries(SOURCES)) {
    for (const l of LAGS) {
      const col = out(lagName(source, l));
      const head = Math.min(l, n);
      col.fill(NaN, 0, head);
      s.fill(c.subarray(0, n - head), col.subarray(head));
    }
  }
}

export const lag: Family = { name: 'lag', stage: 'base', version: 1, partition: 'pair', features, compute };
