// reg — rolling quadratic regression (FEATURES.md §2), idx 42 + bqx 42: y = a·x² + b·x + c over the last W
// rows including t, x = 0 … W−1 (x = W−1 at row t). The fit itself is kernels/regression.ts (O(1) per row);
// the erm stage reconstructs a, b, c from quadratic_term, linear_term and constant_term.
import { feature, PRICE_DOMAINS, type PriceDomain } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { rollingQuadFit } from '../../kernels/regression.ts';
import { BQX_WINDOW } from '../../kernels/bqx.ts';

export const REG_WINDOWS = [60, 90, 150, 240, 390, 630] as const;

const METRICS = {
  quadratic_term: { range: undefined, text: 'a·(W−1)²: the fitted quadratic term over the window, in units of y' },
  linear_term: { range: undefined, text: 'b·(W−1): the fitted linear term over the window, in units of y' },
  constant_term: { range: undefined, text: 'c: the fitted value at x = 0 (the oldest row of the window)' },
  prediction: { range: undefined, text: 'the fitted value at row t, a(W−1)² + b(W−1) + c' },
  residual: { range: undefined, text: 'y_t − prediction' },
  r2: { range: [0, 1], text: '1 − SSres/SStot of the fit (NaN when the window is constant, SStot = 0)' },
  rmse: { range: [0, Infinity], text: 'sqrt(SSres / W)' },
} as const satisfies Record<string, { range: readonly [number, number] | undefined; text: string }>;
type Metric = keyof typeof METRICS;

const SERIES: Record<PriceDomain, { input: 'close' | 'bqx'; label: string; lookback: number }> = {
  idx: { input: 'close', label: 'the idx close C', lookback: 0 },
  bqx: { input: 'bqx', label: 'B = w15_bqx_return', lookback: BQX_WINDOW }, // B's own NaN prefix
};

function regName(d: PriceDomain, w: number, m: Metric): string {
  return `reg_${d}_w${w}_${m}`;
}

const features: FeatureDef[] = PRICE_DOMAINS.flatMap((d) =>
  REG_WINDOWS.flatMap((w) =>
    (Object.keys(METRICS) as Metric[]).map((m) => {
      const { range, text } = METRICS[m];
      return feature({
        name: regName(d, w, m),
        family: 'reg',
        domain: d,
        stage: 'base',
        kernel: 'rollingQuadFit',
        params: { w, metric: m },
        inputs: [SERIES[d].input],
        lookback: w - 1 + SERIES[d].lookback,
        ...(range ? { range } : {}),
        description:
          `Least-squares fit y = a·x² + b·x + c of ${SERIES[d].label} over the last ${w} rows including t ` +
          `(x = 0 … ${w - 1}, x = ${w - 1} at t): ${text}.`,
        notes:
          'Solved in the discrete orthogonal-polynomial basis of the centred x with O(1) sliding sums, ' +
          `re-summed exactly every ${w} rows (equal to a continuous run to ~1e-12 relative, not bit for bit). ` +
          'prediction is evaluated from the orthogonal coefficients (mathematically the sum of the three terms). ' +
          'A window of identical values gives a = b = 0, c = y, residual 0, rmse 0 and r2 NaN. ' +
          'NaN while the window holds a NaN.',
      });
    }),
  ),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  for (const d of PRICE_DOMAINS) {
    const y = frame[SERIES[d].input];
    for (const w of REG_WINDOWS) {
      const col = (m: Metric) => out(regName(d, w, m));
      const quad = col('quadratic_term');
      const lin = col('linear_term');
      const pred = col('prediction');
      const resid = col('residual');
      const r2 = col('r2');
      const rmse = col('rmse');
      // The kernel writes a, b, c, ŷ_t, SSres, SStot straight into the output columns (SSres into rmse,
      // SStot into r2), which are then turned into the metrics in place.
      rollingQuadFit(y, w, { a: quad, b: lin, c: col('constant_term'), fitted: pred, ssRes: rmse, ssTot: r2 });
      const x2 = (w - 1) * (w - 1);
      for (let t = 0; t < frame.n; t++) {
        const ssRes = rmse[t]!;
        const ssTot = r2[t]!;
        quad[t]! *= x2;
        lin[t]! *= w - 1;
        resid[t] = y[t]! - pred[t]!;
        r2[t] = ssTot > 0 ? 1 - ssRes / ssTot : NaN;
        rmse[t] = Math.sqrt(ssRes / w);
      }
    }
  }
}

export const reg: Family = { name: 'reg', stage: 'base', version: 2, partition: 'pair', features, compute };
