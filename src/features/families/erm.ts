// erm — enhanced regression diagnostics, seed stage 2.8 (FEATURES.md §3), idx 30 + bqx 30: five
// diagnostics of the §2 reg quadratic fit per window W and domain. The fit is shared, not redone: a, b, c
// are reconstructed from the reg stage's quadratic_term = a(W−1)², linear_term = b(W−1), constant_term = c
// (read through frame.upstream), and kernels/regression-diagnostics.ts evaluates the residuals.
import { feature, PRICE_DOMAINS, type PriceDomain } from '../define.ts';
import type { Family, FeatureDef, OutputColumn, PairFrame } from '../types.ts';
import { regressionDiagnostics, type DiagnosticColumns } from '../../kernels/regression-diagnostics.ts';
import { DOMAIN_SERIES } from './bqx.ts';
import { REG_WINDOWS } from './reg.ts';

const METRICS = {
  rmse_improvement_vs_linear: {
    column: 'rmseImprovement', range: [0, 1],
    text: '(rmse_lin − rmse_quad) / rmse_lin, rmse_lin of the straight-line least-squares fit on the same window',
  },
  extrapolation_confidence: {
    column: 'extrapolationConfidence', range: [0, Infinity],
    text: 'half-width of the 95 % prediction interval one step ahead (x₀ = W), t_{0.975, W−3}·s·sqrt(1 + x₀ᵀ(XᵀX)⁻¹x₀) ' +
      'with s² = SSres/(W−3), divided by the sample std of y over the window (smaller = more confident)',
  },
  residual_autocorrelation: {
    column: 'residualAutocorrelation', range: [-1, 1],
    text: 'Σ_{i≥1} e_i e_{i−1} / Σ e_i² of the fit residuals e_i over the window',
  },
  heteroskedasticity_measure: {
    column: 'heteroskedasticity', range: [0, 1],
    text: 'R² of the auxiliary OLS regression of e_i² on x_i (Breusch–Pagan form)',
  },
  curvature_significance: {
    column: 'curvatureSignificance', range: undefined,
    text: 't-statistic â / SE(â) of the quadratic coefficient, SE(â) = s·sqrt([(XᵀX)⁻¹]_aa)',
  },
} as const satisfies Record<string, { column: keyof DiagnosticColumns; range: readonly [number, number] | undefined; text: string }>;
type Metric = keyof typeof METRICS;
const METRIC_NAMES = Object.keys(METRICS) as Metric[];

const ermName = (d: PriceDomain, w: number, m: Metric) => `erm_${d}_w${w}_${m}`;
const regName = (d: PriceDomain, w: number, term: 'quadratic_term' | 'linear_term' | 'constant_term') => `reg_${d}_w${w}_${term}`;

const features: FeatureDef[] = PRICE_DOMAINS.flatMap((d) =>
  REG_WINDOWS.flatMap((w) =>
    METRIC_NAMES.map((m) => {
      const { range, text } = METRICS[m];
      return feature({
        name: ermName(d, w, m),
        family: 'erm',
        domain: d,
        stage: 'erm',
        kernel: 'regressionDiagnostics',
        params: { w, metric: m },
        inputs: [DOMAIN_SERIES[d].input, regName(d, w, 'quadratic_term'), regName(d, w, 'linear_term'), regName(d, w, 'constant_term')],
        lookback: w - 1 + DOMAIN_SERIES[d].lookback,
        ...(range ? { range } : {}),
        description:
          `Diagnostic of the reg quadratic fit y = a·x² + b·x + c of ${DOMAIN_SERIES[d].label} over the last ${w} rows ` +
          `(x = 0 … ${w - 1}): ${text}.`,
        notes:
          'The fit is reg’s (a, b, c from its quadratic/linear/constant terms), not refitted; residuals are evaluated ' +
          'directly over the window (O(W) per row). The straight line is the quadratic fit without its orthogonal P2 ' +
          'component (SSres_lin = SSres + a²·N2, exact for least squares). t_{0.975, W−3} from scipy ' +
          '(fixtures/erm/t_quantiles.py). NaN while reg is NaN and for a constant window; when every residual is ' +
          'at rounding level (the window is exactly quadratic) the residual-based values are NaN, ' +
          'rmse_improvement_vs_linear is 1 and extrapolation_confidence 0. heteroskedasticity_measure is NaN when ' +
          'e² is constant over the window.',
      });
    }),
  ),
);

function compute(frame: PairFrame, out: OutputColumn): void {
  for (const d of PRICE_DOMAINS) {
    const y = frame[DOMAIN_SERIES[d].input];
    for (const w of REG_WINDOWS) {
      const cols = Object.fromEntries(METRIC_NAMES.map((m) => [METRICS[m].column, out(ermName(d, w, m))])) as unknown as DiagnosticColumns;
      regressionDiagnostics(y, w, {
        quadTerm: frame.upstream(regName(d, w, 'quadratic_term')),
        linTerm: frame.upstream(regName(d, w, 'linear_term')),
        constTerm: frame.upstream(regName(d, w, 'constant_term')),
      }, cols);
    }
  }
}

export const erm: Family = { name: 'erm', stage: 'erm', version: 2, partition: 'pair', features, compute };
