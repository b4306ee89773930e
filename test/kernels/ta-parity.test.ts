// Parity of the TA-Lib kernels with TA-Lib 0.6 itself (npm talib 1.1.6) on generated series: every
// indicator, every catalog window (15 … 75) and the classic parameters, same lookback (same leading
// NaN rows) and values within 1e-9 relative (BBANDS 1e-8). The real-data parity is ta-real.test.ts.
import { test } from 'node:test';
import { bqxSeries, idxSeries } from './ta-oracle.ts';
import { checkAllCases } from './ta-cases.ts';

test('idx-like series ≈ 100 with 1e-4 moves, ties and zero-volume stretches: every indicator = TA-Lib', () => {
  checkAllCases(idxSeries(12_000, 1), false);
});

test('bqx-like series (H = L = C = B ≈ 1e-3, sign changes): every indicator = TA-Lib', () => {
  checkAllCases(bqxSeries(12_000, 2), true);
});
